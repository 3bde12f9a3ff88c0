package linear

import (
	"fmt"

	"promocast/data"
	"promocast/learn/design"
	"promocast/model"
)

// FitInfo reports how a fit ended.
type FitInfo struct {
	// Iterations is the number of coordinate-descent sweeps or Newton
	// steps run; 0 for a closed-form solve.
	Iterations int `json:"iterations"`
	// Converged is false when MaxIter ran out before the tolerance was met;
	// the model is then usable but not optimal.
	Converged bool `json:"converged"`
}

// Model is a fitted linear regression: prediction = Intercept + Σ coef·v
// over the design columns v of a row. It implements model.Predictor and
// marshals to JSON.
type Model struct {
	params Params
	fit    fitted
}

// fitted is the part every model family shares: the preprocessing and the
// coefficients on the original scale of the design columns.
type fitted struct {
	enc       *design.Encoder
	coef      []float64 // per term, on the raw (unstandardised) design value
	intercept float64
	info      FitInfo
}

// Fit fits a penalised least-squares model to ds (see Params for the
// objective). The target may be any finite numbers; rows of weight 0 are
// ignored. It returns an error naming the row and feature of bad input.
func Fit(ds *model.Dataset, p Params) (*Model, error) {
	pen, err := p.validate()
	if err != nil {
		return nil, err
	}
	sumW, err := checkData("linear", ds)
	if err != nil {
		return nil, err
	}
	intercept := !p.NoIntercept
	enc, err := design.Fit(ds, intercept)
	if err != nil {
		return nil, fmt.Errorf("linear: %w", err)
	}
	ybar := 0.0
	if intercept {
		for i, y := range ds.Y {
			ybar += ds.Weight(i) * y
		}
		ybar /= sumW
	}
	nt := len(enc.Terms)
	mom := newMoments(nt, enc.NValue())
	idx := make([]int, nt)
	val := make([]float64, nt)
	yy := 0.0
	for i := 0; i < ds.X.Rows; i++ {
		w := ds.Weight(i)
		if w == 0 {
			continue
		}
		r := ds.Y[i] - ybar
		yy += w * r * r
		n := enc.Sparse(ds.X.Row(i), idx, val)
		mom.add(idx, val, n, w, w*r)
	}
	yy /= sumW
	H, c, _ := mom.standardise(enc, false, sumW)
	q := quadratic{dim: nt, H: H, c: c, l1: pen.l1, l2: pen.l2, nPen: nt, sign: enc.Signs()}
	beta := make([]float64, nt)
	info := FitInfo{Converged: true}
	switch {
	case pen.l1 == 0 && q.sign == nil:
		solveSmooth(q, beta)
	case q.sign != nil:
		info.Iterations, info.Converged = cdSolve(q, beta, p.MaxIter, p.Tol, 0)
	default:
		info.Iterations, info.Converged = cdSolve(q, beta, p.MaxIter, p.Tol, yy)
	}
	// Intercept of the standardised fit: ȳ − Σ β_j·mean(z_j); the weighted
	// means of z are zero up to rounding, which this removes.
	b0 := ybar
	if intercept {
		for j := range beta {
			b0 -= beta[j] * (mom.s1[j] - enc.Centre(j)*mom.s0) / (enc.Terms[j].Scale * sumW)
		}
	}
	return &Model{params: p, fit: unstandardise(enc, beta, b0, info)}, nil
}

// unstandardise converts coefficients of z = (v − mean)/scale into
// coefficients of v.
func unstandardise(enc *design.Encoder, beta []float64, b0 float64, info FitInfo) fitted {
	f := fitted{enc: enc, coef: make([]float64, len(beta)), intercept: b0, info: info}
	for j, t := range enc.Terms {
		f.coef[j] = beta[j] / t.Scale
		f.intercept -= f.coef[j] * t.Mean
	}
	return f
}

// predictEta writes the linear predictor of every row of X into out.
func (f *fitted) predictEta(who string, X *data.Matrix, out []float64) error {
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
	for i := range out {
		s, bad := f.enc.Eta(X.Row(i), f.coef, f.intercept)
		if bad >= 0 {
			return fmt.Errorf("%s predict: row %d, feature %q: value %v is not finite", who, i, f.enc.Features[bad].Name, X.At(i, bad))
		}
		out[i] = s
	}
	return nil
}

// Predict writes the predicted target of every row of X into out, which
// must have X.Rows elements. X must have the training feature columns in
// the same order. NaN is imputed as in training; a categorical code never
// seen in training adds nothing; ±Inf in a numeric feature is an error.
func (m *Model) Predict(X *data.Matrix, out []float64) error {
	return m.fit.predictEta("linear", X, out)
}

// Intercept returns the intercept on the original scale of the features.
func (m *Model) Intercept() float64 { return m.fit.intercept }

// Coefficients returns one coefficient per design column kept by the fit,
// in feature order (see Coef).
func (m *Model) Coefficients() []Coef { return m.fit.coefficients() }

// Params returns the parameters of the fit with defaults filled in.
func (m *Model) Params() Params { return m.params }

// Info reports how the fit ended.
func (m *Model) Info() FitInfo { return m.fit.info }

// Features returns the features the model expects, in column order.
func (m *Model) Features() []model.Feature { return m.fit.features() }

// features returns a copy of the features, nil for an unfitted model.
func (f *fitted) features() []model.Feature {
	if f.enc == nil {
		return nil
	}
	return append([]model.Feature(nil), f.enc.Features...)
}

var _ model.Predictor = (*Model)(nil)
