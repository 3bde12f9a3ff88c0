package tabular

import (
	"encoding/json"
	"fmt"
	"os"

	"promocast/envelope"
	"promocast/export"
	"promocast/learn"
	"promocast/model"
)

// Format and Version identify the tabular model file layout.
const (
	Format  = "promocast-tabular"
	Version = 1
)

// fileFormat is the tabular model file's envelope.
var fileFormat = envelope.Format{Name: Format, Version: Version, Noun: "promocast tabular model file"}

// body is what the checksum covers.
type body struct {
	Kind      string          `json:"kind"`
	Learner   string          `json:"learner"`
	Features  []Feature       `json:"features"`
	Target    Target          `json:"target"`
	Rows      int             `json:"rows"`
	Predictor json.RawMessage `json:"predictor"`
}

// bodyKind is the body's kind field.
const bodyKind = "tabular"

// Encode returns the model file bytes of m. The same model always gives
// the same bytes.
func Encode(m *Model) ([]byte, error) {
	pred, err := json.Marshal(m.Predictor)
	if err != nil {
		return nil, fmt.Errorf("encode %s model: %w", m.Learner, err)
	}
	b, err := json.Marshal(body{Kind: bodyKind, Learner: m.Learner, Features: m.Schema.Features,
		Target: m.Schema.Target, Rows: m.Rows, Predictor: pred})
	if err != nil {
		return nil, fmt.Errorf("encode model: %w", err)
	}
	return fileFormat.Seal("", b)
}

// Decode reads a model from file bytes, verifying the format, version and
// checksum and that the learner matches the schema; name is used in
// errors.
func Decode(b []byte, name string) (*Model, error) {
	_, _, raw, err := fileFormat.Open(b, name)
	if err != nil {
		return nil, err
	}
	var bd body
	if err := json.Unmarshal(raw, &bd); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if bd.Kind != bodyKind {
		return nil, fmt.Errorf("%s: body kind is %q, expected %q", name, bd.Kind, bodyKind)
	}
	m := &Model{Learner: bd.Learner, Schema: Schema{Features: bd.Features, Target: bd.Target}, Rows: bd.Rows}
	if err := m.Schema.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	pred, feats, err := decodePredictor(bd.Learner, bd.Predictor)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	want := m.Schema.ModelFeatures()
	if len(feats) != len(want) {
		return nil, fmt.Errorf("%s: the %s model has %d features, the schema %d", name, bd.Learner, len(feats), len(want))
	}
	for j := range want {
		if feats[j].Name != want[j].Name || feats[j].Categorical != want[j].Categorical || feats[j].Levels != want[j].Levels {
			return nil, fmt.Errorf("%s: feature %d is %q in the %s model but %q in the schema", name, j, feats[j].Name, bd.Learner, want[j].Name)
		}
	}
	m.Predictor = pred
	return m, nil
}

// decodePredictor rebuilds the named learner from its JSON and returns
// the features it expects.
func decodePredictor(learner string, raw []byte) (model.Predictor, []model.Feature, error) {
	l, ok := learn.Lookup(learner)
	if !ok || !l.Learns(learn.Table) {
		return nil, nil, fmt.Errorf("unknown learner %q: this promocast knows %v", learner, Learners())
	}
	p, feats, err := l.Decode(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("decode %s model: %w", learner, err)
	}
	return p, feats, nil
}

// check reports a schema that could not have been written by Fit.
func (s *Schema) check() error {
	if s.Target.Name == "" {
		return fmt.Errorf("schema has no target name")
	}
	switch s.Target.Task {
	case Regression:
	case Classification:
		if s.Target.Positive == "" || s.Target.Negative == "" || s.Target.Positive == s.Target.Negative {
			return fmt.Errorf("classification target %q needs two distinct labels, has %q and %q", s.Target.Name, s.Target.Positive, s.Target.Negative)
		}
	default:
		return fmt.Errorf("target %q has unknown task %q", s.Target.Name, s.Target.Task)
	}
	if len(s.Features) == 0 {
		return fmt.Errorf("schema has no features")
	}
	for _, f := range s.Features {
		switch f.Type {
		case TypeNumber, TypeBool:
		case TypeCategory:
			if len(f.Levels) == 0 {
				return fmt.Errorf("categorical feature %q has no levels", f.Name)
			}
		default:
			return fmt.Errorf("feature %q has unknown type %q", f.Name, f.Type)
		}
	}
	return nil
}

// Write stores m at path atomically (see export.WriteFile).
func Write(path string, m *Model) error {
	b, err := Encode(m)
	if err != nil {
		return err
	}
	return export.WriteBytes(path, b)
}

// Read loads and verifies the model file at path.
func Read(path string) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	return Decode(b, path)
}
