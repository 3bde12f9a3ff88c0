package gbdt_test

import (
	"fmt"

	"promocast/data"
	"promocast/learn/gbdt"
	"promocast/model"
)

// A step in units sold at a discount of 2.5 is learned exactly, and SHAP
// splits each prediction into the discount's part and the average.
func ExampleTrain() {
	X := &data.Matrix{Rows: 4, Cols: 1, Values: []float64{1, 2, 3, 4}}
	ds := &model.Dataset{X: X, Y: []float64{1, 1, 3, 3},
		Features: []model.Feature{{Name: "discount", Monotone: +1}}}
	m, err := gbdt.Train(ds, nil, gbdt.Params{Rounds: 50, LearningRate: 0.5, MaxLeaves: 2, L2: -1})
	if err != nil {
		fmt.Println(err)
		return
	}
	out := make([]float64, X.Rows)
	if err := m.Predict(X, out); err != nil {
		fmt.Println(err)
		return
	}
	phi := make([]float64, X.Rows*(X.Cols+1))
	if err := m.SHAP(X, phi); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("predictions %.3f\n", out)
	fmt.Printf("row 0: discount %.3f, expected value %.3f\n", phi[0], phi[1])
	// Output:
	// predictions [1.000 1.000 3.000 3.000]
	// row 0: discount -1.000, expected value 2.000
}
