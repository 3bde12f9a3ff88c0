package nn

import (
	"math"
	"sort"
)

// objective is a loss in terms of the network's output score s and the
// training target t (the target after the fit's transformation; see
// Target).
type objective struct {
	loss  string
	alpha float64
}

// maxExp bounds the Poisson score fed to exp, so that a wild score gives a
// large but finite mean.
const maxExp = 50

// value returns the loss of score s for target t and its derivative by s.
func (o objective) value(s, t float64) (loss, grad float64) {
	switch o.loss {
	case LossPoisson:
		mu := math.Exp(math.Min(s, maxExp))
		return mu - t*s, mu - t
	case LossQuantile:
		u := t - s
		if u > 0 {
			return o.alpha * u, -o.alpha
		}
		return (o.alpha - 1) * u, 1 - o.alpha
	case LossLogistic:
		// log(1 + e^s) − t·s, computed without overflow.
		sp := math.Max(s, 0) + math.Log1p(math.Exp(-math.Abs(s)))
		return sp - t*s, sigmoid(s) - t
	default: // LossSquared
		d := s - t
		return 0.5 * d * d, d
	}
}

func sigmoid(s float64) float64 {
	if s >= 0 {
		return 1 / (1 + math.Exp(-s))
	}
	e := math.Exp(s)
	return e / (1 + e)
}

// Target is the affine map between the dataset's target and what the
// network is trained on. For the squared and quantile losses the network
// learns t = (y − Shift)/Scale and predicts Shift + Scale·s; for Poisson
// and logistic Shift is 0 and Scale 1, and the prediction is exp(s) or
// sigmoid(s).
type Target struct {
	Shift float64 `json:"shift"`
	Scale float64 `json:"scale"`
}

// fitTarget chooses the target map and the output bias that makes the
// untrained network predict the constant best for the loss (weighted
// mean, quantile, log mean or log odds), from the training rows 0..rows-1.
func fitTarget(o objective, y []float64, weight func(int) float64, rows int) (Target, float64) {
	var sw, mean, m2 float64
	for i := 0; i < rows; i++ {
		w := weight(i)
		if w == 0 {
			continue
		}
		sw += w
		d := y[i] - mean
		mean += d * w / sw
		m2 += w * d * (y[i] - mean)
	}
	switch o.loss {
	case LossPoisson:
		return Target{Scale: 1}, math.Log(math.Max(mean, 1e-12))
	case LossLogistic:
		p := math.Min(math.Max(mean, 1e-6), 1-1e-6)
		return Target{Scale: 1}, math.Log(p / (1 - p))
	}
	sd := math.Sqrt(m2 / sw)
	if !(sd > 1e-12*math.Max(1, math.Abs(mean))) {
		sd = 1
	}
	tg := Target{Shift: mean, Scale: sd}
	if o.loss != LossQuantile {
		return tg, 0
	}
	idx := make([]int, 0, rows)
	for i := 0; i < rows; i++ {
		if weight(i) > 0 {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return y[idx[a]] < y[idx[b]] })
	acc, q := 0.0, y[idx[len(idx)-1]]
	for _, i := range idx {
		acc += weight(i)
		if acc >= o.alpha*sw {
			q = y[i]
			break
		}
	}
	return tg, (q - mean) / sd
}

// train returns the training target of y.
func (tg Target) train(y float64) float64 { return (y - tg.Shift) / tg.Scale }

// predict returns the prediction of score s.
func (tg Target) predict(loss string, s float64) float64 {
	switch loss {
	case LossPoisson:
		return math.Exp(math.Min(s, maxExp))
	case LossLogistic:
		return sigmoid(s)
	}
	return tg.Shift + tg.Scale*s
}
