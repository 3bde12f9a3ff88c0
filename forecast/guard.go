package forecast

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"promocast/data"
	"promocast/feature"
	"promocast/model"
	"promocast/panel"
	"promocast/spec"
)

// Ranges records what the training history held, so forecasts can warn
// when a plan asks about something the model never saw.
type Ranges struct {
	// MaxDiscount is the deepest price discount in training, over all series.
	MaxDiscount float64 `json:"max_discount"`
	// Series holds per series (by ID) its deepest discount and how many
	// promoted periods it had.
	Series map[string]SeriesRange `json:"series"`
	// Levers holds each lever's smallest and largest value in training.
	Levers map[string][2]float64 `json:"levers"`
	// Group names the static attribute that groups peers ("" for none) and
	// Groups holds per group level the promotion history of its series
	// pooled; both absent in models trained before they were recorded.
	Group  string                 `json:"group,omitempty"`
	Groups map[string]SeriesRange `json:"groups,omitempty"`
	// EventGroupShare holds, per event and pre-event window feature
	// ("event_double11", "pre_double11"), the smallest share of a series'
	// group promoted in any training row inside it; absent in models
	// trained without events or groups.
	EventGroupShare map[string]float64 `json:"event_group_share,omitempty"`
}

// groupShareFeature is the feature holding the share of a series' group
// that is promoted (package feature).
const groupShareFeature = "group_promo_share"

// eventWindow reports whether a feature marks an event day or its
// pre-event window.
func eventWindow(name string) bool {
	return strings.HasPrefix(name, "event_") || strings.HasPrefix(name, "pre_")
}

// eventGroupShares returns Ranges.EventGroupShare from the training rows.
func eventGroupShares(ds *model.Dataset) map[string]float64 {
	share := -1
	for j, f := range ds.Features {
		if f.Name == groupShareFeature {
			share = j
		}
	}
	if share < 0 {
		return nil
	}
	out := map[string]float64{}
	for j, f := range ds.Features {
		if !eventWindow(f.Name) {
			continue
		}
		least := math.Inf(1)
		for i := 0; i < ds.X.Rows; i++ {
			if v := ds.X.At(i, share); ds.X.At(i, j) > 0 && !math.IsNaN(v) {
				least = math.Min(least, v)
			}
		}
		if !math.IsInf(least, 1) {
			out[f.Name] = least
		}
	}
	return out
}

// baselineWarnings adds to out, per row, where the baseline (matrix XB)
// asks about a state training never held: an event window whose every
// training row had at least minBaselineShare of the group promoted, while
// the baseline's row has under half that. The baseline there is the
// model's extrapolation, not something the history showed.
//
// A model with an effect model never reads its baseline from such a row
// (Effects.apply derives it from an in-range forecast), so only a model
// without one is checked.
func (m *Model) baselineWarnings(XB *data.Matrix, out []string) {
	m.baselineChecks().add(XB, out)
}

// baselineChecks are the event windows baselineWarnings checks, looked
// up once per scorer: nil when there are none.
type baselineChecks struct {
	share int // the group share's column
	// windows are the event window features' columns, in the order of
	// their names, with the least group share training had in each.
	windows []eventWindowShare
}

type eventWindowShare struct {
	name  string
	col   int
	least float64
}

// baselineChecks returns the model's baseline checks; nil when it has
// none.
func (m *Model) baselineChecks() *baselineChecks {
	if m.Ranges == nil || len(m.Ranges.EventGroupShare) == 0 {
		return nil
	}
	col := map[string]int{}
	for j, f := range m.Features {
		col[f.Name] = j
	}
	share, ok := col[groupShareFeature]
	if !ok {
		return nil
	}
	names := make([]string, 0, len(m.Ranges.EventGroupShare))
	for n := range m.Ranges.EventGroupShare {
		names = append(names, n)
	}
	sort.Strings(names)
	c := &baselineChecks{share: share}
	for _, n := range names {
		j, ok := col[n]
		least := m.Ranges.EventGroupShare[n]
		if !ok || least < minBaselineShare {
			continue
		}
		c.windows = append(c.windows, eventWindowShare{name: n, col: j, least: least})
	}
	return c
}

