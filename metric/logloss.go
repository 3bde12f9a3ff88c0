package metric

import "math"

// LogLossEpsilon is how far LogLoss keeps probabilities from 0 and 1.
const LogLossEpsilon = 1e-15

// LogLoss returns the mean binary cross-entropy (natural log) of
// probabilities p for labels y in {0, 1}, weighted when w is non-nil:
//
//	LogLoss = −Σ w_i [ y_i ln q_i + (1 − y_i) ln(1 − q_i) ] / Σ w_i
//
// where q_i is p_i clipped to [ε, 1 − ε], ε = LogLossEpsilon = 1e-15, so a
// confident wrong prediction costs about 34.5 instead of +Inf. This is
// scikit-learn's log_loss with eps=1e-15 (its default up to 1.1; 1.2
// defaults to machine epsilon, which changes only rows clipped at the
// bounds). LogLoss is NaN for empty input or when the
// weights sum to 0. Unlike scikit-learn it needs no "labels" argument when
// only one class is present.
//
// It returns an *InputError when the slices differ in length, a label is
// not 0 or 1, a probability is outside [0, 1] or NaN, or a weight is
// negative or not finite.
func LogLoss(y, p, w []float64) (float64, error) {
	if err := checkBinary("LogLoss", y, p, w, true); err != nil {
		return math.NaN(), err
	}
	var sum, sw float64
	for i := range y {
		q := min(max(p[i], LogLossEpsilon), 1-LogLossEpsilon)
		if y[i] == 0 {
			q = 1 - q
		}
		wi := weight(w, i)
		sum -= wi * math.Log(q)
		sw += wi
	}
	if sw == 0 {
		return math.NaN(), nil
	}
	return sum / sw, nil
}
