package forecast

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"promocast/data"
	"promocast/feature"
	"promocast/interval"
	"promocast/panel"
	"promocast/spec"
)

// Result is a plan's forecast: one entry per plan row, in plan order.
type Result struct {
	// Panel holds the plan's series on the history's grid, and Targets
	// index it. Read the series' identities (ID, Key, Start, Static) and
	// the grid from it, not their values: a plan scored from the scorer's
	// state of each series carries none.
	Panel   *panel.Panel
	Targets []panel.Target
	// Forecast is the units under the plan; Baseline the units with every
	// lever off; both never negative. They are the model's point forecasts:
	// what its backtest scores, a median when it fits the log of units.
	Forecast, Baseline []float64
	// Expected and BaselineExpected are the expected units under the plan
	// and the baseline: the point times the calibration's ratio of
	// actuals to forecasts (interval.Calibration.Expected), or the point
	// itself when the model has no calibration. Sums of units, money, what-if
	// points and totals are taken over them, since a sum of medians falls
	// short of the sum the plan will sell.
	Expected, BaselineExpected []float64
	// Promoted marks rows where the plan promotes the series.
	Promoted []bool
	// Price and BasePrice are the selling price under the plan and with
	// levers off; NaN when the spec names no price.
	Price, BasePrice []float64
	// Warnings say, per row, what in the plan lies outside the training
	// history (a deeper discount, a first promotion); "" when nothing does.
	Warnings []string
	// Parts decomposes each row's uplift (see Parts).
	Parts Parts
	// Levels are the calibrated quantile levels (e.g. 0.1, 0.5, 0.9) and
	// ForecastQ and BaselineQ the quantiles per row, one slice per level;
	// empty when the model has no calibration.
	Levels               []float64
	ForecastQ, BaselineQ [][]float64
	// UpliftQ holds per level the uplift's quantiles given the baseline:
	// ForecastQ minus Baseline. It carries the promoted outcome's whole
	// uncertainty, noise included, so it is wide rather than overconfident.
	UpliftQ [][]float64
	// UnitCost and FixedCost come from the spec's cost columns; NaN when
	// not given.
	UnitCost, FixedCost []float64

	// The plan's and the baseline's features, kept for explanations, and
	// with an effect model its log-space term of each lever column per row
	// and which rows went beyond what their series had (nil for none).
	model   *Model
	periods []string // the plan's own text of each row's period
	xf, xb  *data.Matrix
	scales  []float64
	effects [][]float64
	beyond  []bool
	ratios  []float64 // each row's ratio of expected units to the point; nil for 1
}

// peakFactor is how far above the most a series sold in a period of its
// history a row's expected units may go before the row is warned about
// (Scorer.warnPeaks).
const peakFactor = 1.5

// warnPeaks adds a warning to every row whose expected units are more than
// peakFactor times the most its series sold in a period of the history: a
// forecast past anything the series showed rests on the model's reading of
// its levers, or of a trend, beyond the data, whatever the levers' own
// guard rails say (the Breakfast plan of the README, 20% off with feature
// and display on its top products, has no such row).
func (sc *Scorer) warnPeaks(res *Result) {
	for i, t := range res.Targets {
		hi, ok := sc.index[res.Panel.Series[t.Series].ID]
		if !ok {
			continue
		}
		if peak, e := sc.peak[hi], res.Expected[i]; peak > 0 && e > peakFactor*peak {
			w := fmt.Sprintf("expected %.0f units, %.1f× the most this series sold in a period of its history (%.0f): beyond anything it showed", e, e/peak, peak)
			if res.Warnings[i] != "" {
				w = res.Warnings[i] + "; " + w
			}
			res.Warnings[i] = w
		}
	}
}

// ratio is row i's ratio of expected units to the point forecast
// (Calibration.RatioOf its promotion state), 1 without a calibration.
func (r *Result) ratio(i int) float64 {
	if r.ratios == nil {
		return 1
	}
	return r.ratios[i]
}

// Forecast predicts every row of plan given the history, and its baseline.
// It builds the history's panel; to score many plans against one history,
// use a Scorer.
func (m *Model) Forecast(history, plan *data.Frame) (*Result, error) {
	sc, err := m.NewScorer(history)
	if err != nil {
		return nil, err
	}
	return sc.Forecast(plan)
}

