package feature

import (
	"maps"
	"math"
	"slices"
	"testing"

	"promocast/data"
	"promocast/panel"
	"promocast/spec"
)

// restatedPanel has three series a, b and c whose prices dip on their own
// days, with every row also given pa and pb (a's and b's prices, as a panel
// of every brand's price has them), a copy of its own flag, its regular
// price and a traffic count.
func restatedPanel(t *testing.T) *panel.Panel {
	t.Helper()
	g := panel.Grid{Frequency: spec.Day}
	priceOf := func(s, d int) float64 {
		if (d+2*s)%5 == 0 {
			return 8 - float64(s)*0.5
		}
		return 10
	}
	var day, sku []string
	var units, price, reg, flag, flagCopy, pa, pb, traffic []float64
	for s, id := range []string{"a", "b", "c"} {
		for d := 0; d < 40; d++ {
			day, sku = append(day, g.Label(19723+d)), append(sku, id)
			f := float64((d + s) % 3 / 2)
			units, price, reg = append(units, 20), append(price, priceOf(s, d)), append(reg, 10)
			flag, flagCopy = append(flag, f), append(flagCopy, f)
			pa, pb = append(pa, priceOf(0, d)), append(pb, priceOf(1, d))
			traffic = append(traffic, 50000+float64(d%7))
		}
	}
	p := testPanel(t, []*data.Column{
		{Name: "day", Kind: data.String, Str: day}, {Name: "sku", Kind: data.String, Str: sku},
		{Name: "units", Kind: data.Number, Num: units}, {Name: "price", Kind: data.Number, Num: price},
		{Name: "regular", Kind: data.Number, Num: reg}, {Name: "flag", Kind: data.Number, Num: flag},
		{Name: "flag_copy", Kind: data.Number, Num: flagCopy}, {Name: "pa", Kind: data.Number, Num: pa},
		{Name: "pb", Kind: data.Number, Num: pb}, {Name: "traffic", Kind: data.Number, Num: traffic},
	}, "time: {column: day, frequency: day}\nkeys: [sku]\ntarget: units\nknown: [flag_copy, pa, pb, traffic]\n"+
		"promotion: {price: {off: regular}, flag: {off: 0}}\ncalendar: none\n")
	return p
}

// TestDetectRestated checks that a column restates a lever only in the
// series whose lever it copies (pa in a, pb in b, the flag's copy in all),
// never a regular price or an unrelated column, and that the builder reads
// it as missing there and as given elsewhere, in the history and in a plan.
func TestDetectRestated(t *testing.T) {
	p := restatedPanel(t)
	got := DetectRestated(p)
	want := map[string][]string{"pa": {"a"}, "pb": {"b"}, "flag_copy": {"a", "b", "c"}}
	if !maps.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("restated %v, want %v", got, want)
	}
	b, err := New(p, Config{MinLag: 2, Windows: []int{2, 4}, Restated: got}, nil)
	if err != nil {
		t.Fatal(err)
	}
	col := columnsByName(b)
	row := make([]float64, len(b.Features()))
	for si, s := range p.Series {
		if _, ok := b.Row(si, p.First+10, row); !ok {
			t.Fatalf("series %s: no row", s.ID)
		}
		for _, name := range []string{"pa", "pb", "flag_copy", "traffic"} {
			restated := slices.Contains(got[name], s.ID)
			if math.IsNaN(row[col[name]]) != restated {
				t.Errorf("series %s: %s reads %v, restated %v", s.ID, name, row[col[name]], restated)
			}
		}
	}
	values := map[string]float64{"price": 10, "regular": 10, "flag": 1, "flag_copy": 1, "pa": 7, "pb": 9, "traffic": 50000}
	known := make([]float64, len(p.Spec.Known))
	for k, name := range p.Spec.Known {
		known[k] = values[name]
	}
	pf, err := b.PlanMatrix([]PlanRow{{Series: 0, Period: p.Last + 1, Known: known}, {Series: 2, Period: p.Last + 1, Known: known}})
	if err != nil {
		t.Fatal(err)
	}
	if a, c := pf.X.Row(0), pf.X.Row(1); !math.IsNaN(a[col["pa"]]) || a[col["pb"]] != 9 || c[col["pa"]] != 7 {
		t.Errorf("plan rows read pa %v and pb %v in a, pa %v in c; want missing, 9 and 7", a[col["pa"]], a[col["pb"]], c[col["pa"]])
	}
	for _, bad := range []string{"price", "regular", "nope"} {
		if _, err := New(p, Config{MinLag: 2, Restated: map[string][]string{bad: {"a"}}}, nil); err == nil {
			t.Errorf("restated %q: accepted; a lever, its off column or an unknown column must be refused", bad)
		}
	}
}
