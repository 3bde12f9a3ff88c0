package design

import (
	"math"
	"strings"
	"testing"

	"promocast/data"
	"promocast/model"
)

// mixed has a numeric feature with a missing value, a constant numeric
// feature (dropped) and a categorical feature with an unseen level.
func mixed() *model.Dataset {
	nan := math.NaN()
	return &model.Dataset{
		X: &data.Matrix{Rows: 4, Cols: 3, Values: []float64{
			1, 7, 0,
			2, 7, 1,
			nan, 7, 0,
			5, 7, 1,
		}},
		Y:        []float64{1, 2, 3, 4},
		Features: []model.Feature{{Name: "a"}, {Name: "const"}, {Name: "cat", Categorical: true, Levels: 3}},
	}
}

// TestDenseAndSparseAgree checks that both views give the same design
// values: Dense's z equals (u − Mean)/Scale of the u that Sparse gives.
func TestDenseAndSparseAgree(t *testing.T) {
	ds := mixed()
	e, err := Fit(ds, true)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for i := range e.Terms {
		names = append(names, e.Name(i))
	}
	if got := strings.Join(names, " "); got != "a a=missing cat=0 cat=1" {
		t.Fatalf("terms %q: want the constant column and the unseen level dropped", got)
	}
	z := make([]float64, len(e.Terms))
	idx, val := make([]int, len(e.Terms)), make([]float64, len(e.Terms))
	for i := 0; i < ds.X.Rows; i++ {
		row := ds.X.Row(i)
		if bad := e.Dense(row, z); bad >= 0 {
			t.Fatalf("row %d: feature %d not finite", i, bad)
		}
		u := make([]float64, len(e.Terms))
		n := e.Sparse(row, idx, val)
		for k := 0; k < n; k++ {
			u[idx[k]] = val[k] + (e.Terms[idx[k]].Mean - e.Centre(idx[k]))
		}
		for k, tm := range e.Terms {
			if want := (u[k] - tm.Mean) / tm.Scale; math.Abs(z[k]-want) > 1e-12 {
				t.Errorf("row %d term %s: dense %v, sparse gives %v", i, e.Name(k), z[k], want)
			}
		}
	}
	back, err := New(e.Features, e.Impute, e.Terms)
	if err != nil || back.NValue() != e.NValue() {
		t.Fatalf("rebuilt encoder: %v", err)
	}
	if _, err := New(e.Features, e.Impute, []Term{e.Terms[2], e.Terms[0]}); err == nil {
		t.Error("terms out of order accepted")
	}
	if k, err := ParseKind("level"); err != nil || k != Level {
		t.Errorf("ParseKind(level) = %v, %v", k, err)
	}
}