// Scorer scores plans against one history: it builds the history's panel,
// the event calendar and the features' caches once, with what each series'
// forecasts read of the model (its identity, last observation, guard
// rails), so that a plan whose rows each name a different series is scored
// without copying any history (see Forecast). It is safe for concurrent
// use.
type Scorer struct {
	m      *Model
	p      *panel.Panel
	index  map[string]int
	events feature.Events
	// base holds the features' caches of the whole history; plan rows are
	// built from it, or for other plans a builder derived from it.
	base *feature.Builder
	// stubs hold each series' identity (ID, Key, Start, Static) for the
	// panel of a Result; last is each series' last period with a target.
	stubs []*panel.Series
	last  []int
	// peak is each series' most units in a period of the history
	// (warnPeaks).
	peak []float64
	// groups are the features' column groups, checks the baseline's
	// guard rails, levers the spec's levers with their known columns, and
	// price, unitCost and fixedCost the columns a Result's money reads.
	groups                     feature.Groups
	checks                     *baselineChecks
	levers                     leverColumns
	price, unitCost, fixedCost knownColumn
	// memo and effectMemo remember the predictions of recent baseline
	// rows: the trees' and the effect model's baseline's.
	memo, effectMemo *predictionMemo
}

// NewScorer builds the history's panel for scoring plans.
func (m *Model) NewScorer(history *data.Frame) (*Scorer, error) {
	p, err := m.Panel(history)
	if err != nil {
		return nil, err
	}
	return m.PanelScorer(p)
}

// Panel builds a history's panel on the model's period grid and static
// levels, as NewScorer does.
func (m *Model) Panel(history *data.Frame) (*panel.Panel, error) {
	return panel.Build(history, &m.Spec, panel.Options{Grid: &m.Grid, Levels: m.Levels})
}

// PanelScorer returns a scorer of a panel built by Panel. A caller that
// scores a part of a history (the series of some cannibalisation groups)
// sets the part's Last to the whole history's last period first, so that
// the plan is checked and its peers counted as for the whole history.
func (m *Model) PanelScorer(p *panel.Panel) (*Scorer, error) {
	cal, err := newCalendar(m.Spec.Calendar != "none", m.BuiltinEvents, m.Events, !m.NoEventDistance)
	if err != nil {
		return nil, err
	}
	sc := &Scorer{m: m, p: p, index: p.Index()}
	if p.Grid.Frequency != spec.Period && len(cal.FeatureNames()) > 0 {
		sc.events = calendarEvents{cal}
	}
	if sc.base, err = m.builder(p, sc.events); err != nil {
		return nil, err
	}
	if sc.levers, err = m.leverColumns(); err != nil {
		return nil, err
	}
	sc.stubs, sc.last, sc.peak = make([]*panel.Series, len(p.Series)), make([]int, len(p.Series)), make([]float64, len(p.Series))
	for si, s := range p.Series {
		sc.stubs[si] = &panel.Series{Key: s.Key, ID: s.ID, Start: s.Start, Static: s.Static}
		sc.last[si] = lastObserved(s)
		for _, y := range s.Y {
			if y > sc.peak[si] {
				sc.peak[si] = y
			}
		}
	}
	sc.groups, sc.checks = sc.base.Groups(), m.baselineChecks()
	sc.price = m.knownColumn(m.Spec.PriceColumn())
	sc.unitCost, sc.fixedCost = m.knownColumn(m.Spec.Cost.UnitCost), m.knownColumn(m.Spec.Cost.FixedCost)
	sc.memo, sc.effectMemo = newPredictionMemo(), newPredictionMemo()
	return sc, nil
}

// Model returns the scorer's model.
func (sc *Scorer) Model() *Model { return sc.m }

// Panel returns the history's panel; callers must not modify it.
func (sc *Scorer) Panel() *panel.Panel { return sc.p }

