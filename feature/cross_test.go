package feature

import (
	"math"
	"slices"
	"testing"

	"promocast/data"
	"promocast/panel"
	"promocast/spec"
)

// TestCrossPrices checks that other products' price columns are found
// among the known covariates (not flags, levers, off columns or noise of
// another size) and that <lever>_rel_cross is the price over their mean.
func TestCrossPrices(t *testing.T) {
	g := panel.Grid{Frequency: spec.Day}
	var day, sku []string
	var units, price, reg, flag, rival1, rival2, traffic []float64
	for d := 0; d < 30; d++ {
		day, sku = append(day, g.Label(19723+d)), append(sku, "a")
		p := 10.0
		if d%7 == 3 {
			p = 8
		}
		units, price, reg, flag = append(units, 20), append(price, p), append(reg, 10), append(flag, float64(d%2))
		rival1, rival2 = append(rival1, 9+float64(d%3)), append(rival2, 12-float64(d%4))
		traffic = append(traffic, 50000+float64(d))
	}
	p := testPanel(t, []*data.Column{
		{Name: "day", Kind: data.String, Str: day}, {Name: "sku", Kind: data.String, Str: sku},
		{Name: "units", Kind: data.Number, Num: units}, {Name: "price", Kind: data.Number, Num: price},
		{Name: "regular", Kind: data.Number, Num: reg}, {Name: "flag", Kind: data.Number, Num: flag},
		{Name: "rival1", Kind: data.Number, Num: rival1}, {Name: "rival2", Kind: data.Number, Num: rival2},
		{Name: "traffic", Kind: data.Number, Num: traffic},
	}, "time: {column: day, frequency: day}\nkeys: [sku]\ntarget: units\nknown: [flag, rival1, rival2, traffic]\n"+
		"promotion: {price: {off: regular}}\ncalendar: none\n")
	cross := DetectCrossPrices(p)
	if !slices.Equal(cross, []string{"rival1", "rival2"}) {
		t.Fatalf("cross prices %v, want [rival1 rival2]", cross)
	}
	b, err := New(p, Config{MinLag: 3, Windows: []int{2, 4}, CrossPrices: cross}, nil)
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for j, ft := range b.Features() {
		if ft.Name == "price_rel_cross" {
			col = j
		}
	}
	if col < 0 {
		t.Fatal("no price_rel_cross feature")
	}
	if !b.Features()[col].Optional {
		t.Error("price_rel_cross is not optional: a learner could not leave it out where the rivals' prices tell nothing")
	}
	if !slices.Contains(b.Groups().Own, col) {
		t.Error("price_rel_cross is not among the own lever columns, so the baseline would keep the plan's relative price")
	}
	row := make([]float64, len(b.Features()))
	for d := 5; d < 30; d++ {
		if _, ok := b.Row(0, p.First+d, row); !ok {
			t.Fatalf("day %d: no row", d)
		}
		want := price[d] / ((rival1[d] + rival2[d]) / 2)
		if math.Abs(row[col]-want) > 1e-12 {
			t.Fatalf("day %d: price_rel_cross %v, want %v", d, row[col], want)
		}
	}
	if _, err := New(p, Config{MinLag: 3, CrossPrices: []string{"nope"}}, nil); err == nil {
		t.Error("a cross price that is not a known covariate was accepted")
	}
}
