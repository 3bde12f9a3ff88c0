package feature

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"promocast/data"
	"promocast/panel"
	"promocast/spec"
)

// planTestPanel builds a daily panel of 6 series in 2 categories with an
// inferred off price, a flag lever, a rival's price (a cross price) and
// holes; series "s3" and "s5" (of one category) end 5 days before the
// others.
func planTestPanel(t *testing.T) *panel.Panel {
	g := panel.Grid{Frequency: spec.Day}
	rng := rand.New(rand.NewPCG(3, 4))
	var day, sku, cat []string
	var units, price, flag, rival []float64
	for s := range 6 {
		days := 60
		if s == 3 || s == 5 {
			days = 55
		}
		for d := range days {
			if rng.IntN(9) == 0 {
				continue // a hole
			}
			p := 10.0 + float64(s)
			if rng.IntN(5) == 0 {
				p *= 0.7 + 0.2*rng.Float64()
			}
			day, sku, cat = append(day, g.Label(19723+d)), append(sku, fmt.Sprintf("s%d", s)), append(cat, []string{"a", "b"}[s%2])
			units = append(units, math.Round(20+10*rng.Float64()))
			price, flag, rival = append(price, p), append(flag, float64(rng.IntN(4)/3)), append(rival, 9+float64(d%3))
		}
	}
	p := testPanel(t, []*data.Column{
		{Name: "day", Kind: data.String, Str: day}, {Name: "sku", Kind: data.String, Str: sku},
		{Name: "cat", Kind: data.String, Str: cat}, {Name: "units", Kind: data.Number, Num: units},
		{Name: "price", Kind: data.Number, Num: price}, {Name: "flag", Kind: data.Number, Num: flag},
		{Name: "rival", Kind: data.Number, Num: rival},
	}, "time: {column: day, frequency: day}\nkeys: [sku]\ntarget: units\nknown: [price, flag, rival]\n"+
		"static: [cat]\ngroup: cat\npromotion:\n  price: {off: infer, window: 14}\n  flag: {off: 0}\ncalendar: none\n")
	return p
}

// sameFloats reports where two slices differ bit for bit; "" when they do
// not.
func sameFloats(a, b []float64) string {
	if len(a) != len(b) {
		return fmt.Sprintf("%d values, then %d", len(a), len(b))
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return fmt.Sprintf("value %d: %v, then %v", i, a[i], b[i])
		}
	}
	return ""
}

// TestPlanMatrixMatchesDerived checks PlanMatrix and LeversOff against a
// builder derived for the plan's series extended by the plan, as a
// forecast of a whole plan builds it, on random plans of one row per
// series: rows right after the history and after a gap, one for a series
// that ended early, prices above the inferred off price, peers promoted
// together; plan features, a plan's held within limits (LimitLevers,
// LimitPlanLevers) and the baseline's (levers off).
// It runs without and with outages (Config.Outages) for the lags and
// windows to skip, and without and with step lags (Config.FirstLag), each
// row read from the history's last period.
func TestPlanMatrixMatchesDerived(t *testing.T) {
	first := planTestPanel(t).First
	for _, outages := range [][]int{nil, {first + 10, first + 11, first + 30, first + 52}} {
		for _, firstLag := range []int{0, 1} {
			t.Run(fmt.Sprintf("outages=%v first lag=%d", outages, firstLag), func(t *testing.T) {
				planMatrixMatchesDerived(t, Config{MinLag: 3, FirstLag: firstLag, Windows: []int{3, 7, 14}, CrossPrices: []string{"rival"}, Outages: outages})
			})
		}
	}
}

