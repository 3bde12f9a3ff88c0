package synth

import (
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"promocast/calendar"
	"promocast/data"
	"promocast/spec"
)

// generateDefault generates the default panel once for all tests, which
// must not modify it.
var generateDefault = sync.OnceValues(func() (*Panel, error) { return Generate(Config{}) })

func defaultPanel(t *testing.T) *Panel {
	t.Helper()
	p, err := generateDefault()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestShape(t *testing.T) {
	p := defaultPanel(t)
	if len(p.SKUs) != DefaultSKUs || len(p.Categories) != DefaultCategories {
		t.Fatalf("%d SKUs in %d categories", len(p.SKUs), len(p.Categories))
	}
	if p.HistoryStart.String() != "2023-10-01" || p.HistoryEnd.String() != "2025-10-15" ||
		p.PlanStart.String() != "2025-10-16" || p.PlanEnd.String() != "2025-11-15" {
		t.Fatalf("days %s..%s, plan %s..%s", p.HistoryStart, p.HistoryEnd, p.PlanStart, p.PlanEnd)
	}
	wantHist := []string{"date", "sku", "category", "brand", "price_tier", "units", "price", "regular_price",
		"discount", "feature", "display", "coupon", "unit_cost", "stockout"}
	if !slices.Equal(p.History.Names(), wantHist) {
		t.Errorf("history columns %v", p.History.Names())
	}
	wantPlan := slices.DeleteFunc(slices.Clone(wantHist), func(s string) bool { return s == "units" || s == "stockout" })
	if !slices.Equal(p.Plan.Names(), wantPlan) {
		t.Errorf("plan columns %v", p.Plan.Names())
	}
	if !slices.Equal(p.Truth.Names(), []string{"date", "sku", "units", "expected", "baseline", "uplift"}) {
		t.Errorf("truth columns %v", p.Truth.Names())
	}

	// Rows are exactly each SKU's days on sale, sorted by SKU then date.
	histDays, planSKUs, late, delisted := 0, 0, 0, 0
	for _, s := range p.SKUs {
		histDays += int(min(s.Last, p.HistoryEnd)-s.Launch) + 1
		if s.Last > p.HistoryEnd {
			planSKUs++
		}
		if s.Launch > p.HistoryStart {
			late++
		}
		if s.Last < p.HistoryEnd {
			delisted++
		}
	}
	if p.History.Rows() != histDays {
		t.Errorf("history has %d rows, SKUs are on sale %d SKU-days", p.History.Rows(), histDays)
	}
	if late < 15 || delisted < 8 || late+delisted > 90 {
		t.Errorf("%d late launches, %d delistings: want gaps, but not too many", late, delisted)
	}
	if p.Plan.Rows() != planSKUs*31 || p.Truth.Rows() != p.Plan.Rows() {
		t.Errorf("plan %d rows, truth %d, want %d SKUs × 31 days", p.Plan.Rows(), p.Truth.Rows(), planSKUs)
	}
	for _, f := range []*data.Frame{p.History, p.Plan} {
		date, sku := f.Column("date").Str, f.Column("sku").Str
		for i := 1; i < len(date); i++ {
			if sku[i] < sku[i-1] || sku[i] == sku[i-1] && date[i] <= date[i-1] {
				t.Fatalf("%s: row %d (%s %s) out of order after (%s %s)", f.Source, i+1, sku[i], date[i], sku[i-1], date[i-1])
			}
		}
	}
	if !slices.Equal(p.Truth.Column("date").Str, p.Plan.Column("date").Str) ||
		!slices.Equal(p.Truth.Column("sku").Str, p.Plan.Column("sku").Str) {
		t.Error("truth is not row-aligned with the plan")
	}
}

func TestValues(t *testing.T) {
	p := defaultPanel(t)
	for _, f := range []*data.Frame{p.History, p.Plan} {
		price, regular, disc := f.Column("price").Num, f.Column("regular_price").Num, f.Column("discount").Num
		promoted := 0
		for i := range price {
			if disc[i] < 0 || disc[i] > 0.5 || math.Abs(price[i]-regular[i]*(1-disc[i])) > 0.005+1e-9 || price[i] <= 0 {
				t.Fatalf("%s row %d: price %v regular %v discount %v", f.Source, i+1, price[i], regular[i], disc[i])
			}
			for _, flag := range []string{"feature", "display", "coupon"} {
				if v := f.Column(flag).Num[i]; v != 0 && v != 1 {
					t.Fatalf("%s row %d: %s = %v", f.Source, i+1, flag, v)
				}
			}
			if disc[i] > 0 {
				promoted++
			}
		}
		if share := float64(promoted) / float64(len(price)); share < 0.02 || share > 0.3 {
			t.Errorf("%s: %.1f%% of rows discounted", f.Source, 100*share)
		}
	}
	units, stockout := p.History.Column("units").Num, p.History.Column("stockout").Num
	outs := 0
	for i, u := range units {
		if u < 0 || u != math.Trunc(u) || math.IsNaN(u) {
			t.Fatalf("history row %d: units %v", i+1, u)
		}
		outs += int(stockout[i])
	}
	if share := float64(outs) / float64(len(units)); share < 0.005 || share > 0.05 {
		t.Errorf("stockout on %.2f%% of rows", 100*share)
	}
	for i, u := range p.Truth.Column("units").Num {
		if u < 0 || u != math.Trunc(u) {
			t.Fatalf("truth row %d: units %v", i+1, u)
		}
	}
}

// TestHistoryFollowsTruth checks the drawn units against the model: their
// sum over days without stockout matches the expected units that Expected
// computes for the history's own rows, within 1%.
func TestHistoryFollowsTruth(t *testing.T) {
	p := defaultPanel(t)
	mu, err := p.Expected(p.History)
	if err != nil {
		t.Fatal(err)
	}
	units, stockout := p.History.Column("units").Num, p.History.Column("stockout").Num
	var got, want, censored, lost float64
	for i := range mu {
		if stockout[i] == 1 {
			censored += units[i]
			lost += mu[i]
			continue
		}
		got += units[i]
		want += mu[i]
	}
	if r := got / want; math.Abs(r-1) > 0.01 {
		t.Errorf("units / expected = %.4f over days in stock, want 1 ± 0.01", r)
	}
	if censored >= 0.6*lost {
		t.Errorf("stockout days sold %.0f of an expected %.0f: want them censored", censored, lost)
	}
}

// TestEventsVisibleInHistory checks Double 11 2024 in the data: the day
// sells far more than the pre-sale weeks, the lull before it sells less
// than the early pre-sale.
func TestEventsVisibleInHistory(t *testing.T) {
	p := defaultPanel(t)
	byDay := map[string]float64{}
	date, units := p.History.Column("date").Str, p.History.Column("units").Num
	for i := range date {
		byDay[date[i]] += units[i]
	}
	sum := func(from, to string) float64 {
		a, _ := calendar.ParseDate(from)
		b, _ := calendar.ParseDate(to)
		s := 0.0
		for d := a; d <= b; d++ {
			s += byDay[d.String()]
		}
		return s / float64(b-a+1)
	}
	early, lull, day, after := sum("2024-10-21", "2024-10-27"), sum("2024-11-08", "2024-11-10"), sum("2024-11-11", "2024-11-11"), sum("2024-11-12", "2024-11-13")
	if day < 4*early || lull > 0.9*early || after > early {
		t.Errorf("Double 11 2024 units a day: pre-sale %.0f, lull %.0f, day %.0f, after %.0f", early, lull, day, after)
	}
	if sf, before := sum("2024-02-10", "2024-02-16"), sum("2024-01-06", "2024-01-19"); sf > 0.6*before {
		t.Errorf("Spring Festival 2024 %.0f units a day vs %.0f before: want the logistics dip", sf, before)
	}
}

func TestEventMultiplier(t *testing.T) {
	for day, want := range map[string]float64{
		"2025-11-11": 3, "2025-11-09": 0.75, "2025-11-03": 0.85, "2025-10-20": 1.05, "2025-10-19": 1,
		"2025-11-12": 0.7, "2025-11-15": 1, "2025-06-01": 1.4, "2025-06-18": 2.2, "2025-12-12": 1.5,
		"2025-01-29": 0.45, "2025-01-28": 0.65, "2025-02-05": 0.75, "2024-02-10": 0.45, "2025-03-03": 1,
	} {
		d, _ := calendar.ParseDate(day)
		if got := EventMultiplier(d); got != want {
			t.Errorf("EventMultiplier(%s) = %v, want %v", day, got, want)
		}
	}
}

func TestPlanTruth(t *testing.T) {
	p := defaultPanel(t)
	plan, truth := p.Plan, p.Truth
	exp, base, upl := truth.Column("expected").Num, truth.Column("baseline").Num, truth.Column("uplift").Num
	promo := make([]bool, plan.Rows())
	type group struct {
		cat, date string
	}
	promotedIn := map[group]bool{}
	for i := range promo {
		promo[i] = plan.Column("discount").Num[i] > 0 || plan.Column("feature").Num[i] == 1 ||
			plan.Column("display").Num[i] == 1 || plan.Column("coupon").Num[i] == 1
		if promo[i] {
			promotedIn[group{plan.Column("category").Str[i], plan.Column("date").Str[i]}] = true
		}
	}
	var promoExp, promoBase float64
	var nPromo, nPeer, nQuiet int
	for i := range promo {
		if upl[i] != exp[i]-base[i] || base[i] <= 0 {
			t.Fatalf("row %d: expected %v baseline %v uplift %v", i+1, exp[i], base[i], upl[i])
		}
		g := group{plan.Column("category").Str[i], plan.Column("date").Str[i]}
		switch {
		case promo[i]:
			promoExp += exp[i]
			promoBase += base[i]
			nPromo++
		case promotedIn[g]:
			nPeer++
			if !(exp[i] < base[i]) {
				t.Fatalf("row %d: a peer of a promoted SKU has expected %v ≥ baseline %v", i+1, exp[i], base[i])
			}
		default:
			nQuiet++
			if exp[i] != base[i] {
				t.Fatalf("row %d: no promotion in the category that day, yet expected %v ≠ baseline %v", i+1, exp[i], base[i])
			}
		}
	}
	if nPromo < 1000 || nPeer < 1000 || nQuiet < 1000 {
		t.Fatalf("%d promoted rows, %d peer rows, %d quiet rows", nPromo, nPeer, nQuiet)
	}
	if promoExp < 1.2*promoBase {
		t.Errorf("promoted rows expect %.0f units, baseline %.0f: want a clear uplift", promoExp, promoBase)
	}
	// Double 11 itself: the plan lifts the day's total.
	var d11Exp, d11Base float64
	for i, d := range plan.Column("date").Str {
		if d == "2025-11-11" {
			d11Exp += exp[i]
			d11Base += base[i]
		}
	}
	if d11Exp < 1.3*d11Base {
		t.Errorf("Nov 11 expects %.0f units against a baseline of %.0f", d11Exp, d11Base)
	}
	t.Logf("promoted rows: %d, expected %.0f vs baseline %.0f; Nov 11 %.0f vs %.0f", nPromo, promoExp, promoBase, d11Exp, d11Base)
}

// TestExpectedClosedForm checks the oracle against the model's formula on
// a one-row plan (no peers, so no cannibalisation) and its agreement with
// Truth.
func TestExpectedClosedForm(t *testing.T) {
	p := defaultPanel(t)
	got, err := p.Expected(p.Plan)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, p.Truth.Column("expected").Num) {
		t.Error("Expected(Plan) differs from Truth.expected")
	}
	s := &p.SKUs[0]
	d := calendar.DateOf(2025, time.November, 11)
	one := func(price, feature, display, coupon float64) float64 {
		f := mustFrame(t, "one.csv", map[string]any{
			"date": []string{d.String()}, "sku": []string{s.ID}, "price": []float64{price},
			"regular_price": []float64{100}, "feature": []float64{feature}, "display": []float64{display}, "coupon": []float64{coupon},
		})
		v, err := p.Expected(f)
		if err != nil {
			t.Fatal(err)
		}
		return v[0]
	}
	off := one(100, 0, 0, 0)
	c := &p.Categories[s.Category]
	doy := float64(d - calendar.DateOf(2025, 1, 1) + 1)
	want := s.Base * math.Exp(s.Trend*float64(d-p.HistoryStart)/365) * p.Effects.Weekday[time.Tuesday] *
		math.Exp(c.YearlyAmplitude*math.Cos(2*math.Pi*(doy-float64(c.YearlyPeak))/365.25)) * math.Pow(3, c.EventScale)
	if s.Ramp || math.Abs(off/want-1) > 1e-12 {
		t.Errorf("lever-off mean %v, formula %v", off, want)
	}
	on := one(70, 1, 1, 1)
	lift := math.Pow(0.7, s.Elasticity) * 1.35 * 1.2 * 1.15
	if math.Abs(on/off/lift-1) > 1e-12 {
		t.Errorf("lift %v, want (0.7)^%v × 1.35 × 1.2 × 1.15 = %v", on/off, s.Elasticity, lift)
	}
}

