// Package train is the one path from a sales history to a model ready to
// ship:
//
//	history → panel → features → calibration backtest → training on the
//	whole history → interval calibration → backtest metrics → model file
//
// The train and demo commands and the server's demo model all call Run;
// the backtest command calls Compare, its first half. The calibration
// backtest scores one model, or compares candidates and ships the best
// (Best) or auto's leaderboard winner, which may be a blend (Auto).
//
//	res, err := train.Run(hist, sp, train.Options{Forecast: forecast.TrainOptions{Horizon: 4}})
//	err = modelfile.Write("model.json", res.File())
//
// Which learner a panel gets when the caller names none, and its
// settings, is decided in one place: ChooseModel.
package train

import (
	"fmt"
	"log/slog"
	"math"

	"promocast/backtest"
	"promocast/data"
	"promocast/effect"
	"promocast/ensemble"
	"promocast/forecast"
	"promocast/interval"
	"promocast/learn"
	"promocast/learn/gbdt"
	"promocast/modelfile"
	"promocast/panel"
	"promocast/spec"
)

// Model values that compare Options.Candidates by backtest instead of
// naming one learner.
const (
	// Auto runs ensemble.Auto: every candidate and their honest blends,
	// ranked by overall WAPE; the winner ships, a blend included.
	Auto = "auto"
	// Best ships the candidate with the lowest overall backtest WAPE (the
	// first on ties).
	Best = "best"
)

// Defaults of the zero Options.
const (
	DefaultHorizon = 4
	DefaultFolds   = 4
)

// DefaultCandidates are the learners Auto and Best compare when
// Options.Candidates is empty: one of each family, and the boosted trees
// with two losses.
var DefaultCandidates = []string{"seasonal_naive", "ridge", "svr", "rf", "gbdt", "gbdt_poisson", "mlp"}

// Options say what to train. The zero value trains ChooseModel's learner
// with horizon DefaultHorizon, gap 0 and intervals calibrated on
// DefaultFolds backtest folds.
type Options struct {
	// Forecast holds the model's forecasting settings (horizon, gap,
	// features, events); Horizon 0 means DefaultHorizon. Kind is set by
	// the pipeline.
	Forecast forecast.TrainOptions
	// Model names the learner (see package learn), the default model
	// (ensemble.DefaultName: chosen by its own backtest), or is Auto or
	// Best; empty means the model ChooseModel picks for the panel.
	Model string
	// Candidates are the learners Auto and Best compare (Best also takes
	// ensemble.DefaultName); empty means DefaultCandidates.
	Candidates []string
	// Learn holds learner settings; zero fields mean the learner's
	// defaults. With an empty Model, ChooseModel receives them.
	Learn learn.Options
	// Folds is the calibration backtest's rolling origins; 0 means
	// DefaultFolds. Auto needs at least 2.
	Folds int
	// NoIntervals skips the calibration backtest: the model ships without
	// intervals or backtest metrics. Auto and Best need the backtest.
	NoIntervals bool
	// Metric is what the default model chooses its candidates by:
	// ensemble.MetricWAPE, MetricMAPE or MetricBalanced (WAPE and MAPE
	// together); empty means balanced.
	Metric string
	// NoEffects skips the promotion-effect model (package effect): the
	// model's uplift is then its predictor's plan minus baseline rows.
	NoEffects bool
	// Segments are key or static columns the backtest breaks metrics down
	// by.
	Segments []string
	// Progress, when set, is called after each model×fold of the
	// backtest with a note such as "ridge fold 3/4", the steps done and
	// the steps in all.
	Progress func(note string, done, total int)
	// Log, when set, receives progress messages.
	Log *slog.Logger
	// Fitted, when set, hands the backtest folds fitted elsewhere (see
	// BacktestFits and backtest.Options.Fitted).
	Fitted func(candidate string, origin int) (*backtest.Fold, error)
}

// Choice is a learner with its settings.
type Choice struct {
	Model string
	Learn learn.Options
}