// add adds the baseline warnings of XB's rows to out (see
// baselineWarnings); nothing for nil checks.
func (c *baselineChecks) add(XB *data.Matrix, out []string) {
	if c == nil {
		return
	}
	for i := range out {
		for _, w := range c.windows {
			if XB.At(i, w.col) <= 0 {
				continue
			}
			if v := XB.At(i, c.share); v < w.least/2 {
				msg := fmt.Sprintf("%s: every %s period in training had at least %.0f%% of the group promoted, the baseline %.0f%%", BaselineExtrapolated, w.name, 100*w.least, 100*v)
				if out[i] != "" {
					out[i] += "; "
				}
				out[i] += msg
			}
		}
	}
}

// BaselineExtrapolated starts the warning baselineWarnings gives.
const BaselineExtrapolated = "baseline extrapolated"

// minBaselineShare is the least group share in an event window, over all
// its training rows, that makes a baseline without promotions there an
// extrapolation worth a warning.
const minBaselineShare = 0.1

// SeriesRange is one series' (or one group's) promotion history in
// training.
type SeriesRange struct {
	MaxDiscount float64 `json:"max_discount"`
	Promoted    int     `json:"promoted"`
	// Levers holds, per lever with a numeric off value (a flag, a display
	// share), its smallest and largest value in these training rows;
	// absent in models trained before it was recorded.
	Levers map[string][2]float64 `json:"levers,omitempty"`
}

// widen adds one training row's values of levers to r.
func (r *SeriesRange) widen(discount float64, promoted bool, levers []spec.LeverRule, values []float64) {
	r.MaxDiscount = math.Max(r.MaxDiscount, discount)
	if promoted {
		r.Promoted++
	}
	for k, lv := range levers {
		r.include(lv.Name, values[k])
	}
}

// include widens lever name's range in r to hold v; NaN is ignored.
func (r *SeriesRange) include(name string, v float64) {
	if math.IsNaN(v) {
		return
	}
	if r.Levers == nil {
		r.Levers = map[string][2]float64{}
	}
	mm, ok := r.Levers[name]
	if !ok {
		mm = [2]float64{v, v}
	}
	r.Levers[name] = [2]float64{math.Min(mm[0], v), math.Max(mm[1], v)}
}

// ranges collects Ranges from the panel's periods up to until and the
// training rows ds.
func ranges(p *panel.Panel, b *feature.Builder, until int, ds *model.Dataset) *Ranges {
	r := &Ranges{Series: map[string]SeriesRange{}, EventGroupShare: eventGroupShares(ds)}
	levers, _ := p.Spec.Levers()
	known := map[string]int{}
	for k, n := range p.Spec.Known {
		known[n] = k
	}
	var numeric []spec.LeverRule
	for _, lv := range levers {
		if !lv.IsPrice() {
			numeric = append(numeric, lv)
		}
	}
	group, _ := feature.GroupAttribute(p)
	if group >= 0 {
		r.Group, r.Groups = p.Spec.Static[group], map[string]SeriesRange{}
	}
	var all SeriesRange
	values := make([]float64, len(levers))
	for si, s := range p.Series {
		var sr SeriesRange
		for i := range s.Y {
			t := s.Start + i
			if t > until || s.Row[i] < 0 {
				continue
			}
			for k, lv := range levers {
				values[k] = s.Known[known[lv.Name]][i]
			}
			d, on := b.Discount(si, t), b.Promoted(si, t)
			sr.widen(d, on, levers, values)
		}
		// Over all series every lever's range is kept, prices too.
		for name, mm := range sr.Levers {
			all.include(name, mm[0])
			all.include(name, mm[1])
		}
		all.MaxDiscount = math.Max(all.MaxDiscount, sr.MaxDiscount)
		if g := groupLevel(p, s, group); g != "" {
			gr := r.Groups[g]
			gr.MaxDiscount = math.Max(gr.MaxDiscount, sr.MaxDiscount)
			gr.Promoted += sr.Promoted
			for _, lv := range numeric {
				if mm, ok := sr.Levers[lv.Name]; ok {
					gr.include(lv.Name, mm[0])
					gr.include(lv.Name, mm[1])
				}
			}
			r.Groups[g] = gr
		}
		for _, lv := range levers {
			if lv.IsPrice() {
				delete(sr.Levers, lv.Name)
			}
		}
		r.Series[s.ID] = sr
	}
	r.MaxDiscount, r.Levers = all.MaxDiscount, all.Levers
	if r.Levers == nil {
		r.Levers = map[string][2]float64{}
	}
	return r
}

