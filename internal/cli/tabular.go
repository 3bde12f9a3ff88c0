package cli

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"promocast/data"
	"promocast/export"
	"promocast/ingest"
	"promocast/learn"
	"promocast/tabular"
)

func tabularCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tabular",
		Short: "Fit, cross-validate and apply a model on any table with a target column",
		Long: `Plain tabular learning with promocast's learners, for tables that are not a
sales history: one row per example, one column to predict, the others features.

Numeric columns are features as they are (empty = missing); text columns are
categories, and text columns holding only TRUE/FALSE are 0/1. A text target
with two values (or --task classification) makes a classifier that predicts
the probability of the positive class: the value spelled true, 1 or yes, else
the one that sorts last.`,
		Example: `  promocast tabular fit --data train.csv --target Revenue --model gbdt --out model.json
  promocast tabular predict --model model.json --data test.csv --out pred.csv
  promocast tabular cv --data train.csv --target Revenue --folds 5 --model rf`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(tabularFitCmd(e), tabularPredictCmd(e), tabularCVCmd(e), tabularTuneCmd(e))
	return cmd
}

// tabularLearnerFlags choose the table, the target and the learner.
type tabularLearnerFlags struct {
	data, target, task, learner string
	drop, categorical           []string

	objective                         string
	quantile                          float64
	rounds, maxDepth, maxLeaves, bins int
	learningRate, minChildWeight, l2  float64
	rowSubsample, colSubsample        float64
	seed                              uint64
	threads                           int
	exactGradients                    bool
	penalty                           string
	alpha, l1Ratio                    float64
}

// tabularFlagLearners returns, for each tuning flag, the learners it tunes.
func tabularFlagLearners() map[string][]string {
	return map[string][]string{
		"objective":        {tabular.LearnerGBDT},
		"quantile":         {tabular.LearnerGBDT},
		"learning-rate":    {tabular.LearnerGBDT},
		"l2":               {tabular.LearnerGBDT},
		"row-subsample":    {tabular.LearnerGBDT},
		"exact-gradients":  {tabular.LearnerGBDT},
		"rounds":           {tabular.LearnerGBDT, tabular.LearnerForest},
		"col-subsample":    {tabular.LearnerGBDT, tabular.LearnerForest},
		"max-depth":        {tabular.LearnerGBDT, tabular.LearnerForest, tabular.LearnerTree},
		"max-leaves":       {tabular.LearnerGBDT, tabular.LearnerForest, tabular.LearnerTree},
		"bins":             {tabular.LearnerGBDT, tabular.LearnerForest, tabular.LearnerTree},
		"min-child-weight": {tabular.LearnerGBDT, tabular.LearnerForest, tabular.LearnerTree},
		"penalty":          {tabular.LearnerLinear, tabular.LearnerLogistic},
		"alpha":            {tabular.LearnerLinear, tabular.LearnerLogistic},
		"l1-ratio":         {tabular.LearnerLinear, tabular.LearnerLogistic},
	}
}

