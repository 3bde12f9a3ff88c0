// Package optimize chooses promotions: given a model's scorer and a plan of
// series×periods, it values every allowed promotion option of every row
// with the model, asks package solver (beneath it) for the best choice under budget,
// group, margin-rate and stock constraints, and forecasts the chosen plan
// whole beside the user's own.
//
//	out, err := optimize.Optimize(scorer, planFrame, optimize.Settings{
//		Discounts: []float64{0.1, 0.2, 0.3}, Flags: []string{"display"},
//		Objective: optimize.Margin, Budget: 5000, MinMarginRate: math.Inf(-1),
//		GroupMaxCost: math.Inf(1), GroupMaxPromoted: solver.NoLimit,
//	})
//
// An option switches a flag lever on at the largest value the row's series
// had in training (its group's, when the series never had it on): 1 for a
// 0/1 flag, and within the series' observed range for a continuous lever
// such as a display share, which the model has never seen fully on. A
// lever may carry a cost per row at value 1 (Settings.LeverCosts), scaled
// by the value set.
//
// Each option of a row is valued by the row's baseline plus its own lift
// under that option (package forecast's Parts.Own): slots are independent,
// so the optimiser's problem is separable. Cannibalisation and pull-forward
// between the chosen slots appear when the chosen plan is forecast whole,
// which Optimize does and reports.
package optimize

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"

	"promocast/data"
	"promocast/forecast"
	"promocast/optimize/solver"
	"promocast/spec"
)

// Objectives Optimize can maximise.
const (
	Margin  = "margin"  // net incremental margin
	Revenue = "revenue" // incremental revenue (GMV)
)

// Settings say which options are allowed and what limits the plan.
// Zero Budget and MinMarginRate are real limits (no spend; non-negative
// margin): pass math.Inf(1) and math.Inf(-1) for none, as optimize does.
type Settings struct {
	// Discounts are the price-lever depths allowed, each in (0, 1).
	Discounts []float64
	// Flags are levers with a numeric off value that options may switch
	// on (see the package doc for the value they take).
	Flags []string
	// LeverCosts are costs per plan row of levers with a numeric off value
	// at value 1 (a display slot's fee), scaled by the value set above the
	// off value. They count as promotion cost (budget, ROI) and are netted
	// from the objective.
	LeverCosts map[string]float64
	// Depths are levers that hold the discount depth itself (e.g. a
	// discount column beside the price); options set them to their
	// discount, so the price and its depth move together.
	Depths []string
	// Objective is Margin (the default when empty) or Revenue.
	Objective string
	// Budget caps the total promotion cost.
	Budget float64
	// MinMarginRate is the smallest margin ÷ revenue the plan may have.
	MinMarginRate float64
	// GroupBy is a key or static column whose groups get GroupMaxCost and
	// GroupMaxPromoted; empty means no group limits.
	GroupBy          string
	GroupMaxCost     float64
	GroupMaxPromoted int
	// Stock is the units available per series ID over the plan; series
	// missing from the map have no limit.
	Stock map[string]float64
	// Progress, when set, is called after each option is valued.
	Progress func(option string)
}

// Option is one promotion choice: a discount and the flags it sets.
type Option struct {
	Name     string
	Discount float64
	Flags    map[string]bool
}

// Options lists "off" first, then every discount (0 included) with every
// subset of flags.
func Options(discounts []float64, flags []string) []Option {
	opts := []Option{{Name: "off"}}
	for _, d := range append([]float64{0}, discounts...) {
		for mask := 0; mask < 1<<len(flags); mask++ {
			if d == 0 && mask == 0 {
				continue
			}
			o := Option{Discount: d, Flags: map[string]bool{}}
			var parts []string
			if d > 0 {
				parts = append(parts, fmt.Sprintf("%g%% off", 100*d))
			}
			for k, fl := range flags {
				if mask&(1<<k) != 0 {
					o.Flags[fl] = true
					parts = append(parts, fl)
				}
			}
			o.Name = strings.Join(parts, " + ")
			opts = append(opts, o)
		}
	}
	return opts
}

// Outcome is what Optimize chose and how it compares.
type Outcome struct {
	Options  []Option
	Problem  *solver.Problem
	Solution solver.Solution
	// Groups names the problem's group numbers.
	Groups []string
	// Chosen is the chosen plan and its forecast; Names the option chosen
	// per row.
	ChosenPlan *data.Frame
	Chosen     *forecast.Result
	Names      []string
	// User is the forecast of the plan as given.
	User *forecast.Result
	// None is the forecast of the plan with every lever off: what no
	// promotion sells, one reference for the user's plan and the chosen
	// one alike (each plan's own baseline column is its forecast less its
	// uplift, which moves with the plan).
	None *forecast.Result
	// LeverCost is the lever costs of the chosen plan and of the user's,
	// included in Chosen's and User's fixed costs.
	LeverCost, UserLeverCost float64
}

