package ensemble

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"

	"promocast/data"
	"promocast/forecast"
	"promocast/model"
)

// Kind is the learner kind of a Blend in model files.
const Kind = "blend"

// formatVersion is the version of the JSON layout written by MarshalJSON.
const formatVersion = 1

// Member is one model of a blend.
type Member struct {
	// Kind names the member's learner as package learner knows it (e.g.
	// "gbdt"); DecodeBlend passes it to the decoder.
	Kind string
	// Weight is the member's share of the blend, > 0.
	Weight float64
	// Predictor is the trained member; it must marshal to JSON.
	Predictor model.Predictor
}

// Blend is a weighted average of trained models: prediction = Σ Weight·
// member prediction. It implements model.Predictor and marshals to JSON.
type Blend struct {
	// Members are the blended models; their weights sum to 1.
	Members []Member
	// NonNegative floors each member's prediction at 0 before blending,
	// as a backtest floors each member's forecast: the blend then predicts
	// what its backtest scored.
	NonNegative bool
}

// Predict writes the blend of the members' predictions for every row of
// X into out (X.Rows elements).
func (b *Blend) Predict(X *data.Matrix, out []float64) error {
	if len(b.Members) == 0 {
		return fmt.Errorf("blend predict: the blend has no members")
	}
	if X == nil {
		return fmt.Errorf("blend predict: no feature matrix")
	}
	if len(out) != X.Rows {
		return fmt.Errorf("blend predict: output has %d elements for %d rows", len(out), X.Rows)
	}
	clear(out)
	tmp := make([]float64, X.Rows)
	for k, m := range b.Members {
		if m.Predictor == nil {
			return fmt.Errorf("blend predict: member %d (%s) has no model", k+1, m.Kind)
		}
		if err := m.Predictor.Predict(X, tmp); err != nil {
			return fmt.Errorf("blend member %d (%s): %w", k+1, m.Kind, err)
		}
		for i, v := range tmp {
			if b.NonNegative {
				v = math.Max(0, v)
			}
			out[i] += m.Weight * v
		}
	}
	return nil
}

// wireBlend is the JSON form of a Blend.
type wireBlend struct {
	Kind        string       `json:"kind"`
	Version     int          `json:"version"`
	NonNegative bool         `json:"non_negative"`
	Members     []wireMember `json:"members"`
}

type wireMember struct {
	Kind   string          `json:"kind"`
	Weight float64         `json:"weight"`
	Model  json.RawMessage `json:"model"`
}

// MarshalJSON writes the blend as {"kind": "blend", "version": 1,
// "non_negative": …, "members": [{"kind", "weight", "model"}, …]}, each
// model in its own package's JSON form.
func (b *Blend) MarshalJSON() ([]byte, error) {
	w := wireBlend{Kind: Kind, Version: formatVersion, NonNegative: b.NonNegative}
	for k, m := range b.Members {
		raw, err := json.Marshal(m.Predictor)
		if err != nil {
			return nil, fmt.Errorf("write blend member %d (%s): %w", k+1, m.Kind, err)
		}
		w.Members = append(w.Members, wireMember{Kind: m.Kind, Weight: m.Weight, Model: raw})
	}
	return json.Marshal(w)
}

// Decoder rebuilds a trained model of a learner kind from its JSON;
// package learner's Decode is one.
type Decoder func(kind string, raw []byte) (model.Predictor, error)

// DecodeBlend reads a blend written by MarshalJSON, decoding each member
// with decode. Taking the decoder as an argument keeps this package free
// of the learner registry, which itself decodes blends through it.
func DecodeBlend(raw []byte, decode Decoder) (*Blend, error) {
	var w wireBlend
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return nil, fmt.Errorf("read blend: %w", err)
	}
	if w.Kind != Kind {
		return nil, fmt.Errorf("read blend: kind is %q, expected %q", w.Kind, Kind)
	}
	if w.Version != formatVersion {
		return nil, fmt.Errorf("read blend: format version %d is not supported (expected %d)", w.Version, formatVersion)
	}
	if len(w.Members) == 0 {
		return nil, fmt.Errorf("read blend: no members")
	}
	b := &Blend{NonNegative: w.NonNegative}
	sum := 0.0
	for k, m := range w.Members {
		if !(m.Weight > 0) || math.IsInf(m.Weight, 0) {
			return nil, fmt.Errorf("read blend: member %d (%s) has weight %v, expected a finite number > 0", k+1, m.Kind, m.Weight)
		}
		if m.Kind == Kind {
			return nil, fmt.Errorf("read blend: member %d is itself a blend", k+1)
		}
		p, err := decode(m.Kind, m.Model)
		if err != nil {
			return nil, fmt.Errorf("read blend member %d: %w", k+1, err)
		}
		sum += m.Weight
		b.Members = append(b.Members, Member{Kind: m.Kind, Weight: m.Weight, Predictor: p})
	}
	if math.Abs(sum-1) > 1e-9 {
		return nil, fmt.Errorf("read blend: weights sum to %v, expected 1", sum)
	}
	return b, nil
}

// Weighted is a blend member before training.
type Weighted struct {
	// Kind names the member's learner for model files.
	Kind string
	// Fit trains the member.
	Fit forecast.Fit
	// Weight is the member's share; members of weight 0 are not trained.
	Weight float64
}

// FitBlend returns a Fit that trains every member of positive weight on
// the dataset and blends them with the weights rescaled to sum to 1; with
// nonNegative, members' predictions are floored at 0 (see Blend).
func FitBlend(members []Weighted, nonNegative bool) forecast.Fit {
	return func(ds *model.Dataset) (model.Predictor, error) {
		sum := 0.0
		for k, m := range members {
			if !(m.Weight >= 0) || math.IsInf(m.Weight, 0) {
				return nil, fmt.Errorf("blend member %d (%s) has weight %v, expected a finite number ≥ 0", k+1, m.Kind, m.Weight)
			}
			sum += m.Weight
		}
		if !(sum > 0) {
			return nil, fmt.Errorf("blend has no member of positive weight")
		}
		b := &Blend{NonNegative: nonNegative}
		for k, m := range members {
			if m.Weight == 0 {
				continue
			}
			p, err := m.Fit(ds)
			if err != nil {
				return nil, fmt.Errorf("blend member %d (%s): %w", k+1, m.Kind, err)
			}
			b.Members = append(b.Members, Member{Kind: m.Kind, Weight: m.Weight / sum, Predictor: p})
		}
		return b, nil
	}
}
