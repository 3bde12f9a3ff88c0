package feature

import (
	"fmt"
	"hash/fnv"
	"maps"
	"math"
	"slices"
	"time"

	"promocast/model"
	"promocast/panel"
	"promocast/spec"
)

// Events supplies platform-event features for the days a period covers.
// Package calendar implements it; nil means no event features.
type Events interface {
	// Names returns the feature names, in the order Features writes them.
	Names() []string
	// Features writes one value per name for days firstDay..lastDay
	// (days since 1970-01-01) into out.
	Features(firstDay, lastDay int, out []float64)
}

// DefaultPromoThreshold is the discount depth from which a price lever
// counts as promoted: 5% below its off price.
const DefaultPromoThreshold = 0.05

// Config chooses how features are built; it is stored in the model file so
// that forecasts rebuild exactly the features the model learned from. The
// zero value is not usable: MinLag must be set.
type Config struct {
	// MinLag is the first target lag any feature may read: gap + horizon.
	MinLag int `json:"min_lag"`
	// FirstLag is the lag of the first step a forecast makes: gap + 1.
	// When it is below MinLag, each row reads the targets up to its own
	// forecast origin (Ref.Lag, between FirstLag and MinLag) instead of
	// all rows reading from MinLag: the week after the origin sees the
	// origin's week, as a direct multi-step forecaster's first step does,
	// and a feature "lead" tells the trees how far ahead the row is.
	// Training rows take their lags spread over that range (TrainingLag);
	// a backtest scores a fold's rows from its origin. Zero (files written
	// before it was kept) means MinLag for every row.
	FirstLag int `json:"first_lag,omitempty"`
	// Windows are the rolling-window lengths in periods, shortest first.
	// Empty means 7, 28, 91 days; 4, 13, 52 weeks; 3, 6, 12 months; or
	// 4, 13 plain periods.
	Windows []int `json:"windows"`
	// PromoThreshold is the discount depth that counts as a promotion.
	// Zero means DefaultPromoThreshold.
	PromoThreshold float64 `json:"promo_threshold"`
	// CrossPrices are known columns holding other products' prices
	// (competitors', substitutes'): the first price lever gets a feature
	// <lever>_rel_cross, its price over their mean, as a practitioner
	// turns many cross prices into one relative price. Empty means none;
	// DetectCrossPrices proposes them from a history.
	CrossPrices []string `json:"cross_prices,omitempty"`
	// Outages are the periods of the training history, in increasing
	// order, in which no series has an observed target: an outage of the
	// data, not of sales (Outages finds them). The target lags and the
	// rolling windows skip them, so that a panel back from an outage
	// reads its last weeks before it instead of missing values the trees
	// never saw together in training. A period one series misses while
	// others sell stays a hole its lags read as missing. The seasonal
	// lags stay on the calendar.
	Outages []int `json:"outages,omitempty"`
	// OriginPromo adds the feature origin_since_promo: the periods from a
	// row's forecast origin back to the series' last promotion at or
	// before it. The lags and windows end at the origin, so a promotion
	// just before it inflates them; this tells the trees (and the effect
	// model's baseline, which reads every feature but the levers) that
	// they do, without reading any lever of the periods a plan sets.
	// False (files written before it) means no such feature.
	OriginPromo bool `json:"origin_promo,omitempty"`
	// Restated lists, per known covariate that is not a lever, the series
	// (by ID) in which it restates one of their own levers (DetectRestated):
	// a panel that gives every brand's price beside each row holds each
	// brand's own price among them. There the column is read as missing,
	// so that what the series' lever does is read from the lever alone:
	// the effect model's controls would otherwise hold the lever itself
	// and leave its effect nothing to be identified from, and the trees
	// would answer a what-if of the price with the copy unchanged. Nil
	// means none.
	Restated map[string][]string `json:"restated,omitempty"`
	// OwnPrice, for a history that gives several products' prices and
	// declares no price lever, names each series' own price column by a
	// rule on its key (DetectOwnPrice): the features own_price and
	// own_price_rel (that price over the mean of the others) then carry
	// it. Nil means none.
	OwnPrice *OwnPrice `json:"own_price,omitempty"`
}

// withDefaults returns c with empty fields filled for the frequency, or an
// error when the fields conflict.
func (c Config) withDefaults(freq string) (Config, error) {
	if c.MinLag < 1 {
		return c, fmt.Errorf("feature config: min lag is %d: expected gap + horizon ≥ 1", c.MinLag)
	}
	if c.FirstLag < 0 || c.FirstLag > c.MinLag {
		return c, fmt.Errorf("feature config: first lag %d: expected gap + 1 in 1..%d (gap + horizon)", c.FirstLag, c.MinLag)
	}
	if len(c.Windows) == 0 {
		switch freq {
		case spec.Day:
			c.Windows = []int{7, 28, 91}
		case spec.Week:
			c.Windows = []int{4, 13, 52}
		case spec.Month:
			c.Windows = []int{3, 6, 12}
		default:
			c.Windows = []int{4, 13}
		}
	}
	for i, w := range c.Windows {
		if w < 1 || (i > 0 && w <= c.Windows[i-1]) {
			return c, fmt.Errorf("feature config: windows %v must be positive and increasing", c.Windows)
		}
	}
	if c.PromoThreshold == 0 {
		c.PromoThreshold = DefaultPromoThreshold
	}
	if c.PromoThreshold < 0 || c.PromoThreshold >= 1 {
		return c, fmt.Errorf("feature config: promo threshold %v: expected a discount depth in (0, 1)", c.PromoThreshold)
	}
	return c, nil
}

