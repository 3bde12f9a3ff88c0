package serve

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"time"

	"promocast/data"
	"promocast/optimize"
	"promocast/optimize/solver"
	"promocast/spec"
)

// OptimizeRequest is the body of POST /v1/optimize: the plan's series and
// periods, the options allowed and the limits. Absent limits mean none.
type OptimizeRequest struct {
	Rows      []PlanRow `json:"rows" doc:"the series and periods to decide, as the user would run them"`
	Discounts []float64 `json:"discounts,omitempty" doc:"discount depths allowed on the price lever, each in (0, 1); default [0.1, 0.2, 0.3]"`
	Flags     []string  `json:"flags,omitempty" doc:"flag levers (e.g. feature, display) options may switch on"`
	Objective string    `json:"objective,omitempty" enum:"margin,revenue" doc:"what to maximise; default margin (needs the spec's unit cost)"`
	Budget    *float64  `json:"budget,omitempty" doc:"total promotion cost allowed"`
	// MinMarginRate is the smallest margin ÷ revenue the plan may have.
	MinMarginRate    *float64           `json:"min_margin_rate,omitempty" doc:"smallest margin ÷ revenue of the plan"`
	GroupBy          string             `json:"group_by,omitempty" doc:"key or static column whose groups get the group limits, e.g. category"`
	GroupMaxCost     *float64           `json:"group_max_cost,omitempty" doc:"promotion cost allowed per group"`
	GroupMaxPromoted *int               `json:"group_max_promoted,omitempty" doc:"promoted rows allowed per group"`
	Stock            map[string]float64 `json:"stock,omitempty" doc:"units available over the plan per series ID; others unlimited"`
	// LeverCosts price levers with a numeric off value per plan row at
	// value 1, scaled by the value set (a display slot's fee).
	LeverCosts map[string]float64 `json:"lever_costs,omitempty" doc:"cost per plan row of a lever (e.g. display) at value 1, scaled by the value set; counted as promotion cost and netted from the objective"`
}

// OptimizeResponse is the answer of POST /v1/optimize.
type OptimizeResponse struct {
	Model     ModelRef `json:"model"`
	Objective string   `json:"objective"`
	// Status is optimal (proved), approximate (within Gap of optimal) or
	// infeasible (no plan meets every constraint; the least violating is
	// shown).
	Status string `json:"status" enum:"optimal,approximate,infeasible"`
	// Value is the objective of the chosen plan as valued by each row's own
	// lift; Bound bounds every feasible plan's; Gap is (Bound − Value) ÷
	// max(1, |Bound|).
	Value       float64       `json:"value"`
	Bound       *float64      `json:"bound,omitempty"`
	Gap         *float64      `json:"gap,omitempty"`
	Violations  []string      `json:"violations"`
	Rows        []OptimizeRow `json:"rows" doc:"the chosen option per plan row, in request order, with the chosen plan's forecast"`
	Constraints []Constraint  `json:"constraints"`
	Plans       []PlanTotals  `json:"plans" doc:"no promotion, your plan and the chosen plan, each forecast whole (cannibalisation and pull-forward included)"`
	Millis      float64       `json:"millis"`
}

// OptimizeRow is one plan row's chosen option.
type OptimizeRow struct {
	Series string   `json:"series"`
	Period string   `json:"period"`
	Option string   `json:"option" doc:"off, or e.g. \"20% off + display\""`
	Price  *float64 `json:"price,omitempty"`
	// Levers are the chosen values of the levers with a numeric off
	// value: a flag option sets the largest value the series had in
	// training (its group's when it never had the lever on).
	Levers   map[string]float64 `json:"levers" doc:"the chosen values of the levers with a numeric off value"`
	Forecast float64            `json:"forecast" doc:"expected units under the chosen plan, as the plans' totals take them"`
	Baseline float64            `json:"baseline" doc:"expected units with every promotion lever off"`
	Uplift   float64            `json:"uplift" doc:"forecast minus baseline"`
	Warnings []string           `json:"warnings" doc:"how the chosen row leaves what the series and its group had in training"`
}

