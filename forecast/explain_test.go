package forecast

import (
	"math"
	"slices"
	"strings"
	"testing"

	"promocast/data"
	"promocast/interval"
	"promocast/learn/gbdt"
	"promocast/model"
)

// TestDriversNameOnlyLevers trains gbdt models, on the target and on its
// log, on a small panel and checks that the drivers of a plan's uplift name
// only what the plan changes, the levers and the peer features that follow
// them, and add up to each row's expected uplift, as forecast reports it,
// under a calibration whose ratio differs between the promotion states.
func TestDriversNameOnlyLevers(t *testing.T) {
	hist := weeklyFrame(t, 6, 100, 9)
	p, pr, opt := prepareGBDT(t, hist)
	// In this history a feature always comes with a price cut, so the two
	// split the rows alike and tie exactly; quantised gradients resolve
	// such a tie to the lower feature index (price), float sums by their
	// rounding, which here picks the feature the test wants to see.
	fit := func(ds *model.Dataset) (model.Predictor, error) {
		return gbdt.Train(ds, nil, gbdt.Params{Rounds: 60, MaxLeaves: 15, Seed: 1, ExactGradients: true})
	}
	// sku0 and sku2 are cut in price, sku1 and sku2 featured; the others
	// keep their levers off but share a category with a promoted series.
	plan := &planRows{}
	for s := range 6 {
		for w := 100; w < 102; w++ {
			price, feat := 2.0, 0.0
			switch {
			case s == 0:
				price = 1.5
			case s == 1 && w == 100:
				feat = 1
			case s == 2 && w == 101:
				price, feat = 1.6, 1
			}
			plan.add(w, s, price, feat)
		}
	}
	for _, name := range []string{"gbdt", "gbdt_log", "effects"} {
		t.Run(name, func(t *testing.T) {
			f := fit
			if name == "gbdt_log" {
				f = LogTarget(fit)
			}
			m, err := pr.Train(opt, p.Last, f)
			if err != nil {
				t.Fatal(err)
			}
			if !CanExplainVersus(m.Predictor) {
				t.Fatalf("a %s model does not attribute against the baseline", name)
			}
			if name == "effects" {
				m.Effects = testEffects(m.Features)
			}
			bin := []interval.Bin{{Last: true, Quantiles: []float64{-1, 0, 1}, N: 50}}
			m.Calibration = &interval.Calibration{Levels: []float64{0.1, 0.5, 0.9}, Ratio: 1, Ratios: []float64{1.25, 0.8}, Bins: [2][]interval.Bin{bin, bin}}
			res, err := m.Forecast(hist, plan.frame(t))
			if err != nil {
				t.Fatal(err)
			}
			drivers, err := res.Drivers()
			if err != nil {
				t.Fatal(err)
			}
			named := map[string]bool{}
			explained := 0
			for i, ds := range drivers {
				up := res.Expected[i] - res.BaselineExpected[i]
				sum := 0.0
				for _, d := range ds {
					sum += d.Contribution
					named[d.Feature] = true
					j := featureIndex(m.Features, d.Feature)
					if x, z := res.xf.At(i, j), res.xb.At(i, j); x == z || x != x && z != z {
						t.Errorf("row %d: %s is %v under the plan and the baseline but drives %+.4f units", i, d.Feature, x, d.Contribution)
					}
				}
				if math.Abs(sum-up) > 1e-9*math.Max(1, math.Abs(up)) {
					t.Errorf("row %d: drivers sum to %v, uplift %v", i, sum, up)
				}
				if up != 0 {
					explained++
				}
			}
			if explained < 4 {
				t.Fatalf("only %d rows have an uplift: the plan tests too little", explained)
			}
			for f := range named {
				if !leverFeature(f) {
					t.Errorf("the uplift is attributed to %s, which no lever moves (drivers %v)", f, TotalDrivers(drivers))
				}
			}
			// Every model here is expected to use the price cut and the
			// feature; the trees on the log, under the levers' monotone
			// constraints, leave the peers' small effect in this panel
			// unused, so the peers are expected of the others only (the
			// check above holds whatever a model uses).
			price := named["price"] || named["price_discount"] || named["price_rel_history"]
			peers := named["group_promo_share"] || name == "gbdt_log"
			if !price || !named["feature"] || !peers {
				t.Errorf("drivers %v: expected the price cut, the feature and the peers' promotions among them", TotalDrivers(drivers))
			}
			if name != "effects" {
				if res.LeverTerms() != nil {
					t.Errorf("a model without an effect model has lever terms")
				}
				return
			}
			// LeverTerms gives each row's log-space term of every column,
			// θ_k·(d_k,plan − d_k,baseline), as copies.
			terms := res.LeverTerms()
			moved := 0
			for i, row := range terms {
				for k, c := range m.Effects.Columns {
					want := m.Effects.Global[k] * (c.Value(res.xf.Row(i)) - c.Value(res.xb.Row(i)))
					if math.Abs(row[k]-want) > 1e-12 {
						t.Errorf("row %d: lever term of %s is %v, want %v", i, c.Name, row[k], want)
					}
					if row[k] != 0 {
						moved++
					}
				}
			}
			if moved < 4 {
				t.Errorf("only %d lever terms are not zero: the plan tests too little", moved)
			}
			terms[0][0] = 99
			if res.LeverTerms()[0][0] == 99 {
				t.Error("LeverTerms returned the result's own slices")
			}
			// The effect model's drivers are its lever columns' terms
			// θ_k·(d_k,plan − d_k,baseline), rescaled by one factor per row.
			for i, ds := range drivers {
				ratio := math.NaN()
				for _, d := range ds {
					k := slices.IndexFunc(m.Effects.Columns, func(c EffectColumn) bool { return c.Feature == d.Feature })
					if k < 0 {
						t.Fatalf("row %d: driver %s is not a column of the effect model", i, d.Feature)
					}
					c := m.Effects.Columns[k]
					term := m.Effects.Global[k] * (c.Value(res.xf.Row(i)) - c.Value(res.xb.Row(i)))
					if math.IsNaN(ratio) {
						ratio = d.Contribution / term
					} else if math.Abs(d.Contribution/term-ratio) > 1e-9*math.Abs(ratio) {
						t.Errorf("row %d: %s gets %v for a log-space term %v; other columns %v per unit", i, d.Feature, d.Contribution, term, ratio)
					}
				}
			}
		})
	}
}

