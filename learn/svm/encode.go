package svm

import (
	"fmt"
	"math"

	"promocast/model"
)

// maxTerms bounds the design width: training holds rows × terms numbers.
const maxTerms = 4096

// Term kinds as written in the JSON form.
const (
	termValue   = "value"   // the numeric value, NaN replaced by the training mean
	termMissing = "missing" // 1 when the numeric feature is NaN, else 0
	termLevel   = "level"   // 1 when the categorical feature equals Level, else 0
)

// term is one standardised design column: z = (u − Mean)/Scale, where u is
// the imputed value of a numeric feature or a 0/1 indicator.
type term struct {
	Feature int     `json:"feature"`
	Kind    string  `json:"kind"`
	Level   int     `json:"level,omitempty"`
	Mean    float64 `json:"mean"`
	Scale   float64 `json:"scale"`
}

// encoder is the preprocessing fitted on the training rows.
type encoder struct {
	features []model.Feature
	impute   []float64 // per feature: the value that replaces NaN (numeric only)
	terms    []term
}

// levelOf returns the level index of categorical code v, or -1 when v is
// NaN, not an integer, or out of range.
func levelOf(v float64, levels int) int {
	if !(v >= 0 && v < float64(levels)) || v != math.Trunc(v) {
		return -1
	}
	return int(v)
}

// raw returns term t's unstandardised value u for row.
func (e *encoder) raw(t term, row []float64) float64 {
	v := row[t.Feature]
	switch t.Kind {
	case termValue:
		if v != v {
			return e.impute[t.Feature]
		}
		return v
	case termMissing:
		if v != v {
			return 1
		}
		return 0
	}
	if levelOf(v, e.features[t.Feature].Levels) == t.Level {
		return 1
	}
	return 0
}

// encode writes row's standardised design vector into z (len(e.terms)
// elements). It returns the index of the first numeric feature holding
// ±Inf, or -1; row must have len(e.features) values.
func (e *encoder) encode(row, z []float64) int {
	for k, t := range e.terms {
		if t.Kind == termValue && math.IsInf(row[t.Feature], 0) {
			return t.Feature
		}
		z[k] = (e.raw(t, row) - t.Mean) / t.Scale
	}
	return -1
}

