package tabular

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var updateStored = flag.Bool("update-stored", false, "rewrite testdata/stored from the current code (only when the format changes on purpose)")

// TestStoredModelsLoad checks that tabular model files written by an
// earlier promocast, of every learner and task, still load and predict
// what they predicted when they were written (testdata/stored/*.json
// beside *.pred.json).
func TestStoredModelsLoad(t *testing.T) {
	for _, classify := range []bool{false, true} {
		test := synthetic(t, 50, classify, 2)
		configs := append(smallConfigs(classify), Config{Learner: LearnerSVM, Target: "y", Drop: []string{"noise"}})
		for _, c := range configs {
			name := c.Learner + "-regression"
			if classify {
				name = c.Learner + "-classification"
			}
			path := filepath.Join("testdata", "stored", name+".json")
			predPath := filepath.Join("testdata", "stored", name+".pred.json")
			if *updateStored {
				m, err := Fit(synthetic(t, 300, classify, 1), c)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := Write(path, m); err != nil {
					t.Fatal(err)
				}
				p, err := m.Predict(test)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := json.Marshal(p)
				if err := os.WriteFile(predPath, b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			m, err := Read(path)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got, err := m.Predict(test)
			if err != nil {
				t.Fatal(err)
			}
			var want []float64
			b, err := os.ReadFile(predPath)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatal(err)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%s: row %d predicts %v, the stored model predicted %v", name, i, got[i], want[i])
				}
			}
		}
	}
}