// Forecast predicts every row of plan, and its baseline. A plan whose rows
// each name a different series is scored from the scorer's state of each
// series (forecastRows); any other plan, or one that fails, by copying its
// series' history and extending them by the plan (forecastPanel), which
// gives the same bits and reports the plan's errors.
func (sc *Scorer) Forecast(plan *data.Frame) (*Result, error) {
	res, ok := sc.forecastRows(plan)
	if !ok {
		var err error
		if res, err = sc.forecastPanel(plan); err != nil {
			return nil, err
		}
	}
	// The plan's own period text, for outputs (Result.Period): one slice
	// a forecast, which the single-row path can afford.
	if tc := plan.Column(sc.m.Spec.Time.Column); tc != nil {
		res.periods = make([]string, len(res.Targets))
		for i, t := range res.Targets {
			res.periods[i] = tc.Text(t.Row)
		}
	}
	return res, nil
}

// Period returns row i's period as the plan wrote it (a monthly plan's
// 2024-01-31 stays 2024-01-31, so that outputs join back to the plan), or
// the grid's label of it when the result has no plan text.
func (r *Result) Period(i int) string {
	if r.periods != nil {
		return r.periods[i]
	}
	return r.Panel.Grid.Label(r.Targets[i].Period)
}

// forecastPanel forecasts a plan by extending copies of its series'
// history by the plan's rows.
func (sc *Scorer) forecastPanel(plan *data.Frame) (*Result, error) {
	m := sc.m
	p, err := sc.p.Select(plan, sc.index)
	if err != nil {
		return nil, err
	}
	targets, err := p.Extend(plan)
	if err != nil {
		return nil, err
	}
	reach := m.Gap + m.Horizon
	for _, t := range targets {
		if ahead := t.Period - p.Last; ahead > reach {
			return nil, &panel.RowError{File: plan.Source, Row: t.Row + 1, Column: m.Spec.Time.Column,
				Err: fmt.Errorf("period %s is %d periods after the history's last period %s; this model forecasts at most %d ahead (gap %d + horizon %d): train it with a longer --horizon",
					p.Grid.Label(t.Period), ahead, p.Grid.Label(p.Last), reach, m.Gap, m.Horizon)}
		}
	}
	from := make([]int, len(p.Series))
	for k, s := range p.Series {
		from[k] = sc.index[s.ID]
	}
	b, err := sc.base.Derive(p, from)
	if err != nil {
		return nil, err
	}
	refs := make([]feature.Ref, len(targets))
	for i, t := range targets {
		refs[i] = feature.Ref{Series: t.Series, Period: t.Period, Lag: b.LagFrom(sc.p.Last, t.Period)}
	}
	res := &Result{Panel: p, Targets: targets, Promoted: make([]bool, len(targets)), model: m}
	XF, scales := b.Matrix(refs)
	for i, sc := range scales {
		if sc == 0 {
			t := targets[i]
			return nil, &panel.RowError{File: plan.Source, Row: t.Row + 1, Column: m.Spec.Time.Column,
				Err: fmt.Errorf("series %q has no observed %s at least %d periods before %s", p.Series[t.Series].ID, m.Spec.Target, reach, p.Grid.Label(t.Period))}
		}
		res.Promoted[i] = b.Promoted(targets[i].Series, targets[i].Period)
	}
	if res.Forecast, err = Predict(m.Predictor, XF, scales); err != nil {
		return nil, err
	}
	res.Warnings = m.warnings(p, sc.p.Last, b, targets, sc.levers)
	res.Price = sc.price.atTargets(p, targets)
	res.UnitCost = sc.unitCost.atTargets(p, targets)
	res.FixedCost = sc.fixedCost.atTargets(p, targets)
	var lim *limited
	if e := m.Effects; e != nil {
		if lim = newLimited(e, res, XF); slices.Contains(lim.beyond, true) {
			for i, t := range targets {
				if lim.beyond[i] {
					b.LimitLevers(t.Series, t.Period, e.Within(lim.ids[i]))
				}
			}
			b.Refresh()
			XC, _ := b.Matrix(refs)
			if lim.forecast, err = Predict(m.Predictor, XC, scales); err != nil {
				return nil, err
			}
		}
	}
	for _, t := range targets {
		b.SetLeversOff(t.Series, t.Period)
	}
	b.Refresh()
	XB, _ := b.Matrix(refs)
	res.BasePrice = sc.price.atTargets(p, targets)
	if m.Effects != nil {
		// The effect model derives the baseline (Effects.apply).
		res.Baseline = make([]float64, len(targets))
	} else if res.Baseline, err = Predict(m.Predictor, XB, scales); err != nil {
		return nil, err
	}
	return sc.finish(res, XF, XB, scales, lim)
}

