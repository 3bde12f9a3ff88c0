// Package design turns feature rows into the design matrix of the linear
// learners (packages learn/linear and learn/svm): numeric features imputed
// with their training mean plus a missing indicator, categorical features
// one-hot, every column standardised. Fit learns the encoding from a
// training set; New rebuilds it from a model file's terms. Sparse gives a
// row as a dense head of value terms and a sparse, ascending tail of
// indicators (what the Gram-matrix solvers accumulate); Dense gives the
// standardised vector (what the SVM's coordinate descent reads).
//
//	enc, err := design.Fit(ds, true)  // centre: the model has an intercept
//	n := enc.Sparse(row, idx, val)    // nonzero raw terms, centred values first
//	bad := enc.Dense(row, z)          // z[k] = (u_k − Mean_k)/Scale_k
//
// Model files store Features, Impute and Terms (kind written "value",
// "missing" or "level"), so a change here is a change of both learners'
// file formats.
package design

import (
	"fmt"
	"math"

	"promocast/model"
)

// MaxTerms bounds the design width: a Gram matrix holds MaxTerms² numbers.
const MaxTerms = 4096

// Kind says how a design column derives from its source feature.
type Kind uint8

// The kinds of terms.
const (
	Value   Kind = iota // the numeric value, NaN replaced by the training mean
	Missing             // 1 when the numeric feature is NaN, else 0
	Level               // 1 when the categorical feature equals Level, else 0
)