// groupLevel returns the level of series s in the static attribute group,
// "" when there is no group or the series has none.
func groupLevel(p *panel.Panel, s *panel.Series, group int) string {
	if group < 0 || group >= len(s.Static) || math.IsNaN(s.Static[group]) {
		return ""
	}
	code := int(s.Static[group])
	if group >= len(p.Levels) || code < 0 || code >= len(p.Levels[group]) {
		return ""
	}
	return p.Levels[group][code]
}

// guard checks plan values against a model's Ranges for one panel.
type guard struct {
	m     *Model
	p     *panel.Panel
	group int
}

func (m *Model) guard(p *panel.Panel) guard {
	g := guard{m: m, p: p, group: -1}
	if r := m.Ranges; r != nil && r.Group != "" {
		for i, n := range p.Spec.Static {
			if n == r.Group {
				g.group = i
			}
		}
	}
	return g
}

// groupOf returns the group's name and range of series si, ok false when
// the model recorded none for it.
func (g guard) groupOf(si int) (string, SeriesRange, bool) {
	name := groupLevel(g.p, g.p.Series[si], g.group)
	if name == "" {
		return "", SeriesRange{}, false
	}
	gr, ok := g.m.Ranges.Groups[name]
	return name, gr, ok
}

// discount says how a discount depth d for series si leaves what training
// saw: deeper than any series had, or than this series and its group had.
// "" when it does not, or below the promotion threshold.
func (g guard) discount(si int, d float64) string {
	r := g.m.Ranges
	if r == nil || d < g.m.Config.PromoThreshold {
		return ""
	}
	if d > r.MaxDiscount+discountTolerance {
		return fmt.Sprintf("discount %s deeper than any in training (max %s)", percent(d, r.MaxDiscount), percent(r.MaxDiscount, d))
	}
	sr := r.Series[g.p.Series[si].ID]
	if d <= sr.MaxDiscount+discountTolerance {
		return ""
	}
	own := fmt.Sprintf("discount %s deeper than this series", percent(d, sr.MaxDiscount))
	name, gr, ok := g.groupOf(si)
	switch {
	case !ok:
		return fmt.Sprintf("%s ever had (max %s)", own, percent(sr.MaxDiscount, d))
	case d > gr.MaxDiscount+discountTolerance:
		return fmt.Sprintf("%s (max %s) and its %s %s (max %s) ever had", own, percent(sr.MaxDiscount, d), r.Group, name, percent(gr.MaxDiscount, d))
	}
	return fmt.Sprintf("%s ever had (max %s, its %s %s up to %s)", own, percent(sr.MaxDiscount, d), r.Group, name, percent(gr.MaxDiscount, d))
}

// discountTolerance is how far a discount may pass the deepest one
// training had and still count as within it: a tenth of a percentage
// point, so that a plan's price rounded a little differently from
// training's (30.00% off where the deepest was 29.99%) is not news.
const discountTolerance = 0.001

// percent formats depth d as a percentage with as few decimals (up to
// two) as tell it apart from the depth it is compared with.
func percent(d, other float64) string {
	for dec := 0; ; dec++ {
		a, b := fmt.Sprintf("%.*f%%", dec, 100*d), fmt.Sprintf("%.*f%%", dec, 100*other)
		if a != b || dec == 2 {
			return a
		}
	}
}