// StepLags reports whether rows read targets from lags of their own
// (FirstLag).
func (c Config) StepLags() bool { return c.FirstLag > 0 && c.FirstLag < c.MinLag }

// LagFrom returns the lag a row at period reads when forecast from origin:
// its distance from the origin, within FirstLag..MinLag; MinLag without
// step lags.
func (b *Builder) LagFrom(origin, period int) int {
	if !b.cfg.StepLags() {
		return b.cfg.MinLag
	}
	return min(max(period-origin, b.cfg.FirstLag), b.cfg.MinLag)
}

// TrainingLag returns the lag a training row of series si at period t
// reads: with step lags, one of FirstLag..MinLag chosen by a hash of the
// series' ID and the period, so that every step is learned from rows of
// every series and season, and the same data always gives the same rows;
// MinLag without step lags.
func (b *Builder) TrainingLag(si, t int) int {
	if !b.cfg.StepLags() {
		return b.cfg.MinLag
	}
	h := fnv.New64a()
	h.Write([]byte(b.p.Series[si].ID))
	x := h.Sum64() ^ uint64(t)*0x9E3779B97F4A7C15
	x ^= x >> 30
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 27
	x *= 0x94D049BB133111EB
	x ^= x >> 31
	return b.cfg.FirstLag + int(x%uint64(b.cfg.MinLag-b.cfg.FirstLag+1))
}

// lever is a promotion lever with its columns resolved to known indexes.
type lever struct {
	spec.LeverRule
	known    int // the lever's own known covariate
	offKnown int // for OffColumn: the off column's known index
}

// Builder computes feature rows for one panel. It reads the panel's slices
// directly: after changing known covariates (as a baseline scenario does),
// call Prepare before building rows again.
type Builder struct {
	cfg      Config
	p        *panel.Panel
	events   Events
	levers   []lever
	features []model.Feature
	group    int // static attribute that groups peers, -1 for none

	// Column offsets of feature blocks.
	colLag, nLags, colSeason, colYear, colMean, colStd, colLevel int
	colLead                                                      int // -1 without step lags
	colOrigin                                                    int // -1 without Config.OriginPromo
	colKnown, colDiscount, colRelHist, colPromo, colGroup        int
	colRelCross                                                  int   // -1 without cross prices
	crossKnown                                                   []int // known indexes of the cross prices
	colCalendar, nCalendar, colEvents, colStatic                 int
	colOwn                                                       int   // -1 without Config.OwnPrice
	ownCols                                                      []int // known indexes of Config.OwnPrice's columns
	seasonLag, yearLag                                           int

	series []seriesState
	groups map[int]*groupState
	dirty  map[int]int // series → first index LimitLevers changed
	// groupFrom is the first period whose peer statistics are kept: the
	// panel's first period, or for a derived builder the first period after
	// the history, since it only answers rows of the plan.
	groupFrom int
	nEvents   int // event features the calendar writes
	// outages[k] counts Config.Outages' periods before period
	// outFirst+k; nil when there are none.
	outages  []int
	outFirst int
}

// seriesState caches per-series sums and promotion state.
type seriesState struct {
	sum, sumsq, cnt []float64 // prefix sums of observed targets; [i+1] covers 0..i
	discount        []float64 // deepest discount over price levers per period
	active          []bool    // any lever promoted per period
	// masked[k] reads known covariate k as missing (Config.Restated); nil
	// for none.
	masked []bool
	// own is the known covariate holding the series' own price
	// (Config.OwnPrice), -1 for none.
	own int
}

// groupState holds per-period peer statistics of one group.
type groupState struct {
	first                  int
	count, active, discSum []float64
}

// New returns a builder for the panel. events may be nil.
func New(p *panel.Panel, cfg Config, events Events) (*Builder, error) {
	cfg, err := cfg.withDefaults(p.Spec.Time.Frequency)
	if err != nil {
		return nil, err
	}
	b := &Builder{cfg: cfg, p: p, events: events, groupFrom: math.MinInt}
	if n := len(cfg.Outages); n > 0 {
		for k := 1; k < n; k++ {
			if cfg.Outages[k] <= cfg.Outages[k-1] {
				return nil, fmt.Errorf("feature config: outages %v: expected increasing periods", cfg.Outages)
			}
		}
		b.outFirst = cfg.Outages[0]
		b.outages = make([]int, cfg.Outages[n-1]-b.outFirst+2)
		for _, t := range cfg.Outages {
			b.outages[t-b.outFirst+1]++
		}
		for k := 1; k < len(b.outages); k++ {
			b.outages[k] += b.outages[k-1]
		}
	}
	if err := b.resolveLevers(); err != nil {
		return nil, err
	}
	if b.group, err = GroupAttribute(p); err != nil {
		return nil, err
	}
	b.layout()
	b.Prepare()
	return b, nil
}

