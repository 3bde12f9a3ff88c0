package solver

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// check is an independent feasibility check of a plan, written from the
// Problem's fields (not from compile), with a relative tolerance of 1e-9.
func check(p *Problem, choice []int) (obj float64, feasible bool) {
	within := func(load, limit, scale float64) bool { return load <= limit+1e-9*(1+math.Abs(limit)+scale) }
	var cost, costAbs, rev, mar, marAbs float64
	gCost, gCount := map[int]float64{}, map[int]int{}
	units := map[int]float64{}
	for i, s := range p.Slots {
		o := s.Options[choice[i]]
		obj += o.Objective
		cost += o.Cost
		costAbs += o.Cost
		rev += o.Revenue
		mar += o.Margin
		marAbs += math.Abs(o.Margin) + math.Abs(o.Revenue)
		gCost[s.Group] += o.Cost
		if choice[i] != 0 {
			gCount[s.Group]++
		}
		units[s.Series] += o.Units
	}
	feasible = within(cost, p.Budget, costAbs)
	for _, g := range p.Groups {
		feasible = feasible && within(gCost[g.Group], g.MaxCost, costAbs)
		if g.MaxPromoted >= 0 {
			feasible = feasible && gCount[g.Group] <= g.MaxPromoted
		}
	}
	if !math.IsInf(p.MinMarginRate, -1) {
		feasible = feasible && within(p.MinMarginRate*rev-mar, 0, marAbs)
	}
	for s, st := range p.Stock {
		feasible = feasible && within(units[s], st, units[s])
	}
	return obj, feasible
}

// bruteForce enumerates every plan; best is nil when none is feasible.
func bruteForce(p *Problem) (best []int, bestObj float64) {
	choice := make([]int, len(p.Slots))
	bestObj = math.Inf(-1)
	for {
		if obj, ok := check(p, choice); ok && obj > bestObj {
			best, bestObj = slices.Clone(choice), obj
		}
		i := 0
		for ; i < len(choice); i++ {
			choice[i]++
			if choice[i] < len(p.Slots[i].Options) {
				break
			}
			choice[i] = 0
		}
		if i == len(choice) {
			return best, bestObj
		}
	}
}

// greedyPlan picks each slot's best objective, ignoring every constraint.
func greedyPlan(p *Problem) []int {
	c := make([]int, len(p.Slots))
	for i, s := range p.Slots {
		for j, o := range s.Options {
			if o.Objective > s.Options[c[i]].Objective {
				c[i] = j
			}
		}
	}
	return c
}

func TestSolveMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	const instances = 2000
	var active [5]int // budget, group cost, group count, margin, stock violated by the greedy plan
	var infeasible, heurOptimal, heurFeasible int
	for k := 0; k < instances; k++ {
		p := genSmall(rng, 8, 3)
		want, wantObj := bruteForce(p)
		tol := 1e-9 * math.Max(1, math.Abs(wantObj))

		ev, err := Evaluate(p, greedyPlan(p))
		if err != nil {
			t.Fatal(err)
		}
		if ev.BudgetLeft < 0 {
			active[0]++
		}
		for _, g := range ev.Groups {
			if g.CostLeft < 0 {
				active[1]++
				break
			}
		}
		for _, g := range ev.Groups {
			if g.PromotedLeft < 0 && g.PromotedLeft != NoLimit {
				active[2]++
				break
			}
		}
		if ev.MarginLeft < 0 {
			active[3]++
		}
		for _, s := range ev.Stock {
			if s.Left < 0 {
				active[4]++
				break
			}
		}

		sol, err := Solve(p, Settings{})
		if err != nil {
			t.Fatalf("instance %d: %v", k, err)
		}
		if !sol.Exact {
			t.Fatalf("instance %d: %d slots not solved exactly", k, len(p.Slots))
		}
		if want == nil {
			infeasible++
			if sol.Feasible || !math.IsInf(sol.Bound, -1) {
				t.Errorf("instance %d: brute force finds no feasible plan, Solve returns feasible=%v bound=%g", k, sol.Feasible, sol.Bound)
			}
			continue
		}
		if !sol.Feasible {
			t.Errorf("instance %d: Solve found no plan, brute force found %v (%g)", k, want, wantObj)
			continue
		}
		if obj, ok := check(p, sol.Choice); !ok || math.Abs(obj-sol.Objective) > tol {
			t.Errorf("instance %d: plan %v independently checks as feasible=%v objective %g (reported %g)", k, sol.Choice, ok, obj, sol.Objective)
		}
		if math.Abs(sol.Objective-wantObj) > tol {
			t.Errorf("instance %d: objective %.12g, brute force %.12g (%v vs %v)", k, sol.Objective, wantObj, sol.Choice, want)
		}

		// The heuristic alone: feasible when it says so, never better
		// than the optimum, and its bound is a true upper bound.
		h, err := Solve(p, Settings{ExactMaxSlots: -1})
		if err != nil {
			t.Fatal(err)
		}
		if h.Bound < wantObj-tol {
			t.Errorf("instance %d: Lagrangian bound %.12g below the optimum %.12g", k, h.Bound, wantObj)
		}
		if h.Feasible {
			heurFeasible++
			if obj, ok := check(p, h.Choice); !ok || obj > wantObj+tol {
				t.Errorf("instance %d: heuristic plan feasible=%v objective %g, optimum %g", k, ok, obj, wantObj)
			}
			if h.Objective >= wantObj-tol {
				heurOptimal++
			}
		}
	}
	t.Logf("%d instances, %d infeasible; greedy plan violates budget %d, group cost %d, group count %d, margin %d, stock %d times; heuristic alone feasible %d, optimal %d",
		instances, infeasible, active[0], active[1], active[2], active[3], active[4], heurFeasible, heurOptimal)
	for j, n := range active {
		if n < instances/10 {
			t.Errorf("constraint kind %d binds the greedy plan in only %d of %d instances: the generator does not test it", j, n, instances)
		}
	}
	if infeasible > instances/4 {
		t.Errorf("%d of %d instances infeasible: the generator is too tight", infeasible, instances)
	}
}