// lever says how value v of lever lv (with a numeric off value) for
// series si leaves what training saw: outside every series' range, or
// outside this series' and its group's. The off value is never a warning.
func (g guard) lever(si int, lv spec.LeverRule, v float64) string {
	r := g.m.Ranges
	if r == nil || math.IsNaN(v) || v == lv.Number {
		return ""
	}
	mm, ok := r.Levers[lv.Name]
	if ok && (v < mm[0] || v > mm[1]) {
		return fmt.Sprintf("%s = %v outside training range [%v, %v]", lv.Name, v, mm[0], mm[1])
	}
	sm, ok := r.Series[g.p.Series[si].ID].Levers[lv.Name]
	if !ok || (v >= sm[0] && v <= sm[1]) {
		return ""
	}
	what := fmt.Sprintf("%s = %v outside this series' range [%v, %v]", lv.Name, v, sm[0], sm[1])
	if sm[0] == lv.Number && sm[1] == lv.Number {
		what = fmt.Sprintf("%s = %v: this series never had %s on in training", lv.Name, v, lv.Name)
	}
	name, gr, ok := g.groupOf(si)
	if !ok {
		return what
	}
	if gm, ok := gr.Levers[lv.Name]; ok {
		if v < gm[0] || v > gm[1] {
			return fmt.Sprintf("%s, and its %s %s's [%v, %v]", what, r.Group, name, gm[0], gm[1])
		}
		return fmt.Sprintf("%s (its %s %s had [%v, %v])", what, r.Group, name, gm[0], gm[1])
	}
	return what
}

// on returns the largest value lever name (off value off) had in series
// si, else in its group, else in all training, whichever first exceeds
// off; 1 when none does or the model recorded no ranges.
func (g guard) on(si int, name string, off float64) float64 {
	r := g.m.Ranges
	if r == nil {
		return 1
	}
	if mm, ok := r.Series[g.p.Series[si].ID].Levers[name]; ok && mm[1] > off {
		return mm[1]
	}
	if _, gr, ok := g.groupOf(si); ok {
		if mm, ok := gr.Levers[name]; ok && mm[1] > off {
			return mm[1]
		}
	}
	if mm, ok := r.Levers[name]; ok && mm[1] > off {
		return mm[1]
	}
	return 1
}

// sweep says how setting lever lv to v (a discount depth for a price
// lever) for series si leaves what training saw.
func (g guard) sweep(si int, lv spec.LeverRule, v float64) string {
	if g.m.Ranges == nil {
		return ""
	}
	var w []string
	on := v != lv.Number
	if lv.IsPrice() {
		on = v >= g.m.Config.PromoThreshold
	}
	if on && g.m.Ranges.Series[g.p.Series[si].ID].Promoted == 0 {
		w = append(w, "series never promoted in training")
	}
	if lv.IsPrice() {
		w = append(w, g.discount(si, v))
	} else {
		w = append(w, g.lever(si, lv, v))
	}
	return strings.Join(slices.DeleteFunc(w, func(s string) bool { return s == "" }), "; ")
}

// leverColumns are the spec's levers with the known covariate each reads.
type leverColumns struct {
	levers []spec.LeverRule
	known  []int
	// off is the known index of a price lever's off column; -1 for the
	// other levers.
	off []int
}

func (m *Model) leverColumns() (leverColumns, error) {
	levers, err := m.Spec.Levers()
	if err != nil {
		return leverColumns{}, err
	}
	known := map[string]int{}
	for k, n := range m.Spec.Known {
		known[n] = k
	}
	lc := leverColumns{levers: levers, known: make([]int, len(levers)), off: make([]int, len(levers))}
	for i, lv := range levers {
		lc.known[i] = known[lv.Name]
		lc.off[i] = -1
		if k, ok := known[lv.Column]; ok && lv.Kind == spec.OffColumn {
			lc.off[i] = k
		}
	}
	return lc, nil
}

