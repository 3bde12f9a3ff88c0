package cli

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"promocast/export"
	"promocast/tabular"
	"promocast/tune"
)

// tabularTuneSpaces are the hyperparameters 'tabular tune' searches per
// learner.
var tabularTuneSpaces = map[string]tune.Space{
	tabular.LearnerGBDT: {
		"learning_rate":    tune.LogUniform(0.02, 0.3),
		"max_leaves":       tune.IntRange(8, 127),
		"max_depth":        tune.IntRange(3, 10),
		"min_child_weight": tune.LogUniform(0.5, 50),
		"col_subsample":    tune.Uniform(0.5, 1),
		"row_subsample":    tune.Uniform(0.5, 1),
		"rounds":           tune.IntRange(50, 400),
	},
	tabular.LearnerForest: {
		"max_depth":       tune.IntRange(4, 24),
		"min_leaf_weight": tune.LogUniform(1, 50),
		"feature_share":   tune.Uniform(0.1, 0.9),
	},
	tabular.LearnerTree: {
		"max_depth":       tune.IntRange(2, 16),
		"min_leaf_weight": tune.LogUniform(1, 100),
	},
	tabular.LearnerLinear:   {"alpha": tune.LogUniform(1e-5, 1), "penalty": tune.Choice("ridge", "lasso")},
	tabular.LearnerLogistic: {"alpha": tune.LogUniform(1e-5, 1), "penalty": tune.Choice("ridge", "lasso")},
	tabular.LearnerSVM:      {"c": tune.LogUniform(0.01, 100)},
	tabular.LearnerMLP: {
		"learning_rate": tune.LogUniform(3e-4, 1e-2),
		"dropout":       tune.Uniform(0.01, 0.3),
		"width":         tune.Choice(32, 64, 128),
		"batch_size":    tune.Choice(128, 256, 512),
	},
}

// tabularMetrics are the metrics 'tabular cv' reports, for a classifier
// (the first seven) or a regressor (the last three).
var tabularMetrics = []string{"auc", "pr_auc", "logloss", "accuracy", "precision", "recall", "f1", "rmse", "mae", "r2"}

// higherIsBetter lists the cross-validation metrics to maximise; tune
// minimises their negative.
var higherIsBetter = []string{"auc", "pr_auc", "accuracy", "precision", "recall", "f1", "r2"}

// applyTabularParams returns c with a drawn setting applied to its
// learner's params.
func applyTabularParams(c tabular.Config, p tune.Params) tabular.Config {
	switch c.Learner {
	case tabular.LearnerGBDT:
		g := &c.GBDT
		g.LearningRate = p.Float("learning_rate", g.LearningRate)
		g.MaxLeaves = p.Int("max_leaves", g.MaxLeaves)
		g.MaxDepth = p.Int("max_depth", g.MaxDepth)
		g.MinChildWeight = p.Float("min_child_weight", g.MinChildWeight)
		g.ColSubsample = p.Float("col_subsample", g.ColSubsample)
		g.RowSubsample = p.Float("row_subsample", g.RowSubsample)
		g.Rounds = p.Int("rounds", g.Rounds)
	case tabular.LearnerForest, tabular.LearnerTree:
		f := &c.Forest
		f.MaxDepth = p.Int("max_depth", f.MaxDepth)
		f.MinLeafWeight = p.Float("min_leaf_weight", f.MinLeafWeight)
		f.FeatureFraction = p.Float("feature_share", f.FeatureFraction)
	case tabular.LearnerLinear:
		c.Linear.Alpha = p.Float("alpha", c.Linear.Alpha)
		c.Linear.Penalty = p.Text("penalty", c.Linear.Penalty)
	case tabular.LearnerLogistic:
		c.Logistic.Alpha = p.Float("alpha", c.Logistic.Alpha)
		c.Logistic.Penalty = p.Text("penalty", c.Logistic.Penalty)
	case tabular.LearnerSVM:
		c.SVM.C = p.Float("c", c.SVM.C)
	case tabular.LearnerMLP:
		applyMLPParams(p, &c.MLP)
	}
	return c
}