// String returns the kind's name as written in model files.
func (k Kind) String() string {
	switch k {
	case Value:
		return "value"
	case Missing:
		return "missing"
	case Level:
		return "level"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Term is one column of the design matrix. Its standardised value is
// z = (u − Mean)/Scale where u is the raw design value (imputed feature
// value or a 0/1 indicator); Level is the category of a Level term.
type Term struct {
	Feature int
	Kind    Kind
	Level   int
	Mean    float64
	Scale   float64
}

// Encoder turns raw feature rows into design rows: it holds the fitted
// preprocessing. Value terms come first (every row has them), then the
// indicator and level terms in feature order (most rows have few of them),
// so that a design row is a dense head and a sparse, ascending tail.
type Encoder struct {
	Features []model.Feature
	Impute   []float64 // per feature: the value that replaces NaN (numeric only)
	Terms    []Term
	nValue   int // Terms[:nValue] are value terms

	// Lookups rebuilt by index.
	missTerm  []int   // per feature: index of its missing indicator or -1
	levelTerm [][]int // per categorical feature: term index per level or -1
	sparse    []int   // features with indicator or level terms, ascending
}

// New rebuilds an encoder from a model file's features, impute values and
// terms, checking that they are consistent and in Fit's order.
func New(features []model.Feature, impute []float64, terms []Term) (*Encoder, error) {
	if features == nil {
		features = []model.Feature{}
	}
	if len(terms) > MaxTerms {
		return nil, fmt.Errorf("%d terms, at most %d are allowed", len(terms), MaxTerms)
	}
	e := &Encoder{Features: features, Impute: impute, Terms: terms}
	if err := e.index(); err != nil {
		return nil, err
	}
	return e, nil
}

// NValue is the number of value terms: Terms[:NValue()].
func (e *Encoder) NValue() int { return e.nValue }

// ParseKind reads a kind as model files write it.
func ParseKind(s string) (Kind, error) {
	for _, k := range []Kind{Value, Missing, Level} {
		if k.String() == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("kind %q, expected value, missing or level", s)
}

// Dense writes row's standardised design vector into z (len(e.Terms)
// values). It returns the index of the first numeric feature holding ±Inf,
// or -1; row must have len(e.Features) values.
func (e *Encoder) Dense(row, z []float64) int {
	for k, t := range e.Terms {
		v := row[t.Feature]
		var u float64
		switch t.Kind {
		case Value:
			if math.IsInf(v, 0) {
				return t.Feature
			}
			u = v
			if v != v {
				u = e.Impute[t.Feature]
			}
		case Missing:
			if v != v {
				u = 1
			}
		case Level:
			if levelOf(v, e.Features[t.Feature].Levels) == t.Level {
				u = 1
			}
		}
		z[k] = (u - t.Mean) / t.Scale
	}
	return -1
}

// index builds the lookups from features and terms and checks that the
// terms are in the order Sparse relies on.
func (e *Encoder) index() error {
	nf := len(e.Features)
	if len(e.Impute) != nf {
		return fmt.Errorf("%d impute values for %d features", len(e.Impute), nf)
	}
	width := 0
	for _, ft := range e.Features {
		if width += 2; ft.Categorical {
			width += ft.Levels - 2
		}
	}
	if width > MaxTerms || width < 0 {
		return fmt.Errorf("features expand to more than %d design columns", MaxTerms)
	}
	e.missTerm = make([]int, nf)
	e.levelTerm = make([][]int, nf)
	for f := range e.missTerm {
		e.missTerm[f] = -1
		if ft := e.Features[f]; ft.Categorical {
			if ft.Levels <= 0 || ft.Levels > MaxTerms {
				return fmt.Errorf("feature %q is categorical with %d levels: expected 1..%d", ft.Name, ft.Levels, MaxTerms)
			}
			e.levelTerm[f] = make([]int, ft.Levels)
			for l := range e.levelTerm[f] {
				e.levelTerm[f][l] = -1
			}
		}
		if m := e.Features[f].Monotone; m < -1 || m > 1 {
			return fmt.Errorf("feature %q has monotone %d: expected -1, 0 or 1", e.Features[f].Name, m)
		}
		if v := e.Impute[f]; math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("impute value %v of feature %q is not finite", v, e.Features[f].Name)
		}
	}
	e.nValue = 0
	e.sparse = e.sparse[:0]
	prevFeature := -1
	for i, t := range e.Terms {
		if t.Feature < 0 || t.Feature >= nf {
			return fmt.Errorf("term %d refers to feature %d of %d", i, t.Feature, nf)
		}
		if !(t.Scale > 0) || math.IsInf(t.Scale, 0) || math.IsNaN(t.Mean) || math.IsInf(t.Mean, 0) {
			return fmt.Errorf("term %d has mean %v and scale %v: expected finite numbers and a positive scale", i, t.Mean, t.Scale)
		}
		ft := e.Features[t.Feature]
		switch t.Kind {
		case Value:
			if ft.Categorical || i != e.nValue || t.Feature <= prevFeature {
				return fmt.Errorf("term %d: value term of feature %q out of place", i, ft.Name)
			}
			e.nValue++
			prevFeature = t.Feature
			continue
		case Missing:
			if ft.Categorical || e.missTerm[t.Feature] >= 0 {
				return fmt.Errorf("term %d: missing indicator of feature %q out of place", i, ft.Name)
			}
			e.missTerm[t.Feature] = i
		case Level:
			if !ft.Categorical || t.Level < 0 || t.Level >= ft.Levels || e.levelTerm[t.Feature][t.Level] >= 0 {
				return fmt.Errorf("term %d: level %d of feature %q out of place", i, t.Level, ft.Name)
			}
			e.levelTerm[t.Feature][t.Level] = i
		default:
			return fmt.Errorf("term %d has unknown kind %d", i, t.Kind)
		}
		if i < e.nValue || (len(e.sparse) > 0 && t.Feature < e.sparse[len(e.sparse)-1]) {
			return fmt.Errorf("term %d of feature %q out of order", i, ft.Name)
		}
		if len(e.sparse) == 0 || e.sparse[len(e.sparse)-1] != t.Feature {
			e.sparse = append(e.sparse, t.Feature)
		}
	}
	// Level terms of one feature must ascend with the level so that the
	// sparse tail of a row is sorted.
	for _, f := range e.sparse {
		last := -1
		for _, ti := range e.levelTerm[f] {
			if ti >= 0 {
				if ti < last {
					return fmt.Errorf("level terms of feature %q out of order", e.Features[f].Name)
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

// Sparse writes the nonzero part of row's raw design vector u into idx and
// val and returns its length. Value terms come first at positions
// 0..nValue-1 as v − mean (centred, so that accumulating their products
// loses little precision); indicator and level terms follow as 1 at their
// term index, ascending. It trusts row to have len(e.Features) values.
func (e *Encoder) Sparse(row []float64, idx []int, val []float64) int {
	for k, t := range e.Terms[:e.nValue] {
		v := row[t.Feature]
		if v != v {
			v = e.Impute[t.Feature]
		}
		idx[k] = k
		val[k] = v - t.Mean
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

// Centre returns the mean to subtract from term i's encoded value u to
// reach v − mean: value terms are centred by Sparse already.
func (e *Encoder) Centre(i int) float64 {
	if i < e.nValue {
		return 0
	}
	return e.Terms[i].Mean
}

// Eta returns b0 + Σ coef·v for one row with coefficients on the original
// scale. It reports the first numeric feature holding ±Inf (bad ≥ 0), the
// only value it cannot encode.
func (e *Encoder) Eta(row []float64, coef []float64, b0 float64) (s float64, bad int) {
	s = b0
	for k, t := range e.Terms[:e.nValue] {
		v := row[t.Feature]
		if v != v {
			v = e.Impute[t.Feature]
		} else if math.IsInf(v, 0) {
			return 0, t.Feature
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

// Fit fits the preprocessing on ds with row weights w (nil = 1):
// impute values, indicator and level columns, and standardisation. With
// centre false, columns are divided by their root mean square and not
// centred (for models without intercept). Columns that are constant on the
// training data (zero spread) are dropped.
func Fit(ds *model.Dataset, centre bool) (*Encoder, error) {
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
			if width > MaxTerms {
				break
			}
			levelW[f] = make([]float64, ft.Levels)
		} else {
			width += 2
		}
	}
	if width > MaxTerms {
		return nil, fmt.Errorf("features expand to more than %d design columns (one-hot levels and missing indicators): too wide for a linear model or SVM", MaxTerms)
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
	e := &Encoder{Features: append([]model.Feature(nil), feats...), Impute: make([]float64, nf)}
	// Value terms: impute with the weighted mean of the observed values;
	// their spread needs a second pass.
	for f, ft := range feats {
		if ft.Categorical || obsW[f] == 0 {
			continue
		}
		m := obsSum[f] / obsW[f]
		e.Impute[f] = m
		t := Term{Feature: f, Kind: Value}
		if centre {
			t.Mean = m
		}
		e.Terms = append(e.Terms, t)
	}
	ss := make([]float64, len(e.Terms))
	for i := 0; i < X.Rows; i++ {
		w := ds.Weight(i)
		row := X.Row(i)
		for k, t := range e.Terms {
			v := row[t.Feature]
			if v != v {
				v = e.Impute[t.Feature]
			}
			d := v - t.Mean
			ss[k] += w * d * d
		}
	}
	kept := e.Terms[:0]
	for k, t := range e.Terms {
		t.Scale = math.Sqrt(ss[k] / sumW)
		if t.Scale > 1e-12*math.Abs(e.Impute[t.Feature]) && t.Scale > 0 {
			kept = append(kept, t)
		}
	}
	e.Terms = kept
	// Indicator and level terms: their weighted mean is the frequency f and
	// their variance f(1−f) (or mean square f without centring).
	addIndicator := func(t Term, freq float64) {
		sd := math.Sqrt(freq * (1 - freq))
		if !centre {
			sd = math.Sqrt(freq)
		} else {
			t.Mean = freq
		}
		if sd > 1e-7 {
			t.Scale = sd
			e.Terms = append(e.Terms, t)
		}
	}
	for f, ft := range feats {
		if ft.Categorical {
			for l, w := range levelW[f] {
				addIndicator(Term{Feature: f, Kind: Level, Level: l}, w/sumW)
			}
		} else if missAny[f] {
			addIndicator(Term{Feature: f, Kind: Missing}, missW[f]/sumW)
		}
	}
	if err := e.index(); err != nil {
		return nil, fmt.Errorf("design: internal error in preprocessing: %w", err)
	}
	return e, nil
}

// Signs returns the sign constraint of every term from the features'
// Monotone fields (value terms only), or nil when no term is constrained.
func (e *Encoder) Signs() []int8 {
	var out []int8
	for i, t := range e.Terms[:e.nValue] {
		if m := e.Features[t.Feature].Monotone; m != 0 {
			if out == nil {
				out = make([]int8, len(e.Terms))
			}
			out[i] = int8(m)
		}
	}
	return out
}

// Name returns the explanation name of term i: the feature's name,
// "name=missing" for an indicator, "name=3" for level 3.
func (e *Encoder) Name(i int) string {
	t := e.Terms[i]
	n := e.Features[t.Feature].Name
	switch t.Kind {
	case Missing:
		return n + "=missing"
	case Level:
		return fmt.Sprintf("%s=%d", n, t.Level)
	}
	return n
}
