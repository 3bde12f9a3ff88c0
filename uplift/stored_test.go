package uplift

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"promocast/ingest"
	"promocast/learn/gbdt"
)

var updateStored = flag.Bool("update-stored", false, "rewrite testdata/log.csv, testdata/x.json and testdata/x.pred.json from the current code (only when the format changes on purpose)")

// tiny is the base learner of the stored model: few, shallow trees keep
// the file small.
var tiny = Base{Name: "tiny", GBDT: gbdt.Params{Rounds: 12, LearningRate: 0.3, MaxDepth: 2, MaxLeaves: 4, MinChildWeight: 10}}

// TestStoredModelLoads checks that an uplift model file written by an
// earlier promocast still loads and predicts what it predicted when it was
// written: an X-learner (outcome, effect and propensity models) fitted on
// testdata/log.csv, stored in testdata/x.json beside its uplift of every
// row of the table (testdata/x.pred.json).
func TestStoredModelLoads(t *testing.T) {
	csvPath := filepath.Join("testdata", "log.csv")
	path := filepath.Join("testdata", "x.json")
	predPath := filepath.Join("testdata", "x.pred.json")
	if *updateStored {
		d, _ := synth(200, true, 9, false)
		var b strings.Builder
		b.WriteString("x,z,channel,arm,y\n")
		for i := 0; i < d.Rows(); i++ {
			ch := []string{"web", "phone"}[i%2]
			b.WriteString(strings.Join([]string{ftoa(d.X.At(i, 0)), ftoa(d.X.At(i, 1)), ch, d.Arms[d.T[i]], ftoa(d.Y[i])}, ",") + "\n")
		}
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(csvPath, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	f, err := ingest.ReadCSV(strings.NewReader(string(src)), csvPath, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if *updateStored {
		d, err := FromFrame(f, Columns{Treatment: "arm", Outcome: "y"})
		if err != nil {
			t.Fatal(err)
		}
		m, err := Fit(d, Config{Learner: LearnerX, Bases: []Base{tiny}, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := Write(path, m); err != nil {
			t.Fatal(err)
		}
		u, err := m.Uplift(d.X)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(u)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(predPath, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if m.Learner != LearnerX || strings.Join(m.Arms, ",") != "none,a,b" || len(m.Outcomes) != 3 || len(m.Effects) != 2 || len(m.Propensity) != 3 || m.Rows != 200 {
		t.Errorf("loaded learner %s, arms %v, %d outcome, %d effect and %d propensity models, %d rows", m.Learner, m.Arms, len(m.Outcomes), len(m.Effects), len(m.Propensity), m.Rows)
	}
	e, err := m.Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Uplift(e.X)
	if err != nil {
		t.Fatal(err)
	}
	var want [][]float64
	b, err := os.ReadFile(predPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) || len(want) != 2 {
		t.Fatalf("%d treatments' uplift, stored %d", len(got), len(want))
	}
	for k := range want {
		for i := range want[k] {
			if got[k][i] != want[k][i] {
				t.Fatalf("treatment %s, row %d: uplift %v, the stored model predicted %v", m.Arms[k+1], i, got[k][i], want[k][i])
			}
		}
	}
}
