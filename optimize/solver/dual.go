package solver

import (
	"math"
	"slices"
	"sync"
	"sync/atomic"
)

// dual evaluates the Lagrangian dual function
//
//	D(λ) = λ·rhs + Σ_free max_o v_o + Σ_series LP_s(v)
//
// where v_o = Objective_o − Σ_r λ_r·a_or is an option's value after pricing
// the global rows (budget, group cost, group count, margin) at λ ≥ 0,
// free slots are those whose series has unlimited stock, and LP_s is the
// linear relaxation of "pick one option per slot of series s maximising
// Σ v subject to its stock". For every λ ≥ 0, D(λ) bounds the optimum of the
// problem from above (weak duality; the stock constraints stay in the
// subproblem, so D is as tight as the full linear relaxation at the best λ).
//
// LP_s is solved exactly by the greedy algorithm for the linear
// multiple-choice knapsack: each slot starts at its fewest-units option, and
// the segments of the slots' upper convex hulls in the (units, v) plane are
// taken in decreasing order of Δv/Δunits until the stock runs out, the last
// one fractionally; that segment's slope is the stock's shadow price σ_s.
type dual struct {
	c   *compiled
	lam []float64 // multipliers of the global rows

	// Outputs of the last eval.
	sig    []float64 // stock shadow prices
	choice []int     // integer plan: LP without its fractional part, then any further segments that fit
	load   []float64 // global row loads of the LP solution (fraction included)

	v       []float64 // reduced value per option
	exact   bool
	tasks   []task
	parts   []part // per task, summed in task order so that the result does not depend on the workers
	workers []*worker
}

// A task is a unit of parallel work: a block of free slots or of stock rows.
type task struct {
	free []int // free slots
	rows []int // stock rows
}

// part is a task's share of the dual value and of the loads.
type part struct {
	val  float64
	load []float64
}

// worker holds one goroutine's scratch space.
type worker struct {
	hull []int
	segs []segment
	ss   seriesSearch
}

type segment struct {
	slot, from, to int
	du, dv         float64
}

// Task sizes: large enough to amortise scheduling, small enough to balance.
const (
	freeChunk  = 4096
	stockChunk = 512
)

func newDual(c *compiled, workers int) *dual {
	d := &dual{
		c:      c,
		lam:    make([]float64, len(c.rhs)),
		sig:    make([]float64, len(c.stRhs)),
		choice: make([]int, c.n),
		load:   make([]float64, len(c.rhs)),
		v:      make([]float64, len(c.obj)),
	}
	for lo := 0; lo < len(c.freeSlots); lo += freeChunk {
		d.tasks = append(d.tasks, task{free: c.freeSlots[lo:min(lo+freeChunk, len(c.freeSlots))]})
	}
	rows := make([]int, len(c.stRhs))
	for r := range rows {
		rows[r] = r
	}
	for lo := 0; lo < len(rows); lo += stockChunk {
		d.tasks = append(d.tasks, task{rows: rows[lo:min(lo+stockChunk, len(rows))]})
	}
	d.parts = make([]part, len(d.tasks))
	for k := range d.parts {
		d.parts[k].load = make([]float64, len(c.rhs))
	}
	workers = max(1, min(workers, len(d.tasks)))
	for range workers {
		d.workers = append(d.workers, &worker{})
	}
	return d
}

// eval computes D(d.lam), the integer plan and the loads of the global rows
// (a subgradient of D is rhs − load). Without exact, each series' stock
// subproblem is solved as an LP and the loads are the LP solution's. With
// exact, the subproblems are solved over integer choices (a bound at least
// as tight: the integer Lagrangian dual) and the loads are the plan's.
// Tasks run on the workers in parallel; their parts are summed in task
// order.
func (d *dual) eval(exact bool) float64 {
	c := d.c
	d.exact = exact
	var next atomic.Int64
	run := func(w *worker) {
		for k := int(next.Add(1)) - 1; k < len(d.tasks); k = int(next.Add(1)) - 1 {
			d.runTask(w, k)
		}
	}
	var wg sync.WaitGroup
	for _, w := range d.workers[1:] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run(w)
		}()
	}
	run(d.workers[0])
	wg.Wait()

	val := 0.0
	for r, l := range d.lam {
		val += l * c.rhs[r]
		d.load[r] = 0
	}
	for k := range d.parts {
		val += d.parts[k].val
		for r, l := range d.parts[k].load {
			d.load[r] += l
		}
	}
	return val
}

func (d *dual) runTask(w *worker, k int) {
	c, t, p := d.c, d.tasks[k], &d.parts[k]
	p.val = 0
	for r := range p.load {
		p.load[r] = 0
	}
	for _, i := range t.free {
		d.price(i)
		best := c.start[i]
		for o := best + 1; o < c.start[i+1]; o++ {
			if d.v[o] > d.v[best] {
				best = o
			}
		}
		d.choice[i] = best
		p.val += d.v[best]
		d.addLoad(p.load, i, best, 1)
	}
	for _, r := range t.rows {
		for _, i := range c.stSlots[r] {
			d.price(i)
		}
		val := d.series(w, p.load, r)
		if d.exact && d.sig[r] > 0 {
			val = d.seriesInt(w, r, val)
		}
		p.val += val
	}
	if d.exact {
		for r := range p.load {
			p.load[r] = 0
		}
		for _, i := range t.free {
			d.addLoad(p.load, i, d.choice[i], 1)
		}
		for _, r := range t.rows {
			for _, i := range c.stSlots[r] {
				d.addLoad(p.load, i, d.choice[i], 1)
			}
		}
	}
}

