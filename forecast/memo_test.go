package forecast

import (
	"math"
	"sync"
	"sync/atomic"
	"testing"

	"promocast/data"
)

// countingModel is sumModel counting the rows it predicts.
type countingModel struct{ rows atomic.Int64 }

func (c *countingModel) Predict(X *data.Matrix, out []float64) error {
	c.rows.Add(int64(X.Rows))
	return sumModel{}.Predict(X, out)
}

// TestPredictionMemo checks that the memo gives Predict's bits, predicts a
// row it holds only when the row's bits changed, takes a row the same as
// its plan row from the plan's forecast, and stays correct when goroutines
// share it.
func TestPredictionMemo(t *testing.T) {
	pred := &countingModel{}
	pm := newPredictionMemo()
	X := data.NewMatrix(3, 4)
	for i := range X.Values {
		X.Values[i] = float64(i) * 0.37
	}
	X.Values[5] = math.NaN()
	scales := []float64{3, 0.5, 2}
	want, err := Predict(sumModel{}, X, scales)
	if err != nil {
		t.Fatal(err)
	}
	XF := data.NewMatrix(3, 4) // plan rows unlike the baseline's
	forecast := []float64{-1, -1, -1}
	check := func(step string, rows int64) {
		t.Helper()
		got, err := pm.baseline(pred, X, scales, XF, forecast)
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Fatalf("%s: row %d is %v, Predict gives %v", step, i, got[i], want[i])
			}
		}
		if n := pred.rows.Swap(0); n != rows {
			t.Errorf("%s: %d rows predicted, want %d", step, n, rows)
		}
	}
	check("first", 3)
	check("again", 0)
	X.Row(1)[2] += 1e-12
	want, _ = Predict(sumModel{}, X, scales)
	check("one value changed", 1)
	copy(XF.Row(2), X.Row(2))
	forecast[2] = want[2]
	check("row 2 its own plan row", 0)
	copy(XF.Row(2), make([]float64, 4))

	// A nil memo predicts every row.
	var none *predictionMemo
	raw := make([]float64, 3)
	if err := none.predict(pred, X, raw); err != nil {
		t.Fatal(err)
	}
	if n := pred.rows.Swap(0); n != 3 {
		t.Errorf("a nil memo predicted %d rows, want 3", n)
	}

	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			Y := data.NewMatrix(3, 4)
			copy(Y.Values, X.Values)
			Y.Row(w % 3)[0] += float64(w)
			exp, _ := Predict(sumModel{}, Y, scales)
			for range 200 {
				got, err := pm.baseline(pred, Y, scales, XF, forecast)
				if err != nil {
					t.Error(err)
					return
				}
				for i := range exp {
					if math.Float64bits(got[i]) != math.Float64bits(exp[i]) {
						t.Errorf("goroutine %d: row %d is %v, want %v", w, i, got[i], exp[i])
						return
					}
				}
			}
		})
	}
	wg.Wait()
}

// TestPredictionMemoSpreadsRows checks that rows differing in one small
// whole number, whose values share all their low bits, fall in different
// slots: 1,000 such rows fill more than 850 of the memo's 4,096 slots (a
// uniform hash fills about 890).
func TestPredictionMemoSpreadsRows(t *testing.T) {
	pm := newPredictionMemo()
	used := map[*atomic.Pointer[memoEntry]]bool{}
	row := []float64{1, 0, 52, 0.25}
	for v := range 1000 {
		row[1] = float64(v)
		used[pm.slot(row)] = true
	}
	if len(used) <= 850 {
		t.Errorf("1,000 rows fill %d slots, want more than 850", len(used))
	}
}
