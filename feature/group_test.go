package feature

import (
	"math"
	"strings"
	"testing"

	"promocast/data"
	"promocast/panel"
	"promocast/spec"
)

// groupPanel builds a daily panel of three series over 10 days with two
// text attributes: brand (a, a, b) and cat (x, y, y) and a numeric one,
// size. Series 0 is 20% off on day 5; the others never promote.
func groupPanel(t *testing.T, group string) (*panel.Panel, error) {
	t.Helper()
	g := panel.Grid{Frequency: spec.Day}
	var day, sku, brand, cat []string
	var units, price, reg, size []float64
	for s, attrs := range [][2]string{{"a", "x"}, {"a", "y"}, {"b", "y"}} {
		for d := 0; d < 10; d++ {
			p := 10.0
			if s == 0 && d == 5 {
				p = 8
			}
			day, sku = append(day, g.Label(19723+d)), append(sku, string(rune('p'+s)))
			brand, cat = append(brand, attrs[0]), append(cat, attrs[1])
			units, price, reg, size = append(units, 10), append(price, p), append(reg, 10), append(size, float64(s))
		}
	}
	f, err := data.NewFrame("g.csv", []*data.Column{
		{Name: "day", Kind: data.String, Str: day}, {Name: "sku", Kind: data.String, Str: sku},
		{Name: "brand", Kind: data.String, Str: brand}, {Name: "cat", Kind: data.String, Str: cat},
		{Name: "size", Kind: data.Number, Num: size},
		{Name: "units", Kind: data.Number, Num: units}, {Name: "price", Kind: data.Number, Num: price},
		{Name: "regular", Kind: data.Number, Num: reg},
	})
	if err != nil {
		t.Fatal(err)
	}
	text := "time: {column: day, frequency: day}\nkeys: [sku]\ntarget: units\nstatic: [size, brand, cat]\npromotion: {price: {off: regular}}\ncalendar: none\n"
	if group != "" {
		text += "group: " + group + "\n"
	}
	sp, err := spec.Parse([]byte(text))
	if err != nil {
		return nil, err
	}
	return panel.Build(f, sp, panel.Options{})
}

// TestDeclaredGroup checks that the peers are the declared group's, and
// that a spec without a group keeps the first text attribute (brand).
func TestDeclaredGroup(t *testing.T) {
	for _, c := range []struct {
		group string
		index int
		share [3]float64 // group_promo_share of each series on day 5
	}{
		{"", 1, [3]float64{0, 1, math.NaN()}},    // brand: p and q are peers, r alone
		{"cat", 2, [3]float64{math.NaN(), 0, 0}}, // cat: q and r are peers, p alone
		{"none", -1, [3]float64{}},
	} {
		p, err := groupPanel(t, c.group)
		if err != nil {
			t.Fatal(err)
		}
		b, err := New(p, Config{MinLag: 1, Windows: []int{2}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := GroupAttribute(p); got != c.index || b.group != c.index {
			t.Errorf("group %q: attribute %d (builder %d), want %d", c.group, got, b.group, c.index)
		}
		col := -1
		for j, f := range b.Features() {
			if f.Name == "group_promo_share" {
				col = j
			}
		}
		if c.index < 0 {
			if col >= 0 {
				t.Errorf("group none: the builder still has peer features")
			}
			continue
		}
		row := make([]float64, len(b.Features()))
		for si := range p.Series {
			b.Row(si, p.Series[si].Start+5, row)
			if got, want := row[col], c.share[si]; got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Errorf("group %q: series %s peer share %v, want %v", c.group, p.Series[si].ID, got, want)
			}
		}
	}
}

func TestGroupErrors(t *testing.T) {
	if _, err := groupPanel(t, "colour"); err == nil || !strings.Contains(err.Error(), `group "colour"`) {
		t.Errorf("an undeclared group: %v", err)
	}
	p, err := groupPanel(t, "size")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(p, Config{MinLag: 1}, nil); err == nil || !strings.Contains(err.Error(), "holds numbers") {
		t.Errorf("a numeric group: %v", err)
	}
}
