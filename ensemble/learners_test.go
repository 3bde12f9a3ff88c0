package ensemble

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"promocast/data"
	"promocast/learn"
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
		fit, err := New(name, learn.Options{})
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
	if _, err := New("xgboost", learn.Options{}); err == nil || !strings.Contains(err.Error(), "gbdt") {
		t.Errorf("New of an unknown model: %v", err)
	}
	if _, err := Decode("xgboost", []byte("{}")); err == nil {
		t.Error("Decode of an unknown kind succeeded")
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
		fit, _ := New(name, learn.Options{})
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