// WithEvents returns a builder like b whose rows carry the features of
// events (nil for none) instead of b's: the same series, a new layout. b
// must not be used after.
func (b *Builder) WithEvents(events Events) *Builder {
	d := *b
	d.events, d.features, d.nEvents = events, nil, 0
	d.layout()
	return &d
}

// GroupIndex returns the static attribute whose levels group peers (the
// cannibalisation group), or -1 when the panel has none.
func (b *Builder) GroupIndex() int { return b.group }

// GroupAttribute returns the index of the static attribute whose levels
// group peers, -1 for none: the spec's declared group, or when it declares
// none the first static attribute with levels (text), which is what models
// trained before groups were declared used.
func GroupAttribute(p *panel.Panel) (int, error) {
	g := p.Spec.Group
	for i, n := range p.Spec.Static {
		switch {
		case g == "" && i < len(p.Levels) && p.Levels[i] != nil:
			return i, nil
		case g == n && (i >= len(p.Levels) || p.Levels[i] == nil):
			return -1, fmt.Errorf("group %q holds numbers: a group needs text levels (declare types: {%s: string})", g, g)
		case g == n:
			return i, nil
		}
	}
	return -1, nil
}

// Config returns the configuration with defaults filled in.
func (b *Builder) Config() Config { return b.cfg }

// Features describes the columns Row writes.
func (b *Builder) Features() []model.Feature { return b.features }

func (b *Builder) resolveLevers() error {
	rules, err := b.p.Spec.Levers()
	if err != nil {
		return err
	}
	idx := map[string]int{}
	for i, k := range b.p.Spec.Known {
		idx[k] = i
	}
	for _, r := range rules {
		lv := lever{LeverRule: r, known: idx[r.Name], offKnown: -1}
		if r.Kind == spec.OffColumn {
			lv.offKnown = idx[r.Column]
		}
		b.levers = append(b.levers, lv)
	}
	for _, c := range b.cfg.CrossPrices {
		k, ok := idx[c]
		if !ok {
			return fmt.Errorf("feature config: cross price %q is not a known covariate", c)
		}
		b.crossKnown = append(b.crossKnown, k)
	}
	for _, name := range slices.Sorted(maps.Keys(b.cfg.Restated)) {
		k, ok := idx[name]
		if !ok {
			return fmt.Errorf("feature config: restated column %q is not a known covariate", name)
		}
		for _, lv := range b.levers {
			if lv.known == k || lv.offKnown == k {
				return fmt.Errorf("feature config: restated column %q is a promotion lever or its off column: a lever is never read as missing", name)
			}
		}
	}
	if op := b.cfg.OwnPrice; op != nil {
		for _, c := range op.Columns {
			k, ok := idx[c]
			if !ok {
				return fmt.Errorf("feature config: own price column %q is not a known covariate", c)
			}
			b.ownCols = append(b.ownCols, k)
		}
		if op.Key < 0 || op.Key >= len(b.p.Spec.Keys) {
			return fmt.Errorf("feature config: own price key %d: the spec has %d keys", op.Key, len(b.p.Spec.Keys))
		}
	}
	return nil
}

func (b *Builder) add(f model.Feature) { b.features = append(b.features, f) }

