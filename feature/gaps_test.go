package feature

import (
	"math"
	"testing"

	"promocast/data"
	"promocast/panel"
	"promocast/spec"
)

// TestRowWithHoles checks the features of a series with missing periods
// against hand-computed values: a lag that lands in a hole is missing (not
// zero, not the neighbour's value), rolling means and the level average
// the periods present only, and the scale follows them.
func TestRowWithHoles(t *testing.T) {
	// Weekly integer periods 1..12 of units = 10·period, with periods 5,
	// 6 and 9 missing.
	var per, sku []string
	var units, price []float64
	missing := map[int]bool{5: true, 6: true, 9: true}
	for w := 1; w <= 12; w++ {
		if missing[w] {
			continue
		}
		per, sku = append(per, string(rune('0'+w/10))+string(rune('0'+w%10))), append(sku, "a")
		units, price = append(units, float64(10*w)), append(price, 2)
	}
	f, err := data.NewFrame("h.csv", []*data.Column{
		{Name: "week", Kind: data.String, Str: per}, {Name: "sku", Kind: data.String, Str: sku},
		{Name: "units", Kind: data.Number, Num: units}, {Name: "price", Kind: data.Number, Num: price},
	})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := spec.Parse([]byte("time: {column: week, frequency: period, season: 1}\nkeys: [sku]\ntarget: units\nknown: [price]\n"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := panel.Build(f, sp, panel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(p, Config{MinLag: 2, Windows: []int{3, 6}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for j, ft := range b.Features() {
		col[ft.Name] = j
	}
	row := make([]float64, len(b.Features()))
	// Period 11 reads targets up to period 9 (a hole): lags 2, 3, 4 are
	// periods 9 (missing), 8 and 7; the windows of 3 and 6 periods ending
	// at 9 hold periods 7..9 (70, 80) and 4..9 (40, 70, 80).
	scale, ok := b.Row(0, 11, row)
	if !ok {
		t.Fatal("period 11 not usable")
	}
	level := (40.0 + 70 + 80) / 3
	if math.Abs(scale-(1+level)) > 1e-9 {
		t.Fatalf("scale %v, want %v (the long window's mean over the periods present)", scale, 1+level)
	}
	if v := row[col["lag_2"]]; !math.IsNaN(v) {
		t.Errorf("lag_2 reads the hole at period 9 as %v, want missing", v)
	}
	for name, want := range map[string]float64{"lag_3": 80 / scale, "lag_4": 70 / scale, "mean_3": 75 / scale, "mean_6": level / scale} {
		if got := row[col[name]]; math.Abs(got-want) > 1e-12 {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	// Period 8 reads up to period 6: periods 5 and 6 are holes, so the
	// short window (4..6) holds period 4 alone.
	scale, _ = b.Row(0, 8, row)
	if got, want := row[col["mean_3"]], 40/scale; math.Abs(got-want) > 1e-12 {
		t.Errorf("mean_3 at period 8 = %v, want %v (period 4 alone)", got, want)
	}
}
