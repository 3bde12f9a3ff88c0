package metric

import "math"

// Bias returns the relative forecast bias as a fraction:
//
//	Bias = Σ (f_i − a_i) / Σ a_i
//
// Sign convention: positive means the forecast is too high (over-forecast,
// excess stock), negative too low (under-forecast, stock-outs); 0.05 means
// the forecasts add up to 5% more than the actuals. The denominator is the
// signed sum Σ a_i, which equals Σ |a_i| for the non-negative targets
// promocast forecasts. Bias is NaN when Σ a_i = 0 (empty input, or actuals
// that sum to zero). Rows are unweighted.
//
// It returns an *InputError when the slices differ in length or hold a NaN
// or ±Inf.
func Bias(actual, forecast []float64) (float64, error) {
	if err := checkPair("Bias", "actual", actual, "forecast", forecast); err != nil {
		return math.NaN(), err
	}
	var num, den float64
	for i, a := range actual {
		num += forecast[i] - a
		den += a
	}
	if den == 0 {
		return math.NaN(), nil
	}
	return num / den, nil
}
