package metric

import "math"

// SMAPE returns the symmetric mean absolute percentage error in its
// bounded form, as a fraction in [0, 2] (not percent):
//
//	SMAPE = (1/n) Σ t_i,   t_i = 2 |a_i − f_i| / (|a_i| + |f_i|)
//
// with t_i = 0 when a_i = f_i = 0 (a perfect forecast of no demand). A row
// with actual 0 and any other forecast scores the maximum, 2. SMAPE is NaN
// for empty input. Rows are unweighted.
//
// It returns an *InputError when the slices differ in length or hold a NaN
// or ±Inf.
func SMAPE(actual, forecast []float64) (float64, error) {
	if err := checkPair("SMAPE", "actual", actual, "forecast", forecast); err != nil {
		return math.NaN(), err
	}
	if len(actual) == 0 {
		return math.NaN(), nil
	}
	var sum float64
	for i, a := range actual {
		sum += smapeTerm(a, forecast[i])
	}
	return sum / float64(len(actual)), nil
}

// smapeTerm is one row's share of SMAPE: 2|a−f|/(|a|+|f|), 0 when both are 0.
func smapeTerm(a, f float64) float64 {
	den := math.Abs(a) + math.Abs(f)
	if den == 0 {
		return 0
	}
	return 2 * math.Abs(a-f) / den
}
