package svm

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"promocast/data"
	"promocast/model"
)

// TestDefaultTolerance checks that the default stopping rule (tol 1e-4,
// the setting users get) lands close to the tight optimum.
func TestDefaultTolerance(t *testing.T) {
	for _, set := range []string{"cls_mixed", "reg_mixed"} {
		ds, _ := readSet(t, set)
		var loose, tight FitInfo
		if set == "cls_mixed" {
			a, err := FitClassifier(ds, Params{})
			b, err2 := FitClassifier(ds, Params{Tol: 1e-10, MaxIter: 1e6})
			if err != nil || err2 != nil {
				t.Fatal(err, err2)
			}
			loose, tight = a.Info(), b.Info()
		} else {
			a, err := FitRegressor(ds, Params{})
			b, err2 := FitRegressor(ds, Params{Tol: 1e-10, MaxIter: 1e6})
			if err != nil || err2 != nil {
				t.Fatal(err, err2)
			}
			loose, tight = a.Info(), b.Info()
		}
		gap := (loose.Objective - tight.Objective) / tight.Objective
		t.Logf("%s: default tol objective %.6g after %d sweeps, optimum %.6g (gap %.2g)", set, loose.Objective, loose.Iterations, tight.Objective, gap)
		if !loose.Converged || gap < -1e-9 || gap > 1e-3 {
			t.Errorf("%s: default fit objective %v vs optimum %v (converged %v)", set, loose.Objective, tight.Objective, loose.Converged)
		}
	}
}

