package pipeline

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"promocast/backtest"
	"promocast/backtest/results"
	"promocast/data"
	"promocast/dataset"
	"promocast/ensemble"
	"promocast/forecast"
	"promocast/learn"
	"promocast/train"
)

func init() {
	register.DoFn4x1[fitJob, func(*[]byte) bool, func(*shardSchema) bool, func(fittedFold), error](&fitFoldFn{})
	register.DoFn4x1[[]byte, func(*fittedFold) bool, func(*[]byte) bool, func(*shardSchema) bool, error](&scoreFoldsFn{})
	register.Emitter1[fittedFold]()
	register.Iter1[fittedFold]()
}

// BacktestConfig names a backtest's inputs, its settings (those of
// promocast backtest) and its output folder.
type BacktestConfig struct {
	Spec string   // dataset spec
	Data []string // history shards, in order
	Out  string   // folder for metrics.csv and predictions.csv
	// Models are the models to compare (learners, or ensemble.DefaultName
	// for the default model), or the one name train.Auto.
	Models []string
	// Candidates are what auto compares; empty means
	// train.DefaultCandidates. Only with Models auto.
	Candidates          []string
	Folds, Horizon, Gap int
	Segments            []string // key or static columns to break metrics down by
	Alpha, L1Ratio      float64  // linear learners' penalty; 0 means the default
	Metric              string   // what the default model chooses by; empty means balanced
}

// options are the train options promocast backtest runs with these
// settings, and the dataset of the spec.
func (cfg BacktestConfig) options() (*dataset.Dataset, train.Options, error) {
	var opt train.Options
	if cfg.Horizon < 1 || cfg.Folds < 1 || cfg.Gap < 0 {
		return nil, opt, fmt.Errorf("backtest needs --folds ≥ 1, --horizon ≥ 1 and --gap ≥ 0; got %d, %d and %d", cfg.Folds, cfg.Horizon, cfg.Gap)
	}
	if cfg.Metric != "" {
		if err := ensemble.CheckMetric(cfg.Metric); err != nil {
			return nil, opt, fmt.Errorf("--%w", err)
		}
	}
	ds, err := dataset.Open(cfg.Spec)
	if err != nil {
		return nil, opt, err
	}
	fopt, err := ds.TrainOptions(cfg.Horizon, cfg.Gap)
	if err != nil {
		return nil, opt, err
	}
	var lo learn.Options
	lo.Linear.Alpha, lo.Linear.L1Ratio = cfg.Alpha, cfg.L1Ratio
	opt = train.Options{Model: train.Best, Learn: lo, Metric: cfg.Metric, Folds: cfg.Folds, Segments: cfg.Segments, Forecast: fopt}
	switch {
	case len(cfg.Models) == 0:
		return nil, opt, errors.New("--models: name at least one model")
	case slices.Equal(cfg.Models, []string{train.Auto}):
		opt.Model, opt.Candidates = train.Auto, cfg.Candidates
	case len(cfg.Candidates) > 0:
		return nil, opt, errors.New("--candidates lists what --models auto compares; without auto, list the models in --models")
	default:
		opt.Candidates = cfg.Models
	}
	return ds, opt, nil
}

// fitJob is one fit of the backtest: a learner at fold Fold (0-based,
// oldest first) of Folds rolling origins.
type fitJob struct {
	Name        string
	Folds, Fold int
}

// fittedFold is a fold fitted by one worker: backtest.Fold, gob-encoded.
type fittedFold struct {
	Name   string
	Origin int
	Fold   []byte
}

// Backtest adds the backtest pipeline to scope s. It runs the backtest of
// promocast backtest with the same settings, in three stages:
//
//	read    the history shards, with the spec's attribute tables joined
//	fit     each learner at each rolling origin (train.BacktestFits), one
//	        fit per element, on the features of the whole history
//	score   one worker scores the folds as promocast backtest does
//	        (train.Compare, its fits handed over) and writes the folder
//
// The fits are the work; they are independent of each other. A global
// model learns from every series at once, so the unit of work is a
// learner at an origin, not a group of series: every fit worker holds
// the whole history (a side input) and builds its features.
func Backtest(s beam.Scope, cfg BacktestConfig) error {
	if cfg.Spec == "" || len(cfg.Data) == 0 || cfg.Out == "" {
		return errors.New("backtest needs a spec, history shards and an output folder")
	}
	_, opt, err := cfg.options()
	if err != nil {
		return err
	}
	fits, err := train.BacktestFits(nil, opt)
	if err != nil {
		return err
	}
	var jobs []fitJob
	for _, f := range fits {
		for k := range f.Folds {
			jobs = append(jobs, fitJob{Name: f.Name, Folds: f.Folds, Fold: k})
		}
	}
	s = s.Scope("backtest")
	rows, schemas, _, _ := beam.ParDo4(s.Scope("read history"), &readFn{In: inputs{Spec: cfg.Spec}}, beam.CreateList(s, shards(cfg.Data)))
	hist := beam.DropKey(s, rows)
	folds := beam.ParDo(s.Scope("fit"), &fitFoldFn{Config: cfg}, beam.Reshuffle(s, beam.CreateList(s, jobs)),
		beam.SideInput{Input: hist}, beam.SideInput{Input: schemas})
	// The scoring stage runs once, on an impulse, even when no fold was
	// fitted (it then reports why).
	beam.ParDo0(s.Scope("score"), &scoreFoldsFn{Config: cfg, Fits: len(jobs)}, beam.Impulse(s),
		beam.SideInput{Input: folds}, beam.SideInput{Input: hist}, beam.SideInput{Input: schemas})
	return nil
}

