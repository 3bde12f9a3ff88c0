package cli

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/spf13/cobra"

	"promocast/backtest"
	"promocast/export"
	"promocast/learn"
	"promocast/learn/nn"
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

// tuneSpaces are the hyperparameters tune searches per learner.
var tuneSpaces = map[string]tune.Space{
	"gbdt": {
		"learning_rate":    tune.LogUniform(0.02, 0.3),
		"max_leaves":       tune.IntRange(8, 127),
		"min_child_weight": tune.LogUniform(1, 100),
		"col_subsample":    tune.Uniform(0.5, 1),
		"rounds":           tune.IntRange(50, 300),
	},
	"rf": {
		"max_depth":       tune.IntRange(6, 20),
		"min_leaf_weight": tune.LogUniform(1, 200),
		"feature_share":   tune.Uniform(0.2, 0.8),
	},
	"svr": {
		"c":       tune.LogUniform(0.01, 100),
		"epsilon": tune.Uniform(0, 0.3),
		"loss":    tune.Choice("epsilon_insensitive", "squared_epsilon_insensitive"),
	},
	"mlp": {
		"learning_rate": tune.LogUniform(3e-4, 1e-2),
		"dropout":       tune.Uniform(0.01, 0.3),
		"width":         tune.Choice(32, 64, 128),
		"batch_size":    tune.Choice(256, 512, 1024),
	},
	"ridge":      {"alpha": tune.LogUniform(1e-5, 1)},
	"lasso":      {"alpha": tune.LogUniform(1e-6, 0.1)},
	"elasticnet": {"alpha": tune.LogUniform(1e-6, 0.1), "l1_ratio": tune.Uniform(0.05, 0.95)},
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
	fs.StringVar(&f.model, "model", "gbdt", "learner to tune: gbdt, rf, svr, mlp, ridge, lasso or elasticnet")
	fs.StringVar(&f.method, "method", "halving", "random or halving")
	fs.IntVar(&f.trials, "trials", 20, "settings to draw")
	fs.Float64Var(&f.seconds, "seconds", 0, "stop starting trials after this long (0: no limit)")
	fs.IntVar(&f.folds, "folds", 4, "backtest folds of a full evaluation")
	fs.IntVar(&f.horizon, "horizon", 4, "periods scored per fold")
	fs.IntVar(&f.gap, "gap", 0, "periods between each origin and its first scored period")
	fs.Uint64Var(&f.seed, "seed", 1, "seed of the drawn settings")
	return cmd
}

// tuneOptions turns a drawn setting into learner options.
func tuneOptions(model string, p tune.Params) learn.Options {
	var o learn.Options
	switch model {
	case "gbdt":
		o.GBDT.LearningRate = p.Float("learning_rate", 0)
		o.GBDT.MaxLeaves = p.Int("max_leaves", 0)
		o.GBDT.MinChildWeight = p.Float("min_child_weight", 0)
		o.GBDT.ColSubsample = p.Float("col_subsample", 0)
		o.GBDT.Rounds = p.Int("rounds", 0)
	case "rf":
		o.Forest.MaxDepth = p.Int("max_depth", 0)
		o.Forest.MinLeafWeight = p.Float("min_leaf_weight", 0)
		o.Forest.FeatureFraction = p.Float("feature_share", 0)
	case "svr":
		o.SVM.C = p.Float("c", 0)
		o.SVM.Epsilon = p.Float("epsilon", 0)
		o.SVM.Loss = p.Text("loss", "")
	case "mlp":
		applyMLPParams(p, &o.MLP)
	default:
		o.Linear.Alpha = p.Float("alpha", 0)
		o.Linear.L1Ratio = p.Float("l1_ratio", 0)
	}
	return o
}

func runTune(e *env, f tuneFlags) error {
	space, ok := tuneSpaces[f.model]
	if !ok {
		return usagef("--model %q: tune knows gbdt, rf, svr, mlp, ridge, lasso and elasticnet", f.model)
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
	pr, err := train.Prepare(hist, ds.Spec, train.Options{Forecast: topt})
	if err != nil {
		return err
	}
	// A budget b scores the last ⌈b·folds⌉ folds: their origins are the
	// full backtest's latest.
	objective := func(_ context.Context, params tune.Params, budget float64) (float64, error) {
		fit, err := learn.New(f.model, tuneOptions(f.model, params))
		if err != nil {
			return 0, err
		}
		folds := max(1, int(math.Ceil(budget*float64(f.folds)-1e-9)))
		reps, err := backtest.Run(pr, backtest.Options{Folds: folds, Horizon: f.horizon, Gap: f.gap}, []backtest.Candidate{{Name: f.model, Fit: fit}})
		if err != nil {
			return 0, err
		}
		return reps[0].Overall.WAPE, nil
	}
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

// applyMLPParams sets the MLP settings a search drew (learning_rate,
// dropout, width: hidden layers of width and width/2, batch_size), keeping
// the others; tune and tabular tune share it.
func applyMLPParams(p tune.Params, m *nn.Params) {
	m.LearningRate = p.Float("learning_rate", m.LearningRate)
	m.Dropout = p.Float("dropout", m.Dropout)
	if w := p.Int("width", 0); w > 0 {
		m.Hidden = []int{w, w / 2}
	}
	m.BatchSize = p.Int("batch_size", m.BatchSize)
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
