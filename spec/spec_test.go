package spec

import (
	"maps"
	"strings"
	"testing"
)

const full = `
time: {column: week, frequency: week}
keys: [store, sku]
target: units
known: [price, feature]
static: [category]
promotion:
  price: {off: regular_price}
  feature: {off: 0}
  display: {off: 0}
cost: {unit_cost: cost}
`

func TestParseFillsKnownFromLevers(t *testing.T) {
	s, err := Parse([]byte(full))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"price", "feature", "display", "regular_price", "cost"}
	if strings.Join(s.Known, ",") != strings.Join(want, ",") {
		t.Fatalf("known = %v, want %v", s.Known, want)
	}
	levers, err := s.Levers()
	if err != nil {
		t.Fatal(err)
	}
	if len(levers) != 3 || levers[0].Name != "display" || levers[1].Name != "feature" || levers[2].Name != "price" {
		t.Fatalf("levers not sorted by name: %+v", levers)
	}
	if p := levers[2]; p.Kind != OffColumn || p.Column != "regular_price" || !p.IsPrice() {
		t.Fatalf("price lever = %+v", p)
	}
	if f := levers[1]; f.Kind != OffNumber || f.Number != 0 || f.IsPrice() {
		t.Fatalf("feature lever = %+v", f)
	}
	if s.PriceColumn() != "price" || s.Season() != 52 || s.Calendar != "builtin" {
		t.Fatalf("price column %q, season %d, calendar %q", s.PriceColumn(), s.Season(), s.Calendar)
	}
}