func TestExpectedErrors(t *testing.T) {
	p := defaultPanel(t)
	base := map[string]any{
		"date": []string{"2025-11-11", "2025-11-11"}, "sku": []string{p.SKUs[0].ID, p.SKUs[1].ID},
		"price": []float64{10, 10}, "regular_price": []float64{10, 10},
		"feature": []float64{0, 0}, "display": []float64{0, 0}, "coupon": []float64{0, 0},
	}
	with := func(col string, v any) *data.Frame {
		m := map[string]any{}
		for k, x := range base {
			m[k] = x
		}
		if v == nil {
			delete(m, col)
		} else {
			m[col] = v
		}
		return mustFrame(t, "plan.csv", m)
	}
	for _, tc := range []struct {
		f    *data.Frame
		want string
	}{
		{with("sku", []string{p.SKUs[0].ID, "nope"}), `plan.csv: row 2: column sku: "nope" is not a SKU`},
		{with("sku", []string{p.SKUs[0].ID, p.SKUs[0].ID}), "already appears in row 1"},
		{with("date", []string{"2025-11-11", "11/11/2025"}), "row 2: column date"},
		{with("price", []float64{10, math.NaN()}), "row 2: column price: expected a finite number"},
		{with("regular_price", []float64{0, 10}), "row 1: price 10 and regular_price 0 must be positive"},
		{with("coupon", nil), `no column "coupon"`},
	} {
		_, err := p.Expected(tc.f)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want it to contain %q", err, tc.want)
		}
	}
}

