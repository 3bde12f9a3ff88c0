// Package route holds a predictor that sends each row to the model of its
// partition: one model per level of a static attribute (a category, a store
// cluster), trained apart — in parallel, on machines that each hold one
// partition — and stored together in one model file.
//
// A row's partition is the value of one feature column, the attribute's
// level code. Predict splits the rows by that code, lets each partition's
// model predict its rows, and puts the predictions back in row order. A row
// whose code has no partition (a level no partition was trained on, or a
// missing level) is an error naming the feature and the code.
package route

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"promocast/data"
	"promocast/model"
)

// Kind is the model kind of a routed model in model files.
const Kind = "partitioned"

const version = 1

// Part is one partition's model.
type Part struct {
	// Level is the attribute's level as the data writes it, and Code its
	// code: the value of the routing column in the partition's rows.
	Level string
	Code  float64
	// Kind names the partition model's learner as package learn knows it.
	Kind      string
	Predictor model.Predictor
}

// Model routes each row to the predictor of its partition. It implements
// model.Predictor.
type Model struct {
	// Feature names the routing column and Column is its index in the
	// feature matrix.
	Feature string
	Column  int
	// Parts are the partitions, by increasing Code.
	Parts []Part
}

// New returns a routed model of the parts, which it sorts by code; codes
// must be distinct and not NaN.
func New(feature string, column int, parts []Part) (*Model, error) {
	if column < 0 || feature == "" {
		return nil, fmt.Errorf("route: feature %q at column %d: expected a named column ≥ 0", feature, column)
	}
	if len(parts) == 0 {
		return nil, fmt.Errorf("route: no partitions")
	}
	ps := slices.Clone(parts)
	slices.SortFunc(ps, func(a, b Part) int {
		switch {
		case a.Code < b.Code:
			return -1
		case a.Code > b.Code:
			return 1
		}
		return 0
	})
	for k, p := range ps {
		if math.IsNaN(p.Code) || p.Predictor == nil || p.Kind == "" {
			return nil, fmt.Errorf("route: partition %q (code %v) needs a code, a kind and a model", p.Level, p.Code)
		}
		if k > 0 && ps[k-1].Code == p.Code {
			return nil, fmt.Errorf("route: partitions %q and %q share code %v", ps[k-1].Level, p.Level, p.Code)
		}
	}
	return &Model{Feature: feature, Column: column, Parts: ps}, nil
}

// part returns the index of the partition with the code, or -1.
func (m *Model) part(code float64) int {
	k, ok := slices.BinarySearchFunc(m.Parts, code, func(p Part, c float64) int {
		switch {
		case p.Code < c:
			return -1
		case p.Code > c:
			return 1
		}
		return 0
	})
	if !ok {
		return -1
	}
	return k
}

// Predict writes each row's prediction by its partition's model. It
// allocates one matrix of rows per partition present in X.
func (m *Model) Predict(X *data.Matrix, out []float64) error {
	if m.Column >= X.Cols {
		return fmt.Errorf("route: feature %q is column %d, the matrix has %d columns", m.Feature, m.Column, X.Cols)
	}
	rows := make([][]int, len(m.Parts))
	for i := range X.Rows {
		code := X.At(i, m.Column)
		k := m.part(code)
		if k < 0 {
			return fmt.Errorf("route: row %d has %s code %v, which no partition was trained on", i+1, m.Feature, code)
		}
		rows[k] = append(rows[k], i)
	}
	for k, rs := range rows {
		if len(rs) == 0 {
			continue
		}
		sub := data.NewMatrix(len(rs), X.Cols)
		for j, i := range rs {
			copy(sub.Row(j), X.Row(i))
		}
		pred := make([]float64, len(rs))
		if err := m.Parts[k].Predictor.Predict(sub, pred); err != nil {
			return fmt.Errorf("route: partition %q: %w", m.Parts[k].Level, err)
		}
		for j, i := range rs {
			out[i] = pred[j]
		}
	}
	return nil
}

type wirePart struct {
	Level string          `json:"level"`
	Code  float64         `json:"code"`
	Kind  string          `json:"kind"`
	Model json.RawMessage `json:"model"`
}

type wireModel struct {
	Kind    string     `json:"kind"`
	Version int        `json:"version"`
	Feature string     `json:"feature"`
	Column  int        `json:"column"`
	Parts   []wirePart `json:"parts"`
}

// MarshalJSON writes {"kind": "partitioned", "version": 1, "feature",
// "column", "parts": [{"level", "code", "kind", "model"}, …]}, each model
// in its learner's own JSON.
func (m *Model) MarshalJSON() ([]byte, error) {
	w := wireModel{Kind: Kind, Version: version, Feature: m.Feature, Column: m.Column}
	for _, p := range m.Parts {
		raw, err := json.Marshal(p.Predictor)
		if err != nil {
			return nil, fmt.Errorf("write partition %q (%s): %w", p.Level, p.Kind, err)
		}
		w.Parts = append(w.Parts, wirePart{Level: p.Level, Code: p.Code, Kind: p.Kind, Model: raw})
	}
	return json.Marshal(w)
}

// Decoder rebuilds a trained model of a learner kind from its JSON;
// package learn's Decode is one.
type Decoder func(kind string, raw []byte) (model.Predictor, error)

// Decode reads a routed model written by MarshalJSON, decoding each
// partition's model with decode.
func Decode(raw []byte, decode Decoder) (*Model, error) {
	var w wireModel
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return nil, fmt.Errorf("read partitioned model: %w", err)
	}
	if w.Kind != Kind || w.Version != version {
		return nil, fmt.Errorf("read partitioned model: kind %q version %d, expected %q version %d", w.Kind, w.Version, Kind, version)
	}
	parts := make([]Part, len(w.Parts))
	for k, p := range w.Parts {
		if p.Kind == Kind {
			return nil, fmt.Errorf("read partitioned model: partition %q is itself partitioned", p.Level)
		}
		pred, err := decode(p.Kind, p.Model)
		if err != nil {
			return nil, fmt.Errorf("read partitioned model: partition %q: %w", p.Level, err)
		}
		parts[k] = Part{Level: p.Level, Code: p.Code, Kind: p.Kind, Predictor: pred}
	}
	return New(w.Feature, w.Column, parts)
}
