package recommend

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

var updateStored = flag.Bool("update-stored", false, "rewrite testdata/baskets.json, testdata/model.json and testdata/model.pred.json from the current code (only when the format changes on purpose)")

// TestStoredModelLoads checks that a next-basket model file written by an
// earlier promocast still loads and recommends what it recommended when it
// was written: a re-ranker fitted on testdata/baskets.json, stored in
// testdata/model.json beside its top 3 items of every customer
// (testdata/model.pred.json).
func TestStoredModelLoads(t *testing.T) {
	histPath := filepath.Join("testdata", "baskets.json")
	path := filepath.Join("testdata", "model.json")
	predPath := filepath.Join("testdata", "model.pred.json")
	if *updateStored {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(histPath, []byte(synthJSON(4, 80, 30)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	hist, err := ReadJSONFile(histPath, NewCatalog())
	if err != nil {
		t.Fatal(err)
	}
	if *updateStored {
		s := smallSettings()
		s.Threads = 1
		s.Trees.Rounds = 8
		m, _, err := Fit(hist, s)
		if err != nil {
			t.Fatal(err)
		}
		if err := WriteModel(path, m); err != nil {
			t.Fatal(err)
		}
		recs, err := m.Recommend(hist, 3)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(recs)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(predPath, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m, err := ReadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	if m.Settings.Trees.Rounds != 8 || m.Settings.EASE.MaxItems != 40 || len(m.Trees.Trees) == 0 || len(m.Calibration.X) == 0 {
		t.Errorf("loaded settings %+v, %d trees, %d calibration knots", m.Settings, len(m.Trees.Trees), len(m.Calibration.X))
	}
	got, err := m.Recommend(hist, 3)
	if err != nil {
		t.Fatal(err)
	}
	var want []Recommendation
	b, err := os.ReadFile(predPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if len(want) != hist.NumCustomers() || !slices.EqualFunc(got, want, func(x, y Recommendation) bool {
		return x.Customer == y.Customer && slices.Equal(x.Items, y.Items)
	}) {
		t.Fatalf("recommends %+v, the stored model recommended %+v", got, want)
	}
}