// Constraint is one constraint's use and slack; Limit and Slack are absent
// when the constraint has no limit. Slack is negative when violated.
type Constraint struct {
	// Kind is budget (promotion cost), margin_rate (used: margin ÷
	// revenue; slack: margin above the minimum, in money), group_cost,
	// group_promoted or stock (units of one series).
	Kind  string   `json:"kind" enum:"budget,margin_rate,group_cost,group_promoted,stock"`
	Name  string   `json:"name" doc:"the group or series; empty for plan-wide constraints"`
	Used  *float64 `json:"used,omitempty"`
	Limit *float64 `json:"limit,omitempty"`
	Slack *float64 `json:"slack,omitempty"`
}

// PlanTotals sums one plan forecast whole.
type PlanTotals struct {
	Plan               string   `json:"plan" enum:"no_promotion,your_plan,chosen"`
	Promoted           int      `json:"promoted"`
	Units              float64  `json:"units"`
	IncrementalUnits   float64  `json:"incremental_units"`
	Revenue            float64  `json:"revenue"`
	IncrementalRevenue float64  `json:"incremental_revenue"`
	Margin             *float64 `json:"margin,omitempty"`
	IncrementalMargin  *float64 `json:"incremental_margin,omitempty"`
	PromotionCost      float64  `json:"promotion_cost"`
	LeverCost          float64  `json:"lever_cost" doc:"the lever costs included in promotion_cost"`
	ROI                *float64 `json:"roi,omitempty"`
}

// Bounds on an optimisation's options.
const (
	maxDiscounts = 10
	maxFlags     = 4
)

// settings checks an optimisation request against the model and turns it
// into optimize.Settings.
func (req *OptimizeRequest) settings(sp *spec.Spec, lim Limits) (optimize.Settings, error) {
	st := optimize.Settings{Discounts: req.Discounts, Flags: req.Flags, Objective: req.Objective, Budget: math.Inf(1),
		MinMarginRate: math.Inf(-1), GroupBy: req.GroupBy, GroupMaxCost: math.Inf(1), GroupMaxPromoted: solver.NoLimit, Stock: req.Stock}
	if st.Discounts == nil {
		st.Discounts = []float64{0.1, 0.2, 0.3}
	}
	if len(st.Discounts) > maxDiscounts {
		return st, Errorf(http.StatusBadRequest, "discounts", "%d discounts: at most %d", len(st.Discounts), maxDiscounts)
	}
	for i, d := range st.Discounts {
		if !(d > 0 && d < 1) {
			return st, Errorf(http.StatusBadRequest, fmt.Sprintf("discounts[%d]", i), "discount %v: expected a depth between 0 and 1", d)
		}
	}
	if len(st.Flags) > maxFlags {
		return st, Errorf(http.StatusBadRequest, "flags", "%d flags: at most %d", len(st.Flags), maxFlags)
	}
	rules, err := sp.Levers()
	if err != nil {
		return st, err
	}
	numeric := func(name string) bool {
		for _, r := range rules {
			if r.Name == name && r.Kind == spec.OffNumber {
				return true
			}
		}
		return false
	}
	for i, fl := range st.Flags {
		if !numeric(fl) {
			return st, Errorf(http.StatusBadRequest, fmt.Sprintf("flags[%d]", i), "%q is not a lever with a numeric off value", fl)
		}
	}
	for _, name := range sortedNames(req.LeverCosts) {
		if !numeric(name) {
			return st, Errorf(http.StatusBadRequest, "lever_costs."+name, "%q is not a lever with a numeric off value", name)
		}
		if c := req.LeverCosts[name]; !(c >= 0) {
			return st, Errorf(http.StatusBadRequest, "lever_costs."+name, "%v: expected a cost of 0 or more", c)
		}
	}
	st.LeverCosts = req.LeverCosts
	switch st.Objective {
	case "":
		st.Objective = optimize.Margin
		if sp.Cost.UnitCost == "" {
			st.Objective = optimize.Revenue
		}
	case optimize.Margin:
		if sp.Cost.UnitCost == "" {
			return st, Errorf(http.StatusBadRequest, "objective", "the margin objective needs the spec's cost.unit_cost; use revenue")
		}
	case optimize.Revenue:
	default:
		return st, Errorf(http.StatusBadRequest, "objective", "%q: expected margin or revenue", st.Objective)
	}
	nonNeg := func(field string, v *float64, dst *float64) error {
		if v == nil {
			return nil
		}
		if !(*v >= 0) {
			return Errorf(http.StatusBadRequest, field, "%v: expected 0 or more", *v)
		}
		*dst = *v
		return nil
	}
	if err := nonNeg("budget", req.Budget, &st.Budget); err != nil {
		return st, err
	}
	if err := nonNeg("group_max_cost", req.GroupMaxCost, &st.GroupMaxCost); err != nil {
		return st, err
	}
	if v := req.MinMarginRate; v != nil {
		if !(*v < 1) {
			return st, Errorf(http.StatusBadRequest, "min_margin_rate", "%v: a margin rate is below 1", *v)
		}
		st.MinMarginRate = *v
	}
	if v := req.GroupMaxPromoted; v != nil {
		if *v < 0 {
			return st, Errorf(http.StatusBadRequest, "group_max_promoted", "%d: expected 0 or more", *v)
		}
		st.GroupMaxPromoted = *v
	}
	if (req.GroupMaxCost != nil || req.GroupMaxPromoted != nil) && req.GroupBy == "" {
		return st, Errorf(http.StatusBadRequest, "group_by", "group limits need group_by: the key or static column that forms the groups")
	}
	if g := req.GroupBy; g != "" && !slices.Contains(sp.Keys, g) && !slices.Contains(sp.Static, g) {
		return st, Errorf(http.StatusBadRequest, "group_by", "%q is neither a key %v nor a static attribute %v", g, sp.Keys, sp.Static)
	}
	for id, v := range req.Stock {
		if !(v >= 0) {
			return st, Errorf(http.StatusBadRequest, "stock."+id, "%v units: expected 0 or more", v)
		}
	}
	options := len(optimize.Options(st.Discounts, st.Flags))
	if cells := options * len(req.Rows); cells > lim.MaxSweepCells {
		return st, Errorf(http.StatusRequestEntityTooLarge, "rows", "%d rows × %d options = %d forecasts: this server scores at most %d per optimisation",
			len(req.Rows), options, cells, lim.MaxSweepCells)
	}
	return st, nil
}

