package forecast

import (
	"slices"

	"promocast/data"
	"promocast/feature"
	"promocast/panel"
)

// forecastRows forecasts a plan whose rows each name a different series
// from the scorer's state of the history: each row's features combine its
// series' cached history (lags, windows, level, promotion history) with
// the row's levers, so no history is copied. Its Result's panel holds the
// plan's series' identities (ID, Key, Start, Static) without their values.
// ok is false for any other plan, and for one with an error, which
// forecastPanel then scores or reports; otherwise the result is bit for
// bit forecastPanel's.
func (sc *Scorer) forecastRows(plan *data.Frame) (res *Result, ok bool) {
	m := sc.m
	rows, err := sc.p.PlanRows(plan, sc.index)
	if err != nil {
		return nil, false
	}
	// The Result's panel holds the plan's series in the history's order,
	// as Select picks them.
	picked := make([]int, len(rows))
	for k, r := range rows {
		picked[k] = r.Series
	}
	slices.Sort(picked)
	for j := 1; j < len(picked); j++ {
		if picked[j] == picked[j-1] {
			return nil, false
		}
	}
	p := &panel.Panel{Spec: sc.p.Spec, Grid: sc.p.Grid, Levels: sc.p.Levels, First: sc.p.First, Last: sc.p.Last,
		Series: make([]*panel.Series, len(picked))}
	for j, si := range picked {
		p.Series[j] = sc.stubs[si]
	}

	nk := len(m.Spec.Known)
	targets := make([]panel.Target, len(rows))
	plans := make([]feature.PlanRow, 2*len(rows))
	fr, br := plans[:len(rows)], plans[len(rows):]
	offKnown := make([]float64, len(rows)*nk)
	for k, r := range rows {
		if r.Period-sc.p.Last > m.Gap+m.Horizon {
			return nil, false
		}
		j, _ := slices.BinarySearch(picked, r.Series)
		targets[k] = panel.Target{Series: j, Period: r.Period, Row: r.Row}
		fr[k] = feature.PlanRow{Series: r.Series, Period: r.Period, Known: r.Known}
		br[k] = feature.PlanRow{Series: r.Series, Period: r.Period, Known: offKnown[k*nk : (k+1)*nk : (k+1)*nk]}
		sc.base.LeversOff(fr[k], br[k].Known)
	}
	f, err := sc.base.PlanMatrix(fr)
	if err != nil {
		return nil, false
	}
	for _, scale := range f.Scales {
		if scale == 0 {
			return nil, false
		}
	}
	b, err := sc.base.PlanMatrix(br)
	if err != nil {
		return nil, false
	}

	res = &Result{Panel: p, Targets: targets, Promoted: f.Promoted, model: m}
	if res.Forecast, err = Predict(m.Predictor, f.X, f.Scales); err != nil {
		return nil, false
	}
	res.Warnings = make([]string, len(rows))
	n := len(rows)
	money := make([]float64, 4*n)
	res.Price, res.UnitCost, res.FixedCost, res.BasePrice = money[:n:n], money[n:2*n:2*n], money[2*n:3*n:3*n], money[3*n:]
	if m.Effects != nil {
		// The effect model derives the baseline (Effects.apply).
		res.Baseline = make([]float64, n)
	} else if res.Baseline, err = sc.memo.baseline(m.Predictor, b.X, f.Scales, f.X, res.Forecast); err != nil {
		return nil, false
	}
	g := m.guard(p)
	for k, r := range rows {
		t := targets[k]
		last := sc.last[r.Series]
		res.Warnings[k] = m.rowWarnings(g, sc.levers, t.Series, t.Period, last, unplannedBefore(sc.p.Series[r.Series], last, sc.p.Last, r.Period), f.Promoted[k], f.Discount[k], r.Known)
		res.Price[k] = sc.price.at(r.Known)
		res.UnitCost[k] = sc.unitCost.at(r.Known)
		res.FixedCost[k] = sc.fixedCost.at(r.Known)
		res.BasePrice[k] = sc.price.at(br[k].Known)
	}
	var lim *limited
	if e := m.Effects; e != nil {
		if lim = newLimited(e, res, f.X); slices.Contains(lim.beyond, true) {
			// The plan with the rows beyond held within: the other rows
			// as planned, as their peers.
			cr := make([]feature.PlanRow, len(rows))
			copy(cr, fr)
			known := make([]float64, len(rows)*nk)
			for k := range rows {
				if lim.beyond[k] {
					cr[k].Known = known[k*nk : (k+1)*nk : (k+1)*nk]
					sc.base.LimitPlanLevers(fr[k], e.Within(lim.ids[k]), cr[k].Known)
				}
			}
			c, err := sc.base.PlanMatrix(cr)
			if err != nil {
				return nil, false
			}
			if lim.forecast, err = Predict(m.Predictor, c.X, f.Scales); err != nil {
				return nil, false
			}
		}
	}
	if res, err = sc.finish(res, f.X, b.X, f.Scales, lim); err != nil {
		return nil, false
	}
	return res, true
}
