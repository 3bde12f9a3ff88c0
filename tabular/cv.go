package tabular

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"

	"promocast/data"
	"promocast/metric"
	"promocast/model"
)

// Metric names, in the order CVResult lists them.
var (
	regressionMetrics     = []string{"rmse", "mae", "r2"}
	classificationMetrics = []string{"auc", "pr_auc", "logloss", "accuracy", "precision", "recall", "f1"}
)

// CVOptions configures CrossValidate.
type CVOptions struct {
	// Folds is the number of folds, at least 2; 0 means 5.
	Folds int
	// Seed seeds the shuffle that deals rows to folds.
	Seed uint64
	// Limit, when between 1 and Folds, scores only the first Limit folds
	// of the same K-fold split: a cheaper, noisier estimate, as successive
	// halving's early rungs want. 0 scores every fold.
	Limit int
	// Progress, when not nil, is called before each fold is trained with
	// the fold's 1-based number and the fold count.
	Progress func(fold, folds int)
}

// Fold is the score of one fold.
type Fold struct {
	// TrainRows and TestRows count the rows the model was trained and
	// scored on.
	TrainRows, TestRows int
	// Scores holds one value per name in CVResult.Metrics.
	Scores []float64
}

// CVResult is the outcome of a cross-validation.
type CVResult struct {
	// Learner and Task are what was validated.
	Learner, Task string
	// Metrics names the scores: rmse, mae, r2 for regression; auc, pr_auc
	// (average precision), logloss, accuracy, precision, recall, f1 (at
	// probability 0.5) for classification.
	Metrics []string
	// Folds holds the per-fold scores in fold order.
	Folds []Fold
	// Mean and Std are each metric's mean and sample standard deviation
	// over the folds (NaN folds, e.g. an undefined precision, are skipped).
	Mean, Std []float64
}

// Score returns the mean of the named metric, or NaN when there is none.
func (r *CVResult) Score(name string) float64 {
	for k, m := range r.Metrics {
		if m == name {
			return r.Mean[k]
		}
	}
	return math.NaN()
}

// CrossValidate scores c's learner on table f by K-fold cross-validation:
// rows are shuffled with opt.Seed and dealt into folds (for classification
// each class separately, so that every fold keeps the class balance); each
// fold is scored by a model trained on the others. The schema, including
// the categorical levels, is inferred once from all of f. Same table,
// config and seed give the same result.
func CrossValidate(f *data.Frame, c Config, opt CVOptions) (*CVResult, error) {
	c, err := c.withDefaults()
	if err != nil {
		return nil, err
	}
	k := opt.Folds
	if k == 0 {
		k = 5
	}
	s, ds, err := prepare(f, c)
	if err != nil {
		return nil, err
	}
	n := ds.X.Rows
	if k < 2 || k > n {
		return nil, fmt.Errorf("%d folds for %d rows: expected 2 to %d", k, n, n)
	}
	scored := k
	if opt.Limit != 0 {
		if opt.Limit < 0 || opt.Limit > k {
			return nil, fmt.Errorf("cross-validation limit %d: expected 1 to %d folds", opt.Limit, k)
		}
		scored = opt.Limit
	}
	task := s.Target.Task
	fold := assignFolds(ds.Y, k, task == Classification, opt.Seed)
	res := &CVResult{Learner: c.Learner, Task: task, Metrics: regressionMetrics}
	if task == Classification {
		res.Metrics = classificationMetrics
	}
	for i := 0; i < scored; i++ {
		if opt.Progress != nil {
			opt.Progress(i+1, scored)
		}
		trn, test := split(ds, fold, i)
		if test.X.Rows == 0 {
			return nil, fmt.Errorf("fold %d of %d is empty", i+1, k)
		}
		p, err := train(trn, task, c)
		if err != nil {
			return nil, fmt.Errorf("%s: fold %d of %d: train %s: %w", f.Source, i+1, k, c.Learner, err)
		}
		pred := make([]float64, test.X.Rows)
		if err := p.Predict(test.X, pred); err != nil {
			return nil, fmt.Errorf("%s: fold %d of %d: predict: %w", f.Source, i+1, k, err)
		}
		scores, err := score(task, test.Y, pred)
		if err != nil {
			return nil, fmt.Errorf("%s: fold %d of %d: score: %w", f.Source, i+1, k, err)
		}
		res.Folds = append(res.Folds, Fold{TrainRows: trn.X.Rows, TestRows: test.X.Rows, Scores: scores})
	}
	res.Mean, res.Std = summarise(res.Folds, len(res.Metrics))
	return res, nil
}

