package feature

import (
	"math"
	"testing"

	"promocast/data"
	"promocast/panel"
	"promocast/spec"
)

// tiny builds a daily panel of two series in one group over 20 days:
// series a has units = day index, a 20% discount on days 5 and 12, and a
// display flag on day 14; series b sells 10 a day at full price.
func tiny(t *testing.T) (*panel.Panel, *Builder) {
	t.Helper()
	g := panel.Grid{Frequency: spec.Day}
	var day, sku, cat []string
	var units, price, reg, disp []float64
	for _, s := range []string{"a", "b"} {
		for d := 0; d < 20; d++ {
			day, sku, cat = append(day, g.Label(19723+d)), append(sku, s), append(cat, "g") // 19723 = 2024-01-01, a Monday
			p, u, dsp := 10.0, 10.0, 0.0
			if s == "a" {
				u = float64(d)
				if d == 5 || d == 12 {
					p = 8
				}
				if d == 14 {
					dsp = 1
				}
			}
			units, price, reg, disp = append(units, u), append(price, p), append(reg, 10), append(disp, dsp)
		}
	}
	p := testPanel(t, []*data.Column{
		{Name: "day", Kind: data.String, Str: day}, {Name: "sku", Kind: data.String, Str: sku}, {Name: "cat", Kind: data.String, Str: cat},
		{Name: "units", Kind: data.Number, Num: units}, {Name: "price", Kind: data.Number, Num: price},
		{Name: "regular", Kind: data.Number, Num: reg}, {Name: "display", Kind: data.Number, Num: disp},
	}, "time: {column: day, frequency: day}\nkeys: [sku]\ntarget: units\nstatic: [cat]\npromotion: {price: {off: regular}, display: {off: 0}}\ncalendar: none\n")
	b, err := New(p, Config{MinLag: 3, Windows: []int{2, 4}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p, b
}

func TestRowValues(t *testing.T) {
	p, b := tiny(t)
	names := map[string]int{}
	for i, f := range b.Features() {
		names[f.Name] = i
	}
	row := make([]float64, len(b.Features()))
	a := p.Series[0].Start
	scale, ok := b.Row(0, a+13, row) // day 13: targets up to day 10 are readable
	if !ok {
		t.Fatal("row not usable")
	}
	level := (7.0 + 8 + 9 + 10) / 4 // mean over the longest window ending at day 10
	if scale != 1+level {
		t.Fatalf("scale %v, want %v", scale, 1+level)
	}
	want := map[string]float64{
		"lag_3": 10 / scale, "lag_4": 9 / scale, "lag_5": 8 / scale, "lag_season": 6 / scale, // season lag: 7 ≥ 3
		"mean_2": 9.5 / scale, "mean_4": level / scale, "level_log": math.Log1p(level),
		"price": 10, "display": 0, "price_discount": 0,
		"promo": 0, "promo_prev": 1, "since_promo": 1, "promo_next": 1, // day 12 promoted, day 14 has display
		"group_promo_share": 0, "group_discount": 0,
		"day_of_week": 0, "month": 0, "cat": 0, // 2024-01-14 is a Sunday
	}
	for n, v := range want {
		if got := row[names[n]]; math.Abs(got-v) > 1e-12 {
			t.Errorf("%s = %v, want %v", n, got, v)
		}
	}
	// promo_freq: the mid window (4) before day 13 is days 9..12, one promoted.
	if got := row[names["promo_freq"]]; math.Abs(got-0.25) > 1e-12 {
		t.Errorf("promo_freq = %v, want 0.25", got)
	}
	// Series b on day 12 sees its peer promoted at 20% off.
	b.Row(1, a+12, row)
	if row[names["group_promo_share"]] != 1 || math.Abs(row[names["group_discount"]]-0.2) > 1e-12 {
		t.Errorf("peer features %v %v, want 1 and 0.2", row[names["group_promo_share"]], row[names["group_discount"]])
	}
	// Too early: no target at or before day 2-3 < 0.
	if _, ok := b.Row(0, a+2, row); ok {
		t.Error("a row with no readable target history was usable")
	}
}

// TestRowIgnoresRecentTargets changes the targets after t-MinLag and checks
// the row does not change.
func TestRowIgnoresRecentTargets(t *testing.T) {
	p, b := tiny(t)
	row := make([]float64, len(b.Features()))
	a := p.Series[0].Start
	b.Row(0, a+15, row)
	before := append([]float64(nil), row...)
	for i := 13; i < 20; i++ {
		p.Series[0].Y[i] = 1e6
		p.Series[1].Y[i] = 1e6
	}
	b.Prepare()
	b.Row(0, a+15, row)
	for i := range row {
		if row[i] != before[i] && !(math.IsNaN(row[i]) && math.IsNaN(before[i])) {
			t.Errorf("feature %s changed from %v to %v", b.Features()[i].Name, before[i], row[i])
		}
	}
}

func TestSetLeversOff(t *testing.T) {
	p, b := tiny(t)
	a := p.Series[0].Start
	if !b.Promoted(0, a+5) || math.Abs(b.Discount(0, a+5)-0.2) > 1e-12 {
		t.Fatal("day 5 not promoted at 20%")
	}
	b.SetLeversOff(0, a+5)
	b.SetLeversOff(0, a+14)
	b.Prepare()
	if b.Promoted(0, a+5) || b.Promoted(0, a+14) || p.Series[0].Known[1][5] != 10 {
		t.Fatal("levers not off")
	}
	if g := b.Groups(); len(g.Own) != 5 || len(g.History) != 3 || len(g.Next) != 1 || len(g.Peers) != 2 {
		t.Fatalf("groups %+v", g) // own: price, display, price_discount, price_rel_history, promo
	}
}

func TestConfigErrors(t *testing.T) {
	p, _ := tiny(t)
	for _, c := range []Config{{MinLag: 0}, {MinLag: 1, Windows: []int{4, 2}}, {MinLag: 1, PromoThreshold: 1.5}} {
		if _, err := New(p, c, nil); err == nil {
			t.Errorf("config %+v accepted", c)
		}
	}
}

// TestDeriveMatchesFreshBuilder derives a builder for one series extended
// by a plan and checks its rows, before and after switching levers off,
// equal those of a builder built from scratch on the same panel.
func TestDeriveMatchesFreshBuilder(t *testing.T) {
	p, b := tiny(t)
	plan, _ := data.NewFrame("plan.csv", []*data.Column{
		{Name: "day", Kind: data.String, Str: []string{p.Grid.Label(p.Last + 1), p.Grid.Label(p.Last + 2)}},
		{Name: "sku", Kind: data.String, Str: []string{"a", "a"}},
		{Name: "price", Kind: data.Number, Num: []float64{8, 10}},
		{Name: "regular", Kind: data.Number, Num: []float64{10, 10}},
		{Name: "display", Kind: data.Number, Num: []float64{1, 0}},
	})
	sub, err := p.Select(plan, p.Index())
	if err != nil {
		t.Fatal(err)
	}
	targets, err := sub.Extend(plan)
	if err != nil {
		t.Fatal(err)
	}
	derived, err := b.Derive(sub, []int{0})
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := New(sub, b.Config(), nil)
	if err != nil {
		t.Fatal(err)
	}
	compare := func(stage string) {
		x, y := make([]float64, len(b.Features())), make([]float64, len(b.Features()))
		for _, tg := range targets {
			derived.Row(tg.Series, tg.Period, x)
			fresh.Row(tg.Series, tg.Period, y)
			for j := range x {
				if x[j] != y[j] && !(math.IsNaN(x[j]) && math.IsNaN(y[j])) {
					t.Errorf("%s, period %d: feature %s derived %v, fresh %v", stage, tg.Period, b.Features()[j].Name, x[j], y[j])
				}
			}
		}
	}
	compare("plan")
	for _, tg := range targets {
		derived.SetLeversOff(tg.Series, tg.Period)
	}
	derived.Refresh()
	fresh.Prepare() // the panel's levers are off now for both
	compare("baseline")
	if derived.Promoted(0, targets[0].Period) {
		t.Error("levers still on after Refresh")
	}
	if _, err := b.Derive(sub, []int{1}); err == nil {
		t.Error("deriving series a from series b was accepted")
	}
}

// TestStepLags checks rows that read targets from lags of their own: a row
// of lag 1 reads the day before it (lag_last_1..3, windows and level ending
// there, lead = 1), one of lag 3 the values a builder without step lags
// gives, changing a target after a row's own cut changes nothing in it, and
// training rows take every lag from FirstLag to MinLag, the same on every
// call.
func TestStepLags(t *testing.T) {
	p, old := tiny(t)
	b, err := New(p, Config{MinLag: 3, FirstLag: 1, Windows: []int{2, 4}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]int{}
	for i, f := range b.Features() {
		names[f.Name] = i
	}
	a := p.Series[0].Start
	row := make([]float64, len(b.Features()))
	scale, ok := b.RefRow(Ref{Series: 0, Period: a + 13, Lag: 1}, row) // targets up to day 12
	if !ok {
		t.Fatal("row not usable")
	}
	level := (9.0 + 10 + 11 + 12) / 4
	if scale != 1+level {
		t.Fatalf("scale %v, want %v", scale, 1+level)
	}
	want := map[string]float64{"lag_last_1": 12 / scale, "lag_last_2": 11 / scale, "lag_last_3": 10 / scale,
		"mean_2": 11.5 / scale, "level_log": math.Log1p(level), "lead": 1}
	for n, v := range want {
		if got := row[names[n]]; math.Abs(got-v) > 1e-12 {
			t.Errorf("%s = %v, want %v", n, got, v)
		}
	}

	// Lag 3 reads what the builder without step lags reads.
	wantOld := make([]float64, len(old.Features()))
	old.Row(0, a+13, wantOld)
	b.RefRow(Ref{Series: 0, Period: a + 13, Lag: 3}, row)
	for i, f := range old.Features() {
		j := i
		if i >= names["lead"] {
			j++ // the lead column comes after level_log
		}
		if row[j] != wantOld[i] && !(math.IsNaN(row[j]) && math.IsNaN(wantOld[i])) {
			t.Errorf("lag 3: %s = %v, the builder without step lags %v", f.Name, row[j], wantOld[i])
		}
	}
	if row[names["lead"]] != 3 {
		t.Errorf("lead %v, want 3", row[names["lead"]])
	}

	// Targets after the cut of a lag-2 row do not reach it.
	b.RefRow(Ref{Series: 0, Period: a + 15, Lag: 2}, row)
	before := append([]float64(nil), row...)
	for i := 14; i < 20; i++ {
		p.Series[0].Y[i], p.Series[1].Y[i] = 1e6, 1e6
	}
	b.Prepare()
	b.RefRow(Ref{Series: 0, Period: a + 15, Lag: 2}, row)
	for i := range row {
		if row[i] != before[i] && !(math.IsNaN(row[i]) && math.IsNaN(before[i])) {
			t.Errorf("lag 2: %s changed from %v to %v after targets past day 13 changed", b.Features()[i].Name, before[i], row[i])
		}
	}

	seen := map[int]int{}
	for si := range p.Series {
		for d := range 20 {
			l := b.TrainingLag(si, a+d)
			if l != b.TrainingLag(si, a+d) {
				t.Fatal("training lag differs between calls")
			}
			seen[l]++
		}
	}
	if len(seen) != 3 || seen[1] == 0 || seen[2] == 0 || seen[3] == 0 {
		t.Errorf("training lags %v, want each of 1, 2, 3", seen)
	}
	if got := b.LagFrom(a+10, a+12); got != 2 {
		t.Errorf("lag of a row two days after its origin %d, want 2", got)
	}
	if got := old.TrainingLag(0, a+5); got != 3 {
		t.Errorf("without step lags a training row reads lag %d, want MinLag 3", got)
	}
}

// TestOriginSincePromo checks origin_since_promo: the periods from a row's
// origin (its period less the lag it reads from) back to the series' last
// promotion at or before it, capped at twice the longest window; that it
// does not change when the row's own or later levers do; and that a
// builder without Config.OriginPromo has no such feature.
func TestOriginSincePromo(t *testing.T) {
	p, plain := tiny(t)
	if feature(plain, "origin_since_promo") >= 0 {
		t.Error("a builder without OriginPromo has origin_since_promo")
	}
	b, err := New(p, Config{MinLag: 3, Windows: []int{2, 4}, OriginPromo: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	col := feature(b, "origin_since_promo")
	if col < 0 {
		t.Fatal("no origin_since_promo")
	}
	row := make([]float64, len(b.Features()))
	a := p.Series[0].Start
	// Series a is promoted on days 5, 12 (20% off) and 14 (display).
	for _, c := range []struct{ day, want int }{
		{8, 0},  // origin day 5, promoted
		{10, 2}, // origin day 7
		{15, 0}, // origin day 12
		{17, 0}, // origin day 14
		{19, 2}, // origin day 16
	} {
		if _, ok := b.Row(0, a+c.day, row); !ok {
			t.Fatalf("day %d: row not usable", c.day)
		}
		if got := row[col]; got != float64(c.want) {
			t.Errorf("day %d: origin_since_promo %v, want %d", c.day, got, c.want)
		}
	}
	// Series b was never promoted: the cap, twice the longest window.
	b.Row(1, a+10, row)
	if row[col] != 8 {
		t.Errorf("never promoted: %v, want 8", row[col])
	}
	// The row's own levers, after the origin, do not move it.
	b.Row(0, a+15, row)
	before := row[col]
	b.SetLeversOff(0, a+15)
	b.SetLeversOff(0, a+14)
	b.SetLeversOff(0, a+13)
	b.Refresh()
	b.Row(0, a+15, row)
	if row[col] != before {
		t.Errorf("levers after the origin moved origin_since_promo from %v to %v", before, row[col])
	}
}

// feature returns the index of the builder's feature name, -1 for none.
func feature(b *Builder, name string) int {
	for i, f := range b.Features() {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// testPanel builds the panel of a history of the columns under the spec
// text, failing the test on an error.
func testPanel(t *testing.T, cols []*data.Column, specText string) *panel.Panel {
	t.Helper()
	f, err := data.NewFrame("t.csv", cols)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := spec.Parse([]byte(specText))
	if err != nil {
		t.Fatal(err)
	}
	p, err := panel.Build(f, sp, panel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// columnsByName maps each of the builder's feature names to its column.
func columnsByName(b *Builder) map[string]int {
	col := map[string]int{}
	for j, f := range b.Features() {
		col[f.Name] = j
	}
	return col
}
