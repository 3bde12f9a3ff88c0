package linear

import (
	"fmt"
	"math"

	"promocast/model"
)

// maxTerms bounds the design width: the Gram matrix holds maxTerms² numbers.
const maxTerms = 4096

// termKind says how a design column derives from its source feature.
type termKind uint8

const (
	termValue   termKind = iota // the numeric value, NaN replaced by the training mean
	termMissing                 // 1 when the numeric feature is NaN, else 0
	termLevel                   // 1 when the categorical feature equals Level, else 0
)

// String returns the kind's name as written in model files.
func (k termKind) String() string {
	switch k {
	case termValue:
		return "value"
	case termMissing:
		return "missing"
	case termLevel:
		return "level"
	}
	return fmt.Sprintf("termKind(%d)", uint8(k))
}

// term is one column of the design matrix. Its standardised value is
// z = (v − mean)/scale where v is the raw design value (imputed feature
// value or a 0/1 indicator).
type term struct {
	feature int
	kind    termKind
	level   int
	mean    float64
	scale   float64
}

// encoder turns raw feature rows into design rows: it holds the fitted
// preprocessing. Value terms come first (every row has them), then the
// indicator and level terms in feature order (most rows have few of them),
// so that a design row is a dense head and a sparse, ascending tail.
type encoder struct {
	features []model.Feature
	impute   []float64 // per feature: the value that replaces NaN (numeric only)
	terms    []term
	nValue   int // terms[:nValue] are value terms

	// Lookups rebuilt by index.
	missTerm  []int   // per feature: index of its missing indicator or -1
	levelTerm [][]int // per categorical feature: term index per level or -1
	sparse    []int   // features with indicator or level terms, ascending
}

// index builds the lookups from features and terms and checks that the
// terms are in the order encode relies on.
func (e *encoder) index() error {
	nf := len(e.features)
	if len(e.impute) != nf {
		return fmt.Errorf("%d impute values for %d features", len(e.impute), nf)
	}
	width := 0
	for _, ft := range e.features {
		if width += 2; ft.Categorical {
			width += ft.Levels - 2
		}
	}
	if width > maxTerms || width < 0 {
		return fmt.Errorf("features expand to more than %d design columns", maxTerms)
	}
	e.missTerm = make([]int, nf)
	e.levelTerm = make([][]int, nf)
	for f := range e.missTerm {
		e.missTerm[f] = -1
		if ft := e.features[f]; ft.Categorical {
			if ft.Levels <= 0 || ft.Levels > maxTerms {
				return fmt.Errorf("feature %q is categorical with %d levels: expected 1..%d", ft.Name, ft.Levels, maxTerms)
			}
			e.levelTerm[f] = make([]int, ft.Levels)
			for l := range e.levelTerm[f] {
				e.levelTerm[f][l] = -1
			}
		}
		if m := e.features[f].Monotone; m < -1 || m > 1 {
			return fmt.Errorf("feature %q has monotone %d: expected -1, 0 or 1", e.features[f].Name, m)
		}
		if v := e.impute[f]; math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("impute value %v of feature %q is not finite", v, e.features[f].Name)
		}
	}
	e.nValue = 0
	e.sparse = e.sparse[:0]
	prevFeature := -1
	for i, t := range e.terms {
		if t.feature < 0 || t.feature >= nf {
			return fmt.Errorf("term %d refers to feature %d of %d", i, t.feature, nf)
		}
		if !(t.scale > 0) || math.IsInf(t.scale, 0) || math.IsNaN(t.mean) || math.IsInf(t.mean, 0) {
			return fmt.Errorf("term %d has mean %v and scale %v: expected finite numbers and a positive scale", i, t.mean, t.scale)
		}
		ft := e.features[t.feature]
		switch t.kind {
		case termValue:
			if ft.Categorical || i != e.nValue || t.feature <= prevFeature {
				return fmt.Errorf("term %d: value term of feature %q out of place", i, ft.Name)
			}
			e.nValue++
			prevFeature = t.feature
			continue
		case termMissing:
			if ft.Categorical || e.missTerm[t.feature] >= 0 {
				return fmt.Errorf("term %d: missing indicator of feature %q out of place", i, ft.Name)
			}
			e.missTerm[t.feature] = i
		case termLevel:
			if !ft.Categorical || t.level < 0 || t.level >= ft.Levels || e.levelTerm[t.feature][t.level] >= 0 {
				return fmt.Errorf("term %d: level %d of feature %q out of place", i, t.level, ft.Name)
			}
			e.levelTerm[t.feature][t.level] = i
		default:
			return fmt.Errorf("term %d has unknown kind %d", i, t.kind)
		}
		if i < e.nValue || (len(e.sparse) > 0 && t.feature < e.sparse[len(e.sparse)-1]) {
			return fmt.Errorf("term %d of feature %q out of order", i, ft.Name)
		}
		if len(e.sparse) == 0 || e.sparse[len(e.sparse)-1] != t.feature {
			e.sparse = append(e.sparse, t.feature)
		}
	}
	// Level terms of one feature must ascend with the level so that the
	// sparse tail of a row is sorted.
	for _, f := range e.sparse {
		last := -1
		for _, ti := range e.levelTerm[f] {
			if ti >= 0 {
				if ti < last {
					return fmt.Errorf("level terms of feature %q out of order", e.features[f].Name)
				}
				last = ti
			}
		}
	}
	return nil
}

