package metric

import (
	"errors"
	"math"
	"testing"
)

func TestRegressionWorkedExample(t *testing.T) {
	// y − p = 0.5 −0.5 0 −1; squares 0.25 0.25 0 1, Σ = 1.5.
	// ȳ = 11.5/4 = 2.875; Σ(y−ȳ)² = 0.015625 + 11.390625 + 0.765625 + 17.015625 = 29.1875.
	y := []float64{3, -0.5, 2, 7}
	p := []float64{2.5, 0, 2, 8}
	if got, err := RMSE(y, p, nil); err != nil || !near(got, math.Sqrt(1.5/4), 1e-15) {
		t.Errorf("RMSE = %v, %v; want sqrt(0.375)", got, err)
	}
	if got, err := MAE(y, p, nil); err != nil || got != 0.5 {
		t.Errorf("MAE = %v, %v; want 0.5", got, err)
	}
	if got, err := R2(y, p, nil); err != nil || !near(got, 1-1.5/29.1875, 1e-15) {
		t.Errorf("R2 = %v, %v; want 1 − 1.5/29.1875", got, err)
	}
	// Weights 1 0 1 2: RMSE² = (0.25 + 0 + 0 + 2·1)/4 = 0.5625; MAE = (0.5 + 0 + 0 + 2)/4.
	// ȳ = (3 + 2 + 14)/4 = 4.75; Σw(y−ȳ)² = 3.0625 + 7.5625 + 2·5.0625 = 20.75;
	// R² = 1 − 2.25/20.75.
	w := []float64{1, 0, 1, 2}
	if got, err := RMSE(y, p, w); err != nil || got != 0.75 {
		t.Errorf("weighted RMSE = %v, %v; want 0.75", got, err)
	}
	if got, err := MAE(y, p, w); err != nil || got != 0.625 {
		t.Errorf("weighted MAE = %v, %v; want 0.625", got, err)
	}
	if got, err := R2(y, p, w); err != nil || !near(got, 1-2.25/20.75, 1e-15) {
		t.Errorf("weighted R2 = %v, %v; want 1 − 2.25/20.75", got, err)
	}
	// Doubling every weight changes nothing.
	w2 := []float64{2, 0, 2, 4}
	for name, fn := range map[string]func(y, p, w []float64) (float64, error){"RMSE": RMSE, "MAE": MAE, "R2": R2} {
		a, _ := fn(y, p, w)
		b, _ := fn(y, p, w2)
		if !near(a, b, 1e-15) {
			t.Errorf("%s changes when weights are doubled: %v vs %v", name, a, b)
		}
	}
}

func TestRegressionEdgeCases(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		name string
		fn   func(y, p, w []float64) (float64, error)
		y, p []float64
		w    []float64
		want float64
	}{
		{"RMSE empty", RMSE, nil, nil, nil, nan},
		{"MAE zero weights", MAE, []float64{1, 2}, []float64{0, 0}, []float64{0, 0}, nan},
		{"R2 one row", R2, []float64{1}, []float64{1}, nil, nan},
		{"R2 zero weights", R2, []float64{1, 2}, []float64{1, 2}, []float64{0, 0}, nan},
		// scikit-learn's force_finite: constant targets give 1 if perfect, else 0.
		{"R2 constant perfect", R2, []float64{4, 4, 4}, []float64{4, 4, 4}, nil, 1},
		{"R2 constant imperfect", R2, []float64{4, 4, 4}, []float64{4, 5, 4}, nil, 0},
		// Predicting the mean scores 0; worse is negative: y = 0 2, p = 2 0: 1 − 8/2.
		{"R2 mean", R2, []float64{0, 2}, []float64{1, 1}, nil, 0},
		{"R2 negative", R2, []float64{0, 2}, []float64{2, 0}, nil, -3},
	}
	for _, c := range cases {
		if got, err := c.fn(c.y, c.p, c.w); err != nil || !near(got, c.want, 1e-15) {
			t.Errorf("%s = %v, %v; want %v", c.name, got, err, c.want)
		}
	}
	var ie *InputError
	if _, err := RMSE([]float64{1, 2}, []float64{1, 2}, []float64{1, -1}); !errors.As(err, &ie) || ie.Arg != "weights" || ie.Row != 1 {
		t.Errorf("negative weight: error %v, want an InputError on weights[1]", err)
	}
	if _, err := MAE([]float64{1, 2}, []float64{1, 2}, []float64{1}); !errors.As(err, &ie) || ie.Row != -1 {
		t.Errorf("short weights: error %v, want a length InputError", err)
	}
	if _, err := R2([]float64{1, 2}, []float64{nan, 2}, nil); !errors.As(err, &ie) || ie.Arg != "pred" || ie.Row != 0 {
		t.Errorf("NaN prediction: error %v, want an InputError on pred[0]", err)
	}
}
