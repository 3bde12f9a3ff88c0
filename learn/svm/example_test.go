package svm_test

import (
	"fmt"

	"promocast/data"
	"promocast/learn/svm"
	"promocast/model"
)

// A support vector regression with ε = 0 fits the line through points
// that lie on it exactly, up to its small ridge penalty.
func ExampleFitRegressor() {
	ds := &model.Dataset{
		X:        &data.Matrix{Rows: 5, Cols: 1, Values: []float64{1, 2, 3, 4, 5}},
		Y:        []float64{3, 5, 7, 9, 11}, // 2x + 1
		Features: []model.Feature{{Name: "x"}},
	}
	m, err := svm.FitRegressor(ds, svm.Params{C: 100, Tol: 1e-8})
	if err != nil {
		fmt.Println(err)
		return
	}
	out := make([]float64, 1)
	if err := m.Predict(&data.Matrix{Rows: 1, Cols: 1, Values: []float64{10}}, out); err != nil {
		fmt.Println(err)
		return
	}
	c := m.Coefficients()[0]
	fmt.Printf("%s %.3f, intercept %.3f, f(10) = %.2f\n", c.Name, c.Value, m.Intercept(), out[0])
	// Output: x 2.000, intercept 1.000, f(10) = 21.00
}

// A classifier's Predict gives the Platt-scaled probability of class 1.
func ExampleFitClassifier() {
	ds := &model.Dataset{
		X:        &data.Matrix{Rows: 6, Cols: 1, Values: []float64{-3, -2, -1, 1, 2, 3}},
		Y:        []float64{0, 0, 1, 0, 1, 1},
		Features: []model.Feature{{Name: "x"}},
	}
	m, err := svm.FitClassifier(ds, svm.Params{})
	if err != nil {
		fmt.Println(err)
		return
	}
	X := &data.Matrix{Rows: 2, Cols: 1, Values: []float64{-3, 3}}
	p := make([]float64, 2)
	if err := m.Predict(X, p); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("P(1 | x=-3) < 0.5: %v, P(1 | x=3) > 0.5: %v\n", p[0] < 0.5, p[1] > 0.5)
	// Output: P(1 | x=-3) < 0.5: true, P(1 | x=3) > 0.5: true
}
