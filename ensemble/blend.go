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

// Versions of the JSON layout: MarshalJSON writes version 1 for a blend
// and version 2, which adds the gate, for a stack.
const (
	blendVersion = 1
	stackVersion = 2
)

// GateFeature is the feature a stack's gate reads: package feature's
// "promo", 1 in periods where a promotion lever is on and 0 otherwise.
const GateFeature = "promo"

// Member is one model of a blend.
type Member struct {
	// Kind names the member's learner as package learn knows it (e.g.
	// "gbdt"); DecodeBlend passes it to the decoder.
	Kind string
	// Weight is the member's share of the blend, > 0 (≥ 0 in a stack,
	// where it is the share in periods without a promotion).
	Weight float64
	// Predictor is the trained member; it must marshal to JSON.
	Predictor model.Predictor
}

// Blend is a weighted average of trained models: prediction = Σ Weight·
// member prediction. With a Gate it is a stack, whose weights depend on
// whether the row's period is promoted. It implements model.Predictor and
// marshals to JSON.
type Blend struct {
	// Members are the blended models; their weights sum to 1.
	Members []Member
	// NonNegative floors each member's prediction at 0 before blending,
	// as a backtest floors each member's forecast: the blend then predicts
	// what its backtest scored.
	NonNegative bool
	// Gate, when not nil, gives the weights of promoted rows.
	Gate *Gate
	// Scale multiplies the blend's prediction (0 means 1): the point
	// scale the default model chose for its metric (PointScale).
	// Explanations are not scaled; they are rescaled to each row's uplift
	// where they are read.
	Scale float64
}

// Gate switches a stack's weights on a 0/1 feature: rows whose value of it
// is above 0.5 are blended with On instead of the members' Weight.
type Gate struct {
	// Feature names the feature (GateFeature); Column is its index in the
	// feature matrix.
	Feature string
	Column  int
	// On holds one weight per member, ≥ 0, summing to 1.
	On []float64
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
	var on []bool // per row: whether the gate is on
	if g := b.Gate; g != nil {
		if len(g.On) != len(b.Members) {
			return fmt.Errorf("blend predict: the gate has %d weights for %d members", len(g.On), len(b.Members))
		}
		if g.Column < 0 || g.Column >= X.Cols {
			return fmt.Errorf("blend predict: the gate reads column %d (%s) of a matrix of %d columns", g.Column, g.Feature, X.Cols)
		}
		on = make([]bool, X.Rows)
		for i := range on {
			on[i] = X.At(i, g.Column) > 0.5
		}
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
			w := m.Weight
			if on != nil && on[i] {
				w = b.Gate.On[k]
			}
			out[i] += w * v
		}
	}
	if b.Scale != 0 && b.Scale != 1 {
		for i := range out {
			out[i] *= b.Scale
		}
	}
	return nil
}

// Explains reports whether SHAP works: the blend has no gate and every
// member is a forecast.Explainer.
func (b *Blend) Explains() bool {
	if b.Gate != nil || len(b.Members) == 0 {
		return false
	}
	for _, m := range b.Members {
		if _, ok := m.Predictor.(forecast.Explainer); !ok {
			return false
		}
	}
	return true
}

// SHAP writes the members' SHAP values weighted by their blend weights,
// each member's in its own link space (the log of the mean for a Poisson
// loss). With members of different links they do not add up to the
// blend's prediction; forecast's Drivers rescales their plan-minus-baseline
// differences to the row's uplift, which is what they are for. It fails
// for a stack, whose weights switch with the promotion, and unless every
// member is an explainer.
func (b *Blend) SHAP(X *data.Matrix, out []float64) error {
	if !b.Explains() {
		return fmt.Errorf("blend shap: only a blend without a gate whose members all explain can explain")
	}
	if X == nil {
		return fmt.Errorf("blend shap: no feature matrix")
	}
	if len(out) != X.Rows*(X.Cols+1) {
		return fmt.Errorf("blend shap: output has %d elements, expected %d rows × %d", len(out), X.Rows, X.Cols+1)
	}
	return b.weighted(out, func(p model.Predictor, part []float64) error {
		return p.(forecast.Explainer).SHAP(X, part)
	})
}

// ExplainsVersus reports whether SHAPVersus works: the blend has no gate
// and every member attributes differences between rows
// (forecast.CanExplainVersus).
func (b *Blend) ExplainsVersus() bool {
	if b.Gate != nil || len(b.Members) == 0 {
		return false
	}
	for _, m := range b.Members {
		if !forecast.CanExplainVersus(m.Predictor) {
			return false
		}
	}
	return true
}

