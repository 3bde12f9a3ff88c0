package feature

import (
	"fmt"
	"math"
	"slices"

	"promocast/data"
	"promocast/panel"
)

// view is one series as a feature row reads it at index i: the panel's
// series with the builder's caches, and for a plan row the panel does not
// hold (PlanRow), that row's values at i, the series extended by gaps up
// to it.
type view struct {
	s    *panel.Series
	st   *seriesState
	i    int
	plan *planState // nil for a row of the panel
}

// planState is a plan row's known covariates and promotion state.
type planState struct {
	known    []float64
	discount float64
	active   bool
}

// len is the length of the series as the view sees it.
func (v *view) len() int {
	if v.plan != nil {
		return v.i + 1
	}
	return len(v.s.Y)
}

// known returns known covariate k at index j; NaN in a gap after the
// history, or where the series reads the column as missing
// (Config.Restated).
func (v *view) known(k, j int) float64 {
	if v.st.masked != nil && v.st.masked[k] {
		return math.NaN()
	}
	if v.plan != nil && j == v.i {
		return v.plan.known[k]
	}
	if j >= len(v.s.Y) {
		return math.NaN()
	}
	return v.s.Known[k][j]
}

// active reports whether any lever is promoted at index j.
func (v *view) active(j int) bool {
	if v.plan != nil && j == v.i {
		return v.plan.active
	}
	return j < len(v.st.active) && v.st.active[j]
}

// discount returns the deepest price discount at index j.
func (v *view) discount(j int) float64 {
	if v.plan != nil && j == v.i {
		return v.plan.discount
	}
	if j >= len(v.st.discount) {
		return 0
	}
	return v.st.discount[j]
}

// present reports whether the series has a row (history or plan) at j.
func (v *view) present(j int) bool {
	if v.plan != nil && j == v.i {
		return true
	}
	return j < len(v.s.Row) && v.s.Row[j] >= 0
}

// prefix returns a[j] of a prefix sum, whose entries after the history
// stay at its last value (a gap or a plan row adds no target).
func (st *seriesState) prefix(a []float64, j int) float64 {
	return a[min(j, len(a)-1)]
}

// PlanRow is one row of a plan for a series of the builder's panel: a
// period after the series' last and the known covariates there, in the
// spec's order.
type PlanRow struct {
	Series, Period int
	Known          []float64
}

// PlanFeatures are the features of plan rows with what a forecast reads
// beside them: per row its scale (0 when the series has no target history
// at its lag cut, its features then NaN, as in Matrix), its deepest price
// discount and whether any lever is promoted.
type PlanFeatures struct {
	X        *data.Matrix
	Scales   []float64
	Discount []float64
	Promoted []bool
}

// PlanMatrix builds the features of plan rows, in order, from the
// builder's caches of the history without copying it, so that its cost
// does not grow with the history. Every row must name a different series
// and a period after the series' last; a row's peers are the plan's rows
// of its group in its period, and each row reads its targets from the
// history's last period as its origin (LagFrom). Features, scales,
// discounts and promotion flags are bit for bit those that Matrix (with
// the same lags), Discount and Promoted give in a builder derived (Derive)
// for the plan's series extended by the plan (panel.Extend). It is safe for
// concurrent use.
func (b *Builder) PlanMatrix(rows []PlanRow) (*PlanFeatures, error) {
	n := len(rows)
	out := &PlanFeatures{X: data.NewMatrix(n, len(b.features)), Scales: make([]float64, n),
		Discount: make([]float64, n), Promoted: make([]bool, n)}
	states := make([]planState, n)
	views := make([]view, n)
	for k, r := range rows {
		if r.Series < 0 || r.Series >= len(b.p.Series) {
			return nil, fmt.Errorf("plan row %d: series %d of %d", k, r.Series, len(b.p.Series))
		}
		s := b.p.Series[r.Series]
		if r.Period <= s.End() {
			return nil, fmt.Errorf("plan row %d: period %d is not after series %q's last %d", k, r.Period, s.ID, s.End())
		}
		if len(r.Known) != len(b.p.Spec.Known) {
			return nil, fmt.Errorf("plan row %d: %d known covariates, expected %d", k, len(r.Known), len(b.p.Spec.Known))
		}
		states[k].known = r.Known
		views[k] = view{s: s, st: &b.series[r.Series], i: r.Period - s.Start, plan: &states[k]}
		states[k].discount, states[k].active = b.promotion(&views[k])
		out.Discount[k], out.Promoted[k] = states[k].discount, states[k].active
	}
	order := make([]int, n)
	for k := range order {
		order[k] = k
	}
	slices.SortFunc(order, func(a, c int) int { return rows[a].Series - rows[c].Series })
	for j := 1; j < n; j++ {
		if a, c := order[j-1], order[j]; rows[a].Series == rows[c].Series {
			return nil, fmt.Errorf("plan rows %d and %d: series %q twice", a, c, b.p.Series[rows[c].Series].ID)
		}
	}
	pe := b.planPeers(rows, states, order)
	for k, r := range rows {
		row := out.X.Row(k)
		scale, ok := b.row(&views[k], r.Period, b.LagFrom(b.p.Last, r.Period), pe[k], row)
		if !ok {
			for j := range row {
				row[j] = nan
			}
			scale = 0
		}
		out.Scales[k] = scale
	}
	return out, nil
}

// planPeers returns each plan row's group totals: over the plan's rows of
// its group in its period, added in series order (order lists the rows by
// series) as a derived builder adds them; none for a period inside the
// history, where a derived builder keeps no peers.
func (b *Builder) planPeers(rows []PlanRow, states []planState, order []int) []peers {
	out := make([]peers, len(rows))
	if b.group < 0 {
		return out
	}
	type cell struct{ group, period int }
	totals := make(map[cell]peers, len(rows))
	for _, k := range order {
		r := rows[k]
		code := b.p.Series[r.Series].Static[b.group]
		if math.IsNaN(code) || r.Period <= b.p.Last {
			continue
		}
		c := cell{int(code), r.Period}
		t := totals[c]
		t.add(states[k].discount, states[k].active)
		t.ok = true
		totals[c] = t
	}
	for k, r := range rows {
		if code := b.p.Series[r.Series].Static[b.group]; !math.IsNaN(code) && r.Period > b.p.Last {
			out[k] = totals[cell{int(code), r.Period}]
		}
	}
	return out
}

// LeversOff writes into known the known covariates of plan row r with
// every promotion lever at its off value: the baseline scenario, as
// SetLeversOff makes it in a derived builder.
func (b *Builder) LeversOff(r PlanRow, known []float64) {
	b.LimitPlanLevers(r, leverOff, known)
}

// LimitPlanLevers writes into known the known covariates of plan row r
// with every promotion lever at limit(name, value, off), as LimitLevers
// makes them in a derived builder.
func (b *Builder) LimitPlanLevers(r PlanRow, limit Limit, known []float64) {
	copy(known, r.Known)
	s := b.p.Series[r.Series]
	v := view{s: s, st: &b.series[r.Series], i: r.Period - s.Start, plan: &planState{known: r.Known}}
	for _, lv := range b.levers {
		if off := b.off(lv, &v); !math.IsNaN(off) {
			known[lv.known] = limit(lv.Name, r.Known[lv.known], off)
		}
	}
}
