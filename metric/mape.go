package metric

import "math"

// MAPE returns the mean absolute percentage error as a fraction (0.1 means
// 10%) and the number of rows it skipped:
//
//	MAPE = (1/m) Σ |a_i − f_i| / |a_i|   over the m rows with a_i ≠ 0
//
// Rows whose actual is 0 have no percentage error; they are left out and
// counted in skipped. When no row remains (empty input, or every actual 0)
// MAPE is NaN: the metric is undefined there, and WAPE or MASE are the
// measures to use for intermittent demand. Rows are unweighted.
//
// It returns an *InputError when the slices differ in length or hold a NaN
// or ±Inf.
func MAPE(actual, forecast []float64) (mape float64, skipped int, err error) {
	if err := checkPair("MAPE", "actual", actual, "forecast", forecast); err != nil {
		return math.NaN(), 0, err
	}
	var sum float64
	m := 0
	for i, a := range actual {
		if a == 0 {
			skipped++
			continue
		}
		sum += math.Abs(a-forecast[i]) / math.Abs(a)
		m++
	}
	if m == 0 {
		return math.NaN(), skipped, nil
	}
	return sum / float64(m), skipped, nil
}