// warnings returns, per plan row, what in it lies outside the training
// history: "" when nothing does, else warnings joined by "; " (which no
// warning holds, so that callers may split them). p is the history
// extended by the plan, whose last period was histLast.
func (m *Model) warnings(p *panel.Panel, histLast int, b *feature.Builder, targets []panel.Target, lc leverColumns) []string {
	out := make([]string, len(targets))
	if m.Ranges == nil {
		return out
	}
	g := m.guard(p)
	lastData := map[int]int{} // series → its last period with a target
	known := make([]float64, len(m.Spec.Known))
	for i, t := range targets {
		s := p.Series[t.Series]
		last, ok := lastData[t.Series]
		if !ok {
			last = lastObserved(s)
			lastData[t.Series] = last
		}
		for k := range known {
			known[k] = s.Known[k][t.Period-s.Start]
		}
		out[i] = m.rowWarnings(g, lc, t.Series, t.Period, last, unplannedBefore(s, last, histLast, t.Period), b.Promoted(t.Series, t.Period), b.Discount(t.Series, t.Period), known)
		if w := inferredRise(lc, b, t, known); w != "" {
			if out[i] != "" {
				w = out[i] + "; " + w
			}
			out[i] = w
		}
	}
	return out
}

// inferredRise warns of a plan row priced above the regular price that
// `off: infer` reads from the periods before it: the model knows
// discounts, not price rises, and the rows after it read their prices
// against the higher one, so a return to the old price reads as a
// discount.
func inferredRise(lc leverColumns, b *feature.Builder, t panel.Target, known []float64) string {
	for k, lv := range lc.levers {
		if lv.Kind != spec.OffInfer {
			continue
		}
		price, before := known[lc.known[k]], b.Off(lv.Name, t.Series, t.Period-1)
		if before > 0 && price > before*(1+discountTolerance) {
			return fmt.Sprintf("%s %v above the regular price %v inferred from the periods before it: the model knows discounts, not price rises, and the rows after it read their %s against %v",
				lv.Name, price, before, lv.Name, price)
		}
	}
	return ""
}

// unplanned is a run of periods between a series' last data and a plan row
// that neither the history nor the plan has a row for: the first, the last
// and how many.
type unplanned struct{ first, last, n int }

// unplannedBefore returns the periods before t, after both the series' last
// data and the history's last period, that series s has no row for: a
// series' holes inside the history are the history's, read as training read
// them.
func unplannedBefore(s *panel.Series, last, histLast, t int) unplanned {
	var u unplanned
	for j := max(last, histLast) + 1; j < t; j++ {
		if i := s.At(j); i >= 0 && s.Row[i] >= 0 {
			continue
		}
		if u.n == 0 {
			u.first = j
		}
		u.last = j
		u.n++
	}
	return u
}

// rowWarnings returns what in the plan row of series si (of g's panel) at
// period t lies outside the training history (see warnings), given the
// series' last period with a target, the periods between that and t with no
// row, whether the row is promoted, its deepest discount and its known
// covariates.
func (m *Model) rowWarnings(g guard, lc leverColumns, si, t, last int, gap unplanned, promoted bool, discount float64, known []float64) string {
	r := m.Ranges
	if r == nil {
		return ""
	}
	p := g.p
	var w []string
	if ahead := t - last; ahead > m.Gap+m.Horizon {
		w = append(w, fmt.Sprintf("%d periods after the series' last data (%s), beyond the %d the model forecasts ahead",
			ahead, p.Grid.Label(last), m.Gap+m.Horizon))
	} else if gap.n > 0 && len(m.Spec.Known) > 0 {
		// The features read the known covariates of the periods before
		// the row (the previous promotion, the price history): a period
		// the plan leaves out reads as one without them.
		missing := p.Grid.Label(gap.first)
		if gap.n > 1 {
			missing = fmt.Sprintf("%d periods, %s to %s,", gap.n, missing, p.Grid.Label(gap.last))
		}
		w = append(w, fmt.Sprintf("the plan has no row for %s between the series' last data (%s) and this period: the forecast reads that as no promotion and no price there; add its rows to the plan",
			missing, p.Grid.Label(last)))
	}
	if promoted && r.Series[p.Series[si].ID].Promoted == 0 {
		w = append(w, "series never promoted in training")
	}
	if d := g.discount(si, discount); d != "" {
		w = append(w, d)
	}
	for k, lv := range lc.levers {
		if lv.IsPrice() {
			if o := lc.off[k]; o >= 0 && known[o] > 0 && known[lc.known[k]] > known[o]*(1+discountTolerance) {
				w = append(w, fmt.Sprintf("%s %v above its %s %v: the model knows discounts, not price rises, and reads it as no discount",
					lv.Name, known[lc.known[k]], lv.Column, known[o]))
			}
			continue
		}
		if l := g.lever(si, lv, known[lc.known[k]]); l != "" {
			w = append(w, l)
		}
	}
	if e := m.Effects; e != nil {
		for _, rs := range e.Restated {
			a, okA := lc.on(rs.Name, known, discount, m.Config.PromoThreshold)
			b, okB := lc.on(rs.By, known, discount, m.Config.PromoThreshold)
			if okA && okB && a != b {
				w = append(w, fmt.Sprintf("%s %s and %s %s: in training the two moved together, so the effect model reads them as one lever (%s) and the history cannot tell what either does alone",
					rs.Name, onOff(a), rs.By, onOff(b), rs.By))
			}
		}
	}
	return strings.Join(w, "; ")
}

