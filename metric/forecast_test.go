package metric

import (
	"errors"
	"math"
	"testing"
)

// The worked example used by the forecast tests:
//
//	actual   a = 10  0  5  20
//	forecast f = 12  1  5  15
//	|a−f|      =  2  1  0   5    Σ = 8,  Σ|a| = 35,  Σa = 35
//	f−a        =  2  1  0  −5    Σ = −2
var (
	exA = []float64{10, 0, 5, 20}
	exF = []float64{12, 1, 5, 15}
)

func near(got, want, tol float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func TestForecastMetricsWorkedExample(t *testing.T) {
	// MAPE skips the zero actual: (2/10 + 0/5 + 5/20) / 3 = 0.45/3 = 0.15.
	mape, skipped, err := MAPE(exA, exF)
	if err != nil || !near(mape, 0.15, 1e-15) || skipped != 1 {
		t.Errorf("MAPE = %v, %d skipped, %v; want 0.15, 1 skipped", mape, skipped, err)
	}
	// RMSPE skips it too: sqrt((0.2² + 0² + 0.25²)/3) = sqrt(0.1025/3).
	rmspe, skipped, err := RMSPE(exA, exF)
	if err != nil || !near(rmspe, math.Sqrt(0.1025/3), 1e-15) || skipped != 1 {
		t.Errorf("RMSPE = %v, %d skipped, %v; want %v, 1 skipped", rmspe, skipped, err, math.Sqrt(0.1025/3))
	}
	// WAPE = 8/35.
	if got, err := WAPE(exA, exF); err != nil || !near(got, 8.0/35, 1e-15) {
		t.Errorf("WAPE = %v, %v; want 8/35", got, err)
	}
	// SMAPE terms 4/22, 2/1 (actual 0, forecast 1), 0, 10/35:
	// (2/11 + 2 + 2/7)/4 = (190/77)/4 = 95/154.
	if got, err := SMAPE(exA, exF); err != nil || !near(got, 95.0/154, 1e-15) {
		t.Errorf("SMAPE = %v, %v; want 95/154", got, err)
	}
	// RMSE = sqrt((4+1+0+25)/4) = sqrt(7.5).
	if got, err := RMSE(exA, exF, nil); err != nil || !near(got, math.Sqrt(7.5), 1e-15) {
		t.Errorf("RMSE = %v, %v; want sqrt(7.5)", got, err)
	}
	// Bias = −2/35: the forecasts are 2 units short in total, an under-forecast.
	if got, err := Bias(exA, exF); err != nil || !near(got, -2.0/35, 1e-15) {
		t.Errorf("Bias = %v, %v; want -2/35", got, err)
	}
	// MASE with scale 2: (2+1+0+5)/2/4 = 1.
	if got, err := MASE(exA, exF, 2); err != nil || got != 1 {
		t.Errorf("MASE = %v, %v; want 1", got, err)
	}
	// Pinball at q = 0.9, d = a−f = −2 −1 0 5:
	// 0.1·2 + 0.1·1 + 0 + 0.9·5 = 4.8, /4 = 1.2.
	if got, err := Pinball(exA, exF, 0.9); err != nil || !near(got, 1.2, 1e-15) {
		t.Errorf("Pinball(0.9) = %v, %v; want 1.2", got, err)
	}
	// At q = 0.5 pinball is half the MAE: 8/4/2 = 1.
	if got, err := Pinball(exA, exF, 0.5); err != nil || got != 1 {
		t.Errorf("Pinball(0.5) = %v, %v; want 1", got, err)
	}
}

func TestMASEScale(t *testing.T) {
	h := []float64{1, 2, math.NaN(), 4, 6, 5, 10}
	cases := []struct {
		season int
		want   float64
	}{
		// Pairs (t, t−1): |2−1|=1, (NaN), (NaN), |6−4|=2, |5−6|=1, |10−5|=5: 9/4.
		{1, 9.0 / 4},
		// Pairs (t, t−2): (NaN), |4−2|=2, (NaN), |5−4|=1, |10−6|=4: 7/3.
		{2, 7.0 / 3},
		// Pairs (t, t−6): |10−1| = 9.
		{6, 9},
		// No pair: history no longer than the season.
		{7, math.NaN()},
		{0, math.NaN()},
		{-1, math.NaN()},
	}
	for _, c := range cases {
		if got := MASEScale(h, c.season); !near(got, c.want, 1e-15) {
			t.Errorf("MASEScale(season %d) = %v, want %v", c.season, got, c.want)
		}
	}
	if got := MASEScale([]float64{3, 3, 3}, 1); got != 0 {
		t.Errorf("MASEScale(constant) = %v, want 0", got)
	}
	if got := MASEScale(nil, 1); !math.IsNaN(got) {
		t.Errorf("MASEScale(nil) = %v, want NaN", got)
	}
	// The scale is exactly the in-sample MAE of the seasonal-naive forecast.
	hist := []float64{5, 7, 6, 9, 8, 11}
	s := MASEScale(hist, 2)
	if got, err := MASE(hist[2:], hist[:4], s); err != nil || !near(got, 1, 1e-15) {
		t.Errorf("in-sample MASE of seasonal naive = %v, %v; want 1", got, err)
	}
}

func TestIntervalMetrics(t *testing.T) {
	lo := []float64{8, 0, 6, 10}
	hi := []float64{12, 2, 9, 20}
	// 10∈[8,12] yes, 0∈[0,2] yes (bound), 5∈[6,9] no, 20∈[10,20] yes (bound): 3/4.
	if got, err := Coverage(exA, lo, hi); err != nil || got != 0.75 {
		t.Errorf("Coverage = %v, %v; want 0.75", got, err)
	}
	// Widths 4, 2, 3, 10: 19/4.
	if got, err := MeanIntervalWidth(lo, hi); err != nil || got != 4.75 {
		t.Errorf("MeanIntervalWidth = %v, %v; want 4.75", got, err)
	}
	var ie *InputError
	if _, err := Coverage(exA, hi, lo); !errors.As(err, &ie) || ie.Row != 0 || ie.Arg != "hi" {
		t.Errorf("Coverage(lo > hi) error = %v, want an InputError on hi[0]", err)
	}
	if _, err := MeanIntervalWidth(lo, hi[:3]); !errors.As(err, &ie) || ie.Row != -1 {
		t.Errorf("MeanIntervalWidth(short hi) error = %v, want a length InputError", err)
	}
	if _, err := Coverage(nil, lo, hi); err == nil {
		t.Error("Coverage(nil actuals, 4 bounds) returned no error")
	}
}

func TestForecastMetricsAllZeroActuals(t *testing.T) {
	a := []float64{0, 0, 0}
	f := []float64{0, 2, 0}
	mape, skipped, err := MAPE(a, f)
	if err != nil || !math.IsNaN(mape) || skipped != 3 {
		t.Errorf("MAPE(all zero) = %v, %d, %v; want NaN, 3 skipped", mape, skipped, err)
	}
	rmspe, skipped, err := RMSPE(a, f)
	if err != nil || !math.IsNaN(rmspe) || skipped != 3 {
		t.Errorf("RMSPE(all zero) = %v, %d, %v; want NaN, 3 skipped", rmspe, skipped, err)
	}
	if got, err := WAPE(a, f); err != nil || !math.IsNaN(got) {
		t.Errorf("WAPE(all zero) = %v, %v; want NaN", got, err)
	}
	if got, err := Bias(a, f); err != nil || !math.IsNaN(got) {
		t.Errorf("Bias(all zero) = %v, %v; want NaN", got, err)
	}
	// SMAPE: 0 (both zero), 2, 0 → 2/3.
	if got, err := SMAPE(a, f); err != nil || !near(got, 2.0/3, 1e-15) {
		t.Errorf("SMAPE(all zero) = %v, %v; want 2/3", got, err)
	}
	if got, err := SMAPE(a, a); err != nil || got != 0 {
		t.Errorf("SMAPE(zeros, zeros) = %v, %v; want 0", got, err)
	}
}

func TestForecastMetricsEmpty(t *testing.T) {
	type fn func() (float64, error)
	cases := map[string]fn{
		"WAPE":  func() (float64, error) { return WAPE(nil, nil) },
		"SMAPE": func() (float64, error) { return SMAPE(nil, nil) },
		"RMSE":  func() (float64, error) { return RMSE(nil, nil, nil) },
		"MAE":   func() (float64, error) { return MAE(nil, nil, nil) },
		"Bias":  func() (float64, error) { return Bias(nil, nil) },
		"MASE":  func() (float64, error) { return MASE(nil, nil, 1) },
		"Pinball": func() (float64, error) {
			return Pinball(nil, nil, 0.5)
		},
		"Coverage":          func() (float64, error) { return Coverage(nil, nil, nil) },
		"MeanIntervalWidth": func() (float64, error) { return MeanIntervalWidth(nil, nil) },
		"MAPE": func() (float64, error) {
			v, _, err := MAPE(nil, nil)
			return v, err
		},
		"RMSPE": func() (float64, error) {
			v, _, err := RMSPE(nil, nil)
			return v, err
		},
	}
	for name, f := range cases {
		if got, err := f(); err != nil || !math.IsNaN(got) {
			t.Errorf("%s(empty) = %v, %v; want NaN, nil", name, got, err)
		}
	}
}

func TestForecastMetricsRejectBadInput(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		name string
		err  error
		arg  string
		row  int
	}{
		{"WAPE short", second(WAPE(exA, exF[:3])), "forecast", -1},
		{"WAPE NaN forecast", second(WAPE(exA, []float64{1, 2, nan, 4})), "forecast", 2},
		{"SMAPE Inf actual", second(SMAPE([]float64{1, math.Inf(1)}, []float64{1, 1})), "actual", 1},
		{"Bias NaN actual", second(Bias([]float64{nan}, []float64{1})), "actual", 0},
		{"MASE zero scale", second(MASE(exA, exF, 0)), "scale", -1},
		{"MASE NaN scale", second(MASE(exA, exF, nan)), "scale", -1},
		{"Pinball q>1", second(Pinball(exA, exF, 1.5)), "q", -1},
		{"Pinball q NaN", second(Pinball(exA, exF, nan)), "q", -1},
		{"MAPE short", third(MAPE(exA, exF[:1])), "forecast", -1},
		{"RMSPE NaN", third(RMSPE([]float64{1, nan}, []float64{1, 1})), "actual", 1},
	}
	for _, c := range cases {
		var ie *InputError
		if !errors.As(c.err, &ie) || ie.Arg != c.arg || ie.Row != c.row {
			t.Errorf("%s: error %v, want an InputError on %s row %d", c.name, c.err, c.arg, c.row)
		}
	}
}

func TestInputErrorMessage(t *testing.T) {
	_, err := WAPE([]float64{1, 2, 3}, []float64{1, math.NaN(), 3})
	if got, want := err.Error(), "metric WAPE: forecast[1]: NaN, expected a finite number"; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
	_, err = WAPE([]float64{1, 2, 3}, []float64{1})
	if got, want := err.Error(), "metric WAPE: forecast: 1 values, expected 3 (one per actual)"; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}

func second(_ float64, err error) error       { return err }
func third(_ float64, _ int, err error) error { return err }
