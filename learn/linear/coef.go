package linear

import "sort"

// Coef is one coefficient of a fitted model.
type Coef struct {
	// Feature names the design column: the feature's name for a numeric
	// value, "name=missing" for its missing-value indicator, "name=3" for
	// level 3 of a categorical feature.
	Feature string `json:"feature"`
	// Value is the change of the linear predictor per unit of the column
	// on its original scale (per unit of the feature, or for switching an
	// indicator from 0 to 1).
	Value float64 `json:"value"`
	// Std is the change per standard deviation of the column in the
	// training data: comparable across columns, so a measure of importance.
	Std float64 `json:"std"`
}

// coefficients lists the coefficients in feature order; within a feature
// the value comes before its missing indicator, levels ascend.
func (f *fitted) coefficients() []Coef {
	if f.enc == nil {
		return nil
	}
	order := make([]int, len(f.coef))
	for i := range order {
		order[i] = i
	}
	terms := f.enc.Terms
	sort.SliceStable(order, func(a, b int) bool {
		ta, tb := terms[order[a]], terms[order[b]]
		if ta.Feature != tb.Feature {
			return ta.Feature < tb.Feature
		}
		if ta.Kind != tb.Kind {
			return ta.Kind < tb.Kind
		}
		return ta.Level < tb.Level
	})
	out := make([]Coef, len(order))
	for i, j := range order {
		out[i] = Coef{Feature: f.enc.Name(j), Value: f.coef[j], Std: f.coef[j] * terms[j].Scale}
	}
	return out
}
