package forecast

import (
	"fmt"
	"math"

	"promocast/data"
	"promocast/feature"
	"promocast/learn/gbdt"
)

// Effects is the identified promotion-effect model that a forecast's
// baseline and uplift use (package effect estimates it). It is a
// multiplicative model of expected units,
//
//	E[units + κ·scale] = e^{θ_s · d} · g(everything else),
//
// with κ = Offset (0 in the models package effect fits now: a lift
// multiplies units; 0.1 in older files), where d are the lever columns
// (Columns: the log price ratio log(off / price) of each price lever, each
// other lever's value above its off value, the previous and next period's
// promotion, the first quiet periods after a promotion
// (EffectColumn.After), and the peers' promotion pressure, PeerPressure)
// and θ_s the series' effects, pooled towards its group's and the
// panel's. A plan's uplift is then its baseline's units times
// exp(θ_s·(d_plan − d_baseline)) − 1: with the model's own baseline
// (Baseline, g above) that baseline is g's, and the baseline shown is the
// trees' forecast less the uplift; in files without it, the uplift is that
// share of the trees' forecast.
type Effects struct {
	// Columns are the lever columns d, in θ order.
	Columns []EffectColumn `json:"columns"`
	// Global are the panel's effects with their standard errors.
	Global   []float64 `json:"global"`
	GlobalSE []float64 `json:"global_se"`
	// Groups are the effects per level of the group attribute (by level
	// code as text); absent without a group.
	Groups map[string][]float64 `json:"groups,omitempty"`
	// Group is the static attribute that groups series, -1 for none.
	Group int `json:"group"`
	// Series are the effects of each series, by ID.
	Series map[string]SeriesEffects `json:"series"`
	// Method says how the effects were estimated, for reports.
	Method string `json:"method"`
	// Offset is κ: the effects multiply units plus κ times the row's
	// scale (1 + the series' recent level). Package effect fits them on
	// units (κ = 0); files written before it did read κ = 0.1, effects
	// fitted on log(units + κ·scale).
	Offset float64 `json:"offset"`
	// Baseline, when set, is the effect model's own baseline: boosted
	// trees that predict, from the Controls features alone (every feature
	// that is not a lever column: lags, windows, calendar, events, static
	// attributes), a row's units with its levers' effects taken out,
	// (units + κ·scale)·e^{−θ·d} over its scale — the g(x) of the
	// partially linear model, fitted on every training row, promoted or
	// not. A plan's uplift is then that baseline times the levers' lift
	// (see apply), so the size of a promotion's uplift rests on a level
	// learnt from promoted and quiet rows alike rather than on the trees'
	// forecast of a promoted row, which a few promotions on event days
	// leave uncertain. Files without it derive the baseline from the trees'
	// forecast alone.
	Baseline *gbdt.Model `json:"baseline,omitempty"`
	Controls []int       `json:"controls,omitempty"`
	// Restated lists the own levers left out because in training they
	// moved with another lever (their residuals nearly collinear): that
	// lever's effect carries both. Absent in files written before it was
	// recorded.
	Restated []Restated `json:"restated,omitempty"`
}

// Restated is a lever the effect model left out: Name moved with By.
type Restated struct {
	Name string `json:"name"`
	By   string `json:"by"`
}

// EffectColumn is one lever column of the effect model.
type EffectColumn struct {
	// Name labels the column in reports, e.g. "price" or "display".
	Name string `json:"name"`
	// Feature is the feature column it is read from, and Index its
	// position in the model's features.
	Feature string `json:"feature"`
	Index   int    `json:"index"`
	// LogPrice marks a price lever's discount column, read as
	// log(off/price) = −log(1 − discount); other columns are read as their
	// value minus Off.
	LogPrice bool    `json:"log_price,omitempty"`
	Off      float64 `json:"off,omitempty"`
	// Own marks the series' own levers (pooled per series); the others
	// (promotion history, peers) are pooled per group.
	Own bool `json:"own,omitempty"`
	// Part is the part of the uplift the column's effect belongs to: own,
	// history, next or peers (see Parts).
	Part string `json:"part"`
	// Range, when set, is the least and greatest d the column had in
	// training, over every series, and the column is read within it. A
	// column that is not the series' own lever (promotion history, peers)
	// is so held within what the history had, and a plan that promotes
	// more of a group at once than the history ever did is not given a
	// cannibalisation the data never showed. An own lever goes beyond
	// what its series had on its group's response (see contributions),
	// up to the panel's greatest: a flag of 1000 where training had 0 and
	// 1 read e^{1000·θ} (an infinite forecast the API could not encode)
	// and 99.6% off, 58,113 units of a product that sells 8. Model files
	// written before own levers had a range read them without one.
	Range []float64 `json:"range,omitempty"`
	// After, when above 0, makes the column a post-promotion period: 1 in
	// a period without a promotion (the feature Promo, the promotion flag,
	// off) that comes After periods after the series' last promoted one
	// (the feature Index, the periods since a promotion), else 0. The dip
	// after a promotion falls on the quiet periods that follow it, not on
	// a promotion's later periods.
	After int `json:"after,omitempty"`
	Promo int `json:"promo,omitempty"`
	// Pressure marks the peers' promotion pressure (PeerPressure): the
	// extra units the other series of the group sell through their own
	// levers, as a share of the group's level in that period. It is
	// computed across a plan's rows rather than read from a feature; Index
	// is the peer feature explanations attribute it to.
	Pressure bool `json:"pressure,omitempty"`
}

