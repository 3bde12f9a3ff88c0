package forecast

import (
	"fmt"
	"math"
	"strings"

	"promocast/data"
	"promocast/feature"
	"promocast/panel"
	"promocast/spec"
)

// Sweep asks how a plan responds to one lever.
type Sweep struct {
	// Lever is the lever to vary. For a price lever the values are
	// discount depths (price = off price × (1 − value), the off price as
	// the plan gives it: its off column, or for `off: infer` the trailing
	// maximum price over the history and the plan before the sweep); for
	// any other lever they are the lever's values.
	Lever  string
	Values []float64
	// Series limits the sweep to these series IDs; empty means every
	// series in the plan. Other rows keep their planned values.
	Series []string
}

// Point is one series' totals over the plan at one sweep value.
type Point struct {
	Series                                string
	Value                                 float64
	Units, Baseline                       float64
	Revenue, BaselineRevenue              float64
	Margin, BaselineMargin, PromotionCost float64
	// PointUnits is the point forecasts' total, before the calibration's
	// ratio of actuals to forecasts: Units takes the ratio of each row's
	// promotion state (interval.Calibration.RatioOf), which steps where the
	// lever turns a row promoted, so lever responses (Elasticity, a lift)
	// are read from PointUnits.
	PointUnits float64
	// RefRevenue and RefMargin are the sweep's one reference, the revenue
	// and margin of its first value's baseline, taken at this value's
	// ratios: a point's gain (Gain) is measured from them, so a
	// ratio that differs between the promotion states is not credited to
	// the lever (as the optimiser measures its options).
	RefRevenue, RefMargin float64
	// Warning says how the value leaves what the series (and its group)
	// had in training: a deeper discount, a flag never on, a value out of
	// range; "" when it does not.
	Warning string
}

// WhatIf forecasts the plan once per sweep value and returns, per series
// and value, the totals over the plan's periods, series in plan order.
func (m *Model) WhatIf(history, plan *data.Frame, sw Sweep) ([]Point, error) {
	sc, err := m.NewScorer(history)
	if err != nil {
		return nil, err
	}
	return sc.WhatIf(plan, sw)
}

// WhatIf is Model.WhatIf against the scorer's history. It changes the
// plan's lever column while it runs and restores it before returning.
func (sc *Scorer) WhatIf(plan *data.Frame, sw Sweep) ([]Point, error) {
	m := sc.m
	rules, err := m.Spec.Levers()
	if err != nil {
		return nil, err
	}
	found, isPrice := false, false
	var rule spec.LeverRule
	for _, r := range rules {
		if r.Name == sw.Lever {
			found, isPrice, rule = true, r.IsPrice(), r
		}
	}
	if !found {
		names := make([]string, len(rules))
		for k, r := range rules {
			names[k] = r.Name
		}
		return nil, fmt.Errorf("%q is not a promotion lever of the spec: expected one of %s", sw.Lever, strings.Join(names, ", "))
	}
	if len(sw.Values) == 0 {
		return nil, fmt.Errorf("what-if needs at least one value to try")
	}
	lever, err := plan.NeedNumber(sw.Lever, "lever")
	if err != nil {
		return nil, err
	}
	// The off price is fixed from the plan as given: an inferred one (the
	// trailing maximum price) would otherwise fall with the swept price.
	var off []float64
	if isPrice {
		if off, err = sc.OffValues(plan, sw.Lever); err != nil {
			return nil, err
		}
	}
	rows, err := m.sweepRows(plan, sw.Series)
	if err != nil {
		return nil, err
	}
	saved := append([]float64(nil), lever.Num...)
	defer copy(lever.Num, saved)
	var points []Point
	var ref map[int][2]float64
	for _, v := range sw.Values {
		if isPrice && !(v >= 0 && v < 1) {
			return nil, fmt.Errorf("discount %v: expected a depth in [0, 1)", v)
		}
		if !isPrice && !(v >= rule.Number) {
			return nil, fmt.Errorf("%s %v: expected %v (off) or more: the lever is on above its off value", sw.Lever, v, rule.Number)
		}
		for _, r := range rows {
			if isPrice {
				lever.Num[r] = off[r] * (1 - v)
			} else {
				lever.Num[r] = v
			}
		}
		res, err := sc.Forecast(plan)
		if err != nil {
			return nil, err
		}
		if ref == nil {
			ref = res.reference(rows)
		}
		points = append(points, res.pointsAt(rule, v, rows, ref)...)
	}
	return points, nil
}

// OffValues returns, per plan row in plan order, the off value of the
// lever called name as the model sees it: its constant, its off column, or
// for `off: infer` the trailing maximum of the lever over its window in
// the history followed by the plan as given.
func (sc *Scorer) OffValues(plan *data.Frame, name string) ([]float64, error) {
	p, targets, err := sc.planPanel(plan)
	if err != nil {
		return nil, err
	}
	b, err := feature.New(p, sc.m.Config, nil)
	if err != nil {
		return nil, err
	}
	return perRow(plan, targets, func(t panel.Target) float64 { return b.Off(name, t.Series, t.Period) }), nil
}

