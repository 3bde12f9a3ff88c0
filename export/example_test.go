package export_test

import (
	"math"
	"os"

	"promocast/data"
	"promocast/export"
)

func ExampleWriteJSON() {
	f, _ := data.NewFrame("forecast", []*data.Column{
		{Name: "sku", Kind: data.String, Str: []string{"A1", "B2"}},
		{Name: "forecast", Kind: data.Number, Num: []float64{12.5, math.NaN()}},
	})
	export.WriteJSON(os.Stdout, f)
	export.WriteCSV(os.Stdout, f)
	// Output:
	// [
	// {"sku":"A1","forecast":12.5},
	// {"sku":"B2","forecast":null}
	// ]
	// sku,forecast
	// A1,12.5
	// B2,
}
