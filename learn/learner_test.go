package learn

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"promocast/data"
	"promocast/learn/gbdt"
	"promocast/learn/route"
	"promocast/model"
)

// TestEveryLearnerRoundTrips fits each learner on a small dataset, encodes
// it, decodes it by name and checks the predictions are identical. The
// dataset has the level_log column the log-target learner reads its scale
// from.
func TestEveryLearnerRoundTrips(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	n := 300
	ds := &model.Dataset{X: data.NewMatrix(n, 5), Y: make([]float64, n),
		Features: []model.Feature{{Name: "lag_year"}, {Name: "mean_4"}, {Name: "mean_13"}, {Name: "x"}, {Name: "level_log"}}}
	for i := 0; i < n; i++ {
		row := ds.X.Row(i)
		for j := range row {
			row[j] = rng.Float64()
		}
		ds.Y[i] = row[0] + 2*row[3] + 0.1*rng.NormFloat64()
	}
	for _, name := range Models() {
		fit, err := New(name, Options{})
		if err != nil {
			t.Fatal(err)
		}
		pred, err := fit(ds)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		raw, err := json.Marshal(pred)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		back, err := Decode(name, raw)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		a, b := make([]float64, n), make([]float64, n)
		if err := pred.Predict(ds.X, a); err != nil {
			t.Fatal(err)
		}
		if err := back.Predict(ds.X, b); err != nil {
			t.Fatal(err)
		}
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("%s: prediction %d changed from %v to %v after a round trip", name, i, a[i], b[i])
			}
		}
	}
}

func TestUnknownNames(t *testing.T) {
	if _, err := New("xgboost", Options{}); err == nil || !strings.Contains(err.Error(), "gbdt") {
		t.Errorf("New of an unknown model: %v", err)
	}
	if _, err := Decode("xgboost", []byte("{}")); err == nil {
		t.Error("Decode of an unknown kind succeeded")
	}
}

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
	fit, err := New("svr", Options{})
	if err != nil {
		t.Fatal(err)
	}
	predict := func(d *model.Dataset) []float64 {
		m, err := fit(d)
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

// TestPartitionedDecodes checks that a partitioned model (package route)
// of two learners decodes by its kind, as model files name it, and
// predicts as before.
func TestPartitionedDecodes(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	n := 200
	ds := &model.Dataset{X: data.NewMatrix(n, 2), Y: make([]float64, n), Features: []model.Feature{{Name: "category"}, {Name: "x"}}}
	for i := range n {
		row := ds.X.Row(i)
		row[0], row[1] = float64(i%2), rng.Float64()
		ds.Y[i] = 3*row[1] + 10*row[0]
	}
	var parts []route.Part
	for code, name := range []string{"ridge", "gbdt"} {
		fit, _ := New(name, Options{})
		pred, err := fit(ds)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, route.Part{Level: fmt.Sprint("level", code), Code: float64(code), Kind: name, Predictor: pred})
	}
	m, err := route.New("category", 0, parts)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(route.Kind, raw)
	if err != nil {
		t.Fatal(err)
	}
	a, b := make([]float64, n), make([]float64, n)
	if err := m.Predict(ds.X, a); err != nil {
		t.Fatal(err)
	}
	if err := back.Predict(ds.X, b); err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("row %d: %v before the round trip, %v after", i, a[i], b[i])
		}
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