// limited is, with an effect model, each plan row's series ID, which rows
// go beyond what their series had (Effects.Beyond), and the trees'
// forecast of the plan with those rows held to it (Effects.Within; nil
// when no row goes beyond).
type limited struct {
	ids      []string
	beyond   []bool
	forecast []float64
}

// newLimited marks the rows of res, whose plan features are XF, that go
// beyond what their series had; the caller scores the limited plan.
func newLimited(e *Effects, res *Result, XF *data.Matrix) *limited {
	ids := res.seriesIDs()
	return &limited{ids: ids, beyond: e.Beyond(ids, XF)}
}

// seriesIDs returns the ID of each target's series.
func (res *Result) seriesIDs() []string {
	ids := make([]string, len(res.Targets))
	for i, t := range res.Targets {
		ids[i] = res.Panel.Series[t.Series].ID
	}
	return ids
}

// finish completes a forecast whose plan rows' features XF, scales,
// forecast, baseline and warnings are set, given its baseline rows'
// features XB and, with an effect model, its rows beyond what their series
// had and their limited forecast (newLimited): the uplift's parts, the
// baseline's warnings (without an effect model, whose baseline is never
// the trees' forecast of a state training never held) and the quantiles.
func (sc *Scorer) finish(res *Result, XF, XB *data.Matrix, scales []float64, lim *limited) (*Result, error) {
	m, p, targets := sc.m, res.Panel, res.Targets
	var err error
	var trees []float64 // the trees' forecasts before the effect model (warnDisagree)
	var own []float64   // the effect model's own baseline of each row (warnDisagree)
	if c := m.Calibration; c != nil {
		res.ratios = make([]float64, len(targets))
		for i := range targets {
			res.ratios[i] = c.RatioOf(res.Promoted[i])
		}
	}
	if e := m.Effects; e != nil {
		groups := make([]float64, len(targets))
		periods := make([]int, len(targets))
		for i, t := range targets {
			s := p.Series[t.Series]
			groups[i], periods[i] = math.NaN(), t.Period
			if e.Group >= 0 && e.Group < len(s.Static) {
				groups[i] = s.Static[e.Group]
			}
		}
		trees, own = append([]float64(nil), res.Forecast...), make([]float64, len(targets))
		if res.effects, err = e.apply(lim.ids, groups, periods, XF, XB, scales, res.Forecast, res.Baseline, lim.forecast, lim.beyond, res.ratios, sc.effectMemo, own); err != nil {
			return nil, err
		}
		res.beyond = lim.beyond
		res.Parts = e.parts(res.effects, scales, res.Forecast, res.Baseline)
	} else {
		if res.Parts, err = m.decompose(sc.groups, XF, XB, scales, res.Baseline, res.Forecast); err != nil {
			return nil, err
		}
		sc.checks.add(XB, res.Warnings)
	}
	res.xf, res.xb, res.scales = XF, XB, scales
	res.Expected, res.BaselineExpected = res.Forecast, res.Baseline
	if c := m.Calibration; c != nil {
		res.Expected, res.BaselineExpected = make([]float64, len(targets)), make([]float64, len(targets))
		for i, r := range res.ratios {
			// The baseline takes its plan row's ratio.
			res.Expected[i], res.BaselineExpected[i] = r*res.Forecast[i], r*res.Baseline[i]
		}
		res.Levels = c.Levels
		res.ForecastQ = quantiles(c, res.Forecast, scales, res.Promoted)
		res.BaselineQ = quantiles(c, res.Baseline, scales, make([]bool, len(targets)))
		res.UpliftQ = make([][]float64, len(c.Levels))
		for k := range c.Levels {
			res.UpliftQ[k] = make([]float64, len(targets))
			for i := range targets {
				res.UpliftQ[k][i] = res.ForecastQ[k][i] - res.Baseline[i]
			}
		}
	}
	warnDisagree(res, trees, own)
	sc.warnPeaks(res)
	return res, nil
}

