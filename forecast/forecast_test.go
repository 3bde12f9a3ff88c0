package forecast

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"promocast/calendar"
	"promocast/data"
	"promocast/feature"
	"promocast/interval"
	"promocast/learn/naive"
	"promocast/model"
	"promocast/panel"
	"promocast/spec"
)

const testSpec = `
time: {column: week, frequency: week}
keys: [sku]
target: units
known: [price, regular_price, feature]
static: [category]
promotion:
  price: {off: regular_price}
  feature: {off: 0}
cost: {unit_cost: "0.5"}
`

// weeklyFrame returns a small weekly history: series sku0..sku{n-1} over
// weeks from 2021-01-04, with promotions every seventh week that lift units.
func weeklyFrame(t testing.TB, series, weeks int, seed uint64) *data.Frame {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	var date, sku, cat []string
	var units, price, reg, feat []float64
	for s := 0; s < series; s++ {
		base := 10 + 5*float64(s)
		for w := 0; w < weeks; w++ {
			if (w+s)%11 == 5 { // a gap
				continue
			}
			promo := (w+s)%7 == 0
			p, f := 2.0, 0.0
			if promo {
				p, f = 1.5, 1
			}
			mu := base * (1 + 0.3*math.Sin(2*math.Pi*float64(w)/52)) * math.Pow(p/2, -2) * (1 + 0.3*f)
			date = append(date, fmt.Sprintf("2021-01-04+%d", w))
			sku = append(sku, fmt.Sprintf("sku%d", s))
			cat = append(cat, fmt.Sprintf("cat%d", s%2))
			units = append(units, math.Round(mu+rng.NormFloat64()*2))
			price = append(price, p)
			reg = append(reg, 2)
			feat = append(feat, f)
		}
	}
	for i, d := range date {
		var w int
		fmt.Sscanf(d, "2021-01-04+%d", &w)
		date[i] = panelDate(w)
		units[i] = math.Max(0, units[i])
	}
	f, err := data.NewFrame("history.csv", []*data.Column{
		{Name: "week", Kind: data.String, Str: date},
		{Name: "sku", Kind: data.String, Str: sku},
		{Name: "category", Kind: data.String, Str: cat},
		{Name: "units", Kind: data.Number, Num: units},
		{Name: "price", Kind: data.Number, Num: price},
		{Name: "regular_price", Kind: data.Number, Num: reg},
		{Name: "feature", Kind: data.Number, Num: feat},
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// panelDate returns the date of week w after 2021-01-04.
func panelDate(w int) string {
	const day0 = 18631 // 2021-01-04 in days since 1970-01-01
	g := panel.Grid{Frequency: spec.Day}
	return g.Label(day0 + 7*w)
}

func mustSpec(t testing.TB) *spec.Spec {
	t.Helper()
	sp, err := spec.Parse([]byte(testSpec))
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

func naiveFit(ds *model.Dataset) (model.Predictor, error) { return naive.SeasonalNaive(ds.Features) }

// meanFit is a tiny learned model: per-feature least squares on the
// promotion flag plus the rolling mean, enough to make training depend on
// the targets it is given.
func meanFit(ds *model.Dataset) (model.Predictor, error) {
	sum, n := 0.0, 0.0
	for i, y := range ds.Y {
		sum += y * ds.Weight(i)
		n += ds.Weight(i)
	}
	return constant{v: sum / n, width: ds.X.Cols}, nil
}

type constant struct {
	v     float64
	width int
}

func (c constant) Predict(X *data.Matrix, out []float64) error {
	for i := range out {
		out[i] = c.v
	}
	return nil
}

// TestNoLeakage changes every target after a forecast origin and checks
// that neither the features of the scored periods nor the forecasts made at
// that origin change, for horizons whose steps read their own lags (the
// lead feature on) as a backtest scores them.
func TestNoLeakage(t *testing.T) {
	for _, c := range []struct{ horizon, gap int }{{2, 1}, {5, 0}} {
		t.Run(fmt.Sprintf("horizon %d gap %d", c.horizon, c.gap), func(t *testing.T) { testNoLeakage(t, c.horizon, c.gap) })
	}
}

func testNoLeakage(t *testing.T, horizon, gap int) {
	hist := weeklyFrame(t, 6, 120, 1)
	sp := mustSpec(t)
	opt := TrainOptions{Kind: "test", Horizon: horizon, Gap: gap}
	forecastAt := func(f *data.Frame, origin int) ([]float64, *data.Matrix) {
		p, err := panel.Build(f, sp, panel.Options{})
		if err != nil {
			t.Fatal(err)
		}
		pr, err := Prepare(p, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(pr.Builder.Features(), func(f model.Feature) bool { return f.Name == "lead" }) {
			t.Fatal("no lead feature: the steps do not read lags of their own")
		}
		var out []float64
		_, cols := pr.Size()
		X := data.NewMatrix(0, cols)
		for _, fit := range []Fit{naiveFit, meanFit} {
			m, err := pr.Train(opt, origin, fit)
			if err != nil {
				t.Fatal(err)
			}
			_, sub, sc := pr.AtOrigin(origin, origin+gap+1, origin+gap+horizon)
			pred, err := Predict(m.Predictor, sub, sc)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, pred...)
			X = sub
		}
		return out, X
	}
	p0, err := panel.Build(hist, sp, panel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	origin := p0.Last - 10
	want, wantX := forecastAt(hist, origin)
	if len(want) == 0 {
		t.Fatal("no rows scored")
	}
	// Rewrite every target after the origin.
	weekCol, units := hist.Column("week"), hist.Column("units")
	changed := 0
	for r := range units.Num {
		o, err := p0.Grid.Ordinal(weekCol.Str[r])
		if err != nil {
			t.Fatal(err)
		}
		if o > origin {
			units.Num[r] = units.Num[r]*7 + 1000
			changed++
		}
	}
	if changed == 0 {
		t.Fatal("no target after the origin to change")
	}
	got, gotX := forecastAt(hist, origin)
	if len(got) != len(want) {
		t.Fatalf("scored %d rows, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("forecast %d changed from %v to %v after changing targets beyond the origin", i, want[i], got[i])
		}
	}
	for i, v := range wantX.Values {
		if g := gotX.Values[i]; g != v && !(math.IsNaN(g) && math.IsNaN(v)) {
			t.Fatalf("feature value %d changed from %v to %v", i, v, g)
		}
	}
}

// TestForecastBaselineUplift forecasts a plan and checks the baseline sets
// levers off: promoted rows differ from their baseline, unpromoted rows
// equal it, and money columns follow from prices.
func TestForecastBaselineUplift(t *testing.T) {
	hist := weeklyFrame(t, 4, 100, 2)
	sp := mustSpec(t)
	p, err := panel.Build(hist, sp, panel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	opt := TrainOptions{Kind: "test", Horizon: 3, Gap: 0}
	pr, err := Prepare(p, opt)
	if err != nil {
		t.Fatal(err)
	}
	// A learner that reads the discount: prediction = 1 + 2·discount.
	m, err := pr.Train(opt, p.Last, func(ds *model.Dataset) (model.Predictor, error) {
		for j, f := range ds.Features {
			if f.Name == "price_discount" {
				return discountModel{j}, nil
			}
		}
		return nil, fmt.Errorf("no price_discount feature")
	})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := data.NewFrame("plan.csv", []*data.Column{
		{Name: "week", Kind: data.String, Str: []string{panelDate(100), panelDate(101), panelDate(100)}},
		{Name: "sku", Kind: data.String, Str: []string{"sku0", "sku0", "sku1"}},
		{Name: "price", Kind: data.Number, Num: []float64{1.5, 2, 2}},
		{Name: "regular_price", Kind: data.Number, Num: []float64{2, 2, 2}},
		{Name: "feature", Kind: data.Number, Num: []float64{1, 0, 0}},
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Forecast(hist, plan)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Promoted[0] || res.Promoted[1] || res.Promoted[2] {
		t.Fatalf("promoted flags %v, want [true false false]", res.Promoted)
	}
	if !(res.Forecast[0] > res.Baseline[0]) {
		t.Fatalf("promoted row: forecast %v not above baseline %v", res.Forecast[0], res.Baseline[0])
	}
	// scale·(1+2·0.25) vs scale·1
	if r := res.Forecast[0] / res.Baseline[0]; math.Abs(r-1.5) > 1e-12 {
		t.Fatalf("forecast/baseline = %v, want 1.5", r)
	}
	for _, i := range []int{1, 2} {
		if res.Forecast[i] != res.Baseline[i] {
			t.Fatalf("row %d is not promoted but forecast %v ≠ baseline %v", i, res.Forecast[i], res.Baseline[i])
		}
	}
	if res.Price[0] != 1.5 || res.BasePrice[0] != 2 {
		t.Fatalf("prices %v / %v, want 1.5 / 2", res.Price[0], res.BasePrice[0])
	}
	money := res.Money()
	wantCost := 0.5 * res.Forecast[0]
	if math.Abs(money[0].PromotionCost-wantCost) > 1e-12 {
		t.Fatalf("promotion cost %v, want %v", money[0].PromotionCost, wantCost)
	}
	wantMargin := res.Forecast[0]*(1.5-0.5) - res.Baseline[0]*(2-0.5)
	if got := money[0].Margin - money[0].BaselineMargin; math.Abs(got-wantMargin) > 1e-9 {
		t.Fatalf("incremental margin %v, want %v", got, wantMargin)
	}
	out, err := res.Frame("forecast.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"sku", "week", "forecast", "baseline", "uplift", "expected", "expected_baseline", "expected_uplift", "revenue", "incremental_revenue", "incremental_margin", "promotion_cost", "roi"} {
		if out.Column(c) == nil {
			t.Errorf("forecast output lacks column %q: has %v", c, out.Names())
		}
	}

	// With a calibration whose ratio of actuals to forecasts is 1.2, the
	// expected units are the point times 1.2; money and totals are taken
	// on them, and the totals' parts add up to the expected uplift.
	bin := []interval.Bin{{Last: true, Quantiles: []float64{-1, 0, 1}, N: 50}}
	m.Calibration = &interval.Calibration{Levels: []float64{0.1, 0.5, 0.9}, Ratio: 1.2, Bins: [2][]interval.Bin{bin, bin}}
	if res, err = m.Forecast(hist, plan); err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for i := range res.Targets {
		if want := res.Forecast[i] * 1.2; math.Abs(res.Expected[i]-want) > 1e-9 {
			t.Errorf("row %d: expected %v, want forecast × 1.2 = %v", i, res.Expected[i], want)
		}
		if want := res.Baseline[i] * 1.2; math.Abs(res.BaselineExpected[i]-want) > 1e-9 {
			t.Errorf("row %d: expected baseline %v, want %v", i, res.BaselineExpected[i], want)
		}
		sum += res.Expected[i]
	}
	if money := res.Money(); math.Abs(money[0].Revenue-1.5*res.Expected[0]) > 1e-9 {
		t.Errorf("revenue %v, want price × expected units = %v", money[0].Revenue, 1.5*res.Expected[0])
	}
	tot, err := res.Summarise("")
	if err != nil {
		t.Fatal(err)
	}
	parts := tot[0].Own + tot[0].History + tot[0].Next + tot[0].Cannibal + tot[0].Halo
	if math.Abs(tot[0].Forecast-sum) > 1e-9 || math.Abs(parts-(tot[0].Forecast-tot[0].Baseline)) > 1e-9 {
		t.Errorf("totals forecast %v (want %v), parts %v for an expected uplift of %v", tot[0].Forecast, sum, parts, tot[0].Forecast-tot[0].Baseline)
	}
}

type discountModel struct{ col int }

func (d discountModel) Predict(X *data.Matrix, out []float64) error {
	for i := range out {
		out[i] = 1 + 2*X.At(i, d.col)
	}
	return nil
}

func TestPlanErrors(t *testing.T) {
	hist := weeklyFrame(t, 2, 60, 3)
	sp := mustSpec(t)
	p, err := panel.Build(hist, sp, panel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	opt := TrainOptions{Kind: "naive", Horizon: 2, Gap: 0}
	pr, err := Prepare(p, opt)
	if err != nil {
		t.Fatal(err)
	}
	m, err := pr.Train(opt, p.Last, naiveFit)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		week, sku, want string
	}{
		{panelDate(65), "sku0", "plan.csv: row 1 (line 2), column week: period 2022-04-04 is 6 periods after the history's last period 2022-02-21; this model forecasts at most 2 ahead (gap 0 + horizon 2): train it with a longer --horizon"},
		{panelDate(59), "sku0", `plan.csv: row 1 (line 2), column week: period 2022-02-21 is not after series "sku0"'s last period 2022-02-21: a plan holds future periods only`},
		{panelDate(60), "nosuch", `plan.csv: row 1 (line 2), column [sku]: series "nosuch" has no history: promocast forecasts series it has seen`},
	}
	for _, c := range cases {
		plan, _ := data.NewFrame("plan.csv", []*data.Column{
			{Name: "week", Kind: data.String, Str: []string{c.week}},
			{Name: "sku", Kind: data.String, Str: []string{c.sku}},
			{Name: "price", Kind: data.Number, Num: []float64{2}},
			{Name: "regular_price", Kind: data.Number, Num: []float64{2}},
			{Name: "feature", Kind: data.Number, Num: []float64{0}},
		})
		_, err := m.Forecast(hist, plan)
		if err == nil || err.Error() != c.want {
			t.Errorf("plan %s/%s: error\n %v\nwant\n %s", c.week, c.sku, err, c.want)
		}
	}
}

// sumModel predicts 1 + 0.01·Σ features (NaN as 0) — it reads every
// column, so any feature that differs between plan and baseline outside the
// decomposition's groups would break additivity.
type sumModel struct{}

func (sumModel) Predict(X *data.Matrix, out []float64) error {
	for i := range out {
		s := 0.0
		for _, v := range X.Row(i) {
			if !math.IsNaN(v) {
				s += v
			}
		}
		out[i] = 1 + 0.01*s
	}
	return nil
}

// trainSum trains a model of sumModel on the whole panel.
func trainSum(t *testing.T, p *panel.Panel, opt TrainOptions) *Model {
	t.Helper()
	pr, err := Prepare(p, opt)
	if err != nil {
		t.Fatal(err)
	}
	m, err := pr.Train(opt, p.Last, func(*model.Dataset) (model.Predictor, error) { return sumModel{}, nil })
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestDecompositionAddsUp checks baseline + parts = forecast on every row,
// that a promoted row's lift is mostly its own, and that a peer's
// promotion shows up in the other series' Peers part.
func TestDecompositionAddsUp(t *testing.T) {
	hist := weeklyFrame(t, 4, 100, 5)
	sp := mustSpec(t)
	p, err := panel.Build(hist, sp, panel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	opt := TrainOptions{Kind: "test", Horizon: 3, Gap: 0}
	m := trainSum(t, p, opt)
	// sku0 and sku2 share cat0; sku0 is promoted in week 100 only.
	var weeks, skus []string
	var price, feat []float64
	for _, s := range []string{"sku0", "sku2", "sku1"} {
		for w := 100; w < 103; w++ {
			weeks, skus = append(weeks, panelDate(w)), append(skus, s)
			pz, fz := 2.0, 0.0
			if s == "sku0" && w == 100 {
				pz, fz = 1.4, 1
			}
			price, feat = append(price, pz), append(feat, fz)
		}
	}
	reg := make([]float64, len(price))
	for i := range reg {
		reg[i] = 2
	}
	plan, _ := data.NewFrame("plan.csv", []*data.Column{
		{Name: "week", Kind: data.String, Str: weeks},
		{Name: "sku", Kind: data.String, Str: skus},
		{Name: "price", Kind: data.Number, Num: price},
		{Name: "regular_price", Kind: data.Number, Num: reg},
		{Name: "feature", Kind: data.Number, Num: feat},
	})
	res, err := m.Forecast(hist, plan)
	if err != nil {
		t.Fatal(err)
	}
	pt := res.Parts
	for i := range res.Forecast {
		sum := res.Baseline[i] + pt.Own[i] + pt.History[i] + pt.Next[i] + pt.Peers[i]
		if math.Abs(sum-res.Forecast[i]) > 1e-9*math.Max(1, res.Forecast[i]) {
			t.Errorf("row %d: baseline %v + parts %v %v %v %v = %v ≠ forecast %v", i, res.Baseline[i], pt.Own[i], pt.History[i], pt.Next[i], pt.Peers[i], sum, res.Forecast[i])
		}
	}
	if !(pt.Own[0] > 0) || pt.Peers[0] != 0 {
		t.Errorf("promoted row: own %v, peers %v; want own > 0 and no peer effect", pt.Own[0], pt.Peers[0])
	}
	if pt.History[1] == 0 {
		t.Errorf("the week after sku0's promotion shows no history effect")
	}
	if pt.Peers[3] == 0 || pt.Own[3] != 0 {
		t.Errorf("sku2 in the promoted week: own %v, peers %v; want only a peer effect", pt.Own[3], pt.Peers[3])
	}
	if pt.Peers[6] != 0 || pt.Own[6] != 0 {
		t.Errorf("sku1 (other group) shows effects own %v peers %v", pt.Own[6], pt.Peers[6])
	}
}

func TestGuardRails(t *testing.T) {
	hist := weeklyFrame(t, 3, 80, 4) // promotions are 25% off with feature 1
	sp := mustSpec(t)
	p, err := panel.Build(hist, sp, panel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	opt := TrainOptions{Kind: "naive", Horizon: 2}
	pr, err := Prepare(p, opt)
	if err != nil {
		t.Fatal(err)
	}
	m, err := pr.Train(opt, p.Last, naiveFit)
	if err != nil {
		t.Fatal(err)
	}
	if r := m.Ranges; math.Abs(r.MaxDiscount-0.25) > 1e-12 || r.Series["sku0"].Promoted == 0 || r.Levers["feature"] != [2]float64{0, 1} {
		t.Fatalf("ranges %+v", r)
	}
	plan, _ := data.NewFrame("plan.csv", []*data.Column{
		{Name: "week", Kind: data.String, Str: []string{panelDate(80), panelDate(80), panelDate(80)}},
		{Name: "sku", Kind: data.String, Str: []string{"sku0", "sku1", "sku2"}},
		{Name: "price", Kind: data.Number, Num: []float64{1, 1.5, 2}},
		{Name: "regular_price", Kind: data.Number, Num: []float64{2, 2, 2}},
		{Name: "feature", Kind: data.Number, Num: []float64{1, 1, 2}},
	})
	res, err := m.Forecast(hist, plan)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"discount 50% deeper than any in training (max 25%)", "", "feature = 2 outside training range [0, 1]"}
	for i, w := range want {
		if res.Warnings[i] != w {
			t.Errorf("row %d warning %q, want %q", i, res.Warnings[i], w)
		}
	}
}

func TestElasticity(t *testing.T) {
	// units = 100·(1−d)^−2: elasticity −2 exactly.
	var pts []Point
	for _, d := range []float64{0, 0.1, 0.2, 0.3} {
		pts = append(pts, Point{Value: d, PointUnits: 100 * math.Pow(1-d, -2)})
	}
	if e := Elasticity(pts); math.Abs(e+2) > 1e-12 {
		t.Fatalf("elasticity %v, want -2", e)
	}
	if e := Elasticity(pts[:1]); !math.IsNaN(e) {
		t.Fatalf("elasticity of one point %v, want NaN", e)
	}
}

func TestWhatIfSweepsOneSeries(t *testing.T) {
	hist := weeklyFrame(t, 3, 100, 6)
	m := discountTrained(t, testSpec, hist)
	plan, _ := data.NewFrame("plan.csv", []*data.Column{
		{Name: "week", Kind: data.String, Str: []string{panelDate(100), panelDate(101), panelDate(100)}},
		{Name: "sku", Kind: data.String, Str: []string{"sku0", "sku0", "sku1"}},
		{Name: "price", Kind: data.Number, Num: []float64{2, 2, 2}},
		{Name: "regular_price", Kind: data.Number, Num: []float64{2, 2, 2}},
		{Name: "feature", Kind: data.Number, Num: []float64{0, 0, 0}},
	})
	pts, err := m.WhatIf(hist, plan, Sweep{Lever: "price", Values: []float64{0, 0.2, 0.4}, Series: []string{"sku0"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 3 || pts[0].Series != "sku0" {
		t.Fatalf("points %+v, want 3 for sku0", pts)
	}
	// units ∝ 1 + 2·d over the sweep; revenue uses the swept price.
	for _, pt := range pts {
		want := pts[0].Units * (1 + 2*pt.Value)
		if math.Abs(pt.Units-want) > 1e-9*want {
			t.Errorf("units at %v: %v, want %v", pt.Value, pt.Units, want)
		}
		if wantRev := pt.Units * 2 * (1 - pt.Value); math.Abs(pt.Revenue-wantRev) > 1e-9*wantRev {
			t.Errorf("revenue at %v: %v, want %v", pt.Value, pt.Revenue, wantRev)
		}
	}
	if plan.Column("price").Num[0] != 2 {
		t.Error("WhatIf left the plan modified")
	}
	// A calibration that doubles promoted rows' expected units (ratio 1
	// quiet, 2 promoted) doubles the units at 20% and 40% off, but neither
	// the elasticity, read from the point forecasts, nor the best value:
	// each value's gain is measured from the reference at its own ratio,
	// so the step between the states is not credited to the discount.
	curve := Curves(pts, true)[0]
	bin := []interval.Bin{{Last: true, Quantiles: []float64{-1, 0, 1}, N: 50}}
	m.Calibration = &interval.Calibration{Levels: []float64{0.1, 0.5, 0.9}, Ratio: 1.5, Ratios: []float64{1, 2}, Bins: [2][]interval.Bin{bin, bin}}
	cal, err := m.WhatIf(hist, plan, Sweep{Lever: "price", Values: []float64{0, 0.2, 0.4}, Series: []string{"sku0"}})
	if err != nil {
		t.Fatal(err)
	}
	calCurve := Curves(cal, true)[0]
	for k, pt := range cal {
		ratio := 1.0
		if pt.Value > 0 {
			ratio = 2
		}
		if rel := math.Abs(pt.Units/(ratio*pts[k].Units) - 1); rel > 1e-9 || pt.PointUnits != pts[k].PointUnits {
			t.Errorf("calibrated units at %v: %v (point %v), want %v × %v (point %v)", pt.Value, pt.Units, pt.PointUnits, ratio, pts[k].Units, pts[k].PointUnits)
		}
		if want := ratio * pts[k].Gain(); math.Abs(pt.Gain()-want) > 1e-9*math.Abs(want)+1e-9 {
			t.Errorf("calibrated gain at %v: %v, want %v × %v", pt.Value, pt.Gain(), ratio, pts[k].Gain())
		}
	}
	if math.Abs(calCurve.Elasticity-curve.Elasticity) > 1e-12 || calCurve.Best.Value != curve.Best.Value {
		t.Errorf("calibrated curve: elasticity %v, best %v; want %v and %v as without the calibration",
			calCurve.Elasticity, calCurve.Best.Value, curve.Elasticity, curve.Best.Value)
	}
	m.Calibration = nil
	if _, err := m.WhatIf(hist, plan, Sweep{Lever: "colour", Values: []float64{1}}); err == nil || !strings.Contains(err.Error(), "expected one of feature, price") {
		t.Errorf("an unknown lever: error %v, want one naming the spec's levers", err)
	}
	// A series the plan lacks is named with the plan's closest one.
	_, err = m.WhatIf(hist, plan, Sweep{Lever: "price", Values: []float64{0, 0.2}, Series: []string{"skuO"}})
	if want := `series "skuO" is not in the plan (did you mean "sku0"?)`; err == nil || err.Error() != want {
		t.Errorf("series skuO: error %v, want %q", err, want)
	}
	// A flag swept below its off value is refused, naming the value.
	_, err = m.WhatIf(hist, plan, Sweep{Lever: "feature", Values: []float64{0, -1}})
	if want := "feature -1: expected 0 (off) or more: the lever is on above its off value"; err == nil || err.Error() != want {
		t.Errorf("feature -1: error %v, want %q", err, want)
	}
}

// TestScorerMatchesWholePanel checks that scoring a plan on a selection of
// series gives the features the whole panel gives, each row read from the
// history's last period as its origin.
func TestScorerMatchesWholePanel(t *testing.T) {
	hist := weeklyFrame(t, 5, 90, 8)
	sp := mustSpec(t)
	p, _ := panel.Build(hist, sp, panel.Options{})
	opt := TrainOptions{Kind: "test", Horizon: 2}
	m := trainSum(t, p, opt)
	plan, _ := data.NewFrame("plan.csv", []*data.Column{
		{Name: "week", Kind: data.String, Str: []string{panelDate(90), panelDate(91), panelDate(90)}},
		{Name: "sku", Kind: data.String, Str: []string{"sku2", "sku2", "sku4"}},
		{Name: "price", Kind: data.Number, Num: []float64{1.5, 2, 1.8}},
		{Name: "regular_price", Kind: data.Number, Num: []float64{2, 2, 2}},
		{Name: "feature", Kind: data.Number, Num: []float64{1, 0, 0}},
	})
	res, err := m.Forecast(hist, plan)
	if err != nil {
		t.Fatal(err)
	}
	whole, _ := panel.Build(hist, sp, panel.Options{Grid: &m.Grid, Levels: m.Levels})
	targets, err := whole.Extend(plan)
	if err != nil {
		t.Fatal(err)
	}
	wp, err := Prepare(whole, opt)
	if err != nil {
		t.Fatal(err)
	}
	refs := make([]feature.Ref, len(targets))
	for i, tg := range targets {
		refs[i] = feature.Ref{Series: tg.Series, Period: tg.Period, Lag: wp.Builder.LagFrom(p.Last, tg.Period)}
	}
	X, scales := wp.Builder.Matrix(refs)
	want, err := Predict(sumModel{}, X, scales)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if res.Forecast[i] != want[i] {
			t.Errorf("row %d: scorer %v, whole panel %v", i, res.Forecast[i], want[i])
		}
	}
}

// linearExplainer predicts Σ w·x (NaN as 0) and explains it exactly: its
// SHAP values are w·x with a zero expected value.
type linearExplainer struct{ w []float64 }

func (l linearExplainer) Predict(X *data.Matrix, out []float64) error {
	for i := range out {
		out[i] = 0
		for j, v := range X.Row(i) {
			if !math.IsNaN(v) {
				out[i] += l.w[j] * v
			}
		}
	}
	return nil
}

func (l linearExplainer) SHAP(X *data.Matrix, out []float64) error {
	c := X.Cols + 1
	for i := 0; i < X.Rows; i++ {
		for j, v := range X.Row(i) {
			out[i*c+j] = 0
			if !math.IsNaN(v) {
				out[i*c+j] = l.w[j] * v
			}
		}
		out[i*c+X.Cols] = 0
	}
	return nil
}

// expExplainer predicts exp(Σ w·x), a log link like a Poisson loss's; its
// SHAP values are linearExplainer's, in log space.
type expExplainer struct{ linearExplainer }

func (e expExplainer) Predict(X *data.Matrix, out []float64) error {
	if err := e.linearExplainer.Predict(X, out); err != nil {
		return err
	}
	for i, v := range out {
		out[i] = math.Exp(v)
	}
	return nil
}

// TestDriversAddUpToUplift checks that drivers add up to each row's uplift
// in units, with an identity link and with a log link.
func TestDriversAddUpToUplift(t *testing.T) {
	for _, link := range []string{"identity", "log"} {
		t.Run(link, func(t *testing.T) { testDrivers(t, link == "log") })
	}
}

func testDrivers(t *testing.T, logLink bool) {
	hist := weeklyFrame(t, 4, 100, 9)
	sp := mustSpec(t)
	p, _ := panel.Build(hist, sp, panel.Options{})
	opt := TrainOptions{Kind: "test", Horizon: 2}
	pr, err := Prepare(p, opt)
	if err != nil {
		t.Fatal(err)
	}
	m, err := pr.Train(opt, p.Last, func(ds *model.Dataset) (model.Predictor, error) {
		w := make([]float64, len(ds.Features))
		for j, f := range ds.Features {
			switch f.Name {
			case "price_discount":
				w[j] = 3
			case "promo":
				w[j] = 0.5
			case "mean_4":
				w[j] = 1
			}
		}
		if logLink {
			return expExplainer{linearExplainer{w}}, nil
		}
		return linearExplainer{w}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	plan, _ := data.NewFrame("plan.csv", []*data.Column{
		{Name: "week", Kind: data.String, Str: []string{panelDate(100), panelDate(100)}},
		{Name: "sku", Kind: data.String, Str: []string{"sku0", "sku1"}},
		{Name: "price", Kind: data.Number, Num: []float64{1.5, 2}},
		{Name: "regular_price", Kind: data.Number, Num: []float64{2, 2}},
		{Name: "feature", Kind: data.Number, Num: []float64{1, 0}},
	})
	res, err := m.Forecast(hist, plan)
	if err != nil {
		t.Fatal(err)
	}
	drivers, err := res.Drivers()
	if err != nil {
		t.Fatal(err)
	}
	for i, ds := range drivers {
		sum := 0.0
		for _, d := range ds {
			sum += d.Contribution
		}
		if up := res.Forecast[i] - res.Baseline[i]; math.Abs(sum-up) > 1e-9*math.Max(1, math.Abs(up)) {
			t.Errorf("row %d: drivers sum to %v, uplift %v", i, sum, up)
		}
	}
	if len(drivers[0]) != 2 || drivers[0][0].Feature != "price_discount" || drivers[0][1].Feature != "promo" {
		t.Errorf("drivers of the promoted row %+v, want price_discount then promo", drivers[0])
	}
	if len(drivers[1]) != 0 {
		t.Errorf("unpromoted row has drivers %+v", drivers[1])
	}
	tot := TotalDrivers(drivers)
	if tot[0].Feature != "price_discount" {
		t.Errorf("total drivers %+v", tot)
	}
}

// TestBaselineWarnings checks the warning for a baseline that leaves the
// history: training saw the event window only with much of the group
// promoted, the baseline row has none.
func TestBaselineWarnings(t *testing.T) {
	feats := []model.Feature{{Name: "event_sale"}, {Name: "pre_sale"}, {Name: "group_promo_share"}}
	ds := &model.Dataset{Features: feats, X: data.NewMatrix(4, 3), Y: make([]float64, 4)}
	for i, row := range [][]float64{{1, 0, 0.5}, {1, 0, 0.4}, {0, 1, 0.05}, {0, 0, 0}} {
		copy(ds.X.Row(i), row)
	}
	shares := eventGroupShares(ds)
	if !reflect.DeepEqual(shares, map[string]float64{"event_sale": 0.4, "pre_sale": 0.05}) {
		t.Fatalf("event group shares %v", shares)
	}
	m := &Model{Features: feats, Ranges: &Ranges{EventGroupShare: shares}}
	XB := data.NewMatrix(4, 3)
	for i, row := range [][]float64{{1, 0, 0}, {1, 0, 0.3}, {0, 1, 0}, {0, 0, 0}} {
		copy(XB.Row(i), row)
	}
	out := []string{"", "", "", "discount deeper"}
	m.baselineWarnings(XB, out)
	if !strings.HasPrefix(out[0], BaselineExtrapolated) || !strings.Contains(out[0], "event_sale") || !strings.Contains(out[0], "40%") {
		t.Errorf("row 0 (event day, nobody promoted): %q", out[0])
	}
	if out[1] != "" || out[2] != "" || out[3] != "discount deeper" {
		t.Errorf("rows 1–3 (share kept, a window promoted below 10%% in training, no event): %q", out[1:])
	}
}

// TestBuiltinEventsInsideHistory checks that a model uses only the
// built-in events that fall inside its history: a history of 2001..2003
// predates Double 11, 618 and Double 12.
func TestBuiltinEventsInsideHistory(t *testing.T) {
	first := int(calendar.DateOf(2001, time.March, 1))
	last := int(calendar.DateOf(2003, time.March, 1))
	got := builtinWithin(first, last)
	for _, n := range []string{calendar.Double11, calendar.Mid618, calendar.Double12} {
		if slices.Contains(got, n) {
			t.Errorf("a 2001..2003 history uses %s, which began later: %v", n, got)
		}
	}
	for _, n := range []string{calendar.SpringFestival, calendar.BlackFriday} {
		if !slices.Contains(got, n) {
			t.Errorf("a 2001..2003 history lacks %s: %v", n, got)
		}
	}
	if got := builtinWithin(int(calendar.DateOf(2024, time.January, 1)), int(calendar.DateOf(2024, time.December, 31))); len(got) != len(calendar.Builtin()) {
		t.Errorf("a 2024 history uses %v, want every built-in event", got)
	}
}

// TestWeeklyEventsWithoutDistance checks that a model trained on weeks
// gives its events no days_to_ features and records that, that its
// history's Christmas, which lifts sales there, is among its events, and
// that a model file written before either (no builtin_events, no
// no_event_distance) rebuilds the six events built in then, each with its
// distance.
func TestWeeklyEventsWithoutDistance(t *testing.T) {
	hist := withChristmas(t, weeklyFrame(t, 3, 60, 4), 2.5) // 2021-01-04 .. 2022-02-21
	p, _ := panel.Build(hist, mustSpec(t), panel.Options{})
	opt := TrainOptions{Kind: "test", Horizon: 2}
	m := trainSum(t, p, opt)
	if !m.NoEventDistance || !slices.Contains(m.BuiltinEvents, calendar.Christmas) {
		t.Fatalf("weekly model: no_event_distance %v, built-in events %v", m.NoEventDistance, m.BuiltinEvents)
	}
	var names []string
	for _, f := range m.Features {
		names = append(names, f.Name)
		if strings.HasPrefix(f.Name, "days_to_") {
			t.Errorf("weekly model has feature %s", f.Name)
		}
	}
	if !slices.Contains(names, "event_christmas") || !slices.Contains(names, "post_christmas") {
		t.Errorf("weekly model's features %v lack Christmas", names)
	}
	// The scorer rebuilds exactly the trained features.
	if _, err := m.PanelScorer(p); err != nil {
		t.Fatal(err)
	}

	old, err := newCalendar(true, nil, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(old.Events()) != 6 || old.NumFeatures() != 6*calendar.FeaturesPerEvent || slices.ContainsFunc(old.Events(), func(e calendar.Event) bool { return e.Name == calendar.Christmas }) {
		t.Errorf("an older model's calendar has %d events, %d features: %v", len(old.Events()), old.NumFeatures(), old.FeatureNames())
	}
	if !eventDistance(spec.Day) || !eventDistance(spec.Period) || eventDistance(spec.Week) || eventDistance(spec.Month) {
		t.Error("weekly and monthly grids leave the events' distance out, and only they")
	}
}

// TestPanelScorerScoresAGroupAlone checks that the series of one
// cannibalisation group, scored alone on a panel whose Last is the whole
// history's, get the forecasts the whole plan gives them: what a
// distributed scorer keyed by group relies on.
func TestPanelScorerScoresAGroupAlone(t *testing.T) {
	full := weeklyFrame(t, 6, 90, 3)
	sp := mustSpec(t)
	// Group cat0 (even SKUs) lacks the last week of the history, so that
	// its part of the history ends before the whole.
	keep := func(f *data.Frame, ok func(r int) bool) *data.Frame {
		var rows []int
		for r := range f.Rows() {
			if ok(r) {
				rows = append(rows, r)
			}
		}
		cols := make([]*data.Column, len(f.Columns))
		for k, c := range f.Columns {
			cols[k] = &data.Column{Name: c.Name, Kind: c.Kind}
			for _, r := range rows {
				if c.Kind == data.String {
					cols[k].Str = append(cols[k].Str, c.Str[r])
				} else {
					cols[k].Num = append(cols[k].Num, c.Num[r])
				}
			}
		}
		out, err := data.NewFrame(f.Source, cols)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	even := func(f *data.Frame) func(r int) bool {
		return func(r int) bool { s := f.Column("sku").Str[r]; return (s[3]-'0')%2 == 0 }
	}
	last := panelDate(89)
	hist := keep(full, func(r int) bool { return !even(full)(r) || full.Column("week").Str[r] != last })
	p, _ := panel.Build(hist, sp, panel.Options{})
	opt := TrainOptions{Kind: "test", Horizon: 2}
	m := trainSum(t, p, opt)
	plan, _ := data.NewFrame("plan.csv", []*data.Column{
		{Name: "week", Kind: data.String, Str: []string{panelDate(90), panelDate(90), panelDate(91), panelDate(90), panelDate(91)}},
		{Name: "sku", Kind: data.String, Str: []string{"sku0", "sku1", "sku2", "sku2", "sku4"}},
		{Name: "price", Kind: data.Number, Num: []float64{1.5, 1.5, 2, 1.2, 1.8}},
		{Name: "regular_price", Kind: data.Number, Num: []float64{2, 2, 2, 2, 2}},
		{Name: "feature", Kind: data.Number, Num: []float64{1, 1, 0, 1, 0}},
	})
	whole, err := m.Forecast(hist, plan)
	if err != nil {
		t.Fatal(err)
	}
	partHist := keep(hist, even(hist))
	partPlan := keep(plan, even(plan))
	pp, err := m.Panel(partHist)
	if err != nil {
		t.Fatal(err)
	}
	if pp.Last == p.Last {
		t.Fatal("the part should end before the whole history")
	}
	pp.Last = p.Last
	sc, err := m.PanelScorer(pp)
	if err != nil {
		t.Fatal(err)
	}
	part, err := sc.Forecast(partPlan)
	if err != nil {
		t.Fatal(err)
	}
	want := []int{0, 2, 3, 4} // the plan rows of even SKUs
	for i, r := range want {
		if part.Forecast[i] != whole.Forecast[r] || part.Baseline[i] != whole.Baseline[r] || part.Parts.Peers[i] != whole.Parts.Peers[r] {
			t.Errorf("plan row %d: alone %v/%v/%v, whole %v/%v/%v", r, part.Forecast[i], part.Baseline[i], part.Parts.Peers[i],
				whole.Forecast[r], whole.Baseline[r], whole.Parts.Peers[r])
		}
	}
}

// TestDatasetsShareOneMatrix checks that the prepared rows, held in time
// order so that every Dataset is a prefix of one matrix, still give each
// row of Refs its own features (Row), and that Dataset(until) holds
// exactly the rows up to until with a positive scale, in period order,
// each with its features, target and weight.
func TestDatasetsShareOneMatrix(t *testing.T) {
	p, _ := panel.Build(weeklyFrame(t, 6, 80, 3), mustSpec(t), panel.Options{})
	pr, err := Prepare(p, TrainOptions{Kind: "test", Horizon: 2, Gap: 1})
	if err != nil {
		t.Fatal(err)
	}
	fresh, scales := pr.Builder.Matrix(pr.Refs)
	if pr.train == 0 || pr.train == len(pr.Refs) {
		t.Fatalf("%d of %d rows train: the test needs rows of both kinds", pr.train, len(pr.Refs))
	}
	for r := range pr.Refs {
		if !slices.EqualFunc(pr.Row(r), fresh.Row(r), func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }) {
			t.Fatalf("row %d (%+v): features %v, built afresh %v", r, pr.Refs[r], pr.Row(r), fresh.Row(r))
		}
	}
	for _, until := range []int{p.First + 5, p.First + 40, p.Last - 3, p.Last} {
		ds := pr.Dataset(until)
		want := 0
		for r, ref := range pr.Refs {
			if ref.Period <= until && scales[r] > 0 {
				want++
			}
		}
		if ds.X.Rows != want || len(ds.Y) != want {
			t.Fatalf("until %d: %d rows, want %d", until, ds.X.Rows, want)
		}
		last := math.MinInt
		for i := 0; i < ds.X.Rows; i++ {
			r := pr.order[i]
			ref := pr.Refs[r]
			s := p.Series[ref.Series]
			if ref.Period > until || ref.Period < last || ds.W[i] != scales[r] || ds.Y[i] != s.Y[ref.Period-s.Start]/scales[r] ||
				!slices.EqualFunc(ds.X.Row(i), fresh.Row(r), func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }) {
				t.Fatalf("until %d: row %d is %+v (period before it %d), weight %v, target %v", until, i, ref, last, ds.W[i], ds.Y[i])
			}
			last = ref.Period
		}
	}
}
