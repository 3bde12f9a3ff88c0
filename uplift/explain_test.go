package uplift

import (
	"path/filepath"
	"strings"
	"testing"

	"promocast/ingest"
)

func TestDriversFindTheEffectFeatures(t *testing.T) {
	d, _ := synth(6000, false, 5, false)
	m, err := Fit(d, Config{Learner: LearnerT, Bases: []Base{small}})
	if err != nil {
		t.Fatal(err)
	}
	dr, err := m.Drivers(d.X, 1500, 1)
	if err != nil {
		t.Fatal(err)
	}
	// a's effect rises with p (x0); b's falls with q (x1).
	if dr[0].Features[0].Feature != "p" || !(dr[0].Features[0].Direction > 0.5) {
		t.Errorf("arm a drivers %+v: want p first, positive", dr[0].Features)
	}
	if dr[1].Features[0].Feature != "q" || !(dr[1].Features[0].Direction < -0.5) {
		t.Errorf("arm b drivers %+v: want q first, negative", dr[1].Features)
	}
	if dr[0].Fidelity < 0.9 {
		t.Errorf("surrogate fidelity %v", dr[0].Fidelity)
	}
}

func TestBalance(t *testing.T) {
	d, _ := synth(6000, false, 6, false)
	if b := CheckBalance(d); !b.Randomised || len(b.Warnings) != 0 || len(b.Rows) != 8 {
		t.Errorf("randomised data: %+v", b)
	}
	c, _ := synth(6000, false, 6, true)
	b := CheckBalance(c)
	if b.Randomised || len(b.Warnings) == 0 || b.Rows[0].Feature != "r" || b.Rows[0].Arm != "a" {
		t.Errorf("confounded data (x2 drives arm a): %+v", b.Rows[:2])
	}
	if !strings.Contains(strings.Join(b.Warnings, " "), "randomised test") {
		t.Errorf("warnings %v", b.Warnings)
	}
}

func TestBalanceNamesLevels(t *testing.T) {
	d := frame(t, "id,x,channel,arm,y\n1,0.5,web,mail,1\n2,1.5,phone,No mail,0\n3,,web,mail,0\n4,1,phone,No mail,1\n")
	b := CheckBalance(d)
	names := map[string]bool{}
	for _, r := range b.Rows {
		names[r.Feature] = true
	}
	for _, w := range []string{"x", "x=missing", "channel=web", "channel=phone"} {
		if !names[w] {
			t.Errorf("no balance row %q in %v", w, names)
		}
	}
}

func TestModelFileRoundTrip(t *testing.T) {
	csv := "x,z,channel,arm,y,spend\n"
	d0, _ := synth(1500, true, 8, false)
	var b strings.Builder
	b.WriteString(csv)
	for i := 0; i < d0.Rows(); i++ {
		ch := []string{"web", "phone"}[i%2]
		b.WriteString(strings.Join([]string{ftoa(d0.X.At(i, 0)), ftoa(d0.X.At(i, 1)), ch, d0.Arms[d0.T[i]], ftoa(d0.Y[i]), "3"}, ",") + "\n")
	}
	f, err := ingest.ReadCSV(strings.NewReader(b.String()), "log.csv", ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := FromFrame(f, Columns{Treatment: "arm", Outcome: "y", Drop: []string{"spend"}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m.json")
	for _, l := range Learners() {
		m, err := Fit(d, Config{Learner: l, Bases: []Base{small}})
		if err != nil {
			t.Fatal(err)
		}
		if err := Write(path, m); err != nil {
			t.Fatal(err)
		}
		back, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		e, err := back.Encode(f)
		if err != nil {
			t.Fatal(err)
		}
		if !e.Labelled() || e.T[0] != d.T[0] {
			t.Fatalf("%s: encoded table lost its arms", l)
		}
		a, _ := m.Uplift(d.X)
		c, err := back.Uplift(e.X)
		if err != nil {
			t.Fatal(err)
		}
		for k := range a {
			for i := range a[k] {
				if a[k][i] != c[k][i] {
					t.Fatalf("%s: row %d predicts %v after loading, %v before", l, i, c[k][i], a[k][i])
				}
			}
		}
	}
}