// SHAPVersus writes the members' interventional attributions of each row
// of X against the same row of Z (forecast.VersusExplainer), weighted by
// their blend weights, each member's in its own link space, as SHAP does.
// A feature equal in both rows gets 0 from every member, so from the
// blend. It fails for a stack and unless every member attributes
// differences.
func (b *Blend) SHAPVersus(X, Z *data.Matrix, out []float64) error {
	if !b.ExplainsVersus() {
		return fmt.Errorf("blend shap: only a blend without a gate whose members all explain can explain")
	}
	if X == nil {
		return fmt.Errorf("blend shap: no feature matrix")
	}
	if len(out) != X.Rows*X.Cols {
		return fmt.Errorf("blend shap: output has %d elements, expected %d rows × %d", len(out), X.Rows, X.Cols)
	}
	return b.weighted(out, func(p model.Predictor, part []float64) error {
		return p.(forecast.VersusExplainer).SHAPVersus(X, Z, part)
	})
}

// weighted writes into out the members' values, each member's from attr,
// weighted by their blend weights.
func (b *Blend) weighted(out []float64, attr func(p model.Predictor, part []float64) error) error {
	clear(out)
	part := make([]float64, len(out))
	for k, m := range b.Members {
		if err := attr(m.Predictor, part); err != nil {
			return fmt.Errorf("blend member %d (%s): %w", k+1, m.Kind, err)
		}
		for i, v := range part {
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
	Gate        *wireGate    `json:"gate,omitempty"`
	Scale       float64      `json:"scale,omitempty"`
}

type wireGate struct {
	Feature string    `json:"feature"`
	Column  int       `json:"column"`
	On      []float64 `json:"on"`
}

type wireMember struct {
	Kind   string          `json:"kind"`
	Weight float64         `json:"weight"`
	Model  json.RawMessage `json:"model"`
}

// MarshalJSON writes the blend as {"kind": "blend", "version": 1,
// "non_negative": …, "members": [{"kind", "weight", "model"}, …]}, each
// model in its own package's JSON form, and "scale" when it is not 1; a
// stack is version 2 and adds "gate": {"feature", "column", "on": [weight
// per member]}.
func (b *Blend) MarshalJSON() ([]byte, error) {
	w := wireBlend{Kind: Kind, Version: blendVersion, NonNegative: b.NonNegative}
	if b.Scale != 1 {
		w.Scale = b.Scale
	}
	if g := b.Gate; g != nil {
		w.Version = stackVersion
		w.Gate = &wireGate{Feature: g.Feature, Column: g.Column, On: g.On}
	}
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
// this package's Decode is one.
type Decoder func(kind string, raw []byte) (model.Predictor, error)

// DecodeBlend reads a blend written by MarshalJSON, decoding each member
// with decode (Decode, which reads every forecasting model's kind and
// itself decodes blends through this).
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
	if w.Version != blendVersion && w.Version != stackVersion {
		return nil, fmt.Errorf("read blend: format version %d is not supported (expected %d or %d)", w.Version, blendVersion, stackVersion)
	}
	if (w.Version == stackVersion) != (w.Gate != nil) {
		return nil, fmt.Errorf("read blend: version %d with gate %v: a gate comes with version %d only", w.Version, w.Gate != nil, stackVersion)
	}
	if len(w.Members) == 0 {
		return nil, fmt.Errorf("read blend: no members")
	}
	if w.Scale != 0 && !(w.Scale > 0 && w.Scale <= MaxPointScale && w.Scale >= MinPointScale) {
		return nil, fmt.Errorf("read blend: scale %v, expected a number within [%g, %g]", w.Scale, MinPointScale, MaxPointScale)
	}
	b := &Blend{NonNegative: w.NonNegative, Scale: w.Scale}
	if g := w.Gate; g != nil {
		if len(g.On) != len(w.Members) || g.Column < 0 || g.Feature == "" {
			return nil, fmt.Errorf("read blend: the gate has %d weights for %d members, column %d, feature %q", len(g.On), len(w.Members), g.Column, g.Feature)
		}
		if err := checkWeights(g.On, "gate"); err != nil {
			return nil, err
		}
		b.Gate = &Gate{Feature: g.Feature, Column: g.Column, On: g.On}
	}
	weights := make([]float64, len(w.Members))
	for k, m := range w.Members {
		weights[k] = m.Weight
	}
	if err := checkWeights(weights, "member"); err != nil {
		return nil, err
	}
	for k, m := range w.Members {
		if m.Weight == 0 && (b.Gate == nil || b.Gate.On[k] == 0) {
			return nil, fmt.Errorf("read blend: member %d (%s) has weight 0", k+1, m.Kind)
		}
		if m.Kind == Kind {
			return nil, fmt.Errorf("read blend: member %d is itself a blend", k+1)
		}
		p, err := decode(m.Kind, m.Model)
		if err != nil {
			return nil, fmt.Errorf("read blend member %d: %w", k+1, err)
		}
		b.Members = append(b.Members, Member{Kind: m.Kind, Weight: m.Weight, Predictor: p})
	}
	return b, nil
}

// checkWeights reports an error unless ws are finite, ≥ 0 and sum to 1;
// what names them in the error.
func checkWeights(ws []float64, what string) error {
	sum := 0.0
	for k, v := range ws {
		if !(v >= 0) || math.IsInf(v, 0) {
			return fmt.Errorf("read blend: %s weight %d is %v, expected a finite number ≥ 0", what, k+1, v)
		}
		sum += v
	}
	if math.Abs(sum-1) > 1e-9 {
		return fmt.Errorf("read blend: %s weights sum to %v, expected 1", what, sum)
	}
	return nil
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

// ScaledBlend returns fit (a FitBlend) with its blend's predictions
// multiplied by scale (see Blend.Scale).
func ScaledBlend(fit forecast.Fit, scale float64) forecast.Fit {
	return func(ds *model.Dataset) (model.Predictor, error) {
		p, err := fit(ds)
		if err != nil {
			return nil, err
		}
		b, ok := p.(*Blend)
		if !ok {
			return nil, fmt.Errorf("scaled blend: the fit trained a %T, not a blend", p)
		}
		b.Scale = scale
		return b, nil
	}
}

// FitBlend returns a Fit that trains every member of positive weight on
// the dataset and blends them with the weights rescaled to sum to 1; with
// nonNegative, members' predictions are floored at 0 (see Blend).
func FitBlend(members []Weighted, nonNegative bool) forecast.Fit {
	return fitWeighted(members, nil, false, nonNegative)
}

// FitStack returns a Fit that trains a stack: members' Weight apply to
// rows without a promotion, on (one weight per member) to promoted rows,
// as read from the dataset's GateFeature column. Members of weight 0 in
// both are not trained; each set is rescaled to sum to 1.
func FitStack(members []Weighted, on []float64, nonNegative bool) forecast.Fit {
	return fitWeighted(members, on, true, nonNegative)
}

// fitWeighted trains a blend, or with stack a stack whose promoted rows
// take the weights on.
func fitWeighted(members []Weighted, on []float64, stack, nonNegative bool) forecast.Fit {
	return func(ds *model.Dataset) (model.Predictor, error) {
		off := make([]float64, len(members))
		for k, m := range members {
			off[k] = m.Weight
		}
		offSum, err := weightSum(off, "blend")
		if err != nil {
			return nil, err
		}
		b := &Blend{NonNegative: nonNegative}
		onSum := 0.0
		if stack {
			if len(on) != len(members) {
				return nil, fmt.Errorf("stack has %d promoted-period weights for %d members", len(on), len(members))
			}
			if onSum, err = weightSum(on, "stack's promoted-period"); err != nil {
				return nil, err
			}
			col := -1
			for j, f := range ds.Features {
				if f.Name == GateFeature {
					col = j
				}
			}
			if col < 0 {
				return nil, fmt.Errorf("stack: the dataset has no %q feature to tell promoted periods", GateFeature)
			}
			b.Gate = &Gate{Feature: GateFeature, Column: col}
		}
		for k, m := range members {
			if m.Weight == 0 && (!stack || on[k] == 0) {
				continue
			}
			p, err := m.Fit(ds)
			if err != nil {
				return nil, fmt.Errorf("blend member %d (%s): %w", k+1, m.Kind, err)
			}
			b.Members = append(b.Members, Member{Kind: m.Kind, Weight: m.Weight / offSum, Predictor: p})
			if b.Gate != nil {
				b.Gate.On = append(b.Gate.On, on[k]/onSum)
			}
		}
		return b, nil
	}
}

// weightSum returns the sum of ws after checking they are finite, ≥ 0 and
// not all 0; what names them in errors.
func weightSum(ws []float64, what string) (float64, error) {
	sum := 0.0
	for k, w := range ws {
		if !(w >= 0) || math.IsInf(w, 0) {
			return 0, fmt.Errorf("%s member %d has weight %v, expected a finite number ≥ 0", what, k+1, w)
		}
		sum += w
	}
	if !(sum > 0) {
		return 0, fmt.Errorf("%s has no member of positive weight", what)
	}
	return sum, nil
}
