package linear

import (
	"fmt"
	"math"
)

// Penalty names accepted by Params.Penalty and LogisticParams.Penalty.
const (
	PenaltyRidge      = "ridge"      // L2: alpha/2·||b||², scikit-learn penalty="l2"
	PenaltyLasso      = "lasso"      // L1: alpha·||b||₁, scikit-learn penalty="l1"
	PenaltyElasticNet = "elasticnet" // alpha·(l1_ratio·||b||₁ + (1−l1_ratio)/2·||b||²)
	PenaltyNone       = "none"       // no penalty: ordinary least squares / maximum likelihood
)

// Params configures Fit. The zero value is a ridge regression with
// Alpha = 0.001 on standardised features, an intercept, and scikit-learn's
// default stopping rule.
//
// Fit minimises, over the intercept b0 and the coefficients b of the
// standardised design matrix Z (see the package documentation),
//
//	1/(2·Σw) · Σ w_i·(y_i − b0 − z_i·b)² + Alpha·(L1Ratio·||b||₁ + (1−L1Ratio)/2·||b||²)
//
// which is scikit-learn's ElasticNet objective (with sample weights) applied
// to the standardised features; Lasso is L1Ratio = 1 and Ridge(alpha=a) is
// Alpha = a/Σw with L1Ratio = 0.
type Params struct {
	// Penalty is "ridge" (default), "lasso", "elasticnet" or "none".
	// "l2" and "l1" are accepted as synonyms of "ridge" and "lasso".
	Penalty string `json:"penalty"`
	// Alpha is the overall penalty strength on the standardised scale;
	// 0 means 0.001. It must not be negative; it is ignored for "none".
	Alpha float64 `json:"alpha"`
	// L1Ratio is the share of the L1 part of an elastic net penalty, in
	// (0, 1]; 0 means 0.5. Ridge and lasso fix it at 0 and 1.
	L1Ratio float64 `json:"l1_ratio"`
	// MaxIter bounds the coordinate-descent sweeps; 0 means 1000.
	MaxIter int `json:"max_iter"`
	// Tol stops coordinate descent, as in scikit-learn, when the duality
	// gap falls below Tol times the weighted variance of y; 0 means 1e-4.
	// With monotone features (which use coordinate descent for every
	// penalty) it stops when no coefficient moved by more than Tol times
	// the largest, in units of standard deviations.
	Tol float64 `json:"tol"`
	// NoIntercept fits b0 = 0: the features are then scaled but not
	// centred, so the model passes through the origin of the original
	// features. The zero value fits an intercept.
	NoIntercept bool `json:"no_intercept,omitempty"`
}

// penalty is a validated penalty: l1·||b||₁ + l2/2·||b||² on standardised
// coefficients.
type penalty struct {
	name   string
	l1, l2 float64
}

// resolvePenalty turns a penalty name, strength and mix into l1 and l2
// weights; who names the caller in error messages.
func resolvePenalty(who, name string, alpha, ratio float64) (penalty, error) {
	if math.IsNaN(alpha) || math.IsInf(alpha, 0) || alpha < 0 {
		return penalty{}, fmt.Errorf("%s: penalty strength %v must be a finite number ≥ 0", who, alpha)
	}
	switch name {
	case "l2":
		name = PenaltyRidge
	case "l1":
		name = PenaltyLasso
	case "":
		name = PenaltyRidge
	}
	switch name {
	case PenaltyRidge:
		return penalty{name, 0, alpha}, nil
	case PenaltyLasso:
		return penalty{name, alpha, 0}, nil
	case PenaltyElasticNet:
		if ratio == 0 {
			ratio = 0.5
		}
		if !(ratio > 0 && ratio <= 1) {
			return penalty{}, fmt.Errorf("%s: l1_ratio %v must be in (0, 1]", who, ratio)
		}
		return penalty{name, alpha * ratio, alpha * (1 - ratio)}, nil
	case PenaltyNone:
		return penalty{name, 0, 0}, nil
	}
	return penalty{}, fmt.Errorf("%s: unknown penalty %q: expected ridge, lasso, elasticnet or none", who, name)
}

// validate fills defaults and returns the penalty weights.
func (p *Params) validate() (penalty, error) {
	if p.Alpha == 0 {
		p.Alpha = 0.001
	}
	if p.MaxIter == 0 {
		p.MaxIter = 1000
	}
	if p.Tol == 0 {
		p.Tol = 1e-4
	}
	if p.MaxIter < 0 {
		return penalty{}, fmt.Errorf("linear: max_iter %d must be positive", p.MaxIter)
	}
	if !(p.Tol > 0) || math.IsInf(p.Tol, 0) {
		return penalty{}, fmt.Errorf("linear: tol %v must be a positive number", p.Tol)
	}
	pen, err := resolvePenalty("linear", p.Penalty, p.Alpha, p.L1Ratio)
	if err != nil {
		return pen, err
	}
	p.Penalty = pen.name
	if pen.name == PenaltyElasticNet && p.L1Ratio == 0 {
		p.L1Ratio = 0.5
	}
	return pen, nil
}

