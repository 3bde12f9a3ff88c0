package learner

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"promocast/data"
	"promocast/model"
)

// TestEveryLearnerRoundTrips fits each learner on a small dataset, encodes
// it, decodes it by name and checks the predictions are identical.
func TestEveryLearnerRoundTrips(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	n := 300
	ds := &model.Dataset{X: data.NewMatrix(n, 4), Y: make([]float64, n),
		Features: []model.Feature{{Name: "lag_year"}, {Name: "mean_4"}, {Name: "mean_13"}, {Name: "x"}}}
	for i := 0; i < n; i++ {
		row := ds.X.Row(i)
		for j := range row {
			row[j] = rng.Float64()
		}
		ds.Y[i] = row[0] + 2*row[3] + 0.1*rng.NormFloat64()
	}
	for _, name := range Names() {
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
