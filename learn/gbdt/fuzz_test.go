package gbdt

import (
	"encoding/json"
	"math"
	"testing"

	"promocast/data"
)

// FuzzModelJSON loads arbitrary model files: a file either fails to load
// or predicts and explains (alone and against a reference) without
// panicking.
func FuzzModelJSON(f *testing.F) {
	ds := mixedData(200, 1)
	m := mustTrain(f, ds, nil, Params{Rounds: 3, MaxLeaves: 4})
	b, err := json.Marshal(m)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"version":1,"objective":"squared","features":[{"name":"x"}],"trees":[{"feature":[0,-1,-1],"threshold":[0.5,0,0],"left":[1,-1,-1],"right":[2,-1,-1],"default_left":[true,false,false],"cat_set":[-1,-1,-1],"value":[0,1,2],"cover":[2,1,1],"gain":[1,0,0]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Model
		if err := json.Unmarshal(b, &m); err != nil {
			return
		}
		X := data.NewMatrix(3, m.NumFeatures())
		for i := range X.Values {
			X.Values[i] = []float64{0, 1, math.NaN(), 2.5, -1}[i%5]
		}
		out := make([]float64, X.Rows)
		if err := m.Predict(X, out); err != nil {
			t.Fatal(err)
		}
		phi := make([]float64, X.Rows*(X.Cols+1))
		if err := m.SHAP(X, phi); err != nil {
			t.Fatal(err)
		}
		Z := data.NewMatrix(X.Rows, X.Cols)
		for i := range Z.Values {
			Z.Values[i] = X.Values[(i+1)%len(X.Values)]
		}
		if err := m.SHAPVersus(X, Z, make([]float64, X.Rows*X.Cols)); err != nil {
			t.Fatal(err)
		}
	})
}
