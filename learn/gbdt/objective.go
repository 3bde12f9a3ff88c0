package gbdt

import (
	"fmt"
	"math"
	"slices"
)

// objective turns raw scores (link space) into gradients and hessians of
// the loss, and knows the link: the constant score that minimises the loss
// on its own, the inverse link that maps a raw score to the response, and
// the loss itself, which early stopping watches.
type objective interface {
	// check reports the first target value the loss cannot take.
	check(y []float64) error
	// initScore returns the best constant raw score for targets y with
	// weights w (nil = 1).
	initScore(y, w []float64) float64
	// gradients writes the gradient and hessian of each row's loss at its
	// raw score, times the row's weight.
	gradients(y, w, score, g, h []float64)
	// response maps a raw score to the predicted response.
	response(raw float64) float64
	// loss returns the weighted mean loss of raw scores against targets.
	loss(y, w, score []float64) float64
}

func newObjective(p Params) objective {
	switch p.Objective {
	case Poisson:
		return poissonLoss{}
	case Tweedie:
		return tweedieLoss{rho: p.TweedieVariancePower}
	case Quantile:
		return quantileLoss{alpha: p.Alpha}
	case Logistic:
		return logisticLoss{}
	}
	return squaredLoss{}
}

func weightAt(w []float64, i int) float64 {
	if w == nil {
		return 1
	}
	return w[i]
}

// weightedMean returns Σwy/Σw, or 0 when the weights sum to zero.
func weightedMean(y, w []float64) float64 {
	var sw, swy float64
	for i, v := range y {
		wi := weightAt(w, i)
		sw += wi
		swy += wi * v
	}
	if sw == 0 {
		return 0
	}
	return swy / sw
}

