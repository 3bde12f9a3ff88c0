package linear

import (
	"fmt"
	"math"

	"promocast/data"
	"promocast/model"
)

// PoissonModel is a fitted Poisson regression with log link: it predicts
// the mean exp(η), η = Intercept + Σ coef·v, for count targets such as
// units sold. It implements model.Predictor and marshals to JSON.
type PoissonModel struct {
	params PoissonParams
	fit    fitted
}

// FitPoisson fits a penalised Poisson regression to ds, whose target must
// be non-negative with a positive weighted sum (see PoissonParams for the
// objective). Targets need not be integers.
func FitPoisson(ds *model.Dataset, p PoissonParams) (*PoissonModel, error) {
	sumW, err := checkData("poisson", ds)
	if err != nil {
		return nil, err
	}
	s, err := p.validate()
	if err != nil {
		return nil, err
	}
	total := 0.0
	for i, y := range ds.Y {
		if y < 0 {
			return nil, fmt.Errorf("poisson: target of row %d is %v: expected a count ≥ 0", i, y)
		}
		total += ds.Weight(i) * y
	}
	if total == 0 {
		return nil, fmt.Errorf("poisson: every target is 0: expected some positive counts")
	}
	f, err := glmFit("poisson", ds, poisson{}, s, sumW)
	if err != nil {
		return nil, err
	}
	return &PoissonModel{params: p, fit: f}, nil
}

// Predict writes the predicted mean for every row of X into out, which must
// have X.Rows elements; inputs are treated as by Model.Predict.
func (m *PoissonModel) Predict(X *data.Matrix, out []float64) error {
	if err := m.fit.predictEta("poisson", X, out); err != nil {
		return err
	}
	for i, eta := range out {
		out[i] = math.Exp(eta)
	}
	return nil
}

// Intercept returns the intercept of the log mean on the original scale.
func (m *PoissonModel) Intercept() float64 { return m.fit.intercept }

// Coefficients returns the log-mean coefficients in feature order (see Coef).
func (m *PoissonModel) Coefficients() []Coef { return m.fit.coefficients() }

// Params returns the parameters of the fit with defaults filled in.
func (m *PoissonModel) Params() PoissonParams { return m.params }

// Info reports how the fit ended.
func (m *PoissonModel) Info() FitInfo { return m.fit.info }

// Features returns the features the model expects, in column order.
func (m *PoissonModel) Features() []model.Feature { return m.fit.features() }

var _ model.Predictor = (*PoissonModel)(nil)
