package tabular

import (
	"math"
	"promocast/learn"
	"reflect"
	"strings"
	"testing"

	"promocast/learn/gbdt"
)

func TestCVRegressionFindsSignal(t *testing.T) {
	f := synthetic(t, 2000, false, 1)
	var gbdtR2 float64
	for _, c := range []Config{
		{Target: "y", Learner: LearnerGBDT, Options: learn.Options{GBDT: gbdt.Params{Rounds: 200}}},
		{Target: "y", Learner: LearnerForest, Options: learn.Options{Forest: gbdt.ForestParams{Trees: 30, Seed: 1}}},
	} {
		res, err := CrossValidate(f, c, CVOptions{Folds: 4, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		// The noise sd is 0.1 and the signal's sd about 1.4: R² near 0.99
		// is reachable; 0.8 leaves room for the learners' bias.
		if r2 := res.Score("r2"); !(r2 > 0.8) {
			t.Errorf("%s: cv R² %.3f, want > 0.8", c.Learner, r2)
		}
		if c.Learner == LearnerGBDT {
			gbdtR2 = res.Score("r2")
		}
		if rmse := res.Score("rmse"); !(rmse > 0.1 && rmse < 0.6) {
			t.Errorf("%s: cv RMSE %.3f, want between the noise sd 0.1 and 0.6", c.Learner, rmse)
		}
		total := 0
		for _, fd := range res.Folds {
			total += fd.TestRows
			if fd.TrainRows+fd.TestRows != 2000 || fd.TestRows != 500 {
				t.Errorf("fold sizes %d + %d", fd.TrainRows, fd.TestRows)
			}
		}
		if total != 2000 || len(res.Folds) != 4 || !reflect.DeepEqual(res.Metrics, []string{"rmse", "mae", "r2"}) {
			t.Errorf("folds cover %d rows, metrics %v", total, res.Metrics)
		}
	}
	// Linear cannot fit sin(6·x2): its R² stays clearly below boosting's.
	lin, err := CrossValidate(f, Config{Target: "y", Learner: LearnerLinear}, CVOptions{Folds: 4, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if r2 := lin.Score("r2"); !(r2 > 0.5 && r2 < gbdtR2-0.02) {
		t.Errorf("linear cv R² %.3f, want in (0.5, gbdt's %.3f − 0.02)", r2, gbdtR2)
	}
}

func TestCVClassificationFindsSignal(t *testing.T) {
	f := synthetic(t, 3000, true, 1)
	var calls []int
	for _, c := range []Config{
		{Target: "y", Learner: LearnerGBDT, Options: learn.Options{GBDT: gbdt.Params{Rounds: 100, MaxDepth: 3}}},
		{Target: "y", Learner: LearnerLogistic},
	} {
		calls = calls[:0]
		res, err := CrossValidate(f, c, CVOptions{Folds: 5, Seed: 1, Progress: func(i, k int) { calls = append(calls, i*10+k) }})
		if err != nil {
			t.Fatal(err)
		}
		if auc := res.Score("auc"); !(auc > 0.9) {
			t.Errorf("%s: cv AUC %.3f, want > 0.9", c.Learner, auc)
		}
		for _, m := range []string{"pr_auc", "accuracy", "precision", "recall", "f1"} {
			if v := res.Score(m); !(v > 0.6 && v <= 1) {
				t.Errorf("%s: %s = %.3f, want in (0.6, 1]", c.Learner, m, v)
			}
		}
		if ll := res.Score("logloss"); !(ll > 0.1 && ll < math.Ln2) {
			t.Errorf("%s: log loss %.3f, want below ln 2 (a coin)", c.Learner, ll)
		}
		if !reflect.DeepEqual(calls, []int{15, 25, 35, 45, 55}) {
			t.Errorf("progress calls %v", calls)
		}
	}
}

func TestFoldsStratifiedAndDeterministic(t *testing.T) {
	y := make([]float64, 103)
	for i := range y {
		if i%10 == 0 {
			y[i] = 1 // 11 positives
		}
	}
	a := assignFolds(y, 5, true, 42)
	if b := assignFolds(y, 5, true, 42); !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, different folds")
	}
	if c := assignFolds(y, 5, true, 43); reflect.DeepEqual(a, c) {
		t.Error("different seeds, same folds")
	}
	size, pos := make([]int, 5), make([]int, 5)
	for i, f := range a {
		size[f]++
		if y[i] == 1 {
			pos[f]++
		}
	}
	for k := 0; k < 5; k++ {
		if size[k] < 20 || size[k] > 21 || pos[k] < 2 || pos[k] > 3 {
			t.Errorf("fold %d: %d rows, %d positives; want 20-21 and 2-3", k, size[k], pos[k])
		}
	}
}

func TestCVDeterministicAndTable(t *testing.T) {
	f := synthetic(t, 500, true, 3)
	c := Config{Target: "y", Learner: LearnerForest, Options: learn.Options{Forest: gbdt.ForestParams{Trees: 5, Seed: 2}}}
	r1, err := CrossValidate(f, c, CVOptions{Folds: 3, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	r2, _ := CrossValidate(f, c, CVOptions{Folds: 3, Seed: 9})
	var b1, b2 strings.Builder
	r1.WriteTable(&b1)
	r2.WriteTable(&b2)
	if b1.String() != b2.String() {
		t.Errorf("same seed, different tables:\n%s\n%s", b1.String(), b2.String())
	}
	lines := strings.Split(strings.TrimSpace(b1.String()), "\n")
	if len(lines) != 6 || !strings.HasPrefix(lines[0], "fold") || !strings.Contains(lines[0], "pr_auc") || !strings.HasPrefix(lines[4], "mean") {
		t.Errorf("table:\n%s", b1.String())
	}
	if _, err := CrossValidate(f, c, CVOptions{Folds: 1}); err == nil || !strings.Contains(err.Error(), "1 folds for 500 rows") {
		t.Errorf("1 fold: %v", err)
	}
	// A limit scores the first folds of the same split.
	r3, err := CrossValidate(f, c, CVOptions{Folds: 3, Seed: 9, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(r3.Folds) != 2 || !reflect.DeepEqual(r3.Folds, r1.Folds[:2]) {
		t.Errorf("limit 2 scored %+v, want the first two folds %+v", r3.Folds, r1.Folds[:2])
	}
	if _, err := CrossValidate(f, c, CVOptions{Folds: 3, Limit: 4}); err == nil {
		t.Error("a limit above the folds was accepted")
	}
}