func mustFrame(t *testing.T, source string, cols map[string]any) *data.Frame {
	t.Helper()
	names := make([]string, 0, len(cols))
	for n := range cols {
		names = append(names, n)
	}
	slices.Sort(names)
	var cs []*data.Column
	for _, n := range names {
		switch v := cols[n].(type) {
		case []string:
			cs = append(cs, &data.Column{Name: n, Kind: data.String, Str: v})
		case []float64:
			cs = append(cs, &data.Column{Name: n, Kind: data.Number, Num: v})
		}
	}
	f, err := data.NewFrame(source, cs)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestDeterminism(t *testing.T) {
	cfg := Config{Seed: 42, SKUs: 60, Categories: 4}
	a, err := Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Generate(cfg)
	cfg.Seed = 43
	c, _ := Generate(cfg)
	if !framesEqual(a.History, b.History) || !framesEqual(a.Plan, b.Plan) || !framesEqual(a.Truth, b.Truth) {
		t.Error("the same seed gave different panels")
	}
	if framesEqual(a.History, c.History) || framesEqual(a.Truth, c.Truth) {
		t.Error("different seeds gave the same panel")
	}
}

func framesEqual(a, b *data.Frame) bool {
	if !slices.Equal(a.Names(), b.Names()) || a.Rows() != b.Rows() {
		return false
	}
	for k, c := range a.Columns {
		d := b.Columns[k]
		if !slices.Equal(c.Str, d.Str) || len(c.Num) != len(d.Num) {
			return false
		}
		for i := range c.Num {
			if math.Float64bits(c.Num[i]) != math.Float64bits(d.Num[i]) {
				return false
			}
		}
	}
	return true
}

func TestSpecDescribesFrames(t *testing.T) {
	s, err := spec.Parse([]byte(Spec()))
	if err != nil {
		t.Fatal(err)
	}
	p := defaultPanel(t)
	for _, col := range append(append([]string{s.Time.Column, s.Target}, s.Keys...), append(s.Known, s.Static...)...) {
		if p.History.Column(col) == nil {
			t.Errorf("spec names %q, history lacks it", col)
		}
	}
	for _, col := range append(append([]string{s.Time.Column}, s.Keys...), s.Known...) {
		if p.Plan.Column(col) == nil {
			t.Errorf("spec names known %q, plan lacks it", col)
		}
	}
	levers, err := s.Levers()
	if err != nil || len(levers) != 5 || s.PriceColumn() != "price" || s.Cost.UnitCost != "unit_cost" {
		t.Errorf("levers %+v, price %q, cost %+v, %v", levers, s.PriceColumn(), s.Cost, err)
	}
}

func TestConfigErrors(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{SKUs: -1}, "SKUs is -1"},
		{Config{Categories: 17}, "Categories is 17"},
		{Config{SKUs: 3, Categories: 5}, "at least as many SKUs"},
		{Config{PlanDays: 400}, "PlanDays is 400"},
		{Config{PlanShare: 1.5}, "PlanShare"},
		{Config{Start: day("2025-10-01")}, "shorter than 28 days"},
		{Config{Start: day("1999-06-01"), End: day("2000-01-01")}, "must lie in 2000..2040"},
		{Config{End: day("2040-12-20")}, "must lie in 2000..2040"},
	} {
		_, err := Generate(tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Generate(%+v): %v, want %q", tc.cfg, err, tc.want)
		}
	}
	// A short custom panel works and has no gaps.
	p, err := Generate(Config{SKUs: 10, Categories: 2, Start: day("2024-05-01"), End: day("2024-06-30"), PlanDays: 5})
	if err != nil || p.History.Rows() != 10*61 || p.Plan.Rows() != 10*5 {
		t.Errorf("short panel: %v rows, err %v", p.History.Rows(), err)
	}
}

