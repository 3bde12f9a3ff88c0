package solver

import (
	"math"
	"slices"
)

// heuristicResult is the outcome of the Lagrangian heuristic.
type heuristicResult struct {
	choice   []int   // best plan found (global option indices)
	obj      float64 // its objective
	feasible bool    // whether choice is feasible; otherwise it is the least violating plan found
	bound    float64 // best (lowest) dual value: an upper bound on the optimum
	lam, sig []float64
	iters    int
}

// heuristic minimises the dual by projected subgradient steps (Polyak step
// length towards the best plan found, halved when the bound stalls), and
// turns the dual's integer plans into feasible ones by repair and
// improvement.
func (c *compiled) heuristic(iters, workers int) heuristicResult {
	d := newDual(c, workers)
	res := heuristicResult{bound: math.Inf(1), obj: math.Inf(-1), lam: make([]float64, len(c.rhs)), sig: make([]float64, len(c.stRhs))}
	bestViol := math.Inf(1)
	consider := func(choice []int, lam, sig []float64) {
		st := c.newState(slices.Clone(choice))
		ok := st.repair(50)
		if ok {
			st.improve(lam, sig, 50)
		}
		switch {
		case ok && (!res.feasible || st.obj > res.obj):
			res.choice, res.obj, res.feasible = st.choice, st.obj, true
		case !ok && !res.feasible:
			if v := st.violation(); v < bestViol {
				bestViol = v
				res.choice, res.obj = st.choice, st.obj
			}
		}
	}
	consider(c.start[:c.n], d.lam, d.sig) // all off

	// Phase 1 (first 3/4 of the iterations) prices stock by the LP
	// subproblems, which are cheap; phase 2 restarts from phase 1's best
	// multipliers and solves them over integers, for a tighter bound.
	y := make([]float64, len(c.rhs)) // λ·scale
	g := make([]float64, len(c.rhs))
	switchAt := iters * 3 / 4
	alpha, stall, phaseBest := 1.0, 0, math.Inf(1)
	for it := 0; it < iters; it++ {
		res.iters = it + 1
		exact := it >= switchAt
		if it == switchAt && it > 0 {
			for r := range y {
				d.lam[r] = res.lam[r]
				y[r] = res.lam[r] * c.scale[r]
			}
			alpha, stall, phaseBest = 0.5, 0, math.Inf(1)
		}
		val := d.eval(exact)
		if val < res.bound {
			res.bound = val
			copy(res.lam, d.lam)
			copy(res.sig, d.sig)
		}
		if val < phaseBest {
			phaseBest, stall = val, 0
		} else if stall++; stall >= 20 {
			alpha, stall = alpha/2, 0
		}
		if it == 10 || it == switchAt/2 || (exact && (it-switchAt)%25 == 0) {
			consider(d.choice, d.lam, d.sig)
		}
		target := res.obj
		if !res.feasible {
			target = res.bound - 0.05*math.Max(1, math.Abs(res.bound))
		}
		if res.feasible && res.bound-res.obj <= 1e-9*math.Max(1, math.Abs(res.obj)) {
			break // proved optimal
		}
		norm := 0.0
		for r := range g {
			g[r] = (d.load[r] - c.rhs[r]) / c.scale[r] // −∂D/∂y
			if y[r] <= 0 && g[r] < 0 {
				g[r] = 0 // projected: y cannot go below 0
			}
			norm += g[r] * g[r]
		}
		if norm == 0 || alpha < 1e-6 {
			if exact || switchAt >= iters {
				break // dual optimum (or no progress left)
			}
			it = switchAt - 1 // on to phase 2
			continue
		}
		t := alpha * math.Max(val-target, 1e-12*math.Max(1, math.Abs(val))) / norm
		for r := range y {
			y[r] = math.Max(0, y[r]+t*g[r])
			d.lam[r] = y[r] / c.scale[r]
		}
	}
	if res.iters > 0 {
		// At the best multipliers, solve the stock subproblems over
		// integers: a tighter bound, and a plan closer to feasible.
		copy(d.lam, res.lam)
		if val := d.eval(true); val < res.bound {
			res.bound = val
		}
		consider(d.choice, res.lam, res.sig)
	}
	return res
}