// Optimize chooses an option per row of the plan; see the package doc.
func Optimize(sc *forecast.Scorer, planFrame *data.Frame, s Settings) (*Outcome, error) {
	m := sc.Model()
	if s.Objective == "" {
		s.Objective = Margin
	}
	if s.Objective != Margin && s.Objective != Revenue {
		return nil, fmt.Errorf("objective %q: expected margin or revenue", s.Objective)
	}
	levers, err := m.Spec.Levers()
	if err != nil {
		return nil, err
	}
	price, err := priceLever(m.Spec, levers)
	if err != nil {
		return nil, err
	}
	if s.Objective == Margin && m.Spec.Cost.UnitCost == "" {
		return nil, fmt.Errorf("the margin objective needs the spec's cost.unit_cost; use the revenue objective")
	}
	for _, d := range s.Depths {
		ok := false
		for _, l := range levers {
			ok = ok || (l.Name == d && l.Kind == spec.OffNumber)
		}
		if !ok {
			return nil, fmt.Errorf("depth lever %q is not a lever with a numeric off value", d)
		}
	}
	for _, fl := range s.Flags {
		if numericLever(levers, fl) == nil {
			return nil, fmt.Errorf("flag %q is not a lever with a numeric off value", fl)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(s.LeverCosts)) {
		if numericLever(levers, name) == nil {
			return nil, fmt.Errorf("lever cost of %q: not a lever with a numeric off value", name)
		}
		if c := s.LeverCosts[name]; !(c >= 0) || math.IsInf(c, 1) {
			return nil, fmt.Errorf("lever cost of %q is %v: expected a finite cost of 0 or more", name, c)
		}
	}
	for _, d := range s.Discounts {
		if !(d > 0 && d < 1) {
			return nil, fmt.Errorf("discount %v: expected a depth between 0 and 1", d)
		}
	}
	off, err := regularPrices(sc, planFrame, levers, price)
	if err != nil {
		return nil, err
	}
	base := Bases{Price: price.Name, Off: off, On: map[string][]float64{}}
	for _, fl := range s.Flags {
		if base.On[fl], err = sc.OnValues(planFrame, fl); err != nil {
			return nil, err
		}
	}
	out := &Outcome{Options: Options(s.Discounts, s.Flags)}
	if out.User, err = sc.Forecast(planFrame); err != nil {
		return nil, err
	}
	if _, out.UserLeverCost, err = addLeverCosts(out.User, planFrame, levers, s.LeverCosts); err != nil {
		return nil, err
	}
	valued := make([]*forecast.Result, len(out.Options))
	leverCost := make([][]float64, len(out.Options))
	for k, o := range out.Options {
		p, err := Apply(planFrame, levers, base, s.Depths, func(int) Option { return o })
		if err != nil {
			return nil, err
		}
		if valued[k], err = sc.Forecast(p); err != nil {
			return nil, err
		}
		if leverCost[k], _, err = addLeverCosts(valued[k], p, levers, s.LeverCosts); err != nil {
			return nil, err
		}
		if s.Progress != nil {
			s.Progress(o.Name)
		}
	}
	ratio := func(promoted bool) float64 { return 1 }
	if c := m.Calibration; c != nil {
		ratio = c.RatioOf
	}
	out.None = valued[0]
	if out.Problem, out.Groups, err = problem(s, out.User, valued, leverCost, out.Options, ratio); err != nil {
		return nil, err
	}
	if out.Solution, err = solver.Solve(out.Problem, solver.Settings{}); err != nil {
		return nil, err
	}
	if out.ChosenPlan, err = Apply(planFrame, levers, base, s.Depths, func(r int) Option { return out.Options[out.Solution.Choice[r]] }); err != nil {
		return nil, err
	}
	if out.Chosen, err = sc.Forecast(out.ChosenPlan); err != nil {
		return nil, err
	}
	if _, out.LeverCost, err = addLeverCosts(out.Chosen, out.ChosenPlan, levers, s.LeverCosts); err != nil {
		return nil, err
	}
	out.Names = make([]string, len(out.Solution.Choice))
	for i, c := range out.Solution.Choice {
		out.Names[i] = out.Options[c].Name
	}
	return out, nil
}

// Measured is a plan's totals with its increments measured from the
// forecast of no promotion (Outcome.None), the one reference every plan is
// compared with.
type Measured struct {
	forecast.Total
	IncrementalUnits, IncrementalRevenue, IncrementalMargin float64
}

// ROI is the plan's incremental margin ÷ its promotion cost, NaN without
// cost.
func (m Measured) ROI() float64 { return forecast.ROI(m.IncrementalMargin, m.PromotionCost) }

// Plans returns the totals of no promotion, of the user's plan and of the
// chosen one, each measured from no promotion.
func (o *Outcome) Plans() (none, user, chosen Measured, err error) {
	nt, err := o.None.Summarise("")
	if err != nil {
		return none, user, chosen, err
	}
	none = Measured{Total: nt[0]}
	measure := func(r *forecast.Result) (Measured, error) {
		t, err := r.Summarise("")
		if err != nil {
			return Measured{}, err
		}
		m := t[0]
		return Measured{Total: m, IncrementalUnits: m.Forecast - none.Forecast, IncrementalRevenue: m.Revenue - none.Revenue,
			IncrementalMargin: m.Margin - none.Margin}, nil
	}
	if user, err = measure(o.User); err != nil {
		return none, user, chosen, err
	}
	chosen, err = measure(o.Chosen)
	return none, user, chosen, err
}

// regularPrices returns each plan row's off price, from which the options'
// discounts are taken. With `off: infer` it is the trailing maximum of the
// price over the history and the plan with every row at its off price: a
// chosen plan leaves rows off at that price, and the rows after them infer
// their regular price from it, so an off price read from the plan as given
// (whose discounted rows lower the trailing maximum) would have later rows
// left off read as discounted. Each round prices the plan at the last
// round's off prices, which only raises them, until they hold.
func regularPrices(sc *forecast.Scorer, plan *data.Frame, levers []spec.LeverRule, price spec.LeverRule) ([]float64, error) {
	off, err := sc.OffValues(plan, price.Name)
	if err != nil || price.Kind != spec.OffInfer {
		return off, err
	}
	given, err := plan.NeedNumber(price.Name, "price")
	if err != nil {
		return nil, err
	}
	for range plan.Rows() {
		at := make([]float64, len(off))
		for r, v := range off {
			at[r] = v
			if math.IsNaN(v) {
				at[r] = given.Num[r]
			}
		}
		p, err := Apply(plan, levers, Bases{Price: price.Name, Off: at}, nil, func(int) Option { return Option{} })
		if err != nil {
			return nil, err
		}
		next, err := sc.OffValues(p, price.Name)
		if err != nil {
			return nil, err
		}
		if slices.EqualFunc(next, off, func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }) {
			break
		}
		off = next
	}
	return off, nil
}

