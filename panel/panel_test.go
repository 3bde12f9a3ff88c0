package panel

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"promocast/data"
	"promocast/spec"
)

const weekly = `
time: {column: week, frequency: week}
keys: [sku]
target: units
known: [price]
static: [category]
promotion: {price: {off: infer}}
`

func frame(t *testing.T, weeks, skus, cats []string, units, price []float64) *data.Frame {
	t.Helper()
	f, err := data.NewFrame("sales.csv", []*data.Column{
		{Name: "week", Kind: data.String, Str: weeks},
		{Name: "sku", Kind: data.String, Str: skus},
		{Name: "category", Kind: data.String, Str: cats},
		{Name: "units", Kind: data.Number, Num: units},
		{Name: "price", Kind: data.Number, Num: price},
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func mustSpec(t *testing.T, y string) *spec.Spec {
	t.Helper()
	s, err := spec.Parse([]byte(y))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestBuildGapsAndOrder(t *testing.T) {
	f := frame(t,
		[]string{"2024-01-17", "2024-01-03", "2024-01-03", "2024-01-24"},
		[]string{"b", "b", "a", "b"},
		[]string{"x", "x", "y", "x"},
		[]float64{5, 3, 7, 9},
		[]float64{1, 1, 2, math.NaN()})
	p, err := Build(f, mustSpec(t, weekly), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Series) != 2 || p.Series[0].ID != "a" || p.Series[1].ID != "b" {
		t.Fatalf("series %v, want a then b", ids(p))
	}
	b := p.Series[1]
	// Weeks 01-03, (01-10 gap), 01-17, 01-24.
	if len(b.Y) != 4 || b.Y[0] != 3 || !math.IsNaN(b.Y[1]) || b.Y[2] != 5 || b.Y[3] != 9 {
		t.Fatalf("series b targets %v, want [3 NaN 5 9]", b.Y)
	}
	if b.Row[1] != -1 || b.Row[0] != 1 {
		t.Fatalf("series b rows %v", b.Row)
	}
	if got := p.Grid.Label(b.Start); got != "2024-01-03" {
		t.Fatalf("label of first week %q, want 2024-01-03", got)
	}
	if p.Levels[0][0] != "x" || p.Levels[0][1] != "y" || b.Static[0] != 0 || p.Series[0].Static[0] != 1 {
		t.Fatalf("levels %v, statics %v %v", p.Levels, p.Series[0].Static, b.Static)
	}
	if p.Last-p.First != 3 {
		t.Fatalf("panel spans %d..%d, want 4 weeks", p.First, p.Last)
	}
}

func TestBuildErrors(t *testing.T) {
	cases := []struct {
		name  string
		weeks []string
		units []float64
		want  string
	}{
		{"duplicate", []string{"2024-01-03", "2024-01-03"}, []float64{1, 2},
			`sales.csv: row 2 (line 3), column week: series "a" already has a row for 2024-01-03 (row 1): expected one row per series and period`},
		{"negative", []string{"2024-01-03", "2024-01-10"}, []float64{1, -2},
			"sales.csv: row 2 (line 3), column units: target is -2: expected a non-negative quantity"},
		{"bad date", []string{"2024-01-03", "2024-13-45"}, []float64{1, 2},
			`sales.csv: row 2 (line 3), column week: "2024-13-45" is not a date`},
		{"empty date", []string{"2024-01-03", ""}, []float64{1, 2},
			"sales.csv: row 2 (line 3), column week: time is empty"},
	}
	for _, c := range cases {
		f := frame(t, c.weeks, []string{"a", "a"}, []string{"x", "x"}, c.units, []float64{1, 1})
		_, err := Build(f, mustSpec(t, weekly), Options{})
		var re *RowError
		if err == nil || !errors.As(err, &re) || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: error %v, want a RowError starting %q", c.name, err, c.want)
		}
	}
	// Two keys: a "|" in a key value would make (a|b, x) and (a, b|x) one
	// series.
	f := frame(t, []string{"2024-01-03", "2024-01-03"}, []string{"a", "a|b"}, []string{"b|x", "x"}, []float64{1, 2}, []float64{1, 1})
	_, err := Build(f, mustSpec(t, strings.Replace(weekly, "keys: [sku]", "keys: [sku, category]", 1)), Options{})
	if want := `sales.csv: row 2 (line 3), column sku: key value "a|b" holds "|"`; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("a key value with |: error %v, want one starting %q", err, want)
	}
	f = frame(t, []string{"2024-01-03"}, []string{"a"}, []string{"x"}, []float64{1}, []float64{1})
	_, err = Build(f, mustSpec(t, strings.Replace(weekly, "known: [price]", "known: [price, feature]", 1)), Options{})
	var me *data.MissingColumnError
	if !errors.As(err, &me) || me.Column != "feature" || me.Role != "known covariate" {
		t.Fatalf("missing column error %v", err)
	}
}

func TestGridOrdinals(t *testing.T) {
	cases := []struct {
		freq, text string
		want       int
		label      string
	}{
		{spec.Day, "1970-01-02", 1, "1970-01-02"},
		{spec.Day, "20240229", 19782, "2024-02-29"},
		{spec.Month, "2024-03-15", 2024*12 + 2, "2024-03"},
		{spec.Period, "42", 42, "42"},
	}
	for _, c := range cases {
		g := Grid{Frequency: c.freq}
		got, err := g.Ordinal(c.text)
		if err != nil || got != c.want {
			t.Errorf("%s %q: ordinal %d, %v; want %d", c.freq, c.text, got, err, c.want)
		}
		if l := g.Label(got); l != c.label {
			t.Errorf("%s %q: label %q, want %q", c.freq, c.text, l, c.label)
		}
	}
	// Weeks keep the history's weekday: a Wednesday anchor labels Wednesdays.
	g := Grid{Frequency: spec.Week, Anchor: 19725 % 7} // 2024-01-03 is day 19725
	o, _ := g.Ordinal("2024-01-10")
	if g.Label(o) != "2024-01-10" {
		t.Fatalf("week label %q, want 2024-01-10", g.Label(o))
	}
	// A date off the weekly grid is refused, not moved to its week's start.
	if _, err := g.Ordinal("2024-01-16"); err == nil || err.Error() != `"2024-01-16" is a Tuesday, off the weekly grid of Wednesdays (2024-01-10 or 2024-01-17)` {
		t.Errorf("off-grid week: %v", err)
	}
	if _, err := (&Grid{Frequency: spec.Period}).Ordinal("4.5"); err == nil {
		t.Fatal("4.5 accepted as an integer period")
	}
}

func TestExtend(t *testing.T) {
	f := frame(t, []string{"2024-01-03", "2024-01-10"}, []string{"a", "a"}, []string{"x", "x"}, []float64{1, 2}, []float64{1, 1})
	p, err := Build(f, mustSpec(t, weekly), Options{})
	if err != nil {
		t.Fatal(err)
	}
	plan, _ := data.NewFrame("plan.csv", []*data.Column{
		{Name: "week", Kind: data.String, Str: []string{"2024-01-31", "2024-01-24"}},
		{Name: "sku", Kind: data.String, Str: []string{"a", "a"}},
		{Name: "price", Kind: data.Number, Num: []float64{0.8, 0.9}},
	})
	targets, err := p.Extend(plan)
	if err != nil {
		t.Fatal(err)
	}
	s := p.Series[0]
	if len(targets) != 2 || targets[0].Row != 0 || targets[0].Period != s.Start+4 || targets[1].Period != s.Start+3 {
		t.Fatalf("targets %+v", targets)
	}
	// 01-17 is a gap between history and plan; plan periods carry prices, no target.
	if len(s.Y) != 5 || !math.IsNaN(s.Y[2]) || !math.IsNaN(s.Y[4]) || s.Known[0][4] != 0.8 || s.Known[0][3] != 0.9 || !math.IsNaN(s.Known[0][2]) {
		t.Fatalf("extended series Y %v known %v", s.Y, s.Known[0])
	}
}

// withRegular is a weekly spec whose price lever is off at a regular price
// column, beside a feature flag.
const withRegular = `
time: {column: week, frequency: week}
keys: [sku]
target: units
known: [price, regular_price, feature]
promotion: {price: {off: regular_price}, feature: {off: 0}}
`

// regularHistory is two weeks of series a under withRegular, with extra
// columns.
func regularHistory(extra ...*data.Column) *data.Frame {
	hist, _ := data.NewFrame("sales.csv", append([]*data.Column{
		{Name: "week", Kind: data.String, Str: []string{"2024-01-03", "2024-01-10"}},
		{Name: "sku", Kind: data.String, Str: []string{"a", "a"}},
		{Name: "units", Kind: data.Number, Num: []float64{1, 2}},
		{Name: "price", Kind: data.Number, Num: []float64{1, 1}},
		{Name: "regular_price", Kind: data.Number, Num: []float64{1, 1}},
		{Name: "feature", Kind: data.Number, Num: []float64{0, 1}},
	}, extra...))
	return hist
}

// A plan's price must be positive, in Extend and PlanRows alike, and the
// error names the file, row, column and value; a lever's off column is a
// price too, and a flag may be 0. A flag below its off value is refused.
func TestPlanRefusesNonPositivePrice(t *testing.T) {
	hist := regularHistory()
	sp := mustSpec(t, withRegular)
	plan := func(price, regular, feature float64) *data.Frame {
		f, _ := data.NewFrame("plan.csv", []*data.Column{
			{Name: "week", Kind: data.String, Str: []string{"2024-01-17", "2024-01-24"}},
			{Name: "sku", Kind: data.String, Str: []string{"a", "a"}},
			{Name: "price", Kind: data.Number, Num: []float64{0.9, price}},
			{Name: "regular_price", Kind: data.Number, Num: []float64{1, regular}},
			{Name: "feature", Kind: data.Number, Num: []float64{0, feature}},
		})
		return f
	}
	for _, c := range []struct {
		price, regular, feature float64
		want                    string
	}{
		{0, 1, 0, "plan.csv: row 2 (line 3), column price: price is 0: expected a positive price"},
		{-5, 1, 0, "plan.csv: row 2 (line 3), column price: price is -5: expected a positive price"},
		{0.8, 0, 0, "plan.csv: row 2 (line 3), column regular_price: price is 0: expected a positive price"},
		// A flag below its off value is no promotion.
		{0.8, 1, -1, "plan.csv: row 2 (line 3), column feature: lever is -1: expected 0 (off) or more: the lever is on above its off value"},
		// A missing cell (NA, empty) is named as missing.
		{0.8, 1, math.NaN(), "plan.csv: row 2 (line 3), column feature: missing (empty, NA, N/A, NaN or null): a plan must give every lever, price and cost a value"},
		{0.8, 1, 0.5, ""},
		{0.8, 1, 0, ""},
	} {
		for _, how := range []string{"Extend", "PlanRows"} {
			p, err := Build(hist, sp, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if how == "Extend" {
				_, err = p.Extend(plan(c.price, c.regular, c.feature))
			} else {
				_, err = p.PlanRows(plan(c.price, c.regular, c.feature), p.Index())
			}
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != c.want {
				t.Errorf("%s, price %v, regular %v, feature %v: error %q, want %q", how, c.price, c.regular, c.feature, got, c.want)
			}
		}
	}
}

// The spec's selling price is a price even when no lever is, and its
// cost columns must be 0 or more.
func TestPlanRefusesNonPositiveSellingPriceAndNegativeCost(t *testing.T) {
	sp := mustSpec(t, "time: {column: week, frequency: week}\nkeys: [sku]\ntarget: units\nknown: [price, feature, unit_cost]\nprice: price\npromotion: {feature: {off: 0}}\ncost: {unit_cost: unit_cost}\n")
	hist, _ := data.NewFrame("sales.csv", []*data.Column{
		{Name: "week", Kind: data.String, Str: []string{"2024-01-03", "2024-01-10"}},
		{Name: "sku", Kind: data.String, Str: []string{"a", "a"}},
		{Name: "units", Kind: data.Number, Num: []float64{1, 2}},
		{Name: "price", Kind: data.Number, Num: []float64{1, 1}},
		{Name: "feature", Kind: data.Number, Num: []float64{0, 1}},
		{Name: "unit_cost", Kind: data.Number, Num: []float64{0.5, 0.5}},
	})
	p, err := Build(hist, sp, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		price, cost float64
		want        string
	}{
		{0, 0.5, "plan.csv: row 1 (line 2), column price: price is 0: expected a positive price"},
		{1, -1, "plan.csv: row 1 (line 2), column unit_cost: cost is -1: expected 0 or more"},
		{1, 0, ""},
	} {
		plan, _ := data.NewFrame("plan.csv", []*data.Column{
			{Name: "week", Kind: data.String, Str: []string{"2024-01-17"}},
			{Name: "sku", Kind: data.String, Str: []string{"a"}},
			{Name: "price", Kind: data.Number, Num: []float64{c.price}},
			{Name: "feature", Kind: data.Number, Num: []float64{0}},
			{Name: "unit_cost", Kind: data.Number, Num: []float64{c.cost}},
		})
		_, err := p.PlanRows(plan, p.Index())
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("price %v, cost %v: error %q, want %q", c.price, c.cost, got, c.want)
		}
	}
}

func ids(p *Panel) []string {
	var out []string
	for _, s := range p.Series {
		out = append(out, s.ID)
	}
	return out
}

// A plan series the panel lacks is named with the closest series the
// panel has when one is close, and alone when none is.
func TestNoHistoryNamesTheClosestSeries(t *testing.T) {
	p := &Panel{Series: []*Series{{ID: "Star Kist 6 oz"}, {ID: "Geisha 6 oz"}, {ID: "HH Chunk Lite 6.5 oz"}}}
	for id, want := range map[string]string{
		"Star Kist 6oz": `series "Star Kist 6oz" has no history: promocast forecasts series it has seen (did you mean "Star Kist 6 oz"?)`,
		"geisha 6 oz":   `series "geisha 6 oz" has no history: promocast forecasts series it has seen (did you mean "Geisha 6 oz"?)`,
		"Bumble Bee":    `series "Bumble Bee" has no history: promocast forecasts series it has seen`,
	} {
		if got := p.noHistory(id).Error(); got != want {
			t.Errorf("%q: %q, want %q", id, got, want)
		}
	}
	if d := editDistance("kitten", "sitting"); d != 3 {
		t.Errorf("editDistance(kitten, sitting) = %d, want 3", d)
	}
}

// A history's prices of 0 or less are read as missing, and counted with
// the first one's row, so that training can say so; other columns keep
// their values.
func TestBuildReadsNonPositivePricesAsMissing(t *testing.T) {
	hist, err := data.NewFrame("sales.csv", []*data.Column{
		{Name: "week", Kind: data.String, Str: []string{"2024-01-03", "2024-01-10", "2024-01-17", "2024-01-03"}},
		{Name: "sku", Kind: data.String, Str: []string{"a", "a", "a", "b"}},
		{Name: "units", Kind: data.Number, Num: []float64{1, 2, 3, 4}},
		{Name: "price", Kind: data.Number, Num: []float64{1, 0, 1, -2}},
		{Name: "regular_price", Kind: data.Number, Num: []float64{1, 1, 1, 1}},
		{Name: "feature", Kind: data.Number, Num: []float64{0, 1, 0, 0}},
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := Build(hist, mustSpec(t, withRegular), Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, b := p.Series[0], p.Series[1]
	if !math.IsNaN(a.Known[0][1]) || a.Known[0][0] != 1 || !math.IsNaN(b.Known[0][0]) || a.Known[2][1] != 1 {
		t.Errorf("prices %v and %v, feature %v: want the 0 and -2 prices missing and the rest kept", a.Known[0], b.Known[0], a.Known[2])
	}
	want := "sales.csv, column price: 2 row(s) with a price of 0 or less (the first: row 2, 0) are read as missing prices: a shelf price is positive (leave the cell empty where the price is unknown)"
	if len(p.Unpriced) != 1 || p.Unpriced[0].String() != want {
		t.Errorf("unpriced %v, want one note: %s", p.Unpriced, want)
	}
}

// A weekly grid falls on the weekday most rows do, so the row off it is
// the one an error names, even when it comes first.
func TestWeeklyGridTakesTheCommonWeekday(t *testing.T) {
	f := frame(t, []string{"2024-01-08", "2024-01-03", "2024-01-10", "2024-01-17"}, []string{"a", "b", "b", "b"},
		[]string{"x", "x", "x", "x"}, []float64{1, 2, 3, 4}, []float64{1, 1, 1, 1})
	_, err := Build(f, mustSpec(t, weekly), Options{})
	want := `sales.csv: row 1 (line 2), column week: "2024-01-08" is a Monday, off the weekly grid of Wednesdays`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want one starting %q", err, want)
	}
}

// A target a thousand times beyond its series' usual sales is counted,
// named and read as missing; a promotion spike a few dozen times the usual
// is not.
func TestBuildCountsOutliers(t *testing.T) {
	weeks := []string{"2024-01-03", "2024-01-10", "2024-01-17", "2024-01-24", "2024-01-31", "2024-01-03", "2024-01-10", "2024-01-17"}
	f := frame(t, weeks, []string{"a", "a", "a", "a", "a", "b", "b", "b"}, []string{"x", "x", "x", "x", "x", "x", "x", "x"},
		[]float64{10, 12, 1e9, 11, 9, 5, 150, 6}, []float64{1, 1, 1, 1, 1, 1, 0.6, 1})
	p, err := Build(f, mustSpec(t, weekly), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "sales.csv, column units: 1 target(s) over 1000 times their series' 90th percentile of sales (the first: row 3, 1e+09 in series a, whose 90th percentile is 12): check for an entry or unit error; they are read as missing, as if the cells were blank"
	if p.Outliers == nil || p.Outliers.String() != want {
		t.Errorf("outliers %v, want: %s", p.Outliers, want)
	}
	if y := p.Series[0].Y; !math.IsNaN(y[2]) || y[1] != 12 || y[3] != 11 || p.Series[0].Row[2] != 2 {
		t.Errorf("series a's weeks %v (rows %v): want the third missing, its row kept, the others as read", y, p.Series[0].Row)
	}
	ok := frame(t, weeks[5:], []string{"b", "b", "b"}, []string{"x", "x", "x"}, []float64{5, 150, 6}, []float64{1, 0.6, 1})
	if p, err := Build(ok, mustSpec(t, weekly), Options{}); err != nil || p.Outliers != nil {
		t.Errorf("a spike of 30 times: outliers %v, error %v; want none", p.Outliers, err)
	}
}

// A weekly history whose dates end their weeks (time.label: end) covers
// the six days before each date and the date, and labels its periods by
// those dates; read as starts, the week of 2024-01-03 covers Jan 3-9.
func TestWeeksLabelledByTheirLastDay(t *testing.T) {
	f := frame(t, []string{"2023-12-27", "2024-01-03", "2024-01-10"}, []string{"a", "a", "a"},
		[]string{"x", "x", "x"}, []float64{1, 2, 3}, []float64{1, 1, 1})
	day := func(s string) int {
		d, _ := time.Parse("2006-01-02", s)
		return int(d.Unix() / 86400)
	}
	for _, c := range []struct {
		label       string
		first, last string
	}{{"", "2024-01-03", "2024-01-09"}, {"label: end, ", "2023-12-28", "2024-01-03"}} {
		sp := mustSpec(t, strings.Replace(weekly, "frequency: week", c.label+"frequency: week", 1))
		p, err := Build(f, sp, Options{})
		if err != nil {
			t.Fatal(err)
		}
		o, err := p.Grid.Ordinal("2024-01-03")
		if err != nil {
			t.Fatal(err)
		}
		first, last, _ := p.Grid.Days(o)
		if first != day(c.first) || last != day(c.last) || p.Grid.Label(o) != "2024-01-03" {
			t.Errorf("%q: the week of 2024-01-03 covers days %d..%d labelled %s, want %s..%s labelled 2024-01-03",
				c.label, first, last, p.Grid.Label(o), c.first, c.last)
		}
	}
	sp := &spec.Spec{Time: spec.Time{Column: "day", Frequency: spec.Day, Label: spec.LabelEnd}, Target: "units"}
	if err := sp.Validate(); err == nil || !strings.Contains(err.Error(), "time.label: end applies to weekly grids") {
		t.Errorf("label end on days: error %v", err)
	}
}

// A plan may leave a plain known covariate empty (a rival's price where
// the store never carried it), read as missing as the history reads an
// empty cell, in Extend and PlanRows alike; a lever it must give.
func TestPlanReadsEmptyPlainCovariateAsMissing(t *testing.T) {
	hist := regularHistory(&data.Column{Name: "rival", Kind: data.Number, Num: []float64{math.NaN(), math.NaN()}})
	sp := mustSpec(t, strings.Replace(withRegular, "known: [price, regular_price, feature]", "known: [price, regular_price, feature, rival]", 1))
	plan, _ := data.NewFrame("plan.csv", []*data.Column{
		{Name: "week", Kind: data.String, Str: []string{"2024-01-17"}},
		{Name: "sku", Kind: data.String, Str: []string{"a"}},
		{Name: "price", Kind: data.Number, Num: []float64{0.9}},
		{Name: "regular_price", Kind: data.Number, Num: []float64{1}},
		{Name: "feature", Kind: data.Number, Num: []float64{0}},
		{Name: "rival", Kind: data.Number, Num: []float64{math.NaN()}},
	})
	p, err := Build(hist, sp, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rival := slices.Index(p.Spec.Known, "rival")
	rows, err := p.PlanRows(plan, p.Index())
	if err != nil || !math.IsNaN(rows[0].Known[rival]) {
		t.Fatalf("PlanRows: %v, rival %v; want it read as missing", err, rows)
	}
	targets, err := p.Extend(plan)
	if err != nil {
		t.Fatal(err)
	}
	s := p.Series[targets[0].Series]
	if v := s.Known[rival][targets[0].Period-s.Start]; !math.IsNaN(v) {
		t.Errorf("Extend read rival as %v, want missing", v)
	}
}