func (f *tabularLearnerFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.data, "data", "", "table: CSV, CSV.gz or Parquet with a header row")
	fs.StringVar(&f.target, "target", "", "column to predict")
	fs.StringSliceVar(&f.drop, "drop", nil, "columns that are not features, e.g. ids (comma-separated)")
	fs.StringSliceVar(&f.categorical, "categorical", nil, "numeric-looking columns to treat as categories, e.g. codes (comma-separated)")
	fs.StringVar(&f.task, "task", "auto", "regression, classification or auto (text target or classifying learner: classification)")
	fs.StringVar(&f.learner, "model", tabular.LearnerGBDT, "learner: "+strings.Join(tabular.Learners(), ", ")+
		"; presets "+strings.Join(learn.Presets(learn.Table), ", "))
	fs.StringVar(&f.objective, "objective", "", "gbdt loss: squared, poisson, tweedie, quantile or logistic (default squared; logistic for classification)")
	fs.Float64Var(&f.quantile, "quantile", 0, "quantile level of the quantile objective (0: 0.5)")
	fs.IntVar(&f.rounds, "rounds", 0, "boosting rounds of gbdt, trees of rf (0: 100)")
	fs.IntVar(&f.maxDepth, "max-depth", 0, "depth limit of a tree (0: 6 for gbdt, unlimited for rf and tree)")
	fs.IntVar(&f.maxLeaves, "max-leaves", 0, "leaf limit of a tree (0: 31 for gbdt, unlimited for rf and tree)")
	fs.Float64Var(&f.learningRate, "learning-rate", 0, "gbdt shrinkage (0: 0.1)")
	fs.IntVar(&f.bins, "bins", 0, "histogram bins per feature, at most 255 (0: 255)")
	fs.Float64Var(&f.minChildWeight, "min-child-weight", 0, "least hessian sum (gbdt) or row weight (rf, tree) of a leaf (0: 1)")
	fs.Float64Var(&f.l2, "l2", 0, "gbdt L2 penalty on leaf values (0: 1; negative: none)")
	fs.Float64Var(&f.rowSubsample, "row-subsample", 0, "fraction of rows each gbdt tree sees (0: 1)")
	fs.BoolVar(&f.exactGradients, "exact-gradients", false, "gbdt: build split histograms from float gradients instead of integer-rounded ones (slower; leaf values are exact either way)")
	fs.Float64Var(&f.colSubsample, "col-subsample", 0, "fraction of features per gbdt tree or per rf node (0: 1 for gbdt, 1/3 or 1/√features for rf)")
	fs.Uint64Var(&f.seed, "seed", 1, "seed of sampling and of the cross-validation shuffle")
	fs.IntVar(&f.threads, "threads", 0, "goroutines for tree learners (0: all cores); results do not depend on it")
	fs.StringVar(&f.penalty, "penalty", "", "linear and logistic penalty: ridge, lasso, elasticnet or none (default ridge)")
	fs.Float64Var(&f.alpha, "alpha", 0, "linear and logistic penalty strength (0: 0.001 for linear, C=1 for logistic)")
	fs.Float64Var(&f.l1Ratio, "l1-ratio", 0, "L1 share of an elasticnet penalty (0: 0.5)")
}

// config checks the flags and turns them into a tabular.Config; every
// error is a usage error.
func (f *tabularLearnerFlags) config(fs *pflag.FlagSet) (tabular.Config, error) {
	var c tabular.Config
	if f.data == "" {
		return c, usagef("--data is required: the table to learn from")
	}
	if f.target == "" {
		return c, usagef("--target is required: the column to predict")
	}
	l, ok := learn.Lookup(f.learner)
	if !ok || !l.Learns(learn.Table) {
		return c, usagef("--model %q: expected one of %s (or a preset: %s)", f.learner, strings.Join(tabular.Learners(), ", "), strings.Join(learn.Presets(learn.Table), ", "))
	}
	var bad error
	tunes := tabularFlagLearners()
	fs.Visit(func(fl *pflag.Flag) {
		switch ls, ok := tunes[fl.Name]; {
		case bad != nil || !ok:
		case !slices.Contains(ls, l.Family()):
			bad = usagef("--%s does not apply to --model %s (it tunes %s)", fl.Name, f.learner, strings.Join(ls, ", "))
		case (fl.Name == "penalty" || fl.Name == "objective") && l.Name() != l.Family():
			bad = usagef("--%s does not apply to --model %s, a preset that fixes it; use --model %s", fl.Name, f.learner, l.Family())
		}
	})
	if bad != nil {
		return c, bad
	}
	switch {
	case f.rounds < 0:
		return c, usagef("--rounds %d: expected a positive count", f.rounds)
	case f.bins < 0 || f.bins > 255:
		return c, usagef("--bins %d: expected 2 to 255", f.bins)
	case f.learningRate < 0:
		return c, usagef("--learning-rate %g: expected a positive number", f.learningRate)
	case f.minChildWeight < 0:
		return c, usagef("--min-child-weight %g: expected a positive number", f.minChildWeight)
	case f.rowSubsample < 0 || f.rowSubsample > 1:
		return c, usagef("--row-subsample %g: expected a fraction in (0, 1]", f.rowSubsample)
	case f.colSubsample < 0 || f.colSubsample > 1:
		return c, usagef("--col-subsample %g: expected a fraction in (0, 1]", f.colSubsample)
	case f.threads < 0:
		return c, usagef("--threads %d: expected 0 (all cores) or more", f.threads)
	case f.alpha < 0:
		return c, usagef("--alpha %g: expected a non-negative number", f.alpha)
	}
	switch f.objective {
	case "", "squared", "poisson", "tweedie", "quantile", "logistic":
	default:
		return c, usagef("--objective %q: expected squared, poisson, tweedie, quantile or logistic", f.objective)
	}
	switch f.penalty {
	case "", "ridge", "lasso", "elasticnet", "none":
	default:
		return c, usagef("--penalty %q: expected ridge, lasso, elasticnet or none", f.penalty)
	}
	switch f.task {
	case "auto":
	case tabular.Regression, tabular.Classification:
		c.Task = f.task
	default:
		return c, usagef("--task %q: expected regression, classification or auto", f.task)
	}
	c.Target, c.Drop, c.Learner = f.target, f.drop, f.learner
	g := &c.GBDT
	g.Objective, g.Alpha, g.Rounds, g.MaxDepth, g.MaxLeaves = f.objective, f.quantile, f.rounds, f.maxDepth, f.maxLeaves
	g.LearningRate, g.Bins, g.MinChildWeight, g.L2 = f.learningRate, f.bins, f.minChildWeight, f.l2
	g.RowSubsample, g.ColSubsample, g.Seed, g.Threads = f.rowSubsample, f.colSubsample, f.seed, f.threads
	g.ExactGradients = f.exactGradients
	r := &c.Forest
	r.Trees, r.MaxDepth, r.MaxLeaves, r.MinLeafWeight = f.rounds, f.maxDepth, f.maxLeaves, f.minChildWeight
	r.FeatureFraction, r.Bins, r.Seed, r.Threads = f.colSubsample, f.bins, f.seed, f.threads
	c.Linear.Penalty, c.Linear.Alpha, c.Linear.L1Ratio = f.penalty, f.alpha, f.l1Ratio
	c.Logistic.Penalty, c.Logistic.Alpha, c.Logistic.L1Ratio = f.penalty, f.alpha, f.l1Ratio
	if err := c.Check(); err != nil {
		return c, usageError{err}
	}
	return c, nil
}