// priceLever returns the spec's price lever: the selling price, with an
// off value that is a column or inferred, so that a discount has a base.
func priceLever(sp spec.Spec, levers []spec.LeverRule) (spec.LeverRule, error) {
	price := sp.PriceColumn()
	for _, l := range levers {
		if l.Name == price && l.IsPrice() {
			return l, nil
		}
	}
	return spec.LeverRule{}, fmt.Errorf("optimising needs a price lever whose off value is a column or inferred (e.g. price: {off: regular_price} or price: {off: infer})")
}

// numericLever returns the lever called name if its off value is a
// number, else nil.
func numericLever(levers []spec.LeverRule, name string) *spec.LeverRule {
	for i, l := range levers {
		if l.Name == name && l.Kind == spec.OffNumber {
			return &levers[i]
		}
	}
	return nil
}

// addLeverCosts adds to each row's fixed cost in res the costs of plan's
// lever values (cost × (value − off value)) and returns them per row of
// res and in total.
func addLeverCosts(res *forecast.Result, plan *data.Frame, levers []spec.LeverRule, costs map[string]float64) ([]float64, float64, error) {
	total, per := 0.0, make([]float64, len(res.Targets))
	for _, name := range slices.Sorted(maps.Keys(costs)) {
		col, err := plan.NeedNumber(name, "promotion lever")
		if err != nil {
			return nil, 0, err
		}
		off := numericLever(levers, name).Number
		for i, t := range res.Targets {
			c := costs[name] * math.Max(0, col.Num[t.Row]-off)
			if c == 0 {
				continue
			}
			if math.IsNaN(res.FixedCost[i]) {
				res.FixedCost[i] = 0
			}
			res.FixedCost[i] += c
			per[i] += c
			total += c
		}
	}
	return per, total, nil
}

// Bases are what options apply to, per plan row: the price lever's off
// price (Off) and each flag lever's on value (On, see OnValues).
type Bases struct {
	Price string
	Off   []float64
	On    map[string][]float64
}

