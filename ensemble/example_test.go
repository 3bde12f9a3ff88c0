package ensemble_test

import (
	"fmt"

	"promocast/ensemble"
)

// One member over-forecasts by 1 and another under-forecasts by 1: their
// even blend is exact, and a poor third member gets no weight.
func ExampleFitWeights() {
	actual := []float64{3, 5, 0, 8}
	w, err := ensemble.FitWeights(actual, [][]float64{
		{4, 6, 1, 9}, // actual + 1
		{2, 4, 0, 7}, // actual − 1 (floored at 0)
		{9, 9, 9, 9},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.2f\n", w)
	// Output: [0.50 0.50 0.00]
}
