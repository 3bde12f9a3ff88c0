package optimize

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"promocast/data"
	"promocast/forecast"
	"promocast/model"
	"promocast/optimize/solver"
	"promocast/synth"
)

// continuousDisplay turns the shop's 0/1 display into a share: each SKU's
// display is at most 0.2, 0.3, ... 0.9 of its stores.
func continuousDisplay(shop *synth.Panel) {
	h := shop.History
	sku, disp := h.Column("sku"), h.Column("display")
	index := map[string]int{}
	for r := range disp.Num {
		k, ok := index[sku.Str[r]]
		if !ok {
			k = len(index)
			index[sku.Str[r]] = k
		}
		disp.Num[r] *= 0.2 + 0.1*float64(k%8)
	}
}

// displayModel predicts 1 + display share + discount depth (scaled units),
// so every option that shows the display gains.
type displayModel struct{ display, discount int }

func (d displayModel) Predict(X *data.Matrix, out []float64) error {
	for i := range out {
		out[i] = 1 + X.At(i, d.display) + X.At(i, d.discount)
	}
	return nil
}

// displayShop is the shop with a display share, scored by displayModel.
func displayShop(t *testing.T) (*forecast.Scorer, *synth.Panel) {
	return scorerWith(t, continuousDisplay, func(ds *model.Dataset) (model.Predictor, error) {
		d := displayModel{-1, -1}
		for j, f := range ds.Features {
			switch f.Name {
			case "display":
				d.display = j
			case "price_discount":
				d.discount = j
			}
		}
		if d.display < 0 || d.discount < 0 {
			return nil, fmt.Errorf("features lack display or price_discount")
		}
		return d, nil
	})
}

// TestContinuousLeverStaysInRange checks that an option switching a
// display share on sets each series to the largest share it had in
// training, never fully on.
func TestContinuousLeverStaysInRange(t *testing.T) {
	sc, shop := displayShop(t)
	// The largest share each SKU, and each category, had in training.
	seen, group, cat := map[string]float64{}, map[string]float64{}, map[string]string{}
	h := shop.History
	for r, id := range h.Column("sku").Str {
		d, c := h.Column("display").Num[r], h.Column("category").Str[r]
		seen[id], group[c], cat[id] = math.Max(seen[id], d), math.Max(group[c], d), c
	}
	s := Settings{Discounts: []float64{0.1}, Flags: []string{"display"}, Objective: Revenue, Budget: math.Inf(1), MinMarginRate: math.Inf(-1),
		GroupMaxCost: math.Inf(1), GroupMaxPromoted: solver.NoLimit}
	out, err := Optimize(sc, shop.Plan, s)
	if err != nil {
		t.Fatal(err)
	}
	disp, sku := out.ChosenPlan.Column("display"), out.ChosenPlan.Column("sku")
	on, fromGroup := 0, 0
	for r, c := range out.Solution.Choice {
		want, id := 0.0, sku.Str[r]
		if out.Options[c].Flags["display"] {
			want, on = seen[id], on+1
			if want == 0 { // never on: its category's largest, with a warning
				want, fromGroup = group[cat[id]], fromGroup+1
				if !strings.Contains(out.Chosen.Warnings[r], "never had display on") {
					t.Errorf("row %d (%s): display on without a warning: %q", r, id, out.Chosen.Warnings[r])
				}
			}
		}
		if disp.Num[r] != want || disp.Num[r] > 0.9+1e-9 {
			t.Fatalf("row %d (%s, option %q): display %v, want %v (its largest in training)", r, id, out.Options[c].Name, disp.Num[r], want)
		}
	}
	if on == fromGroup {
		t.Fatalf("%d rows chose the display, %d of them from their group: the test checks no series' own range", on, fromGroup)
	}
}

