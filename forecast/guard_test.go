package forecast

import (
	"fmt"
	"math"
	"testing"

	"promocast/data"
	"promocast/model"
	"promocast/panel"
	"promocast/spec"
)

// inferSpec is testSpec with the price's off value inferred as the
// trailing maximum price.
const inferSpec = `
time: {column: week, frequency: week}
keys: [sku]
target: units
known: [price, feature]
static: [category]
promotion:
  price: {off: infer}
  feature: {off: 0}
cost: {unit_cost: "0.5"}
`

// discountTrained trains on weeklyFrame with a predictor whose output is
// 1 + 2·price_discount.
func discountTrained(t *testing.T, specText string, hist *data.Frame) *Model {
	t.Helper()
	sp, err := spec.Parse([]byte(specText))
	if err != nil {
		t.Fatal(err)
	}
	p, err := panel.Build(hist, sp, panel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	opt := TrainOptions{Kind: "test", Horizon: 2}
	pr, err := Prepare(p, opt)
	if err != nil {
		t.Fatal(err)
	}
	m, err := pr.Train(opt, p.Last, func(ds *model.Dataset) (model.Predictor, error) {
		for j, f := range ds.Features {
			if f.Name == "price_discount" {
				return discountModel{j}, nil
			}
		}
		return nil, fmt.Errorf("no discount feature")
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestWhatIfInferredOffPrice sweeps a price lever whose off value is
// inferred: the depths apply to the trailing maximum price (2), even where
// the plan itself holds a discounted price.
func TestWhatIfInferredOffPrice(t *testing.T) {
	hist := weeklyFrame(t, 2, 60, 3)
	m := discountTrained(t, inferSpec, hist)
	plan, _ := data.NewFrame("plan.csv", []*data.Column{
		{Name: "week", Kind: data.String, Str: []string{panelDate(60), panelDate(60)}},
		{Name: "sku", Kind: data.String, Str: []string{"sku0", "sku1"}},
		{Name: "price", Kind: data.Number, Num: []float64{1.5, 2}},
		{Name: "feature", Kind: data.Number, Num: []float64{0, 0}},
	})
	sc, err := m.NewScorer(hist)
	if err != nil {
		t.Fatal(err)
	}
	off, err := sc.OffValues(plan, "price")
	if err != nil {
		t.Fatal(err)
	}
	if off[0] != 2 || off[1] != 2 {
		t.Fatalf("inferred off prices %v, want [2 2]", off)
	}
	pts, err := sc.WhatIf(plan, Sweep{Lever: "price", Values: []float64{0, 0.1, 0.2}})
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 6 {
		t.Fatalf("%d points, want 3 values × 2 series", len(pts))
	}
	for _, pt := range pts {
		// The scale is the series' level; units ∝ 1 + 2·depth.
		var at0 float64
		for _, q := range pts {
			if q.Series == pt.Series && q.Value == 0 {
				at0 = q.Units
			}
		}
		if want := at0 * (1 + 2*pt.Value); math.Abs(pt.Units-want) > 1e-9*want {
			t.Errorf("%s at %v: units %v, want %v", pt.Series, pt.Value, pt.Units, want)
		}
		if want := pt.Units * 2 * (1 - pt.Value); math.Abs(pt.Revenue-want) > 1e-9*want {
			t.Errorf("%s at %v: revenue %v, want %v (price from the inferred off price 2)", pt.Series, pt.Value, pt.Revenue, want)
		}
	}
	if plan.Column("price").Num[0] != 1.5 {
		t.Error("WhatIf left the plan modified")
	}
}
