package forecast

import (
	"fmt"
	"math"
	"slices"

	"promocast/calendar"
	"promocast/data"
	"promocast/feature"
	"promocast/interval"
	"promocast/model"
	"promocast/panel"
	"promocast/spec"
)

// Fit trains a predictor on a dataset. Packages linear, gbdt and naive
// provide them; ensemble.New maps model names to Fits.
type Fit func(train *model.Dataset) (model.Predictor, error)

// Model is a trained forecaster: everything needed to rebuild features for
// new periods and predict them. Model files (package modelfile) store it.
type Model struct {
	// Kind names the learner, e.g. "gbdt" or "ridge".
	Kind string `json:"kind"`
	// Spec is the dataset spec the model was trained with.
	Spec spec.Spec `json:"spec"`
	// Grid fixes the period grid so plans line up with the history.
	Grid panel.Grid `json:"grid"`
	// Levels are the static attributes' level codes.
	Levels [][]string `json:"levels"`
	// Events are the user's events, kept so forecasts see the same calendar.
	Events []calendar.Event `json:"events,omitempty"`
	// BuiltinEvents names the built-in events the model uses: those that
	// fall inside the training history. Absent (nil) in older model files,
	// which use the six events built in then (firstBuiltin).
	BuiltinEvents []string `json:"builtin_events"`
	// NoEventDistance leaves the events' days_to_ features out: models
	// trained on weeks or months since model file version 3. False in
	// older files, whose events give all four features on every grid.
	NoEventDistance bool `json:"no_event_distance,omitempty"`
	// Config is the feature configuration, defaults filled in.
	Config feature.Config `json:"feature_config"`
	// Features describes the learner's input columns.
	Features []model.Feature `json:"features"`
	// Horizon and Gap are the forecast horizon and gap the model serves:
	// it forecasts periods origin+Gap+1 .. origin+Gap+Horizon.
	Horizon int `json:"horizon"`
	Gap     int `json:"gap"`
	// TrainFirst and TrainLast label the training window's periods.
	TrainFirst string `json:"train_first"`
	TrainLast  string `json:"train_last"`
	// Rows and Series count the training rows and series.
	Rows   int `json:"rows"`
	Series int `json:"series"`
	// Sample records how the training series were sampled from a larger
	// history; nil when the model was trained on every series.
	Sample *Sample `json:"sample,omitempty"`
	// Ranges record the training history's promotions for guard rails.
	Ranges *Ranges `json:"ranges,omitempty"`
	// Effects is the identified promotion-effect model the baseline and
	// uplift use (see Effects); nil in models trained without one, whose
	// uplift is the predictor's plan minus its baseline rows.
	Effects *Effects `json:"effects,omitempty"`
	// Calibration turns point forecasts into quantiles; nil when the model
	// was trained without calibration folds.
	Calibration *interval.Calibration `json:"calibration,omitempty"`
	// Predictor is the learned model; it is stored beside these fields.
	Predictor model.Predictor `json:"-"`
}

// Sample is a deterministic stratified sample of series: within each level
// of the Strata attribute, the round(Fraction × n) series (at least one)
// whose keys hash lowest under the Seed (FNV-1a, 64 bits, of the seed's 8
// bytes, little-endian, then the key values joined by "|").
type Sample struct {
	Strata   string  `json:"strata"`
	Fraction float64 `json:"fraction"`
	Seed     uint64  `json:"seed"`
	// Series is the number of series sampled, Of the number in the history.
	Series int `json:"series"`
	Of     int `json:"of"`
}

// TrainOptions say what to train.
type TrainOptions struct {
	Kind    string
	Horizon int // periods forecast after the gap, ≥ 1
	Gap     int // periods skipped between the origin and the first forecast, ≥ 0
	// Config tunes the features; MinLag is set from Horizon and Gap.
	Config feature.Config
	// Events are user events added to the calendar.
	Events []calendar.Event
	// ChooseUntil is the last period whose targets the choices made from
	// the data itself (the season of plain periods, the built-in events
	// that fall inside the history and move its sales) may read: a backtest
	// passes its first origin so that no fold's choice sees its future.
	// Zero means the panel's last period.
	ChooseUntil int
	// NoEventScreen keeps every built-in event that falls inside the
	// history instead of only those whose days move its sales
	// (builtinThatMove): models trained on parts of one panel, each of
	// which sees only its part's sales, so read the same events.
	NoEventScreen bool
}

func (o TrainOptions) check() error {
	if o.Horizon < 1 {
		return fmt.Errorf("horizon is %d: expected at least 1 period", o.Horizon)
	}
	if o.Gap < 0 {
		return fmt.Errorf("gap is %d: expected 0 or more periods", o.Gap)
	}
	return nil
}