// history decodes the whole history, in input order, from its encoded
// rows, and opens the spec's dataset and the train options.
func (cfg BacktestConfig) history(rows func(*[]byte) bool, schemas func(*shardSchema) bool) (*data.Frame, *dataset.Dataset, train.Options, error) {
	ds, opt, err := cfg.options()
	if err != nil {
		return nil, nil, opt, err
	}
	sc, err := sameSchema("history", collect(schemas))
	if err != nil {
		return nil, nil, opt, err
	}
	hist, _, err := decodeFrame("history", sc, collect(rows))
	return hist, ds, opt, err
}

// fitFoldFn fits one learner at one origin. It builds the features of the
// whole history once per worker instance.
type fitFoldFn struct {
	Config BacktestConfig

	pr   *forecast.Prepared
	fits map[string]forecast.Fit
}

func (fn *fitFoldFn) ProcessElement(job fitJob, rows func(*[]byte) bool, schemas func(*shardSchema) bool, emit func(fittedFold)) error {
	if fn.pr == nil {
		hist, ds, opt, err := fn.Config.history(rows, schemas)
		if err != nil {
			return err
		}
		if fn.pr, err = train.PrepareCompare(hist, ds.Spec, opt); err != nil {
			return err
		}
		planned, err := train.BacktestFits(fn.pr.Panel, opt)
		if err != nil {
			return err
		}
		fn.fits = map[string]forecast.Fit{}
		for _, p := range planned {
			fn.fits[p.Name] = p.Fit
		}
	}
	fit := fn.fits[job.Name]
	if fit == nil {
		return fmt.Errorf("backtest: no learner %q among the fits", job.Name)
	}
	bopt := backtest.Options{Folds: job.Folds, Horizon: fn.Config.Horizon, Gap: fn.Config.Gap}
	origins := backtest.Origins(fn.pr.Panel.Last, bopt)
	if origins[0] < fn.pr.Panel.First {
		return nil // too little history for the folds: the scoring stage reports it as promocast backtest does
	}
	origin := origins[job.Fold]
	f, err := backtest.FitFold(fn.pr, bopt, backtest.Candidate{Name: job.Name, Fit: fit}, origin)
	if err != nil {
		return fmt.Errorf("%s, fold %d of %d: %w", job.Name, job.Fold+1, job.Folds, err)
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(f); err != nil {
		return err
	}
	emit(fittedFold{Name: job.Name, Origin: origin, Fold: buf.Bytes()})
	return nil
}

// scoreFoldsFn scores every fitted fold as promocast backtest scores its
// own and writes metrics.csv and predictions.csv.
type scoreFoldsFn struct {
	Config BacktestConfig
	Fits   int // the fits the fit stage was given
}

func (fn *scoreFoldsFn) ProcessElement(_ []byte, folds func(*fittedFold) bool, rows func(*[]byte) bool, schemas func(*shardSchema) bool) error {
	hist, ds, opt, err := fn.Config.history(rows, schemas)
	if err != nil {
		return err
	}
	fitted := map[string][]byte{}
	for _, f := range collect(folds) {
		fitted[fmt.Sprint(f.Name, "@", f.Origin)] = f.Fold
	}
	used := 0
	opt.Fitted = func(name string, origin int) (*backtest.Fold, error) {
		b, ok := fitted[fmt.Sprint(name, "@", origin)]
		if !ok {
			return nil, fmt.Errorf("the fit stage did not fit %s at this origin", name)
		}
		var f backtest.Fold
		if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&f); err != nil {
			return nil, err
		}
		used++
		return &f, nil
	}
	c, err := train.Compare(hist, ds.Spec, opt)
	if err != nil {
		return err
	}
	if used != len(fitted) || used != fn.Fits {
		return fmt.Errorf("backtest: %d fits planned, %d fitted, %d scored", fn.Fits, len(fitted), used)
	}
	return results.WriteDir(fn.Config.Out, results.FromReports(c.Panel, c.Reports, fn.Config.Out))
}