// The parts of an uplift (EffectColumn.Part).
const (
	PartOwn     = "own"
	PartHistory = "history"
	PartNext    = "next"
	PartPeers   = "peers"
)

// SeriesEffects are one series' effects.
type SeriesEffects struct {
	Theta []float64 `json:"theta"`
	SE    []float64 `json:"se"`
	// Max is the largest value of each own column the series had in
	// training (0 for the others): beyond it the series' response is its
	// group's, not something its history showed.
	Max []float64 `json:"max"`
	// Promoted counts the series' training periods with an own lever on.
	Promoted int `json:"promoted"`
}

// PeerPressure returns each row's peer pressure: over the rows of its group
// (groups, NaN for none) in its period, the others' extra units from their
// own levers, Σ w·(exp(lift) − 1) with lift their own levers' log lift and
// w their level, over the group's Σ w. The true cannibalisation of a
// promotion grows with the units it adds to a category, which a share of
// promoted peers or their mean discount misstates: a peer's coupon adds
// little, a deep discount on a large series a great deal. Rows without a
// group get 0.
func PeerPressure(lift, w, groups []float64, periods []int) []float64 {
	type cell struct {
		group  float64
		period int
	}
	extra, level := map[cell]float64{}, map[cell]float64{}
	for i, g := range groups {
		if !math.IsNaN(g) {
			c := cell{g, periods[i]}
			extra[c] += w[i] * math.Expm1(lift[i])
			level[c] += w[i]
		}
	}
	out := make([]float64, len(groups))
	for i, g := range groups {
		if c := (cell{g, periods[i]}); !math.IsNaN(g) && level[c] > 0 {
			out[i] = (extra[c] - w[i]*math.Expm1(lift[i])) / level[c]
		}
	}
	return out
}

// Value returns column c's d value in a feature row (0 for the peer
// pressure, which no feature holds).
func (c EffectColumn) Value(row []float64) float64 {
	if c.Pressure {
		return 0
	}
	v := row[c.Index]
	if math.IsNaN(v) {
		return 0
	}
	if c.After > 0 {
		if row[c.Promo] > 0 || v != float64(c.After) {
			return 0
		}
		return 1
	}
	if c.LogPrice {
		return -math.Log(math.Max(1-v, minPriceRatio))
	}
	return v - c.Off
}

// bounded returns column c's d value in a feature row, within its
// training range when it has one.
func (c EffectColumn) bounded(row []float64) float64 {
	return c.clamp(c.Value(row))
}

// clamp returns v within column c's training range when it has one. The
// peers' pressure is held only below its greatest: its baseline is 0 (no
// peer promoted), so a pressure below the least the history had (a
// history where some peer was always promoted) lies between the two, not
// beyond them, and a plan that promotes no peer gets no cannibalisation.
func (c EffectColumn) clamp(v float64) float64 {
	if len(c.Range) == 2 {
		lo := c.Range[0]
		if c.Pressure {
			lo = math.Min(lo, 0)
		}
		v = math.Min(math.Max(v, lo), c.Range[1])
	}
	return v
}

// pressure returns the index of the peer-pressure column, -1 for none.
func (e *Effects) pressure() int {
	for k, c := range e.Columns {
		if c.Pressure {
			return k
		}
	}
	return -1
}

// minPriceRatio bounds price/off from below when reading log price ratios,
// so a price of zero does not give an infinite effect.
const minPriceRatio = 0.05

