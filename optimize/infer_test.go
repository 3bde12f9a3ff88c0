package optimize

import (
	"fmt"
	"math"
	"testing"

	"promocast/data"
	"promocast/ensemble"
	"promocast/forecast"
	"promocast/learn"
	"promocast/optimize/solver"
)

// inferShop is two series at a regular price of 10 for 40 periods (a 20%
// cut every eighth), whose regular price the spec infers over 3 periods,
// and a plan of 4 periods at 8: its first rows lower the trailing maximum
// the later ones would infer from the plan as given.
func inferShop(t *testing.T) (*forecast.Scorer, *data.Frame) {
	t.Helper()
	var per, sku []string
	var units, price []float64
	for s := range 2 {
		for w := 1; w <= 40; w++ {
			p := 10.0
			if w%8 == 0 {
				p = 8
			}
			per, sku = append(per, fmt.Sprint(w)), append(sku, fmt.Sprintf("s%d", s))
			units, price = append(units, math.Round(20*math.Pow(p/10, -2))+float64(s)), append(price, p)
		}
	}
	hist, err := data.NewFrame("h.csv", []*data.Column{
		{Name: "week", Kind: data.String, Str: per}, {Name: "sku", Kind: data.String, Str: sku},
		{Name: "units", Kind: data.Number, Num: units}, {Name: "price", Kind: data.Number, Num: price},
	})
	if err != nil {
		t.Fatal(err)
	}
	fit, _ := ensemble.New("ridge", learn.Options{})
	sc := trainScorer(t, hist, "time: {column: week, frequency: period}\nkeys: [sku]\ntarget: units\nknown: [price]\npromotion: {price: {off: infer, window: 3}}\n", 4, fit)
	per, sku, price = nil, nil, nil
	for s := range 2 {
		for w := 41; w <= 44; w++ {
			per, sku, price = append(per, fmt.Sprint(w)), append(sku, fmt.Sprintf("s%d", s)), append(price, 8)
		}
	}
	plan, err := data.NewFrame("plan.csv", []*data.Column{
		{Name: "week", Kind: data.String, Str: per}, {Name: "sku", Kind: data.String, Str: sku},
		{Name: "price", Kind: data.Number, Num: price},
	})
	if err != nil {
		t.Fatal(err)
	}
	return sc, plan
}

// TestInferredRegularPriceHoldsForTheChosenPlan checks that with `off:
// infer` the options' regular price is the one a plan left off infers (10
// on every row), not the one the plan as given does (8 from its third
// row), and that the optimiser's chosen plan counts as promoted exactly
// the rows it chose an option for.
func TestInferredRegularPriceHoldsForTheChosenPlan(t *testing.T) {
	sc, plan := inferShop(t)
	given, err := sc.OffValues(plan, "price")
	if err != nil {
		t.Fatal(err)
	}
	if given[2] != 8 {
		t.Fatalf("the plan as given infers %v: the test needs its third row's regular price to fall to 8", given)
	}
	levers, err := sc.Model().Spec.Levers()
	if err != nil {
		t.Fatal(err)
	}
	off, err := regularPrices(sc, plan, levers, levers[0])
	if err != nil {
		t.Fatal(err)
	}
	for r, v := range off {
		if v != 10 {
			t.Errorf("row %d: regular price %v, want 10 (all %v)", r, v, off)
		}
	}
	out, err := Optimize(sc, plan, Settings{Discounts: []float64{0.1, 0.2}, Objective: Revenue, Budget: 60,
		MinMarginRate: math.Inf(-1), GroupMaxCost: math.Inf(1), GroupMaxPromoted: solver.NoLimit})
	if err != nil {
		t.Fatal(err)
	}
	chosen := 0
	for r, name := range out.Names {
		if name != "off" {
			chosen++
		}
		if name == "off" && out.Chosen.Promoted[r] {
			t.Errorf("row %d left off reads as promoted in the chosen plan", r)
		}
	}
	promoted := 0
	for _, p := range out.Chosen.Promoted {
		if p {
			promoted++
		}
	}
	if chosen == 0 || chosen == len(out.Names) || promoted != chosen {
		t.Errorf("chose %d of %d rows, the chosen plan's forecast promotes %d", chosen, len(out.Names), promoted)
	}
}
