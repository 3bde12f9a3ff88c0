package uplift

import (
	"fmt"
	"math"
	"sort"
)

// The curves below rank customers by a score, highest first (ties keep
// their row order), and follow the first i of them for i = 0..n. With
// nt, nc the treated and control customers among the first i and yt, yc
// the sums of their outcomes:
//
//	Qini(i)   = yt − yc·nt/nc            (yt while nc = 0)
//	uplift(i) = (yt/nt − yc/nc)·i        (0 while nt or nc = 0)
//
// the incremental outcome gained by treating the first i, as scikit-uplift
// defines them. The random ranking is the straight line from 0 to the
// curve's end; the perfect ranking scores treated customers by their
// outcome and control customers by minus theirs. A normalised area is the
// area between a curve and the random line (trapezoids, unit steps) over
// the same area of the perfect ranking: 0 for a random ranking, 1 for the
// perfect one.

// order returns the row indices sorted by score, highest first, ties in
// row order.
func order(score []float64) []int {
	o := make([]int, len(score))
	for i := range o {
		o[i] = i
	}
	sort.SliceStable(o, func(a, b int) bool { return score[o[a]] > score[o[b]] })
	return o
}

// tally accumulates treated and control counts and outcome sums.
type tally struct{ nt, nc, yt, yc float64 }

func (t *tally) add(y float64, treated bool) {
	if treated {
		t.nt++
		t.yt += y
	} else {
		t.nc++
		t.yc += y
	}
}

// diff returns the treated minus control mean outcome, NaN when an arm
// is empty.
func (t *tally) diff() float64 {
	if t.nt == 0 || t.nc == 0 {
		return math.NaN()
	}
	return t.yt/t.nt - t.yc/t.nc
}

// curves returns the Qini and uplift curves (n+1 points) of the ranking.
func curves(y []float64, treated []bool, score []float64) (qini, upl []float64) {
	n := len(y)
	qini, upl = make([]float64, n+1), make([]float64, n+1)
	var c tally
	for r, i := range order(score) {
		c.add(y[i], treated[i])
		qini[r+1] = c.yt
		if c.nc > 0 {
			qini[r+1] -= c.yc * c.nt / c.nc
		}
		if c.nt > 0 && c.nc > 0 {
			upl[r+1] = (c.yt/c.nt - c.yc/c.nc) * float64(r+1)
		}
	}
	return qini, upl
}

// QiniCurve returns the Qini curve of ranking the rows by score: n+1
// points, the incremental outcome among the first i rows.
func QiniCurve(y []float64, treated []bool, score []float64) []float64 {
	q, _ := curves(y, treated, score)
	return q
}

// UpliftCurve returns the uplift curve of ranking the rows by score: n+1
// points, the difference in mean outcome among the first i rows times i.
func UpliftCurve(y []float64, treated []bool, score []float64) []float64 {
	_, u := curves(y, treated, score)
	return u
}

// perfectScore ranks treated responders first and control responders last.
func perfectScore(y []float64, treated []bool) []float64 {
	s := make([]float64, len(y))
	for i, v := range y {
		if treated[i] {
			s[i] = v
		} else {
			s[i] = -v
		}
	}
	return s
}

// areaAboveRandom is the trapezoid area between curve c and the straight
// line from 0 to its last point.
func areaAboveRandom(c []float64) float64 {
	n := len(c) - 1
	if n <= 0 {
		return 0
	}
	end := c[n]
	a := 0.0
	for i := 0; i < n; i++ {
		r0 := end * float64(i) / float64(n)
		r1 := end * float64(i+1) / float64(n)
		a += ((c[i] - r0) + (c[i+1] - r1)) / 2
	}
	return a
}

// NormalisedQini returns the area between the ranking's Qini curve and the
// random line over the perfect ranking's (scikit-uplift's qini_auc_score).
func NormalisedQini(y []float64, treated []bool, score []float64) float64 {
	q, _ := curves(y, treated, score)
	p, _ := curves(y, treated, perfectScore(y, treated))
	return areaAboveRandom(q) / areaAboveRandom(p)
}

// NormalisedAUUC returns the area between the ranking's uplift curve and
// the random line over the perfect ranking's (scikit-uplift's
// uplift_auc_score).
func NormalisedAUUC(y []float64, treated []bool, score []float64) float64 {
	_, u := curves(y, treated, score)
	_, p := curves(y, treated, perfectScore(y, treated))
	return areaAboveRandom(u) / areaAboveRandom(p)
}