// layout fixes the feature order and names.
func (b *Builder) layout() {
	L := b.cfg.MinLag
	b.colLag, b.nLags = 0, 3
	for k := 0; k < b.nLags; k++ {
		if b.cfg.StepLags() {
			b.add(model.Feature{Name: fmt.Sprintf("lag_last_%d", k+1)})
		} else {
			b.add(model.Feature{Name: fmt.Sprintf("lag_%d", L+k)})
		}
	}
	season := b.p.Spec.Season()
	year := b.p.Grid.YearPeriods()
	b.colSeason, b.colYear = -1, -1
	if season > 1 && season != year {
		b.seasonLag = season * ((L + season - 1) / season)
		b.colSeason = len(b.features)
		b.add(model.Feature{Name: "lag_season"})
	}
	if year >= L {
		b.yearLag = year
		b.colYear = len(b.features)
		b.add(model.Feature{Name: "lag_year"})
	}
	b.colMean = len(b.features)
	for _, w := range b.cfg.Windows {
		b.add(model.Feature{Name: fmt.Sprintf("mean_%d", w)})
	}
	b.colStd = len(b.features)
	b.add(model.Feature{Name: fmt.Sprintf("std_%d", b.midWindow())})
	b.colLevel = len(b.features)
	b.add(model.Feature{Name: "level_log"})
	b.colLead = -1
	if b.cfg.StepLags() {
		b.colLead = len(b.features)
		b.add(model.Feature{Name: "lead"})
	}
	b.colOrigin = -1
	if b.cfg.OriginPromo && len(b.levers) > 0 {
		b.colOrigin = len(b.features)
		b.add(model.Feature{Name: "origin_since_promo"})
	}

	b.colKnown = len(b.features)
	for i, k := range b.p.Spec.Known {
		b.add(model.Feature{Name: k, Monotone: b.knownMonotone(k), Optional: b.optionalKnown(i)})
	}
	b.colDiscount = len(b.features)
	for _, lv := range b.levers {
		if lv.IsPrice() {
			b.add(model.Feature{Name: lv.Name + "_discount", Monotone: +1})
		}
	}
	b.colRelHist = len(b.features)
	for _, lv := range b.levers {
		if lv.IsPrice() {
			b.add(model.Feature{Name: lv.Name + "_rel_history", Monotone: -1})
		}
	}
	b.colRelCross = -1
	if lv, ok := b.sellingPrice(); ok && len(b.crossKnown) > 0 {
		b.colRelCross = len(b.features)
		b.add(model.Feature{Name: lv.Name + "_rel_cross", Monotone: -1, Optional: true})
	}
	b.colPromo = len(b.features)
	b.add(model.Feature{Name: "promo", Monotone: +1})
	for _, n := range []string{"promo_prev", "since_promo", "promo_freq", "promo_next"} {
		b.add(model.Feature{Name: n})
	}
	b.colGroup = len(b.features)
	if b.group >= 0 {
		b.add(model.Feature{Name: "group_promo_share"})
		b.add(model.Feature{Name: "group_discount"})
	}
	b.colCalendar = len(b.features)
	switch b.p.Spec.Time.Frequency {
	case spec.Day:
		b.add(model.Feature{Name: "day_of_week", Categorical: true, Levels: 7})
		b.add(model.Feature{Name: "day_of_month"})
		b.add(model.Feature{Name: "month", Categorical: true, Levels: 12})
		b.add(model.Feature{Name: "day_of_year"})
	case spec.Week:
		b.add(model.Feature{Name: "week_of_year"})
		b.add(model.Feature{Name: "month", Categorical: true, Levels: 12})
	case spec.Month:
		b.add(model.Feature{Name: "month", Categorical: true, Levels: 12})
	case spec.Period:
		if season > 1 {
			b.add(model.Feature{Name: "season_position"})
		}
	}
	b.nCalendar = len(b.features) - b.colCalendar
	b.colEvents = len(b.features)
	if b.events != nil {
		for _, n := range b.events.Names() {
			b.add(model.Feature{Name: n})
		}
		b.nEvents = len(b.events.Names())
	}
	b.colStatic = len(b.features)
	for i, n := range b.p.Spec.Static {
		if lv := b.p.Levels[i]; lv != nil {
			b.add(model.Feature{Name: n, Categorical: true, Levels: max(len(lv), 1)})
		} else {
			b.add(model.Feature{Name: n})
		}
	}
	b.colOwn = -1
	if b.cfg.OwnPrice != nil {
		b.colOwn = len(b.features)
		for _, name := range OwnPriceFeatures {
			b.add(model.Feature{Name: name})
		}
	}
}

// knownMonotone constrains promotion levers: a flag that is on, or a lower
// price, never lowers the forecast of the promoted series.
func (b *Builder) knownMonotone(name string) int {
	for _, lv := range b.levers {
		if lv.Name != name {
			continue
		}
		if lv.IsPrice() {
			return -1
		}
		return +1
	}
	return 0
}

// optionalKnown reports whether known covariate k is optional
// (model.Feature.Optional): neither a promotion lever nor a lever's off
// price, so that nothing but the data says what it does.
func (b *Builder) optionalKnown(k int) bool {
	for _, lv := range b.levers {
		if lv.known == k || lv.offKnown == k {
			return false
		}
	}
	return true
}

func (b *Builder) midWindow() int  { return b.cfg.Windows[len(b.cfg.Windows)/2] }
func (b *Builder) longWindow() int { return b.cfg.Windows[len(b.cfg.Windows)-1] }

// Prepare recomputes the per-series and per-group caches from the panel.
func (b *Builder) Prepare() {
	b.series = make([]seriesState, len(b.p.Series))
	b.dirty = map[int]int{}
	masks := b.masks()
	for si := range b.p.Series {
		b.series[si].masked = masks[b.p.Series[si].ID]
		b.series[si].own = b.ownColumn(b.p.Series[si].Key)
		b.prepareSeries(si, 0)
	}
	b.prepareGroups()
}

// ownColumn returns the known index of the own price column of a series
// with key values key (Config.OwnPrice), -1 for none.
func (b *Builder) ownColumn(key []string) int {
	c := b.cfg.OwnPrice.Of(key)
	if c == "" {
		return -1
	}
	return slices.Index(b.p.Spec.Known, c)
}

// masks returns, per series ID, which known covariates it reads as
// missing (Config.Restated).
func (b *Builder) masks() map[string][]bool {
	if len(b.cfg.Restated) == 0 {
		return nil
	}
	out := map[string][]bool{}
	for k, name := range b.p.Spec.Known {
		for _, id := range b.cfg.Restated[name] {
			if out[id] == nil {
				out[id] = make([]bool, len(b.p.Spec.Known))
			}
			out[id][k] = true
		}
	}
	return out
}

