package forecast

import (
	"fmt"
	"math"
	"sync"
	"testing"

	"promocast/data"
	"promocast/feature"
	"promocast/learn/gbdt"
	"promocast/model"
	"promocast/panel"
)

// seriesDump renders every value of a panel's series, NaN included.
func seriesDump(p *panel.Panel) string {
	var s string
	for _, se := range p.Series {
		s += fmt.Sprintf("%s %v %v %v\n", se.ID, se.Y, se.Row, se.Known)
	}
	return s
}

// samePlanRows reports the first field where two forecasts of one plan
// differ, bit for bit; "" when they do not.
func samePlanRows(a, b *Result) string {
	for name, pair := range map[string][2][]float64{
		"forecast": {a.Forecast, b.Forecast}, "baseline": {a.Baseline, b.Baseline},
		"own": {a.Parts.Own, b.Parts.Own}, "history": {a.Parts.History, b.Parts.History},
		"next": {a.Parts.Next, b.Parts.Next}, "peers": {a.Parts.Peers, b.Parts.Peers},
	} {
		if len(pair[0]) != len(pair[1]) {
			return name
		}
		for i := range pair[0] {
			if math.Float64bits(pair[0][i]) != math.Float64bits(pair[1][i]) {
				return fmt.Sprintf("%s row %d: %v then %v", name, i, pair[0][i], pair[1][i])
			}
		}
	}
	return ""
}

// TestScorerLeavesHistoryUnchanged checks that scoring plans, switching
// their levers off for the baseline and sweeping a lever leave the
// scorer's history as it was, so that the same plan scored again gives
// the same bits.
func TestScorerLeavesHistoryUnchanged(t *testing.T) {
	hist := weeklyFrame(t, 4, 100, 3)
	m := discountTrained(t, testSpec, hist)
	sc, err := m.NewScorer(hist)
	if err != nil {
		t.Fatal(err)
	}
	before := seriesDump(sc.Panel())
	plan, _ := data.NewFrame("plan.csv", []*data.Column{
		{Name: "week", Kind: data.String, Str: []string{panelDate(100), panelDate(101), panelDate(100)}},
		{Name: "sku", Kind: data.String, Str: []string{"sku1", "sku1", "sku3"}},
		{Name: "price", Kind: data.Number, Num: []float64{1.5, 1.2, 1.8}},
		{Name: "regular_price", Kind: data.Number, Num: []float64{2, 2, 2}},
		{Name: "feature", Kind: data.Number, Num: []float64{1, 1, 0}},
	})
	first, err := sc.Forecast(plan)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sc.WhatIf(plan, Sweep{Lever: "price", Values: []float64{0, 0.3}}); err != nil {
		t.Fatal(err)
	}
	again, err := sc.Forecast(plan)
	if err != nil {
		t.Fatal(err)
	}
	if after := seriesDump(sc.Panel()); after != before {
		t.Fatalf("scoring changed the history:\nbefore %s\nafter  %s", before, after)
	}
	if d := samePlanRows(first, again); d != "" {
		t.Errorf("the same plan scored twice differs: %s", d)
	}
	if first.Baseline[0] == first.Forecast[0] {
		t.Error("the promoted row's forecast equals its baseline: levers were not switched")
	}
}

