package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"promocast/export"
	"promocast/tabular"
	"promocast/tune"
)

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
			if metricName != "" && !slices.Contains(tabular.Metrics(), metricName) {
				return usagef("--metric %q: expected one of %s", metricName, strings.Join(tabular.Metrics(), ", "))
			}
			c, err := f.config(cmd.Flags())
			if err != nil {
				return err
			}
			space, ok := tabular.TuneSpace(c.Learner)
			if !ok {
				return usagef("--model %q: tune knows %s", c.Learner, strings.Join(tabular.Learners(), ", "))
			}
			fr, err := f.read(e)
			if err != nil {
				return err
			}
			// A table no setting can fit (a target of three values, an
			// empty column) is refused before the first trial.
			if _, _, err := tabular.Prepare(fr, c); err != nil {
				return err
			}
			cv := &tabular.CVTuning{Table: fr, Config: c, Folds: folds, Seed: f.seed, Metric: metricName}
			objective := func(ctx context.Context, p tune.Params, budget float64) (float64, error) {
				v, err := cv.Objective(ctx, p, budget)
				if me := (*tabular.MetricError)(nil); errors.As(err, &me) {
					return v, fmt.Errorf("--%w", err) // the flag names the metric
				}
				return v, err
			}
			res, best, err := runSearch(method, space, objective, tune.Options{Trials: trials, Time: time.Duration(seconds * float64(time.Second)), Seed: searchSeed,
				Progress: func(done, best tune.Trial) {
					fmt.Fprintf(e.stderr, "tune trial %d (rung %d, budget %.2f): %s %.4f; best %.4f\n", done.ID, done.Rung, done.Budget, cv.Metric, cv.Value(done.Score), cv.Value(best.Score))
				}})
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%d trials of %s (%s, %d-fold cross-validation, %.1f full runs); best %s %.4f at budget %.2f with %v\n",
				len(res.Trials), c.Learner, cv.Task, folds, res.Spent, cv.Metric, cv.Value(best.Score), best.Budget, best.Params)
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
