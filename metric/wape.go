package metric

import "math"

// WAPE returns the weighted absolute percentage error as a fraction:
//
//	WAPE = Σ |a_i − f_i| / Σ |a_i|
//
// It is MAPE with each row weighted by its volume |a_i|, so rows with
// actual 0 count in the numerator and need no special case; it is the
// forecast measure to prefer for intermittent demand. WAPE is NaN when
// Σ |a_i| = 0 (empty input, or every actual 0): there is no volume to
// measure the error against. Rows take no other weights.
//
// It returns an *InputError when the slices differ in length or hold a NaN
// or ±Inf.
func WAPE(actual, forecast []float64) (float64, error) {
	if err := checkPair("WAPE", "actual", actual, "forecast", forecast); err != nil {
		return math.NaN(), err
	}
	var num, den float64
	for i, a := range actual {
		num += math.Abs(a - forecast[i])
		den += math.Abs(a)
	}
	if den == 0 {
		return math.NaN(), nil
	}
	return num / den, nil
}
