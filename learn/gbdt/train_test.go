package gbdt

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"promocast/data"
	"promocast/model"
)

func TestFriedmanLearns(t *testing.T) {
	train := friedman(5000, 10, 1, 1)
	test := friedman(2000, 10, 0, 2)
	m := mustTrain(t, train, nil, Params{Rounds: 200, MaxDepth: 6, MaxLeaves: 31})
	got := rmse(predict(t, m, test.X), test.Y)
	t.Logf("friedman test RMSE %.3f", got)
	if got > 1.3 {
		t.Errorf("test RMSE %.3f: expected below 1.3", got)
	}
}

// Models trained on codes binned once are byte for byte Train's, for
// every target that shares the matrix, and codes of another matrix or
// seed are refused.
func TestTrainBinnedIsTrain(t *testing.T) {
	ds := friedman(3000, 8, 1, 3)
	ds.Features[7] = model.Feature{Name: "code", Categorical: true, Levels: 4}
	for i := 0; i < ds.X.Rows; i++ {
		ds.X.Row(i)[7] = float64(i % 4)
	}
	p := Params{Rounds: 20, MaxDepth: 4, MaxLeaves: 15, RowSubsample: 0.7, Seed: 5, Threads: 2}
	bx, err := Bin(ds.X, ds.Features, p)
	if err != nil {
		t.Fatal(err)
	}
	other := make([]float64, len(ds.Y))
	for i, y := range ds.Y {
		other[i] = math.Sqrt(math.Abs(y)) + ds.X.Row(i)[7]
	}
	for _, y := range [][]float64{ds.Y, other} {
		d := &model.Dataset{X: ds.X, Y: y, Features: ds.Features}
		want, err := json.Marshal(mustTrain(t, d, nil, p))
		if err != nil {
			t.Fatal(err)
		}
		m, err := TrainBinned(bx, d, nil, Params{Rounds: 20, MaxDepth: 4, MaxLeaves: 15, RowSubsample: 0.7, Seed: 5, Threads: 1})
		if err != nil {
			t.Fatal(err)
		}
		got, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("the model trained on shared codes differs from Train's")
		}
	}
	copied := &model.Dataset{X: data.NewMatrix(ds.X.Rows, ds.X.Cols), Y: ds.Y, Features: ds.Features}
	copy(copied.X.Values, ds.X.Values)
	if _, err := TrainBinned(bx, copied, nil, p); err == nil {
		t.Errorf("codes of another matrix: expected an error")
	}
	p.Seed = 6
	if _, err := TrainBinned(bx, ds, nil, p); err == nil {
		t.Errorf("codes binned with another seed: expected an error")
	}
}
