package linear

import (
	"fmt"
	"math"

	"promocast/data"
	"promocast/model"
)

// LogisticModel is a fitted binary logistic regression: it predicts the
// probability 1/(1+exp(−η)) of the positive class, η = Intercept + Σ coef·v.
// It implements model.Predictor and marshals to JSON.
type LogisticModel struct {
	params LogisticParams
	fit    fitted
}

// FitLogistic fits a penalised logistic regression to ds, whose target must
// hold only 0 and 1, both with positive weight (see LogisticParams for the
// objective).
func FitLogistic(ds *model.Dataset, p LogisticParams) (*LogisticModel, error) {
	sumW, err := checkData("logistic", ds)
	if err != nil {
		return nil, err
	}
	s, err := p.validate(sumW)
	if err != nil {
		return nil, err
	}
	var w1 float64
	for i, y := range ds.Y {
		if y != 0 && y != 1 {
			return nil, fmt.Errorf("logistic: target of row %d is %v: expected 0 or 1", i, y)
		}
		w1 += ds.Weight(i) * y
	}
	if w1 == 0 || w1 == sumW {
		return nil, fmt.Errorf("logistic: the target has one class only (weight of class 1 is %v of %v): expected both 0 and 1", w1, sumW)
	}
	f, err := glmFit("logistic", ds, logit{}, s, sumW)
	if err != nil {
		return nil, err
	}
	return &LogisticModel{params: p, fit: f}, nil
}

// Predict writes the probability of class 1 for every row of X into out,
// which must have X.Rows elements; inputs are treated as by Model.Predict.
func (m *LogisticModel) Predict(X *data.Matrix, out []float64) error {
	if err := m.fit.predictEta("logistic", X, out); err != nil {
		return err
	}
	for i, eta := range out {
		out[i] = sigmoid(eta)
	}
	return nil
}

// sigmoid returns 1/(1+exp(−x)) without overflow.
func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	z := math.Exp(x)
	return z / (1 + z)
}

// Intercept returns the intercept of the log-odds on the original scale.
func (m *LogisticModel) Intercept() float64 { return m.fit.intercept }

// Coefficients returns the log-odds coefficients in feature order (see Coef).
func (m *LogisticModel) Coefficients() []Coef { return m.fit.coefficients() }

// Params returns the parameters of the fit with defaults filled in.
func (m *LogisticModel) Params() LogisticParams { return m.params }

// Info reports how the fit ended.
func (m *LogisticModel) Info() FitInfo { return m.fit.info }

// Features returns the features the model expects, in column order.
func (m *LogisticModel) Features() []model.Feature { return m.fit.features() }

var _ model.Predictor = (*LogisticModel)(nil)
