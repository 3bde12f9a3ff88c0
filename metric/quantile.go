package metric

import (
	"fmt"
	"math"
)

// Pinball returns the mean pinball (quantile) loss of forecasts of the q-th
// quantile:
//
//	Pinball = (1/n) Σ ℓ_i,   ℓ_i = q (a_i − f_i)       if a_i ≥ f_i
//	                               (1 − q) (f_i − a_i) otherwise
//
// It is in the target's units. Under-forecasting a high quantile costs
// more than over-forecasting it; at q = 0.5 the loss is half the mean
// absolute error. Pinball is NaN for empty input. Rows are unweighted.
//
// It returns an *InputError when the slices differ in length or hold a NaN
// or ±Inf, or when q is outside [0, 1].
func Pinball(actual, forecast []float64, q float64) (float64, error) {
	if err := checkPair("Pinball", "actual", actual, "forecast", forecast); err != nil {
		return math.NaN(), err
	}
	if !(q >= 0 && q <= 1) {
		return math.NaN(), &InputError{"Pinball", "q", -1, fmt.Sprintf("%v, expected a quantile level in [0, 1]", q)}
	}
	if len(actual) == 0 {
		return math.NaN(), nil
	}
	var sum float64
	for i, a := range actual {
		d := a - forecast[i]
		if d >= 0 {
			sum += q * d
		} else {
			sum -= (1 - q) * d
		}
	}
	return sum / float64(len(actual)), nil
}