func (s *Server) optimize(r *http.Request, req *OptimizeRequest) (*OptimizeResponse, error) {
	lv, err := s.current()
	if err != nil {
		return nil, err
	}
	sp := &lv.Model.Spec
	var st optimize.Settings
	check := func() (err error) {
		if st, err = req.settings(sp, s.opt.Limits); err != nil {
			return err
		}
		// Levers that hold the discount depth itself move with the price.
		for _, l := range lv.spec.Levers {
			if l.Kind == "depth" {
				st.Depths = append(st.Depths, l.Name)
			}
		}
		return nil
	}
	res, start, err := scorePlan(s, lv, req.Rows, check, func(plan *data.Frame) (*optimize.Outcome, error) {
		return optimize.Optimize(lv.Scorer, plan, st)
	})
	if err != nil {
		return nil, err
	}
	sol, ev := res.Solution, res.Solution.Eval
	out := &OptimizeResponse{Model: lv.Ref(), Objective: st.Objective, Value: sol.Objective, Bound: finite(sol.Bound),
		Violations: append([]string{}, ev.Violations...)}
	switch {
	case !sol.Feasible:
		out.Status = "infeasible"
	case sol.Exact:
		out.Status = "optimal"
		out.Gap = finite(0)
	default:
		out.Status = "approximate"
		out.Gap = finite(sol.Gap())
	}
	ch := res.Chosen
	rules, err := sp.Levers()
	if err != nil {
		return nil, err
	}
	out.Rows = make([]OptimizeRow, len(ch.Targets))
	for i, t := range ch.Targets {
		levers := map[string]float64{}
		for _, r := range rules {
			if c := res.ChosenPlan.Column(r.Name); c != nil && r.Kind == spec.OffNumber {
				levers[r.Name] = c.Num[t.Row]
			}
		}
		out.Rows[i] = OptimizeRow{Series: ch.Panel.Series[t.Series].ID, Period: ch.Period(i), Option: res.Names[i],
			Price: finite(ch.Price[i]), Levers: levers, Forecast: ch.Expected[i], Baseline: ch.BaselineExpected[i], Uplift: ch.Expected[i] - ch.BaselineExpected[i],
			Warnings: splitWarnings(ch.Warnings[i])}
	}
	out.Constraints = constraints(st, res)
	none, mu, mc, err := res.Plans()
	if err != nil {
		return nil, err
	}
	hasCost := sp.Cost.UnitCost != ""
	user, chosen := planTotals("your_plan", mu, hasCost), planTotals("chosen", mc, hasCost)
	user.LeverCost, chosen.LeverCost = res.UserLeverCost, res.LeverCost
	out.Plans = []PlanTotals{noPromotion(none, hasCost), user, chosen}
	out.Millis = float64(time.Since(start).Microseconds()) / 1000
	s.metrics.rows.WithLabelValues("/v1/optimize").Add(float64(len(req.Rows) * len(res.Options)))
	s.record("optimize", lv, start, map[string]any{"rows": len(req.Rows), "discounts": st.Discounts, "flags": st.Flags,
		"objective": st.Objective, "status": out.Status}, out.Plans)
	return out, nil
}