func tabularTuneCmd(e *env) *cobra.Command {
	var f tabularLearnerFlags
	var folds, trials int
	var seconds float64
	var metricName, method, out string
	var searchSeed uint64
	cmd := &cobra.Command{
		Use:   "tune --data TABLE --target COL --model M [--trials N] [--seconds S]",
		Short: "Search a learner's hyperparameters by k-fold cross-validation",
		Long: `tune draws hyperparameter settings for a learner and scores each by the mean
of a metric over a K-fold cross-validation (the split of 'promocast tabular cv'
with the same --folds and --seed). --method random scores every setting on
all folds; --method halving (successive halving) scores many settings on the
first folds only and gives all folds to the best third, rung after rung. The
search stops after --trials settings or --seconds, whichever comes first;
--out saves every trial, with the value minimised in its score column (the
metric, or its negative for a metric where higher is better). Searched
parameters replace the flags of the same name.`,
		Example: `  promocast tabular tune --data shoppers.csv --target Revenue --model gbdt --trials 27 --out trials.csv
  promocast tabular tune --data train.csv --target y --model rf --metric rmse --method random --trials 10`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if folds < 2 {
				return usagef("--folds %d: expected 2 or more", folds)
			}
			if method != "random" && method != "halving" {
				return usagef("--method %q: expected random or halving", method)
			}
			if metricName != "" && !slices.Contains(tabularMetrics, metricName) {
				return usagef("--metric %q: expected one of %s", metricName, strings.Join(tabularMetrics, ", "))
			}
			c, err := f.config(cmd.Flags())
			if err != nil {
				return err
			}
			space, ok := tabularTuneSpaces[c.Learner]
			if !ok {
				return usagef("--model %q: tune knows %s", c.Learner, strings.Join(tabular.Learners(), ", "))
			}
			fr, err := f.read(e)
			if err != nil {
				return err
			}
			var task string
			objective := func(_ context.Context, p tune.Params, budget float64) (float64, error) {
				limit := max(1, int(math.Ceil(budget*float64(folds)-1e-9)))
				res, err := tabular.CrossValidate(fr, applyTabularParams(c, p), tabular.CVOptions{Folds: folds, Seed: f.seed, Limit: limit})
				if err != nil {
					return 0, err
				}
				task = res.Task
				if metricName == "" {
					metricName = "rmse"
					if res.Task == tabular.Classification {
						metricName = "auc"
					}
				}
				if !slices.Contains(res.Metrics, metricName) {
					return 0, fmt.Errorf("--metric %q: a %s cross-validation scores %s", metricName, res.Task, strings.Join(res.Metrics, ", "))
				}
				v := res.Score(metricName)
				if slices.Contains(higherIsBetter, metricName) {
					v = -v
				}
				return v, nil
			}
			shown := func(score float64) float64 {
				if slices.Contains(higherIsBetter, metricName) {
					return -score
				}
				return score
			}
			res, best, err := runSearch(method, space, objective, tune.Options{Trials: trials, Time: time.Duration(seconds * float64(time.Second)), Seed: searchSeed,
				Progress: func(done, best tune.Trial) {
					fmt.Fprintf(e.stderr, "tune trial %d (rung %d, budget %.2f): %s %.4f; best %.4f\n", done.ID, done.Rung, done.Budget, metricName, shown(done.Score), shown(best.Score))
				}})
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%d trials of %s (%s, %d-fold cross-validation, %.1f full runs); best %s %.4f at budget %.2f with %v\n",
				len(res.Trials), c.Learner, task, folds, res.Spent, metricName, shown(best.Score), best.Budget, best.Params)
			if out != "" {
				return export.WriteFile(out, res.WriteCSV)
			}
			return nil
		},
	}
	f.register(cmd.Flags())
	fs := cmd.Flags()
	fs.IntVar(&folds, "folds", 5, "number of folds of a full evaluation")
	fs.StringVar(&metricName, "metric", "", "metric to optimise: auc (default for classification), pr_auc, logloss, accuracy, precision, recall, f1, rmse (default for regression), mae or r2")
	fs.StringVar(&method, "method", "halving", "random or halving")
	fs.IntVar(&trials, "trials", 20, "settings to draw")
	fs.Float64Var(&seconds, "seconds", 0, "stop starting trials after this long (0: no limit)")
	fs.Uint64Var(&searchSeed, "search-seed", 1, "seed of the drawn settings")
	fs.StringVar(&out, "out", "", "file for every trial (.csv)")
	return cmd
}
