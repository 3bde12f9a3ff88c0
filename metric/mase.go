package metric

import (
	"fmt"
	"math"
)

// MASE returns the mean absolute scaled error of one series' forecasts:
//
//	MASE = (1/n) Σ |a_i − f_i| / scale
//
// where scale is the series' in-sample mean absolute seasonal-naive error,
// computed by MASEScale from the history before the forecast origin only.
// MASE below 1 beats the seasonal-naive forecast's in-sample error. Each
// row is divided by scale before summing, so the result matches a Forecast
// accumulator fed the same rows bit for bit. MASE is NaN for empty input.
// Rows are unweighted.
//
// It returns an *InputError when the slices differ in length or hold a NaN
// or ±Inf, or when scale is not a positive finite number (MASEScale gives
// NaN for a history too short and 0 for a constant one: MASE is undefined
// for such a series).
func MASE(actual, forecast []float64, scale float64) (float64, error) {
	if err := checkPair("MASE", "actual", actual, "forecast", forecast); err != nil {
		return math.NaN(), err
	}
	if !finite(scale) || scale <= 0 {
		return math.NaN(), &InputError{"MASE", "scale", -1, fmt.Sprintf("%v, expected a positive finite number", scale)}
	}
	if len(actual) == 0 {
		return math.NaN(), nil
	}
	var sum float64
	for i, a := range actual {
		sum += math.Abs(a-forecast[i]) / scale
	}
	return sum / float64(len(actual)), nil
}

// MASEScale returns the scale MASE divides by: the mean absolute error of
// the seasonal-naive forecast (the value season periods earlier) over the
// series' own history,
//
//	scale = (1/m) Σ_{t ≥ season} |h_t − h_{t−season}|
//
// over the m pairs where both h_t and h_{t−season} are finite. A NaN (or
// ±Inf) marks a gap in the history: pairs that touch a gap are skipped, not
// bridged. Pass season 1 for the plain naive forecast.
//
// Pass only the history up to the forecast origin: a scale that sees the
// test period leaks it into the score.
//
// The result is NaN when season < 1 or no complete pair exists (history no
// longer than season), and 0 for a constant history; MASE rejects both.
func MASEScale(history []float64, season int) float64 {
	if season < 1 {
		return math.NaN()
	}
	var sum float64
	m := 0
	for t := season; t < len(history); t++ {
		h, p := history[t], history[t-season]
		if !finite(h) || !finite(p) {
			continue
		}
		sum += math.Abs(h - p)
		m++
	}
	if m == 0 {
		return math.NaN()
	}
	return sum / float64(m)
}
