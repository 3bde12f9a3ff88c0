package learn

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"

	"promocast/data"
	"promocast/learn/gbdt"
	"promocast/learn/linear"
	"promocast/model"
	"promocast/tune"
)

// table returns a small table with a 0/1 target for classification or a
// numeric one for regression.
func table(classify bool) *model.Dataset {
	rng := rand.New(rand.NewPCG(3, 3))
	n := 120
	ds := &model.Dataset{X: data.NewMatrix(n, 3), Y: make([]float64, n),
		Features: []model.Feature{{Name: "a"}, {Name: "b"}, {Name: "c", Categorical: true, Levels: 3}}}
	for i := range n {
		row := ds.X.Row(i)
		row[0], row[1], row[2] = rng.Float64(), rng.Float64(), float64(i%3)
		ds.Y[i] = 1 + 2*row[0] - row[1] + row[2] + 0.1*rng.NormFloat64() // positive, for the Poisson loss
		if classify {
			ds.Y[i] = 0
			if row[0]+0.3*row[2] > 0.8 {
				ds.Y[i] = 1
			}
		}
	}
	return ds
}

// TestTableLearnersRoundTrip trains every name that learns a table, for
// each task it does, and checks the decoded predictor predicts the same
// and reads the features it was trained on.
func TestTableLearnersRoundTrip(t *testing.T) {
	for _, name := range append(Names(Table), Presets(Table)...) {
		l, ok := Lookup(name)
		if !ok {
			t.Fatalf("%s: not found", name)
		}
		for _, task := range []string{Regression, Classification} {
			if !l.Does(task) {
				continue
			}
			ds := table(task == Classification)
			p, err := l.Train(ds, task, Table, Options{GBDT: gbdt.Params{Rounds: 10}})
			if err != nil {
				t.Fatalf("%s %s: %v", name, task, err)
			}
			raw, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			back, feats, err := l.Decode(raw)
			if err != nil {
				t.Fatalf("%s %s: %v", name, task, err)
			}
			if !reflect.DeepEqual(feats, ds.Features) {
				t.Errorf("%s %s: decoded features %v, trained on %v", name, task, feats, ds.Features)
			}
			a, b := make([]float64, ds.X.Rows), make([]float64, ds.X.Rows)
			if err := p.Predict(ds.X, a); err != nil {
				t.Fatal(err)
			}
			if err := back.Predict(ds.X, b); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%s %s: predictions changed in the round trip", name, task)
			}
		}
	}
}

// TestPresetsFixTheirSetting checks a preset trains what its learner
// trains with the preset's setting, whatever the options say, and that
// presets and one-task learners refuse the other task.
func TestPresetsFixTheirSetting(t *testing.T) {
	ds := table(false)
	lasso, _ := Lookup("lasso")
	lin, _ := Lookup(Linear)
	a, err := lasso.Train(ds, Regression, Table, Options{Linear: linear.Params{Penalty: linear.PenaltyRidge, Alpha: 0.01}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := lin.Train(ds, Regression, Table, Options{Linear: linear.Params{Penalty: linear.PenaltyLasso, Alpha: 0.01}})
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("lasso trained\n%s\nlinear with the lasso penalty\n%s", ja, jb)
	}
	if lasso.Family() != Linear || lasso.Name() != "lasso" {
		t.Errorf("lasso resolves to %s named %s", lasso.Family(), lasso.Name())
	}
	for name, task := range map[string]string{"svr": Regression, "gbdt_poisson": Regression, Linear: Regression, Logistic: Classification, SVM: ""} {
		l, _ := Lookup(name)
		if l.Task() != task {
			t.Errorf("%s does %q only, want %q", name, l.Task(), task)
		}
	}
	svr, _ := Lookup("svr")
	if _, err := svr.Train(table(true), Classification, Table, Options{}); err == nil {
		t.Error("svr trained a classifier")
	}
	if _, ok := Lookup("xgboost"); ok {
		t.Error("an unknown name resolved")
	}
}

// TestSpacesByMode checks each learner declares a space in every mode it
// learns, that Tuned reads every setting of it, and that a preset's space
// leaves out what the preset fixes.
func TestSpacesByMode(t *testing.T) {
	for _, mode := range []Mode{Table, Panel} {
		for _, name := range Names(mode) {
			l, _ := Lookup(name)
			space, ok := l.Space(mode)
			if name == SeasonalNaive || name == MovingAverage {
				if ok {
					t.Errorf("%s has a space", name)
				}
				continue
			}
			if !ok || len(space) == 0 {
				t.Errorf("%s has no space in mode %d", name, mode)
			}
			for dim, d := range space {
				draw := tune.Params{dim: d.Value(0.5)}
				if reflect.DeepEqual(l.Tuned(Options{}, draw), Options{}) {
					t.Errorf("%s: drawing %s=%v leaves the options unchanged", name, dim, draw[dim])
				}
			}
		}
	}
	lasso, _ := Lookup("lasso")
	if space, _ := lasso.Space(Table); space["penalty"] != nil {
		t.Error("lasso's table space searches the penalty it fixes")
	}
}