// Prepared is a panel with its feature builder and the feature matrix of
// every observed row: what training and backtesting share.
type Prepared struct {
	Panel   *panel.Panel
	Builder *feature.Builder
	Refs    []feature.Ref
	Scales  []float64
	Events  []calendar.Event
	// Builtin names the built-in events in use (Model.BuiltinEvents).
	Builtin []string
	// NoEventDistance is Model.NoEventDistance.
	NoEventDistance bool

	// x holds the features of every row of Refs, the training rows (those
	// with a positive scale) first, in Dataset's order, then the others:
	// every Dataset is a prefix of x, so the backtest's folds and
	// candidates share one matrix instead of each copying the rows it
	// trains on. order[i] is the index in Refs of x's row i, at its
	// inverse; the first train rows of x are training rows.
	x         *data.Matrix
	order, at []int
	train     int
}

// Row returns the features of Refs[r]. The caller must not modify them.
func (pr *Prepared) Row(r int) []float64 { return pr.x.Row(pr.at[r]) }

// Size returns the number of rows (those of Refs) and of features.
func (pr *Prepared) Size() (rows, cols int) { return pr.x.Rows, pr.x.Cols }

// Prepare builds the features of every observed row of the panel for a
// model with the options' horizon and gap.
func Prepare(p *panel.Panel, opt TrainOptions) (*Prepared, error) {
	if err := opt.check(); err != nil {
		return nil, err
	}
	if p.Grid.Frequency == spec.Period && p.Spec.Time.Season == 0 {
		until := opt.ChooseUntil
		if until == 0 {
			until = p.Last
		}
		p.Spec.Time.Season = panel.DetectSeason(p, until)
	}
	cfg := opt.Config
	cfg.MinLag, cfg.FirstLag, cfg.OriginPromo = opt.Horizon+opt.Gap, opt.Gap+1, true
	if cfg.Outages == nil {
		cfg.Outages = feature.Outages(p)
	}
	if cfg.CrossPrices == nil {
		cfg.CrossPrices = feature.DetectCrossPrices(p)
	}
	if cfg.Restated == nil {
		cfg.Restated = feature.DetectRestated(p)
	}
	if cfg.OwnPrice == nil {
		cfg.OwnPrice = feature.DetectOwnPrice(p)
	}
	b, err := feature.New(p, cfg, nil)
	if err != nil {
		return nil, err
	}
	var keep []string
	if first, _, ok := p.Grid.Days(p.First); ok {
		until := opt.ChooseUntil
		if until == 0 {
			until = p.Last
		}
		_, last, _ := p.Grid.Days(until)
		keep = builtinWithin(first, last)
		if !opt.NoEventScreen && p.Spec.Calendar != "none" {
			keep = builtinThatMove(p, until, keep, b.Promoted)
		}
	}
	distance := eventDistance(p.Grid.Frequency)
	cal, err := newCalendar(p.Spec.Calendar != "none", keep, opt.Events, distance)
	if err != nil {
		return nil, err
	}
	if p.Grid.Frequency != spec.Period && len(cal.FeatureNames()) > 0 {
		b = b.WithEvents(calendarEvents{cal})
	}
	refs := feature.Observed(p)
	for i, r := range refs {
		refs[i].Lag = b.TrainingLag(r.Series, r.Period)
	}
	X, scales := b.Matrix(refs)
	pr := &Prepared{Panel: p, Builder: b, Refs: refs, x: X, Scales: scales, Events: opt.Events, Builtin: keep, NoEventDistance: !distance}
	pr.orderInTime()
	return pr, nil
}

// Dataset returns the training set of the rows whose period is at most
// until and whose series has history: features, target y/scale and weight
// scale (so that the loss weighs series by their size, as WAPE does). Rows
// are in time order, oldest first (series by series within a period), so
// learners that hold out the last rows for early stopping hold out the
// most recent periods.
func (pr *Prepared) Dataset(until int) *model.Dataset {
	n, _ := slices.BinarySearchFunc(pr.order[:pr.train], until, func(r, until int) int {
		if pr.Refs[r].Period <= until {
			return -1
		}
		return 1
	})
	cols := pr.x.Cols
	// The features are a view of the shared matrix: learners read a
	// dataset's X and never write it.
	ds := &model.Dataset{X: &data.Matrix{Rows: n, Cols: cols, Values: pr.x.Values[: n*cols : n*cols]}, Y: make([]float64, n),
		W: make([]float64, n), Features: pr.Builder.Features()}
	for i, r := range pr.order[:n] {
		ref := pr.Refs[r]
		s := pr.Panel.Series[ref.Series]
		ds.Y[i] = s.Y[ref.Period-s.Start] / pr.Scales[r]
		ds.W[i] = pr.Scales[r]
	}
	return ds
}

