package tabular

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"promocast/learn"
	"strings"
	"testing"

	"promocast/learn/gbdt"
)

// smallConfigs returns one fast config per learner for the task.
func smallConfigs(classify bool) []Config {
	cs := []Config{
		{Learner: LearnerGBDT, Options: learn.Options{GBDT: gbdt.Params{Rounds: 30, Seed: 3}}},
		{Learner: LearnerForest, Options: learn.Options{Forest: gbdt.ForestParams{Trees: 10, Seed: 3}}},
		{Learner: LearnerTree, Options: learn.Options{Forest: gbdt.ForestParams{MaxDepth: 6}}},
	}
	if classify {
		cs = append(cs, Config{Learner: LearnerLogistic})
	} else {
		cs = append(cs, Config{Learner: LearnerLinear})
	}
	for i := range cs {
		cs[i].Target = "y"
		cs[i].Drop = []string{"noise"}
	}
	return cs
}

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, classify := range []bool{false, true} {
		train := synthetic(t, 600, classify, 1)
		test := synthetic(t, 200, classify, 2)
		for _, c := range smallConfigs(classify) {
			m, err := Fit(train, c)
			if err != nil {
				t.Fatalf("%s: %v", c.Learner, err)
			}
			path := filepath.Join(dir, c.Learner+".json")
			if err := Write(path, m); err != nil {
				t.Fatal(err)
			}
			m2, err := Read(path)
			if err != nil {
				t.Fatalf("%s: %v", c.Learner, err)
			}
			p1, err := m.Predict(test)
			if err != nil {
				t.Fatal(err)
			}
			p2, err := m2.Predict(test)
			if err != nil {
				t.Fatal(err)
			}
			for i := range p1 {
				if math.Float64bits(p1[i]) != math.Float64bits(p2[i]) {
					t.Fatalf("%s classify=%v: row %d predicts %v before saving, %v after", c.Learner, classify, i, p1[i], p2[i])
				}
				if classify && (p1[i] < 0 || p1[i] > 1) {
					t.Fatalf("%s: probability %v outside [0, 1]", c.Learner, p1[i])
				}
			}
			// Saving the loaded model gives the same bytes, and so does
			// fitting again: the file is deterministic.
			b1, _ := os.ReadFile(path)
			b2, err := Encode(m2)
			if err != nil {
				t.Fatal(err)
			}
			again, err := Fit(train, c)
			if err != nil {
				t.Fatal(err)
			}
			b3, _ := Encode(again)
			if !bytes.Equal(b1, b2) || !bytes.Equal(b1, b3) {
				t.Errorf("%s classify=%v: model bytes differ between save, re-save and re-fit", c.Learner, classify)
			}
			if m2.Learner != c.Learner || m2.Rows != 600 || m2.Schema.Target != m.Schema.Target {
				t.Errorf("%s: loaded %s, %d rows, target %+v", c.Learner, m2.Learner, m2.Rows, m2.Schema.Target)
			}
		}
	}
}

func TestClassificationTarget(t *testing.T) {
	m, err := Fit(synthetic(t, 300, true, 1), Config{Target: "y", Options: learn.Options{GBDT: gbdt.Params{Rounds: 5}}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Schema.Target != (Target{Name: "y", Task: Classification, Positive: "yes", Negative: "no"}) {
		t.Errorf("target %+v", m.Schema.Target)
	}
	if g := m.Predictor.(*gbdt.Model); g.Objective != gbdt.Logistic {
		t.Errorf("objective %q, want logistic", g.Objective)
	}
}

func TestDecodeRejects(t *testing.T) {
	m, err := Fit(synthetic(t, 200, false, 1), Config{Target: "y", Learner: LearnerLinear})
	if err != nil {
		t.Fatal(err)
	}
	good, err := Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Decode(good, "m.json"); err != nil {
		t.Fatalf("good file: %v", err)
	}
	edit := func(old, new string) []byte {
		if !bytes.Contains(good, []byte(old)) {
			t.Fatalf("file lacks %q", old)
		}
		return bytes.Replace(good, []byte(old), []byte(new), 1)
	}
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"edited body", edit(`"rows":200`, `"rows":201`), "m.json: checksum mismatch"},
		{"truncated", good[:len(good)/2], "m.json: not a promocast tabular model file"},
		{"other format", edit(`"promocast-tabular"`, `"promocast-model"`), `format is "promocast-model"`},
		{"newer version", edit(`"version":1,"checksum"`, `"version":2,"checksum"`), "version 2"},
		{"empty", nil, "not a promocast tabular model file"},
	}
	for _, c := range cases {
		_, err := Decode(c.b, "m.json")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
	}
	if _, err := Read(filepath.Join(t.TempDir(), "absent.json")); err == nil || !strings.Contains(err.Error(), "absent.json") {
		t.Errorf("absent file: %v", err)
	}
}