// OnValues returns, per plan row in plan order, the value that switches
// the lever called name on without leaving what training saw: the largest
// value the row's series had, or when it never had the lever above its off
// value its group's largest, or all training's. For a 0/1 flag that is 1;
// for a continuous lever (a display share) it keeps each series within
// its observed range. A model file written before series ranges were
// recorded gives all training's largest value; one without ranges, 1.
func (sc *Scorer) OnValues(plan *data.Frame, name string) ([]float64, error) {
	p, targets, err := sc.planPanel(plan)
	if err != nil {
		return nil, err
	}
	rules, err := sc.m.Spec.Levers()
	if err != nil {
		return nil, err
	}
	off := math.NaN()
	for _, r := range rules {
		if r.Name == name && !r.IsPrice() {
			off = r.Number
		}
	}
	if math.IsNaN(off) {
		return nil, fmt.Errorf("%q is not a lever with a numeric off value", name)
	}
	g := sc.m.guard(p)
	return perRow(plan, targets, func(t panel.Target) float64 { return g.on(t.Series, name, off) }), nil
}

// planPanel returns the history of the plan's series extended by the plan,
// and the plan's targets.
func (sc *Scorer) planPanel(plan *data.Frame) (*panel.Panel, []panel.Target, error) {
	p, err := sc.p.Select(plan, sc.index)
	if err != nil {
		return nil, nil, err
	}
	targets, err := p.Extend(plan)
	if err != nil {
		return nil, nil, err
	}
	return p, targets, nil
}

// perRow returns f of each target at its plan row, NaN for rows without one.
func perRow(plan *data.Frame, targets []panel.Target, f func(panel.Target) float64) []float64 {
	out := make([]float64, plan.Rows())
	for i := range out {
		out[i] = math.NaN()
	}
	for _, t := range targets {
		out[t.Row] = f(t)
	}
	return out
}

// NotInPlanError is a series a sweep names (Sweep.Series) that the plan
// lacks, with the plan's series closest to it when one is close.
type NotInPlanError struct {
	Series, Closest string
}

func (e *NotInPlanError) Error() string {
	if e.Closest != "" {
		return fmt.Sprintf("series %q is not in the plan (did you mean %q?)", e.Series, e.Closest)
	}
	return fmt.Sprintf("series %q is not in the plan", e.Series)
}

// sweepRows returns the plan rows of the chosen series (all rows when none).
func (m *Model) sweepRows(plan *data.Frame, series []string) ([]int, error) {
	want := map[string]bool{}
	for _, s := range series {
		want[s] = true
	}
	var keys []*data.Column
	for _, k := range m.Spec.Keys {
		c, err := plan.Need(k, "series key")
		if err != nil {
			return nil, err
		}
		keys = append(keys, c)
	}
	seen := map[string]bool{}
	var rows []int
	var ids []string
	for r := 0; r < plan.Rows(); r++ {
		id := ""
		for i, k := range keys {
			if i > 0 {
				id += "|"
			}
			id += k.Text(r)
		}
		if len(want) == 0 || want[id] {
			rows = append(rows, r)
			seen[id] = true
		}
		ids = append(ids, id)
	}
	for _, s := range series {
		if !seen[s] {
			return nil, &NotInPlanError{Series: s, Closest: panel.Closest(s, ids)}
		}
	}
	return rows, nil
}

// reference returns, per swept plan row, its baseline's revenue and
// margin in point-forecast units (over the row's ratio): the sweep's
// reference when r is its first value's forecast.
func (r *Result) reference(rows []int) map[int][2]float64 {
	out := make(map[int][2]float64, len(rows))
	if r.Panel.Spec.PriceColumn() == "" {
		return out
	}
	swept := map[int]bool{}
	for _, row := range rows {
		swept[row] = true
	}
	money := r.Money()
	for i, t := range r.Targets {
		if swept[t.Row] {
			k := r.ratio(i)
			out[t.Row] = [2]float64{money[i].BaselineRevenue / k, money[i].BaselineMargin / k}
		}
	}
	return out
}

// pointsAt totals the swept rows per series at value v of lever lv, with
// ref (reference) the sweep's reference per plan row.
func (r *Result) pointsAt(lv spec.LeverRule, v float64, rows []int, ref map[int][2]float64) []Point {
	swept := map[int]bool{}
	for _, row := range rows {
		swept[row] = true
	}
	var money []Money
	if r.Panel.Spec.PriceColumn() != "" {
		money = r.Money()
	}
	index := map[string]int{}
	var out []Point
	for i, t := range r.Targets {
		if !swept[t.Row] {
			continue
		}
		id := r.Panel.Series[t.Series].ID
		k, ok := index[id]
		if !ok {
			k = len(out)
			index[id] = k
			out = append(out, Point{Series: id, Value: v, Warning: r.model.guard(r.Panel).sweep(t.Series, lv, v)})
		}
		p := &out[k]
		p.Units += r.Expected[i]
		p.Baseline += r.BaselineExpected[i]
		p.PointUnits += r.Forecast[i]
		if money != nil {
			k := r.ratio(i)
			p.RefRevenue += k * ref[t.Row][0]
			p.RefMargin += k * ref[t.Row][1]
			p.Revenue += money[i].Revenue
			p.BaselineRevenue += money[i].BaselineRevenue
			p.Margin += money[i].Margin
			p.BaselineMargin += money[i].BaselineMargin
			p.PromotionCost += money[i].PromotionCost
		}
	}
	return out
}