// orderInTime puts x's rows in their order (see Prepared.x): the rows with
// a positive scale by period, Refs' order within a period, by counting the
// rows of each period (periods are a short run of integers), then the
// others in Refs' order. It moves the rows in place, one cycle of the
// permutation at a time, so that no second matrix is held.
func (pr *Prepared) orderInTime() {
	first, last := math.MaxInt, math.MinInt
	for r, ref := range pr.Refs {
		if pr.Scales[r] > 0 {
			first, last = min(first, ref.Period), max(last, ref.Period)
		}
	}
	pr.order = make([]int, 0, len(pr.Refs))
	if first != math.MaxInt {
		next := make([]int, last-first+2)
		for r, ref := range pr.Refs {
			if pr.Scales[r] > 0 {
				next[ref.Period-first+1]++
			}
		}
		for p := 1; p < len(next); p++ {
			next[p] += next[p-1]
		}
		pr.train = next[len(next)-1]
		pr.order = pr.order[:pr.train]
		for r, ref := range pr.Refs {
			if pr.Scales[r] > 0 {
				pr.order[next[ref.Period-first]] = r
				next[ref.Period-first]++
			}
		}
	}
	for r := range pr.Refs {
		if !(pr.Scales[r] > 0) {
			pr.order = append(pr.order, r)
		}
	}
	pr.at = make([]int, len(pr.order))
	for i, r := range pr.order {
		pr.at[r] = i
	}
	// Row i takes row order[i]: follow each cycle from its first row,
	// keeping that row aside until the cycle comes back to it.
	done := make([]bool, len(pr.order))
	held := make([]float64, pr.x.Cols)
	for i := range pr.order {
		if done[i] || pr.order[i] == i {
			continue
		}
		copy(held, pr.x.Row(i))
		j := i
		for pr.order[j] != i {
			copy(pr.x.Row(j), pr.x.Row(pr.order[j]))
			done[j] = true
			j = pr.order[j]
		}
		copy(pr.x.Row(j), held)
		done[j] = true
	}
}

// AtOrigin returns the observed rows whose period is in [from, to] as a
// forecast made at origin sees them, in Refs' order: each reading its
// targets from its distance to the origin (feature.Builder.LagFrom), none
// after the origin, with its features and scale; rows whose series has no
// target that early are left out. A training row of Refs reads from its
// own lag (TrainingLag), which may lie after a fold's origin, so a
// backtest scores these rows instead.
func (pr *Prepared) AtOrigin(origin, from, to int) (refs []feature.Ref, X *data.Matrix, scales []float64) {
	var rows []int
	for r, ref := range pr.Refs {
		if ref.Period >= from && ref.Period <= to {
			rows = append(rows, r)
			ref.Lag = pr.Builder.LagFrom(origin, ref.Period)
			refs = append(refs, ref)
		}
	}
	if pr.Builder.Config().StepLags() {
		X, scales = pr.Builder.Matrix(refs)
	} else {
		X, scales = data.NewMatrix(len(rows), pr.x.Cols), make([]float64, len(rows))
		for i, r := range rows {
			copy(X.Row(i), pr.Row(r))
			scales[i] = pr.Scales[r]
		}
	}
	keep := 0
	for i := range refs {
		if scales[i] > 0 {
			copy(X.Row(keep), X.Row(i))
			refs[keep], scales[keep] = refs[i], scales[i]
			keep++
		}
	}
	return refs[:keep], &data.Matrix{Rows: keep, Cols: X.Cols, Values: X.Values[:keep*X.Cols]}, scales[:keep]
}

// Train fits a model on the prepared rows with period ≤ until.
func (pr *Prepared) Train(opt TrainOptions, until int, fit Fit) (*Model, error) {
	ds := pr.Dataset(until)
	if ds.X.Rows == 0 {
		return nil, fmt.Errorf("no training rows up to %s: every series needs at least %d periods of history before it",
			pr.Panel.Grid.Label(until), opt.Horizon+opt.Gap)
	}
	pred, err := fit(ds)
	if err != nil {
		return nil, fmt.Errorf("train %s: %w", opt.Kind, err)
	}
	first := math.MaxInt
	series := map[int]bool{}
	for r, ref := range pr.Refs {
		if ref.Period <= until && pr.Scales[r] > 0 {
			first = min(first, ref.Period)
			series[ref.Series] = true
		}
	}
	return &Model{
		Kind: opt.Kind, Spec: *pr.Panel.Spec, Grid: pr.Panel.Grid, Levels: pr.Panel.Levels,
		Events: pr.Events, BuiltinEvents: pr.Builtin, NoEventDistance: pr.NoEventDistance, Config: pr.Builder.Config(), Features: pr.Builder.Features(),
		Horizon: opt.Horizon, Gap: opt.Gap,
		TrainFirst: pr.Panel.Grid.Label(first), TrainLast: pr.Panel.Grid.Label(min(until, pr.Panel.Last)),
		Rows: ds.X.Rows, Series: len(series), Predictor: pred,
		Ranges: ranges(pr.Panel, pr.Builder, until, ds),
	}, nil
}

// Predict returns forecasts in target units for rows of the prepared
// matrix: the predictor's output times each row's scale, never negative.
func Predict(pred model.Predictor, X *data.Matrix, scales []float64) ([]float64, error) {
	out := make([]float64, X.Rows)
	if err := pred.Predict(X, out); err != nil {
		return nil, err
	}
	for i := range out {
		out[i] = math.Max(0, out[i]*scales[i])
	}
	return out, nil
}