// levelOf returns the level index of categorical code v, or -1 when v is
// NaN, not an integer, or out of range: such codes encode as all zeros.
func levelOf(v float64, levels int) int {
	if !(v >= 0 && v < float64(levels)) || v != math.Trunc(v) {
		return -1
	}
	return int(v)
}

// encode writes the nonzero part of row's raw design vector u into idx and
// val and returns its length. Value terms come first at positions
// 0..nValue-1 as v − mean (centred, so that accumulating their products
// loses little precision); indicator and level terms follow as 1 at their
// term index, ascending. It trusts row to have len(e.features) values.
func (e *encoder) encode(row []float64, idx []int, val []float64) int {
	for k, t := range e.terms[:e.nValue] {
		v := row[t.feature]
		if v != v {
			v = e.impute[t.feature]
		}
		idx[k] = k
		val[k] = v - t.mean
	}
	n := e.nValue
	for _, f := range e.sparse {
		v := row[f]
		ti := -1
		if lt := e.levelTerm[f]; lt != nil {
			if l := levelOf(v, len(lt)); l >= 0 {
				ti = lt[l]
			}
		} else if v != v {
			ti = e.missTerm[f]
		}
		if ti >= 0 {
			idx[n] = ti
			val[n] = 1
			n++
		}
	}
	return n
}

// centre returns the mean to subtract from term i's encoded value u to
// reach v − mean: value terms are centred by encode already.
func (e *encoder) centre(i int) float64 {
	if i < e.nValue {
		return 0
	}
	return e.terms[i].mean
}

// eta returns b0 + Σ coef·v for one row with coefficients on the original
// scale. It reports the first numeric feature holding ±Inf (bad ≥ 0), the
// only value it cannot encode.
func (e *encoder) eta(row []float64, coef []float64, b0 float64) (s float64, bad int) {
	s = b0
	for k, t := range e.terms[:e.nValue] {
		v := row[t.feature]
		if v != v {
			v = e.impute[t.feature]
		} else if math.IsInf(v, 0) {
			return 0, t.feature
		}
		s += coef[k] * v
	}
	for _, f := range e.sparse {
		v := row[f]
		if lt := e.levelTerm[f]; lt != nil {
			if l := levelOf(v, len(lt)); l >= 0 && lt[l] >= 0 {
				s += coef[lt[l]]
			}
		} else if v != v {
			s += coef[e.missTerm[f]]
		}
	}
	return s, -1
}

