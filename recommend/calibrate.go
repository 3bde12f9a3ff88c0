package recommend

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
)

// Isotonic maps a raw probability to a calibrated one by a non-decreasing
// step function fitted with pool-adjacent-violators (isotonic regression of
// the 0/1 outcomes on the raw probabilities). Between knots it interpolates
// linearly; outside them it holds the end values.
type Isotonic struct {
	X []float64 `json:"x"` // knots: raw probabilities, increasing
	Y []float64 `json:"y"` // calibrated probabilities, non-decreasing
}

// isotonicMinEnd is the fewest outcomes the lowest and the highest block
// of the isotonic fit hold: the highest-scored candidates, a handful of
// them bought, made a block of their own that read a probability of 1.0
// (on all of Ta-Feng, and five items of a fit on 2,000 of its customers,
// none of them bought). The end blocks are pooled with their neighbours
// until each holds this many.
const isotonicMinEnd = 50

// FitIsotonic fits an Isotonic on raw scores p and outcomes y (0 or 1).
func FitIsotonic(p, y []float64) (*Isotonic, error) { return fitIsotonic(p, y, isotonicMinEnd) }

// fitIsotonic is FitIsotonic with end blocks of at least minEnd outcomes.
func fitIsotonic(p, y []float64, minEnd float64) (*Isotonic, error) {
	if len(p) != len(y) || len(p) == 0 {
		return nil, fmt.Errorf("calibrate: %d scores and %d outcomes: expected as many, at least one", len(p), len(y))
	}
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(p[a], p[b]) })
	// Blocks of pooled values: sum of outcomes, weight, mean raw score.
	type block struct{ sum, w, x float64 }
	pool := func(a, b block) block {
		return block{a.sum + b.sum, a.w + b.w, (a.x*a.w + b.x*b.w) / (a.w + b.w)}
	}
	var st []block
	for _, i := range idx {
		st = append(st, block{y[i], 1, p[i]})
		for len(st) > 1 && st[len(st)-2].sum/st[len(st)-2].w >= st[len(st)-1].sum/st[len(st)-1].w {
			st = append(st[:len(st)-2], pool(st[len(st)-2], st[len(st)-1]))
		}
	}
	for len(st) > 1 && st[len(st)-1].w < minEnd {
		st = append(st[:len(st)-2], pool(st[len(st)-2], st[len(st)-1]))
	}
	for len(st) > 1 && st[0].w < minEnd {
		st = append([]block{pool(st[0], st[1])}, st[2:]...)
	}
	iso := &Isotonic{}
	for _, b := range st {
		iso.X = append(iso.X, b.x)
		iso.Y = append(iso.Y, b.sum/b.w)
	}
	return iso, nil
}

// Apply returns the calibrated probability of raw probability p.
func (c *Isotonic) Apply(p float64) float64 {
	n := len(c.X)
	if n == 0 {
		return p
	}
	j := sort.SearchFloat64s(c.X, p)
	switch {
	case j == 0:
		return c.Y[0]
	case j == n:
		return c.Y[n-1]
	}
	x0, x1 := c.X[j-1], c.X[j]
	t := (p - x0) / (x1 - x0)
	return c.Y[j-1] + t*(c.Y[j]-c.Y[j-1])
}

// Bin is one row of a reliability table.
type Bin struct {
	Lo, Hi    float64 // range of predicted probabilities in the bin
	Count     int     // predictions in the bin
	Predicted float64 // mean predicted probability
	Observed  float64 // share of the bin's items that were bought
}

// Reliability cuts predictions p with outcomes y into bins equal in count,
// ordered by p, and compares the mean prediction with the observed share.
func Reliability(p, y []float64, bins int) []Bin {
	if len(p) == 0 || bins <= 0 {
		return nil
	}
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(p[a], p[b]) })
	bins = min(bins, len(p))
	out := make([]Bin, bins)
	for b := range bins {
		lo, hi := len(p)*b/bins, len(p)*(b+1)/bins
		bn := &out[b]
		bn.Count = hi - lo
		bn.Lo, bn.Hi = p[idx[lo]], p[idx[hi-1]]
		for _, i := range idx[lo:hi] {
			bn.Predicted += p[i]
			bn.Observed += y[i]
		}
		bn.Predicted /= float64(bn.Count)
		bn.Observed /= float64(bn.Count)
	}
	return out
}
