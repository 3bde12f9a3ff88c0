package feature

import (
	"math"
	"slices"
	"testing"

	"promocast/data"
	"promocast/panel"
	"promocast/spec"
)

// TestDetectOwnPrice checks that on a panel giving every brand's price
// beside each row (price1..price3 for brands 1..3, as a newcomer specifies
// it, with no price lever), each series' own price column is found by
// name, a count of another size is not taken for a price, and the builder
// reads own_price and own_price_rel from it; with a price lever there is
// nothing to find.
func TestDetectOwnPrice(t *testing.T) {
	g := panel.Grid{Frequency: spec.Day}
	var day, store, brand []string
	var units, p1, p2, p3, deal, traffic []float64
	for _, st := range []string{"10", "20"} {
		for b := 1; b <= 3; b++ {
			for d := 0; d < 30; d++ {
				day, store, brand = append(day, g.Label(19723+d)), append(store, st), append(brand, string(rune('0'+b)))
				units, deal = append(units, float64(10+d%4)), append(deal, float64(d%5/4))
				p1, p2, p3 = append(p1, 2+0.1*float64(d%3)), append(p2, 2.5-0.1*float64(d%4)), append(p3, 3+0.2*float64(d%3))
				traffic = append(traffic, 5000+float64(d))
			}
		}
	}
	cols := []*data.Column{
		{Name: "day", Kind: data.String, Str: day}, {Name: "store", Kind: data.String, Str: store},
		{Name: "brand", Kind: data.String, Str: brand}, {Name: "units", Kind: data.Number, Num: units},
		{Name: "price1", Kind: data.Number, Num: p1}, {Name: "price2", Kind: data.Number, Num: p2},
		{Name: "price3", Kind: data.Number, Num: p3}, {Name: "deal", Kind: data.Number, Num: deal},
		{Name: "traffic", Kind: data.Number, Num: traffic},
	}
	const head = "time: {column: day, frequency: day}\nkeys: [store, brand]\ntarget: units\nknown: [price1, price2, price3, traffic]\ncalendar: none\n"
	p := testPanel(t, cols, head+"promotion: {deal: {off: 0}}\n")
	got := DetectOwnPrice(p)
	if got == nil || !slices.Equal(got.Columns, []string{"price1", "price2", "price3"}) || got.Key != 1 || got.Prefix != "price" {
		t.Fatalf("own prices %+v, want columns price1..price3 named price + brand", got)
	}
	if c := got.Of([]string{"30", "2"}); c != "price2" {
		t.Errorf("a series the history lacks, brand 2: own price %q, want price2", c)
	}
	b, err := New(p, Config{MinLag: 2, Windows: []int{2, 4}, OwnPrice: got}, nil)
	if err != nil {
		t.Fatal(err)
	}
	col := columnsByName(b)
	row := make([]float64, len(b.Features()))
	for si, s := range p.Series {
		b.Row(si, p.First+10, row)
		prices := []float64{p1[10], p2[10], p3[10]}
		k := int(s.Key[1][0] - '1')
		others := (prices[0] + prices[1] + prices[2] - prices[k]) / 2
		if row[col["own_price"]] != prices[k] || math.Abs(row[col["own_price_rel"]]-prices[k]/others) > 1e-12 {
			t.Errorf("series %s: own_price %v, own_price_rel %v; want %v and %v", s.ID, row[col["own_price"]], row[col["own_price_rel"]], prices[k], prices[k]/others)
		}
	}
	// Stores numbered like the brands: price1..price3 could be either's.
	stores := make([]string, len(store))
	for i, b := range brand {
		stores[i] = map[string]string{"10": "3", "20": "2"}[store[i]]
		if b == "1" && store[i] == "10" {
			stores[i] = "1"
		}
	}
	tied := slices.Clone(cols)
	tied[1] = &data.Column{Name: "store", Kind: data.String, Str: stores}
	if op := DetectOwnPrice(testPanel(t, tied, head+"promotion: {deal: {off: 0}}\n")); op != nil {
		t.Errorf("stores and brands both numbered 1..3: own prices %+v, want none", op)
	}
	cols = append(cols, &data.Column{Name: "price", Kind: data.Number, Num: slices.Clone(p1)})
	if op := DetectOwnPrice(testPanel(t, cols, head+"promotion: {price: {off: infer}, deal: {off: 0}}\n")); op != nil {
		t.Errorf("with a price lever: own prices %+v, want none", op)
	}
	if _, err := New(p, Config{MinLag: 2, OwnPrice: &OwnPrice{Columns: []string{"price1", "nope"}}}, nil); err == nil {
		t.Error("an own price column that is not a known covariate was accepted")
	}
}