// on reports whether the lever called name is on in a plan row with known
// covariates known and deepest discount discount: a price lever at a
// discount of at least threshold (the row's deepest: with several price
// levers, any of them), another lever away from its off value; ok false
// for a name that is no lever, or whose value is missing.
func (lc leverColumns) on(name string, known []float64, discount, threshold float64) (on, ok bool) {
	for k, lv := range lc.levers {
		if lv.Name != name {
			continue
		}
		v := known[lc.known[k]]
		if lv.IsPrice() {
			return discount >= threshold, !math.IsNaN(v)
		}
		return v != lv.Number, !math.IsNaN(v)
	}
	return false, false
}

// onOff words a lever's state.
func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

// lastObserved returns the series' last period with a target value.
func lastObserved(s *panel.Series) int {
	for i := len(s.Y) - 1; i >= 0; i-- {
		if !math.IsNaN(s.Y[i]) {
			return s.Start + i
		}
	}
	return s.Start - 1
}

// Merge widens r to hold what o holds: the ranges of a model trained on
// other series (another partition of one panel). Series and group records
// present in both are pooled; an event's group share is the smaller.
func (r *Ranges) Merge(o *Ranges) {
	r.MaxDiscount = math.Max(r.MaxDiscount, o.MaxDiscount)
	if r.Series == nil {
		r.Series = map[string]SeriesRange{}
	}
	for id, sr := range o.Series {
		r.Series[id] = pool(r.Series[id], sr)
	}
	if r.Levers == nil && len(o.Levers) > 0 {
		r.Levers = map[string][2]float64{}
	}
	for name, mm := range o.Levers {
		if have, ok := r.Levers[name]; ok {
			mm = [2]float64{math.Min(have[0], mm[0]), math.Max(have[1], mm[1])}
		}
		r.Levers[name] = mm
	}
	if r.Group == "" {
		r.Group = o.Group
	}
	if r.Groups == nil && len(o.Groups) > 0 {
		r.Groups = map[string]SeriesRange{}
	}
	for g, sr := range o.Groups {
		r.Groups[g] = pool(r.Groups[g], sr)
	}
	if r.EventGroupShare == nil && len(o.EventGroupShare) > 0 {
		r.EventGroupShare = map[string]float64{}
	}
	for name, v := range o.EventGroupShare {
		if have, ok := r.EventGroupShare[name]; ok {
			v = math.Min(have, v)
		}
		r.EventGroupShare[name] = v
	}
}

// pool returns the record of a and b's training rows together.
func pool(a, b SeriesRange) SeriesRange {
	out := SeriesRange{MaxDiscount: math.Max(a.MaxDiscount, b.MaxDiscount), Promoted: a.Promoted + b.Promoted}
	for _, r := range []SeriesRange{a, b} {
		for name, mm := range r.Levers {
			out.include(name, mm[0])
			out.include(name, mm[1])
		}
	}
	return out
}
