package solver

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

// A hand-checked evaluation of one plan against every kind of constraint.
func TestEvaluateByHand(t *testing.T) {
	p := &Problem{
		Slots: []Slot{
			{Series: 1, Group: 10, Options: []Option{{Units: 10, Revenue: 100, Margin: 40}, {Objective: 7, Cost: 6, Units: 18, Revenue: 150, Margin: 45}}},
			{Series: 1, Group: 10, Options: []Option{{Units: 10, Revenue: 100, Margin: 40}, {Objective: 9, Cost: 8, Units: 20, Revenue: 160, Margin: 40}}},
			{Series: 2, Group: 20, Options: []Option{{Objective: 1, Units: 5, Revenue: 50, Margin: 10}}},
		},
		Budget:        10,
		Groups:        []GroupLimit{{Group: 10, MaxCost: 12, MaxPromoted: 1}},
		MinMarginRate: 0.3,
		Stock:         map[int]float64{1: 40, 2: math.Inf(1)},
	}
	e, err := Evaluate(p, []int{1, 1, 0})
	if err != nil {
		t.Fatal(err)
	}
	// Objective 7+9+1 = 17; cost 6+8 = 14 (budget 10: 4 over; group cap 12:
	// 2 over); promoted 2 (cap 1); revenue 150+160+50 = 360, margin
	// 45+40+10 = 95, rate 95/360, margin left 95 − 0.3·360 = −13; stock of
	// series 1: 18+20 = 38 of 40.
	if e.Objective != 17 || e.Cost != 14 || e.Promoted != 2 || e.Revenue != 360 || e.Margin != 95 {
		t.Errorf("totals %+v", e)
	}
	if e.BudgetLeft != -4 || math.Abs(e.MarginLeft+13) > 1e-12 || math.Abs(e.MarginRate-95.0/360) > 1e-15 {
		t.Errorf("budget left %g, margin left %g, rate %g", e.BudgetLeft, e.MarginLeft, e.MarginRate)
	}
	if g := e.Groups[0]; g.CostLeft != -2 || g.PromotedLeft != -1 {
		t.Errorf("group usage %+v", g)
	}
	if len(e.Stock) != 1 || e.Stock[0] != (StockUsage{Series: 1, Units: 38, Left: 2}) {
		t.Errorf("stock %+v", e.Stock)
	}
	if e.Feasible || len(e.Violations) != 4 {
		t.Errorf("feasible %v, violations %q; want 4 (budget, group cost, group count, margin)", e.Feasible, e.Violations)
	}
	if !slices.Contains(e.Violations, "margin 13 short of the minimum margin rate's") {
		t.Errorf("violations %q: want the margin's shortfall of 13 named as such", e.Violations)
	}

	// At most one promotion (group count). Slot 1 alone: revenue
	// 100+160+50 = 310, margin 40+40+10 = 90 < 0.3·310 = 93, infeasible.
	// Slot 0 alone: cost 6, revenue 150+100+50 = 300, margin 45+40+10 = 95
	// ≥ 90, stock 18+10 = 28 ≤ 40: feasible, objective 7+1 = 8, the optimum.
	sol, err := Solve(p, Settings{})
	if err != nil {
		t.Fatal(err)
	}
	if !sol.Exact || !sol.Feasible || sol.Objective != 8 || sol.Choice[0] != 1 || sol.Choice[1] != 0 {
		t.Errorf("Solve = %v objective %g exact %v", sol.Choice, sol.Objective, sol.Exact)
	}
}

