package tabular_test

import (
	"fmt"
	"promocast/learn"

	"promocast/data"
	"promocast/learn/linear"
	"promocast/tabular"
)

// A least-squares fit on a table with a numeric, a categorical and a bool
// column recovers units = 2·price + 3·[store B] + 1·[promo] + 1 exactly.
func Example() {
	train, _ := data.NewFrame("train.csv", []*data.Column{
		{Name: "price", Kind: data.Number, Num: []float64{1, 2, 3, 1, 2, 3}},
		{Name: "store", Kind: data.String, Str: []string{"A", "A", "A", "B", "B", "B"}},
		{Name: "promo", Kind: data.String, Str: []string{"TRUE", "FALSE", "FALSE", "FALSE", "TRUE", "FALSE"}},
		{Name: "units", Kind: data.Number, Num: []float64{4, 5, 7, 6, 9, 10}},
	})
	m, err := tabular.Fit(train, tabular.Config{Target: "units", Learner: tabular.LearnerLinear,
		Options: learn.Options{Linear: linear.Params{Penalty: linear.PenaltyNone}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range m.Schema.Features {
		fmt.Println(f.Name, f.Type, f.Levels)
	}
	test, _ := data.NewFrame("test.csv", []*data.Column{
		{Name: "store", Kind: data.String, Str: []string{"B", "A"}},
		{Name: "price", Kind: data.Number, Num: []float64{10, 10}},
		{Name: "promo", Kind: data.String, Str: []string{"true", "false"}},
	})
	p, err := m.Predict(test)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.6f %.6f\n", p[0], p[1])
	// Output:
	// price number []
	// store category [A B]
	// promo bool []
	// 25.000000 21.000000
}