// price sets the reduced values of slot i's options.
func (d *dual) price(i int) {
	c := d.c
	at := func(r int) float64 {
		if r < 0 {
			return 0
		}
		return d.lam[r]
	}
	clam := at(c.budgetRow) + at(c.gcRow[i])
	nlam := at(c.gnRow[i])
	mlam := at(c.marginRow)
	for o := c.start[i]; o < c.start[i+1]; o++ {
		v := c.obj[o] - clam*c.cost[o] - mlam*c.mrg[o]
		if o != c.start[i] {
			v -= nlam
		}
		d.v[o] = v
	}
}

// addLoad adds w times option o's coefficients to the global row loads.
func (d *dual) addLoad(load []float64, i, o int, w float64) {
	c := d.c
	if r := c.budgetRow; r >= 0 {
		load[r] += w * c.cost[o]
	}
	if r := c.gcRow[i]; r >= 0 {
		load[r] += w * c.cost[o]
	}
	if r := c.gnRow[i]; r >= 0 && o != c.start[i] {
		load[r] += w
	}
	if r := c.marginRow; r >= 0 {
		load[r] += w * c.mrg[o]
	}
}

// series solves LP_s for stock row r, sets the integer choice of its slots
// and the shadow price, adds the LP loads and returns LP_s.
func (d *dual) series(w *worker, load []float64, r int) float64 {
	c := d.c
	slots := c.stSlots[r]
	// Common case: the best option of every slot fits the stock.
	val, units := 0.0, 0.0
	for _, i := range slots {
		best := c.start[i]
		for o := best + 1; o < c.start[i+1]; o++ {
			if d.v[o] > d.v[best] {
				best = o
			}
		}
		d.choice[i] = best
		val += d.v[best]
		units += c.units[best]
	}
	d.sig[r] = 0
	if units <= c.stRhs[r]+c.stTol[r] {
		for _, i := range slots {
			d.addLoad(load, i, d.choice[i], 1)
		}
		return val
	}
	capLeft := c.stRhs[r]
	val = 0
	w.segs = w.segs[:0]
	for _, i := range slots {
		h := d.upperHull(w, i)
		d.choice[i] = h[0]
		capLeft -= c.units[h[0]]
		val += d.v[h[0]]
		for j := 1; j < len(h); j++ {
			w.segs = append(w.segs, segment{i, h[j-1], h[j], c.units[h[j]] - c.units[h[j-1]], d.v[h[j]] - d.v[h[j-1]]})
		}
	}
	slices.SortFunc(w.segs, func(a, b segment) int {
		// Decreasing slope dv/du (du > 0), then increasing slot.
		x, y := a.dv*b.du, b.dv*a.du
		switch {
		case x > y:
			return -1
		case x < y:
			return 1
		}
		return a.slot - b.slot
	})
	d.sig[r] = 0
	lpDone := false
	for _, s := range w.segs {
		if d.choice[s.slot] != s.from {
			// An earlier segment of this slot did not fit, so the slot
			// never reached s.from: it stays where it stopped.
			continue
		}
		if s.du <= capLeft+c.stTol[r] {
			capLeft -= s.du
			d.choice[s.slot] = s.to
			if !lpDone {
				val += s.dv
			}
			continue
		}
		if !lpDone {
			lpDone = true
			theta := math.Max(0, capLeft) / s.du
			val += theta * s.dv
			d.sig[r] = s.dv / s.du
			for _, i := range slots {
				d.addLoad(load, i, d.choice[i], 1)
			}
			d.addLoad(load, s.slot, s.to, theta)
			d.addLoad(load, s.slot, s.from, -theta)
		}
	}
	if !lpDone {
		for _, i := range slots {
			d.addLoad(load, i, d.choice[i], 1)
		}
	}
	return val
}

// upperHull returns the options of slot i on the increasing part of the
// upper convex hull of its (units, v) points, from the fewest units (best v
// among equal units; lowest index among equal v) up to the best v.
func (d *dual) upperHull(w *worker, i int) []int {
	c := d.c
	h := w.hull[:0]
	for _, o := range c.byUnits[c.start[i]:c.start[i+1]] {
		if n := len(h); n > 0 && c.units[h[n-1]] == c.units[o] {
			if d.v[o] <= d.v[h[n-1]] {
				continue
			}
			h = h[:n-1]
		}
		for n := len(h); n >= 2; n = len(h) {
			a, b := h[n-2], h[n-1]
			cross := (c.units[b]-c.units[a])*(d.v[o]-d.v[a]) - (d.v[b]-d.v[a])*(c.units[o]-c.units[a])
			if cross < 0 {
				break
			}
			h = h[:n-1]
		}
		h = append(h, o)
	}
	k := 1
	for k < len(h) && d.v[h[k]] > d.v[h[k-1]] {
		k++
	}
	w.hull = h
	return h[:k]
}
