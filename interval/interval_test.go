package interval

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

func TestOrderStatistic(t *testing.T) {
	s := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9}
	// n=9: P10 → rank ceil(1.0)=1, P50 → ceil(5.0)=5, P90 → ceil(9.0)=9.
	for _, c := range []struct{ q, want float64 }{{0.1, 1}, {0.5, 5}, {0.9, 9}, {0.95, 9}} {
		if got := orderStat(s, c.q); got != c.want {
			t.Errorf("orderStat(%v) = %v, want %v", c.q, got, c.want)
		}
	}
}

// TestCoverage calibrates on one sample and checks the 80% interval covers
// about 80% of a fresh sample from the same process, in every size bin.
func TestCoverage(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	draw := func(n int) []Residual {
		out := make([]Residual, n)
		for i := range out {
			scale := 1 + 20*rng.Float64()
			f := scale * (0.5 + rng.Float64())
			promoted := rng.IntN(3) == 0
			sd := 0.2
			if promoted {
				sd = 0.6
			}
			out[i] = Residual{Forecast: f, Actual: f + scale*sd*rng.NormFloat64(), Scale: scale, Promoted: promoted}
		}
		return out
	}
	cal, err := Fit(draw(6000), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cal.Bins[0]) != 3 || len(cal.Bins[1]) != 3 {
		t.Fatalf("bins %d/%d, want 3 each", len(cal.Bins[0]), len(cal.Bins[1]))
	}
	test := draw(6000)
	var in [2]int
	var n [2]int
	q := make([]float64, 3)
	for _, r := range test {
		cal.Quantiles(r.Forecast, r.Scale, r.Promoted, q)
		g := 0
		if r.Promoted {
			g = 1
		}
		n[g]++
		if r.Actual >= q[0] && r.Actual <= q[2] {
			in[g]++
		}
	}
	for g := range n {
		cov := float64(in[g]) / float64(n[g])
		if math.Abs(cov-0.8) > 0.03 {
			t.Errorf("state %d: coverage %.3f, want 0.80±0.03", g, cov)
		}
	}
	// Promoted rows are noisier: their interval must be wider.
	cal.Quantiles(10, 10, false, q)
	w0 := q[2] - q[0]
	cal.Quantiles(10, 10, true, q)
	if w1 := q[2] - q[0]; !(w1 > 2*w0) {
		t.Errorf("promoted width %v not wider than quiet width %v", w1, w0)
	}
}