// read reads the table, forcing the --categorical columns to text.
func (f *tabularLearnerFlags) read(e *env) (*data.Frame, error) {
	var opt ingest.Options
	if len(f.categorical) > 0 {
		opt.Types = map[string]data.Kind{}
		for _, c := range f.categorical {
			opt.Types[c] = data.String
		}
	}
	start := time.Now()
	e.log.Info("reading table", "file", f.data)
	fr, err := ingest.Read(f.data, opt)
	if err != nil {
		return nil, err
	}
	e.log.Info("read table", "file", f.data, "rows", fr.Rows(), "columns", len(fr.Columns), "seconds", roundSeconds(time.Since(start)))
	return fr, nil
}

func roundSeconds(d time.Duration) float64 { return float64(d.Milliseconds()) / 1000 }

func tabularFitCmd(e *env) *cobra.Command {
	var f tabularLearnerFlags
	var out string
	cmd := &cobra.Command{
		Use:   "fit --data TABLE --target COL --out MODEL",
		Short: "Train a model on a table and save it",
		Long: `Train one learner on every row of a table and write a tabular model file (JSON
with a checksum, written atomically). Flags that tune another learner than
--model are refused; unset tuning flags keep the learner's defaults.`,
		Example: `  promocast tabular fit --data shoppers.csv --target Revenue --out shoppers.json
  promocast tabular fit --data train.csv --target y --model gbdt --rounds 200 --max-depth 8 \
      --max-leaves 255 --learning-rate 0.1 --threads 2 --out model.json
  promocast tabular fit --data train.csv --target y --model rf --rounds 300 --drop id --out rf.json
  promocast tabular fit --data train.csv --target churned --model logistic --penalty lasso --alpha 0.01 --out lr.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usagef("--out is required: the model file to write")
			}
			c, err := f.config(cmd.Flags())
			if err != nil {
				return err
			}
			fr, err := f.read(e)
			if err != nil {
				return err
			}
			start := time.Now()
			e.log.Info("training", "model", c.Learner, "target", c.Target, "rows", fr.Rows())
			m, err := tabular.Fit(fr, c)
			if err != nil {
				return err
			}
			e.log.Info("trained", "model", c.Learner, "seconds", roundSeconds(time.Since(start)))
			if err := tabular.Write(out, m); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "trained %s (%s) on %d rows, %d features; wrote %s\n",
				m.Learner, describeTarget(m.Schema.Target), m.Rows, len(m.Schema.Features), out)
			return nil
		},
	}
	f.register(cmd.Flags())
	cmd.Flags().StringVar(&out, "out", "", "model file to write")
	return cmd
}

func describeTarget(t tabular.Target) string {
	if t.Task == tabular.Classification {
		return fmt.Sprintf("classifies %s: probability of %q vs %q", t.Name, t.Positive, t.Negative)
	}
	return "regression of " + t.Name
}

func tabularPredictCmd(e *env) *cobra.Command {
	var modelPath, dataPath, out string
	var keep []string
	cmd := &cobra.Command{
		Use:   "predict --model MODEL --data TABLE --out PREDICTIONS",
		Short: "Predict every row of a table with a tabular model",
		Long: `Predict every row of a table with a model from 'promocast tabular fit'. The
output has one row per input row, in the input's order, with the --keep
columns and then 'prediction': the predicted target of a regressor, the
probability of the positive class of a classifier. The table needs the
model's feature columns (found by name; the target may be absent). The output
format follows the --out extension: .csv, .csv.gz, .parquet or .json.`,
		Example: `  promocast tabular predict --model model.json --data test.csv --out pred.csv
  promocast tabular predict --model model.json --data test.parquet --keep id --out pred.parquet`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if modelPath == "" || dataPath == "" || out == "" {
				return usagef("--model, --data and --out are required")
			}
			if slices.Contains(keep, tabular.PredictionColumn) {
				return usagef("--keep %s: the output's prediction column has that name", tabular.PredictionColumn)
			}
			m, err := tabular.Read(modelPath)
			if err != nil {
				return err
			}
			e.log.Info("reading table", "file", dataPath)
			fr, err := m.ReadInput(dataPath, keep)
			if err != nil {
				return err
			}
			res, err := m.PredictTable(fr, keep, out)
			if err != nil {
				return err
			}
			if err := export.Write(out, res); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "predicted %d rows with %s (%s); wrote %s\n", res.Rows(), m.Learner, describeTarget(m.Schema.Target), out)
			for _, u := range m.Schema.Unseen(fr) {
				e.log.Warn(fmt.Sprintf("%s, column %s: %d cell(s) hold values training never saw (the first: row %d, %q), read as missing",
					fr.Source, u.Column, u.Cells, u.Row, u.Value))
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&modelPath, "model", "", "model file from 'promocast tabular fit'")
	fs.StringVar(&dataPath, "data", "", "table to predict: CSV, CSV.gz or Parquet")
	fs.StringVar(&out, "out", "", "predictions to write (.csv, .csv.gz, .parquet, .json)")
	fs.StringSliceVar(&keep, "keep", nil, "input columns to copy to the output before the prediction, e.g. an id")
	return cmd
}

func tabularCVCmd(e *env) *cobra.Command {
	var f tabularLearnerFlags
	var folds int
	cmd := &cobra.Command{
		Use:   "cv --data TABLE --target COL [--folds K]",
		Short: "Cross-validate a learner on a table and print the scores",
		Long: `K-fold cross-validation: rows are shuffled with --seed and dealt into K folds
(per class for a classifier, so every fold keeps the class balance), and each
fold is scored by a model trained on the others. Prints one row per fold and
the mean and standard deviation: rmse, mae and r2 for regression; auc,
pr_auc (average precision), logloss, and accuracy, precision, recall and f1
at probability 0.5 for classification.`,
		Example: `  promocast tabular cv --data shoppers.csv --target Revenue --folds 5
  promocast tabular cv --data shoppers.csv --target Revenue --model logistic
  promocast tabular cv --data train.csv --target y --model rf --rounds 200 --seed 7`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if folds < 2 {
				return usagef("--folds %d: expected 2 or more", folds)
			}
			c, err := f.config(cmd.Flags())
			if err != nil {
				return err
			}
			fr, err := f.read(e)
			if err != nil {
				return err
			}
			prog := newProgress(e, folds, "cv "+c.Learner+" fold")
			res, err := tabular.CrossValidate(fr, c, tabular.CVOptions{Folds: folds, Seed: f.seed,
				Progress: func(int, int) { prog.step("") }})
			prog.finish()
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%d-fold cross-validation of %s on %s (%d rows), %s\n", folds, res.Learner, f.data, fr.Rows(), res.Task)
			return res.WriteTable(e.stdout)
		},
	}
	f.register(cmd.Flags())
	cmd.Flags().IntVar(&folds, "folds", 5, "number of folds")
	return cmd
}