// constraints lists the chosen plan's use and slack of every constraint.
func constraints(st optimize.Settings, res *optimize.Outcome) []Constraint {
	ev := res.Solution.Eval
	limit := func(v float64) *float64 { return finite(v) }
	out := []Constraint{
		{Kind: "budget", Used: finite(ev.Cost), Limit: limit(st.Budget), Slack: finite(ev.BudgetLeft)},
		{Kind: "margin_rate", Used: finite(ev.MarginRate), Limit: limit(st.MinMarginRate), Slack: finite(ev.MarginLeft)},
	}
	for _, g := range ev.Groups {
		name := res.Groups[g.Group]
		out = append(out, Constraint{Kind: "group_cost", Name: name, Used: finite(g.Cost), Limit: limit(st.GroupMaxCost), Slack: finite(g.CostLeft)})
		c := Constraint{Kind: "group_promoted", Name: name, Used: finite(float64(g.Promoted))}
		if g.PromotedLeft != solver.NoLimit {
			c.Limit, c.Slack = finite(float64(st.GroupMaxPromoted)), finite(float64(g.PromotedLeft))
		}
		out = append(out, c)
	}
	for _, su := range ev.Stock {
		id := res.User.Panel.Series[su.Series].ID
		out = append(out, Constraint{Kind: "stock", Name: id, Used: finite(su.Units), Limit: finite(st.Stock[id]), Slack: finite(su.Left)})
	}
	return out
}

// planTotals is a plan's totals, measured from the forecast of no
// promotion.
func planTotals(name string, m optimize.Measured, hasCost bool) PlanTotals {
	p := PlanTotals{Plan: name, Promoted: m.Promoted, Units: m.Forecast, IncrementalUnits: m.IncrementalUnits,
		Revenue: zeroNaN(m.Revenue), IncrementalRevenue: zeroNaN(m.IncrementalRevenue), PromotionCost: zeroNaN(m.PromotionCost)}
	if hasCost {
		p.Margin, p.IncrementalMargin, p.ROI = finite(m.Margin), finite(m.IncrementalMargin), finite(m.ROI())
	}
	return p
}

// noPromotion is the forecast of no promotion as a plan of its own.
func noPromotion(none optimize.Measured, hasCost bool) PlanTotals {
	p := PlanTotals{Plan: "no_promotion", Units: none.Forecast, Revenue: zeroNaN(none.Revenue)}
	if hasCost {
		p.Margin, p.IncrementalMargin = finite(none.Margin), finite(0)
	}
	return p
}
