package synth

import (
	"math"
	"math/rand/v2"
)

// newRand returns the random stream for one purpose of one item (a SKU, a
// category), so that changing how many draws one part makes never shifts
// another part's numbers.
func newRand(seed uint64, purpose, item int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, uint64(purpose)<<32|uint64(uint32(item))))
}

// Random-stream purposes.
const (
	streamCatalog = iota + 1
	streamCategory
	streamSKU
	streamPromo
	streamEvent
	streamNoise
	streamPlanNoise
	streamStock
)

// gamma draws from Gamma(shape, 1) by Marsaglia and Tsang's method (ACM
// TOMS 26(3), 2000), boosting shapes below 1.
func gamma(r *rand.Rand, shape float64) float64 {
	if shape < 1 {
		return gamma(r, shape+1) * math.Pow(r.Float64(), 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}

// poisson draws from Poisson(lambda): by multiplying uniforms for small
// means, by Hörmann's transformed rejection with squeeze (PTRS, 1993) for
// large ones, as numpy does.
func poisson(r *rand.Rand, lambda float64) float64 {
	if lambda <= 0 {
		return 0
	}
	if lambda < 10 {
		limit := math.Exp(-lambda)
		k, p := 0.0, r.Float64()
		for p > limit {
			k++
			p *= r.Float64()
		}
		return k
	}
	slam := math.Sqrt(lambda)
	loglam := math.Log(lambda)
	b := 0.931 + 2.53*slam
	a := -0.059 + 0.02483*b
	invAlpha := 1.1239 + 1.1328/(b-3.4)
	vr := 0.9277 - 3.6224/(b-2)
	for {
		u := r.Float64() - 0.5
		v := r.Float64()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*a/us+b)*u + lambda + 0.43)
		if us >= 0.07 && v <= vr {
			return k
		}
		if k < 0 || us < 0.013 && v > us {
			continue
		}
		lg, _ := math.Lgamma(k + 1)
		if math.Log(v)+math.Log(invAlpha)-math.Log(a/(us*us)+b) <= -lambda+k*loglam-lg {
			return k
		}
	}
}

// negBinomial draws a count with mean mu and variance mu + mu²/shape, as
// a Poisson whose mean is mu times a Gamma(shape, 1/shape) factor.
func negBinomial(r *rand.Rand, mu, shape float64) float64 {
	if mu <= 0 {
		return 0
	}
	return poisson(r, mu*gamma(r, shape)/shape)
}
