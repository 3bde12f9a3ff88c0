package uplift

import (
	"encoding/json"
	"fmt"
	"os"

	"promocast/data"
	"promocast/export"
)

// Format and Version identify an uplift model file: one JSON object
// {"format":"promocast-uplift","version":1,"model":{...}} whose model
// holds the Model's fields (learner, base, arms, columns, binary,
// features, schema, rows, clip, selection) and its fitted parts, each
// {"kind":"gbdt"|"linear"|"logistic","model":<that learner's JSON>}:
// "outcomes" (S: one, the arm appended as a categorical feature; T and X:
// one per arm), "effects" (per treatment; X: [from treated, from
// control], DR: [effect]) and "propensity" (one per arm).
const (
	Format  = "promocast-uplift"
	Version = 1
)

type fileJSON struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	Model   *Model `json:"model"`
}

// Write saves m to path atomically (a temporary file, then a rename).
func Write(path string, m *Model) error {
	b, err := json.Marshal(fileJSON{Format: Format, Version: Version, Model: m})
	if err != nil {
		return fmt.Errorf("uplift: encode model: %w", err)
	}
	return export.WriteBytes(path, b)
}

// Read loads a model written by Write.
func Read(path string) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f fileJSON
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: not an uplift model file: %w", path, err)
	}
	if f.Format != Format {
		return nil, fmt.Errorf("%s: format %q: expected %q (an uplift model from 'promocast uplift fit')", path, f.Format, Format)
	}
	if f.Version != Version {
		return nil, fmt.Errorf("%s: uplift model version %d: this build reads version %d", path, f.Version, Version)
	}
	if err := f.Model.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f.Model, nil
}

// check reports a model whose parts do not fit its learner and arms.
func (m *Model) check() error {
	if m == nil {
		return fmt.Errorf("no model in the file")
	}
	K := len(m.Arms) - 1
	if K < 1 {
		return fmt.Errorf("model has %d arms: expected a control and at least one treatment", len(m.Arms))
	}
	want := map[string][2]int{LearnerS: {1, 0}, LearnerT: {K + 1, 0}, LearnerX: {K + 1, K}, LearnerDR: {0, K}}
	w, ok := want[m.Learner]
	if !ok {
		return fmt.Errorf("unknown learner %q", m.Learner)
	}
	if len(m.Outcomes) != w[0] || len(m.Effects) != w[1] || len(m.Propensity) != K+1 {
		return fmt.Errorf("%s-learner with %d arms has %d outcome, %d effect and %d propensity models", m.Learner, K+1, len(m.Outcomes), len(m.Effects), len(m.Propensity))
	}
	return nil
}

// Encode turns a table into Data for m: the features as the training
// table's were encoded (found by name; extra columns are ignored), and,
// when the table has the treatment and outcome columns, each row's arm
// (one of m's arms) and outcome. Without them T and Y are nil.
func (m *Model) Encode(f *data.Frame) (*Data, error) {
	if m.Schema == nil {
		return nil, fmt.Errorf("uplift: the model was fitted on a matrix, not a table: it cannot encode %s", f.Source)
	}
	X, err := m.Schema.Matrix(f)
	if err != nil {
		return nil, err
	}
	d := &Data{X: X, Features: m.Features, Arms: m.Arms, Columns: m.Columns, Schema: m.Schema}
	tc, oc := f.Column(m.Columns.Treatment), f.Column(m.Columns.Outcome)
	if tc == nil || oc == nil {
		return d, nil
	}
	if d.T, err = armsOf(f.Source, tc, m.Arms); err != nil {
		return nil, err
	}
	if d.Y, err = outcomes(f.Source, oc); err != nil {
		return nil, err
	}
	return d, nil
}

// Labelled reports whether d has arms and outcomes.
func (d *Data) Labelled() bool { return d.T != nil && d.Y != nil }
