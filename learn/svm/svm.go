package svm

import (
	"fmt"
	"math"

	"promocast/data"
	"promocast/learn/design"
	"promocast/model"
)

// FitInfo reports how a fit ended.
type FitInfo struct {
	// Iterations is the number of coordinate-descent sweeps run.
	Iterations int `json:"iterations"`
	// Converged is false when MaxIter ran out before Tol was met; the
	// model is then usable but not optimal.
	Converged bool `json:"converged"`
	// Objective is the primal objective of Params at the returned weights.
	Objective float64 `json:"objective"`
}

// Coef is one design column's weight.
type Coef struct {
	// Name is the feature's name, "name=missing" for a missing indicator,
	// "name=3" for level 3 of a categorical feature.
	Name string
	// Value is the weight on the original scale of the column: the change
	// of the decision value per unit of the feature (or for the indicator
	// switching on).
	Value float64
	// Std is the weight on the standardised column: the change per
	// training standard deviation, the number the penalty applies to.
	Std float64
}

// fitted is what both model types share: the preprocessing, the weights
// of the standardised columns and the intercept b·B.
type fitted struct {
	enc       *design.Encoder
	w         []float64
	intercept float64
	info      FitInfo
}

// Classifier is a fitted linear SVM for a binary target. Predict returns
// the probability of class 1 from Platt scaling of the decision value;
// Decision returns the decision value itself. It marshals to JSON.
type Classifier struct {
	params Params
	fit    fitted
	platt  Platt
}

// Regressor is a fitted linear support vector regression; Predict returns
// the decision value, the predicted target. It marshals to JSON.
type Regressor struct {
	params Params
	fit    fitted
}

// FitClassifier fits a linear SVM to a target of 0s and 1s (see Params for
// the objective), then a Platt scaling of its decision values on the same
// training rows. Rows of weight 0 are ignored; both classes must occur
// among the others.
func FitClassifier(ds *model.Dataset, p Params) (*Classifier, error) {
	p, err := p.validate(false)
	if err != nil {
		return nil, err
	}
	f, prob, err := fit("svm classifier", ds, p, func(i int, y float64) (float64, error) {
		switch y {
		case 0:
			return -1, nil
		case 1:
			return 1, nil
		}
		return 0, fmt.Errorf("target of row %d is %v: a classifier expects 0 or 1", i, y)
	})
	if err != nil {
		return nil, err
	}
	var pos, neg bool
	for _, y := range prob.y {
		pos, neg = pos || y > 0, neg || y < 0
	}
	if !pos || !neg {
		return nil, fmt.Errorf("svm classifier: the training rows hold only one class: expected both 0 and 1")
	}
	w, iters, ok := solveSVC(prob, p.Loss == LossSquaredHinge, p.MaxIter, p.Tol, newPermuter(p.Seed))
	f.finish(w, p, iters, ok)
	f.info.Objective = objective(prob, w, func(y, d float64) float64 {
		l := math.Max(0, 1-y*d)
		if p.Loss == LossSquaredHinge {
			return l * l
		}
		return l
	})
	m := &Classifier{params: p, fit: f}
	dec := make([]float64, prob.n)
	lab := make([]bool, prob.n)
	for i := range dec {
		dec[i] = dot(w, prob.row(i))
		lab[i] = prob.y[i] > 0
	}
	m.platt = fitPlatt(dec, lab, prob.s)
	return m, nil
}

// FitRegressor fits a linear support vector regression (see Params for
// the objective). With the ε-insensitive loss and ε = 0 it is an
// L2-regularised least-absolute-deviation fit: weighted by row scales, the
// loss is the numerator of WAPE. Rows of weight 0 are ignored.
func FitRegressor(ds *model.Dataset, p Params) (*Regressor, error) {
	p, err := p.validate(true)
	if err != nil {
		return nil, err
	}
	f, prob, err := fit("svm regressor", ds, p, func(_ int, y float64) (float64, error) { return y, nil })
	if err != nil {
		return nil, err
	}
	squared := p.Loss == LossSquaredEpsilonInsensitive
	w, iters, ok := solveSVR(prob, p.Epsilon, squared, p.MaxIter, p.Tol, newPermuter(p.Seed))
	f.finish(w, p, iters, ok)
	f.info.Objective = objective(prob, w, func(y, d float64) float64 {
		l := math.Max(0, math.Abs(y-d)-p.Epsilon)
		if squared {
			return l * l
		}
		return l
	})
	return &Regressor{params: p, fit: f}, nil
}

// fit checks ds, fits the preprocessing and builds the design problem of
// the rows with positive weight; target maps row i's target to the
// solver's.
func fit(who string, ds *model.Dataset, p Params, target func(i int, y float64) (float64, error)) (fitted, *problem, error) {
	if ds == nil {
		return fitted{}, nil, fmt.Errorf("%s: no dataset", who)
	}
	if err := ds.Check(); err != nil {
		return fitted{}, nil, fmt.Errorf("%s: %w", who, err)
	}
	var rows []int
	for i := 0; i < ds.X.Rows; i++ {
		w := ds.Weight(i)
		if !(w >= 0) || math.IsInf(w, 0) {
			return fitted{}, nil, fmt.Errorf("%s: weight of row %d is %v: expected a finite number ≥ 0", who, i, w)
		}
		if w > 0 {
			rows = append(rows, i)
		}
	}
	if len(rows) == 0 {
		return fitted{}, nil, fmt.Errorf("%s: no training rows with positive weight", who)
	}
	enc, err := design.Fit(ds, !p.NoIntercept)
	if err != nil {
		return fitted{}, nil, fmt.Errorf("%s: %w", who, err)
	}
	nt := len(enc.Terms)
	d := nt
	if !p.NoIntercept {
		d++
	}
	prob := &problem{n: len(rows), d: d, x: make([]float64, len(rows)*d), y: make([]float64, len(rows)),
		c: make([]float64, len(rows)), s: make([]float64, len(rows))}
	for k, i := range rows {
		x := prob.row(k)
		enc.Dense(ds.X.Row(i), x[:nt])
		if !p.NoIntercept {
			x[nt] = p.InterceptScaling
		}
		if prob.y[k], err = target(i, ds.Y[i]); err != nil {
			return fitted{}, nil, fmt.Errorf("%s: %w", who, err)
		}
		prob.s[k] = ds.Weight(i)
		prob.c[k] = p.C * prob.s[k]
	}
	return fitted{enc: enc}, prob, nil
}

