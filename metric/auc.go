package metric

import (
	"math"
	"slices"
)

// AUC returns the area under the ROC curve of scores s for labels y in
// {0, 1}, weighted when w is non-nil. It is the probability that a random
// positive scores above a random negative, ties counting one half: the
// Mann–Whitney statistic with tied scores given their average rank,
//
//	AUC = (R₊ − P(P+1)/2) / (P N)
//
// where R₊ is the sum of the positives' ranks (ties averaged), P and N
// the numbers of positives and negatives. With weights, P and N are weight
// sums and every positive–negative pair counts w₊ w₋. This equals the
// trapezoidal area under the ROC curve that scikit-learn's roc_auc_score
// returns, including its handling of ties.
//
// Scores need only be finite and ordered like the positive class's
// probability; AUC(1−p) = 1 − AUC(p). AUC is NaN when either class has
// zero total weight (scikit-learn raises an error there).
//
// It sorts a copy of the row indices: O(n log n) time, O(n) memory.
//
// It returns an *InputError when the slices differ in length, a label is
// not 0 or 1, a score is not finite, or a weight is negative or not finite.
func AUC(y, s, w []float64) (float64, error) {
	if err := checkBinary("AUC", y, s, w, false); err != nil {
		return math.NaN(), err
	}
	idx := sortedIndex(s, false)
	var pairs, negBelow, pos, neg float64
	for i := 0; i < len(idx); {
		// One group of tied scores, ascending.
		var gPos, gNeg float64
		j := i
		for ; j < len(idx) && s[idx[j]] == s[idx[i]]; j++ {
			r := idx[j]
			if y[r] == 1 {
				gPos += weight(w, r)
			} else {
				gNeg += weight(w, r)
			}
		}
		pairs += gPos * (negBelow + gNeg/2)
		negBelow += gNeg
		pos += gPos
		neg += gNeg
		i = j
	}
	if pos == 0 || neg == 0 {
		return math.NaN(), nil
	}
	return pairs / (pos * neg), nil
}

// sortedIndex returns the row indices ordered by score, ascending or
// descending; ties keep row order so sums over them are deterministic.
func sortedIndex(s []float64, descending bool) []int {
	idx := make([]int, len(s))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		if descending {
			a, b = b, a
		}
		switch {
		case s[a] < s[b]:
			return -1
		case s[a] > s[b]:
			return 1
		}
		return 0
	})
	return idx
}
