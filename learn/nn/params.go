package nn

import (
	"fmt"
	"math"
	"runtime"
)

// Loss names accepted by Params.Loss.
const (
	// LossSquared is ½(y − f)², fitted on the target standardised with
	// its weighted mean and standard deviation; Predict returns f on the
	// target's scale.
	LossSquared = "squared"
	// LossPoisson is the Poisson deviance with a log link: the network's
	// score s gives the mean exp(s); targets must be ≥ 0.
	LossPoisson = "poisson"
	// LossQuantile is the pinball loss at quantile Alpha, on the
	// standardised target like LossSquared.
	LossQuantile = "quantile"
	// LossLogistic is the log loss of a binary target in [0, 1] with a
	// sigmoid link; Predict returns the probability of 1.
	LossLogistic = "logistic"
)

// Learning-rate schedules accepted by Params.Schedule.
const (
	// ScheduleCosine decays the rate from LearningRate to LearningRate/100
	// along half a cosine over Epochs·(batches per epoch) steps.
	ScheduleCosine = "cosine"
	// ScheduleStep multiplies the rate by 0.1 after half and again after
	// three quarters of Epochs.
	ScheduleStep = "step"
	// ScheduleConstant keeps LearningRate throughout.
	ScheduleConstant = "constant"
)

// Params configures Fit. The zero value is the documented default of every
// field: hidden layers [64, 32], dropout 0.1, squared loss, Adam with
// learning rate 1e-3 on a cosine schedule, weight decay 0.01, batches of 512
// rows, at most 30 epochs, early stopping with patience 5 on the last 10% of
// the rows.
//
// Fields whose zero value means a default use a negative value for "none"
// (Dropout, WeightDecay, Validation); validation stores that as -1.
type Params struct {
	// Hidden lists the widths of the hidden ReLU layers, each ≥ 1; nil
	// means [64, 32]. An empty non-nil slice gives a network without
	// hidden layers (a GLM on the embedded inputs).
	Hidden []int `json:"hidden"`
	// Dropout is the probability that a hidden unit is zeroed during
	// training, in [0, 1); 0 means 0.1, negative means no dropout.
	Dropout float64 `json:"dropout"`
	// Loss is LossSquared (default), LossPoisson, LossQuantile or
	// LossLogistic.
	Loss string `json:"loss"`
	// Alpha is LossQuantile's quantile, in (0, 1); 0 means 0.5. Other
	// losses reject a non-zero Alpha.
	Alpha float64 `json:"alpha"`
	// LearningRate is Adam's step size, > 0; 0 means 1e-3.
	LearningRate float64 `json:"learning_rate"`
	// Schedule is ScheduleCosine (default), ScheduleStep or
	// ScheduleConstant.
	Schedule string `json:"schedule"`
	// WeightDecay is the decoupled (AdamW) weight decay of the weight
	// matrices and embeddings (not biases): each step multiplies them by
	// 1 − rate·WeightDecay. 0 means 0.01, negative means none.
	WeightDecay float64 `json:"weight_decay"`
	// BatchSize is the number of rows per gradient step, ≥ 1; 0 means 512.
	BatchSize int `json:"batch_size"`
	// Epochs is the maximum number of passes over the training rows, ≥ 1;
	// 0 means 30.
	Epochs int `json:"epochs"`
	// Validation is the fraction of rows, taken from the END of the
	// dataset as given, held out to stop training early, in (0, 1); 0
	// means 0.1, negative means no hold-out (train every row for Epochs).
	// Callers pass rows in time order so that the hold-out is the most
	// recent data.
	Validation float64 `json:"validation"`
	// Patience is the number of epochs without a better validation loss
	// after which training stops, ≥ 1; 0 means 5. The model keeps the
	// weights of the best epoch.
	Patience int `json:"patience"`
	// MaxEmbedding caps the width of a categorical feature's embedding,
	// min(MaxEmbedding, (Levels+1)/2) and at least 1; 0 means 50.
	MaxEmbedding int `json:"max_embedding"`
	// Seed drives initialisation, shuffling and dropout; the same data,
	// params and seed give the same model, byte for byte.
	Seed uint64 `json:"seed"`
	// Threads is the number of goroutines computing a batch's gradient;
	// 0 means runtime.GOMAXPROCS(0). The model does not depend on it.
	Threads int `json:"-"`
}