// ChooseModel chooses the learner and its settings for a panel when the
// caller names none; user holds the settings the caller gave. It is the one
// place the default model is decided: the default model (ensemble.Default),
// which chooses between boosted trees on the scaled target and on its log
// by its own backtest, choices made on earlier folds only; its candidates'
// settings are scaled to the panel where they are built (candidates).
// Without a backtest to choose by (no calibration folds) it is the boosted
// trees on the scaled target, with the settings the user left zero scaled
// to the panel's observed rows (learn.Options.ScaledTo). With backtested,
// p may be nil.
func ChooseModel(p *panel.Panel, user learn.Options, backtested bool) Choice {
	if !backtested {
		return Choice{Model: "gbdt", Learn: user.ScaledTo(observed(p))}
	}
	return Choice{Model: ensemble.DefaultName, Learn: user}
}

// observed counts the periods of p's series with an observed target.
func observed(p *panel.Panel) int {
	rows := 0
	for _, s := range p.Series {
		for _, y := range s.Y {
			if !math.IsNaN(y) {
				rows++
			}
		}
	}
	return rows
}

func (o Options) withDefaults() (Options, error) {
	if o.Forecast.Horizon == 0 {
		o.Forecast.Horizon = DefaultHorizon
	}
	if o.Folds == 0 {
		o.Folds = DefaultFolds
	}
	compare := o.Model == Auto || o.Model == Best
	switch {
	case o.Folds < 0:
		return o, fmt.Errorf("train: %d calibration folds: expected 1 or more (or no intervals)", o.Folds)
	case compare && o.NoIntervals:
		return o, fmt.Errorf("train: %s chooses by backtest: it needs calibration folds", o.Model)
	case o.Model == Auto && o.Folds < 2:
		return o, fmt.Errorf("train: auto chooses by backtest: it needs at least 2 calibration folds, got %d", o.Folds)
	case !compare && len(o.Candidates) > 0:
		return o, fmt.Errorf("train: candidates are what auto or best compare; they do not apply to model %s", o.Model)
	}
	if compare && len(o.Candidates) == 0 {
		o.Candidates = DefaultCandidates
	}
	return o, nil
}

// backtestOptions are the folds, horizon and gap of the calibration
// backtest. Folds fitted here are fitted calibrationConcurrent at a time;
// folds fitted elsewhere (Fitted) are read one at a time.
func (o Options) backtestOptions() backtest.Options {
	opt := backtest.Options{Folds: o.Folds, Horizon: o.Forecast.Horizon, Gap: o.Forecast.Gap, Fitted: o.Fitted}
	if o.Fitted == nil {
		opt.Concurrent = calibrationConcurrent
	}
	return opt
}

// calibrationConcurrent is how many calibration folds are fitted at once:
// two keep two cores busy through the boosted trees' serial stretches
// (gradients, row sampling), at the memory of a second fold's training set.
const calibrationConcurrent = 2

func (o Options) log() *slog.Logger {
	if o.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Log
}

// Comparison is the first half of the pipeline: the prepared panel and the
// backtest of the candidates on it.
type Comparison struct {
	Panel    *panel.Panel
	Prepared *forecast.Prepared
	// Reports are the backtests, one per candidate in order (with Auto,
	// then the combinations'); nil with Options.NoIntervals.
	Reports []*backtest.Report
	// Board is Auto's leaderboard; nil otherwise.
	Board []ensemble.Entry
	// Chosen is the backtest of the model that ships; nil with
	// Options.NoIntervals.
	Chosen *backtest.Report
	// Kind names the model that ships and Fit trains it.
	Kind string
	Fit  forecast.Fit
	// Default is the default model's choice (ensemble.Default) when it was
	// backtested; nil otherwise.
	Default *ensemble.Result
	// DefaultLearn are the settings the default model's candidates train
	// with: the user's, with the trees' settings left zero scaled to the
	// panel (learn.Options.ScaledTo).
	DefaultLearn learn.Options
}

