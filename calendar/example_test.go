package calendar_test

import (
	"fmt"
	"strings"

	"promocast/calendar"
)

func Example() {
	user, err := calendar.ReadEvents(strings.NewReader(
		"name,start,end,pre,post\nBrand Day,2024-11-08,2024-11-09,2,1\n"), "events.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	cal, err := calendar.New(append(calendar.Builtin(), user...))
	if err != nil {
		fmt.Println(err)
		return
	}
	// The week of Friday 2024-11-08 .. Thursday 2024-11-14.
	from := calendar.DateOf(2024, 11, 8)
	out := make([]float64, cal.NumFeatures())
	cal.Features(from, from+6, out)
	for i, name := range cal.FeatureNames() {
		if strings.HasSuffix(name, "double11") || strings.HasSuffix(name, "brand_day") {
			fmt.Printf("%-18s %.3f\n", name, out[i])
		}
	}
	// Output:
	// event_double11     0.143
	// pre_double11       0.429
	// post_double11      0.429
	// days_to_double11   3.000
	// event_brand_day    0.286
	// pre_brand_day      0.000
	// post_brand_day     0.143
	// days_to_brand_day  0.000
}
