package synth_test

import (
	"fmt"

	"promocast/synth"
)

func Example() {
	p, err := synth.Generate(synth.Config{Seed: 1, SKUs: 20, Categories: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("history", p.HistoryStart, "..", p.HistoryEnd, p.History.Names())
	fmt.Println("plan   ", p.PlanStart, "..", p.PlanEnd, p.Plan.Names())
	fmt.Println("truth  ", p.Truth.Names())

	// The true uplift of the plan over the days of Double 11.
	var uplift float64
	date, up := p.Truth.Column("date").Str, p.Truth.Column("uplift").Num
	for i := range date {
		if date[i] == "2025-11-11" {
			uplift += up[i]
		}
	}
	fmt.Println("Nov 11 true uplift positive:", uplift > 0)
	// Output:
	// history 2023-10-01 .. 2025-10-15 [date sku category brand price_tier units price regular_price discount feature display coupon unit_cost stockout]
	// plan    2025-10-16 .. 2025-11-15 [date sku category brand price_tier price regular_price discount feature display coupon unit_cost]
	// truth   [date sku units expected baseline uplift]
	// Nov 11 true uplift positive: true
}