// Compare builds the panel and its features from a history and runs the
// calibration backtest: of one model, or of the candidates with Auto or
// Best. The backtest command uses it alone. As a backtest on its own, it
// lets the choices made from the data itself (forecast.TrainOptions
// ChooseUntil, when zero) read only the periods up to the first origin, so
// that no fold's choice sees its future; Run, which then trains on the
// whole history, lets them read it all.
func Compare(hist *data.Frame, sp *spec.Spec, opt Options) (*Comparison, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	return compare(hist, sp, opt, true)
}

// compare is Compare with the options' defaults filled in; alone says
// whether the backtest stands on its own (see Compare).
func compare(hist *data.Frame, sp *spec.Spec, opt Options, alone bool) (*Comparison, error) {
	p, opt, err := buildPanel(hist, sp, opt, alone)
	if err != nil {
		return nil, err
	}
	c := &Comparison{Panel: p, Kind: opt.Model}
	learnOpt := opt.Learn
	if opt.Model == "" {
		ch := ChooseModel(p, opt.Learn, !opt.NoIntervals)
		c.Kind, learnOpt = ch.Model, ch.Learn
	}
	cands, defaults, defaultLearn, err := candidates(p, c.Kind, learnOpt, opt)
	if err != nil {
		return nil, err
	}
	if len(defaults) > 0 {
		c.DefaultLearn = defaultLearn
	}
	if c.Prepared, err = prepare(p, hist, opt); err != nil {
		return nil, err
	}
	if opt.NoIntervals {
		c.Fit = cands[0].Fit
		return c, nil
	}
	if !alone && opt.Fitted == nil {
		if n := supportedFolds(c.Prepared, plan(c.Kind, cands, defaults, opt.Folds), opt); n < opt.Folds && (n >= 2 || n >= 1 && c.Kind != Auto) {
			opt.log().Warn(fmt.Sprintf("the history holds %d calibration folds of %d periods, not %d: calibrating on %d (the intervals rest on fewer backtest residuals)",
				n, opt.Forecast.Horizon, opt.Folds, n))
			opt.Folds = n
		}
	}
	if err := c.backtest(opt, cands, defaults); err != nil {
		return nil, err
	}
	return c, nil
}

// supportedFolds returns how many calibration folds the prepared history
// supports for the fits planned: opt.Folds, or fewer when the earliest
// origin of the most folds any fit takes (the default model's warm-up fold
// included) would lie before the first row with features, leaving that
// fold no training rows. A newcomer's 12-week history then trains with the
// folds it holds instead of failing on the default's five.
func supportedFolds(pr *forecast.Prepared, planned []Planned, opt Options) int {
	first := math.MaxInt
	for r, ref := range pr.Refs {
		if pr.Scales[r] > 0 {
			first = min(first, ref.Period)
		}
	}
	fitted := opt.Folds
	for _, p := range planned {
		fitted = max(fitted, p.Folds)
	}
	if first == math.MaxInt {
		return opt.Folds
	}
	most := (pr.Panel.Last - opt.Forecast.Gap - first) / opt.Forecast.Horizon
	return min(opt.Folds, most-(fitted-opt.Folds))
}

// buildPanel builds the panel of hist and, for a backtest alone, sets the
// choices' last period to the first origin.
func buildPanel(hist *data.Frame, sp *spec.Spec, opt Options, alone bool) (*panel.Panel, Options, error) {
	p, err := panel.Build(hist, panel.KeyAttributes(hist, sp), panel.Options{})
	if err != nil {
		return nil, opt, err
	}
	for _, u := range p.Unpriced {
		opt.log().Warn(u.String())
	}
	if p.Outliers != nil {
		opt.log().Warn(p.Outliers.String())
	}
	if hint := sp.LabelHint(); hint != "" {
		opt.log().Warn(hint)
	}
	if alone && !opt.NoIntervals && opt.Forecast.ChooseUntil == 0 {
		opt.Forecast.ChooseUntil = backtest.Origins(p.Last, opt.backtestOptions())[0]
	}
	return p, opt, nil
}

