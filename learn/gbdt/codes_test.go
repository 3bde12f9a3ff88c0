package gbdt

import (
	"math"
	"testing"

	"promocast/data"
	"promocast/model"
)

// Rows predicted from their codes get exactly the bits Predict gives from
// their values: numeric, missing and categorical splits, held-out rows
// with values outside the training range and unseen missing values, with
// the squared and the Poisson objective.
func TestPredictCodesIsPredict(t *testing.T) {
	ds := friedman(4000, 8, 1, 11)
	ds.Features[7] = model.Feature{Name: "code", Categorical: true, Levels: 70}
	for i := 0; i < ds.X.Rows; i++ {
		r := ds.X.Row(i)
		r[7] = float64(i % 70)
		if i%13 == 0 {
			r[2] = math.NaN()
		}
		if i%29 == 0 {
			r[7] = math.NaN()
		}
	}
	held := friedman(1500, 8, 1, 12)
	for i := 0; i < held.X.Rows; i++ {
		r := held.X.Row(i)
		r[7] = float64((i * 7) % 70)
		switch i % 11 {
		case 0:
			r[0] = math.NaN() // never missing in training
		case 1:
			r[1] = -5 // below every training value
		case 2:
			r[3] = 9 // above every training value
		case 3:
			r[4] = math.Inf(-1)
		}
	}
	for _, obj := range []string{"squared", "poisson"} {
		p := Params{Objective: obj, Rounds: 30, MaxDepth: 5, MaxLeaves: 20, Seed: 3, Threads: 2}
		y := ds.Y
		if obj == "poisson" {
			y = make([]float64, len(ds.Y))
			for i, v := range ds.Y {
				y[i] = math.Round(math.Abs(v))
			}
		}
		bx, err := Bin(ds.X, ds.Features, p)
		if err != nil {
			t.Fatal(err)
		}
		m, err := TrainBinned(bx, &model.Dataset{X: ds.X, Y: y, Features: ds.Features}, nil, p)
		if err != nil {
			t.Fatal(err)
		}
		cats := 0
		for _, tr := range m.Trees {
			for _, c := range tr.CatSet {
				if c >= 0 {
					cats++
				}
			}
		}
		if cats == 0 {
			t.Fatalf("%s: no categorical split: the test does not exercise them", obj)
		}
		for _, X := range []*data.Matrix{ds.X, held.X} {
			codes, err := bx.Codes(X)
			if err != nil {
				t.Fatal(err)
			}
			got, want := make([]float64, X.Rows), make([]float64, X.Rows)
			if err := m.PredictCodes(codes, got); err != nil {
				t.Fatal(err)
			}
			if err := m.Predict(X, want); err != nil {
				t.Fatal(err)
			}
			for i := range got {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("%s: row %d: %v from codes, %v from values", obj, i, got[i], want[i])
				}
			}
		}
	}
}

// A model trained on other codes, and categories the features do not
// allow, are refused with an error.
func TestPredictCodesRefusesOtherCodes(t *testing.T) {
	ds := friedman(2000, 5, 1, 21)
	p := Params{Rounds: 5, MaxDepth: 3, Seed: 1}
	bx, err := Bin(ds.X, ds.Features, p)
	if err != nil {
		t.Fatal(err)
	}
	other := friedman(2000, 5, 1, 22)
	m := mustTrain(t, other, nil, p)
	codes, err := bx.Codes(ds.X)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.PredictCodes(codes, make([]float64, ds.X.Rows)); err == nil {
		t.Errorf("a model trained on other codes: expected an error")
	}
	if err := mustTrain(t, ds, nil, p).PredictCodes(codes, make([]float64, 3)); err == nil {
		t.Errorf("an output of the wrong length: expected an error")
	}
	feats := append([]model.Feature(nil), ds.Features...)
	feats[4] = model.Feature{Name: "c", Categorical: true, Levels: 3}
	cx := data.NewMatrix(ds.X.Rows, ds.X.Cols)
	copy(cx.Values, ds.X.Values)
	for i := 0; i < cx.Rows; i++ {
		cx.Row(i)[4] = float64(i % 3)
	}
	cb, err := Bin(cx, feats, p)
	if err != nil {
		t.Fatal(err)
	}
	cx.Row(5)[4] = 300
	if _, err := cb.Codes(cx); err == nil {
		t.Errorf("category 300 of a 3-level feature: expected an error")
	}
}
