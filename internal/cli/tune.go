package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"promocast/export"
	"promocast/learn"
	"promocast/train"
	"promocast/tune"
)

type tuneFlags struct {
	data, spec, out     string
	model, method       string
	trials              int
	seconds             float64
	folds, horizon, gap int
	seed                uint64
}

func tuneCmd(e *env) *cobra.Command {
	var f tuneFlags
	cmd := &cobra.Command{
		Use:   "tune --data HISTORY --spec SPEC.yaml --model gbdt [--trials N] [--seconds S]",
		Short: "Search a model's hyperparameters by backtest",
		Long: `tune draws hyperparameter settings for a learner and scores each by the
overall WAPE of a rolling-origin backtest (the same folds as 'promocast
backtest'). --method random scores every setting on all folds; --method
halving (successive halving) scores many settings on the last folds only and
gives the full backtest to the best third, rung after rung. The search stops
after --trials settings or --seconds, whichever comes first; --out saves every
trial (parameters, budget, score, seconds).`,
		Example: `  promocast tune --data sales.csv.gz --spec spec.yaml --model gbdt --trials 27 --method halving --folds 6 --horizon 2 --gap 1 --out trials.csv
  promocast tune --data sales.csv.gz --spec spec.yaml --model ridge --trials 10 --seconds 60`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runTune(e, f) },
	}
	fs := cmd.Flags()
	fs.StringVar(&f.data, "data", "", "sales history")
	fs.StringVar(&f.spec, "spec", "", "dataset spec (YAML)")
	fs.StringVar(&f.out, "out", "", "file for every trial (.csv)")
	fs.StringVar(&f.model, "model", "gbdt", "learner to tune: "+strings.Join(learn.Tunable(learn.Panel), ", "))
	fs.StringVar(&f.method, "method", "halving", "random or halving")
	fs.IntVar(&f.trials, "trials", 20, "settings to draw")
	fs.Float64Var(&f.seconds, "seconds", 0, "stop starting trials after this long (0: no limit)")
	fs.IntVar(&f.folds, "folds", 4, "backtest folds of a full evaluation")
	fs.IntVar(&f.horizon, "horizon", 4, "periods scored per fold")
	fs.IntVar(&f.gap, "gap", 0, "periods between each origin and its first scored period")
	fs.Uint64Var(&f.seed, "seed", 1, "seed of the drawn settings")
	return cmd
}

func runTune(e *env, f tuneFlags) error {
	space, ok := learn.TuneSpace(f.model)
	if !ok {
		return usagef("--model %q: tune knows %s", f.model, strings.Join(learn.Tunable(learn.Panel), ", "))
	}
	if f.method != "random" && f.method != "halving" {
		return usagef("--method %q: expected random or halving", f.method)
	}
	ds, err := readSpec(f.spec)
	if err != nil {
		return err
	}
	hist, err := readTable(ds.History, f.data, "data")
	if err != nil {
		return err
	}
	topt, err := forecastOptions(ds, f.horizon, f.gap)
	if err != nil {
		return err
	}
	opt := train.Options{Forecast: topt, Model: f.model, Folds: f.folds}
	pr, err := train.Prepare(hist, ds.Spec, opt)
	if err != nil {
		return err
	}
	objective := train.TuneObjective(pr, opt)
	res, best, err := runSearch(f.method, space, objective, tune.Options{Trials: f.trials, Time: time.Duration(f.seconds * float64(time.Second)), Seed: f.seed,
		Progress: func(done, best tune.Trial) {
			fmt.Fprintf(e.stderr, "tune trial %d (rung %d, budget %.2f): WAPE %s; best %s\n", done.ID, done.Rung, done.Budget, pct(done.Score), pct(best.Score))
		}})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d trials (%.1f full backtests); best WAPE %s at budget %.2f with %v\n", len(res.Trials), res.Spent, pct(best.Score), best.Budget, best.Params)
	if f.out != "" {
		return export.WriteFile(f.out, res.WriteCSV)
	}
	return nil
}

// runSearch runs random search or successive halving (method "random" or
// "halving") and returns the results with the best trial, or an error
// naming the first trial's when none succeeded.
func runSearch(method string, space tune.Space, objective tune.Objective, opt tune.Options) (*tune.Results, tune.Trial, error) {
	var res *tune.Results
	var err error
	if method == "random" {
		res, err = tune.Random(context.Background(), space, objective, opt)
	} else {
		res, err = tune.Halving(context.Background(), space, objective, tune.HalvingOptions{Options: opt})
	}
	if err != nil {
		return nil, tune.Trial{}, err
	}
	best, ok := res.Best()
	if !ok {
		return nil, tune.Trial{}, fmt.Errorf("no trial succeeded; the first error: %s", res.Trials[0].Err)
	}
	return res, best, nil
}