// finish stores the solver's weights: the first len(terms) belong to the
// design columns, the last (with an intercept) to the constant column.
func (f *fitted) finish(w []float64, p Params, iters int, converged bool) {
	nt := len(f.enc.Terms)
	f.w = append([]float64(nil), w[:nt]...)
	if !p.NoIntercept {
		f.intercept = w[nt] * p.InterceptScaling
	}
	f.info = FitInfo{Iterations: iters, Converged: converged}
}

// objective returns ½‖w‖² + Σ c_i·loss(y_i, x_i·w).
func objective(p *problem, w []float64, loss func(y, d float64) float64) float64 {
	s := 0.5 * dot(w, w)
	for i := 0; i < p.n; i++ {
		s += p.c[i] * loss(p.y[i], dot(w, p.row(i)))
	}
	return s
}

// decision writes the decision value of every row of X into out.
func (f *fitted) decision(who string, X *data.Matrix, out []float64) error {
	if f.enc == nil {
		return fmt.Errorf("%s predict: the model is not fitted", who)
	}
	if X == nil {
		return fmt.Errorf("%s predict: no feature matrix", who)
	}
	if err := X.Check(len(f.enc.Features)); err != nil {
		return fmt.Errorf("%s predict: %w", who, err)
	}
	if len(out) != X.Rows {
		return fmt.Errorf("%s predict: output has %d elements for %d rows", who, len(out), X.Rows)
	}
	z := make([]float64, len(f.enc.Terms))
	for i := range out {
		if bad := f.enc.Dense(X.Row(i), z); bad >= 0 {
			return fmt.Errorf("%s predict: row %d, feature %q: value %v is not finite", who, i, f.enc.Features[bad].Name, X.At(i, bad))
		}
		out[i] = f.intercept + dot(f.w, z)
	}
	return nil
}

// coefficients returns the weights of the design columns.
func (f *fitted) coefficients() []Coef {
	out := make([]Coef, len(f.w))
	for j, t := range f.enc.Terms {
		out[j] = Coef{Name: f.enc.Name(j), Value: f.w[j] / t.Scale, Std: f.w[j]}
	}
	return out
}

// rawIntercept returns the intercept on the original scale of the columns.
func (f *fitted) rawIntercept() float64 {
	b := f.intercept
	for j, t := range f.enc.Terms {
		b -= f.w[j] / t.Scale * t.Mean
	}
	return b
}

// Predict writes the probability of class 1 for every row of X into out
// (X.Rows elements): 1/(1 + exp(A·d + B)) of the decision value d with the
// Platt parameters fitted on the training rows. X must have the training
// feature columns; NaN is imputed as in training, unseen categorical codes
// set no level; ±Inf in a numeric feature is an error.
func (m *Classifier) Predict(X *data.Matrix, out []float64) error {
	if err := m.fit.decision("svm classifier", X, out); err != nil {
		return err
	}
	for i, d := range out {
		out[i] = m.platt.Prob(d)
	}
	return nil
}

// Decision writes the decision value z·w + b·B of every row of X into out:
// positive values predict class 1.
func (m *Classifier) Decision(X *data.Matrix, out []float64) error {
	return m.fit.decision("svm classifier", X, out)
}

// Platt returns the sigmoid that maps decision values to probabilities.
func (m *Classifier) Platt() Platt { return m.platt }

// Coefficients returns the weight of every design column kept by the fit.
func (m *Classifier) Coefficients() []Coef { return m.fit.coefficients() }

// Intercept returns the decision value's intercept on the original scale:
// decision = Intercept + Σ Coef.Value·column.
func (m *Classifier) Intercept() float64 { return m.fit.rawIntercept() }

// Info reports how the fit ended.
func (m *Classifier) Info() FitInfo { return m.fit.info }

// Params returns the parameters of the fit with defaults filled in.
func (m *Classifier) Params() Params { return m.params }

// Predict writes the predicted target of every row of X into out (X.Rows
// elements). X must have the training feature columns; NaN is imputed as
// in training, unseen categorical codes set no level; ±Inf in a numeric
// feature is an error.
func (m *Regressor) Predict(X *data.Matrix, out []float64) error {
	return m.fit.decision("svm regressor", X, out)
}

// Coefficients returns the weight of every design column kept by the fit.
func (m *Regressor) Coefficients() []Coef { return m.fit.coefficients() }

// Intercept returns the intercept on the original scale:
// prediction = Intercept + Σ Coef.Value·column.
func (m *Regressor) Intercept() float64 { return m.fit.rawIntercept() }

// Info reports how the fit ended.
func (m *Regressor) Info() FitInfo { return m.fit.info }

// Params returns the parameters of the fit with defaults filled in.
func (m *Regressor) Params() Params { return m.params }

// Features returns the features the classifier was fitted on, in order.
func (m *Classifier) Features() []model.Feature { return m.fit.enc.Features }

// Features returns the features the regressor was fitted on, in order.
func (m *Regressor) Features() []model.Feature { return m.fit.enc.Features }
