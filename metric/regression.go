package metric

import "math"

// RMSE returns the root mean squared error, weighted when w is non-nil:
//
//	RMSE = sqrt( Σ w_i (y_i − p_i)² / Σ w_i )
//
// In the target's units. It serves both tabular regression (y are targets,
// p predictions) and forecasts (y actuals, p forecasts, w nil). With nil
// weights every row weighs 1 and the result matches a Forecast accumulator
// bit for bit. RMSE is NaN for empty input or when the weights sum to 0.
//
// It returns an *InputError when the slices differ in length, hold a NaN
// or ±Inf, or when a weight is negative or not finite.
func RMSE(y, p, w []float64) (float64, error) {
	if err := checkRegression("RMSE", y, p, w); err != nil {
		return math.NaN(), err
	}
	var sum, sw float64
	for i := range y {
		wi := weight(w, i)
		d := y[i] - p[i]
		sum += wi * d * d
		sw += wi
	}
	if sw == 0 {
		return math.NaN(), nil
	}
	return math.Sqrt(sum / sw), nil
}

// MAE returns the mean absolute error, weighted when w is non-nil:
//
//	MAE = Σ w_i |y_i − p_i| / Σ w_i
//
// In the target's units. MAE is NaN for empty input or when the weights
// sum to 0.
//
// It returns an *InputError when the slices differ in length, hold a NaN
// or ±Inf, or when a weight is negative or not finite.
func MAE(y, p, w []float64) (float64, error) {
	if err := checkRegression("MAE", y, p, w); err != nil {
		return math.NaN(), err
	}
	var sum, sw float64
	for i := range y {
		wi := weight(w, i)
		sum += wi * math.Abs(y[i]-p[i])
		sw += wi
	}
	if sw == 0 {
		return math.NaN(), nil
	}
	return sum / sw, nil
}

// R2 returns the coefficient of determination, weighted when w is non-nil,
// as scikit-learn's r2_score computes it:
//
//	R² = 1 − Σ w_i (y_i − p_i)² / Σ w_i (y_i − ȳ)²,   ȳ = Σ w_i y_i / Σ w_i
//
// 1 is a perfect fit, 0 is no better than predicting ȳ, and it is negative
// for worse. Edge cases follow scikit-learn 1.2 (force_finite=True): when
// the targets are constant (the denominator is 0), R² is 1 for a perfect
// prediction and 0 otherwise. It is NaN for fewer than two rows or when the
// weights sum to 0.
//
// It returns an *InputError when the slices differ in length, hold a NaN
// or ±Inf, or when a weight is negative or not finite.
func R2(y, p, w []float64) (float64, error) {
	if err := checkRegression("R2", y, p, w); err != nil {
		return math.NaN(), err
	}
	if len(y) < 2 {
		return math.NaN(), nil
	}
	var sy, sw float64
	for i := range y {
		wi := weight(w, i)
		sy += wi * y[i]
		sw += wi
	}
	if sw == 0 {
		return math.NaN(), nil
	}
	mean := sy / sw
	var res, tot float64
	for i := range y {
		wi := weight(w, i)
		d := y[i] - p[i]
		res += wi * d * d
		c := y[i] - mean
		tot += wi * c * c
	}
	if tot == 0 {
		if res == 0 {
			return 1, nil
		}
		return 0, nil
	}
	return 1 - res/tot, nil
}

func checkRegression(fn string, y, p, w []float64) error {
	if err := checkPair(fn, "y", y, "pred", p); err != nil {
		return err
	}
	return checkWeights(fn, w, len(y))
}
