package solver

import (
	"math"
	"slices"
)

// seriesNodeLimit caps the search of one series' integer stock subproblem;
// beyond it the LP value stands in as the (still valid) bound.
const seriesNodeLimit = 20000

// seriesSearch is a depth-first search for the best integer choice of one
// series' slots under its stock, at the reduced values v. Its slices are a
// worker's scratch, reused from series to series.
type seriesSearch struct {
	d       *dual
	slots   []int
	opts    []int     // options of the slot at depth j: opts[off[j]:off[j+1]], by decreasing v
	off     []int     // len(slots)+1
	sufV    []float64 // per depth: Σ max v of the slots from there on
	sufU    []float64 // per depth: Σ min units of the slots from there on
	stock   float64
	tol     float64
	lp      float64
	cur     []int
	best    []int
	bestVal float64
	nodes   int
}

// seriesInt solves stock row r's subproblem over integer choices, starting
// from the integer plan series left in d.choice, and returns its value (lp
// when the search hits its node cap: lp bounds the integer optimum).
func (d *dual) seriesInt(w *worker, r int, lp float64) float64 {
	c := d.c
	slots := c.stSlots[r]
	k := len(slots)
	s := &w.ss
	s.d, s.slots, s.stock, s.tol, s.lp, s.nodes = d, slots, c.stRhs[r], c.stTol[r], lp, 0
	s.opts, s.off = s.opts[:0], append(s.off[:0], 0)
	s.cur, s.best = slices.Grow(s.cur[:0], k)[:k], slices.Grow(s.best[:0], k)[:k]
	s.sufV, s.sufU = slices.Grow(s.sufV[:0], k+1)[:k+1], slices.Grow(s.sufU[:0], k+1)[:k+1]
	s.bestVal = 0
	for j, i := range slots {
		s.best[j] = d.choice[i]
		s.bestVal += d.v[d.choice[i]]
		lo := len(s.opts)
		for o := c.start[i]; o < c.start[i+1]; o++ {
			s.opts = append(s.opts, o)
		}
		slices.SortStableFunc(s.opts[lo:], func(a, b int) int {
			switch {
			case d.v[a] > d.v[b]:
				return -1
			case d.v[a] < d.v[b]:
				return 1
			}
			return a - b
		})
		s.off = append(s.off, len(s.opts))
	}
	s.sufV[k], s.sufU[k] = 0, 0
	for j := k - 1; j >= 0; j-- {
		minU := math.Inf(1)
		for _, o := range s.opts[s.off[j]:s.off[j+1]] {
			minU = math.Min(minU, c.units[o])
		}
		s.sufV[j] = s.sufV[j+1] + d.v[s.opts[s.off[j]]]
		s.sufU[j] = s.sufU[j+1] + minU
	}
	s.search(0, 0, 0)
	if s.nodes > seriesNodeLimit {
		return lp
	}
	for j, i := range slots {
		d.choice[i] = s.best[j]
	}
	return s.bestVal
}

func (s *seriesSearch) search(j int, val, units float64) {
	s.nodes++
	if s.nodes > seriesNodeLimit {
		return
	}
	if j == len(s.slots) {
		if val > s.bestVal {
			s.bestVal = val
			copy(s.best, s.cur)
		}
		return
	}
	if val+s.sufV[j] <= s.bestVal || s.bestVal >= s.lp-1e-12*math.Max(1, math.Abs(s.lp)) {
		return
	}
	c := s.d.c
	for _, o := range s.opts[s.off[j]:s.off[j+1]] {
		u := units + c.units[o]
		if u+s.sufU[j+1] > s.stock+s.tol {
			continue
		}
		s.cur[j] = o
		s.search(j+1, val+s.d.v[o], u)
		if s.nodes > seriesNodeLimit {
			return
		}
	}
}