// Derive returns a builder for panel p, whose series k continues series
// from[k] of b's panel: the same history, possibly extended by a plan. It
// copies b's caches for the shared history and computes only the
// extension, so deriving a builder for a few series of a large panel is
// cheap. p must share b's spec, grid and levels.
func (b *Builder) Derive(p *panel.Panel, from []int) (*Builder, error) {
	if len(from) != len(p.Series) {
		return nil, fmt.Errorf("derive: %d series mapped for a panel of %d", len(from), len(p.Series))
	}
	d := *b
	d.p = p
	d.series = make([]seriesState, len(p.Series))
	d.dirty = map[int]int{}
	for k, si := range from {
		src, dst := &b.series[si], &d.series[k]
		old, s := b.p.Series[si], p.Series[k]
		if s.ID != old.ID || s.Start != old.Start || len(s.Y) < len(old.Y) {
			return nil, fmt.Errorf("derive: series %q does not continue series %q", s.ID, old.ID)
		}
		n := len(s.Y)
		dst.sum = append(make([]float64, 0, n+1), src.sum...)
		dst.sumsq = append(make([]float64, 0, n+1), src.sumsq...)
		dst.cnt = append(make([]float64, 0, n+1), src.cnt...)
		dst.discount = append(make([]float64, 0, n), src.discount...)
		dst.active = append(make([]bool, 0, n), src.active...)
		dst.masked, dst.own = src.masked, src.own
		d.prepareSeries(k, len(old.Y))
	}
	d.groupFrom = b.p.Last + 1
	d.prepareGroups()
	return &d, nil
}

// Refresh brings the caches up to date after LimitLevers, recomputing
// only the changed series from their first changed period.
func (b *Builder) Refresh() {
	for si, from := range b.dirty {
		b.prepareSeries(si, from)
	}
	b.dirty = map[int]int{}
	b.prepareGroups()
}

// prepareSeries recomputes series si's prefix sums and promotion state from
// index from on; the entries before from must be current.
func (b *Builder) prepareSeries(si, from int) {
	s, st := b.p.Series[si], &b.series[si]
	n := len(s.Y)
	if from == 0 {
		st.sum, st.sumsq, st.cnt = st.sum[:0], st.sumsq[:0], st.cnt[:0]
		st.sum, st.sumsq, st.cnt = append(st.sum, 0), append(st.sumsq, 0), append(st.cnt, 0)
	}
	st.sum, st.sumsq, st.cnt = st.sum[:from+1], st.sumsq[:from+1], st.cnt[:from+1]
	st.discount, st.active = st.discount[:from], st.active[:from]
	for i := from; i < n; i++ {
		sum, sumsq, cnt := st.sum[i], st.sumsq[i], st.cnt[i]
		if y := s.Y[i]; !math.IsNaN(y) {
			sum, sumsq, cnt = sum+y, sumsq+y*y, cnt+1
		}
		st.sum, st.sumsq, st.cnt = append(st.sum, sum), append(st.sumsq, sumsq), append(st.cnt, cnt)
		d, a := b.promotion(&view{s: s, st: st, i: i})
		st.discount, st.active = append(st.discount, d), append(st.active, a)
	}
}

// prepareGroups rebuilds the per-group peer statistics from the series'
// promotion state.
func (b *Builder) prepareGroups() {
	b.groups = map[int]*groupState{}
	if b.group < 0 {
		return
	}
	lo, hi := math.MaxInt, math.MinInt
	for _, s := range b.p.Series {
		lo, hi = min(lo, s.Start), max(hi, s.End())
	}
	lo = max(lo, b.groupFrom)
	if hi < lo {
		return
	}
	for si, s := range b.p.Series {
		if math.IsNaN(s.Static[b.group]) {
			continue
		}
		st := &b.series[si]
		g := int(s.Static[b.group])
		gs := b.groups[g]
		if gs == nil {
			gs = &groupState{first: lo, count: make([]float64, hi-lo+1), active: make([]float64, hi-lo+1), discSum: make([]float64, hi-lo+1)}
			b.groups[g] = gs
		}
		for i := max(0, lo-s.Start); i < len(s.Y); i++ {
			if !b.present(s, i) {
				continue
			}
			j := s.Start + i - gs.first
			gs.count[j]++
			gs.discSum[j] += st.discount[i]
			if st.active[i] {
				gs.active[j]++
			}
		}
	}
}

// present reports whether series s has known covariates at index i (a
// history row or a plan row).
func (b *Builder) present(s *panel.Series, i int) bool {
	return s.Row[i] >= 0
}

// off returns lever lv's off value at the view's index: the constant, the
// off column's value, or the trailing maximum over the window.
func (b *Builder) off(lv lever, v *view) float64 {
	switch lv.Kind {
	case spec.OffColumn:
		return v.known(lv.offKnown, v.i)
	case spec.OffInfer:
		m := math.NaN()
		for j := max(0, v.i-lv.Window+1); j <= v.i; j++ {
			if x := v.known(lv.known, j); !math.IsNaN(x) && !(x <= m) {
				m = x
			}
		}
		return m
	}
	return lv.Number
}

