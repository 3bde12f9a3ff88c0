package gbdt

import (
	"fmt"
	"math"
	"runtime"
)

// Params configures Train. The zero value trains 100 rounds of squared-error
// boosting with the defaults listed on each field; validate fills them in.
type Params struct {
	// Objective is the loss: "squared" (default), "poisson", "tweedie",
	// "quantile" or "logistic". Poisson and Tweedie use a log link and need
	// a non-negative target; logistic uses a logit link and needs targets
	// in [0, 1].
	Objective string
	// TweedieVariancePower is the Tweedie power p in (1, 2); default 1.5.
	TweedieVariancePower float64
	// Alpha is the quantile level in (0, 1) of the quantile objective;
	// default 0.5 (the median).
	Alpha float64
	// Rounds is the number of boosting rounds (trees); default 100.
	Rounds int
	// LearningRate shrinks every tree's leaf values; default 0.1.
	LearningRate float64
	// MaxDepth limits the depth of a tree (the root has depth 0); default 6,
	// negative means unlimited.
	MaxDepth int
	// MaxLeaves limits the leaves of a tree grown best-first; default 31,
	// negative means unlimited.
	MaxLeaves int
	// MinChildWeight is the least hessian sum a child may hold (the least
	// weighted row count for squared error); default 1. It must be positive.
	MinChildWeight float64
	// MinSplitGain is the least loss reduction a split must bring; default 0.
	MinSplitGain float64
	// L1 is the L1 penalty on leaf values; default 0.
	L1 float64
	// L2 is the L2 penalty on leaf values; default 1 when zero, and a
	// negative value turns the penalty off.
	L2 float64
	// Bins is the most histogram bins per feature, at most 255; default 255.
	// Missing values have a bin of their own besides these.
	Bins int
	// RowSubsample is the fraction of rows each tree sees, drawn without
	// replacement; default 1.
	RowSubsample float64
	// ColSubsample is the fraction of features each tree may split on;
	// default 1.
	ColSubsample float64
	// Seed seeds the row and column sampling and the binning sample.
	Seed uint64
	// Threads is the number of goroutines training uses; 0 means
	// GOMAXPROCS. The trained model does not depend on it.
	Threads int
	// ExactGradients builds split histograms from the float64 gradients
	// and hessians themselves. By default they are rounded to integers
	// each round (stochastically, from Seed; LightGBM's quantised
	// training), which builds histograms with half the memory traffic;
	// split gains then carry the rounding, but leaf values and covers
	// still come from the exact gradients.
	ExactGradients bool
	// ScreenOptional leaves out of the trees the optional features
	// (model.Feature.Optional) that repeat another feature or whose
	// shuffling does not make a quick fit's error on the latest rows it did
	// not see worse (see screenOptional).
	ScreenOptional bool
	// EarlyStoppingRounds stops training once the validation metric has not
	// improved for this many rounds, and keeps the best round's trees. It
	// needs a validation set; 0 turns early stopping off.
	EarlyStoppingRounds int
}

// Objective names accepted by Params.Objective.
const (
	Squared  = "squared"
	Poisson  = "poisson"
	Tweedie  = "tweedie"
	Quantile = "quantile"
	Logistic = "logistic"
)

// validate returns p with defaults filled in, or an error naming the first
// field that is out of range.
func (p Params) validate() (Params, error) {
	if p.Objective == "" {
		p.Objective = Squared
	}
	switch p.Objective {
	case Squared, Poisson, Tweedie, Quantile, Logistic:
	default:
		return p, fmt.Errorf("gbdt: unknown objective %q: expected squared, poisson, tweedie, quantile or logistic", p.Objective)
	}
	if p.TweedieVariancePower == 0 {
		p.TweedieVariancePower = 1.5
	}
	if p.Objective == Tweedie && !(p.TweedieVariancePower > 1 && p.TweedieVariancePower < 2) {
		return p, fmt.Errorf("gbdt: TweedieVariancePower is %v: expected a value in (1, 2)", p.TweedieVariancePower)
	}
	if p.Alpha == 0 {
		p.Alpha = 0.5
	}
	if p.Objective == Quantile && !(p.Alpha > 0 && p.Alpha < 1) {
		return p, fmt.Errorf("gbdt: Alpha is %v: expected a quantile level in (0, 1)", p.Alpha)
	}
	if p.Rounds == 0 {
		p.Rounds = 100
	}
	if p.Rounds < 0 {
		return p, fmt.Errorf("gbdt: Rounds is %d: expected a positive count", p.Rounds)
	}
	if p.LearningRate == 0 {
		p.LearningRate = 0.1
	}
	if !(p.LearningRate > 0) || math.IsInf(p.LearningRate, 0) {
		return p, fmt.Errorf("gbdt: LearningRate is %v: expected a positive number", p.LearningRate)
	}
	if p.MaxDepth == 0 {
		p.MaxDepth = 6
	}
	if p.MaxLeaves == 0 {
		p.MaxLeaves = 31
	}
	if p.MaxLeaves == 1 {
		return p, fmt.Errorf("gbdt: MaxLeaves is 1: a tree needs at least 2 leaves to split")
	}
	if p.MinChildWeight == 0 {
		p.MinChildWeight = 1
	}
	if !(p.MinChildWeight > 0) {
		return p, fmt.Errorf("gbdt: MinChildWeight is %v: expected a positive hessian sum", p.MinChildWeight)
	}
	if p.MinSplitGain < 0 || p.MinSplitGain != p.MinSplitGain {
		return p, fmt.Errorf("gbdt: MinSplitGain is %v: expected a non-negative number", p.MinSplitGain)
	}
	if p.L1 < 0 || p.L1 != p.L1 {
		return p, fmt.Errorf("gbdt: L1 is %v: expected a non-negative number", p.L1)
	}
	switch {
	case p.L2 == 0:
		p.L2 = 1
	case p.L2 < 0:
		p.L2 = 0
	case p.L2 != p.L2:
		return p, fmt.Errorf("gbdt: L2 is NaN")
	}
	if p.Bins == 0 {
		p.Bins = 255
	}
	if p.Bins < 2 || p.Bins > 255 {
		return p, fmt.Errorf("gbdt: Bins is %d: expected 2 to 255", p.Bins)
	}
	if p.RowSubsample == 0 {
		p.RowSubsample = 1
	}
	if !(p.RowSubsample > 0 && p.RowSubsample <= 1) {
		return p, fmt.Errorf("gbdt: RowSubsample is %v: expected a fraction in (0, 1]", p.RowSubsample)
	}
	if p.ColSubsample == 0 {
		p.ColSubsample = 1
	}
	if !(p.ColSubsample > 0 && p.ColSubsample <= 1) {
		return p, fmt.Errorf("gbdt: ColSubsample is %v: expected a fraction in (0, 1]", p.ColSubsample)
	}
	if p.Threads == 0 {
		p.Threads = runtime.GOMAXPROCS(0)
	}
	if p.Threads < 0 {
		return p, fmt.Errorf("gbdt: Threads is %d: expected 0 (all cores) or a positive count", p.Threads)
	}
	if p.EarlyStoppingRounds < 0 {
		return p, fmt.Errorf("gbdt: EarlyStoppingRounds is %d: expected 0 (off) or a positive count", p.EarlyStoppingRounds)
	}
	return p, nil
}