// Theta returns the effects for series id with group level code group
// (NaN when none): the series' own when it was in training, else its
// group's, else the panel's.
func (e *Effects) Theta(id string, group float64) []float64 {
	if s, ok := e.Series[id]; ok {
		return s.Theta
	}
	if !math.IsNaN(group) {
		if g, ok := e.Groups[GroupKey(group)]; ok {
			return g
		}
	}
	return e.Global
}

// GroupKey is the key of a group level code in Effects.Groups.
func GroupKey(code float64) string { return fmt.Sprintf("%g", code) }

// Check reports an error when the effects do not fit a model of width
// features.
func (e *Effects) Check(width int) error {
	if len(e.Global) != len(e.Columns) || len(e.GlobalSE) != len(e.Columns) {
		return fmt.Errorf("effects: %d columns but %d global effects", len(e.Columns), len(e.Global))
	}
	if !(e.Offset >= 0) || math.IsInf(e.Offset, 0) {
		return fmt.Errorf("effects: offset %v, expected a finite number ≥ 0", e.Offset)
	}
	for _, c := range e.Columns {
		if c.Index < 0 || c.Index >= width {
			return fmt.Errorf("effects: column %s reads feature %d of %d", c.Name, c.Index, width)
		}
		if c.After > 0 && (c.Promo < 0 || c.Promo >= width) {
			return fmt.Errorf("effects: column %s reads its promotion flag from feature %d of %d", c.Name, c.Promo, width)
		}
	}
	for id, s := range e.Series {
		if len(s.Theta) != len(e.Columns) || len(s.Max) != len(e.Columns) {
			return fmt.Errorf("effects: series %q has %d effects for %d columns", id, len(s.Theta), len(e.Columns))
		}
	}
	for g, th := range e.Groups {
		if len(th) != len(e.Columns) {
			return fmt.Errorf("effects: group %s has %d effects for %d columns", g, len(th), len(e.Columns))
		}
	}
	if e.Baseline != nil {
		if len(e.Baseline.Features) != len(e.Controls) {
			return fmt.Errorf("effects: baseline reads %d features but %d controls are listed", len(e.Baseline.Features), len(e.Controls))
		}
		for _, j := range e.Controls {
			if j < 0 || j >= width {
				return fmt.Errorf("effects: baseline control reads feature %d of %d", j, width)
			}
		}
	}
	return nil
}

// baselineUnits returns the effect model's baseline (Baseline) of the rows
// of XB listed in rows: expected units with every lever off, given their
// scales, through memo (nil for none).
func (e *Effects) baselineUnits(XB *data.Matrix, rows []int, scales []float64, memo *predictionMemo) ([]float64, error) {
	X := data.NewMatrix(len(rows), len(e.Controls))
	for a, i := range rows {
		src, dst := XB.Row(i), X.Row(a)
		for c, j := range e.Controls {
			dst[c] = src[j]
		}
	}
	out := make([]float64, len(rows))
	if err := memo.predict(e.Baseline, X, out); err != nil {
		return nil, fmt.Errorf("effects: baseline: %w", err)
	}
	for a, i := range rows {
		k := e.Offset * scales[i]
		out[a] = math.Max(0, out[a]*scales[i]-k)
	}
	return out, nil
}

// Beyond reports, for each plan row of XF, whether its own levers go
// beyond what series ids[i] had in training (a deeper discount than its
// deepest, by more than 5%; a lever it never had on, for a series never
// promoted any lever at all): the rows whose trees' forecast the scorer
// also takes with the levers held to Within.
func (e *Effects) Beyond(ids []string, XF *data.Matrix) []bool {
	out := make([]bool, XF.Rows)
	for i := range out {
		s, known := e.Series[ids[i]]
		known = known && s.Promoted > 0
		row := XF.Row(i)
		for k, c := range e.Columns {
			most := 0.0
			if known {
				most = s.Max[k]
			}
			if c.Own && c.Value(row) > most*1.05+1e-9 {
				out[i] = true
				break
			}
		}
	}
	return out
}

// Within returns the limit that holds a plan row of series id to what the
// series had in training: each own lever at most the greatest value it
// had (a price no lower than its deepest discount's), every own lever off
// for a series never promoted. Levers the effect model does not read are
// left as planned.
func (e *Effects) Within(id string) feature.Limit {
	s, known := e.Series[id]
	known = known && s.Promoted > 0
	return func(name string, v, off float64) float64 {
		for k, c := range e.Columns {
			switch {
			case !c.Own || c.Name != name:
				continue
			case !known:
				return off
			case c.LogPrice:
				return math.Max(v, off*math.Exp(-s.Max[k]))
			default:
				return math.Min(v, c.Off+s.Max[k])
			}
		}
		return v
	}
}

