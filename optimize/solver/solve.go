package solver

import (
	"math"
	"runtime"
)

// Settings tune Solve. The zero value gives the defaults.
type Settings struct {
	// Iterations caps the subgradient iterations on the Lagrangian dual.
	// 0 means 300.
	Iterations int
	// ExactMaxSlots: problems with at most this many slots are also solved
	// by branch and bound, which proves optimality unless it hits NodeLimit.
	// 0 means 64; negative never runs branch and bound.
	ExactMaxSlots int
	// NodeLimit caps the branch-and-bound nodes (a deterministic limit,
	// unlike a time limit). 0 means 2,000,000.
	NodeLimit int
	// Workers is the number of goroutines evaluating the dual. 0 means
	// runtime.GOMAXPROCS(0). The result does not depend on it.
	Workers int
}

func (s Settings) withDefaults() Settings {
	if s.Iterations <= 0 {
		s.Iterations = 300
	}
	if s.ExactMaxSlots == 0 {
		s.ExactMaxSlots = 64
	}
	if s.NodeLimit <= 0 {
		s.NodeLimit = 2_000_000
	}
	if s.Workers <= 0 {
		s.Workers = runtime.GOMAXPROCS(0)
	}
	return s
}

// Solution is Solve's plan with its quality.
type Solution struct {
	// Choice[i] is the option chosen for slot i (0 is off).
	Choice []int
	// Objective is Σ Objective of the chosen options.
	Objective float64
	// Bound is an upper bound on the objective of every feasible plan:
	// Objective when Exact, the Lagrangian (linear relaxation) bound
	// otherwise, −Inf when the problem is proved infeasible.
	Bound float64
	// Feasible reports that Choice meets every constraint. When false, no
	// feasible plan was found and Choice is the least violating plan found;
	// see Eval.Violations.
	Feasible bool
	// Exact reports a proof: Choice is optimal (to a relative 1e-9), or,
	// when Feasible is false, no feasible plan exists.
	Exact bool
	// Eval is Evaluate(Choice): totals and the slack of every constraint.
	Eval Evaluation
	// Iterations and Nodes count the dual iterations and branch-and-bound
	// nodes used.
	Iterations, Nodes int
}

// Gap is the relative optimality gap (Bound − Objective) / max(1, |Bound|):
// the most that any plan could improve on Choice, as a fraction. It is 0
// when Exact and +Inf when no feasible plan was found.
func (s *Solution) Gap() float64 {
	if !s.Feasible {
		return math.Inf(1)
	}
	return math.Max(0, s.Bound-s.Objective) / math.Max(1, math.Abs(s.Bound))
}

// Solve chooses one option per slot to maximise Σ Objective subject to the
// budget, group limits, minimum margin rate and stock of p. It returns an
// *InputError when p is invalid; an infeasible problem is not an error (see
// Solution.Feasible). The result depends only on p and s.
func Solve(p *Problem, s Settings) (Solution, error) {
	c, err := compile(p)
	if err != nil {
		return Solution{}, err
	}
	s = s.withDefaults()
	h := c.heuristic(s.Iterations, s.Workers)
	sol := Solution{Bound: h.bound, Feasible: h.feasible, Iterations: h.iters}
	choice := h.choice
	if c.n <= s.ExactMaxSlots {
		var inc []int
		if h.feasible {
			inc = h.choice
		}
		best, found, complete, nodes := c.branchAndBound(h.lam, h.sig, inc, h.obj, s.NodeLimit)
		sol.Nodes = nodes
		if found {
			choice, sol.Feasible = best, true
		}
		if complete {
			sol.Exact = true
		}
	} else if !h.feasible && c.provedInfeasible() {
		sol.Exact = true
	}
	global := choice
	sol.Choice = make([]int, c.n)
	for i, o := range global {
		sol.Choice[i] = o - c.start[i]
	}
	sol.Eval = c.evaluate(p, global)
	sol.Objective = sol.Eval.Objective
	sol.Feasible = sol.Eval.Feasible
	switch {
	case sol.Exact && sol.Feasible:
		sol.Bound = sol.Objective
	case sol.Exact:
		sol.Bound = math.Inf(-1)
	case sol.Feasible && sol.Bound-sol.Objective <= 1e-9*math.Max(1, math.Abs(sol.Objective)):
		sol.Exact = true
		sol.Bound = math.Max(sol.Bound, sol.Objective)
	}
	return sol, nil
}

// provedInfeasible reports that some row cannot be met even when every slot
// takes its smallest coefficient in it.
func (c *compiled) provedInfeasible() bool {
	minLoad := make([]float64, len(c.rhs))
	minSt := make([]float64, len(c.stRhs))
	for i := 0; i < c.n; i++ {
		for _, r := range c.rowsOf(i) {
			if r >= 0 {
				m := math.Inf(1)
				for o := c.start[i]; o < c.start[i+1]; o++ {
					m = math.Min(m, c.coef(i, o, r))
				}
				minLoad[r] += m
			}
		}
		if r := c.stRow[i]; r >= 0 {
			m := math.Inf(1)
			for o := c.start[i]; o < c.start[i+1]; o++ {
				m = math.Min(m, c.units[o])
			}
			minSt[r] += m
		}
	}
	for r := range c.rhs {
		if minLoad[r] > c.rhs[r]+c.tol[r] {
			return true
		}
	}
	for r := range c.stRhs {
		if minSt[r] > c.stRhs[r]+c.stTol[r] {
			return true
		}
	}
	return false
}
