package metric

import "math"

// AveragePrecision returns the area under the precision–recall curve as
// scikit-learn's average_precision_score computes it, for scores s and
// labels y in {0, 1}, weighted when w is non-nil:
//
//	AP = Σ_k (R_k − R_{k−1}) P_k
//
// over the distinct scores taken as thresholds from highest to lowest,
// where P_k and R_k are the precision and recall of calling every row
// scoring at least the k-th threshold positive (R_0 = 0). Tied scores form
// one step, not an interpolated one. With weights, counts are weight sums.
//
// AP is in [0, 1]; a random ranking scores about the positive rate. It is
// NaN when the positives have zero total weight (recall is undefined; scikit-
// learn 1.2 warns and returns a meaningless value there), and 1 when there
// are no negatives.
//
// It returns an *InputError when the slices differ in length, a label is
// not 0 or 1, a score is not finite, or a weight is negative or not finite.
func AveragePrecision(y, s, w []float64) (float64, error) {
	if err := checkBinary("AveragePrecision", y, s, w, false); err != nil {
		return math.NaN(), err
	}
	var total float64
	for i := range y {
		if y[i] == 1 {
			total += weight(w, i)
		}
	}
	if total == 0 {
		return math.NaN(), nil
	}
	idx := sortedIndex(s, true)
	var ap, tp, fp float64
	for i := 0; i < len(idx); {
		// One group of tied scores, descending.
		var gPos float64
		j := i
		for ; j < len(idx) && s[idx[j]] == s[idx[i]]; j++ {
			r := idx[j]
			if y[r] == 1 {
				gPos += weight(w, r)
			} else {
				fp += weight(w, r)
			}
		}
		tp += gPos
		if gPos > 0 {
			ap += gPos / total * (tp / (tp + fp))
		}
		i = j
	}
	return ap, nil
}