func TestParseInfer(t *testing.T) {
	s, err := Parse([]byte("time: {column: d, frequency: day}\ntarget: y\npromotion:\n  price: {off: infer, window: 28}\n"))
	if err != nil {
		t.Fatal(err)
	}
	l, _ := s.Levers()
	if l[0].Kind != OffInfer || l[0].Window != 28 {
		t.Fatalf("lever = %+v, want infer over 28", l[0])
	}
	s, err = Parse([]byte("time: {column: d, frequency: day}\ntarget: y\npromotion:\n  price: {off: infer}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if l, _ := s.Levers(); l[0].Window != DefaultInferWindow {
		t.Fatalf("default window %d, want %d", l[0].Window, DefaultInferWindow)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ yaml, want string }{
		{"time: {column: w, frequency: week}\ntarget: y\ncolour: red\n", `unknown field "colour"`},
		{"time: {column: w, frequency: fortnight}\ntarget: y\n", `time.frequency "fortnight": expected one of day, week, month, period`},
		{"time: {column: w}\ntarget: y\n", "time.frequency is required"},
		{"time: {frequency: week}\ntarget: y\n", "time.column is required"},
		{"time: {column: w, frequency: week}\n", "target is required"},
		{"time: {column: w, frequency: week}\ntarget: y\nkeys: [y]\n", `column "y" is both the target and a key`},
		{"time: {column: w, frequency: week}\ntarget: y\npromotion:\n  feature: {}\n", "promotion.feature.off is required"},
		{"time: {column: w, frequency: week}\ntarget: y\npromotion:\n  feature: {off: 0, window: 3}\n", "promotion.feature.window only applies to off: infer"},
		{"time: {column: w, frequency: week}\ntarget: y\npromotion:\n  price: {off: infer, window: -2}\n", "promotion.price.window is -2"},
		{"time: {column: w, frequency: week}\ntarget: y\ntypes: {w: date}\n", `types.w: "date" is not a type`},
		{"time: {column: w, frequency: week}\ntarget: y\ncost: {unit_cost: c}\n", "cost columns need a price"},
		{"time: {column: w, frequency: week}\ntarget: y\ncalendar: lunar\n", `calendar "lunar": expected builtin or none`},
		{"time: {column: w, frequency: week}\ntarget: y\nkeys: [sku]\nattributes: [{file: p.csv, on: upc}]\n", `attributes[0].on is "upc": expected one of the keys [sku]`},
		{"time: [", "["},
		// A tag before a nested map crashed the YAML library's decoder.
		{"time: {column: w, frequency: week}\ntarget: y\nknown: !foo\n  a: {b: 1}\n", "line 3, column 8: YAML tag !foo is not supported"},
		{"time: {column: w, frequency: week}\ntarget: !!str y\n", "YAML tag !!str is not supported"},
	}
	for _, c := range cases {
		_, err := Parse([]byte(c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q):\n got %v\nwant an error containing %q", c.yaml, err, c.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(full))
	f.Add([]byte("time: {column: d, frequency: day}\ntarget: y\npromotion:\n  price: {off: infer}\n"))
	f.Add([]byte("time: {column: w, frequency: week}\ntarget: y\npromotion: {a: {off: [1]}}\n"))
	f.Add([]byte("time: {column: w, frequency: week}\ntarget: y\nknown: !foo\n  a: {b: 1}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Parse(b)
		if err != nil {
			return
		}
		// A spec that parses validates again, and its levers resolve.
		if err := s.Validate(); err != nil {
			t.Fatalf("parsed spec fails validation: %v", err)
		}
		if _, err := s.Levers(); err != nil {
			t.Fatalf("parsed spec has unresolvable levers: %v", err)
		}
	})
}

// TestSeason checks the declared season of plain periods and the
// frequencies' own.
func TestSeason(t *testing.T) {
	for _, c := range []struct {
		yaml string
		want int
	}{
		{"time: {column: w, frequency: period, season: 52}\ntarget: u\n", 52},
		{"time: {column: w, frequency: period}\ntarget: u\n", 1},
		{"time: {column: w, frequency: week}\ntarget: u\n", 52},
		{"time: {column: d, frequency: day}\ntarget: u\n", 7},
	} {
		s, err := Parse([]byte(c.yaml))
		if err != nil {
			t.Fatalf("%q: %v", c.yaml, err)
		}
		if got := s.Season(); got != c.want {
			t.Errorf("%q: season %d, want %d", c.yaml, got, c.want)
		}
	}
	if _, err := Parse([]byte("time: {column: w, frequency: period, season: -2}\ntarget: u\n")); err == nil {
		t.Error("a negative season was accepted")
	}
}

// TestLever finds a lever rule by name: a second price lever is a price
// lever too, whichever column PriceColumn names; a known column that is not
// a lever is not found.
func TestLever(t *testing.T) {
	s, err := Parse([]byte("time: {column: d, frequency: day}\ntarget: y\nknown: [other]\npromotion:\n  price: {off: regular}\n  member_price: {off: regular}\n  display: {off: 0}\n"))
	if err != nil {
		t.Fatal(err)
	}
	for name, price := range map[string]bool{"price": true, "member_price": true, "display": false} {
		r, ok := s.Lever(name)
		if !ok || r.Name != name || r.IsPrice() != price {
			t.Errorf("lever %s: %+v, %v; want found, price %v", name, r, ok, price)
		}
	}
	if _, ok := s.Lever("other"); ok {
		t.Error("a known column that is no lever was found as one")
	}
}

// TestPriceColumn: the explicit price column, else the price lever first by
// name (the same as the first price rule of Levers), else none.
func TestPriceColumn(t *testing.T) {
	for _, c := range []struct {
		price string
		promo map[string]Lever
		want  string
	}{
		{"", map[string]Lever{"display": {Off: 0}, "feature": {Off: 0.0}}, ""},
		{"", map[string]Lever{"display": {Off: 0}, "shelf_price": {Off: "list_price"}, "coupon_price": {Off: "infer"}}, "coupon_price"},
		{"", map[string]Lever{"zz": {Off: "base"}, "display": {Off: 1}}, "zz"},
		{"sold_at", map[string]Lever{"price": {Off: "base_price"}}, "sold_at"},
	} {
		s := &Spec{Price: c.price, Promotion: c.promo}
		if got := s.PriceColumn(); got != c.want {
			t.Errorf("%v: price column %q, want %q", c.promo, got, c.want)
		}
		rules, err := s.Levers()
		if err != nil {
			t.Fatal(err)
		}
		first := ""
		for _, r := range rules {
			if r.IsPrice() {
				first = r.Name
				break
			}
		}
		if c.price == "" && first != c.want {
			t.Errorf("%v: Levers' first price rule %q, PriceColumn %q", c.promo, first, c.want)
		}
	}
}

// TestKnownRole names what a known column is for, so that a plan lacking
// the cost column says why it needs it.
func TestKnownRole(t *testing.T) {
	s, err := Parse([]byte("time: {column: w, frequency: week}\nkeys: [k]\ntarget: y\nknown: [temp]\n" +
		"promotion:\n  price: {off: regular}\n  display: {off: 0}\ncost: {unit_cost: c, fixed_cost: slot}\n"))
	if err != nil {
		t.Fatal(err)
	}
	for col, want := range map[string]string{
		"c":       "known covariate: the spec's cost.unit_cost, which money and margins need in every row",
		"slot":    "known covariate: the spec's cost.fixed_cost, which money and margins need in every row",
		"price":   "known covariate: a promotion lever",
		"display": "known covariate: a promotion lever",
		"regular": "known covariate: the off value of the promotion lever price",
		"temp":    "known covariate",
	} {
		if got := s.KnownRole(col); got != want {
			t.Errorf("KnownRole(%q) = %q, want %q", col, got, want)
		}
	}
}

// TestLabelHint checks that a weekly spec whose time column is named like
// week ends is warned about until it says how its dates label its weeks,
// and that no other spec is.
func TestLabelHint(t *testing.T) {
	for _, c := range []struct {
		time string
		warn bool
	}{
		{"{column: week_end_date, frequency: week}", true},
		{"{column: WeekEnding, frequency: week}", true},
		{"{column: week_end_date, frequency: week, label: end}", false},
		{"{column: week_end_date, frequency: week, label: start}", false},
		{"{column: week, frequency: week}", false},
		{"{column: period_end, frequency: day}", false},
	} {
		sp, err := Parse([]byte("time: " + c.time + "\ntarget: units\n"))
		if err != nil {
			t.Fatal(err)
		}
		if hint := sp.LabelHint(); (hint != "") != c.warn || (c.warn && !strings.Contains(hint, "set time.label: end")) {
			t.Errorf("time %s: hint %q, want a warning %v", c.time, hint, c.warn)
		}
	}
	if _, err := Parse([]byte("time: {column: w, frequency: week, label: middle}\ntarget: units\n")); err == nil || !strings.Contains(err.Error(), `time.label "middle": expected start`) {
		t.Errorf("label middle: error %v", err)
	}
}

// TestPlanColumns checks the columns a plan must give: levers, a lever's
// off column, the selling price and the costs, never a plain covariate.
func TestPlanColumns(t *testing.T) {
	sp, err := Parse([]byte("time: {column: w, frequency: week}\ntarget: units\nknown: [rival]\n" +
		"promotion: {price: {off: regular}, feature: {off: 0}}\ncost: {unit_cost: cost}\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := sp.PlanColumns()
	want := map[string]bool{"price": true, "regular": true, "feature": true, "cost": true}
	if !maps.Equal(got, want) {
		t.Errorf("plan columns %v, want %v", got, want)
	}
}