func planMatrixMatchesDerived(t *testing.T, cfg Config) {
	p := planTestPanel(t)
	b, err := New(p, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	index := p.Index()
	rng := rand.New(rand.NewPCG(1, 2))
	promotedPeers := 0
	for trial := range 60 {
		var day, sku []string
		var price, flag, rival []float64
		for s := range 6 {
			if rng.IntN(3) == 0 {
				continue
			}
			s := p.Series[s]
			period := p.Last + 1 + rng.IntN(3)
			if trial%4 == 0 {
				period = s.End() + 1 // right after its own history, inside the panel's for s5
			}
			day, sku = append(day, p.Grid.Label(period)), append(sku, s.ID)
			price = append(price, (10+float64(s.Start%7))*[]float64{0.6, 1, 1.3}[rng.IntN(3)])
			flag, rival = append(flag, float64(rng.IntN(2))), append(rival, 9+float64(rng.IntN(3)))
		}
		if len(day) == 0 {
			continue
		}
		plan, err := data.NewFrame("plan.csv", []*data.Column{
			{Name: "day", Kind: data.String, Str: day}, {Name: "sku", Kind: data.String, Str: sku},
			{Name: "price", Kind: data.Number, Num: price}, {Name: "flag", Kind: data.Number, Num: flag},
			{Name: "rival", Kind: data.Number, Num: rival},
		})
		if err != nil {
			t.Fatal(err)
		}
		sub, err := p.Select(plan, index)
		if err != nil {
			t.Fatal(err)
		}
		targets, err := sub.Extend(plan)
		if err != nil {
			t.Fatal(err)
		}
		from := make([]int, len(sub.Series))
		for k, s := range sub.Series {
			from[k] = index[s.ID]
		}
		d, err := b.Derive(sub, from)
		if err != nil {
			t.Fatal(err)
		}
		refs := make([]Ref, len(targets))
		for i, tg := range targets {
			refs[i] = Ref{Series: tg.Series, Period: tg.Period, Lag: d.LagFrom(p.Last, tg.Period)}
		}
		wantX, wantScales := d.Matrix(refs)

		read, err := p.PlanRows(plan, index)
		if err != nil {
			t.Fatal(err)
		}
		rows := make([]PlanRow, len(read))
		off := make([]PlanRow, len(read))
		for i, r := range read {
			rows[i] = PlanRow{Series: r.Series, Period: r.Period, Known: r.Known}
			off[i] = PlanRow{Series: r.Series, Period: r.Period, Known: make([]float64, len(r.Known))}
			b.LeversOff(rows[i], off[i].Known)
		}
		got, err := b.PlanMatrix(rows)
		if err != nil {
			t.Fatal(err)
		}
		if diff := sameFloats(wantX.Values, got.X.Values); diff != "" {
			t.Fatalf("plan %d features: %s", trial, diff)
		}
		if diff := sameFloats(wantScales, got.Scales); diff != "" {
			t.Fatalf("plan %d scales: %s", trial, diff)
		}
		for i, tg := range targets {
			if d.Promoted(tg.Series, tg.Period) != got.Promoted[i] || d.Discount(tg.Series, tg.Period) != got.Discount[i] {
				t.Fatalf("plan %d row %d: promoted %v discount %v, then %v %v", trial, i,
					d.Promoted(tg.Series, tg.Period), d.Discount(tg.Series, tg.Period), got.Promoted[i], got.Discount[i])
			}
		}
		share := b.colGroup
		for i := range targets {
			if v := got.X.At(i, share); v > 0 {
				promotedPeers++
			}
		}

		// A plan held within limits (a price no lower than 80% of its
		// off price, the flag off), as the effect model holds rows beyond
		// what their series had.
		limit := func(name string, v, off float64) float64 {
			if name == "price" {
				return math.Max(v, 0.8*off)
			}
			return off
		}
		dl, err := b.Derive(sub, from)
		if err != nil {
			t.Fatal(err)
		}
		limited := make([]PlanRow, len(read))
		for i, tg := range targets {
			dl.LimitLevers(tg.Series, tg.Period, limit)
			limited[i] = PlanRow{Series: rows[i].Series, Period: rows[i].Period, Known: make([]float64, len(rows[i].Known))}
			b.LimitPlanLevers(rows[i], limit, limited[i].Known)
		}
		dl.Refresh()
		samePlanFeatures(t, trial, "limited", dl, refs, b, limited)

		for _, tg := range targets {
			d.SetLeversOff(tg.Series, tg.Period)
		}
		d.Refresh()
		samePlanFeatures(t, trial, "baseline", d, refs, b, off)
	}
	if promotedPeers == 0 {
		t.Error("no plan row has a promoted peer: the comparison does not cover peers")
	}

	twice := []PlanRow{{Series: 0, Period: p.Last + 1, Known: []float64{1, 0, 9}}, {Series: 0, Period: p.Last + 2, Known: []float64{1, 0, 9}}}
	if _, err := b.PlanMatrix(twice); err == nil {
		t.Error("a plan naming a series twice was accepted")
	}
}

// samePlanFeatures checks that b's PlanMatrix of rows gives the features
// the derived builder d gives for refs.
func samePlanFeatures(t *testing.T, trial int, what string, d *Builder, refs []Ref, b *Builder, rows []PlanRow) {
	t.Helper()
	want, _ := d.Matrix(refs)
	got, err := b.PlanMatrix(rows)
	if err != nil {
		t.Fatal(err)
	}
	if diff := sameFloats(want.Values, got.X.Values); diff != "" {
		t.Fatalf("plan %d %s features: %s", trial, what, diff)
	}
}

// TestLeverFeaturesConstrained checks that every feature a series' own
// lever moves is constrained so that more promotion never lowers the
// forecast: a deeper discount, or a flag switched on, changes each such
// feature only in the direction its Monotone sign lets raise the
// forecast. A feature left unconstrained let the trees' what-if curves
// fall as a discount deepened (on tuna, 36 of 280 one-point steps).
func TestLeverFeaturesConstrained(t *testing.T) {
	p := planTestPanel(t)
	b, err := New(p, Config{MinLag: 1, Windows: []int{3, 7}, CrossPrices: []string{"rival"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	feats := b.Features()
	nk := len(p.Spec.Known)
	row := func(price, flag float64) []float64 {
		known := make([]float64, nk)
		for k, name := range p.Spec.Known {
			known[k] = map[string]float64{"price": price, "flag": flag, "rival": 9}[name]
		}
		m, err := b.PlanMatrix([]PlanRow{{Series: 0, Period: p.Last + 1, Known: known}})
		if err != nil {
			t.Fatal(err)
		}
		return m.X.Row(0)
	}
	base := row(10, 0)
	for _, c := range []struct {
		name string
		x    []float64
	}{{"price 10 → 7", row(7, 0)}, {"price 10 → 9.8", row(9.8, 0)}, {"flag on", row(10, 1)}} {
		moved := 0
		for j, f := range feats {
			if xn, bn := math.IsNaN(c.x[j]), math.IsNaN(base[j]); xn || bn {
				if xn != bn {
					t.Errorf("%s: feature %s goes from %v to %v", c.name, f.Name, base[j], c.x[j])
				}
				continue
			}
			d := c.x[j] - base[j]
			if d == 0 {
				continue
			}
			moved++
			if float64(f.Monotone)*d <= 0 {
				t.Errorf("%s: feature %s moves by %+g with monotone %d", c.name, f.Name, d, f.Monotone)
			}
		}
		if moved == 0 {
			t.Errorf("%s: no feature moved", c.name)
		}
	}
}
