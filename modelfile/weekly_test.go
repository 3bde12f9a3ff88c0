package modelfile_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"promocast/calendar"
	"promocast/data"
	"promocast/forecast"
	"promocast/learn"
	"promocast/learn/gbdt"
	"promocast/modelfile"
	"promocast/spec"
	"promocast/train"
)

// weeklySpec is the spec of weeklyShop.
const weeklySpec = `
time: {column: week, frequency: week}
keys: [sku]
target: units
known: [price, regular_price, display]
promotion:
  price: {off: regular_price}
  display: {off: 0}
`

// weeklyShop returns a small weekly shop: 6 SKUs over the 70 weeks from
// 2023-01-02 (two Christmases, a Black Friday, Double 11), sales higher
// in the weeks before Christmas, a promotion every fifth week, and a plan
// of the two weeks after the history.
func weeklyShop(t *testing.T) (hist, plan *data.Frame, sp *spec.Spec) {
	t.Helper()
	const weeks, skus = 70, 6
	rng := rand.New(rand.NewPCG(11, 3))
	cols := func(n int) (week, sku []string, units, price, reg, disp []float64) {
		return make([]string, 0, n), make([]string, 0, n), make([]float64, 0, n), make([]float64, 0, n), make([]float64, 0, n), make([]float64, 0, n)
	}
	hw, hs, hu, hp, hr, hd := cols(weeks * skus)
	pw, ps, _, pp, pr, pd := cols(2 * skus)
	day0 := calendar.DateOf(2023, time.January, 2) // a Monday
	date := func(w int) string { return (day0 + calendar.Date(7*w)).String() }
	for w := 0; w < weeks+2; w++ {
		_, m, d := (day0 + calendar.Date(7*w)).Civil()
		xmas := 1.0
		if m == time.December && d >= 11 && d <= 25 {
			xmas = 1.6
		}
		for s := 0; s < skus; s++ {
			promo := (w+s)%5 == 0
			p, disp := 4.0, 0.0
			if promo {
				p, disp = 3.2, float64(s%2)
			}
			if w >= weeks {
				pw, ps = append(pw, date(w)), append(ps, fmt.Sprintf("sku%d", s))
				pp, pr, pd = append(pp, p), append(pr, 4), append(pd, disp)
				continue
			}
			mu := (20 + 6*float64(s)) * xmas * math.Pow(p/4, -2.5) * (1 + 0.3*disp)
			hw, hs = append(hw, date(w)), append(hs, fmt.Sprintf("sku%d", s))
			hu = append(hu, math.Max(0, math.Round(mu+rng.NormFloat64()*math.Sqrt(mu))))
			hp, hr, hd = append(hp, p), append(hr, 4), append(hd, disp)
		}
	}
	var err error
	hist, err = data.NewFrame("history.csv", []*data.Column{
		{Name: "week", Kind: data.String, Str: hw}, {Name: "sku", Kind: data.String, Str: hs},
		{Name: "units", Kind: data.Number, Num: hu}, {Name: "price", Kind: data.Number, Num: hp},
		{Name: "regular_price", Kind: data.Number, Num: hr}, {Name: "display", Kind: data.Number, Num: hd},
	})
	if err != nil {
		t.Fatal(err)
	}
	plan, err = data.NewFrame("plan.csv", []*data.Column{
		{Name: "week", Kind: data.String, Str: pw}, {Name: "sku", Kind: data.String, Str: ps},
		{Name: "price", Kind: data.Number, Num: pp}, {Name: "regular_price", Kind: data.Number, Num: pr},
		{Name: "display", Kind: data.Number, Num: pd},
	})
	if err != nil {
		t.Fatal(err)
	}
	if sp, err = spec.Parse([]byte(weeklySpec)); err != nil {
		t.Fatal(err)
	}
	return hist, plan, sp
}

// TestStoredWeeklyVersion2Loads checks that a weekly model file written by
// version 2 of the format (testdata/v2-weekly.json: a gbdt of 12 trees on
// weeklyShop, written before Christmas and New Year's Day were built in
// and before weekly models left the events' days_to_ features out) still
// loads, rebuilds its six events' four features each, and forecasts the
// plan exactly as it did when written (testdata/v2-weekly.pred.json). A
// model trained now on the same shop reads Christmas and no distance.
func TestStoredWeeklyVersion2Loads(t *testing.T) {
	hist, plan, sp := weeklyShop(t)
	f, err := modelfile.Read(filepath.Join("testdata", "v2-weekly.json"))
	if err != nil {
		t.Fatal(err)
	}
	m := f.Model
	if f.Version != 2 || m.NoEventDistance || len(m.BuiltinEvents) == 0 {
		t.Fatalf("stored weekly model: version %d, no_event_distance %v, built-in events %v", f.Version, m.NoEventDistance, m.BuiltinEvents)
	}
	distance := 0
	for _, ft := range m.Features {
		if strings.HasPrefix(ft.Name, "days_to_") {
			distance++
		}
	}
	if distance != len(m.BuiltinEvents) {
		t.Errorf("stored weekly model has %d days_to_ features for its %d events %v", distance, len(m.BuiltinEvents), m.BuiltinEvents)
	}
	r, err := m.Forecast(hist, plan)
	if err != nil {
		t.Fatal(err)
	}
	sameForecast(t, "v2-weekly", storedForecast{Forecast: r.Forecast, Baseline: r.Baseline},
		readStoredForecast(t, filepath.Join("testdata", "v2-weekly.pred.json")), plan.Rows())

	res, err := train.Run(hist, sp, weeklyOptions)
	if err != nil {
		t.Fatal(err)
	}
	now := res.Model
	names := map[string]bool{}
	for _, ft := range now.Features {
		names[ft.Name] = true
	}
	if !now.NoEventDistance || !names["event_christmas"] || names["days_to_christmas"] || names["days_to_black_friday"] {
		t.Errorf("a weekly model trained now: no_event_distance %v, features %v", now.NoEventDistance, now.Features)
	}
}

// weeklyOptions trained testdata/v2-weekly.json.
var weeklyOptions = train.Options{Model: "gbdt", Learn: learn.Options{GBDT: gbdt.Params{Rounds: 12, MaxLeaves: 7}}, Folds: 2, NoEffects: true, Forecast: forecast.TrainOptions{Horizon: 2, Gap: 1}}