// candidates are the learners the backtest of model kind fits on panel p:
// cands, and when kind is Best with ensemble.DefaultName among the
// candidates (or kind is the default model), defaults, the default model's
// candidates, which cands then leave out, and defaultLearn, their settings:
// the trees' settings the user left zero are scaled to p
// (learn.Options.ScaledTo); p nil leaves them zero.
func candidates(p *panel.Panel, kind string, learnOpt learn.Options, opt Options) (cands []backtest.Candidate, defaults []ensemble.Candidate, defaultLearn learn.Options, err error) {
	names := []string{kind}
	if kind == Auto || kind == Best {
		names = opt.Candidates
	}
	var withDefault bool
	for _, n := range names {
		if n == ensemble.DefaultName && kind != Auto {
			withDefault = true
			continue
		}
		fit, err := ensemble.New(n, learnOpt)
		if err != nil {
			return nil, nil, defaultLearn, err
		}
		cands = append(cands, backtest.Candidate{Name: n, Fit: fit})
	}
	if !withDefault {
		return cands, nil, defaultLearn, nil
	}
	if opt.NoIntervals {
		return nil, nil, defaultLearn, fmt.Errorf("train: the %s model chooses by backtest: it needs calibration folds", ensemble.DefaultName)
	}
	defaultLearn = learnOpt
	if p != nil {
		defaultLearn = learnOpt.ScaledTo(observed(p))
	}
	defaults = ensemble.DefaultCandidates(defaultLearn)
	// The default's candidates are scored on the same folds: they are
	// reported beside it rather than backtested again.
	listed := map[string]bool{}
	for _, d := range defaults {
		listed[d.Name] = true
	}
	kept := cands[:0:0]
	for _, cd := range cands {
		if !listed[cd.Name] {
			kept = append(kept, cd)
		}
	}
	return kept, defaults, defaultLearn, nil
}

// Planned is a learner the backtest fits and how many rolling origins it
// fits it on (the folds of backtest.Origins).
type Planned struct {
	Name  string
	Fit   forecast.Fit
	Folds int
}

// plan lists the fits of the backtest of kind, in the order it makes them.
func plan(kind string, cands []backtest.Candidate, defaults []ensemble.Candidate, folds int) []Planned {
	var out []Planned
	for _, d := range defaults {
		out = append(out, Planned{d.Name, d.Fit, ensemble.FoldsFitted(len(defaults), folds)})
	}
	n := folds
	if kind == Auto {
		n = ensemble.FoldsFitted(len(cands), folds)
	}
	for _, c := range cands {
		out = append(out, Planned{c.Name, c.Fit, n})
	}
	return out
}

// BacktestFits lists the fits Compare's backtest makes with opt on panel
// p, in order: each learner (the default model's candidates included) and
// how many rolling origins it is fitted on. Fitting them elsewhere, on the
// features PrepareCompare builds (backtest.FitFold), and handing them to
// Compare through Options.Fitted leaves Compare only the scoring: the
// results are the same. The learners' settings may depend on the panel,
// their names and folds do not: with p nil, the list names the fits and
// their Fit is nil.
func BacktestFits(p *panel.Panel, opt Options) ([]Planned, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	if opt.NoIntervals {
		return nil, nil
	}
	kind, learnOpt := opt.Model, opt.Learn
	if kind == "" {
		ch := ChooseModel(p, opt.Learn, true)
		kind, learnOpt = ch.Model, ch.Learn
	}
	cands, defaults, _, err := candidates(p, kind, learnOpt, opt)
	if err != nil {
		return nil, err
	}
	out := plan(kind, cands, defaults, opt.Folds)
	if p == nil {
		for i := range out {
			out[i].Fit = nil
		}
	}
	return out, nil
}

// PrepareCompare builds the panel and the features exactly as Compare
// does with opt: what the fits of BacktestFits are made on.
func PrepareCompare(hist *data.Frame, sp *spec.Spec, opt Options) (*forecast.Prepared, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	p, opt, err := buildPanel(hist, sp, opt, true)
	if err != nil {
		return nil, err
	}
	return prepare(p, hist, opt)
}