// disagreeFactor is how far, either way, a row's baseline may lie from
// the effect model's own baseline of it before the row is warned about
// (warnDisagree).
const disagreeFactor = 2

// warnDisagree adds a warning to every row within what its series had
// where the trees and the effect model disagree about its promotion (trees:
// the point forecasts before the effect model; own: the effect model's own
// baseline of each row, NaN where the levers do not raise it). The forecast
// is the trees' and the uplift the effect model's, so the baseline, their
// difference, carries any disagreement: where the trees forecast less than
// the uplift the forecast rises to it with a baseline of 0
// (Effects.applyBaseline), and where they forecast far more, or far less,
// than the effect model's own baseline plus its uplift the baseline lies
// more than disagreeFactor times above or below that model's. On Breakfast
// at the Frat's last two weeks, forecast by a model trained on the weeks
// before them, the rows that rose were 47 of 6,511 and sold 6,063 units,
// forecast at 10,528 where the trees said 8,404 (WAPE 80% against 46%); on
// tuna, a 34% cut of Star Kist read 119,319 expected units where the trees
// said about 68,000 and 35,336 sold. Keeping the trees' forecast on such
// rows cost the demo shop's uplift its accuracy (correlation 0.990 →
// 0.957, total +0.7% → −7.9% of the truth), so the forecast still rises;
// the warning says where. trees nil (no effect model) adds none.
func warnDisagree(res *Result, trees, own []float64) {
	for i := range trees {
		if res.beyond != nil && res.beyond[i] {
			continue
		}
		r := res.ratio(i)
		var w string
		switch b, h := res.Baseline[i], own[i]; {
		case res.Forecast[i] > trees[i] && b == 0:
			w = fmt.Sprintf("the effect model's uplift, %.0f expected units, is above the trees' whole forecast of the row, %.0f expected units: the forecast rises to the uplift, with a baseline of 0; the two models disagree about this promotion",
				res.Expected[i]-res.BaselineExpected[i], r*trees[i])
		case h > 0 && r*math.Abs(b-h) >= 1 && (b > disagreeFactor*h || b < h/disagreeFactor):
			w = fmt.Sprintf("the baseline, %.0f expected units, is %.2g× the effect model's own baseline of the row, %.0f: the trees forecast the row at %.0f expected units, the effect model's uplift is %.0f; the two models disagree about this promotion",
				r*b, b/h, r*h, r*trees[i], res.Expected[i]-res.BaselineExpected[i])
		default:
			continue
		}
		if res.Warnings[i] != "" {
			w = res.Warnings[i] + "; " + w
		}
		res.Warnings[i] = w
	}
}

// builder builds a feature builder for a panel with the model's settings
// and checks it yields the features the model learned from.
func (m *Model) builder(p *panel.Panel, events feature.Events) (*feature.Builder, error) {
	b, err := feature.New(p, m.Config, events)
	if err != nil {
		return nil, err
	}
	got := b.Features()
	if len(got) != len(m.Features) {
		return nil, fmt.Errorf("model expects %d features, the data gives %d", len(m.Features), len(got))
	}
	for i := range got {
		if got[i].Name != m.Features[i].Name {
			return nil, fmt.Errorf("model feature %d is %q, the data gives %q", i, m.Features[i].Name, got[i].Name)
		}
	}
	return b, nil
}

// knownColumn is a spec column read at plan rows: a known covariate, or
// a constant when its name parses as a number, or NaN when it is empty.
type knownColumn struct {
	k int     // the known covariate, -1 for none
	c float64 // the constant, or NaN
}

// knownColumn looks up the column called name.
func (m *Model) knownColumn(name string) knownColumn {
	kc := knownColumn{k: -1, c: math.NaN()}
	for i, n := range m.Spec.Known {
		if n == name {
			kc.k = i
		}
	}
	if c, err := strconv.ParseFloat(name, 64); name != "" && err == nil {
		kc.c = c
	}
	return kc
}

