package optimize

import (
	"math"
	"slices"
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

	v    []float64 // reduced value per option
	hull []int
	segs []segment
}

type segment struct {
	slot, from, to int
	du, dv         float64
}

func newDual(c *compiled) *dual {
	return &dual{
		c:      c,
		lam:    make([]float64, len(c.rhs)),
		sig:    make([]float64, len(c.stRhs)),
		choice: make([]int, c.n),
		load:   make([]float64, len(c.rhs)),
		v:      make([]float64, len(c.obj)),
	}
}

// eval computes D(d.lam), the integer plan and the LP loads.
func (d *dual) eval() float64 {
	c := d.c
	val := 0.0
	for r, l := range d.lam {
		val += l * c.rhs[r]
		d.load[r] = 0
	}
	at := func(r int) float64 {
		if r < 0 {
			return 0
		}
		return d.lam[r]
	}
	mlam := at(c.marginRow)
	blam := at(c.budgetRow)
	for i := 0; i < c.n; i++ {
		clam := blam + at(c.gcRow[i])
		nlam := at(c.gnRow[i])
		for o := c.start[i]; o < c.start[i+1]; o++ {
			v := c.obj[o] - clam*c.cost[o] - mlam*c.mrg[o]
			if o != c.start[i] {
				v -= nlam
			}
			d.v[o] = v
		}
	}
	for _, i := range c.freeSlots {
		best := c.start[i]
		for o := best + 1; o < c.start[i+1]; o++ {
			if d.v[o] > d.v[best] {
				best = o
			}
		}
		d.choice[i] = best
		val += d.v[best]
		d.addLoad(i, best, 1)
	}
	for r := range c.stRhs {
		val += d.series(r)
	}
	return val
}

// addLoad adds w times option o's coefficients to the global row loads.
func (d *dual) addLoad(i, o int, w float64) {
	for _, r := range d.c.rowsOf(i) {
		if r >= 0 {
			d.load[r] += w * d.c.coef(i, o, r)
		}
	}
}

// series solves LP_s for stock row r, sets the integer choice of its slots
// and the shadow price, adds the LP loads and returns LP_s.
func (d *dual) series(r int) float64 {
	c := d.c
	slots := c.stSlots[r]
	capLeft := c.stRhs[r]
	val := 0.0
	d.segs = d.segs[:0]
	for _, i := range slots {
		h := d.upperHull(i)
		d.choice[i] = h[0]
		capLeft -= c.units[h[0]]
		val += d.v[h[0]]
		for j := 1; j < len(h); j++ {
			d.segs = append(d.segs, segment{i, h[j-1], h[j], c.units[h[j]] - c.units[h[j-1]], d.v[h[j]] - d.v[h[j-1]]})
		}
	}
	slices.SortFunc(d.segs, func(a, b segment) int {
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
	for _, s := range d.segs {
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
				d.addLoad(i, d.choice[i], 1)
			}
			d.addLoad(s.slot, s.to, theta)
			d.addLoad(s.slot, s.from, -theta)
		}
	}
	if !lpDone {
		for _, i := range slots {
			d.addLoad(i, d.choice[i], 1)
		}
	}
	return val
}

// upperHull returns the options of slot i on the increasing part of the
// upper convex hull of its (units, v) points, from the fewest units (best v
// among equal units; lowest index among equal v) up to the best v.
func (d *dual) upperHull(i int) []int {
	c := d.c
	h := d.hull[:0]
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
	d.hull = h
	return h[:k]
}
