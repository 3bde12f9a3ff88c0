package route

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"promocast/data"
	"promocast/model"
)

// affine predicts a + b·x[1].
type affine struct{ A, B float64 }

func (f affine) Predict(X *data.Matrix, out []float64) error {
	for i := range out {
		out[i] = f.A + f.B*X.At(i, 1)
	}
	return nil
}

func decodeAffine(kind string, raw []byte) (model.Predictor, error) {
	if kind != "affine" {
		return nil, fmt.Errorf("unknown kind %q", kind)
	}
	var f affine
	err := json.Unmarshal(raw, &f)
	return f, err
}

func TestRoutesRowsAndRoundTrips(t *testing.T) {
	m, err := New("category", 0, []Part{
		{Level: "toys", Code: 2, Kind: "affine", Predictor: affine{100, 1}},
		{Level: "food", Code: 0, Kind: "affine", Predictor: affine{0, 2}},
	})
	if err != nil {
		t.Fatal(err)
	}
	X := &data.Matrix{Rows: 3, Cols: 2, Values: []float64{2, 1, 0, 5, 2, 3}}
	want := []float64{101, 10, 103}
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(raw, decodeAffine)
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]*Model{"built": m, "decoded": back} {
		out := make([]float64, 3)
		if err := p.Predict(X, out); err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if out[i] != want[i] {
				t.Errorf("%s: row %d = %v, want %v", name, i, out[i], want[i])
			}
		}
	}
	again, _ := json.Marshal(back)
	if string(again) != string(raw) {
		t.Errorf("re-encoding changed the bytes:\n%s\n%s", raw, again)
	}
}

func TestRefusesWhatItCannotRoute(t *testing.T) {
	m, _ := New("category", 0, []Part{{Level: "food", Code: 0, Kind: "affine", Predictor: affine{0, 1}}})
	X := &data.Matrix{Rows: 1, Cols: 2, Values: []float64{7, 1}}
	if err := m.Predict(X, make([]float64, 1)); err == nil || !strings.Contains(err.Error(), "category code 7") {
		t.Errorf("unknown code: %v", err)
	}
	if _, err := New("category", 0, []Part{{Level: "a", Code: 1, Kind: "affine", Predictor: affine{}}, {Level: "b", Code: 1, Kind: "affine", Predictor: affine{}}}); err == nil {
		t.Error("two partitions with one code were accepted")
	}
	if _, err := Decode([]byte(`{"kind":"partitioned","version":1,"feature":"c","column":0,"parts":[{"level":"a","code":0,"kind":"partitioned","model":{}}]}`), decodeAffine); err == nil {
		t.Error("a nested partitioned model was accepted")
	}
	if _, err := Decode([]byte(`{"kind":"partitioned","version":2}`), decodeAffine); err == nil {
		t.Error("an unknown version was accepted")
	}
}