// at returns the column's value at a row whose known covariates are known.
func (kc knownColumn) at(known []float64) float64 {
	if kc.k >= 0 {
		return known[kc.k]
	}
	return kc.c
}

// atTargets returns the column's value at each target of p.
func (kc knownColumn) atTargets(p *panel.Panel, targets []panel.Target) []float64 {
	out := make([]float64, len(targets))
	for i, t := range targets {
		if kc.k >= 0 {
			s := p.Series[t.Series]
			out[i] = s.Known[kc.k][t.Period-s.Start]
		} else {
			out[i] = kc.c
		}
	}
	return out
}

// quantiles returns per level the calibrated quantiles of each forecast.
func quantiles(c *interval.Calibration, f, scales []float64, promoted []bool) [][]float64 {
	out := make([][]float64, len(c.Levels))
	for k := range out {
		out[k] = make([]float64, len(f))
	}
	q := make([]float64, len(c.Levels))
	for i := range f {
		c.Quantiles(f[i], scales[i], promoted[i], q)
		for k := range q {
			out[k][i] = q[k]
		}
	}
	return out
}

// Parts split each row's uplift, forecast − baseline, into the effects of
// the plan's levers, in units. They are computed by switching the levers'
// feature groups from the baseline to the plan one group after another, so
// they add up exactly: baseline + Own + History + Next + Peers = forecast.
type Parts struct {
	// Own is the lift from the series' own levers in the period.
	Own []float64
	// History is the effect of the series' earlier promotions under the
	// plan: negative after a promotion (the post-promotion dip, demand
	// pulled forward).
	History []float64
	// Next is the effect of a promotion in the following period: negative
	// when shoppers wait for it (the pre-promotion lull).
	Next []float64
	// Peers is the effect of the other series' promotions in the same
	// group: negative is cannibalisation, positive is halo.
	Peers []float64
}

// decompose computes Parts from the plan's and the baseline's features
// and predictions. A row's prediction depends on that row alone, so a row
// a group leaves unchanged keeps its previous prediction, and a row that
// has become its plan row takes the plan's forecast: only the rows whose
// features are new are predicted again (a single promoted row usually
// needs no prediction at all). The parts are bit for bit those of
// predicting every row at every step.
func (m *Model) decompose(g feature.Groups, XF, XB *data.Matrix, scales, baseline, forecast []float64) (Parts, error) {
	X := &data.Matrix{Rows: XB.Rows, Cols: XB.Cols, Values: append([]float64(nil), XB.Values...)}
	prev := baseline
	var parts [4][]float64
	var redo []int
	for k, cols := range [][]int{g.Own, g.History, g.Next, g.Peers} {
		cur := make([]float64, X.Rows)
		redo = redo[:0]
		for i := 0; i < X.Rows; i++ {
			dst, src := X.Row(i), XF.Row(i)
			changed := false
			for _, c := range cols {
				if math.Float64bits(dst[c]) != math.Float64bits(src[c]) {
					dst[c] = src[c]
					changed = true
				}
			}
			switch {
			case !changed:
				cur[i] = prev[i]
			case sameBits(dst, src):
				cur[i] = forecast[i]
			default:
				redo = append(redo, i)
			}
		}
		if len(redo) > 0 {
			sub := data.NewMatrix(len(redo), X.Cols)
			subScales := make([]float64, len(redo))
			for j, i := range redo {
				copy(sub.Row(j), X.Row(i))
				subScales[j] = scales[i]
			}
			pred, err := Predict(m.Predictor, sub, subScales)
			if err != nil {
				return Parts{}, err
			}
			for j, i := range redo {
				cur[i] = pred[j]
			}
		}
		parts[k] = make([]float64, len(cur))
		for i := range cur {
			parts[k][i] = cur[i] - prev[i]
		}
		prev = cur
	}
	return Parts{Own: parts[0], History: parts[1], Next: parts[2], Peers: parts[3]}, nil
}

// sameBits reports whether two rows hold the same bits, NaNs included.
func sameBits(a, b []float64) bool {
	for j := range a {
		if math.Float64bits(a[j]) != math.Float64bits(b[j]) {
			return false
		}
	}
	return true
}
