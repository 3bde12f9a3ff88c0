package forecast

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"promocast/data"
)

// Explainer is a predictor that attributes each prediction to its
// features: SHAP writes X.Cols+1 values per row, the last being the
// expected value, that add up to the row's raw prediction (in the model's
// link space: the log of the mean for a Poisson loss). gbdt models
// implement it with exact TreeSHAP.
type Explainer interface {
	SHAP(X *data.Matrix, out []float64) error
}

// CanExplain reports whether a predictor explains its forecasts (whether
// Drivers works): CanExplainVersus says so, or it is an Explainer and, if
// it has an Explains method (a blend, which explains only through its
// members), that method says so.
func CanExplain(p any) bool {
	if CanExplainVersus(p) {
		return true
	}
	if _, ok := p.(Explainer); !ok {
		return false
	}
	if d, ok := p.(interface{ Explains() bool }); ok {
		return d.Explains()
	}
	return true
}

// VersusExplainer is a predictor that attributes the difference between
// two rows' predictions to the features: SHAPVersus writes X.Cols values
// per row of X, the interventional Shapley values of row i of X against
// row i of Z as its single reference, in the model's link space. They add
// up to the difference of the two rows' raw predictions, and a feature
// whose value is the same in both rows gets exactly 0. gbdt models
// implement it with interventional TreeSHAP.
type VersusExplainer interface {
	SHAPVersus(X, Z *data.Matrix, out []float64) error
}

// CanExplainVersus reports whether a predictor attributes differences
// between rows: it is a VersusExplainer and, if it has an ExplainsVersus
// method (a wrapper or a blend, which explain only through what they
// hold), that method says so.
func CanExplainVersus(p any) bool {
	if _, ok := p.(VersusExplainer); !ok {
		return false
	}
	if d, ok := p.(interface{ ExplainsVersus() bool }); ok {
		return d.ExplainsVersus()
	}
	return true
}

// Driver is one feature's share of a row's uplift, in target units.
type Driver struct {
	Feature      string
	Contribution float64
}

// Drivers attributes each row's uplift to the features, in expected units
// (Result.Expected), each row's drivers sorted by absolute size and adding
// up to its expected uplift, as forecast reports it. Only
// what the plan changes gets a share: its levers, and the features that
// follow them (the series' promotion history, the group's promotion share
// and discount when peers' levers are set off), never a feature whose
// value is the same under the plan and in the baseline.
//
// A model with an effect model (Effects), whose uplift is the change of
// exp(θ·d) from the baseline's lever columns d to the plan's, splits it
// over the lever columns by their log-space terms
// θ_k·(d_k,plan − d_k,baseline), each named by its feature. Otherwise a predictor that can (CanExplainVersus: gbdt models,
// the log-target wrapper and blends of them) attributes the plan's row
// against its baseline row as the single reference, with interventional
// TreeSHAP, the shares adding up to the link-space difference. Another
// explainer's drivers are the SHAP values of the plan's row minus those of
// its baseline row, which can give a share to features the plan leaves
// alone, through their interactions with the levers.
//
// The link-space attributions are rescaled to the uplift in units: with an
// identity link (squared error) the factor is the row's scale, unless the
// forecast was floored at 0; with a log link (an effect model, a Poisson
// loss, a log-target model) each feature gets the share of the uplift that
// its share of the log-space difference gives it, a proportional
// approximation.
func (r *Result) Drivers() ([][]Driver, error) {
	diff, unit, err := r.linkDrivers()
	if err != nil {
		return nil, err
	}
	cols := r.xf.Cols
	out := make([][]Driver, r.xf.Rows)
	for i := range out {
		d := diff[i*cols : (i+1)*cols]
		raw := 0.0 // the link-space difference the attributions split
		for _, v := range d {
			raw += v
		}
		factor := unit[i] * r.ratio(i)
		if up := r.Expected[i] - r.BaselineExpected[i]; math.Abs(raw) > 1e-12 {
			factor = up / raw
		}
		var ds []Driver
		for j, v := range d {
			if c := v * factor; c != 0 {
				ds = append(ds, Driver{Feature: r.model.Features[j].Name, Contribution: c})
			}
		}
		sort.SliceStable(ds, func(a, b int) bool { return math.Abs(ds[a].Contribution) > math.Abs(ds[b].Contribution) })
		out[i] = ds
	}
	return out, nil
}