// assignFolds returns each row's fold in 0..k-1. Rows are shuffled with a
// generator seeded by seed and dealt round-robin; with stratify, the rows of
// each class (y 0 or 1) are shuffled and dealt in turn, continuing the
// round-robin, so fold sizes differ by at most one and every fold holds
// its share of each class.
func assignFolds(y []float64, k int, stratify bool, seed uint64) []int {
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	var groups [][]int
	if stratify {
		groups = make([][]int, 2)
		for i, v := range y {
			g := 0
			if v == 1 {
				g = 1
			}
			groups[g] = append(groups[g], i)
		}
	} else {
		all := make([]int, len(y))
		for i := range all {
			all[i] = i
		}
		groups = [][]int{all}
	}
	fold := make([]int, len(y))
	next := 0
	for _, g := range groups {
		rng.Shuffle(len(g), func(a, b int) { g[a], g[b] = g[b], g[a] })
		for _, i := range g {
			fold[i] = next
			next = (next + 1) % k
		}
	}
	return fold
}

// split returns the rows outside fold i and the rows in it, each in the
// original row order.
func split(ds *model.Dataset, fold []int, i int) (train, test *model.Dataset) {
	nTest := 0
	for _, f := range fold {
		if f == i {
			nTest++
		}
	}
	cols := ds.X.Cols
	train = &model.Dataset{X: data.NewMatrix(len(fold)-nTest, cols), Y: make([]float64, 0, len(fold)-nTest), Features: ds.Features}
	test = &model.Dataset{X: data.NewMatrix(nTest, cols), Y: make([]float64, 0, nTest), Features: ds.Features}
	for r, f := range fold {
		dst := train
		if f == i {
			dst = test
		}
		copy(dst.X.Row(len(dst.Y)), ds.X.Row(r))
		dst.Y = append(dst.Y, ds.Y[r])
	}
	return train, test
}

// score computes the task's metrics of predictions p against targets y.
func score(task string, y, p []float64) ([]float64, error) {
	if task == Regression {
		rmse, err := metric.RMSE(y, p, nil)
		if err != nil {
			return nil, err
		}
		mae, err := metric.MAE(y, p, nil)
		if err != nil {
			return nil, err
		}
		r2, err := metric.R2(y, p, nil)
		if err != nil {
			return nil, err
		}
		return []float64{rmse, mae, r2}, nil
	}
	auc, err := metric.AUC(y, p, nil)
	if err != nil {
		return nil, err
	}
	ap, err := metric.AveragePrecision(y, p, nil)
	if err != nil {
		return nil, err
	}
	ll, err := metric.LogLoss(y, p, nil)
	if err != nil {
		return nil, err
	}
	cm, err := metric.Classify(y, p, nil, metric.DefaultThreshold)
	if err != nil {
		return nil, err
	}
	return []float64{auc, ap, ll, cm.Accuracy(), cm.Precision(), cm.Recall(), cm.F1()}, nil
}

// summarise returns the mean and sample standard deviation of each of m
// metrics over the folds, skipping NaN scores.
func summarise(folds []Fold, m int) (mean, std []float64) {
	mean, std = make([]float64, m), make([]float64, m)
	for k := 0; k < m; k++ {
		var sum, n float64
		for _, f := range folds {
			if v := f.Scores[k]; !math.IsNaN(v) {
				sum += v
				n++
			}
		}
		mean[k] = sum / n
		var ss float64
		for _, f := range folds {
			if v := f.Scores[k]; !math.IsNaN(v) {
				ss += (v - mean[k]) * (v - mean[k])
			}
		}
		std[k] = math.NaN()
		if n > 1 {
			std[k] = math.Sqrt(ss / (n - 1))
		}
	}
	return mean, std
}

// WriteTable prints the result as a fixed-width table: one row per fold,
// then the mean and the standard deviation.
func (r *CVResult) WriteTable(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%-6s %9s %9s", "fold", "train", "test")
	for _, m := range r.Metrics {
		fmt.Fprintf(&b, " %9s", m)
	}
	b.WriteByte('\n')
	for i, f := range r.Folds {
		fmt.Fprintf(&b, "%-6d %9d %9d", i+1, f.TrainRows, f.TestRows)
		for _, v := range f.Scores {
			fmt.Fprintf(&b, " %9.4f", v)
		}
		b.WriteByte('\n')
	}
	for _, row := range []struct {
		name string
		v    []float64
	}{{"mean", r.Mean}, {"std", r.Std}} {
		fmt.Fprintf(&b, "%-6s %9s %9s", row.name, "", "")
		for _, v := range row.v {
			fmt.Fprintf(&b, " %9.4f", v)
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}