// Prepare builds the panel of a history and the features of its observed
// rows: what every backtest and training run on it share. Horizon 0
// means DefaultHorizon.
func Prepare(hist *data.Frame, sp *spec.Spec, opt Options) (*forecast.Prepared, error) {
	if opt.Forecast.Horizon == 0 {
		opt.Forecast.Horizon = DefaultHorizon
	}
	p, err := panel.Build(hist, panel.KeyAttributes(hist, sp), panel.Options{})
	if err != nil {
		return nil, err
	}
	return prepare(p, hist, opt)
}

// prepare builds the features of the panel p of hist.
func prepare(p *panel.Panel, hist *data.Frame, opt Options) (*forecast.Prepared, error) {
	opt.log().Info("building features", "series", len(p.Series), "rows", hist.Rows())
	return forecast.Prepare(p, opt.Forecast)
}

// backtest runs the calibration backtest and picks the model to ship.
// defaults, when not empty, are the candidates of the default model
// (ensemble.Default), backtested before cands.
func (c *Comparison) backtest(opt Options, cands []backtest.Candidate, defaults []ensemble.Candidate) error {
	steps := 0
	for _, p := range plan(c.Kind, cands, defaults, opt.Folds) {
		steps += p.Folds
	}
	done := 0
	bopt := opt.backtestOptions()
	bopt.Segments = opt.Segments
	bopt.Progress = func(m string, k, n int) {
		done++
		if opt.Progress != nil {
			opt.Progress(fmt.Sprintf("%s fold %d/%d", m, k, n), done, steps)
		}
	}
	if c.Kind == Auto {
		res, err := ensemble.Auto(c.Prepared, bopt, ensembleCandidates(cands))
		if err != nil {
			return fmt.Errorf("auto: %w", err)
		}
		c.Reports, c.Board = res.Reports, res.Board
		c.Kind, c.Fit = res.Deploy()
		for _, r := range res.Reports {
			if r.Model == res.Winner {
				c.Chosen = r
			}
		}
		return nil
	}
	// fits[i] trains the model of c.Reports[i].
	var fits []func() (string, forecast.Fit)
	if len(defaults) > 0 {
		res, rep, err := ensemble.Default(c.Prepared, bopt, defaults, opt.Metric)
		if err != nil {
			return err
		}
		c.Reports, fits = append(c.Reports, rep), append(fits, res.Deploy)
		c.Default = res
		for k, d := range defaults {
			r, fit := res.Reports[k], d.Fit
			c.Reports, fits = append(c.Reports, r), append(fits, func() (string, forecast.Fit) { return r.Model, fit })
		}
	}
	if len(cands) > 0 {
		reports, err := backtest.Run(c.Prepared, bopt, cands)
		if err != nil {
			return fmt.Errorf("calibration: %w", err)
		}
		for i, r := range reports {
			fit := cands[i].Fit
			c.Reports, fits = append(c.Reports, r), append(fits, func() (string, forecast.Fit) { return r.Model, fit })
		}
	}
	best := 0
	for i, r := range c.Reports {
		if c.Kind != ensemble.DefaultName && r.Overall.WAPE < c.Reports[best].Overall.WAPE {
			best = i // the default ships its own choice, made fold by fold
		}
	}
	c.Chosen = c.Reports[best]
	c.Kind, c.Fit = fits[best]()
	return nil
}

// ensembleCandidates are backtest candidates as Auto takes them.
func ensembleCandidates(cands []backtest.Candidate) []ensemble.Candidate {
	out := make([]ensemble.Candidate, len(cands))
	for i, c := range cands {
		out[i] = ensemble.Candidate{Name: c.Name, Fit: c.Fit}
	}
	return out
}