// apply turns the trees' forecast f of the plan rows XF into the effect
// model's forecast and baseline (b, written for every row; XB are the
// baseline rows, every lever off). Where the plan's levers
// lie within what the series had, the forecast stays the trees' and the
// baseline is the forecast with the levers' identified effect removed.
// Where they go beyond it (beyond, from Beyond: a deeper discount, a first
// promotion), fc is the trees' forecast of the plan with the series' own
// levers held to what it had (Within), a row inside the history's support
// like the in-range rows: the baseline is fc with the effect of the levers
// up to there removed, and the forecast is fc with the identified effect
// of the part beyond (the group's response beyond the series' greatest
// lever: contributions). The trees' own forecast of such a row is not
// used: beyond what a series had they either carry another series' spike
// over (a brand never discounted deeply) or, where promotions always fell
// on an event, credit the event's demand to the discount, which left the
// event out of the baseline. The limited plan holds every row beyond at
// once, so a row's peers beyond are held too while its peer and history
// terms are read from the plan as made: an approximation where peers of
// one group all go beyond together. It returns the log-space contribution of
// every lever column per row (for the parts), and rewrites f and b in
// place. ratios (nil for none) are each row's ratio of expected units to
// the point (applyBaseline); memo (nil for none) remembers the Baseline's
// predictions; own (nil for none) receives each row's baseline by the
// effect model's own baseline model, in the point's units (NaN for a row
// the levers do not raise, or without that model).
func (e *Effects) apply(ids []string, groups []float64, periods []int, XF, XB *data.Matrix, scales, f, b, fc []float64, beyond []bool, ratios []float64, memo *predictionMemo, own []float64) (contrib [][]float64, err error) {
	contrib = make([][]float64, XF.Rows)
	extra := make([][]float64, XF.Rows)
	lift := make([]float64, XF.Rows) // the own levers' log-space effect
	for i := range contrib {
		contrib[i], extra[i] = e.contributions(ids[i], groups[i], !beyond[i], XF.Row(i), XB.Row(i))
		for k, col := range e.Columns {
			if col.Own {
				lift[i] += contrib[i][k] + extra[i][k]
			}
		}
	}
	for i := range own {
		own[i] = math.NaN()
	}
	// The baseline has every plan row's levers off: no peer pressure.
	if k := e.pressure(); k >= 0 {
		pressure := PeerPressure(lift, scales, groups, periods)
		for i, v := range pressure {
			th := e.Theta(ids[i], groups[i])
			if beyond[i] {
				th = e.Theta("", groups[i])
			}
			contrib[i][k] = th[k] * e.Columns[k].clamp(v)
		}
	}
	// Every row's log-space contribution within what its series had and
	// in all; a row beyond is forecast as the trees' forecast of it held
	// within times the extra lift, and its contributions take the extra.
	within, total := make([]float64, len(contrib)), make([]float64, len(contrib))
	for i, c := range contrib {
		more := 0.0
		for j := range c {
			within[i] += c[j]
			more += extra[i][j]
		}
		total[i] = within[i] + more
		if beyond[i] {
			k := e.Offset * scales[i]
			f[i] = math.Max(0, (fc[i]+k)*math.Exp(more)-k)
			for j := range c {
				c[j] += extra[i][j]
			}
		}
	}
	if e.Baseline != nil {
		return contrib, e.applyBaseline(total, XB, scales, f, b, ratios, memo, own)
	}
	for i := range contrib {
		k := e.Offset * scales[i]
		switch {
		case beyond[i]:
			b[i] = math.Max(0, (fc[i]+k)*math.Exp(-within[i])-k)
		case within[i] == 0:
			b[i] = f[i]
		default:
			b[i] = math.Max(0, (f[i]+k)*math.Exp(-within[i])-k)
		}
	}
	return contrib, nil
}

