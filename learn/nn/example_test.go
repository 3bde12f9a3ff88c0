package nn_test

import (
	"encoding/json"
	"fmt"

	"promocast/data"
	"promocast/learn/nn"
	"promocast/model"
)

// A network learns that sales depend on the store (a categorical feature,
// embedded) and double under promotion.
func Example() {
	n := 2000
	ds := &model.Dataset{X: data.NewMatrix(n, 2), Y: make([]float64, n),
		Features: []model.Feature{{Name: "store", Categorical: true, Levels: 4}, {Name: "promo"}}}
	for i := 0; i < n; i++ {
		store, promo := i%4, float64(i/4%2)
		ds.X.Set(i, 0, float64(store))
		ds.X.Set(i, 1, promo)
		ds.Y[i] = float64(1+store) * (1 + promo)
	}
	m, err := nn.Fit(ds, nn.Params{Epochs: 100, LearningRate: 1e-2, BatchSize: 64, Dropout: -1, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	X := data.NewMatrix(2, 2)
	X.Set(0, 0, 2) // store 2, no promotion: 3 units
	X.Set(1, 0, 2) // store 2, promotion: 6 units
	X.Set(1, 1, 1)
	out := make([]float64, 2)
	if err := m.Predict(X, out); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.1f %.1f\n", out[0], out[1])

	raw, _ := json.Marshal(m)
	var back nn.Model
	if err := json.Unmarshal(raw, &back); err != nil {
		fmt.Println(err)
		return
	}
	again := make([]float64, 2)
	_ = back.Predict(X, again)
	fmt.Println(again[0] == out[0] && again[1] == out[1])
	// Output:
	// 3.0 6.0
	// true
}