// validate fills defaults and rejects bad values.
func (p Params) validate() (Params, error) {
	if p.Hidden == nil {
		p.Hidden = []int{64, 32}
	}
	p.Hidden = append([]int{}, p.Hidden...)
	for i, h := range p.Hidden {
		if h < 1 {
			return p, fmt.Errorf("nn: hidden layer %d has width %d, expected ≥ 1", i, h)
		}
	}
	switch {
	case p.Dropout == 0:
		p.Dropout = 0.1
	case p.Dropout < 0:
		p.Dropout = -1
	case !(p.Dropout < 1):
		return p, fmt.Errorf("nn: dropout is %v, expected a probability < 1", p.Dropout)
	}
	switch p.Loss {
	case "":
		p.Loss = LossSquared
	case LossSquared, LossPoisson, LossQuantile, LossLogistic:
	default:
		return p, fmt.Errorf("nn: loss %q, expected %q, %q, %q or %q", p.Loss, LossSquared, LossPoisson, LossQuantile, LossLogistic)
	}
	if p.Loss == LossQuantile {
		if p.Alpha == 0 {
			p.Alpha = 0.5
		}
		if !(p.Alpha > 0 && p.Alpha < 1) {
			return p, fmt.Errorf("nn: alpha is %v, expected a quantile in (0, 1)", p.Alpha)
		}
	} else if p.Alpha != 0 {
		return p, fmt.Errorf("nn: alpha is %v, but only the %q loss has a quantile", p.Alpha, LossQuantile)
	}
	if p.LearningRate == 0 {
		p.LearningRate = 1e-3
	}
	if !(p.LearningRate > 0) || math.IsInf(p.LearningRate, 0) {
		return p, fmt.Errorf("nn: learning_rate is %v, expected a finite number > 0", p.LearningRate)
	}
	switch p.Schedule {
	case "":
		p.Schedule = ScheduleCosine
	case ScheduleCosine, ScheduleStep, ScheduleConstant:
	default:
		return p, fmt.Errorf("nn: schedule %q, expected %q, %q or %q", p.Schedule, ScheduleCosine, ScheduleStep, ScheduleConstant)
	}
	switch {
	case p.WeightDecay == 0:
		p.WeightDecay = 0.01
	case p.WeightDecay < 0:
		p.WeightDecay = -1
	case math.IsInf(p.WeightDecay, 0) || p.WeightDecay != p.WeightDecay:
		return p, fmt.Errorf("nn: weight_decay is %v, expected a finite number", p.WeightDecay)
	}
	if p.BatchSize == 0 {
		p.BatchSize = 512
	}
	if p.BatchSize < 1 {
		return p, fmt.Errorf("nn: batch_size is %d, expected ≥ 1", p.BatchSize)
	}
	if p.Epochs == 0 {
		p.Epochs = 30
	}
	if p.Epochs < 1 {
		return p, fmt.Errorf("nn: epochs is %d, expected ≥ 1", p.Epochs)
	}
	switch {
	case p.Validation == 0:
		p.Validation = 0.1
	case p.Validation < 0:
		p.Validation = -1
	case !(p.Validation < 1):
		return p, fmt.Errorf("nn: validation is %v, expected a fraction in (0, 1) or negative for none", p.Validation)
	}
	if p.Patience == 0 {
		p.Patience = 5
	}
	if p.Patience < 1 {
		return p, fmt.Errorf("nn: patience is %d, expected ≥ 1", p.Patience)
	}
	if p.MaxEmbedding == 0 {
		p.MaxEmbedding = 50
	}
	if p.MaxEmbedding < 1 {
		return p, fmt.Errorf("nn: max_embedding is %d, expected ≥ 1", p.MaxEmbedding)
	}
	if p.Threads == 0 {
		p.Threads = runtime.GOMAXPROCS(0)
	}
	if p.Threads < 1 {
		return p, fmt.Errorf("nn: threads is %d, expected ≥ 1", p.Threads)
	}
	return p, nil
}

// dropout returns the probability of zeroing a hidden unit (0 for none).
func (p Params) dropout() float64 { return max(0, p.Dropout) }

// decay returns the decoupled weight decay (0 for none).
func (p Params) decay() float64 { return max(0, p.WeightDecay) }
