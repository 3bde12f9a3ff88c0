// Package model defines what every learner in promocast consumes and
// produces: a Dataset of features with their descriptions, and a Predictor
// that turns a feature matrix into predictions.
//
// Learners live in their own packages (linear, gbdt, ...) and return
// concrete model types that implement Predictor and marshal to JSON; the
// model file format (package modelfile) stores them by kind.
package model

import (
	"fmt"

	"promocast/data"
)

// Feature describes one column of a feature matrix.
type Feature struct {
	// Name is the feature's name, e.g. "lag_3" or "discount_depth".
	Name string `json:"name"`
	// Categorical features hold integer codes 0..Levels-1 (NaN = missing);
	// trees split them by category, linear models one-hot encode them.
	Categorical bool `json:"categorical,omitempty"`
	// Levels is the number of categories of a categorical feature.
	Levels int `json:"levels,omitempty"`
	// Monotone constrains the prediction's response to the feature:
	// +1 never decreasing, -1 never increasing, 0 free.
	Monotone int `json:"monotone,omitempty"`
	// Optional marks a covariate the user declared without saying what
	// it does (a known column that is not a promotion lever or its off
	// price): a learner may leave it out when it carries no signal of its
	// own (see gbdt.Params.ScreenOptional).
	Optional bool `json:"optional,omitempty"`
}

// Dataset is a training set: features, target, optional weights.
type Dataset struct {
	X        *data.Matrix
	Y        []float64
	W        []float64 // nil means every row weighs 1
	Features []Feature // one per column of X
}

// Check reports an error when the dataset's parts disagree in size or the
// target holds a non-finite value.
func (d *Dataset) Check() error {
	if d.X == nil {
		return fmt.Errorf("dataset has no feature matrix")
	}
	if err := d.X.Check(len(d.Features)); err != nil {
		return err
	}
	if len(d.Y) != d.X.Rows {
		return fmt.Errorf("dataset has %d rows but %d target values", d.X.Rows, len(d.Y))
	}
	if d.W != nil && len(d.W) != d.X.Rows {
		return fmt.Errorf("dataset has %d rows but %d weights", d.X.Rows, len(d.W))
	}
	for i, y := range d.Y {
		if y != y || y > 1e300 || y < -1e300 {
			return fmt.Errorf("target of row %d is %v: expected a finite number", i, y)
		}
	}
	return nil
}

// Weight returns row i's weight.
func (d *Dataset) Weight(i int) float64 {
	if d.W == nil {
		return 1
	}
	return d.W[i]
}

// Predictor predicts one value per row of X into out, which has X.Rows
// elements and is owned by the caller. Regression models predict the target;
// classifiers predict the probability of the positive class.
type Predictor interface {
	Predict(X *data.Matrix, out []float64) error
}
