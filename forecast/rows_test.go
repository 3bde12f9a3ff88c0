package forecast_test

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"promocast/data"
	"promocast/demo"
	"promocast/forecast"
	"promocast/modelfile"
)

// pickRows returns the rows of f at the given indexes, edit applied to
// each row's numbers (column name → value) when not nil.
func pickRows(t *testing.T, f *data.Frame, rows []int, edit func(col string, v float64) float64) *data.Frame {
	t.Helper()
	var cols []*data.Column
	for _, c := range f.Columns {
		nc := &data.Column{Name: c.Name, Kind: c.Kind}
		for _, r := range rows {
			if c.Kind == data.String {
				nc.Str = append(nc.Str, c.Str[r])
			} else {
				v := c.Num[r]
				if edit != nil {
					v = edit(c.Name, v)
				}
				nc.Num = append(nc.Num, v)
			}
		}
		cols = append(cols, nc)
	}
	out, err := data.NewFrame("plan.csv", cols)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// diffResults reports the first field where two forecasts of one plan
// differ, numbers bit for bit; "" when none does.
func diffResults(a, b *forecast.Result) string {
	floats := map[string][2][]float64{
		"forecast": {a.Forecast, b.Forecast}, "baseline": {a.Baseline, b.Baseline},
		"price": {a.Price, b.Price}, "base price": {a.BasePrice, b.BasePrice},
		"unit cost": {a.UnitCost, b.UnitCost}, "fixed cost": {a.FixedCost, b.FixedCost},
		"own": {a.Parts.Own, b.Parts.Own}, "history": {a.Parts.History, b.Parts.History},
		"next": {a.Parts.Next, b.Parts.Next}, "peers": {a.Parts.Peers, b.Parts.Peers},
		"levels": {a.Levels, b.Levels},
	}
	axf, axb, as := a.Features()
	bxf, bxb, bs := b.Features()
	floats["plan features"] = [2][]float64{axf.Values, bxf.Values}
	floats["baseline features"] = [2][]float64{axb.Values, bxb.Values}
	floats["scales"] = [2][]float64{as, bs}
	for k := range max(len(a.ForecastQ), len(b.ForecastQ)) {
		if k >= len(a.ForecastQ) || k >= len(b.ForecastQ) {
			return "quantile levels"
		}
		floats[fmt.Sprint("forecast q", k)] = [2][]float64{a.ForecastQ[k], b.ForecastQ[k]}
		floats[fmt.Sprint("baseline q", k)] = [2][]float64{a.BaselineQ[k], b.BaselineQ[k]}
		floats[fmt.Sprint("uplift q", k)] = [2][]float64{a.UpliftQ[k], b.UpliftQ[k]}
	}
	for name, pair := range floats {
		if len(pair[0]) != len(pair[1]) {
			return fmt.Sprintf("%s: %d values, then %d", name, len(pair[0]), len(pair[1]))
		}
		for i := range pair[0] {
			if math.Float64bits(pair[0][i]) != math.Float64bits(pair[1][i]) {
				return fmt.Sprintf("%s %d: %v, then %v", name, i, pair[0][i], pair[1][i])
			}
		}
	}
	switch {
	case !slices.Equal(a.Targets, b.Targets):
		return fmt.Sprintf("targets %v, then %v", a.Targets, b.Targets)
	case !slices.Equal(a.Promoted, b.Promoted):
		return fmt.Sprintf("promoted %v, then %v", a.Promoted, b.Promoted)
	case !slices.Equal(a.Warnings, b.Warnings):
		return fmt.Sprintf("warnings %q, then %q", a.Warnings, b.Warnings)
	case a.Panel.Last != b.Panel.Last || a.Panel.Grid != b.Panel.Grid:
		return "panel span or grid"
	}
	for _, t := range a.Targets {
		sa, sb := a.Panel.Series[t.Series], b.Panel.Series[t.Series]
		if sa.ID != sb.ID || !slices.Equal(sa.Key, sb.Key) || sa.Start != sb.Start || !slices.Equal(sa.Static, sb.Static) {
			return fmt.Sprintf("series %s, then %s", sa.ID, sb.ID)
		}
	}
	return ""
}

// TestForecastRowsMatchesPanel checks, on the demo shop (gradient-boosted
// trees, an effect model, intervals, categories of peers, events), that a
// plan scored from the scorer's state of each series gives the same bits
// as one scored by extending copies of the history: every row of the
// shop's plan alone, then with a deeper discount and with every flag on
// (rows outside what training saw, with warnings, scored from the plan
// held within what their series had), and every day of the
// plan as one plan of all the series (peers promoted together). A plan
// with two rows of one series takes the other path.
func TestForecastRowsMatchesPanel(t *testing.T) {
	d, err := demo.Train(demo.Options{SKUs: 10, Horizon: 7, Rounds: 30})
	if err != nil {
		t.Fatal(err)
	}
	mf, err := modelfile.Decode(d.File, "demo")
	if err != nil {
		t.Fatal(err)
	}
	m := mf.Model
	if m.Effects == nil || m.Calibration == nil {
		t.Fatal("the demo model has no effect model or no intervals: the comparison would not cover them")
	}
	sc, err := m.NewScorer(d.History)
	if err != nil {
		t.Fatal(err)
	}
	deeper := func(col string, v float64) float64 {
		if col == "price" {
			return v * 0.4
		}
		return v
	}
	flagsOn := func(col string, v float64) float64 {
		switch col {
		case "feature", "display", "coupon":
			return 1
		}
		return v
	}
	var plans []*data.Frame
	byDay := map[string][]int{}
	dates := d.Plan.Column("date")
	for r := range d.Plan.Rows() {
		for _, edit := range []func(string, float64) float64{nil, deeper, flagsOn} {
			plans = append(plans, pickRows(t, d.Plan, []int{r}, edit))
		}
		byDay[dates.Text(r)] = append(byDay[dates.Text(r)], r)
	}
	for _, rows := range byDay {
		plans = append(plans, pickRows(t, d.Plan, rows, nil), pickRows(t, d.Plan, rows, flagsOn))
	}
	warned, peers, beyond := 0, 0, 0
	for k, plan := range plans {
		fast, ok := sc.ForecastRows(plan)
		if !ok {
			t.Fatalf("plan %d of %d rows, one per series, was not scored from the series' state", k, plan.Rows())
		}
		full, err := sc.ForecastPanel(plan)
		if err != nil {
			t.Fatal(err)
		}
		if diff := diffResults(full, fast); diff != "" {
			t.Fatalf("plan %d (%d rows): %s", k, plan.Rows(), diff)
		}
		if !slices.Equal(full.Beyond(), fast.Beyond()) {
			t.Fatalf("plan %d: rows beyond %v, then %v", k, full.Beyond(), fast.Beyond())
		}
		for _, b := range fast.Beyond() {
			if b {
				beyond++
			}
		}
		for i, w := range fast.Warnings {
			if w != "" {
				warned++
			}
			if fast.Parts.Peers[i] != 0 {
				peers++
			}
		}
	}
	if warned == 0 || peers == 0 || beyond == 0 {
		t.Errorf("%d rows with warnings, %d with a peers part, %d beyond what their series had (scored from the plan held within it): the comparison does not cover them", warned, peers, beyond)
	}
	if _, ok := sc.ForecastRows(d.Plan); ok {
		t.Error("the shop's whole plan, several rows per series, was scored from the series' state")
	}
}
