package forecast

import (
	"fmt"
	"math"

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
	// that fall inside the history) may read: a backtest
	// passes its first origin so that no fold's choice sees its future.
	// Zero means the panel's last period.
	ChooseUntil int
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
	X       *data.Matrix
	Scales  []float64
	Events  []calendar.Event
	// Builtin names the built-in events in use (Model.BuiltinEvents).
	Builtin []string
	// NoEventDistance is Model.NoEventDistance.
	NoEventDistance bool
}

// Prepare builds the features of every observed row of the panel for a
// model with the options' horizon and gap.
func Prepare(p *panel.Panel, opt TrainOptions) (*Prepared, error) {
	if err := opt.check(); err != nil {
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
	}
	distance := eventDistance(p.Grid.Frequency)
	cal, err := newCalendar(p.Spec.Calendar != "none", keep, opt.Events, distance)
	if err != nil {
		return nil, err
	}
	var events feature.Events
	if p.Grid.Frequency != spec.Period && len(cal.FeatureNames()) > 0 {
		events = calendarEvents{cal}
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
	b, err := feature.New(p, cfg, events)
	if err != nil {
		return nil, err
	}
	refs := feature.Observed(p)
	for i, r := range refs {
		refs[i].Lag = b.TrainingLag(r.Series, r.Period)
	}
	X, scales := b.Matrix(refs)
	return &Prepared{Panel: p, Builder: b, Refs: refs, X: X, Scales: scales, Events: opt.Events, Builtin: keep, NoEventDistance: !distance}, nil
}

// Dataset returns the training set of the rows whose period is at most
// until and whose series has history: features, target y/scale and weight
// scale (so that the loss weighs series by their size, as WAPE does). Rows
// are in time order, oldest first (series by series within a period), so
// learners that hold out the last rows for early stopping hold out the
// most recent periods.
func (pr *Prepared) Dataset(until int) *model.Dataset {
	// The rows are put in period order, Refs' order within a period, by
	// counting the rows of each period (periods are a short run of
	// integers).
	first, last := math.MaxInt, math.MinInt
	for r, ref := range pr.Refs {
		if ref.Period <= until && pr.Scales[r] > 0 {
			first, last = min(first, ref.Period), max(last, ref.Period)
		}
	}
	if first == math.MaxInt {
		return pr.subset(nil)
	}
	at := make([]int, last-first+2)
	for r, ref := range pr.Refs {
		if ref.Period <= until && pr.Scales[r] > 0 {
			at[ref.Period-first+1]++
		}
	}
	for p := 1; p < len(at); p++ {
		at[p] += at[p-1]
	}
	rows := make([]int, at[len(at)-1])
	for r, ref := range pr.Refs {
		if ref.Period <= until && pr.Scales[r] > 0 {
			rows[at[ref.Period-first]] = r
			at[ref.Period-first]++
		}
	}
	return pr.subset(rows)
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
		X, scales = data.NewMatrix(len(rows), pr.X.Cols), make([]float64, len(rows))
		for i, r := range rows {
			copy(X.Row(i), pr.X.Row(r))
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

func (pr *Prepared) subset(rows []int) *model.Dataset {
	cols := pr.X.Cols
	ds := &model.Dataset{X: data.NewMatrix(len(rows), cols), Y: make([]float64, len(rows)),
		W: make([]float64, len(rows)), Features: pr.Builder.Features()}
	for i, r := range rows {
		copy(ds.X.Row(i), pr.X.Row(r))
		ref := pr.Refs[r]
		s := pr.Panel.Series[ref.Series]
		ds.Y[i] = s.Y[ref.Period-s.Start] / pr.Scales[r]
		ds.W[i] = pr.Scales[r]
	}
	return ds
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