// LogisticParams configures FitLogistic. The zero value is an L2 penalty
// with C = 1 (scikit-learn's default), an intercept, and Newton iterations
// until the step is below 1e-8.
//
// The objective is scikit-learn LogisticRegression's, on the standardised
// features (see the package documentation):
//
//	C·Σ w_i·logloss(y_i, b0 + z_i·b) + L1Ratio·||b||₁ + (1−L1Ratio)/2·||b||²
//
// Dividing by C·Σw gives the form of Params with alpha = 1/(C·Σw). Alpha
// may be given instead of C: it is then that strength per unit of weight.
type LogisticParams struct {
	// Penalty is "ridge" (default; also "l2"), "lasso" ("l1"),
	// "elasticnet" or "none". The intercept is never penalised.
	Penalty string `json:"penalty"`
	// C is the inverse penalty strength as in LogisticRegression(C=...);
	// 0 means 1 unless Alpha is set. Setting both C and Alpha is an error.
	C float64 `json:"c,omitempty"`
	// Alpha is the penalty strength per unit of sample weight,
	// alpha = 1/(C·Σw); 0 means use C.
	Alpha float64 `json:"alpha,omitempty"`
	// L1Ratio is the L1 share of an elastic net penalty in (0, 1]; 0 means 0.5.
	L1Ratio float64 `json:"l1_ratio"`
	// MaxIter bounds the Newton iterations; 0 means 100.
	MaxIter int `json:"max_iter"`
	// Tol stops the iterations when no standardised coefficient moved by
	// more than Tol·(1 + its size); 0 means 1e-8.
	Tol float64 `json:"tol"`
	// NoIntercept fixes b0 = 0 (features are scaled, not centred).
	NoIntercept bool `json:"no_intercept,omitempty"`
}

// PoissonParams configures FitPoisson. The zero value is an L2 penalty
// with Alpha = 0.001, an intercept, and Newton iterations until the step is
// below 1e-8.
//
// The objective is scikit-learn PoissonRegressor's on the standardised
// features:
//
//	1/(2·Σw) · Σ w_i·deviance(y_i, exp(b0 + z_i·b)) + Alpha·(L1Ratio·||b||₁ + (1−L1Ratio)/2·||b||²)
//
// PoissonRegressor(alpha=a) is the zero-L1Ratio ridge case with Alpha = a.
type PoissonParams struct {
	// Penalty is "ridge" (default; also "l2"), "lasso" ("l1"),
	// "elasticnet" or "none". The intercept is never penalised.
	Penalty string `json:"penalty"`
	// Alpha is the penalty strength; 0 means 0.001.
	Alpha float64 `json:"alpha"`
	// L1Ratio is the L1 share of an elastic net penalty in (0, 1]; 0 means 0.5.
	L1Ratio float64 `json:"l1_ratio"`
	// MaxIter bounds the Newton iterations; 0 means 100.
	MaxIter int `json:"max_iter"`
	// Tol stops the iterations when no standardised coefficient moved by
	// more than Tol·(1 + its size); 0 means 1e-8.
	Tol float64 `json:"tol"`
	// NoIntercept fixes b0 = 0 (features are scaled, not centred).
	NoIntercept bool `json:"no_intercept,omitempty"`
}

// glmSettings is the validated form of LogisticParams and PoissonParams.
type glmSettings struct {
	pen         penalty
	maxIter     int
	tol         float64
	noIntercept bool
}

// checkIterTol fills the Newton defaults and checks them.
func checkIterTol(who string, maxIter *int, tol *float64) error {
	if *maxIter == 0 {
		*maxIter = 100
	}
	if *tol == 0 {
		*tol = 1e-8
	}
	if *maxIter < 0 {
		return fmt.Errorf("%s: max_iter %d must be positive", who, *maxIter)
	}
	if !(*tol > 0) || math.IsInf(*tol, 0) {
		return fmt.Errorf("%s: tol %v must be a positive number", who, *tol)
	}
	return nil
}

// validate fills defaults and returns the settings for total weight sumW.
func (p *LogisticParams) validate(sumW float64) (glmSettings, error) {
	const who = "logistic"
	if err := checkIterTol(who, &p.MaxIter, &p.Tol); err != nil {
		return glmSettings{}, err
	}
	if p.C != 0 && p.Alpha != 0 {
		return glmSettings{}, fmt.Errorf("%s: set C or Alpha, not both (C=%v, Alpha=%v)", who, p.C, p.Alpha)
	}
	if math.IsNaN(p.C) || math.IsInf(p.C, 0) || p.C < 0 {
		return glmSettings{}, fmt.Errorf("%s: C %v must be a positive number", who, p.C)
	}
	alpha := p.Alpha
	if alpha == 0 {
		if p.C == 0 {
			p.C = 1
		}
		alpha = 1 / (p.C * sumW)
	}
	pen, err := resolvePenalty(who, p.Penalty, alpha, p.L1Ratio)
	if err != nil {
		return glmSettings{}, err
	}
	p.Penalty = pen.name
	if pen.name == PenaltyElasticNet && p.L1Ratio == 0 {
		p.L1Ratio = 0.5
	}
	return glmSettings{pen, p.MaxIter, p.Tol, p.NoIntercept}, nil
}

// validate fills defaults and returns the settings.
func (p *PoissonParams) validate() (glmSettings, error) {
	const who = "poisson"
	if err := checkIterTol(who, &p.MaxIter, &p.Tol); err != nil {
		return glmSettings{}, err
	}
	if p.Alpha == 0 {
		p.Alpha = 0.001
	}
	pen, err := resolvePenalty(who, p.Penalty, p.Alpha, p.L1Ratio)
	if err != nil {
		return glmSettings{}, err
	}
	p.Penalty = pen.name
	if pen.name == PenaltyElasticNet && p.L1Ratio == 0 {
		p.L1Ratio = 0.5
	}
	return glmSettings{pen, p.MaxIter, p.Tol, p.NoIntercept}, nil
}
