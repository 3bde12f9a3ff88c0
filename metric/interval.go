package metric

import (
	"fmt"
	"math"
)

// Coverage returns the fraction of actuals inside their prediction
// interval, bounds included:
//
//	Coverage = (1/n) #{ i : lo_i ≤ a_i ≤ hi_i }
//
// A well-calibrated 80% interval covers about 0.8. Coverage is NaN for
// empty input. Rows are unweighted.
//
// It returns an *InputError when the slices differ in length, hold a NaN
// or ±Inf, or when some lo_i > hi_i.
func Coverage(actual, lo, hi []float64) (float64, error) {
	if err := checkPair("Coverage", "actual", actual, "lo", lo); err != nil {
		return math.NaN(), err
	}
	if err := checkInterval("Coverage", lo, hi); err != nil {
		return math.NaN(), err
	}
	if len(actual) == 0 {
		return math.NaN(), nil
	}
	in := 0
	for i, a := range actual {
		if lo[i] <= a && a <= hi[i] {
			in++
		}
	}
	return float64(in) / float64(len(actual)), nil
}

// MeanIntervalWidth returns the mean width of prediction intervals, in the
// target's units:
//
//	MeanIntervalWidth = (1/n) Σ (hi_i − lo_i)
//
// Read it beside Coverage: narrower is better only at the same coverage.
// It is NaN for empty input.
//
// It returns an *InputError when the slices differ in length, hold a NaN
// or ±Inf, or when some lo_i > hi_i.
func MeanIntervalWidth(lo, hi []float64) (float64, error) {
	if err := checkInterval("MeanIntervalWidth", lo, hi); err != nil {
		return math.NaN(), err
	}
	if len(lo) == 0 {
		return math.NaN(), nil
	}
	var sum float64
	for i := range lo {
		sum += hi[i] - lo[i]
	}
	return sum / float64(len(lo)), nil
}

// checkInterval validates interval bounds.
func checkInterval(fn string, lo, hi []float64) error {
	if err := checkPair(fn, "lo", lo, "hi", hi); err != nil {
		return err
	}
	for i := range lo {
		if lo[i] > hi[i] {
			return &InputError{fn, "hi", i, fmt.Sprintf("%v is below lo %v, expected lo ≤ hi", hi[i], lo[i])}
		}
	}
	return nil
}