// Off returns the off value of the lever called name for series si at
// period t: its constant, its off column's value, or for `off: infer` the
// trailing maximum over its window. NaN outside the series or for a name
// that is not a lever.
func (b *Builder) Off(name string, si, t int) float64 {
	s := b.p.Series[si]
	i := s.At(t)
	if i < 0 {
		return math.NaN()
	}
	for _, lv := range b.levers {
		if lv.Name == name {
			return b.off(lv, &view{s: s, st: &b.series[si], i: i})
		}
	}
	return math.NaN()
}

// promotion returns the deepest price discount and whether any lever is
// promoted at the view's index.
func (b *Builder) promotion(v *view) (discount float64, active bool) {
	for _, lv := range b.levers {
		x := v.known(lv.known, v.i)
		if math.IsNaN(x) {
			continue
		}
		off := b.off(lv, v)
		if lv.IsPrice() {
			if d := depth(x, off); d > discount {
				discount = d
			}
			continue
		}
		if !math.IsNaN(off) && x != off {
			active = true
		}
	}
	return discount, active || discount >= b.cfg.PromoThreshold
}

// depth is the discount 1 - price/off, 0 when either is missing or off ≤ 0,
// clamped to [-1, 1].
func depth(price, off float64) float64 {
	if math.IsNaN(price) || math.IsNaN(off) || off <= 0 {
		return 0
	}
	return math.Max(-1, math.Min(1, 1-price/off))
}

// Promoted reports whether any lever of series si is promoted at period t.
func (b *Builder) Promoted(si, t int) bool {
	i := b.p.Series[si].At(t)
	return i >= 0 && b.series[si].active[i]
}

// Discount returns the deepest price discount of series si at period t
// (0 outside the series or without a price lever).
func (b *Builder) Discount(si, t int) float64 {
	i := b.p.Series[si].At(t)
	if i < 0 {
		return 0
	}
	return b.series[si].discount[i]
}

// SetLeversOff sets every promotion lever of series si at period t to its
// off value, in the panel's known covariates: the baseline scenario. Call
// Refresh after the last change.
func (b *Builder) SetLeversOff(si, t int) {
	b.LimitLevers(si, t, leverOff)
}

// Limit gives the value a lever called name may take in a changed
// scenario, from its planned value and its off value (never NaN: a lever
// without an off value is left as it is).
type Limit func(name string, value, off float64) float64

// leverOff is the Limit of the baseline scenario: every lever off.
func leverOff(_ string, _, off float64) float64 { return off }

// LimitLevers sets every promotion lever of series si at period t to
// limit(name, value, off) in the panel's known covariates, as a scenario
// that keeps a plan within what a series had does. Call Refresh after the
// last change.
func (b *Builder) LimitLevers(si, t int, limit Limit) {
	s := b.p.Series[si]
	i := s.At(t)
	if i < 0 {
		return
	}
	offs := make([]float64, len(b.levers))
	v := view{s: s, st: &b.series[si], i: i}
	for k, lv := range b.levers {
		offs[k] = b.off(lv, &v)
	}
	for k, lv := range b.levers {
		if !math.IsNaN(offs[k]) {
			col := s.Known[lv.known]
			col[i] = limit(lv.Name, col[i], offs[k])
		}
	}
	if from, ok := b.dirty[si]; !ok || i < from {
		b.dirty[si] = i
	}
}

// Row writes the features of series si at period t, read from lag MinLag,
// into out (len(Features()) values) and returns the scale that divides the
// target. ok is false when the series has no observed target at or before
// t-MinLag, so no scale.
func (b *Builder) Row(si, t int, out []float64) (scale float64, ok bool) {
	return b.RefRow(Ref{Series: si, Period: t}, out)
}

// RefRow is Row for a row that reads its targets from its own lag
// (Ref.Lag): none after period ref.Period − lag.
func (b *Builder) RefRow(ref Ref, out []float64) (scale float64, ok bool) {
	s := b.p.Series[ref.Series]
	v := view{s: s, st: &b.series[ref.Series], i: ref.Period - s.Start}
	return b.row(&v, ref.Period, b.lag(ref.Lag), b.peers(ref.Series, v.i), out)
}

// lag returns the lag a row asking for lag reads: MinLag when it asks for
// none (0) or the builder has no step lags, else lag within
// FirstLag..MinLag.
func (b *Builder) lag(lag int) int {
	if lag == 0 || !b.cfg.StepLags() {
		return b.cfg.MinLag
	}
	return min(max(lag, b.cfg.FirstLag), b.cfg.MinLag)
}

