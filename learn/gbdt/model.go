package gbdt

import (
	"encoding/json"
	"fmt"

	"promocast/model"
)

// FormatVersion is the version of the Model JSON layout this package writes.
const FormatVersion = 1

// Model is a trained boosted ensemble. Its raw (link-space) prediction for
// a row is BaseScore plus the sum of the row's leaf values over Trees, in
// tree order; Predict applies the inverse link of Objective to that.
//
// A Model marshals to JSON (encoding/json) deterministically and loads back
// to a model that predicts the same bits. It is safe for concurrent use.
type Model struct {
	Version   int    `json:"version"`
	Objective string `json:"objective"`
	// TweedieVariancePower is set for the tweedie objective, Alpha for the
	// quantile one.
	TweedieVariancePower float64         `json:"tweedie_variance_power,omitempty"`
	Alpha                float64         `json:"alpha,omitempty"`
	BaseScore            float64         `json:"base_score"`
	Features             []model.Feature `json:"features"`
	Trees                []Tree          `json:"trees"`
	// LeftOut names the optional features Params.ScreenOptional left out
	// of the trees (a copy of another feature, or no held-out signal).
	LeftOut []string `json:"left_out,omitempty"`
	// EvalHistory is the validation loss after each round (RMSE for
	// squared, mean negative log-likelihood for poisson, tweedie and
	// logistic, mean pinball loss for quantile). It is not saved.
	EvalHistory []float64 `json:"-"`

	obj   objective
	flat  flatForest
	depth int // deepest leaf over trees
}

// UnmarshalJSON decodes a model and checks that its trees are well formed.
func (m *Model) UnmarshalJSON(b []byte) error {
	type plain Model
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("gbdt: decode model: %w", err)
	}
	*m = Model(p)
	if m.Version != FormatVersion {
		return fmt.Errorf("gbdt: model format version %d: this build reads version %d", m.Version, FormatVersion)
	}
	if _, err := (Params{Objective: m.Objective, TweedieVariancePower: m.TweedieVariancePower, Alpha: m.Alpha}).validate(); err != nil {
		return fmt.Errorf("gbdt: decode model: %w", err)
	}
	return m.compile()
}

// compile checks the trees and builds the prediction layout.
func (m *Model) compile() error {
	p, _ := Params{Objective: m.Objective, TweedieVariancePower: m.TweedieVariancePower, Alpha: m.Alpha}.validate()
	m.obj = newObjective(p)
	for i := range m.Trees {
		if err := m.Trees[i].check(len(m.Features)); err != nil {
			return fmt.Errorf("gbdt: tree %d: %w", i, err)
		}
	}
	m.flat = flatten(m.Trees)
	m.depth = maxDepth(m.Trees)
	return nil
}

// NumFeatures returns the number of feature columns the model expects.
func (m *Model) NumFeatures() int { return len(m.Features) }

// check reports the first structural defect of t: arrays of unequal
// length, a child index that is not after its parent, a node with other
// than one parent, a feature or category set out of range.
func (t *Tree) check(nfeat int) error {
	n := len(t.Feature)
	if n == 0 {
		return fmt.Errorf("tree has no nodes")
	}
	for _, l := range []int{len(t.Threshold), len(t.Left), len(t.Right), len(t.DefaultLeft), len(t.CatSet), len(t.Value), len(t.Cover), len(t.Gain)} {
		if l != n {
			return fmt.Errorf("tree arrays disagree in length (%d and %d nodes)", n, l)
		}
	}
	parents := make([]int32, n)
	for i := 0; i < n; i++ {
		f := t.Feature[i]
		if f < 0 {
			continue
		}
		if int(f) >= nfeat {
			return fmt.Errorf("node %d splits on feature %d of %d", i, f, nfeat)
		}
		if l, r := int(t.Left[i]), int(t.Right[i]); l <= i || r <= i || l >= n || r >= n {
			return fmt.Errorf("node %d has children %d and %d: expected indices in (%d, %d)", i, l, r, i, n)
		}
		if c := t.CatSet[i]; c >= int32(len(t.CatSets)) || c < -1 {
			return fmt.Errorf("node %d has category set %d of %d", i, c, len(t.CatSets))
		}
		parents[t.Left[i]]++
		parents[t.Right[i]]++
	}
	for i := 1; i < n; i++ {
		if parents[i] != 1 {
			return fmt.Errorf("node %d has %d parents: expected 1", i, parents[i])
		}
	}
	return nil
}

func maxDepth(trees []Tree) int {
	d := 0
	for i := range trees {
		d = max(d, trees[i].depth())
	}
	return d
}
