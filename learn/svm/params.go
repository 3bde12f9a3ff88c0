package svm

import (
	"fmt"
	"math"
)

// Loss names accepted by Params.Loss.
const (
	// LossHinge is max(0, 1 − y·f), LIBLINEAR's L1-loss SVC (scikit-learn
	// LinearSVC loss="hinge").
	LossHinge = "hinge"
	// LossSquaredHinge is max(0, 1 − y·f)², the classifier's default
	// (scikit-learn LinearSVC loss="squared_hinge").
	LossSquaredHinge = "squared_hinge"
	// LossEpsilonInsensitive is max(0, |y − f| − ε), the regressor's
	// default (scikit-learn LinearSVR loss="epsilon_insensitive").
	LossEpsilonInsensitive = "epsilon_insensitive"
	// LossSquaredEpsilonInsensitive is max(0, |y − f| − ε)².
	LossSquaredEpsilonInsensitive = "squared_epsilon_insensitive"
)

// Params configures FitClassifier and FitRegressor. The zero value is
// scikit-learn's LinearSVC (squared hinge) or LinearSVR (ε-insensitive,
// ε = 0) default with C = 1, on standardised features.
//
// The fit minimises, over the weights w of the standardised design columns
// z and the bias b,
//
//	½‖w‖² + ½b² + Σ C·s_i·loss(y_i, z_i·w + b·B)
//
// where s_i is row i's sample weight and B is InterceptScaling: as in
// LIBLINEAR and scikit-learn, the intercept is the weight of a constant
// column B and is regularised with the other weights. A larger B weakens
// that regularisation.
type Params struct {
	// Loss is LossHinge or LossSquaredHinge (default) for a classifier,
	// LossEpsilonInsensitive (default) or LossSquaredEpsilonInsensitive
	// for a regressor.
	Loss string `json:"loss"`
	// C is the inverse regularisation strength, > 0; 0 means 1. Each row's
	// cost is C times its sample weight.
	C float64 `json:"c"`
	// Epsilon is the regressor's insensitive zone, ≥ 0, in target units;
	// 0 is the default. Classifiers reject a non-zero Epsilon.
	Epsilon float64 `json:"epsilon"`
	// MaxIter bounds the coordinate-descent sweeps over the rows; 0 means
	// 1000. A fit that runs out returns a usable model with
	// Info().Converged false.
	MaxIter int `json:"max_iter"`
	// Tol is LIBLINEAR's stopping tolerance; 0 means 1e-4. A classifier
	// stops when the spread of the dual projected gradient is at most Tol;
	// a regressor when the summed violation of the optimality conditions
	// is at most Tol times that of the first sweep.
	Tol float64 `json:"tol"`
	// InterceptScaling is B, the value of the constant column; 0 means 1.
	InterceptScaling float64 `json:"intercept_scaling"`
	// NoIntercept fits no bias: prediction is z·w only.
	NoIntercept bool `json:"no_intercept,omitempty"`
	// Seed chooses the order rows are visited in each sweep; the same seed
	// gives the same model.
	Seed uint64 `json:"seed"`
}

// validate fills defaults and rejects bad values; regression says which
// kind of model the params are for.
func (p Params) validate(regression bool) (Params, error) {
	who := "svm classifier"
	if regression {
		who = "svm regressor"
	}
	switch {
	case p.Loss == "" && regression:
		p.Loss = LossEpsilonInsensitive
	case p.Loss == "":
		p.Loss = LossSquaredHinge
	case regression && p.Loss != LossEpsilonInsensitive && p.Loss != LossSquaredEpsilonInsensitive:
		return p, fmt.Errorf("%s: loss %q, expected %q or %q", who, p.Loss, LossEpsilonInsensitive, LossSquaredEpsilonInsensitive)
	case !regression && p.Loss != LossHinge && p.Loss != LossSquaredHinge:
		return p, fmt.Errorf("%s: loss %q, expected %q or %q", who, p.Loss, LossHinge, LossSquaredHinge)
	}
	if p.C == 0 {
		p.C = 1
	}
	if !(p.C > 0) || math.IsInf(p.C, 0) {
		return p, fmt.Errorf("%s: C is %v, expected a finite number > 0", who, p.C)
	}
	if !(p.Epsilon >= 0) || math.IsInf(p.Epsilon, 0) {
		return p, fmt.Errorf("%s: epsilon is %v, expected a finite number ≥ 0", who, p.Epsilon)
	}
	if !regression && p.Epsilon != 0 {
		return p, fmt.Errorf("%s: epsilon is %v, but only regressors have an insensitive zone", who, p.Epsilon)
	}
	if p.MaxIter == 0 {
		p.MaxIter = 1000
	}
	if p.MaxIter < 0 {
		return p, fmt.Errorf("%s: max_iter is %d, expected ≥ 1", who, p.MaxIter)
	}
	if p.Tol == 0 {
		p.Tol = 1e-4
	}
	if !(p.Tol > 0) || math.IsInf(p.Tol, 0) {
		return p, fmt.Errorf("%s: tol is %v, expected a finite number > 0", who, p.Tol)
	}
	if p.InterceptScaling == 0 {
		p.InterceptScaling = 1
	}
	if !(p.InterceptScaling > 0) || math.IsInf(p.InterceptScaling, 0) {
		return p, fmt.Errorf("%s: intercept_scaling is %v, expected a finite number > 0", who, p.InterceptScaling)
	}
	return p, nil
}
