package optimize

import (
	"math"
	"testing"

	"promocast/data"
	"promocast/ensemble"
	"promocast/forecast"
	"promocast/learn"
	"promocast/optimize/solver"
	"promocast/panel"
	"promocast/spec"
	"promocast/synth"
)

func TestOptions(t *testing.T) {
	opts := Options([]float64{0.1, 0.2}, []string{"display"})
	want := []string{"off", "display", "10% off", "10% off + display", "20% off", "20% off + display"}
	if len(opts) != len(want) {
		t.Fatalf("options %+v", opts)
	}
	for i, w := range want {
		if opts[i].Name != w {
			t.Errorf("option %d is %q, want %q", i, opts[i].Name, w)
		}
	}
}

// scorer trains ridge on a small synthetic shop.
func scorer(t *testing.T) (*forecast.Scorer, *synth.Panel) {
	fit, _ := ensemble.New("ridge", learn.Options{})
	return scorerWith(t, nil, fit)
}

// scorerWith fits a model on a small synthetic shop whose history edit
// changes first (when not nil).
func scorerWith(t *testing.T, edit func(*synth.Panel), fit forecast.Fit) (*forecast.Scorer, *synth.Panel) {
	t.Helper()
	shop, err := synth.Generate(synth.Config{Seed: 2, SKUs: 8, Categories: 2, PlanDays: 3})
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(shop)
	}
	return trainScorer(t, shop.History, synth.Spec(), 3, fit), shop
}

// trainScorer fits a model of kind ridge with fit on history hist under
// the spec text, horizon periods ahead, and returns its scorer.
func trainScorer(t *testing.T, hist *data.Frame, specText string, horizon int, fit forecast.Fit) *forecast.Scorer {
	t.Helper()
	sp, err := spec.Parse([]byte(specText))
	if err != nil {
		t.Fatal(err)
	}
	p, err := panel.Build(hist, sp, panel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	opt := forecast.TrainOptions{Kind: "ridge", Horizon: horizon}
	pr, err := forecast.Prepare(p, opt)
	if err != nil {
		t.Fatal(err)
	}
	m, err := pr.Train(opt, p.Last, fit)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := m.NewScorer(hist)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func TestOptimizeRespectsLimitsAndBeatsOff(t *testing.T) {
	sc, shop := scorer(t)
	free := Settings{Discounts: []float64{0.1, 0.3}, Flags: []string{"display"}, Budget: math.Inf(1), MinMarginRate: math.Inf(-1),
		GroupMaxCost: math.Inf(1), GroupMaxPromoted: solver.NoLimit}
	out, err := Optimize(sc, shop.Plan, free)
	if err != nil {
		t.Fatal(err)
	}
	// Without limits every row takes its best-valued option.
	for i, slot := range out.Problem.Slots {
		best := 0
		for k, o := range slot.Options {
			if o.Objective > slot.Options[best].Objective {
				best = k
			}
		}
		if got := out.Solution.Choice[i]; slot.Options[got].Objective < slot.Options[best].Objective-1e-9 {
			t.Fatalf("row %d chose %q worth %v, %q is worth %v", i, slot.Options[got].Name, slot.Options[got].Objective, slot.Options[best].Name, slot.Options[best].Objective)
		}
	}
	if !(out.Solution.Objective >= 0) {
		t.Fatalf("objective %v below doing nothing", out.Solution.Objective)
	}
	// No promotion is one forecast, the plan with every lever off, whose
	// rows are their own baselines.
	for i := range out.None.Targets {
		if out.None.Promoted[i] || out.None.Forecast[i] != out.None.Baseline[i] {
			t.Fatalf("no-promotion row %d: promoted %v, forecast %v, baseline %v", i, out.None.Promoted[i], out.None.Forecast[i], out.None.Baseline[i])
		}
	}
	none, user, chosen, err := out.Plans()
	if err != nil {
		t.Fatal(err)
	}
	if none.IncrementalUnits != 0 || none.IncrementalRevenue != 0 || chosen.IncrementalUnits != chosen.Forecast-none.Forecast ||
		user.IncrementalRevenue != user.Revenue-none.Revenue || chosen.ROI() != forecast.ROI(chosen.IncrementalMargin, chosen.PromotionCost) {
		t.Fatalf("plans measured from no promotion: %+v %+v %+v", none, user, chosen)
	}
	// A zero budget and one promotion per category.
	tight := free
	tight.Budget, tight.GroupBy, tight.GroupMaxPromoted = 0, "category", 1
	out, err = Optimize(sc, shop.Plan, tight)
	if err != nil {
		t.Fatal(err)
	}
	ev := out.Solution.Eval
	if !ev.Feasible || ev.Cost > 1e-9 {
		t.Fatalf("tight plan infeasible or spends %v: %v", ev.Cost, ev.Violations)
	}
	for _, g := range ev.Groups {
		if g.Promoted > 1 {
			t.Fatalf("group %d promotes %d rows", g.Group, g.Promoted)
		}
	}
	for i, c := range out.Solution.Choice {
		if o := out.Options[c]; o.Discount > 0 {
			t.Fatalf("row %d took a discount %q with no budget", i, o.Name)
		}
	}
	if len(out.Names) != shop.Plan.Rows() || out.Chosen == nil || out.User == nil {
		t.Fatal("outcome incomplete")
	}
}

func TestOptimizeErrors(t *testing.T) {
	sc, shop := scorer(t)
	for _, s := range []Settings{
		{Discounts: []float64{1.5}},
		{Flags: []string{"price"}},
		{Objective: "profit"},
	} {
		if _, err := Optimize(sc, shop.Plan, s); err == nil {
			t.Errorf("settings %+v accepted", s)
		}
	}
}

func TestDepthLeversMoveWithThePrice(t *testing.T) {
	sc, shop := scorer(t)
	s := Settings{Discounts: []float64{0.2}, Depths: []string{"discount"}, Budget: math.Inf(1), MinMarginRate: math.Inf(-1),
		GroupMaxCost: math.Inf(1), GroupMaxPromoted: solver.NoLimit}
	out, err := Optimize(sc, shop.Plan, s)
	if err != nil {
		t.Fatal(err)
	}
	price, reg, depth := out.ChosenPlan.Column("price"), out.ChosenPlan.Column("regular_price"), out.ChosenPlan.Column("discount")
	for r, c := range out.Solution.Choice {
		d := out.Options[c].Discount
		if depth.Num[r] != d || math.Abs(price.Num[r]-reg.Num[r]*(1-d)) > 1e-9 {
			t.Fatalf("row %d: option %q gives price %v (regular %v) and discount %v", r, out.Options[c].Name, price.Num[r], reg.Num[r], depth.Num[r])
		}
	}
	s.Depths = []string{"price"}
	if _, err := Optimize(sc, shop.Plan, s); err == nil {
		t.Error("the price accepted as a depth lever")
	}
}
