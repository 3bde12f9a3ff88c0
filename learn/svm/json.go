package svm

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
	KindClassifier = "svc"
	KindRegressor  = "svr"
)

// wireModel is the JSON form of both model types; see the package
// documentation for the layout.
type wireModel struct {
	Kind      string          `json:"kind"`
	Version   int             `json:"version"`
	Params    Params          `json:"params"`
	Features  []model.Feature `json:"features"`
	Impute    []float64       `json:"impute"`
	Terms     []wireTerm      `json:"terms"`
	Intercept float64         `json:"intercept"`
	Platt     *Platt          `json:"platt,omitempty"`
	Fit       FitInfo         `json:"fit"`
}

// wireTerm is one standardised design column and its weight.
type wireTerm struct {
	Feature int     `json:"feature"`
	Kind    string  `json:"kind"`
	Level   int     `json:"level,omitempty"`
	Mean    float64 `json:"mean"`
	Scale   float64 `json:"scale"`
	Weight  float64 `json:"weight"`
}

func (f *fitted) marshal(kind string, p Params, platt *Platt) ([]byte, error) {
	if f.enc == nil {
		return nil, fmt.Errorf("write %s model: the model is not fitted", kind)
	}
	w := wireModel{Kind: kind, Version: formatVersion, Params: p, Features: f.enc.Features,
		Impute: f.enc.Impute, Terms: make([]wireTerm, len(f.w)), Intercept: f.intercept, Platt: platt, Fit: f.info}
	for j, t := range f.enc.Terms {
		w.Terms[j] = wireTerm{Feature: t.Feature, Kind: t.Kind.String(), Level: t.Level, Mean: t.Mean, Scale: t.Scale, Weight: f.w[j]}
	}
	return json.Marshal(w)
}

func unmarshal(b []byte, kind string) (wireModel, fitted, error) {
	var w wireModel
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return w, fitted{}, fmt.Errorf("read %s model: %w", kind, err)
	}
	bad := func(format string, a ...any) (wireModel, fitted, error) {
		return w, fitted{}, fmt.Errorf("read %s model: "+format, append([]any{kind}, a...)...)
	}
	if w.Kind != kind {
		return bad("kind is %q, expected %q", w.Kind, kind)
	}
	if w.Version != formatVersion {
		return bad("format version %d is not supported (expected %d)", w.Version, formatVersion)
	}
	if _, err := w.Params.validate(kind == KindRegressor); err != nil {
		return bad("params: %v", err)
	}
	if !finite(w.Intercept) {
		return bad("intercept %v is not finite", w.Intercept)
	}
	if len(w.Terms) > design.MaxTerms {
		return bad("%d terms, at most %d are allowed", len(w.Terms), design.MaxTerms)
	}
	terms := make([]design.Term, len(w.Terms))
	weights := make([]float64, len(w.Terms))
	for j, t := range w.Terms {
		k, err := design.ParseKind(t.Kind)
		if err != nil {
			return bad("term %d has %v", j, err)
		}
		if !finite(t.Weight) {
			return bad("term %d has weight %v, expected a finite number", j, t.Weight)
		}
		terms[j], weights[j] = design.Term{Feature: t.Feature, Kind: k, Level: t.Level, Mean: t.Mean, Scale: t.Scale}, t.Weight
	}
	enc, err := design.New(w.Features, w.Impute, terms)
	if err != nil {
		return bad("%v", err)
	}
	f := fitted{enc: enc, w: weights, intercept: w.Intercept, info: w.Fit}
	return w, f, nil
}

// MarshalJSON writes the classifier as JSON (kind "svc"); the same model
// always gives the same bytes.
func (m *Classifier) MarshalJSON() ([]byte, error) {
	return m.fit.marshal(KindClassifier, m.params, &m.platt)
}

// UnmarshalJSON reads a classifier written by MarshalJSON, checking it.
func (m *Classifier) UnmarshalJSON(b []byte) error {
	w, f, err := unmarshal(b, KindClassifier)
	if err != nil {
		return err
	}
	if w.Platt == nil || !finite(w.Platt.A) || !finite(w.Platt.B) {
		return fmt.Errorf("read %s model: missing or non-finite platt parameters", KindClassifier)
	}
	*m = Classifier{params: w.Params, fit: f, platt: *w.Platt}
	return nil
}

// MarshalJSON writes the regressor as JSON (kind "svr"); the same model
// always gives the same bytes.
func (m *Regressor) MarshalJSON() ([]byte, error) {
	return m.fit.marshal(KindRegressor, m.params, nil)
}

// UnmarshalJSON reads a regressor written by MarshalJSON, checking it.
func (m *Regressor) UnmarshalJSON(b []byte) error {
	w, f, err := unmarshal(b, KindRegressor)
	if err != nil {
		return err
	}
	if w.Platt != nil {
		return fmt.Errorf("read %s model: a regressor has no platt parameters", KindRegressor)
	}
	*m = Regressor{params: w.Params, fit: f}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