// Result is a trained model with what chose and calibrated it.
type Result struct {
	*Comparison
	// Model is the trained model, intervals calibrated unless
	// Options.NoIntervals.
	Model *forecast.Model
	// Metrics are the backtest metrics the model file keeps (see
	// Metrics); nil with Options.NoIntervals.
	Metrics map[string]float64
}

// Run is the whole pipeline: Compare, then training of the chosen model on
// the whole history, interval calibration on its backtest residuals and
// the backtest metrics.
func Run(hist *data.Frame, sp *spec.Spec, opt Options) (*Result, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	c, err := compare(hist, sp, opt, false)
	if err != nil {
		return nil, err
	}
	// The promotion-effect model reads the prepared features only: it is
	// fitted beside the final model, whose boosted trees leave a core idle
	// through their serial stretches.
	// A panic there is raised again here, where the caller's recovery
	// sees it.
	var effects *forecast.Effects
	var effectsErr error
	var crashed any
	fitted := make(chan struct{})
	go func() {
		defer close(fitted)
		defer func() { crashed = recover() }()
		if !opt.NoEffects {
			opt.log().Info("estimating promotion effects")
			effects, effectsErr = effect.Fit(c.Prepared, c.Panel.Last, effect.Options{})
		}
	}()
	topt := opt.Forecast
	topt.Kind = c.Kind
	opt.log().Info("training", "model", c.Kind, "features", len(c.Prepared.Builder.Features()))
	m, err := c.Prepared.Train(topt, c.Panel.Last, c.Fit)
	<-fitted
	if crashed != nil {
		panic(crashed)
	}
	if err != nil {
		return nil, err
	}
	res := &Result{Comparison: c, Model: m}
	if c.Chosen != nil {
		if m.Calibration, err = interval.Fit(c.Chosen.Residuals(), interval.Options{}); err != nil {
			return nil, fmt.Errorf("calibration: %w", err)
		}
		res.Metrics = Metrics(c.Chosen, c.Board)
		if d := c.Default; d != nil {
			names, weights, wape := d.Choice()
			for k, n := range names {
				res.Metrics["default_weight_"+n] = weights[k]
				res.Metrics["default_wape_"+n] = wape[k]
			}
			if sc := d.PointScale(); sc != 1 {
				res.Metrics["default_point_scale"] = sc
			}
			for k, v := range TreeSettings(c.DefaultLearn.GBDT) {
				res.Metrics["default_"+k] = v
			}
		}
	}
	if effectsErr != nil {
		opt.log().Warn("no promotion-effect model: the uplift is the predictor's plan minus its baseline rows", "reason", effectsErr)
	} else {
		m.Effects = effects
	}
	return res, nil
}

// TreeSettings are boosted trees' settings by the names the model file
// records them under (with the prefix "default_" for the default model's).
func TreeSettings(g gbdt.Params) map[string]float64 {
	return map[string]float64{"rounds": float64(g.Rounds), "learning_rate": g.LearningRate, "max_leaves": float64(g.MaxLeaves),
		"max_depth": float64(g.MaxDepth), "min_child_weight": g.MinChildWeight, "row_subsample": g.RowSubsample,
		"col_subsample": g.ColSubsample}
}

// File is the model file of the result.
func (r *Result) File() *modelfile.Forecast {
	return &modelfile.Forecast{Model: r.Model, Metrics: r.Metrics}
}

// Metrics are the backtest metrics a model file keeps: overall and
// promotion WAPE, MASE, bias, P10–P90 coverage, and with auto each
// leaderboard entry's WAPE (how the model was chosen). The model file
// leaves out those the backtest could not define (NaN).
func Metrics(r *backtest.Report, board []ensemble.Entry) map[string]float64 {
	m := map[string]float64{"backtest_wape": r.Overall.WAPE, "backtest_wape_promo": r.Promo.WAPE,
		"backtest_mase": r.Overall.MASE, "backtest_bias": r.Overall.Bias, "backtest_p10_p90_coverage": r.Coverage}
	for _, b := range board {
		m["auto_wape_"+b.Model] = b.WAPE
	}
	return m
}