// UpliftAtK returns the mean outcome of treated minus control customers
// among the first ⌊k·n⌋ rows by score (scikit-uplift's uplift_at_k,
// strategy "overall"); NaN when they hold no treated or no control row.
func UpliftAtK(y []float64, treated []bool, score []float64, k float64) float64 {
	top := int(float64(len(y)) * k)
	var c tally
	for _, i := range order(score)[:top] {
		c.add(y[i], treated[i])
	}
	return c.diff()
}

// AtK is the uplift among the top share K of customers.
type AtK struct {
	K      float64 `json:"k"`
	Uplift float64 `json:"uplift"`
}

// Ks are the shares Evaluate reports uplift@k at.
func Ks() []float64 { return []float64{0.1, 0.2, 0.3, 0.5} }

// CurvePoints samples a ranking's curves at 101 shares of customers
// targeted, 0%, 1%, …, 100% (the point at ⌊share·n⌋ customers).
type CurvePoints struct {
	Share   []float64 `json:"share"`
	Qini    []float64 `json:"qini"`
	Uplift  []float64 `json:"uplift"`
	Random  []float64 `json:"random"`  // the random line of the Qini curve
	Perfect []float64 `json:"perfect"` // the perfect ranking's Qini curve
}

// ArmMetrics evaluates one treatment's uplift ranking against the
// control on rows of those two arms.
type ArmMetrics struct {
	// Arm is the treatment.
	Arm string `json:"arm"`
	// Treated and Control count the rows of the two arms.
	Treated int `json:"treated"`
	Control int `json:"control"`
	// ATE is the difference in mean outcome, treated minus control.
	ATE float64 `json:"ate"`
	// Qini and AUUC are the normalised areas (0 random, 1 perfect).
	Qini float64 `json:"qini"`
	AUUC float64 `json:"auuc"`
	// UpliftAt is uplift@k at each of Ks().
	UpliftAt []AtK `json:"uplift_at"`
	// Curve samples the curves.
	Curve CurvePoints `json:"curve"`
}

// At returns uplift@k for a k in Ks(), NaN for others.
func (a *ArmMetrics) At(k float64) float64 {
	for _, p := range a.UpliftAt {
		if p.K == k {
			return p.Uplift
		}
	}
	return math.NaN()
}

// Score evaluates rankings: scores[k-1] ranks the rows for treatment k
// (an arm index into arms), and each treatment is evaluated on the rows of
// the control (arm 0) and that treatment.
func Score(y []float64, t []int, arms []string, scores [][]float64) ([]ArmMetrics, error) {
	if len(scores) != len(arms)-1 {
		return nil, fmt.Errorf("uplift: %d score columns for %d treatments", len(scores), len(arms)-1)
	}
	out := make([]ArmMetrics, 0, len(scores))
	for k := 1; k < len(arms); k++ {
		if len(scores[k-1]) != len(y) || len(t) != len(y) {
			return nil, fmt.Errorf("uplift: %d outcomes, %d arms and %d scores for %q", len(y), len(t), len(scores[k-1]), arms[k])
		}
		var yy, ss []float64
		var tr []bool
		for i, a := range t {
			if a == 0 || a == k {
				yy = append(yy, y[i])
				ss = append(ss, scores[k-1][i])
				tr = append(tr, a == k)
			}
		}
		out = append(out, armMetrics(arms[k], yy, tr, ss))
	}
	return out, nil
}

func armMetrics(arm string, y []float64, treated []bool, s []float64) ArmMetrics {
	var c tally
	for i, v := range y {
		c.add(v, treated[i])
	}
	m := ArmMetrics{Arm: arm, Treated: int(c.nt), Control: int(c.nc), ATE: c.diff()}
	q, u := curves(y, treated, s)
	p, pu := curves(y, treated, perfectScore(y, treated))
	m.Qini = areaAboveRandom(q) / areaAboveRandom(p)
	m.AUUC = areaAboveRandom(u) / areaAboveRandom(pu)
	for _, k := range Ks() {
		m.UpliftAt = append(m.UpliftAt, AtK{K: k, Uplift: UpliftAtK(y, treated, s, k)})
	}
	n := len(y)
	for j := 0; j <= 100; j++ {
		share := float64(j) / 100
		i := int(share * float64(n))
		m.Curve.Share = append(m.Curve.Share, share)
		m.Curve.Qini = append(m.Curve.Qini, q[i])
		m.Curve.Uplift = append(m.Curve.Uplift, u[i])
		m.Curve.Random = append(m.Curve.Random, q[n]*float64(i)/float64(max(n, 1)))
		m.Curve.Perfect = append(m.Curve.Perfect, p[i])
	}
	return m
}