// weightedQuantile returns the smallest value v of y such that the weight of
// values ≤ v reaches alpha of the total weight. idx is scratch of len(y)
// and is reordered.
func weightedQuantile(y, w []float64, alpha float64, idx []int32) float64 {
	if len(idx) == 0 {
		return 0
	}
	slices.SortFunc(idx, func(a, b int32) int {
		if c := compareFloat(y[a], y[b]); c != 0 {
			return c
		}
		return int(a - b)
	})
	var total float64
	for _, i := range idx {
		total += weightAt(w, int(i))
	}
	target := alpha * total
	var acc float64
	for _, i := range idx {
		acc += weightAt(w, int(i))
		if acc >= target {
			return y[i]
		}
	}
	return y[idx[len(idx)-1]]
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// squaredLoss is ½(y−s)²; the link is the identity.
type squaredLoss struct{}

func (squaredLoss) check([]float64) error            { return nil }
func (squaredLoss) initScore(y, w []float64) float64 { return weightedMean(y, w) }
func (squaredLoss) response(raw float64) float64     { return raw }
func (squaredLoss) gradients(y, w, score, g, h []float64) {
	for i := range y {
		wi := weightAt(w, i)
		g[i] = wi * (score[i] - y[i])
		h[i] = wi
	}
}

// loss is the root mean squared error.
func (squaredLoss) loss(y, w, score []float64) float64 {
	var sw, s float64
	for i := range y {
		wi := weightAt(w, i)
		d := score[i] - y[i]
		s += wi * d * d
		sw += wi
	}
	return math.Sqrt(s / sw)
}

func checkNonNegative(y []float64, what string) error {
	for i, v := range y {
		if v < 0 {
			return fmt.Errorf("gbdt: target of row %d is %v: the %s objective needs non-negative targets", i, v, what)
		}
	}
	return nil
}

// logMeanScore is log(mean y), the constant score of a log-link loss;
// a zero mean gives a score low enough to predict almost zero.
func logMeanScore(y, w []float64) float64 {
	m := weightedMean(y, w)
	if m <= 0 {
		return -30
	}
	return math.Log(m)
}

// poissonLoss is the Poisson negative log-likelihood exp(s) − y·s with a
// log link.
type poissonLoss struct{}

func (poissonLoss) check(y []float64) error          { return checkNonNegative(y, "poisson") }
func (poissonLoss) initScore(y, w []float64) float64 { return logMeanScore(y, w) }
func (poissonLoss) response(raw float64) float64     { return math.Exp(raw) }
func (poissonLoss) gradients(y, w, score, g, h []float64) {
	for i := range y {
		wi := weightAt(w, i)
		mu := math.Exp(score[i])
		g[i] = wi * (mu - y[i])
		h[i] = wi * mu
	}
}

func (poissonLoss) loss(y, w, score []float64) float64 {
	var sw, s float64
	for i := range y {
		wi := weightAt(w, i)
		s += wi * (math.Exp(score[i]) - y[i]*score[i])
		sw += wi
	}
	return s / sw
}

// tweedieLoss is the Tweedie negative log-likelihood (up to terms free of
// the score) with power rho and a log link.
type tweedieLoss struct{ rho float64 }

func (tweedieLoss) check(y []float64) error          { return checkNonNegative(y, "tweedie") }
func (tweedieLoss) initScore(y, w []float64) float64 { return logMeanScore(y, w) }
func (tweedieLoss) response(raw float64) float64     { return math.Exp(raw) }
func (t tweedieLoss) gradients(y, w, score, g, h []float64) {
	a, b := 1-t.rho, 2-t.rho
	for i := range y {
		wi := weightAt(w, i)
		ea, eb := math.Exp(a*score[i]), math.Exp(b*score[i])
		g[i] = wi * (-y[i]*ea + eb)
		h[i] = wi * (-y[i]*a*ea + b*eb)
	}
}

func (t tweedieLoss) loss(y, w, score []float64) float64 {
	a, b := 1-t.rho, 2-t.rho
	var sw, s float64
	for i := range y {
		wi := weightAt(w, i)
		s += wi * (-y[i]*math.Exp(a*score[i])/a + math.Exp(b*score[i])/b)
		sw += wi
	}
	return s / sw
}

// quantileLoss is the pinball loss at level alpha; the link is the
// identity. Its hessian is the row weight, and after each tree the trainer
// resets every leaf to the alpha-quantile of its residuals.
type quantileLoss struct{ alpha float64 }

func (quantileLoss) check([]float64) error        { return nil }
func (quantileLoss) response(raw float64) float64 { return raw }
func (q quantileLoss) initScore(y, w []float64) float64 {
	idx := make([]int32, len(y))
	for i := range idx {
		idx[i] = int32(i)
	}
	return weightedQuantile(y, w, q.alpha, idx)
}

func (q quantileLoss) gradients(y, w, score, g, h []float64) {
	for i := range y {
		wi := weightAt(w, i)
		if y[i] > score[i] {
			g[i] = -wi * q.alpha
		} else {
			g[i] = wi * (1 - q.alpha)
		}
		h[i] = wi
	}
}

func (q quantileLoss) loss(y, w, score []float64) float64 {
	var sw, s float64
	for i := range y {
		wi := weightAt(w, i)
		d := y[i] - score[i]
		if d >= 0 {
			s += wi * q.alpha * d
		} else {
			s -= wi * (1 - q.alpha) * d
		}
		sw += wi
	}
	return s / sw
}

// logisticLoss is the binary cross-entropy with a logit link.
type logisticLoss struct{}

func (logisticLoss) check(y []float64) error {
	for i, v := range y {
		if v < 0 || v > 1 {
			return fmt.Errorf("gbdt: target of row %d is %v: the logistic objective needs targets in [0, 1]", i, v)
		}
	}
	return nil
}

func (logisticLoss) initScore(y, w []float64) float64 {
	m := weightedMean(y, w)
	m = math.Min(math.Max(m, 1e-15), 1-1e-15)
	return math.Log(m / (1 - m))
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func (logisticLoss) response(raw float64) float64 { return sigmoid(raw) }
func (logisticLoss) gradients(y, w, score, g, h []float64) {
	for i := range y {
		wi := weightAt(w, i)
		p := sigmoid(score[i])
		g[i] = wi * (p - y[i])
		h[i] = wi * math.Max(p*(1-p), 1e-16)
	}
}

func (logisticLoss) loss(y, w, score []float64) float64 {
	var sw, s float64
	for i := range y {
		wi := weightAt(w, i)
		p := math.Min(math.Max(sigmoid(score[i]), 1e-15), 1-1e-15)
		s -= wi * (y[i]*math.Log(p) + (1-y[i])*math.Log(1-p))
		sw += wi
	}
	return s / sw
}
