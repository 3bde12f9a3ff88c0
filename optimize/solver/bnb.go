package solver

import (
	"math"
	"slices"
)

// bnb is a depth-first branch and bound over the slots. A node's bound is
// the smaller of
//
//	Σ_fixed Objective + Σ_free max_o Objective_o
//	Σ_fixed rv + Σ_free max_o rv_o + λ·rhs + σ·stock
//
// where rv_o = Objective_o − λ·a_o − σ·Units_o is the option's value priced
// at the heuristic's best multipliers (valid for any λ, σ ≥ 0 by weak
// duality). A branch is cut when some row cannot be met even if every
// remaining slot took its smallest coefficient in that row.
type bnb struct {
	c     *compiled
	order []int   // slots in branching order
	opts  [][]int // per depth: the slot's options, best rv first
	rv    []float64
	cst   float64   // λ·rhs + σ·stock
	sufO  []float64 // per depth: Σ of max Objective over slots at depth ≥ d
	sufRV []float64
	// Per depth and row: Σ of min coefficient over slots at depth ≥ d.
	sufMin, sufMinSt [][]float64
	load, stLoad     []float64
	cur              []int

	best      []int
	bestObj   float64
	found     bool
	nodes     int
	nodeLimit int
	aborted   bool
}

// branchAndBound searches for the optimum, starting from the incumbent inc
// (nil when none). complete reports that the search finished, so that best is
// optimal (or, with found false, that no feasible plan exists).
func (c *compiled) branchAndBound(lam, sig []float64, inc []int, incObj float64, nodeLimit int) (best []int, found, complete bool, nodes int) {
	b := &bnb{c: c, nodeLimit: nodeLimit, load: make([]float64, len(c.rhs)), stLoad: make([]float64, len(c.stRhs)), cur: make([]int, c.n)}
	if inc != nil {
		b.best, b.bestObj, b.found = slices.Clone(inc), incObj, true
	}
	b.rv = make([]float64, len(c.obj))
	for i := 0; i < c.n; i++ {
		for o := c.start[i]; o < c.start[i+1]; o++ {
			v := c.obj[o]
			for _, r := range c.rowsOf(i) {
				if r >= 0 {
					v -= lam[r] * c.coef(i, o, r)
				}
			}
			if r := c.stRow[i]; r >= 0 {
				v -= sig[r] * c.units[o]
			}
			b.rv[o] = v
		}
	}
	for r := range c.rhs {
		b.cst += lam[r] * c.rhs[r]
	}
	for r := range c.stRhs {
		b.cst += sig[r] * c.stRhs[r]
	}

	// Branch first on the slots whose choice matters most.
	spread := make([]float64, c.n)
	b.order = make([]int, c.n)
	for i := range b.order {
		b.order[i] = i
		lo, hi := math.Inf(1), math.Inf(-1)
		for o := c.start[i]; o < c.start[i+1]; o++ {
			lo, hi = math.Min(lo, c.obj[o]), math.Max(hi, c.obj[o])
		}
		spread[i] = hi - lo
	}
	slices.SortStableFunc(b.order, func(x, y int) int {
		switch {
		case spread[x] > spread[y]:
			return -1
		case spread[x] < spread[y]:
			return 1
		}
		return x - y
	})

	n := c.n
	b.opts = make([][]int, n)
	b.sufO, b.sufRV = make([]float64, n+1), make([]float64, n+1)
	b.sufMin, b.sufMinSt = make([][]float64, n+1), make([][]float64, n+1)
	b.sufMin[n], b.sufMinSt[n] = make([]float64, len(c.rhs)), make([]float64, len(c.stRhs))
	for d := n - 1; d >= 0; d-- {
		i := b.order[d]
		os := make([]int, 0, c.start[i+1]-c.start[i])
		maxO, maxRV := math.Inf(-1), math.Inf(-1)
		for o := c.start[i]; o < c.start[i+1]; o++ {
			os = append(os, o)
			maxO, maxRV = math.Max(maxO, c.obj[o]), math.Max(maxRV, b.rv[o])
		}
		slices.SortStableFunc(os, func(x, y int) int {
			switch {
			case b.rv[x] > b.rv[y]:
				return -1
			case b.rv[x] < b.rv[y]:
				return 1
			}
			return x - y
		})
		b.opts[d] = os
		b.sufO[d], b.sufRV[d] = b.sufO[d+1]+maxO, b.sufRV[d+1]+maxRV
		b.sufMin[d], b.sufMinSt[d] = slices.Clone(b.sufMin[d+1]), slices.Clone(b.sufMinSt[d+1])
		for _, r := range c.rowsOf(i) {
			if r >= 0 {
				m := math.Inf(1)
				for _, o := range os {
					m = math.Min(m, c.coef(i, o, r))
				}
				b.sufMin[d][r] += m
			}
		}
		if r := c.stRow[i]; r >= 0 {
			m := math.Inf(1)
			for _, o := range os {
				m = math.Min(m, c.units[o])
			}
			b.sufMinSt[d][r] += m
		}
	}
	for r := range c.rhs {
		if b.sufMin[0][r] > c.rhs[r]+c.tol[r] {
			return b.best, false, true, 0 // no plan meets row r
		}
	}
	for r := range c.stRhs {
		if b.sufMinSt[0][r] > c.stRhs[r]+c.stTol[r] {
			return b.best, false, true, 0
		}
	}
	b.search(0, 0, 0)
	return b.best, b.found, !b.aborted, b.nodes
}

func (b *bnb) search(d int, obj, rv float64) {
	if b.aborted {
		return
	}
	b.nodes++
	if b.nodes > b.nodeLimit {
		b.aborted = true
		return
	}
	c := b.c
	if d == len(b.order) {
		if !b.found || obj > b.bestObj {
			b.best = make([]int, c.n)
			copy(b.best, b.cur)
			b.bestObj, b.found = obj, true
		}
		return
	}
	if b.found {
		bound := math.Min(obj+b.sufO[d], rv+b.cst+b.sufRV[d])
		if bound <= b.bestObj+1e-9*math.Max(1, math.Abs(b.bestObj)) {
			return
		}
	}
	i := b.order[d]
	rows := c.rowsOf(i)
	sr := c.stRow[i]
	for _, o := range b.opts[d] {
		ok := true
		for _, r := range rows {
			if r >= 0 && b.load[r]+c.coef(i, o, r)+b.sufMin[d+1][r] > c.rhs[r]+c.tol[r] {
				ok = false
				break
			}
		}
		if ok && sr >= 0 && b.stLoad[sr]+c.units[o]+b.sufMinSt[d+1][sr] > c.stRhs[sr]+c.stTol[sr] {
			ok = false
		}
		if !ok {
			continue
		}
		for _, r := range rows {
			if r >= 0 {
				b.load[r] += c.coef(i, o, r)
			}
		}
		if sr >= 0 {
			b.stLoad[sr] += c.units[o]
		}
		b.cur[i] = o
		b.search(d+1, obj+c.obj[o], rv+b.rv[o])
		for _, r := range rows {
			if r >= 0 {
				b.load[r] -= c.coef(i, o, r)
			}
		}
		if sr >= 0 {
			b.stLoad[sr] -= c.units[o]
		}
		if b.aborted {
			return
		}
	}
}