// row writes the features of the view's row, at period t, reading targets
// from lag L, with its group's totals pe, into out (see Row).
func (b *Builder) row(v *view, t, L int, pe peers, out []float64) (scale float64, ok bool) {
	s, st, i := v.s, v.st, v.i
	cut := min(i-L, v.len()-1) // last index a target feature may read
	if cut < 0 || st.prefix(st.cnt, cut+1) == 0 {
		return 0, false
	}
	long := b.longWindow()
	level := b.windowMean(s, st, cut, long)
	if math.IsNaN(level) {
		level = st.prefix(st.sum, cut+1) / st.prefix(st.cnt, cut+1)
	}
	scale = 1 + level
	for k := 0; k < b.nLags; k++ {
		out[b.colLag+k] = b.y(s, b.back(s, i-L, k)) / scale
	}
	if b.colSeason >= 0 {
		out[b.colSeason] = b.y(s, i-b.seasonLag) / scale
	}
	if b.colYear >= 0 {
		out[b.colYear] = b.y(s, i-b.yearLag) / scale
	}
	for k, w := range b.cfg.Windows {
		out[b.colMean+k] = b.windowMean(s, st, cut, w) / scale
	}
	out[b.colStd] = b.windowStd(s, st, cut, b.midWindow()) / scale
	out[b.colLevel] = math.Log1p(level)
	if b.colLead >= 0 {
		out[b.colLead] = float64(L)
	}
	if b.colOrigin >= 0 {
		out[b.colOrigin] = float64(sinceActive(v, cut, 2*long))
	}

	for k := range b.p.Spec.Known {
		out[b.colKnown+k] = v.known(k, i)
	}
	d, r := b.colDiscount, b.colRelHist
	for _, lv := range b.levers {
		if !lv.IsPrice() {
			continue
		}
		x := v.known(lv.known, i)
		out[d] = depth(x, b.off(lv, v))
		out[r] = x / b.knownMean(v, lv.known, i-long, i-1)
		d, r = d+1, r+1
	}
	if b.colRelCross >= 0 {
		lv, _ := b.sellingPrice()
		out[b.colRelCross] = relCross(v.known(lv.known, i), v, b.crossKnown)
	}
	b.promoFeatures(v, out[b.colPromo:])
	if b.group >= 0 {
		groupFeatures(v, pe, out[b.colGroup:])
	}
	b.calendarFeatures(t, out[b.colCalendar:])
	if b.events != nil {
		first, last, _ := b.p.Grid.Days(t)
		b.events.Features(first, last, out[b.colEvents:b.colEvents+b.nEvents])
	}
	copy(out[b.colStatic:], s.Static)
	if b.colOwn >= 0 {
		b.ownPrice(v, out[b.colOwn:b.colOwn+2])
	}
	return scale, true
}

// y returns the target at index i, NaN outside the series.
func (b *Builder) y(s *panel.Series, i int) float64 {
	if i < 0 || i >= len(s.Y) {
		return math.NaN()
	}
	return s.Y[i]
}

// back returns series s's index k periods before index j, not counting
// the outages (Config.Outages): from the latest period at or before j
// that is not an outage.
func (b *Builder) back(s *panel.Series, j, k int) int {
	if b.outages == nil || b.outagesBefore(s.Start+j+1) == b.outagesBefore(s.Start+j-k) {
		return j - k // no outage in the way
	}
	for b.isOutage(s.Start + j) {
		j--
	}
	for ; k > 0; k-- {
		j--
		for b.isOutage(s.Start + j) {
			j--
		}
	}
	return j
}

// isOutage reports whether period t is one of Config.Outages.
func (b *Builder) isOutage(t int) bool {
	return b.outagesBefore(t+1) > b.outagesBefore(t)
}

// outagesBefore counts the outages before period t.
func (b *Builder) outagesBefore(t int) int {
	return b.outages[min(max(t-b.outFirst, 0), len(b.outages)-1)]
}

// windowStart is the first index of the window of w periods ending at
// cut, outages not counted.
func (b *Builder) windowStart(s *panel.Series, cut, w int) int {
	return max(0, b.back(s, cut, w-1))
}

// windowMean is the mean of observed targets over indexes
// windowStart..cut (the outages in it hold none); NaN when none is
// observed.
func (b *Builder) windowMean(s *panel.Series, st *seriesState, cut, w int) float64 {
	lo := b.windowStart(s, cut, w)
	n := st.prefix(st.cnt, cut+1) - st.prefix(st.cnt, lo)
	if n == 0 {
		return math.NaN()
	}
	return (st.prefix(st.sum, cut+1) - st.prefix(st.sum, lo)) / n
}

// windowStd is the population standard deviation over the same window.
func (b *Builder) windowStd(s *panel.Series, st *seriesState, cut, w int) float64 {
	lo := b.windowStart(s, cut, w)
	n := st.prefix(st.cnt, cut+1) - st.prefix(st.cnt, lo)
	if n < 2 {
		return math.NaN()
	}
	m := (st.prefix(st.sum, cut+1) - st.prefix(st.sum, lo)) / n
	v := (st.prefix(st.sumsq, cut+1)-st.prefix(st.sumsq, lo))/n - m*m
	return math.Sqrt(math.Max(v, 0))
}

// Outages returns the periods between the panel's first and last in
// which no series has an observed target (see Config.Outages).
func Outages(p *panel.Panel) []int {
	if p.Last < p.First {
		return nil
	}
	seen := make([]bool, p.Last-p.First+1)
	for _, s := range p.Series {
		for i, y := range s.Y {
			if y == y && s.Start+i <= p.Last {
				seen[s.Start+i-p.First] = true
			}
		}
	}
	var out []int
	for k, ok := range seen {
		if !ok {
			out = append(out, p.First+k)
		}
	}
	return out
}

