package tabular

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"promocast/data"
	"promocast/tune"
)

// Metrics lists every metric CrossValidate reports: a classification's,
// then a regression's.
func Metrics() []string { return slices.Concat(classificationMetrics, regressionMetrics) }

// higherIsBetter lists the metrics to maximise; tuning minimises their
// negative.
var higherIsBetter = []string{"auc", "pr_auc", "accuracy", "precision", "recall", "f1", "r2"}

// HigherIsBetter reports whether a larger value of the named metric is
// better: auc, pr_auc, accuracy, precision, recall, f1 and r2.
func HigherIsBetter(metric string) bool { return slices.Contains(higherIsBetter, metric) }

// MetricError reports a metric the task's cross-validation does not score.
type MetricError struct {
	Metric, Task string
	Metrics      []string // what the task's cross-validation scores
}

// Error names the metric and what the task's cross-validation scores.
func (e *MetricError) Error() string {
	return fmt.Sprintf("metric %q: a %s cross-validation scores %s", e.Metric, e.Task, strings.Join(e.Metrics, ", "))
}

// CVTuning scores the settings a search draws for a table's learner by
// K-fold cross-validation (CrossValidate's split, the same for every
// setting); Objective is its tune.Objective. The panel equivalent is
// train.TuneObjective.
type CVTuning struct {
	// Table is the table cross-validated.
	Table *data.Frame
	// Config is the learner and its options before a setting is applied.
	Config Config
	// Folds is the number of folds of a full evaluation; Seed seeds the
	// split.
	Folds int
	Seed  uint64
	// Metric is the metric scored; "" until the first trial sets the
	// task's default: auc for classification, rmse for regression.
	Metric string
	// Task is the task the last trial's cross-validation found; "" before
	// the first.
	Task string
}

// Objective scores setting p by the mean of Metric over the first
// ⌈budget·Folds⌉ folds (at least one): the metric, or its negative where
// higher is better, for tune minimises. A metric the task does not score
// is a *MetricError. Trials run one at a time: it sets Metric and Task.
func (t *CVTuning) Objective(_ context.Context, p tune.Params, budget float64) (float64, error) {
	limit := max(1, int(math.Ceil(budget*float64(t.Folds)-1e-9)))
	res, err := CrossValidate(t.Table, t.Config.Tuned(p), CVOptions{Folds: t.Folds, Seed: t.Seed, Limit: limit})
	if err != nil {
		return 0, err
	}
	t.Task = res.Task
	if t.Metric == "" {
		t.Metric = "rmse"
		if res.Task == Classification {
			t.Metric = "auc"
		}
	}
	if !slices.Contains(res.Metrics, t.Metric) {
		return 0, &MetricError{Metric: t.Metric, Task: res.Task, Metrics: res.Metrics}
	}
	return t.Value(res.Score(t.Metric)), nil
}

// Value converts between Metric's value and the score Objective minimises
// (either way: negation is its own inverse).
func (t *CVTuning) Value(v float64) float64 {
	if HigherIsBetter(t.Metric) {
		return -v
	}
	return v
}