func TestInfeasibleIsNotAnError(t *testing.T) {
	p := &Problem{
		Slots:         []Slot{{Series: 1, Options: []Option{{Units: 10}, {Objective: 1, Units: 5, Cost: 1}}}},
		Budget:        math.Inf(1),
		MinMarginRate: math.Inf(-1),
		Stock:         map[int]float64{1: 4}, // even the smallest option needs 5
	}
	for _, s := range []Settings{{}, {ExactMaxSlots: -1}} {
		sol, err := Solve(p, s)
		if err != nil {
			t.Fatal(err)
		}
		if sol.Feasible || !sol.Exact || !math.IsInf(sol.Gap(), 1) || len(sol.Eval.Violations) == 0 {
			t.Errorf("settings %+v: feasible %v exact %v gap %g violations %q", s, sol.Feasible, sol.Exact, sol.Gap(), sol.Eval.Violations)
		}
	}
	// Violations name the series when the problem gives its name.
	p.SeriesNames = map[int]string{1: "S01"}
	sol, err := Solve(p, Settings{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sol.Eval.Violations) != 1 || sol.Eval.Violations[0] != "stock of series S01 exceeded by 1 units" {
		t.Errorf("violations %q, want the series named S01", sol.Eval.Violations)
	}
}

func TestEmptyProblem(t *testing.T) {
	sol, err := Solve(&Problem{MinMarginRate: math.Inf(-1)}, Settings{})
	if err != nil || !sol.Feasible || !sol.Exact || sol.Objective != 0 || len(sol.Choice) != 0 {
		t.Errorf("empty problem: %+v, %v", sol, err)
	}
}

func TestInputErrors(t *testing.T) {
	good := func() *Problem {
		return &Problem{
			Slots:         []Slot{{Series: 1, Group: 1, Options: []Option{{}, {Objective: 1, Cost: 1}}}},
			Budget:        1,
			MinMarginRate: 0,
		}
	}
	cases := []struct {
		name, want string
		edit       func(*Problem)
	}{
		{"no options", "slot 0: Options", func(p *Problem) { p.Slots[0].Options = nil }},
		{"off costs", "slot 0 option 0: Cost", func(p *Problem) { p.Slots[0].Options[0].Cost = 1 }},
		{"negative cost", "slot 0 option 1: Cost", func(p *Problem) { p.Slots[0].Options[1].Cost = -1 }},
		{"NaN objective", "slot 0 option 1: Objective", func(p *Problem) { p.Slots[0].Options[1].Objective = math.NaN() }},
		{"negative units", "option 1: Units", func(p *Problem) { p.Slots[0].Options[1].Units = -2 }},
		{"negative revenue", "option 1: Revenue", func(p *Problem) { p.Slots[0].Options[1].Revenue = -2 }},
		{"infinite margin", "option 1: Margin", func(p *Problem) { p.Slots[0].Options[1].Margin = math.Inf(1) }},
		{"budget", "Budget", func(p *Problem) { p.Budget = -1 }},
		{"budget NaN", "Budget", func(p *Problem) { p.Budget = math.NaN() }},
		{"margin rate", "MinMarginRate", func(p *Problem) { p.MinMarginRate = math.NaN() }},
		{"group twice", "Groups[1]", func(p *Problem) {
			p.Groups = []GroupLimit{{Group: 1, MaxCost: 1, MaxPromoted: NoLimit}, {Group: 1, MaxCost: 2, MaxPromoted: NoLimit}}
		}},
		{"group cost", "Groups[0].MaxCost", func(p *Problem) { p.Groups = []GroupLimit{{Group: 1, MaxCost: -1}} }},
		{"stock", "Stock[1]", func(p *Problem) { p.Stock = map[int]float64{1: -3} }},
	}
	for _, c := range cases {
		p := good()
		c.edit(p)
		_, err := Solve(p, Settings{})
		var ie *InputError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want an *InputError naming %q", c.name, err, c.want)
		}
	}
	p := good()
	if _, err := Evaluate(p, []int{2}); err == nil || !strings.Contains(err.Error(), "slot 0") {
		t.Errorf("out-of-range choice: %v", err)
	}
	if _, err := Evaluate(p, []int{0, 0}); err == nil || !strings.Contains(err.Error(), "2 entries") {
		t.Errorf("wrong-length choice: %v", err)
	}
	if _, err := Solve(p, Settings{}); err != nil {
		t.Errorf("valid problem: %v", err)
	}
}