// prepareGBDT builds hist's panel and prepares it for a gbdt model
// forecasting 2 periods ahead.
func prepareGBDT(t testing.TB, hist *data.Frame) (*panel.Panel, *Prepared, TrainOptions) {
	p, err := panel.Build(hist, mustSpec(t), panel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	opt := TrainOptions{Kind: "gbdt", Horizon: 2}
	pr, err := Prepare(p, opt)
	if err != nil {
		t.Fatal(err)
	}
	return p, pr, opt
}

// gbdtScorer trains 200 boosted trees of up to 63 leaves on a weekly panel
// of 40 series × 156 weeks and returns a scorer of its history.
func gbdtScorer(t testing.TB) *Scorer {
	hist := weeklyFrame(t, 40, 156, 5)
	p, pr, opt := prepareGBDT(t, hist)
	m, err := pr.Train(opt, p.Last, func(ds *model.Dataset) (model.Predictor, error) {
		return gbdt.Train(ds, nil, gbdt.Params{Rounds: 200, MaxLeaves: 63, MaxDepth: 8})
	})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := m.NewScorer(hist)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// decomposeEveryRow is the decomposition predicting every row at every
// step, which Model.decompose must match bit for bit.
func decomposeEveryRow(m *Model, g feature.Groups, XF, XB *data.Matrix, scales, baseline []float64) Parts {
	X := &data.Matrix{Rows: XB.Rows, Cols: XB.Cols, Values: append([]float64(nil), XB.Values...)}
	prev := baseline
	var parts [4][]float64
	for k, cols := range [][]int{g.Own, g.History, g.Next, g.Peers} {
		for i := 0; i < X.Rows; i++ {
			for _, c := range cols {
				X.Row(i)[c] = XF.Row(i)[c]
			}
		}
		cur, _ := Predict(m.Predictor, X, scales)
		parts[k] = make([]float64, len(cur))
		for i := range cur {
			parts[k][i] = cur[i] - prev[i]
		}
		prev = cur
	}
	return Parts{Own: parts[0], History: parts[1], Next: parts[2], Peers: parts[3]}
}

// TestDecomposePredictsOnlyChangedRows checks the decomposition, which
// predicts again only the rows a step changes, against predicting every
// row at every step, on single-row plans and on a plan whose rows have
// earlier and later promotions and promoted peers.
func TestDecomposePredictsOnlyChangedRows(t *testing.T) {
	sc := gbdtScorer(t)
	whole := &planRows{}
	for s := range 8 {
		for w := 156; w < 158; w++ {
			price := 2.0
			if (s+w)%3 != 0 {
				price = 1.4
			}
			whole.add(w, s, price, float64((s+w)%2))
		}
	}
	plans := []*data.Frame{whole.frame(t)}
	for r := range 4 {
		one := &planRows{}
		one.add(156+r%2, r/2, whole.price[r], whole.feat[r])
		plans = append(plans, one.frame(t))
	}
	nonzero := map[string]bool{}
	for k, plan := range plans {
		res, err := sc.Forecast(plan)
		if err != nil {
			t.Fatal(err)
		}
		want := decomposeEveryRow(sc.m, sc.base.Groups(), res.xf, res.xb, res.scales, res.Baseline)
		got := &Result{Forecast: res.Forecast, Baseline: res.Baseline, Parts: res.Parts}
		if d := samePlanRows(&Result{Forecast: res.Forecast, Baseline: res.Baseline, Parts: want}, got); d != "" {
			t.Errorf("plan %d: %s", k, d)
		}
		for name, v := range map[string][]float64{"history": want.History, "next": want.Next, "peers": want.Peers} {
			for _, x := range v {
				nonzero[name] = nonzero[name] || x != 0
			}
		}
	}
	for _, name := range []string{"history", "next", "peers"} {
		if !nonzero[name] {
			t.Errorf("no plan has a non-zero %s part: the comparison does not cover it", name)
		}
	}
}

// BenchmarkScorerSingleRow forecasts one plan row (forecast, baseline and
// uplift parts) with gbdtScorer's model, as a server answers one row: ten
// plans in turn, each row's baseline the same each time it comes round
// (so the scorer's memo of baseline predictions answers it).
func BenchmarkScorerSingleRow(b *testing.B) {
	benchmarkSingleRows(b, 10, func(int) float64 { return 2 })
}

// BenchmarkScorerSingleRowNewBaseline is BenchmarkScorerSingleRow with a
// regular price (the price lever's off value) that differs in every plan,
// so that every baseline row is new and predicted.
func BenchmarkScorerSingleRowNewBaseline(b *testing.B) {
	benchmarkSingleRows(b, 1000, func(i int) float64 { return 2 + 1e-6*float64(i) })
}

// benchmarkSingleRows scores n single-row plans in turn, plan i for
// series i mod 10 with regular price reg(i).
func benchmarkSingleRows(b *testing.B, n int, reg func(int) float64) {
	sc := gbdtScorer(b)
	plans := make([]*data.Frame, n)
	for i := range plans {
		one := &planRows{}
		one.add(156, i%10, 1.5, 1)
		one.reg[0] = reg(i)
		plans[i] = one.frame(b)
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		if _, err := sc.Forecast(plans[i%len(plans)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// TestScorerConcurrent scores single-row plans (from the series' state,
// sharing the baseline memo) and a whole plan (from copies of the
// history) from several goroutines at once and checks every result
// against the same plan scored alone; run with -race it also checks that
// scoring shares no state it writes.
func TestScorerConcurrent(t *testing.T) {
	hist := weeklyFrame(t, 6, 100, 3)
	sc, err := discountTrained(t, testSpec, hist).NewScorer(hist)
	if err != nil {
		t.Fatal(err)
	}
	var plans []*data.Frame
	whole := &planRows{}
	for s := range 6 {
		for k, price := range []float64{2, 1.5, 1.1} {
			one := &planRows{}
			one.add(100+k%2, s, price, float64(k%2))
			plans = append(plans, one.frame(t))
			if k < 2 {
				whole.add(100+k, s, price, float64(k))
			}
		}
	}
	plans = append(plans, whole.frame(t))
	want := make([]*Result, len(plans))
	for i, plan := range plans {
		if want[i], err = sc.Forecast(plan); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for r := range 3 * len(plans) {
				i := (r*7 + w) % len(plans)
				got, err := sc.Forecast(plans[i])
				if err != nil {
					t.Error(err)
					return
				}
				if d := samePlanRows(want[i], got); d != "" {
					t.Errorf("goroutine %d, plan %d: %s", w, i, d)
					return
				}
			}
		})
	}
	wg.Wait()
}