// applyBaseline is apply with the effect model's own baseline, given each
// row's total log-space contribution c (with the extra beyond what its
// series had) and its forecast f (the trees', or for a row beyond what its
// series had the trees' held within times the extra lift, set by apply): a
// row the levers move has uplift (h + κ·scale)·(e^{c} − 1), with h its
// Baseline units, in the point forecast's units (over ratios[i], the
// calibration's ratio of expected units to the point in the row's
// promotion state; 1 without ratios); its
// baseline is the forecast less that uplift. Where the forecast is below
// the uplift (on the demo shop's plan, mostly Double 11 spikes the trees
// forecast short), the baseline is 0 and the forecast rises to the uplift;
// otherwise the forecast stays as it came (what the backtest scores). A
// floor at a share of the effect model's own baseline raised more
// forecasts and made the planner's forecast of tuna and cheese worse
// (bench/accuracy's forecasts through a plan, in the build that chose
// this: tuna WAPE 26.0% with none, 26.5% at a quarter; the build before
// the baseline model 25.1%). own (nil for none) receives the Baseline
// units, in the point's units, of each row the levers raise.
func (e *Effects) applyBaseline(total []float64, XB *data.Matrix, scales, f, b, ratios []float64, memo *predictionMemo, own []float64) error {
	var moved []int
	for i, t := range total {
		if t != 0 {
			moved = append(moved, i)
		}
		b[i] = f[i]
	}
	if len(moved) == 0 {
		return nil
	}
	h, err := e.baselineUnits(XB, moved, scales, memo)
	if err != nil {
		return err
	}
	for a, i := range moved {
		ratio := 1.0
		if ratios != nil && ratios[i] > 0 {
			ratio = ratios[i]
		}
		k := e.Offset * scales[i]
		up := (h[a] + k) * math.Expm1(total[i]) / ratio
		if own != nil && up > 0 {
			own[i] = h[a] / ratio
		}
		b[i] = f[i] - up
		if b[i] < 0 {
			b[i], f[i] = 0, up
		}
	}
	return nil
}

// contributions returns each lever column's log-space effect of a plan row
// rf against its baseline row rb for series id of group level group, in
// two parts: the effect up to what the series had, and the extra effect
// beyond it. In range (in), the series' own effects apply and there is no
// extra. Beyond what the series had, an own lever follows the series'
// effect up to the greatest value it had in training and its group's
// beyond it (the extra), so a series with an identified response keeps it
// for the part of a deeper discount it has shown; for a series never
// promoted all of an own lever's effect is extra, at its group's; every
// column that is not an own lever takes its group's.
func (e *Effects) contributions(id string, group float64, in bool, rf, rb []float64) (c, extra []float64) {
	c, extra = make([]float64, len(e.Columns)), make([]float64, len(e.Columns))
	if in {
		th := e.Theta(id, group)
		for k, col := range e.Columns {
			c[k] = th[k] * (col.bounded(rf) - col.bounded(rb))
		}
		return c, extra
	}
	grp := e.Theta("", group)
	s, known := e.Series[id]
	known = known && s.Promoted > 0
	for k, col := range e.Columns {
		v, vb := col.bounded(rf), col.bounded(rb)
		switch {
		case !col.Own:
			c[k] = grp[k] * (v - vb)
		case !known:
			extra[k] = grp[k] * (v - vb)
		default:
			m := s.Max[k]
			c[k] = s.Theta[k] * (math.Min(v, m) - math.Min(vb, m))
			extra[k] = grp[k] * (math.Max(v-m, 0) - math.Max(vb-m, 0))
		}
	}
	return c, extra
}

// parts splits each row's uplift into Parts from the log-space
// contributions apply returned, adding the parts one after another (own,
// history, next, peers) so that they sum exactly to forecast − baseline
// (f − b): with the effect model's own baseline (Baseline), or where the
// baseline is 0 in a model without an offset, the parts so added are then
// scaled to that sum.
func (e *Effects) parts(contrib [][]float64, scales, f, b []float64) Parts {
	n := len(b)
	out := Parts{Own: make([]float64, n), History: make([]float64, n), Next: make([]float64, n), Peers: make([]float64, n)}
	all := [][]float64{out.Own, out.History, out.Next, out.Peers}
	for i := range b {
		k := e.Offset * scales[i]
		ref, scaled := b[i]+k, e.Baseline != nil
		if ref <= 0 {
			// No baseline to grow from (a baseline of 0 and no offset):
			// the parts split a unit's growth, scaled to the uplift.
			ref, k, scaled = 1, 0, true
		}
		logv := math.Log(ref)
		prev, sum := ref-k, 0.0
		for p, part := range []string{PartOwn, PartHistory, PartNext, PartPeers} {
			for j, col := range e.Columns {
				if col.Part == part {
					logv += contrib[i][j]
				}
			}
			cur := math.Max(0, math.Exp(logv)-k)
			all[p][i] = cur - prev
			sum += cur - prev
			prev = cur
		}
		if scaled && sum != 0 {
			for _, dst := range all {
				dst[i] *= (f[i] - b[i]) / sum
			}
		}
	}
	return out
}
