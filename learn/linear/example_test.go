package linear_test

import (
	"fmt"
	"math"

	"promocast/data"
	"promocast/learn/linear"
	"promocast/model"
)

// Weekly units of a product against its discount depth, with a categorical
// promotion slot (0 none, 1 banner, 2 homepage) and one week whose discount
// was not recorded.
func Example() {
	discount := []float64{0, 0.1, 0.2, math.NaN(), 0.3, 0, 0.1, 0.2, 0.3, 0}
	slot := []float64{0, 0, 1, 0, 2, 1, 0, 2, 1, 0}
	units := []float64{100, 118, 150, 110, 190, 112, 121, 172, 166, 99}
	ds := &model.Dataset{
		X: data.NewMatrix(10, 2),
		Y: units,
		Features: []model.Feature{
			{Name: "discount"},
			{Name: "slot", Categorical: true, Levels: 3},
		},
	}
	for i := range units {
		ds.X.Set(i, 0, discount[i])
		ds.X.Set(i, 1, slot[i])
	}
	m, err := linear.Fit(ds, linear.Params{Penalty: "ridge", Alpha: 0.01})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("intercept %.1f\n", m.Intercept())
	for _, c := range m.Coefficients() {
		fmt.Printf("%-16s %6.1f  (%5.1f per sd)\n", c.Feature, c.Value, c.Std)
	}
	// A planned week: 25% off on the homepage.
	plan := &data.Matrix{Rows: 1, Cols: 2, Values: []float64{0.25, 2}}
	out := make([]float64, 1)
	if err := m.Predict(plan, out); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("forecast %.0f units\n", out[0])
	// Output:
	// intercept 113.5
	// discount          181.7  ( 19.9 per sd)
	// discount=missing  -14.6  ( -4.4 per sd)
	// slot=0            -13.1  ( -6.5 per sd)
	// slot=1             -1.1  ( -0.5 per sd)
	// slot=2             21.9  (  8.8 per sd)
	// forecast 181 units
}
