package solver_test

import (
	"fmt"
	"math"

	"promocast/optimize/solver"
)

// Two products over two weeks. A promotion earns 15 on product 1 and 10 on
// product 2 and costs 5 and 10. Product 1's stock (30) allows only one of its
// promotions (20 + 10 units), and the budget (20) then leaves room for one of
// product 2's: 15 + 10 = 25, better than both of product 2's (20).
func ExampleSolve() {
	off := func(units, price, cost float64) solver.Option {
		return solver.Option{Name: "off", Units: units, Revenue: units * price, Margin: units * (price - cost)}
	}
	// A 20% discount that doubles units; objective = incremental margin − cost.
	promo := func(units, price, cost, fee float64) solver.Option {
		u, p := 2*units, 0.8*price
		return solver.Option{Name: "20% off", Units: u, Revenue: u * p, Margin: u * (p - cost),
			Cost: fee, Objective: u*(p-cost) - units*(price-cost) - fee}
	}
	p := &solver.Problem{
		Slots: []solver.Slot{
			{Series: 1, Options: []solver.Option{off(10, 10, 4), promo(10, 10, 4, 5)}},
			{Series: 1, Options: []solver.Option{off(10, 10, 4), promo(10, 10, 4, 5)}},
			{Series: 2, Options: []solver.Option{off(20, 5, 2), promo(20, 5, 2, 10)}},
			{Series: 2, Options: []solver.Option{off(20, 5, 2), promo(20, 5, 2, 10)}},
		},
		Budget:        20,
		MinMarginRate: math.Inf(-1),
		Stock:         map[int]float64{1: 30},
	}
	sol, err := solver.Solve(p, solver.Settings{})
	if err != nil {
		fmt.Println(err)
		return
	}
	none, _ := solver.Evaluate(p, solver.AllOff(p))
	for i, c := range sol.Choice {
		fmt.Printf("slot %d: %s\n", i, p.Slots[i].Options[c].Name)
	}
	fmt.Printf("objective %g (no promotion %g), exact %v, budget left %g, stock left %v\n",
		sol.Objective, none.Objective, sol.Exact, sol.Eval.BudgetLeft, sol.Eval.Stock)
	// Output:
	// slot 0: 20% off
	// slot 1: off
	// slot 2: 20% off
	// slot 3: off
	// objective 25 (no promotion 0), exact true, budget left 5, stock left [{1 30 0}]
}