func TestFitErrorsAndBorrowing(t *testing.T) {
	if _, err := Fit(nil, Options{}); err == nil {
		t.Error("no residuals accepted")
	}
	if _, err := Fit([]Residual{{Forecast: 1, Actual: 1, Scale: 0}}, Options{}); err == nil {
		t.Error("zero scale accepted")
	}
	if _, err := Fit([]Residual{{Forecast: 1, Actual: 1, Scale: 1}}, Options{Levels: []float64{0.9, 0.1}}); err == nil {
		t.Error("decreasing levels accepted")
	}
	cal, err := Fit([]Residual{{Forecast: 1, Actual: 2, Scale: 1}, {Forecast: 1, Actual: 0, Scale: 1}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	q := make([]float64, 3)
	// The residuals are ±1 over scale + forecast = 2: ±0.5, which a
	// forecast of 5 at scale 1 reads as ±0.5·(1 + 5).
	cal.Quantiles(5, 1, true, q) // promoted borrows the quiet bins
	if q[0] != 2 || q[2] != 8 {
		t.Fatalf("quantiles %v, want [2 _ 8]", q)
	}
	// The flag goes through the model file's JSON, and a calibration from
	// a file written before it (no "relative") reads its quantiles
	// against the scale alone.
	raw, err := json.Marshal(cal)
	if err != nil {
		t.Fatal(err)
	}
	var back, old Calibration
	if err := json.Unmarshal(raw, &back); err != nil || !back.Relative {
		t.Fatalf("round trip of %s: relative %v, error %v", raw, back.Relative, err)
	}
	if err := json.Unmarshal(bytes.Replace(raw, []byte(`,"relative":true`), nil, 1), &old); err != nil || old.Relative {
		t.Fatalf("a calibration without relative: %+v, error %v", old, err)
	}
	old.Quantiles(5, 1, true, q)
	if q[0] != 4.5 || q[2] != 5.5 {
		t.Fatalf("a calibration without relative: quantiles %v, want [4.5 _ 5.5]", q)
	}
	cal.Quantiles(0.5, 1, false, q)
	if q[0] != 0 {
		t.Fatalf("lower quantile %v below zero not clamped", q[0])
	}
}

// A promotion state with fewer residuals than the levels need takes every
// residual, so one promoted miss does not make P10 = P50 = P90; a state
// with enough keeps its own.
func TestFewResidualsPool(t *testing.T) {
	var res []Residual
	for i := 0; i < 20; i++ {
		res = append(res, Residual{Forecast: 10, Actual: 10 + float64(i-10), Scale: 1})
	}
	res = append(res, Residual{Forecast: 10, Actual: 40, Scale: 1, Promoted: true})
	cal, err := Fit(res, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if minResiduals(cal.Levels) != 9 {
		t.Fatalf("P10-P90 need %d residuals, want 9", minResiduals(cal.Levels))
	}
	q := make([]float64, 3)
	cal.Quantiles(10, 1, true, q)
	if q[0] != 2 || q[1] != 10 || q[2] != 19 {
		t.Errorf("promoted quantiles %v from one promoted residual and 20 quiet: want the 21 pooled's [2 10 19]", q)
	}
	cal.Quantiles(10, 1, false, q)
	if q[0] != 2 || q[2] != 18 {
		t.Errorf("quiet quantiles %v: want their own 20 residuals' P10 2 and P90 18", q)
	}
	for i := 0; i < 8; i++ {
		res = append(res, Residual{Forecast: 10, Actual: 30 + float64(i), Scale: 1, Promoted: true})
	}
	if cal, err = Fit(res, Options{}); err != nil {
		t.Fatal(err)
	}
	cal.Quantiles(10, 1, true, q)
	if q[0] != 30 || q[2] != 40 {
		t.Errorf("promoted quantiles %v from 9 promoted residuals: want their own, 30 to 40", q)
	}
}

// TestExpected calibrates on forecasts that are medians of a log-normal
// outcome (the point a log-target model gives) and checks that Expected
// recovers the mean: the sum of expected values on fresh draws matches
// the sum of outcomes within 2%, where the medians fall short by about
// exp(σ²/2) − 1.
func TestExpected(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	draw := func(n int) []Residual {
		out := make([]Residual, n)
		for i := range out {
			scale := 1 + 20*rng.Float64()
			median := scale * (0.5 + rng.Float64())
			out[i] = Residual{Forecast: median, Actual: median * math.Exp(0.6*rng.NormFloat64()), Scale: scale}
		}
		return out
	}
	cal, err := Fit(draw(6000), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var sumA, sumF, sumE float64
	for _, r := range draw(6000) {
		sumA += r.Actual
		sumF += r.Forecast
		sumE += cal.Expected(r.Forecast, r.Promoted)
	}
	if short := 1 - sumF/sumA; short < 0.1 {
		t.Fatalf("medians %.3f short of the outcomes: the test needs a skewed outcome", short)
	}
	if off := sumE/sumA - 1; math.Abs(off) > 0.02 {
		t.Errorf("expected values off the outcomes' sum by %+.3f, want within ±0.02", off)
	}
	if got := cal.Expected(0, false); got != 0 {
		t.Errorf("expected value of a zero forecast %v, want 0", got)
	}
}

// TestRatiosPerState checks that each promotion state keeps its own ratio
// of actuals to forecasts, shrunk towards that of all rows by ten rows of
// its mean forecast: many promoted rows whose actuals are 1.5 times their
// forecasts do not raise the quiet rows' expected units, and a state of
// one row stays near the ratio of all rows.
func TestRatiosPerState(t *testing.T) {
	var res []Residual
	for i := range 200 {
		res = append(res, Residual{Forecast: 10, Actual: 10, Scale: 10})
		if i%2 == 0 {
			res = append(res, Residual{Forecast: 20, Actual: 30, Scale: 10, Promoted: true})
		}
	}
	cal, err := Fit(res, Options{})
	if err != nil {
		t.Fatal(err)
	}
	all := (200*10 + 100*30.0) / (200*10 + 100*20.0) // 1.25
	quiet := (200*10 + all*10*10) / (200*10 + 10*10.0)
	promoted := (100*30 + all*10*20) / (100*20 + 10*20.0)
	if math.Abs(cal.Ratio-all) > 1e-12 || math.Abs(cal.RatioOf(false)-quiet) > 1e-12 || math.Abs(cal.RatioOf(true)-promoted) > 1e-12 {
		t.Errorf("ratios %v (quiet %v, promoted %v), want %v, %v and %v", cal.Ratio, cal.RatioOf(false), cal.RatioOf(true), all, quiet, promoted)
	}
	if got := cal.Expected(10, false); math.Abs(got-10*quiet) > 1e-9 {
		t.Errorf("expected units of a quiet forecast of 10: %v, want %v", got, 10*quiet)
	}
	// One promoted row: its state's ratio is mostly that of all rows.
	one := append(res[:0:0], res[0], res[1])
	for range 98 {
		one = append(one, Residual{Forecast: 10, Actual: 10, Scale: 10})
	}
	cal, err = Fit(one, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r := cal.RatioOf(true); !(r > cal.Ratio && r < cal.Ratio+0.5*(1.5-cal.Ratio)) {
		t.Errorf("one promoted row at 1.5: its state's ratio %v, want between all rows' %v and half way to 1.5", r, cal.Ratio)
	}
	// A file without per-state ratios takes its one ratio for both.
	old := &Calibration{Ratio: 1.3}
	if old.RatioOf(true) != 1.3 || old.RatioOf(false) != 1.3 || (&Calibration{}).RatioOf(true) != 1 {
		t.Error("a calibration without per-state ratios should use its ratio, or 1 without one")
	}
}

// Errors that grow with the forecast, as a log-target model's do, are
// covered alike for small and large forecasts of one bin: the residuals
// are relative to scale + forecast, not to the series' scale alone.
func TestCoverageHoldsAcrossForecastSizes(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 1))
	draw := func(n int) []Residual {
		out := make([]Residual, n)
		for i := range out {
			f := 10 + 90*rng.Float64()
			out[i] = Residual{Forecast: f, Actual: f * math.Exp(0.3*rng.NormFloat64()), Scale: 2}
		}
		return out
	}
	cal, err := Fit(draw(4000), Options{SizeBins: 1})
	if err != nil {
		t.Fatal(err)
	}
	var in, n [2]int
	q := make([]float64, 3)
	for _, x := range draw(8000) {
		if x.Forecast > 30 && x.Forecast < 70 {
			continue
		}
		k := b2i(x.Forecast >= 70)
		cal.Quantiles(x.Forecast, x.Scale, false, q)
		n[k]++
		if x.Actual >= q[0] && x.Actual <= q[2] {
			in[k]++
		}
	}
	for k, what := range []string{"small", "large"} {
		if cov := float64(in[k]) / float64(n[k]); math.Abs(cov-0.8) > 0.05 {
			t.Errorf("%s forecasts: P10-P90 coverage %.3f, want 0.80±0.05", what, cov)
		}
	}
}