// TestPostDip checks the post-promotion dip: against the same panel
// without it, a plan day without a promotion k days after the SKU's last
// promoted day (in the plan or, for the plan's first days, in the history)
// has its expected units multiplied by 1 − D·(4−k)/3, and every other day
// is unchanged; the baseline, with the plan's levers off, keeps only the
// dips of the history's promotions.
func TestPostDip(t *testing.T) {
	const dip = 0.3
	plain := defaultPanel(t)
	p, err := Generate(Config{PostDip: dip})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(Config{PostDip: 1}); err == nil {
		t.Error("PostDip 1 accepted")
	}
	want, got := plain.Truth.Column("expected").Num, p.Truth.Column("expected").Num
	wantBase, gotBase := plain.Truth.Column("baseline").Num, p.Truth.Column("baseline").Num
	plan := p.Plan
	sku, date := plan.Column("sku").Str, plan.Column("date").Str
	price, reg := plan.Column("price").Num, plan.Column("regular_price").Num
	flags := [][]float64{plan.Column("feature").Num, plan.Column("display").Num, plan.Column("coupon").Num}
	index := map[string]int{}
	for i := range p.SKUs {
		index[p.SKUs[i].ID] = i
	}
	on := func(r int) bool {
		return price[r] < reg[r] || flags[0][r] != 0 || flags[1][r] != 0 || flags[2][r] != 0
	}
	dipped, fromHistory := 0, 0
	for r := range got {
		d, _ := calendar.ParseDate(date[r])
		si := index[sku[r]]
		// The plan: the last promoted day in the plan's rows or, before
		// them, in the history. The baseline: its plan days are all off.
		m, mb := 1.0, 1.0
		for k := 1; k <= PostDipDays; k++ {
			prev := d - calendar.Date(k)
			if prev < p.PlanStart && p.scheduled(si, prev) {
				mb = 1 - dip*float64(PostDipDays+1-k)/PostDipDays
				fromHistory++
				break
			}
		}
		if !on(r) {
			for k := 1; k <= PostDipDays; k++ {
				prev := d - calendar.Date(k)
				was := p.scheduled(si, prev)
				if prev >= p.PlanStart {
					was = on(r - k) // rows are sorted by SKU then date
				}
				if was {
					m = 1 - dip*float64(PostDipDays+1-k)/PostDipDays
					dipped++
					break
				}
			}
		}
		if math.Abs(got[r]-m*want[r]) > 1e-9*want[r] || math.Abs(gotBase[r]-mb*wantBase[r]) > 1e-9*wantBase[r] {
			t.Fatalf("row %d (%s %s): expected %v baseline %v, want %v×%v and %v×%v", r, sku[r], date[r], got[r], gotBase[r], m, want[r], mb, wantBase[r])
		}
	}
	if dipped < 100 || fromHistory == 0 {
		t.Errorf("%d dipped plan days, %d after a history promotion: the check covers too little", dipped, fromHistory)
	}
}
