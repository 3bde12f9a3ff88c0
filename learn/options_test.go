package learn

import (
	"math"
	"math/rand/v2"
	"testing"

	"promocast/data"
	"promocast/learn/gbdt"
	"promocast/model"
)

// TestSVRWeightScale checks svr's penalty does not depend on the weights'
// scale (weights ×1000 give the same model) and that with the default
// settings it still fits the signal of a small dataset.
func TestSVRWeightScale(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	n := 400
	ds := &model.Dataset{X: data.NewMatrix(n, 2), Y: make([]float64, n), W: make([]float64, n),
		Features: []model.Feature{{Name: "a"}, {Name: "b"}}}
	for i := 0; i < n; i++ {
		row := ds.X.Row(i)
		row[0], row[1] = rng.Float64(), rng.Float64()
		ds.Y[i] = 1 + 2*row[0] - row[1] + 0.05*rng.NormFloat64()
		ds.W[i] = 0.5 + rng.Float64()
	}
	heavy := *ds
	heavy.W = make([]float64, n)
	for i, w := range ds.W {
		heavy.W[i] = 1000 * w
	}
	svr, _ := Lookup("svr")
	predict := func(d *model.Dataset) []float64 {
		m, err := svr.Train(d, Regression, Panel, Options{})
		if err != nil {
			t.Fatal(err)
		}
		out := make([]float64, n)
		if err := m.Predict(ds.X, out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b := predict(ds), predict(&heavy)
	absErr := 0.0
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-9*math.Max(1, math.Abs(a[i])) {
			t.Fatalf("row %d: %v with weights ×1, %v with weights ×1000", i, a[i], b[i])
		}
		absErr += math.Abs(a[i] - ds.Y[i])
	}
	if mae := absErr / float64(n); mae > 0.1 {
		t.Errorf("svr's mean absolute error is %.3f on a linear target with noise sd 0.05", mae)
	}
}

// TestScaledToKeepsUserSettings checks that ScaledTo fills only the trees'
// settings the user left zero, and that the settings grow with the panel.
func TestScaledToKeepsUserSettings(t *testing.T) {
	o := Options{GBDT: gbdt.Params{Rounds: 7, MaxLeaves: 63}}.ScaledTo(2000)
	if o.GBDT.Rounds != 7 || o.GBDT.MaxLeaves != 63 {
		t.Errorf("the user's rounds and leaves were replaced: %+v", o.GBDT)
	}
	if o.GBDT.LearningRate != 0.05 || o.GBDT.MaxDepth != 4 || o.GBDT.RowSubsample != 0.8 {
		t.Errorf("zero settings not filled for a 2,000-row panel: %+v", o.GBDT)
	}
	small, large := gbdt.PanelParams(2000), gbdt.PanelParams(500000)
	if !(small.MaxLeaves < large.MaxLeaves && small.MinChildWeight < large.MinChildWeight) {
		t.Errorf("a 2,000-row panel gets %+v, a 500,000-row one %+v: capacity should grow with rows", small, large)
	}
}