// fitEncoder fits the preprocessing on ds with row weights w (nil = 1):
// impute values, indicator and level columns, and standardisation. With
// centre false, columns are divided by their root mean square and not
// centred (for models without intercept). Columns that are constant on the
// training data (zero spread) are dropped.
func fitEncoder(ds *model.Dataset, centre bool) (*encoder, error) {
	X, feats := ds.X, ds.Features
	nf := len(feats)
	sumW := 0.0
	obsW := make([]float64, nf)   // numeric: weight of observed values
	obsSum := make([]float64, nf) // numeric: weighted sum of observed values
	missW := make([]float64, nf)  // numeric: weight of missing values
	missAny := make([]bool, nf)
	levelW := make([][]float64, nf)
	width := 0
	for f, ft := range feats {
		if ft.Monotone < -1 || ft.Monotone > 1 {
			return nil, fmt.Errorf("feature %q has monotone %d: expected -1, 0 or 1", ft.Name, ft.Monotone)
		}
		if ft.Categorical {
			if ft.Levels <= 0 {
				return nil, fmt.Errorf("feature %q is categorical with %d levels: expected at least 1", ft.Name, ft.Levels)
			}
			width += ft.Levels
			if width > maxTerms {
				break
			}
			levelW[f] = make([]float64, ft.Levels)
		} else {
			width += 2
		}
	}
	if width > maxTerms {
		return nil, fmt.Errorf("features expand to more than %d design columns (one-hot levels and missing indicators): too wide for a linear model", maxTerms)
	}
	for i := 0; i < X.Rows; i++ {
		w := ds.Weight(i)
		sumW += w
		row := X.Row(i)
		for f, v := range row {
			if lw := levelW[f]; lw != nil {
				if v != v {
					continue
				}
				l := levelOf(v, len(lw))
				if l < 0 {
					return nil, fmt.Errorf("row %d, feature %q: categorical code %v is not an integer in 0..%d", i, feats[f].Name, v, len(lw)-1)
				}
				lw[l] += w
				continue
			}
			switch {
			case v != v:
				missW[f] += w
				missAny[f] = true
			case math.IsInf(v, 0):
				return nil, fmt.Errorf("row %d, feature %q: value %v is not finite", i, feats[f].Name, v)
			default:
				obsW[f] += w
				obsSum[f] += w * v
			}
		}
	}
	e := &encoder{features: append([]model.Feature(nil), feats...), impute: make([]float64, nf)}
	// Value terms: impute with the weighted mean of the observed values;
	// their spread needs a second pass.
	for f, ft := range feats {
		if ft.Categorical || obsW[f] == 0 {
			continue
		}
		m := obsSum[f] / obsW[f]
		e.impute[f] = m
		t := term{feature: f, kind: termValue}
		if centre {
			t.mean = m
		}
		e.terms = append(e.terms, t)
	}
	ss := make([]float64, len(e.terms))
	for i := 0; i < X.Rows; i++ {
		w := ds.Weight(i)
		row := X.Row(i)
		for k, t := range e.terms {
			v := row[t.feature]
			if v != v {
				v = e.impute[t.feature]
			}
			d := v - t.mean
			ss[k] += w * d * d
		}
	}
	kept := e.terms[:0]
	for k, t := range e.terms {
		t.scale = math.Sqrt(ss[k] / sumW)
		if t.scale > 1e-12*math.Abs(e.impute[t.feature]) && t.scale > 0 {
			kept = append(kept, t)
		}
	}
	e.terms = kept
	// Indicator and level terms: their weighted mean is the frequency f and
	// their variance f(1−f) (or mean square f without centring).
	addIndicator := func(t term, freq float64) {
		sd := math.Sqrt(freq * (1 - freq))
		if !centre {
			sd = math.Sqrt(freq)
		} else {
			t.mean = freq
		}
		if sd > 1e-7 {
			t.scale = sd
			e.terms = append(e.terms, t)
		}
	}
	for f, ft := range feats {
		if ft.Categorical {
			for l, w := range levelW[f] {
				addIndicator(term{feature: f, kind: termLevel, level: l}, w/sumW)
			}
		} else if missAny[f] {
			addIndicator(term{feature: f, kind: termMissing}, missW[f]/sumW)
		}
	}
	if err := e.index(); err != nil {
		return nil, fmt.Errorf("linear: internal error in preprocessing: %w", err)
	}
	return e, nil
}

// signs returns the sign constraint of every term from the features'
// Monotone fields (value terms only), or nil when no term is constrained.
func (e *encoder) signs() []int8 {
	var out []int8
	for i, t := range e.terms[:e.nValue] {
		if m := e.features[t.feature].Monotone; m != 0 {
			if out == nil {
				out = make([]int8, len(e.terms))
			}
			out[i] = int8(m)
		}
	}
	return out
}

// name returns the explanation name of term i: the feature's name,
// "name=missing" for an indicator, "name=3" for level 3.
func (e *encoder) name(i int) string {
	t := e.terms[i]
	n := e.features[t.feature].Name
	switch t.kind {
	case termMissing:
		return n + "=missing"
	case termLevel:
		return fmt.Sprintf("%s=%d", n, t.level)
	}
	return n
}
