package forecast

import (
	"fmt"
	"math"
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

// CanExplain reports whether a predictor explains its forecasts: it is an
// Explainer and, if it has an Explains method (a blend, which explains
// only through its members), that method says so.
func CanExplain(p any) bool {
	if _, ok := p.(Explainer); !ok {
		return false
	}
	if d, ok := p.(interface{ Explains() bool }); ok {
		return d.Explains()
	}
	return true
}

// Driver is one feature's share of a row's uplift, in target units.
type Driver struct {
	Feature      string
	Contribution float64
}

// Drivers attributes each row's uplift to the features: the SHAP values of
// the plan's row minus those of its baseline row, rescaled so that they add
// up to the row's uplift in units. With an identity link (squared error,
// the default) the factor is the row's scale, the SHAP difference's own
// units, unless the forecast was floored at 0; with another link (Poisson's
// log) each feature gets the share of the uplift that its share of the
// link-space difference gives it, a proportional approximation. Each row's
// drivers are sorted by absolute size.
func (r *Result) Drivers() ([][]Driver, error) {
	ex, ok := r.model.Predictor.(Explainer)
	if !ok || !CanExplain(ex) {
		return nil, fmt.Errorf("a %s model cannot explain its forecasts; train a gbdt model, or a blend of them", r.model.Kind)
	}
	cols := r.xf.Cols
	sf := make([]float64, r.xf.Rows*(cols+1))
	sb := make([]float64, r.xb.Rows*(cols+1))
	if err := ex.SHAP(r.xf, sf); err != nil {
		return nil, err
	}
	if err := ex.SHAP(r.xb, sb); err != nil {
		return nil, err
	}
	out := make([][]Driver, r.xf.Rows)
	for i := range out {
		raw := 0.0 // the link-space difference the SHAP values split
		for j := 0; j < cols; j++ {
			raw += sf[i*(cols+1)+j] - sb[i*(cols+1)+j]
		}
		factor := r.scales[i]
		if up := r.Forecast[i] - r.Baseline[i]; math.Abs(raw) > 1e-12 {
			factor = up / raw
		}
		var ds []Driver
		for j := 0; j < cols; j++ {
			c := (sf[i*(cols+1)+j] - sb[i*(cols+1)+j]) * factor
			if c != 0 {
				ds = append(ds, Driver{Feature: r.model.Features[j].Name, Contribution: c})
			}
		}
		sort.SliceStable(ds, func(a, b int) bool { return math.Abs(ds[a].Contribution) > math.Abs(ds[b].Contribution) })
		out[i] = ds
	}
	return out, nil
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
