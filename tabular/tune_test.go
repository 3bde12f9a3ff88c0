package tabular

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"promocast/tune"
)

// TestTunedReadsEverySpaceName checks that every setting a learner's table
// space declares changes the config Tuned returns.
func TestTunedReadsEverySpaceName(t *testing.T) {
	for _, l := range Learners() {
		space, ok := TuneSpace(l)
		if !ok {
			t.Fatalf("%s has no tuning space", l)
		}
		for name, dim := range space {
			draw := tune.Params{name: dim.Value(0.5)}
			if c := (Config{Learner: l}); reflect.DeepEqual(c.Tuned(draw), c) {
				t.Errorf("%s: drawing %s=%v leaves the config unchanged", l, name, draw[name])
			}
		}
	}
}

func TestMetrics(t *testing.T) {
	want := []string{"auc", "pr_auc", "logloss", "accuracy", "precision", "recall", "f1", "rmse", "mae", "r2"}
	if got := Metrics(); !slices.Equal(got, want) {
		t.Errorf("Metrics() = %v, want %v", got, want)
	}
	for _, m := range want {
		if got, want := HigherIsBetter(m), m != "logloss" && m != "rmse" && m != "mae"; got != want {
			t.Errorf("HigherIsBetter(%q) = %v, want %v", m, got, want)
		}
	}
}

// TestCVTuningScoresByCrossValidation checks that the tuning objective is
// the cross-validation's mean metric over the budget's folds, negated
// where higher is better, with the task's default metric.
func TestCVTuningScoresByCrossValidation(t *testing.T) {
	ctx := context.Background()
	reg := synthetic(t, 300, false, 3)
	c := Config{Target: "y", Learner: LearnerLinear}
	cv := &CVTuning{Table: reg, Config: c, Folds: 3, Seed: 7}
	full, err := CrossValidate(reg, c, CVOptions{Folds: 3, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	got, err := cv.Objective(ctx, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	if cv.Metric != "rmse" || cv.Task != Regression || got != full.Score("rmse") || !(got > 0.05 && got < 1) {
		t.Errorf("regression: %s %v (task %s), want rmse %v, between 0.05 and 1", cv.Metric, got, cv.Task, full.Score("rmse"))
	}
	// A third of the budget scores the first of the three folds.
	first, err := CrossValidate(reg, c, CVOptions{Folds: 3, Seed: 7, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := cv.Objective(ctx, nil, 1.0/3); err != nil || got != first.Score("rmse") || got == full.Score("rmse") {
		t.Errorf("a third of the budget: %v (%v), want the first fold's rmse %v", got, err, first.Score("rmse"))
	}
	// R² is maximised: the objective is its negative, and Value undoes that.
	r2 := &CVTuning{Table: reg, Config: c, Folds: 3, Seed: 7, Metric: "r2"}
	if got, err := r2.Objective(ctx, nil, 1); err != nil || got != -full.Score("r2") || r2.Value(got) != full.Score("r2") || !(full.Score("r2") > 0.8) {
		t.Errorf("r2: score %v (%v), want −%v (above 0.8 on this table)", got, err, full.Score("r2"))
	}

	cls := synthetic(t, 300, true, 3)
	cc := Config{Target: "y", Learner: LearnerLogistic}
	auc := &CVTuning{Table: cls, Config: cc, Folds: 3, Seed: 7}
	res, err := CrossValidate(cls, cc, CVOptions{Folds: 3, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := auc.Objective(ctx, nil, 1); err != nil || auc.Metric != "auc" || auc.Task != Classification || got != -res.Score("auc") || !(-got > 0.85) {
		t.Errorf("classification: %s %v (%v), want auc −%v above 0.85", auc.Metric, got, err, res.Score("auc"))
	}

	wrong := &CVTuning{Table: reg, Config: c, Folds: 3, Seed: 7, Metric: "auc"}
	_, err = wrong.Objective(ctx, nil, 1)
	var me *MetricError
	if !errors.As(err, &me) || me.Task != Regression || !slices.Equal(me.Metrics, []string{"rmse", "mae", "r2"}) {
		t.Fatalf("auc on a regression: %v, want a *MetricError listing rmse, mae, r2", err)
	}
	if want := `metric "auc": a regression cross-validation scores rmse, mae, r2`; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if v := wrong.Value(0.7); v != -0.7 {
		t.Errorf("Value(0.7) for auc = %v, want −0.7", v)
	}
}
