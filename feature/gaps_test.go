package feature

import (
	"fmt"
	"math"
	"testing"

	"promocast/data"
	"promocast/panel"
)

// TestRowWithHoles checks the features of a series with missing periods
// against hand-computed values: a lag that lands in a hole is missing (not
// zero, not the neighbour's value), rolling means and the level average
// the periods present only, and the scale follows them.
func TestRowWithHoles(t *testing.T) {
	// Periods 1..12 with periods 5, 6 and 9 missing.
	p := holesPanel(t, 12, map[int]bool{5: true, 6: true, 9: true})
	b, err := New(p, Config{MinLag: 2, Windows: []int{3, 6}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	col := columns(b)
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

// holesPanel has one series per map of missing periods (a, b, …), each
// of integer periods 1..last with units = 10·period and its missing
// periods left out.
func holesPanel(t *testing.T, last int, missing ...map[int]bool) *panel.Panel {
	t.Helper()
	var per, sku []string
	var units, price []float64
	for k, miss := range missing {
		for w := 1; w <= last; w++ {
			if miss[w] {
				continue
			}
			per, sku = append(per, string(rune('0'+w/10))+string(rune('0'+w%10))), append(sku, string(rune('a'+k)))
			units, price = append(units, float64(10*w)), append(price, 2)
		}
	}
	p := testPanel(t, []*data.Column{
		{Name: "week", Kind: data.String, Str: per}, {Name: "sku", Kind: data.String, Str: sku},
		{Name: "units", Kind: data.Number, Num: units}, {Name: "price", Kind: data.Number, Num: price},
	}, "time: {column: week, frequency: period, season: 1}\nkeys: [sku]\ntarget: units\nknown: [price]\n")
	return p
}

// TestOutagesSkipped checks Config.Outages against hand-computed values
// on two series of periods 1..20: a misses 5 and 9..11, b misses 9..11.
// Periods 9..11 are an outage (Outages finds them) that lags and windows
// skip; a's hole at 5 stays missing.
func TestOutagesSkipped(t *testing.T) {
	p := holesPanel(t, 20, map[int]bool{5: true, 9: true, 10: true, 11: true}, map[int]bool{9: true, 10: true, 11: true})
	a := p.Series[0]
	ord := func(period int) int { return a.Start + period - 1 }
	out := Outages(p)
	if want := []int{ord(9), ord(10), ord(11)}; fmt.Sprint(out) != fmt.Sprint(want) {
		t.Fatalf("outages %v, want %v (periods 9..11)", out, want)
	}
	b, err := New(p, Config{MinLag: 2, Windows: []int{3, 6}, Outages: out}, nil)
	if err != nil {
		t.Fatal(err)
	}
	col := columns(b)
	row := make([]float64, len(b.Features()))
	nan := math.NaN()
	for _, c := range []struct {
		period int
		level  float64 // the scale's level
		want   map[string]float64
	}{
		// Period 8 reads up to period 6, before the outage: calendar
		// lags, the hole at 5 missing.
		{8, (10.0 + 20 + 30 + 40 + 60) / 5, map[string]float64{"lag_2": 60, "lag_3": nan, "lag_4": 40, "mean_3": 50}},
		// Period 13 reads up to period 11, in the outage: lags from
		// period 8 back, windows of 3 and 6 periods other than 9..11.
		{13, (30.0 + 40 + 60 + 70 + 80) / 5, map[string]float64{"lag_2": 80, "lag_3": 70, "lag_4": 60, "mean_3": 70}},
		// Period 14 reads up to period 12: lag 3 skips back to 8.
		{14, (40.0 + 60 + 70 + 80 + 120) / 5, map[string]float64{"lag_2": 120, "lag_3": 80, "lag_4": 70, "mean_3": (70.0 + 80 + 120) / 3}},
	} {
		scale, ok := b.Row(0, ord(c.period), row)
		if !ok {
			t.Fatalf("period %d not usable", c.period)
		}
		if math.Abs(scale-(1+c.level)) > 1e-9 {
			t.Errorf("period %d: scale %v, want %v", c.period, scale, 1+c.level)
		}
		for name, want := range c.want {
			want /= scale
			got := row[col[name]]
			if math.IsNaN(want) != math.IsNaN(got) || math.Abs(got-want) > 1e-9 {
				t.Errorf("period %d: %s = %v, want %v", c.period, name, got, want)
			}
		}
	}
	if _, err := New(p, Config{MinLag: 2, Outages: []int{ord(10), ord(9)}}, nil); err == nil {
		t.Error("outages out of order accepted")
	}
}

// columns maps the builder's feature names to their columns.
func columns(b *Builder) map[string]int {
	col := map[string]int{}
	for j, ft := range b.Features() {
		col[ft.Name] = j
	}
	return col
}