// TestWeightsDuplicateRows checks that a row of weight 2 fits exactly as
// the same row twice with weight 1 (the objectives are the same function).
func TestWeightsDuplicateRows(t *testing.T) {
	ds, X := readSet(t, "reg_num")
	ds.W = make([]float64, ds.X.Rows)
	dup := &model.Dataset{Features: ds.Features, X: data.NewMatrix(0, ds.X.Cols)}
	for i := range ds.W {
		ds.W[i] = 1
		if i%3 == 0 {
			ds.W[i] = 2
		}
		for range int(ds.W[i]) {
			dup.X.Values = append(dup.X.Values, ds.X.Row(i)...)
			dup.X.Rows++
			dup.Y = append(dup.Y, ds.Y[i])
		}
	}
	p := Params{Epsilon: 0.1, Tol: 1e-12, MaxIter: 1e6}
	a, err := FitRegressor(ds, p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := FitRegressor(dup, p)
	if err != nil {
		t.Fatal(err)
	}
	pa, pb := make([]float64, X.Rows), make([]float64, X.Rows)
	if err := a.Predict(X, pa); err != nil {
		t.Fatal(err)
	}
	if err := b.Predict(X, pb); err != nil {
		t.Fatal(err)
	}
	for i := range pa {
		if relErr(pa[i], pb[i]) > 1e-8 {
			t.Fatalf("row %d: weighted fit predicts %v, duplicated rows %v", i, pa[i], pb[i])
		}
	}
}

// TestJSONRoundTrip checks that a decoded model predicts the same numbers
// and writes the same bytes, and that fits are deterministic.
func TestJSONRoundTrip(t *testing.T) {
	ds, X := readSet(t, "cls_mixed")
	m, err := FitClassifier(ds, Params{Loss: LossHinge, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	m2, err := FitClassifier(ds, Params{Loss: LossHinge, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(m2)
	if !bytes.Equal(b, b2) {
		t.Fatal("two fits with the same seed wrote different bytes")
	}
	var back Classifier
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(&back)
	if !bytes.Equal(b, again) {
		t.Fatalf("round trip changed the bytes:\n%s\n%s", b, again)
	}
	p1, p2 := make([]float64, X.Rows), make([]float64, X.Rows)
	if err := m.Predict(X, p1); err != nil {
		t.Fatal(err)
	}
	if err := back.Predict(X, p2); err != nil {
		t.Fatal(err)
	}
	for i := range p1 {
		if p1[i] != p2[i] || !(p1[i] > 0 && p1[i] < 1) {
			t.Fatalf("row %d: %v before, %v after the round trip", i, p1[i], p2[i])
		}
	}
	// A regressor does not read as a classifier, nor damaged JSON as either.
	r, err := FitRegressor(ds, Params{})
	if err != nil {
		t.Fatal(err)
	}
	rb, _ := json.Marshal(r)
	var rr Regressor
	if err := json.Unmarshal(rb, &rr); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ in, want string }{
		{string(rb), `kind is "svr", expected "svc"`},
		{strings.Replace(string(b), `"scale":`, `"scale":-`, 1), "positive scale"},
		{strings.Replace(string(b), `"version":1`, `"version":9`, 1), "format version 9"},
		{strings.Replace(string(b), `"kind":"value"`, `"kind":"cube"`, 1), `kind "cube"`},
		{strings.Replace(string(b), `"c":1`, `"c":-1`, 1), "C is -1"},
	} {
		var x Classifier
		err := json.Unmarshal([]byte(c.in), &x)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("decode error %v, want it to mention %q", err, c.want)
		}
	}
}

// TestSeparable checks a hand-made case: two points per class on a line,
// the hinge-loss classifier puts its boundary between them and the Platt
// probability follows the decision value.
func TestSeparable(t *testing.T) {
	ds := &model.Dataset{X: &data.Matrix{Rows: 4, Cols: 1, Values: []float64{-2, -1, 1, 2}},
		Y: []float64{0, 0, 1, 1}, Features: []model.Feature{{Name: "x"}}}
	m, err := FitClassifier(ds, Params{Loss: LossHinge, C: 100, Tol: 1e-12})
	if err != nil {
		t.Fatal(err)
	}
	X := &data.Matrix{Rows: 3, Cols: 1, Values: []float64{-0.5, 0, 0.5}}
	d, p := make([]float64, 3), make([]float64, 3)
	if err := m.Decision(X, d); err != nil {
		t.Fatal(err)
	}
	if err := m.Predict(X, p); err != nil {
		t.Fatal(err)
	}
	// Symmetric data: the maximum-margin boundary is x = 0 with margin
	// points x = ±1, so the decision value is x exactly (the regularised
	// bias is 0 by symmetry).
	for i, want := range []float64{-0.5, 0, 0.5} {
		if math.Abs(d[i]-want) > 1e-9 {
			t.Errorf("decision at %v is %v, want %v", X.Values[i], d[i], want)
		}
	}
	if !(p[0] < p[1] && p[1] < p[2]) || math.Abs(p[1]-0.5) > 1e-9 {
		t.Errorf("probabilities %v: want increasing through 0.5", p)
	}
}

// TestNoIntercept checks that the regressor without intercept fits y = 2x
// through the origin when ε covers nothing and C is large.
func TestNoIntercept(t *testing.T) {
	ds := &model.Dataset{X: &data.Matrix{Rows: 4, Cols: 1, Values: []float64{1, 2, 3, 4}},
		Y: []float64{2, 4, 6, 8}, Features: []model.Feature{{Name: "x"}}}
	m, err := FitRegressor(ds, Params{Loss: LossSquaredEpsilonInsensitive, C: 1e6, NoIntercept: true, Tol: 1e-12, MaxIter: 1e6})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float64, 1)
	if err := m.Predict(&data.Matrix{Rows: 1, Cols: 1, Values: []float64{10}}, out); err != nil {
		t.Fatal(err)
	}
	// Without intercept the column is scaled, not centred, so the fit is
	// the line through the origin, y = 2x, up to the tiny ridge.
	if math.Abs(out[0]-20) > 1e-4 {
		t.Errorf("prediction at 10 is %v, want 20", out[0])
	}
	if m.Intercept() != 0 {
		t.Errorf("intercept %v, want 0", m.Intercept())
	}
}

func TestErrors(t *testing.T) {
	good := func() *model.Dataset {
		return &model.Dataset{X: &data.Matrix{Rows: 3, Cols: 2, Values: []float64{1, 0, 2, 1, 3, 2}},
			Y: []float64{0, 1, 1}, Features: []model.Feature{{Name: "a"}, {Name: "cat", Categorical: true, Levels: 3}}}
	}
	cases := []struct {
		name string
		edit func(*model.Dataset, *Params)
		reg  bool
		want string
	}{
		{"label", func(d *model.Dataset, _ *Params) { d.Y[1] = 2 }, false, "target of row 1 is 2"},
		{"one class", func(d *model.Dataset, _ *Params) { d.Y = []float64{1, 1, 1} }, false, "only one class"},
		{"inf", func(d *model.Dataset, _ *Params) { d.X.Values[2] = math.Inf(1) }, false, `row 1, feature "a"`},
		{"code", func(d *model.Dataset, _ *Params) { d.X.Values[3] = 1.5 }, false, `feature "cat": categorical code 1.5`},
		{"weight", func(d *model.Dataset, _ *Params) { d.W = []float64{1, -1, 1} }, false, "weight of row 1"},
		{"zero weights", func(d *model.Dataset, _ *Params) { d.W = []float64{0, 0, 0} }, true, "no training rows"},
		{"loss", func(_ *model.Dataset, p *Params) { p.Loss = LossHinge }, true, `loss "hinge"`},
		{"epsilon", func(_ *model.Dataset, p *Params) { p.Epsilon = 0.1 }, false, "only regressors"},
		{"C", func(_ *model.Dataset, p *Params) { p.C = math.NaN() }, true, "C is NaN"},
	}
	for _, c := range cases {
		ds, p := good(), Params{}
		c.edit(ds, &p)
		var err error
		if c.reg {
			_, err = FitRegressor(ds, p)
		} else {
			_, err = FitClassifier(ds, p)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to mention %q", c.name, err, c.want)
		}
	}
	m, err := FitRegressor(good(), Params{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Predict(&data.Matrix{Rows: 1, Cols: 2, Values: []float64{math.Inf(-1), 0}}, make([]float64, 1)); err == nil || !strings.Contains(err.Error(), `row 0, feature "a"`) {
		t.Errorf("predict on -Inf: %v", err)
	}
	if err := m.Predict(&data.Matrix{Rows: 1, Cols: 1, Values: []float64{0}}, make([]float64, 1)); err == nil {
		t.Error("predict with the wrong column count succeeded")
	}
}
