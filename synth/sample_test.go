package synth

import (
	"math"
	"testing"
)

// TestSamplersMoments checks mean and variance of each sampler against
// closed forms, within five standard errors.
func TestSamplersMoments(t *testing.T) {
	r := newRand(7, 99, 0)
	const n = 200000
	check := func(name string, draw func() float64, mean, variance float64) {
		t.Helper()
		var s, s2 float64
		for i := 0; i < n; i++ {
			x := draw()
			if x < 0 || math.IsNaN(x) {
				t.Fatalf("%s drew %v", name, x)
			}
			s += x
			s2 += x * x
		}
		m := s / n
		v := s2/n - m*m
		if se := math.Sqrt(variance / n); math.Abs(m-mean) > 5*se {
			t.Errorf("%s: mean %.4f, want %.4f ± %.4f", name, m, mean, 5*se)
		}
		if math.Abs(v-variance) > 0.03*variance {
			t.Errorf("%s: variance %.4f, want %.4f", name, v, variance)
		}
	}
	for _, lam := range []float64{0.3, 4, 9.9, 10, 35, 400} {
		check("poisson", func() float64 { return poisson(r, lam) }, lam, lam)
	}
	for _, k := range []float64{0.5, 3, 12} {
		check("gamma", func() float64 { return gamma(r, k) }, k, k)
	}
	check("negbin", func() float64 { return negBinomial(r, 20, 4) }, 20, 20+400.0/4)
	for i := 0; i < 1000; i++ {
		if x := poisson(r, 50); x != math.Trunc(x) {
			t.Fatalf("poisson drew non-integer %v", x)
		}
	}
}
