package metric

import "math"

// DefaultThreshold is the usual probability at and above which a row is
// called positive.
const DefaultThreshold = 0.5

// Confusion holds the (weighted) counts of a binary classification at one
// threshold. Its methods derive accuracy, precision, recall and F1; each is
// NaN when its denominator is 0 (scikit-learn returns 0 with a warning
// there, which hides the fact that the metric is undefined).
type Confusion struct {
	TP, FP, TN, FN float64
}

// Classify calls row i positive when p_i ≥ threshold and counts the
// outcomes against labels y in {0, 1}, each row counting w_i (1 when w is
// nil). Pass DefaultThreshold for the usual 0.5. Scores need only be
// finite, so a threshold on a margin or a ranking score works as well.
//
// It returns an *InputError when the slices differ in length, a label is
// not 0 or 1, a score is not finite, or a weight is negative or not finite.
func Classify(y, p, w []float64, threshold float64) (Confusion, error) {
	if err := checkBinary("Classify", y, p, w, false); err != nil {
		return Confusion{}, err
	}
	if !finite(threshold) {
		return Confusion{}, &InputError{"Classify", "threshold", -1, "expected a finite number"}
	}
	var c Confusion
	for i := range y {
		wi := weight(w, i)
		switch pos := p[i] >= threshold; {
		case pos && y[i] == 1:
			c.TP += wi
		case pos:
			c.FP += wi
		case y[i] == 1:
			c.FN += wi
		default:
			c.TN += wi
		}
	}
	return c, nil
}

// Accuracy is (TP + TN) / (TP + FP + TN + FN).
func (c Confusion) Accuracy() float64 { return ratio(c.TP+c.TN, c.TP+c.FP+c.TN+c.FN) }

// Precision is TP / (TP + FP): the share of predicted positives that are
// positive. NaN when nothing is predicted positive.
func (c Confusion) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is TP / (TP + FN): the share of positives found. NaN when there
// are no positives.
func (c Confusion) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// F1 is the harmonic mean of precision and recall, 2TP / (2TP + FP + FN).
// It is 0 when there are positives or predicted positives but no true
// positive, and NaN when there are neither.
func (c Confusion) F1() float64 { return ratio(2*c.TP, 2*c.TP+c.FP+c.FN) }

func ratio(num, den float64) float64 {
	if den == 0 {
		return math.NaN()
	}
	return num / den
}