// Gain is what a sweep point earns over the sweep's one reference
// (RefMargin, RefRevenue): incremental margin when costs are known,
// incremental revenue otherwise. The reference is the baseline of the
// sweep's first value (its least promotion; the forecast itself when the
// sweep starts with the lever off): points measured each from their own
// baseline, the forecast less its uplift, which moves with the lever,
// could rank a deeper discount first while its margin fell (a sweep whose
// margins were 790, 709, 648 and 245 recommended the last, whose baseline
// had fallen most).
func (p Point) Gain() float64 {
	v, ref := p.objective()
	return v - ref
}

// objective is the point's margin when costs are known, its revenue
// otherwise; ref the same of the sweep's reference at its ratios.
func (p Point) objective() (v, ref float64) {
	if !math.IsNaN(p.Margin - p.BaselineMargin) {
		return p.Margin, p.RefMargin
	}
	return p.Revenue, p.RefRevenue
}

// ROI is the point's incremental margin ÷ promotion cost, NaN without
// cost.
func (p Point) ROI() float64 { return ROI(p.Margin-p.BaselineMargin, p.PromotionCost) }

// Grid returns the sweep values from, from+step, … up to to (with 1e-9 of
// slack for rounding), each rounded to nine decimals; none unless step is
// positive and from ≤ to, all three finite.
func Grid(from, to, step float64) []float64 {
	if !(step > 0) || !(from <= to) || math.IsInf(from+to+step, 0) {
		return nil
	}
	var values []float64
	for k := 0; ; k++ {
		v := from + float64(k)*step
		if v > to+1e-9 {
			break
		}
		values = append(values, math.Round(v*1e9)/1e9)
	}
	return values
}

// Curve is one series' response to a sweep.
type Curve struct {
	Series string
	// Points are the series' points in sweep order.
	Points []Point
	// Best and Within are Best of Points: the point that earns most, and
	// the one that earns most without a warning (nil when every point has
	// one).
	Best   Point
	Within *Point
	// Elasticity is Elasticity of Points for a price lever, NaN otherwise.
	Elasticity float64
}

// Curves groups a sweep's points by series, series in the order they
// first appear, with each curve's best values and, when price says the
// lever is a price lever, its elasticity.
func Curves(points []Point, price bool) []Curve {
	index := map[string]int{}
	var out []Curve
	for _, p := range points {
		k, ok := index[p.Series]
		if !ok {
			k = len(out)
			index[p.Series] = k
			out = append(out, Curve{Series: p.Series})
		}
		out[k].Points = append(out[k].Points, p)
	}
	for k := range out {
		c := &out[k]
		c.Best, c.Within = Best(c.Points)
		c.Elasticity = math.NaN()
		if price {
			c.Elasticity = Elasticity(c.Points)
		}
	}
	return out
}

// Best returns the point of one series' curve that gains most over the
// sweep's reference (Point.Gain), and the one that gains most among
// those without a warning: nil when every point has one, best itself when
// best has none.
func Best(ps []Point) (best Point, within *Point) {
	best = ps[0]
	for i, p := range ps {
		if p.Gain() > best.Gain() {
			best = p
		}
		if p.Warning == "" && (within == nil || p.Gain() > within.Gain()) {
			within = &ps[i]
		}
	}
	return best, within
}

// Elasticity fits ln(units) = a + e·ln(1 − discount) over one series'
// sweep points of a price lever, units being the point forecasts
// (PointUnits), and returns e, the price elasticity of demand: −2 means 1%
// off the price sells 2% more. NaN with fewer than two points of positive
// units.
func Elasticity(points []Point) float64 {
	var xs, ys []float64
	for _, p := range points {
		if p.PointUnits > 0 && p.Value < 1 {
			xs = append(xs, math.Log(1-p.Value))
			ys = append(ys, math.Log(p.PointUnits))
		}
	}
	if len(xs) < 2 {
		return math.NaN()
	}
	var mx, my float64
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx /= float64(len(xs))
	my /= float64(len(xs))
	var sxy, sxx float64
	for i := range xs {
		sxy += (xs[i] - mx) * (ys[i] - my)
		sxx += (xs[i] - mx) * (xs[i] - mx)
	}
	if sxx == 0 {
		return math.NaN()
	}
	return sxy / sxx
}
