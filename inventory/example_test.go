package inventory_test

import (
	"fmt"

	"promocast/inventory"
)

// A promotion in periods 2–3: stock covers the lead time and review period,
// so no order is due, but the promotion is likely to sell out.
func ExamplePlan() {
	d, err := inventory.Plan(inventory.Input{
		Mean:         []float64{100, 100, 250, 250, 100, 100},
		P10:          []float64{80, 80, 190, 190, 80, 80},
		P90:          []float64{120, 120, 310, 310, 120, 120},
		LeadTime:     2,
		Review:       1,
		ServiceLevel: 0.95,
		OnHand:       550,
		OnOrder:      100,
		Promo:        []bool{false, false, true, true, false, false},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("safety stock %.1f, reorder point %.1f, order-up-to %.1f, order %.1f\n",
		d.SafetyStock, d.ReorderPoint, d.OrderUpTo, d.OrderQty)
	fmt.Printf("P(stockout by period %d) = %.3f, at risk: %v\n", d.StockoutPeriod, d.StockoutProb, d.StockoutRisk)
	// Output:
	// safety stock 85.1, reorder point 285.1, order-up-to 535.1, order 0.0
	// P(stockout by period 3) = 0.763, at risk: true
}
