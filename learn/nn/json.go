package nn

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"promocast/model"
)

// Kind is the model kind written in the "kind" field of the JSON form.
const Kind = "mlp"

// formatVersion is the version of the JSON layout written by MarshalJSON.
const formatVersion = 1

// wireModel is the JSON form of a Model; see the package documentation.
type wireModel struct {
	Kind     string          `json:"kind"`
	Version  int             `json:"version"`
	Params   Params          `json:"params"`
	Features []model.Feature `json:"features"`
	Columns  []column        `json:"columns"`
	Layers   []int           `json:"layers"`
	Target   Target          `json:"target"`
	Theta    []float64       `json:"theta"`
	Fit      FitInfo         `json:"fit"`
}

// MarshalJSON writes the model in the versioned layout of the package
// documentation. The same model always gives the same bytes.
func (m *Model) MarshalJSON() ([]byte, error) {
	if m.nt == nil {
		return nil, fmt.Errorf("nn: model is not trained")
	}
	return json.Marshal(wireModel{Kind: Kind, Version: formatVersion, Params: m.Params,
		Features: m.Features, Columns: m.cols, Layers: m.nt.sizes, Target: m.Target,
		Theta: m.theta, Fit: m.Info})
}

// UnmarshalJSON reads a model written by MarshalJSON, checking that its
// parts agree so that a damaged file is refused rather than mispredicting.
func (m *Model) UnmarshalJSON(raw []byte) error {
	var w wireModel
	if err := json.Unmarshal(raw, &w); err != nil {
		return fmt.Errorf("nn: %w", err)
	}
	if w.Kind != Kind {
		return fmt.Errorf("nn: model kind %q, expected %q", w.Kind, Kind)
	}
	if w.Version != formatVersion {
		return fmt.Errorf("nn: model format version %d, this promocast reads version %d", w.Version, formatVersion)
	}
	p, err := w.Params.validate()
	if err != nil {
		return err
	}
	if len(w.Columns) != len(w.Features) {
		return fmt.Errorf("nn: model has %d features but %d columns", len(w.Features), len(w.Columns))
	}
	for j, c := range w.Columns {
		f := w.Features[j]
		switch {
		case f.Categorical && (f.Levels < 0 || c.Dim < 1):
			return fmt.Errorf("nn: feature %d (%s) has %d levels and embedding width %d", j, f.Name, f.Levels, c.Dim)
		case !f.Categorical && (!(c.SD > 0) || math.IsInf(c.SD, 0) || math.IsNaN(c.Mean) || math.IsInf(c.Mean, 0)):
			return fmt.Errorf("nn: feature %d (%s) has mean %v and sd %v", j, f.Name, c.Mean, c.SD)
		}
	}
	if !(w.Target.Scale > 0) || math.IsInf(w.Target.Scale, 0) || math.IsNaN(w.Target.Shift) || math.IsInf(w.Target.Shift, 0) {
		return fmt.Errorf("nn: target shift %v and scale %v", w.Target.Shift, w.Target.Scale)
	}
	enc := newEncoder(w.Features, w.Columns)
	levels, dims := enc.levels()
	nt := newNet(levels, dims, enc.inputs, p.Hidden)
	if !slices.Equal(nt.sizes, w.Layers) {
		return fmt.Errorf("nn: model layers %v, but its features and params give %v", w.Layers, nt.sizes)
	}
	if len(w.Theta) != nt.n {
		return fmt.Errorf("nn: model has %d parameters, its layers need %d", len(w.Theta), nt.n)
	}
	for i, v := range w.Theta {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("nn: parameter %d is %v", i, v)
		}
	}
	*m = Model{Features: w.Features, Params: p, Target: w.Target, Info: w.Fit,
		cols: w.Columns, theta: w.Theta, enc: enc, nt: nt}
	return nil
}
