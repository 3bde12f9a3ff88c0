package linear

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"

	"promocast/learn/design"
	"promocast/model"
)

// formatVersion is the version of the JSON layout written by MarshalJSON.
const formatVersion = 1

// Model kinds as written in the "kind" field of the JSON form.
const (
	KindLinear   = "linear"
	KindLogistic = "logistic"
	KindPoisson  = "poisson"
)

// wireModel is the JSON form shared by the model types: see the package
// documentation for the layout.
type wireModel struct {
	Kind      string          `json:"kind"`
	Version   int             `json:"version"`
	Params    json.RawMessage `json:"params"`
	Features  []model.Feature `json:"features"`
	Impute    []float64       `json:"impute"`
	Intercept float64         `json:"intercept"`
	Terms     []wireTerm      `json:"terms"`
	Fit       FitInfo         `json:"fit"`
}

// wireTerm is one design column with its coefficient on the original scale.
type wireTerm struct {
	Feature int     `json:"feature"`
	Kind    string  `json:"kind"`
	Level   int     `json:"level,omitempty"`
	Mean    float64 `json:"mean"`
	Scale   float64 `json:"scale"`
	Coef    float64 `json:"coef"`
}

// marshal writes the JSON form of f. Struct fields are written in a fixed
// order and floats in their shortest exact form, so the bytes depend only
// on the model.
func (f *fitted) marshal(kind string, params any) ([]byte, error) {
	if f.enc == nil {
		return nil, fmt.Errorf("write %s model: the model is not fitted", kind)
	}
	pj, err := json.Marshal(params)
	if err != nil {
		return nil, err
	}
	w := wireModel{Kind: kind, Version: formatVersion, Params: pj, Features: f.enc.Features,
		Impute: f.enc.Impute, Intercept: f.intercept, Terms: make([]wireTerm, len(f.enc.Terms)), Fit: f.info}
	for i, t := range f.enc.Terms {
		w.Terms[i] = wireTerm{Feature: t.Feature, Kind: t.Kind.String(), Level: t.Level, Mean: t.Mean, Scale: t.Scale, Coef: f.coef[i]}
	}
	return json.Marshal(w)
}

// unmarshal reads the JSON form of a model of the given kind, checks it,
// and decodes its params into params.
func unmarshal(b []byte, kind string, params any) (fitted, error) {
	var w wireModel
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return fitted{}, fmt.Errorf("read %s model: %w", kind, err)
	}
	bad := func(format string, a ...any) (fitted, error) {
		return fitted{}, fmt.Errorf("read %s model: "+format, append([]any{kind}, a...)...)
	}
	if w.Kind != kind {
		return bad("kind is %q, expected %q", w.Kind, kind)
	}
	if w.Version != formatVersion {
		return bad("format version %d is not supported (expected %d)", w.Version, formatVersion)
	}
	if len(w.Params) > 0 {
		pd := json.NewDecoder(bytes.NewReader(w.Params))
		pd.DisallowUnknownFields()
		if err := pd.Decode(params); err != nil {
			return bad("params: %v", err)
		}
	}
	if !finite(w.Intercept) {
		return bad("intercept %v is not finite", w.Intercept)
	}
	if len(w.Terms) > design.MaxTerms {
		return bad("%d terms, at most %d are allowed", len(w.Terms), design.MaxTerms)
	}
	terms := make([]design.Term, len(w.Terms))
	coef := make([]float64, len(w.Terms))
	for i, t := range w.Terms {
		k, err := design.ParseKind(t.Kind)
		if err != nil {
			return bad("term %d has %v", i, err)
		}
		if !finite(t.Coef) {
			return bad("term %d has coefficient %v, expected a finite number", i, t.Coef)
		}
		terms[i] = design.Term{Feature: t.Feature, Kind: k, Level: t.Level, Mean: t.Mean, Scale: t.Scale}
		coef[i] = t.Coef
	}
	enc, err := design.New(w.Features, w.Impute, terms)
	if err != nil {
		return bad("%v", err)
	}
	return fitted{enc: enc, coef: coef, intercept: w.Intercept, info: w.Fit}, nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// MarshalJSON writes the model as JSON (kind "linear"); the same model
// always gives the same bytes.
func (m *Model) MarshalJSON() ([]byte, error) { return m.fit.marshal(KindLinear, m.params) }

// UnmarshalJSON reads a model written by MarshalJSON, checking it fully.
func (m *Model) UnmarshalJSON(b []byte) error {
	var p Params
	f, err := unmarshal(b, KindLinear, &p)
	if err != nil {
		return err
	}
	*m = Model{params: p, fit: f}
	return nil
}

// MarshalJSON writes the model as JSON (kind "logistic").
func (m *LogisticModel) MarshalJSON() ([]byte, error) { return m.fit.marshal(KindLogistic, m.params) }

// UnmarshalJSON reads a model written by MarshalJSON, checking it fully.
func (m *LogisticModel) UnmarshalJSON(b []byte) error {
	var p LogisticParams
	f, err := unmarshal(b, KindLogistic, &p)
	if err != nil {
		return err
	}
	*m = LogisticModel{params: p, fit: f}
	return nil
}

// MarshalJSON writes the model as JSON (kind "poisson").
func (m *PoissonModel) MarshalJSON() ([]byte, error) { return m.fit.marshal(KindPoisson, m.params) }

// UnmarshalJSON reads a model written by MarshalJSON, checking it fully.
func (m *PoissonModel) UnmarshalJSON(b []byte) error {
	var p PoissonParams
	f, err := unmarshal(b, KindPoisson, &p)
	if err != nil {
		return err
	}
	*m = PoissonModel{params: p, fit: f}
	return nil
}
