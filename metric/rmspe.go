package metric

import "math"

// RMSPE returns the root mean squared percentage error as a fraction and
// the number of rows it skipped:
//
//	RMSPE = sqrt( (1/m) Σ ((a_i − f_i) / a_i)² )   over the m rows with a_i ≠ 0
//
// Rows whose actual is 0 are left out and counted in skipped, as in MAPE.
// When no row remains (empty input, or every actual 0) RMSPE is NaN. Rows
// are unweighted.
//
// It returns an *InputError when the slices differ in length or hold a NaN
// or ±Inf.
func RMSPE(actual, forecast []float64) (rmspe float64, skipped int, err error) {
	if err := checkPair("RMSPE", "actual", actual, "forecast", forecast); err != nil {
		return math.NaN(), 0, err
	}
	var sum float64
	m := 0
	for i, a := range actual {
		if a == 0 {
			skipped++
			continue
		}
		e := (a - forecast[i]) / a
		sum += e * e
		m++
	}
	if m == 0 {
		return math.NaN(), skipped, nil
	}
	return math.Sqrt(sum / float64(m)), skipped, nil
}