// fitEncoder fits the preprocessing on the rows of ds with positive
// weight: impute values, indicator and level columns, and weighted
// standardisation. With centre false, columns are divided by their root
// mean square and not centred (for models without intercept). Columns
// constant on those rows (up to 1e-12 relative) are dropped.
func fitEncoder(ds *model.Dataset, centre bool) (*encoder, error) {
	feats := ds.Features
	width := 0
	for _, ft := range feats {
		if ft.Categorical {
			if ft.Levels <= 0 || ft.Levels > maxTerms {
				return nil, fmt.Errorf("feature %q is categorical with %d levels: expected 1..%d", ft.Name, ft.Levels, maxTerms)
			}
			width += ft.Levels
		} else {
			width += 2
		}
	}
	if width > maxTerms {
		return nil, fmt.Errorf("features expand to more than %d design columns (one-hot levels and missing indicators): too wide for a linear SVM", maxTerms)
	}
	nf := len(feats)
	e := &encoder{features: append([]model.Feature(nil), feats...), impute: make([]float64, nf)}
	obsW := make([]float64, nf)
	obsSum := make([]float64, nf)
	missAny := make([]bool, nf)
	seen := make([][]bool, nf)
	for f, ft := range feats {
		if ft.Categorical {
			seen[f] = make([]bool, ft.Levels)
		}
	}
	for i := 0; i < ds.X.Rows; i++ {
		w := ds.Weight(i)
		if w == 0 {
			continue
		}
		for f, v := range ds.X.Row(i) {
			switch {
			case feats[f].Categorical:
				if v != v {
					continue
				}
				l := levelOf(v, feats[f].Levels)
				if l < 0 {
					return nil, fmt.Errorf("row %d, feature %q: categorical code %v is not an integer in 0..%d", i, feats[f].Name, v, feats[f].Levels-1)
				}
				seen[f][l] = true
			case v != v:
				missAny[f] = true
			case math.IsInf(v, 0):
				return nil, fmt.Errorf("row %d, feature %q: value %v is not finite", i, feats[f].Name, v)
			default:
				obsW[f] += w
				obsSum[f] += w * v
			}
		}
	}
	for f, ft := range feats {
		if !ft.Categorical && obsW[f] > 0 {
			e.impute[f] = obsSum[f] / obsW[f]
			e.terms = append(e.terms, term{Feature: f, Kind: termValue})
		}
	}
	for f, ft := range feats {
		if ft.Categorical {
			for l, ok := range seen[f] {
				if ok {
					e.terms = append(e.terms, term{Feature: f, Kind: termLevel, Level: l})
				}
			}
		} else if missAny[f] {
			e.terms = append(e.terms, term{Feature: f, Kind: termMissing})
		}
	}
	// Weighted mean, then weighted population standard deviation.
	sumW := 0.0
	mean := make([]float64, len(e.terms))
	for i := 0; i < ds.X.Rows; i++ {
		w := ds.Weight(i)
		if w == 0 {
			continue
		}
		sumW += w
		row := ds.X.Row(i)
		for k, t := range e.terms {
			mean[k] += w * e.raw(t, row)
		}
	}
	ss := make([]float64, len(e.terms))
	lo, hi := make([]float64, len(e.terms)), make([]float64, len(e.terms))
	for k := range mean {
		mean[k] /= sumW
		lo[k], hi[k] = math.Inf(1), math.Inf(-1)
		if !centre {
			mean[k] = 0
		}
	}
	for i := 0; i < ds.X.Rows; i++ {
		w := ds.Weight(i)
		if w == 0 {
			continue
		}
		row := ds.X.Row(i)
		for k, t := range e.terms {
			u := e.raw(t, row)
			lo[k], hi[k] = math.Min(lo[k], u), math.Max(hi[k], u)
			d := u - mean[k]
			ss[k] += w * d * d
		}
	}
	kept := e.terms[:0]
	for k, t := range e.terms {
		t.Mean = mean[k]
		t.Scale = math.Sqrt(ss[k] / sumW)
		if hi[k]-lo[k] > 1e-12*math.Max(math.Abs(lo[k]), math.Abs(hi[k])) && t.Scale > 0 {
			kept = append(kept, t)
		}
	}
	e.terms = kept
	return e, nil
}

// check validates a decoded encoder.
func (e *encoder) check() error {
	if len(e.impute) != len(e.features) {
		return fmt.Errorf("%d impute values for %d features", len(e.impute), len(e.features))
	}
	if len(e.terms) > maxTerms {
		return fmt.Errorf("%d terms, at most %d are allowed", len(e.terms), maxTerms)
	}
	for f, ft := range e.features {
		if ft.Categorical && (ft.Levels <= 0 || ft.Levels > maxTerms) {
			return fmt.Errorf("feature %q is categorical with %d levels: expected 1..%d", ft.Name, ft.Levels, maxTerms)
		}
		if !finite(e.impute[f]) {
			return fmt.Errorf("impute value %v of feature %q is not finite", e.impute[f], ft.Name)
		}
	}
	for i, t := range e.terms {
		if t.Feature < 0 || t.Feature >= len(e.features) {
			return fmt.Errorf("term %d refers to feature %d of %d", i, t.Feature, len(e.features))
		}
		if !(t.Scale > 0) || !finite(t.Scale) || !finite(t.Mean) {
			return fmt.Errorf("term %d has mean %v and scale %v: expected finite numbers and a positive scale", i, t.Mean, t.Scale)
		}
		ft := e.features[t.Feature]
		switch t.Kind {
		case termValue, termMissing:
			if ft.Categorical {
				return fmt.Errorf("term %d: %s term of categorical feature %q", i, t.Kind, ft.Name)
			}
		case termLevel:
			if !ft.Categorical || t.Level < 0 || t.Level >= ft.Levels {
				return fmt.Errorf("term %d: level %d of feature %q out of range", i, t.Level, ft.Name)
			}
		default:
			return fmt.Errorf("term %d has kind %q, expected value, missing or level", i, t.Kind)
		}
	}
	return nil
}

// name returns term i's explanation name: the feature's name,
// "name=missing" for an indicator, "name=3" for level 3.
func (e *encoder) name(i int) string {
	t := e.terms[i]
	n := e.features[t.Feature].Name
	switch t.Kind {
	case termMissing:
		return n + "=missing"
	case termLevel:
		return fmt.Sprintf("%s=%d", n, t.Level)
	}
	return n
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
