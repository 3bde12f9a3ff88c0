package gbdt

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"promocast/data"
	"promocast/model"
)

// TestCARTFitsTrainingSet grows one unpruned tree on 200 distinct x values:
// every leaf holds one row, so the tree reproduces its targets.
func TestCARTFitsTrainingSet(t *testing.T) {
	n := 200
	X := data.NewMatrix(n, 1)
	y := make([]float64, n)
	for i := 0; i < n; i++ {
		X.Set(i, 0, float64((i*37)%n))
		y[i] = float64(i)
	}
	ds := &model.Dataset{X: X, Y: y, Features: numericFeatures(1)}
	f, err := TrainCART(ds, ForestParams{})
	if err != nil {
		t.Fatal(err)
	}
	got := predict(t, f, X)
	for i := range got {
		if math.Abs(got[i]-y[i]) > 1e-9 {
			t.Fatalf("row %d: CART predicts %v, expected its target %v", i, got[i], y[i])
		}
	}
	if f.OOBRows != 0 {
		t.Errorf("a tree without bootstrap reports %d out-of-bag rows", f.OOBRows)
	}
	// A depth limit of 1 is a stump: two leaves, the means of each side.
	s, err := TrainCART(ds, ForestParams{MaxDepth: 1})
	if err != nil {
		t.Fatal(err)
	}
	if s.Trees[0].Len() != 3 {
		t.Errorf("depth-1 tree has %d nodes, expected 3", s.Trees[0].Len())
	}
}

func TestForestRegression(t *testing.T) {
	train := friedman(3000, 8, 1, 101)
	test := friedman(3000, 8, 1, 102)
	f, err := TrainForest(train, ForestParams{Trees: 60, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	got := predict(t, f, test.X)
	mean := weightedMean(test.Y, nil)
	var res, tot float64
	for i := range got {
		res += (got[i] - test.Y[i]) * (got[i] - test.Y[i])
		tot += (test.Y[i] - mean) * (test.Y[i] - mean)
	}
	r2 := 1 - res/tot
	t.Logf("OOB R² %.3f over %d rows, test R² %.3f", f.OOBScore, f.OOBRows, r2)
	if r2 < 0.75 || math.Abs(f.OOBScore-r2) > 0.05 {
		t.Errorf("test R² %.3f, OOB R² %.3f: expected above 0.75 and within 0.05 of each other", r2, f.OOBScore)
	}
	if f.OOBRows < 2900 {
		t.Errorf("%d of 3000 rows were out of bag for some tree: expected nearly all", f.OOBRows)
	}
	b, _ := json.Marshal(f)
	var back Forest
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	again := predict(t, &back, test.X)
	for i := range got {
		if got[i] != again[i] {
			t.Fatalf("row %d: loaded forest predicts %v, trained one %v", i, again[i], got[i])
		}
	}
	// TreeSHAP costs leaves × depth² per tree and row: fully grown trees
	// are slow to explain, so check 20 rows.
	w := test.X.Cols + 1
	few := &data.Matrix{Rows: 20, Cols: test.X.Cols, Values: test.X.Values[:20*test.X.Cols]}
	phi := make([]float64, few.Rows*w)
	if err := f.SHAP(few, phi); err != nil {
		t.Fatal(err)
	}
	for i := range few.Rows {
		var s float64
		for _, v := range phi[i*w : (i+1)*w] {
			s += v
		}
		if math.Abs(s-got[i]) > 1e-9*math.Max(1, math.Abs(got[i])) {
			t.Fatalf("row %d: contributions sum to %v, prediction %v", i, s, got[i])
		}
	}
}

func TestForestClassification(t *testing.T) {
	ds := mixedData(3000, 111)
	for i, v := range ds.Y {
		ds.Y[i] = 0
		if v > 16 {
			ds.Y[i] = 1
		}
	}
	p := ForestParams{Classification: true, Trees: 40, Seed: 2}
	var models [][]byte
	for _, th := range []int{1, 3} {
		p.Threads = th
		f, err := TrainForest(ds, p)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("OOB accuracy %.3f", f.OOBScore)
		if f.OOBScore < 0.8 {
			t.Errorf("OOB accuracy %.3f: expected above 0.8", f.OOBScore)
		}
		for i, v := range predict(t, f, ds.X) {
			if v < 0 || v > 1 {
				t.Fatalf("row %d: probability %v", i, v)
			}
		}
		b, _ := json.Marshal(f)
		models = append(models, b)
	}
	if !bytes.Equal(models[0], models[1]) {
		t.Error("forests trained with 1 and 3 threads differ")
	}
	ds.Y[0] = 0.5
	if _, err := TrainForest(ds, p); err == nil {
		t.Error("a class target of 0.5 trained without error")
	}
}
