package metric

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func TestForecastAccumulatorWorkedExample(t *testing.T) {
	var acc Forecast
	for i := range exA {
		if err := acc.Add(exA[i], exF[i], 2); err != nil {
			t.Fatal(err)
		}
	}
	s := acc.Summary()
	// Same arithmetic as TestForecastMetricsWorkedExample.
	want := Scores{
		MAPE: 0.15, WAPE: 8.0 / 35, SMAPE: 95.0 / 154, RMSE: math.Sqrt(7.5),
		RMSPE: math.Sqrt(0.1025 / 3), MASE: 1, Bias: -2.0 / 35,
		N: 4, ZeroActuals: 1, Unscaled: 0,
	}
	checkScores(t, s, want, 1e-15)
}

func TestForecastAccumulatorEmptyAndZeros(t *testing.T) {
	var acc Forecast
	s := acc.Summary()
	nan := math.NaN()
	checkScores(t, s, Scores{MAPE: nan, WAPE: nan, SMAPE: nan, RMSE: nan, RMSPE: nan, MASE: nan, Bias: nan}, 0)

	// All-zero actuals; scales NaN (history too short), 0 (constant) and 4.
	// Only the last row is scaled: |0−2|/4 = 0.5.
	// SMAPE = (0 + 2 + 0)/3; RMSE = sqrt(4/3).
	for i, sc := range []float64{nan, 0, 4} {
		f := []float64{0, 0, 2}[i]
		if err := acc.Add(0, f, sc); err != nil {
			t.Fatal(err)
		}
	}
	want := Scores{MAPE: nan, WAPE: nan, SMAPE: 2.0 / 3, RMSE: math.Sqrt(4.0 / 3), RMSPE: nan, MASE: 0.5, Bias: nan, N: 3, ZeroActuals: 3, Unscaled: 2}
	checkScores(t, acc.Summary(), want, 1e-15)
}

func TestForecastAccumulatorRejectsNonFinite(t *testing.T) {
	var acc Forecast
	var ie *InputError
	if err := acc.Add(math.NaN(), 1, 1); !errors.As(err, &ie) || ie.Arg != "actual" {
		t.Errorf("Add(NaN actual) error = %v, want an InputError on actual", err)
	}
	if err := acc.Add(1, math.Inf(-1), 1); !errors.As(err, &ie) || ie.Arg != "forecast" {
		t.Errorf("Add(-Inf forecast) error = %v, want an InputError on forecast", err)
	}
	if s := acc.Summary(); s.N != 0 {
		t.Errorf("rejected rows were counted: N = %d", s.N)
	}
}

// The accumulator gives the slice functions' values bit for bit, for one
// scale shared by all rows.
func TestForecastAccumulatorMatchesSliceFunctions(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 50 {
		n := r.IntN(40)
		a := make([]float64, n)
		f := make([]float64, n)
		for i := range a {
			if r.IntN(4) > 0 {
				a[i] = math.Floor(r.ExpFloat64() * 20)
			}
			f[i] = r.Float64() * 30
		}
		scale := 0.5 + r.Float64()*5
		var acc Forecast
		for i := range a {
			if err := acc.Add(a[i], f[i], scale); err != nil {
				t.Fatal(err)
			}
		}
		got := acc.Summary()
		want := sliceScores(t, a, f, scale)
		if !sameScores(got, want) {
			t.Fatalf("trial %d: accumulator %+v, slice functions %+v", trial, got, want)
		}
	}
}

// sliceScores computes Scores with the slice functions.
func sliceScores(t testing.TB, a, f []float64, scale float64) Scores {
	t.Helper()
	var s Scores
	var err error
	must := func(v float64, e error) float64 {
		if e != nil {
			err = e
		}
		return v
	}
	s.MAPE, s.ZeroActuals, err = MAPE(a, f)
	if err != nil {
		t.Fatal(err)
	}
	s.RMSPE, _, err = RMSPE(a, f)
	if err != nil {
		t.Fatal(err)
	}
	s.WAPE = must(WAPE(a, f))
	s.SMAPE = must(SMAPE(a, f))
	s.RMSE = must(RMSE(a, f, nil))
	s.MASE = must(MASE(a, f, scale))
	s.Bias = must(Bias(a, f))
	if err != nil {
		t.Fatal(err)
	}
	s.N = len(a)
	return s
}

// sameScores compares bit for bit, NaN equal to NaN.
func sameScores(x, y Scores) bool {
	eq := func(a, b float64) bool {
		return math.Float64bits(a) == math.Float64bits(b) || (math.IsNaN(a) && math.IsNaN(b))
	}
	return eq(x.MAPE, y.MAPE) && eq(x.WAPE, y.WAPE) && eq(x.SMAPE, y.SMAPE) && eq(x.RMSE, y.RMSE) &&
		eq(x.RMSPE, y.RMSPE) && eq(x.MASE, y.MASE) && eq(x.Bias, y.Bias) &&
		x.N == y.N && x.ZeroActuals == y.ZeroActuals && x.Unscaled == y.Unscaled
}

func checkScores(t *testing.T, got, want Scores, tol float64) {
	t.Helper()
	fields := []struct {
		name      string
		got, want float64
	}{
		{"MAPE", got.MAPE, want.MAPE}, {"WAPE", got.WAPE, want.WAPE}, {"SMAPE", got.SMAPE, want.SMAPE},
		{"RMSE", got.RMSE, want.RMSE}, {"RMSPE", got.RMSPE, want.RMSPE}, {"MASE", got.MASE, want.MASE},
		{"Bias", got.Bias, want.Bias},
	}
	for _, f := range fields {
		if !near(f.got, f.want, tol) {
			t.Errorf("%s = %v, want %v", f.name, f.got, f.want)
		}
	}
	if got.N != want.N || got.ZeroActuals != want.ZeroActuals || got.Unscaled != want.Unscaled {
		t.Errorf("counts N=%d ZeroActuals=%d Unscaled=%d, want %d %d %d",
			got.N, got.ZeroActuals, got.Unscaled, want.N, want.ZeroActuals, want.Unscaled)
	}
}