// Apply returns a copy of the plan with every row's levers set by
// pick(row): the price lever at its off price × (1 − discount), the depth
// levers at the discount, the option's flags at their on values (1 when
// b.On has none for a flag), every other numeric lever off. Price levers
// other than the spec's price keep the plan's values.
func Apply(plan *data.Frame, levers []spec.LeverRule, b Bases, depths []string, pick func(row int) Option) (*data.Frame, error) {
	isDepth := map[string]bool{}
	for _, d := range depths {
		isDepth[d] = true
	}
	cols := make([]*data.Column, len(plan.Columns))
	for i, c := range plan.Columns {
		cp := *c
		cols[i] = &cp
	}
	out, err := data.NewFrame(plan.Source, cols)
	if err != nil {
		return nil, err
	}
	for _, l := range levers {
		c, err := out.NeedNumber(l.Name, "promotion lever")
		if err != nil {
			return nil, err
		}
		vals := make([]float64, len(c.Num))
		for r := range vals {
			o := pick(r)
			switch {
			case l.Name == b.Price:
				vals[r] = b.Off[r] * (1 - o.Discount)
			case isDepth[l.Name]:
				vals[r] = o.Discount
			case l.Kind == spec.OffNumber && o.Flags[l.Name]:
				vals[r] = 1
				if on := b.On[l.Name]; on != nil {
					vals[r] = on[r]
				}
			case l.Kind == spec.OffNumber:
				vals[r] = l.Number
			default:
				vals[r] = c.Num[r]
			}
		}
		c.Num = vals
	}
	return out, nil
}

// problem values every option of every plan row by its own lift, net of
// its lever costs (leverCost[option][row], already in the fixed costs),
// and returns the optimisation problem with the group names by number.
// Units are expected units, the point forecasts times ratio of the
// row's promotion state under the option (the calibration's ratio of
// actuals to forecasts, interval.Calibration.RatioOf), as the chosen
// plan's forecast reports them, so that the costs the budget holds are the
// ones reported.
// Every option's gain is measured from one reference per row, the units of
// the "off" option, at the option's ratio: a model whose baseline depends
// on the plan (an effect model that derives it from the forecast) would
// otherwise measure each option from a baseline of its own, and a ratio
// that differs between the states would credit the promotion with their
// difference times the baseline.
func problem(s Settings, user *forecast.Result, valued []*forecast.Result, leverCost [][]float64, opts []Option, ratio func(promoted bool) float64) (*solver.Problem, []string, error) {
	groupOf, err := user.Grouper(s.GroupBy)
	if err != nil {
		return nil, nil, err
	}
	var names []string
	ids := map[string]int{}
	prob := &solver.Problem{Budget: s.Budget, MinMarginRate: s.MinMarginRate}
	for i, t := range user.Targets {
		g := groupOf(t.Series)
		if _, ok := ids[g]; !ok {
			ids[g] = len(ids)
			names = append(names, g)
		}
		slot := solver.Slot{Series: t.Series, Group: ids[g]}
		for k, o := range opts {
			r := valued[k]
			base, bp, cost := r.Baseline[i], r.BasePrice[i], r.UnitCost[i]
			if math.IsNaN(cost) {
				cost = 0
			}
			rt := ratio(r.Promoted[i])
			ref := rt * valued[0].Baseline[i]
			units, p := rt*base, bp
			if k > 0 {
				units, p = rt*(base+r.Parts.Own[i]), r.Price[i]
			}
			opt := solver.Option{Name: o.Name, Units: units, Revenue: units * p, Margin: units * (p - cost)}
			if k > 0 {
				opt.Cost = math.Max(0, bp-p) * units
				if fixed := r.FixedCost[i]; !math.IsNaN(fixed) {
					opt.Cost += fixed
				}
				if s.Objective == Margin {
					opt.Objective = opt.Margin - ref*(bp-cost)
				} else {
					opt.Objective = opt.Revenue - ref*bp
				}
				opt.Objective -= leverCost[k][i]
			}
			slot.Options = append(slot.Options, opt)
		}
		prob.Slots = append(prob.Slots, slot)
	}
	if s.GroupBy != "" && (!math.IsInf(s.GroupMaxCost, 1) || s.GroupMaxPromoted >= 0) {
		sorted := append([]string(nil), names...)
		sort.Strings(sorted)
		for _, g := range sorted {
			prob.Groups = append(prob.Groups, solver.GroupLimit{Group: ids[g], MaxCost: s.GroupMaxCost, MaxPromoted: s.GroupMaxPromoted})
		}
	}
	if len(s.Stock) > 0 {
		prob.Stock, prob.SeriesNames = map[int]float64{}, map[int]string{}
		for _, t := range user.Targets {
			id := user.Panel.Series[t.Series].ID
			if v, ok := s.Stock[id]; ok {
				prob.Stock[t.Series], prob.SeriesNames[t.Series] = v, id
			}
		}
	}
	prob.GroupNames = names
	return prob, names, nil
}