// linkDrivers returns, X.Cols values per row, the link-space attribution
// of the plan's row against its baseline row, and per row the units a
// link-space unit is worth when the attributions add up to nothing.
func (r *Result) linkDrivers() (diff, unit []float64, err error) {
	p := r.model.Predictor
	cols := r.xf.Cols
	if e := r.model.Effects; e != nil {
		// A log-space unit is worth baseline + offset·scale units.
		unit := make([]float64, len(r.Baseline))
		for i, b := range r.Baseline {
			unit[i] = b + e.Offset*r.scales[i]
		}
		return r.effectDrivers(e), unit, nil
	}
	if CanExplainVersus(p) {
		out := make([]float64, r.xf.Rows*cols)
		if err := p.(VersusExplainer).SHAPVersus(r.xf, r.xb, out); err != nil {
			return nil, nil, err
		}
		return out, r.scales, nil
	}
	ex, ok := p.(Explainer)
	if !ok || !CanExplain(ex) {
		return nil, nil, fmt.Errorf("a %s model cannot explain its forecasts; train a gbdt model, or a blend of them", r.model.Kind)
	}
	sf := make([]float64, r.xf.Rows*(cols+1))
	sb := make([]float64, r.xb.Rows*(cols+1))
	if err := ex.SHAP(r.xf, sf); err != nil {
		return nil, nil, err
	}
	if err := ex.SHAP(r.xb, sb); err != nil {
		return nil, nil, err
	}
	out := make([]float64, r.xf.Rows*cols)
	for i := 0; i < r.xf.Rows; i++ {
		for j := 0; j < cols; j++ {
			out[i*cols+j] = sf[i*(cols+1)+j] - sb[i*(cols+1)+j]
		}
	}
	return out, r.scales, nil
}

// LeverTerms returns, per plan row, the effect model's log-space term of
// each of its lever columns (Model.Effects.Columns): the terms a row's
// uplift multiplies its baseline by, e^{Σ terms} − 1 (the peers' pressure
// included). A row no lever moves has all zeros; nil without an effect
// model. The slices are copies.
func (r *Result) LeverTerms() [][]float64 {
	if r.effects == nil {
		return nil
	}
	out := make([][]float64, len(r.effects))
	for i, c := range r.effects {
		out[i] = slices.Clone(c)
	}
	return out
}

// effectDrivers returns, X.Cols values per row, the effect model's
// log-space term of each lever column, in its feature's column: the terms
// the forecast's uplift was built from.
func (r *Result) effectDrivers(e *Effects) []float64 {
	cols := r.xf.Cols
	out := make([]float64, r.xf.Rows*cols)
	for i, c := range r.effects {
		for k, col := range e.Columns {
			out[i*cols+col.Index] += c[k]
		}
	}
	return out
}

// TotalDrivers sums per-row drivers over the plan, largest first.
func TotalDrivers(rows [][]Driver) []Driver {
	sum := map[string]float64{}
	for _, ds := range rows {
		for _, d := range ds {
			sum[d.Feature] += d.Contribution
		}
	}
	out := make([]Driver, 0, len(sum))
	for f, c := range sum {
		out = append(out, Driver{f, c})
	}
	sort.Slice(out, func(a, b int) bool {
		if x, y := math.Abs(out[a].Contribution), math.Abs(out[b].Contribution); x != y {
			return x > y
		}
		return out[a].Feature < out[b].Feature
	})
	return out
}