// testEffects is an effect model of the price cut, the feature and the
// group's promotion share, the same for every series.
func testEffects(fs []model.Feature) *Effects {
	e := &Effects{Group: -1, Method: "test"}
	for _, c := range []EffectColumn{
		{Name: "price", Feature: "price_discount", LogPrice: true, Own: true, Part: PartOwn},
		{Name: "feature", Feature: "feature", Own: true, Part: PartOwn},
		{Name: "group_promo_share", Feature: "group_promo_share", Part: PartPeers},
	} {
		c.Index = featureIndex(fs, c.Feature)
		e.Columns = append(e.Columns, c)
	}
	e.Global, e.GlobalSE = []float64{1.5, 0.3, -0.2}, []float64{0.1, 0.1, 0.1}
	return e
}

// leverFeature reports whether the test spec's levers move feature f: the
// levers themselves, the features derived from the series' own promotions
// and those of its group.
func leverFeature(f string) bool {
	switch f {
	case "price", "feature", "price_discount", "price_rel_history":
		return true
	}
	return strings.HasPrefix(f, "promo") || f == "since_promo" || strings.HasPrefix(f, "group_")
}

func featureIndex(fs []model.Feature, name string) int {
	for j, f := range fs {
		if f.Name == name {
			return j
		}
	}
	return -1
}

// planRows collects the rows of a plan for the test spec.
type planRows struct {
	week, sku        []string
	price, reg, feat []float64
}

func (p *planRows) add(week, series int, price, feat float64) {
	p.week = append(p.week, panelDate(week))
	p.sku = append(p.sku, "sku"+string(rune('0'+series)))
	p.price = append(p.price, price)
	p.reg = append(p.reg, 2)
	p.feat = append(p.feat, feat)
}

func (p *planRows) frame(t testing.TB) *data.Frame {
	t.Helper()
	f, err := data.NewFrame("plan.csv", []*data.Column{
		{Name: "week", Kind: data.String, Str: p.week},
		{Name: "sku", Kind: data.String, Str: p.sku},
		{Name: "price", Kind: data.Number, Num: p.price},
		{Name: "regular_price", Kind: data.Number, Num: p.reg},
		{Name: "feature", Kind: data.Number, Num: p.feat},
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}
