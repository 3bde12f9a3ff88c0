package train

import (
	"context"
	"testing"

	"promocast/backtest"
	"promocast/ensemble"
	"promocast/forecast"
	"promocast/learn"
	"promocast/tune"
)

// TestTuneObjective checks that a full budget scores the drawn setting on
// every fold, as a plain backtest of the same learner does.
func TestTuneObjective(t *testing.T) {
	hist, sp := shop(t)
	opt := Options{Model: "ridge", Folds: 2, Forecast: forecast.TrainOptions{Horizon: 7}}
	pr, err := Prepare(hist, sp, opt)
	if err != nil {
		t.Fatal(err)
	}
	draw := tune.Params{"alpha": 0.01}
	got, err := TuneObjective(pr, opt)(context.Background(), draw, 1)
	if err != nil {
		t.Fatal(err)
	}
	fit, _ := ensemble.New("ridge", learn.Options{}.Tuned("ridge", draw))
	reps, err := backtest.Run(pr, backtest.Options{Folds: 2, Horizon: 7}, []backtest.Candidate{{Name: "ridge", Fit: fit}})
	if err != nil {
		t.Fatal(err)
	}
	if want := reps[0].Overall.WAPE; got != want {
		t.Errorf("objective %v, backtest WAPE %v", got, want)
	}
	if _, err := TuneObjective(pr, Options{Model: "xgboost", Folds: 2, Forecast: opt.Forecast})(context.Background(), draw, 1); err == nil {
		t.Error("an unknown learner scored")
	}
}
