package uplift

import (
	"fmt"
	"testing"

	"promocast/learn/gbdt"
)

// small is a fast base learner for tests.
var small = Base{Name: "small", GBDT: gbdt.Params{Rounds: 60, LearningRate: 0.1, MaxDepth: 2, MaxLeaves: 4, MinChildWeight: 20}}

// TestLearnersRecoverRanking fits each learner on generated data with
// known effects and checks that its ranking's Qini on fresh data is near
// the oracle's (the true effects as scores).
func TestLearnersRecoverRanking(t *testing.T) {
	for _, binary := range []bool{true, false} {
		train, _ := synth(12000, binary, 1, false)
		test, tau := synth(8000, binary, 2, false)
		oracle, err := Score(test.Y, test.T, test.Arms, tau)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range Learners() {
			t.Run(fmt.Sprintf("%s/binary=%v", l, binary), func(t *testing.T) {
				m, err := Fit(train, Config{Learner: l, Bases: []Base{small}, Seed: 3})
				if err != nil {
					t.Fatal(err)
				}
				s, err := m.Uplift(test.X)
				if err != nil {
					t.Fatal(err)
				}
				got, err := Score(test.Y, test.T, test.Arms, s)
				if err != nil {
					t.Fatal(err)
				}
				for k := range got {
					t.Logf("%s: Qini %.3f, oracle %.3f", got[k].Arm, got[k].Qini, oracle[k].Qini)
					if got[k].Qini < 0.85*oracle[k].Qini {
						t.Errorf("%s: Qini %.3f, below 85%% of the oracle's %.3f", got[k].Arm, got[k].Qini, oracle[k].Qini)
					}
				}
			})
		}
	}
}

func TestAutoChoosesByCrossValidatedQini(t *testing.T) {
	d, _ := synth(3000, false, 4, false)
	m, err := Fit(d, Config{Bases: []Base{small}, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Selection) != 4 {
		t.Fatalf("%d candidates, want the 4 learners", len(m.Selection))
	}
	if m.Learner != m.Selection[0].Learner {
		t.Errorf("fitted %s but the best candidate is %s", m.Learner, m.Selection[0].Learner)
	}
	for i := 1; i < len(m.Selection); i++ {
		if m.Selection[i].Mean > m.Selection[i-1].Mean {
			t.Errorf("candidates not best first: %+v", m.Selection)
		}
	}
	again, err := Fit(d, Config{Bases: []Base{small}, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := m.Uplift(d.X)
	b, _ := again.Uplift(d.X)
	for k := range a {
		for i := range a[k] {
			if a[k][i] != b[k][i] {
				t.Fatalf("same seed, different predictions at row %d", i)
			}
		}
	}
}

func TestConfigErrors(t *testing.T) {
	d, _ := synth(200, false, 1, false)
	for _, c := range []Config{{Learner: "z"}, {Folds: 1}, {CrossFit: 1}, {Clip: 0.6}, {Bases: []Base{{Learner: "svm"}}}} {
		if _, err := Fit(d, c); err == nil {
			t.Errorf("config %+v: no error", c)
		}
	}
}