// knownMean is the mean of a known covariate over indexes lo..hi, ignoring
// gaps; NaN when none is present.
func (b *Builder) knownMean(v *view, k, lo, hi int) float64 {
	sum, n := 0.0, 0
	for j := max(lo, 0); j <= hi && j < v.len(); j++ {
		if x := v.known(k, j); !math.IsNaN(x) {
			sum += x
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

// sinceActive returns how many periods before index from the series was
// last promoted, 0 when it was at from, looking back fewer than n periods;
// n when it was not.
func sinceActive(v *view, from, n int) int {
	for j := from; j >= 0 && from-j < n; j-- {
		if v.active(j) {
			return from - j
		}
	}
	return n
}

func (b *Builder) promoFeatures(v *view, out []float64) {
	i := v.i
	out[0] = boolf(v.active(i))
	out[1] = math.NaN()
	if i > 0 {
		out[1] = boolf(v.active(i - 1))
	}
	out[2] = float64(1 + sinceActive(v, i-1, 2*b.longWindow()-1))
	w, n, on := b.midWindow(), 0, 0
	for j := max(0, i-w); j < i; j++ {
		if v.present(j) {
			n++
			if v.active(j) {
				on++
			}
		}
	}
	out[3] = math.NaN()
	if n > 0 {
		out[3] = float64(on) / float64(n)
	}
	// The next period's levers are known covariates too: shoppers who know
	// a promotion is coming wait for it.
	out[4] = math.NaN()
	if i+1 < v.len() && v.present(i+1) {
		out[4] = boolf(v.active(i + 1))
	}
}

// Column groups of the features a promotion changes, for decomposing an
// uplift: Own are the series' levers at t (their values, discounts, price
// relative to history, the promo flag), History its earlier promotions,
// Next its promotion in the following period, Peers the promotions of other
// series in its group. Every other feature is the same with levers on or off.
type Groups struct {
	Own, History, Next, Peers []int
}

// Groups returns the column groups of the builder's features.
func (b *Builder) Groups() Groups {
	var g Groups
	for k, name := range b.p.Spec.Known {
		for _, lv := range b.levers {
			if lv.Name == name {
				g.Own = append(g.Own, b.colKnown+k)
			}
		}
	}
	for c := b.colDiscount; c < b.colPromo; c++ {
		g.Own = append(g.Own, c)
	}
	g.Own = append(g.Own, b.colPromo)
	g.History = []int{b.colPromo + 1, b.colPromo + 2, b.colPromo + 3}
	g.Next = []int{b.colPromo + 4}
	for c := b.colGroup; c < b.colCalendar; c++ {
		g.Peers = append(g.Peers, c)
	}
	return g
}

// peers are a group's totals at one period: the series present there,
// those promoted, and their discounts summed in series order. ok is false
// where the builder keeps no totals (the group features are NaN).
type peers struct {
	count, active, disc float64
	ok                  bool
}

// add counts one series' row in the totals.
func (pe *peers) add(discount float64, active bool) {
	pe.count++
	pe.disc += discount
	if active {
		pe.active++
	}
}

// peers returns the totals of series si's group at index i.
func (b *Builder) peers(si, i int) peers {
	s := b.p.Series[si]
	if b.group < 0 || math.IsNaN(s.Static[b.group]) {
		return peers{}
	}
	gs := b.groups[int(s.Static[b.group])]
	if gs == nil || s.Start+i < gs.first {
		return peers{} // a derived builder keeps peers only for the plan's periods
	}
	j := s.Start + i - gs.first
	return peers{count: gs.count[j], active: gs.active[j], disc: gs.discSum[j], ok: true}
}

// groupFeatures writes the share of promoted peers and their mean discount,
// excluding the series itself, from its group's totals pe.
func groupFeatures(v *view, pe peers, out []float64) {
	out[0], out[1] = math.NaN(), math.NaN()
	if !pe.ok {
		return
	}
	count, active, disc := pe.count, pe.active, pe.disc
	if v.present(v.i) {
		count--
		active -= boolf(v.active(v.i))
		disc -= v.discount(v.i)
	}
	if count > 0 {
		out[0], out[1] = active/count, disc/count
	}
}

func (b *Builder) calendarFeatures(t int, out []float64) {
	first, _, ok := b.p.Grid.Days(t)
	if !ok {
		if b.nCalendar > 0 { // plain periods with a season
			season := b.p.Spec.Season()
			out[0] = float64(((t % season) + season) % season)
		}
		return
	}
	d := time.Unix(int64(first)*86400, 0).UTC()
	switch b.p.Spec.Time.Frequency {
	case spec.Day:
		out[0] = float64(d.Weekday())
		out[1] = float64(d.Day())
		out[2] = float64(d.Month() - 1)
		out[3] = float64(d.YearDay())
	case spec.Week:
		_, w := d.ISOWeek()
		out[0] = float64(w)
		out[1] = float64(d.Month() - 1)
	case spec.Month:
		out[0] = float64(d.Month() - 1)
	}
}

var nan = math.NaN()

func boolf(v bool) float64 {
	if v {
		return 1
	}
	return 0
}