// TestLeverCosts checks that a lever's cost is netted from each option's
// objective (cost × the value set), counted as promotion cost, and that a
// prohibitive cost keeps the lever off.
func TestLeverCosts(t *testing.T) {
	sc, shop := displayShop(t)
	s := Settings{Discounts: []float64{0.1}, Flags: []string{"display"}, Objective: Revenue, Budget: math.Inf(1), MinMarginRate: math.Inf(-1),
		GroupMaxCost: math.Inf(1), GroupMaxPromoted: solver.NoLimit}
	free, err := Optimize(sc, shop.Plan, s)
	if err != nil {
		t.Fatal(err)
	}
	s.LeverCosts = map[string]float64{"display": 40}
	costly, err := Optimize(sc, shop.Plan, s)
	if err != nil {
		t.Fatal(err)
	}
	on, err := sc.OnValues(shop.Plan, "display")
	if err != nil {
		t.Fatal(err)
	}
	for i, slot := range costly.Problem.Slots {
		for k, o := range slot.Options {
			want := free.Problem.Slots[i].Options[k]
			c := 0.0
			if costly.Options[k].Flags["display"] {
				c = 40 * on[i]
			}
			if math.Abs(o.Objective-(want.Objective-c)) > 1e-6 || math.Abs(o.Cost-(want.Cost+c)) > 1e-6 {
				t.Fatalf("row %d option %q: objective %v cost %v, want %v and %v", i, o.Name, o.Objective, o.Cost, want.Objective-c, want.Cost+c)
			}
		}
	}
	sum := 0.0
	for r, c := range costly.Solution.Choice {
		if costly.Options[c].Flags["display"] {
			sum += 40 * costly.ChosenPlan.Column("display").Num[r]
		}
	}
	if math.Abs(costly.LeverCost-sum) > 1e-9 {
		t.Errorf("lever cost %v, want %v", costly.LeverCost, sum)
	}
	s.LeverCosts["display"] = 1e9
	none, err := Optimize(sc, shop.Plan, s)
	if err != nil {
		t.Fatal(err)
	}
	for r, c := range none.Solution.Choice {
		if none.Options[c].Flags["display"] {
			t.Fatalf("row %d switched the display on at a cost of 1e9", r)
		}
	}
	s.LeverCosts = map[string]float64{"price": 1}
	if _, err := Optimize(sc, shop.Plan, s); err == nil {
		t.Error("a cost on the price lever was accepted")
	}
	s.LeverCosts = map[string]float64{"display": -1}
	if _, err := Optimize(sc, shop.Plan, s); err == nil {
		t.Error("a negative lever cost was accepted")
	}
}

// TestOptionsShareOneReference values two options whose forecasts carry
// different baselines (as an effect model's do): each option's gain is
// measured from the "off" option's units, not from its own baseline.
func TestOptionsShareOneReference(t *testing.T) {
	sc, shop := scorer(t)
	user, err := sc.Forecast(shop.Plan)
	if err != nil {
		t.Fatal(err)
	}
	n := len(user.Targets)
	result := func(base, own, price float64, promoted bool) *forecast.Result {
		r := &forecast.Result{Panel: user.Panel, Targets: user.Targets, Parts: forecast.Parts{Own: make([]float64, n)}}
		for range n {
			r.Baseline, r.BasePrice, r.Price = append(r.Baseline, base), append(r.BasePrice, 10), append(r.Price, price)
			r.Promoted = append(r.Promoted, promoted)
			r.UnitCost, r.FixedCost = append(r.UnitCost, 4), append(r.FixedCost, math.NaN())
		}
		for i := range r.Parts.Own {
			r.Parts.Own[i] = own
		}
		return r
	}
	off, on := result(100, 0, 10, false), result(130, 20, 9, true)
	opts := []Option{{Name: "off"}, {Name: "10% off", Discount: 0.1}}
	none := [][]float64{make([]float64, n), make([]float64, n)}
	// The calibration's ratios of actuals to forecasts without and with a
	// promotion: a promoted option and its reference take the promoted
	// one, so the gain is that ratio times the points' gain, not the
	// difference of the ratios times the baseline on top.
	for _, c := range []struct {
		objective    string
		quiet, ratio float64
	}{{Margin, 1, 1}, {Revenue, 1, 1}, {Margin, 1.2, 1.2}, {Margin, 1.1, 1.6}} {
		objective := c.objective
		ratio := func(promoted bool) float64 {
			if promoted {
				return c.ratio
			}
			return c.quiet
		}
		prob, _, err := problem(Settings{Objective: objective, Budget: math.Inf(1), MinMarginRate: math.Inf(-1)}, user, []*forecast.Result{off, on}, none, opts, ratio)
		if err != nil {
			t.Fatal(err)
		}
		// 150 units at 9 against 100 units at 10 (unit cost 4), in
		// expected units: the points times the calibration's ratio.
		want := 150*9 - 100*10.0
		if objective == Margin {
			want = 150*(9-4) - 100*(10-4.0)
		}
		want *= c.ratio
		for i, slot := range prob.Slots {
			if got := slot.Options[1].Objective; math.Abs(got-want) > 1e-9 {
				t.Fatalf("%s, row %d: option gains %v, want %v", objective, i, got, want)
			}
		}
	}
}
