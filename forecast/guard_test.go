package forecast

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"promocast/data"
	"promocast/model"
	"promocast/panel"
	"promocast/spec"
)

// inferSpec is testSpec with the price's off value inferred as the
// trailing maximum price.
const inferSpec = `
time: {column: week, frequency: week}
keys: [sku]
target: units
known: [price, feature]
static: [category]
promotion:
  price: {off: infer}
  feature: {off: 0}
cost: {unit_cost: "0.5"}
`

// discountTrained trains on weeklyFrame with a predictor whose output is
// 1 + 2·price_discount.
func discountTrained(t *testing.T, specText string, hist *data.Frame) *Model {
	t.Helper()
	sp, err := spec.Parse([]byte(specText))
	if err != nil {
		t.Fatal(err)
	}
	p, err := panel.Build(hist, sp, panel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	opt := TrainOptions{Kind: "test", Horizon: 2}
	pr, err := Prepare(p, opt)
	if err != nil {
		t.Fatal(err)
	}
	m, err := pr.Train(opt, p.Last, func(ds *model.Dataset) (model.Predictor, error) {
		for j, f := range ds.Features {
			if f.Name == "price_discount" {
				return discountModel{j}, nil
			}
		}
		return nil, fmt.Errorf("no discount feature")
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestWhatIfInferredOffPrice sweeps a price lever whose off value is
// inferred: the depths apply to the trailing maximum price (2), even where
// the plan itself holds a discounted price.
func TestWhatIfInferredOffPrice(t *testing.T) {
	hist := weeklyFrame(t, 2, 60, 3)
	m := discountTrained(t, inferSpec, hist)
	plan, _ := data.NewFrame("plan.csv", []*data.Column{
		{Name: "week", Kind: data.String, Str: []string{panelDate(60), panelDate(60)}},
		{Name: "sku", Kind: data.String, Str: []string{"sku0", "sku1"}},
		{Name: "price", Kind: data.Number, Num: []float64{1.5, 2}},
		{Name: "feature", Kind: data.Number, Num: []float64{0, 0}},
	})
	sc, err := m.NewScorer(hist)
	if err != nil {
		t.Fatal(err)
	}
	off, err := sc.OffValues(plan, "price")
	if err != nil {
		t.Fatal(err)
	}
	if off[0] != 2 || off[1] != 2 {
		t.Fatalf("inferred off prices %v, want [2 2]", off)
	}
	pts, err := sc.WhatIf(plan, Sweep{Lever: "price", Values: []float64{0, 0.1, 0.2}})
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 6 {
		t.Fatalf("%d points, want 3 values × 2 series", len(pts))
	}
	for _, pt := range pts {
		// The scale is the series' level; units ∝ 1 + 2·depth.
		var at0 float64
		for _, q := range pts {
			if q.Series == pt.Series && q.Value == 0 {
				at0 = q.Units
			}
		}
		if want := at0 * (1 + 2*pt.Value); math.Abs(pt.Units-want) > 1e-9*want {
			t.Errorf("%s at %v: units %v, want %v", pt.Series, pt.Value, pt.Units, want)
		}
		if want := pt.Units * 2 * (1 - pt.Value); math.Abs(pt.Revenue-want) > 1e-9*want {
			t.Errorf("%s at %v: revenue %v, want %v (price from the inferred off price 2)", pt.Series, pt.Value, pt.Revenue, want)
		}
	}
	if plan.Column("price").Num[0] != 1.5 {
		t.Error("WhatIf left the plan modified")
	}
}

// guardSpec has a price lever, a continuous display share and a group.
const guardSpec = `
time: {column: week, frequency: week}
keys: [sku]
target: units
static: [category]
group: category
promotion:
  price: {off: regular_price}
  display: {off: 0}
calendar: none
`

// guardFrame returns 40 weeks of three series: A (category x) is at most
// 10% off with a display share up to 0.3, B (x) up to 30% off and 0.8,
// C (y) never promoted.
func guardFrame(t *testing.T) *data.Frame {
	t.Helper()
	var week, sku, cat []string
	var units, price, reg, disp []float64
	for _, s := range []struct {
		id, cat    string
		depth, dsp float64
	}{{"A", "x", 0.1, 0.3}, {"B", "x", 0.3, 0.8}, {"C", "y", 0, 0}} {
		for w := 0; w < 40; w++ {
			p, d := 2.0, 0.0
			switch w % 10 {
			case 0:
				p, d = 2*(1-s.depth), s.dsp
			case 5:
				p, d = 2*(1-s.depth/2), s.dsp/2
			}
			week, sku, cat = append(week, panelDate(w)), append(sku, s.id), append(cat, s.cat)
			units, price, reg, disp = append(units, 10+float64(w%3)), append(price, p), append(reg, 2), append(disp, d)
		}
	}
	f, err := data.NewFrame("history.csv", []*data.Column{
		{Name: "week", Kind: data.String, Str: week}, {Name: "sku", Kind: data.String, Str: sku},
		{Name: "category", Kind: data.String, Str: cat}, {Name: "units", Kind: data.Number, Num: units},
		{Name: "price", Kind: data.Number, Num: price}, {Name: "regular_price", Kind: data.Number, Num: reg},
		{Name: "display", Kind: data.Number, Num: disp},
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// guardPlan is one plan row per (series, price, display) at week 40.
func guardPlan(rows ...struct {
	sku            string
	price, display float64
}) *data.Frame {
	at := make([]guardRow, len(rows))
	for i, r := range rows {
		at[i] = guardRow{r.sku, 40, r.price, r.display}
	}
	return guardRows(at...)
}

// guardRow is one plan row of guardFrame's series: its week and levers.
type guardRow struct {
	sku            string
	week           int
	price, display float64
}

// guardRows is a plan of the given rows, each at regular price 2.
func guardRows(rows ...guardRow) *data.Frame {
	var week, sku []string
	var price, reg, disp []float64
	for _, r := range rows {
		week, sku = append(week, panelDate(r.week)), append(sku, r.sku)
		price, reg, disp = append(price, r.price), append(reg, 2), append(disp, r.display)
	}
	f, _ := data.NewFrame("plan.csv", []*data.Column{
		{Name: "week", Kind: data.String, Str: week}, {Name: "sku", Kind: data.String, Str: sku},
		{Name: "price", Kind: data.Number, Num: price}, {Name: "regular_price", Kind: data.Number, Num: reg},
		{Name: "display", Kind: data.Number, Num: disp},
	})
	return f
}

// guardScorer scores plans against guardFrame with a model trained on it.
func guardScorer(t *testing.T) *Scorer {
	t.Helper()
	hist := guardFrame(t)
	sc, err := discountTrained(t, guardSpec, hist).NewScorer(hist)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// TestGuardSeriesAndGroup checks the warnings against the series' own
// history and its group's: a deeper discount, a display share beyond the
// series' range, a lever a series never had on, a forecast beyond the
// series' best period.
func TestGuardSeriesAndGroup(t *testing.T) {
	hist := guardFrame(t)
	m := discountTrained(t, guardSpec, hist)
	r := m.Ranges
	if r.Group != "category" || math.Abs(r.Groups["x"].MaxDiscount-0.3) > 1e-9 || r.Groups["x"].Levers["display"] != [2]float64{0, 0.8} ||
		r.Series["A"].Levers["display"] != [2]float64{0, 0.3} || r.Groups["y"].Promoted != 0 {
		t.Fatalf("ranges %+v", r)
	}
	type row = struct {
		sku            string
		price, display float64
	}
	cases := []struct {
		row  row
		want string
	}{
		{row{"A", 1.8, 0.2}, ""},
		{row{"A", 1.6, 0}, "discount 20% deeper than this series ever had (max 10%, its category x up to 30%)"},
		// 40% off also sells more than 1.5× the series' best period.
		{row{"A", 1.2, 0}, "discount 40% deeper than any in training (max 30%); expected 22 units, 1.8× the most this series sold in a period of its history (12): beyond anything it showed"},
		{row{"A", 2, 0.5}, "display = 0.5 outside this series' range [0, 0.3] (its category x had [0, 0.8])"},
		{row{"C", 1.6, 0}, "series never promoted in training; discount 20% deeper than this series (max 0%) and its category y (max 0%) ever had"},
		{row{"C", 2, 0.5}, "series never promoted in training; display = 0.5: this series never had display on in training, and its category y's [0, 0]"},
		{row{"B", 2, 1}, "display = 1 outside training range [0, 0.8]"},
		// Within a tenth of a point of the deepest discount is within it.
		{row{"A", 1.7999, 0}, ""},
		{row{"A", 1.79, 0}, "discount 10.5% deeper than this series ever had (max 10.0%, its category x up to 30%)"},
		{row{"A", 2.5, 0}, "price 2.5 above its regular_price 2: the model knows discounts, not price rises, and reads it as no discount"},
	}
	check := func(what string, cases []struct {
		row  row
		want string
	}) {
		t.Helper()
		sc, err := m.NewScorer(hist)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases { // a plan holds one row per series and period
			res, err := sc.Forecast(guardPlan(c.row))
			if err != nil {
				t.Fatal(err)
			}
			if res.Warnings[0] != c.want {
				t.Errorf("%s %+v: warning %q, want %q", what, c.row, res.Warnings[0], c.want)
			}
		}
	}
	check("", cases)

	// A sweep's points carry the same verdict on the swept value alone.
	pts, err := m.WhatIf(hist, guardPlan(row{"A", 2, 0}), Sweep{Lever: "price", Values: []float64{0, 0.1, 0.2}})
	if err != nil {
		t.Fatal(err)
	}
	if pts[0].Warning != "" || pts[1].Warning != "" || pts[2].Warning != cases[1].want {
		t.Errorf("sweep warnings %q %q %q", pts[0].Warning, pts[1].Warning, pts[2].Warning)
	}

	// A sweep of the display share warns beyond the series' own range.
	pts, err = m.WhatIf(hist, guardPlan(row{"A", 2, 0}), Sweep{Lever: "display", Values: []float64{0, 0.3, 0.5}})
	if err != nil {
		t.Fatal(err)
	}
	if pts[0].Warning != "" || pts[1].Warning != "" || pts[2].Warning != cases[3].want {
		t.Errorf("display sweep warnings %q %q %q", pts[0].Warning, pts[1].Warning, pts[2].Warning)
	}

	// A model file written before series and group ranges were recorded
	// still warns against all of training.
	old := *r
	old.Group, old.Groups, old.Series = "", nil, map[string]SeriesRange{}
	for id, sr := range r.Series {
		old.Series[id] = SeriesRange{MaxDiscount: sr.MaxDiscount, Promoted: sr.Promoted}
	}
	m.Ranges = &old
	check("old ranges", []struct {
		row  row
		want string
	}{
		{row{"A", 1.6, 0}, "discount 20% deeper than this series ever had (max 10%)"},
		{row{"A", 2, 0.5}, ""},
		cases[6],
	})
}

// TestWarningsHoldNoSeparator checks that no warning text holds "; ",
// which joins a row's warnings and which callers split them on.
func TestWarningsHoldNoSeparator(t *testing.T) {
	sc := guardScorer(t)
	type row = struct {
		sku            string
		price, display float64
	}
	for _, r := range []row{{"A", 1.6, 0.5}, {"C", 1.6, 0.5}, {"A", 1.2, 0}, {"B", 2, 1}} {
		res, err := sc.Forecast(guardPlan(r))
		if err != nil {
			t.Fatal(err)
		}
		parts := strings.Split(res.Warnings[0], "; ")
		for _, p := range parts {
			if strings.Count(p, "(") != strings.Count(p, ")") {
				t.Errorf("%+v: warning %q splits inside a parenthesis: %q", r, res.Warnings[0], p)
			}
		}
		if len(parts) < 1 || parts[0] == "" {
			t.Errorf("%+v: no warning", r)
		}
	}
}

func TestRangesMerge(t *testing.T) {
	a := &Ranges{MaxDiscount: 0.2, Series: map[string]SeriesRange{"x": {MaxDiscount: 0.2, Promoted: 3}},
		Levers: map[string][2]float64{"feature": {0, 1}}, Group: "category",
		Groups:          map[string]SeriesRange{"food": {MaxDiscount: 0.2, Promoted: 3, Levers: map[string][2]float64{"feature": {0, 1}}}},
		EventGroupShare: map[string]float64{"event_double11": 0.4}}
	b := &Ranges{MaxDiscount: 0.5, Series: map[string]SeriesRange{"y": {MaxDiscount: 0.5, Promoted: 1}},
		Levers: map[string][2]float64{"feature": {0, 2}, "display": {0, 1}}, Group: "category",
		Groups:          map[string]SeriesRange{"food": {MaxDiscount: 0.5, Promoted: 1, Levers: map[string][2]float64{"feature": {1, 3}}}, "toys": {Promoted: 2}},
		EventGroupShare: map[string]float64{"event_double11": 0.1, "pre_double11": 0.3}}
	a.Merge(b)
	want := &Ranges{MaxDiscount: 0.5, Series: map[string]SeriesRange{"x": {MaxDiscount: 0.2, Promoted: 3}, "y": {MaxDiscount: 0.5, Promoted: 1}},
		Levers: map[string][2]float64{"feature": {0, 2}, "display": {0, 1}}, Group: "category",
		Groups:          map[string]SeriesRange{"food": {MaxDiscount: 0.5, Promoted: 4, Levers: map[string][2]float64{"feature": {0, 3}}}, "toys": {Promoted: 2}},
		EventGroupShare: map[string]float64{"event_double11": 0.1, "pre_double11": 0.3}}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("merged\n%+v\nwant\n%+v", a, want)
	}
}

// TestWarnsOfUnplannedPeriods checks that a plan row after a period the
// plan leaves out (the features read that period's prices and promotions)
// carries a warning naming it, whether the plan is scored row by row (one
// row per series) or by extending the series, and that a plan holding the
// period has none.
func TestWarnsOfUnplannedPeriods(t *testing.T) {
	hist := guardFrame(t)
	m := discountTrained(t, guardSpec, hist)
	sc, err := m.NewScorer(hist)
	if err != nil {
		t.Fatal(err)
	}
	type row = struct {
		sku  string
		week int
	}
	// plan is one row per (series, week), at full price without display.
	plan := func(rows ...row) *data.Frame {
		at := make([]guardRow, len(rows))
		for i, r := range rows {
			at[i] = guardRow{r.sku, r.week, 2, 0}
		}
		return guardRows(at...)
	}
	want := fmt.Sprintf("the plan has no row for %s between the series' last data (%s) and this period: the forecast reads that as no promotion and no price there; add its rows to the plan",
		panelDate(40), panelDate(39))
	cases := []struct {
		name string
		rows []row
		want []string
	}{
		{"row by row", []row{{"A", 41}, {"B", 40}}, []string{want, ""}},
		{"extending", []row{{"A", 41}, {"B", 40}, {"B", 41}}, []string{want, "", ""}},
		{"every period planned", []row{{"A", 40}, {"A", 41}}, []string{"", ""}},
	}
	for _, c := range cases {
		res, err := sc.Forecast(plan(c.rows...))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(res.Warnings, c.want) {
			t.Errorf("%s: warnings %q, want %q", c.name, res.Warnings, c.want)
		}
	}

	// A series whose history ends before the others' has holes the
	// history holds, not the plan: no warning for them.
	n := hist.Rows() - 1 // C's week 39 is the last row
	var cols []*data.Column
	for _, name := range hist.Names() {
		c := *hist.Column(name)
		if c.Kind == data.String {
			c.Str = c.Str[:n]
		} else {
			c.Num = c.Num[:n]
		}
		cols = append(cols, &c)
	}
	short, err := data.NewFrame("history.csv", cols)
	if err != nil {
		t.Fatal(err)
	}
	if sc, err = m.NewScorer(short); err != nil {
		t.Fatal(err)
	}
	for _, rows := range [][]row{{{"C", 40}}, {{"C", 40}, {"A", 40}, {"A", 41}}} {
		res, err := sc.Forecast(plan(rows...))
		if err != nil {
			t.Fatal(err)
		}
		for i, w := range res.Warnings {
			if w != "" {
				t.Errorf("C ending at week 38, plan %v: row %d warns %q", rows, i, w)
			}
		}
	}
}

// Outputs echo each row's period as the plan wrote it, on both scoring
// paths (one row per series, and a series planned for two weeks), so that
// they join back to the plan.
func TestOutputsKeepThePlansPeriodText(t *testing.T) {
	sc := guardScorer(t)
	for _, rows := range [][]guardRow{{{"A", 40, 2, 0}, {"B", 40, 1.8, 0}}, {{"A", 40, 2, 0}, {"A", 41, 1.8, 0}}} {
		plan := guardRows(rows...)
		wc := plan.Column("week")
		for i, w := range wc.Str {
			wc.Str[i] = strings.ReplaceAll(w, "-", "/") // 2021/10/11: a layout the grid also reads
		}
		res, err := sc.Forecast(plan)
		if err != nil {
			t.Fatal(err)
		}
		f, err := res.Frame("fc.csv")
		if err != nil {
			t.Fatal(err)
		}
		for i, got := range f.Column("week").Str {
			if want := wc.Str[res.Targets[i].Row]; got != want || res.Period(i) != want {
				t.Errorf("row %d: period %q (Period %q), want the plan's %q", i, got, res.Period(i), want)
			}
		}
	}
}

// TestWarnsOfLeversTheEffectModelReadsAsOne checks that a plan row which
// sets apart two levers the effect model left as one (one restated by the
// other) is warned about, and a row that moves them together is not.
func TestWarnsOfLeversTheEffectModelReadsAsOne(t *testing.T) {
	hist := guardFrame(t)
	m := discountTrained(t, guardSpec, hist)
	m.Effects = &Effects{Restated: []Restated{{Name: "display", By: "price"}}}
	sp, err := spec.Parse([]byte(guardSpec))
	if err != nil {
		t.Fatal(err)
	}
	p, err := panel.Build(hist, sp, panel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	lc, err := m.leverColumns()
	if err != nil {
		t.Fatal(err)
	}
	si := slices.IndexFunc(p.Series, func(s *panel.Series) bool { return s.ID == "A" })
	s := p.Series[si]
	for _, c := range []struct {
		display, discount float64
		want              string
	}{
		{0.2, 0, "display on and price off: in training the two moved together, so the effect model reads them as one lever (price) and the history cannot tell what either does alone"},
		{0, 0.1, "display off and price on: in training the two moved together, so the effect model reads them as one lever (price) and the history cannot tell what either does alone"},
		{0.2, 0.1, ""},
		{0, 0, ""},
	} {
		known := make([]float64, len(m.Spec.Known))
		for k, n := range m.Spec.Known {
			switch n {
			case "price":
				known[k] = 2 * (1 - c.discount)
			case "regular_price":
				known[k] = 2
			case "display":
				known[k] = c.display
			}
		}
		got := m.rowWarnings(m.guard(p), lc, si, p.Last, lastObserved(s), unplanned{}, c.display > 0 || c.discount > 0, c.discount, known)
		if c.want == "" && strings.Contains(got, "moved together") || c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("display %v, discount %v: warnings %q, want %q", c.display, c.discount, got, c.want)
		}
	}
}

// TestWarnsOfAPriceRiseUnderInferredOff checks that a plan row priced
// above the regular price `off: infer` reads from the periods before it
// is warned about, and that the row after it, back at the old price, is
// then read as a discount.
func TestWarnsOfAPriceRiseUnderInferredOff(t *testing.T) {
	hist := weeklyFrame(t, 2, 60, 3)
	m := discountTrained(t, inferSpec, hist)
	plan, _ := data.NewFrame("plan.csv", []*data.Column{
		{Name: "week", Kind: data.String, Str: []string{panelDate(60), panelDate(61), panelDate(60)}},
		{Name: "sku", Kind: data.String, Str: []string{"sku0", "sku0", "sku1"}},
		{Name: "price", Kind: data.Number, Num: []float64{3, 2, 2}},
		{Name: "feature", Kind: data.Number, Num: []float64{0, 0, 0}},
	})
	sc, err := m.NewScorer(hist)
	if err != nil {
		t.Fatal(err)
	}
	res, err := sc.Forecast(plan)
	if err != nil {
		t.Fatal(err)
	}
	rise := "price 3 above the regular price 2 inferred from the periods before it: the model knows discounts, not price rises, and the rows after it read their price against 3"
	if !strings.Contains(res.Warnings[0], rise) {
		t.Errorf("row 0 (a rise to 3): warnings %q, want %q", res.Warnings[0], rise)
	}
	if strings.Contains(res.Warnings[1], "above the regular price") || !res.Promoted[1] {
		t.Errorf("row 1 (back at 2 after 3): warnings %q, promoted %v; want it read as a discount", res.Warnings[1], res.Promoted[1])
	}
	if res.Warnings[2] != "" {
		t.Errorf("a row at the regular price: warnings %q", res.Warnings[2])
	}
}
