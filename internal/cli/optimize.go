package cli

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"promocast/data"
	"promocast/export"
	"promocast/forecast"
	"promocast/optimize"
	"promocast/spec"
)

type optimizeFlags struct {
	model, data, plan, spec, stock, out string
	discounts                           []float64
	flags                               []string
	objective                           string
	budget, minMarginRate               float64
	groupBy                             string
	groupMaxCost                        float64
	groupMaxPromoted                    int
}

func optimizeCmd(e *env) *cobra.Command {
	var f optimizeFlags
	cmd := &cobra.Command{
		Use:   "optimize --model MODEL --data HISTORY --plan PLAN --discounts 0.1,0.2,0.3 [--flags feature,display] --out CHOSEN",
		Short: "Choose the promotion for each series and period under budget and stock",
		Long: `optimize chooses, for every row of the plan (a series in a period), one
promotion from the allowed options — no promotion, each discount depth, each
combination of the given flag levers — to maximise the net incremental margin
(or revenue) subject to a total promotion budget, per-group limits on cost and
on promoted rows, a minimum margin rate over the plan, and the stock of each
series (the on_hand column of --stock).

Each option of each row is valued by the forecast of the row with that option
and its own lift (peers' promotions and earlier periods aside); the chosen plan
is then forecast whole, with cannibalisation and pull-forward, and compared
with no promotion and with the plan as given. Small problems are solved
exactly; large ones by Lagrangian relaxation with a reported optimality gap.`,
		Example: `  promocast optimize --model model.json --data sales.csv.gz --plan plan.csv --discounts 0.1,0.2,0.3 --flags display --budget 5000 --out chosen.csv
  promocast optimize --model model.json --data sales.csv.gz --plan plan.csv --discounts 0.2 --group-by category --group-max-promoted 3 --min-margin-rate 0.2 --stock stock.csv --out chosen.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runOptimize(e, f) },
	}
	fs := cmd.Flags()
	fs.StringVar(&f.model, "model", "", "model file")
	fs.StringVar(&f.data, "data", "", "sales history")
	fs.StringVar(&f.plan, "plan", "", "plan: the series and periods to decide, as the user would run them")
	fs.StringVar(&f.spec, "spec", "", "dataset spec, for attribute and event files (default: the model's)")
	fs.StringVar(&f.stock, "stock", "", "stock table: keys and on_hand units available over the plan")
	fs.StringVar(&f.out, "out", "", "chosen plan with its forecast (.csv, .parquet, .json)")
	fs.Float64SliceVar(&f.discounts, "discounts", []float64{0.1, 0.2, 0.3}, "discount depths allowed on the price lever")
	fs.StringSliceVar(&f.flags, "flags", nil, "flag levers (e.g. feature,display) that options may switch on")
	fs.StringVar(&f.objective, "objective", "margin", "what to maximise: margin (net incremental margin) or revenue")
	fs.Float64Var(&f.budget, "budget", math.Inf(1), "total promotion cost allowed (discounts given away plus fixed costs)")
	fs.Float64Var(&f.minMarginRate, "min-margin-rate", math.Inf(-1), "smallest margin ÷ revenue the plan may have")
	fs.StringVar(&f.groupBy, "group-by", "", "key or static column whose groups get limits (e.g. category)")
	fs.Float64Var(&f.groupMaxCost, "group-max-cost", math.Inf(1), "promotion cost allowed per group")
	fs.IntVar(&f.groupMaxPromoted, "group-max-promoted", optimize.NoLimit, "promoted rows allowed per group")
	return cmd
}

// promoOption is one promotion choice: a discount and the flags it sets.
type promoOption struct {
	name     string
	discount float64
	flags    map[string]bool
}

// promoOptions lists off first, then every discount (0 included) with
// every subset of flags.
func promoOptions(discounts []float64, flags []string) []promoOption {
	opts := []promoOption{{name: "off"}}
	ds := append([]float64{0}, discounts...)
	for _, d := range ds {
		for mask := 0; mask < 1<<len(flags); mask++ {
			if d == 0 && mask == 0 {
				continue
			}
			o := promoOption{discount: d, flags: map[string]bool{}}
			var parts []string
			if d > 0 {
				parts = append(parts, fmt.Sprintf("%g%% off", 100*d))
			}
			for k, fl := range flags {
				if mask&(1<<k) != 0 {
					o.flags[fl] = true
					parts = append(parts, fl)
				}
			}
			o.name = strings.Join(parts, " + ")
			opts = append(opts, o)
		}
	}
	return opts
}

func runOptimize(e *env, f optimizeFlags) error {
	if f.model == "" || f.out == "" {
		return usagef("--model and --out are required")
	}
	if f.objective != "margin" && f.objective != "revenue" {
		return usagef("--objective %q: expected margin or revenue", f.objective)
	}
	in, err := loadModelInputs(f.model, f.spec, f.data, f.plan)
	if err != nil {
		return err
	}
	m, ds, hist, plan := in.file.Model, in.ds, in.hist, in.plan
	levers, err := m.Spec.Levers()
	if err != nil {
		return err
	}
	price := m.Spec.PriceColumn()
	var priceRule *spec.LeverRule
	for i, l := range levers {
		if l.Name == price && l.Kind == spec.OffColumn {
			priceRule = &levers[i]
		}
	}
	if priceRule == nil {
		return fmt.Errorf("optimize needs a price lever whose off value is a column (e.g. price: {off: regular_price})")
	}
	if f.objective == "margin" && m.Spec.Cost.UnitCost == "" {
		return usagef("--objective margin needs the spec's cost.unit_cost; use --objective revenue")
	}
	for _, fl := range f.flags {
		ok := false
		for _, l := range levers {
			ok = ok || (l.Name == fl && l.Kind == spec.OffNumber)
		}
		if !ok {
			return usagef("--flags %s: not a lever with a numeric off value", fl)
		}
	}
	for _, d := range f.discounts {
		if !(d > 0 && d < 1) {
			return usagef("--discounts %v: expected depths between 0 and 1", d)
		}
	}
	sc, err := m.NewScorer(hist)
	if err != nil {
		return err
	}
	userRes, err := sc.Forecast(plan)
	if err != nil {
		return err
	}
	opts := promoOptions(f.discounts, f.flags)
	bar := newProgress(e.stderr, len(opts), "optimize")
	valued := make([]*forecast.Result, len(opts))
	for k, o := range opts {
		p, err := applyOption(plan, levers, *priceRule, o, nil)
		if err != nil {
			return err
		}
		if valued[k], err = sc.Forecast(p); err != nil {
			return err
		}
		bar.step(o.name)
	}
	bar.done()
	prob, groupNames, err := buildProblem(f, userRes, valued, opts)
	if err != nil {
		return err
	}
	if f.stock != "" {
		st, err := ds.readStock(f.stock, stockRow{})
		if err != nil {
			return err
		}
		prob.Stock = map[int]float64{}
		for i, t := range userRes.Targets {
			if s, ok := st[userRes.Panel.Series[t.Series].ID]; ok {
				prob.Stock[prob.Slots[i].Series] = s.onHand
			}
		}
	}
	sol, err := optimize.Solve(prob, optimize.Settings{})
	if err != nil {
		return err
	}
	chosenPlan, err := applyOption(plan, levers, *priceRule, promoOption{}, func(row int) promoOption { return opts[sol.Choice[row]] })
	if err != nil {
		return err
	}
	chosen, err := sc.Forecast(chosenPlan)
	if err != nil {
		return err
	}
	out, err := chosen.Frame(f.out)
	if err != nil {
		return err
	}
	names := make([]string, len(sol.Choice))
	for i, c := range sol.Choice {
		names[i] = opts[c].name
	}
	if err := out.Add(&data.Column{Name: "option", Kind: data.String, Str: names}); err != nil {
		return err
	}
	if err := export.Write(f.out, out); err != nil {
		return err
	}
	return reportOptimize(e, f, prob, groupNames, sol, chosen, userRes)
}

// applyOption returns a copy of the plan with the levers of every row set
// by an option: pick(row) when given, else opt for all rows. Levers that
// are neither the price nor an option's flag are set off.
func applyOption(plan *data.Frame, levers []spec.LeverRule, price spec.LeverRule, opt promoOption, pick func(row int) promoOption) (*data.Frame, error) {
	cols := make([]*data.Column, len(plan.Columns))
	for i, c := range plan.Columns {
		cp := *c
		cols[i] = &cp
	}
	out, err := data.NewFrame(plan.Source, cols)
	if err != nil {
		return nil, err
	}
	off, err := out.NeedNumber(price.Column, "regular price")
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
			o := opt
			if pick != nil {
				o = pick(r)
			}
			switch {
			case l.Name == price.Name:
				vals[r] = off.Num[r] * (1 - o.discount)
			case l.Kind == spec.OffNumber && o.flags[l.Name]:
				vals[r] = 1
			case l.Kind == spec.OffNumber:
				vals[r] = l.Number
			default:
				vals[r] = c.Num[r] // other price-like levers keep the plan's value
			}
		}
		c.Num = vals
	}
	return out, nil
}

// buildProblem values every option of every plan row by its own lift.
// It returns the problem and the group names by group number.
func buildProblem(f optimizeFlags, user *forecast.Result, valued []*forecast.Result, opts []promoOption) (*optimize.Problem, []string, error) {
	groupOf, err := user.Grouper(f.groupBy)
	if err != nil {
		return nil, nil, usageError{err}
	}
	var groupNames []string
	groupIDs := map[string]int{}
	prob := &optimize.Problem{Budget: f.budget, MinMarginRate: f.minMarginRate}
	for i, t := range user.Targets {
		g := groupOf(t.Series)
		if _, ok := groupIDs[g]; !ok {
			groupIDs[g] = len(groupIDs)
			groupNames = append(groupNames, g)
		}
		slot := optimize.Slot{Series: t.Series, Group: groupIDs[g]}
		for k, o := range opts {
			r := valued[k]
			base, bp, cost := r.Baseline[i], r.BasePrice[i], r.UnitCost[i]
			if math.IsNaN(cost) {
				cost = 0
			}
			units, p := base, bp
			if k > 0 {
				units, p = base+r.Parts.Own[i], r.Price[i]
			}
			opt := optimize.Option{Name: o.name, Units: units, Revenue: units * p, Margin: units * (p - cost)}
			if k > 0 {
				opt.Cost = math.Max(0, bp-p) * units
				if fixed := r.FixedCost[i]; !math.IsNaN(fixed) {
					opt.Cost += fixed
				}
				if f.objective == "margin" {
					opt.Objective = opt.Margin - base*(bp-cost)
				} else {
					opt.Objective = opt.Revenue - base*bp
				}
			}
			slot.Options = append(slot.Options, opt)
		}
		prob.Slots = append(prob.Slots, slot)
	}
	if f.groupBy != "" && (!math.IsInf(f.groupMaxCost, 1) || f.groupMaxPromoted >= 0) {
		names := make([]string, 0, len(groupIDs))
		for g := range groupIDs {
			names = append(names, g)
		}
		sort.Strings(names)
		for _, g := range names {
			prob.Groups = append(prob.Groups, optimize.GroupLimit{Group: groupIDs[g], MaxCost: f.groupMaxCost, MaxPromoted: f.groupMaxPromoted})
		}
	}
	return prob, groupNames, nil
}

// reportOptimize prints the objective, the constraints' slack and the
// chosen plan against no promotion and the user's plan.
func reportOptimize(e *env, f optimizeFlags, prob *optimize.Problem, groupNames []string, sol optimize.Solution, chosen, user *forecast.Result) error {
	w := e.stdout
	ev := sol.Eval
	status := "optimal"
	if !sol.Exact {
		status = fmt.Sprintf("within %.3f%% of optimal (bound %.0f)", 100*sol.Gap(), sol.Bound)
	}
	if !sol.Feasible {
		status = "no plan meets every constraint; least violating shown: " + strings.Join(ev.Violations, "; ")
	}
	fmt.Fprintf(w, "chose promotions for %d of %d rows: %s %+.0f as valued by own lift, %s\n", ev.Promoted, len(prob.Slots), f.objective, sol.Objective, status)
	fmt.Fprintf(w, "constraints: promotion cost %.0f (budget left %s), margin rate %s (left %s)\n",
		ev.Cost, money(ev.BudgetLeft), pct(ev.MarginRate), money(ev.MarginLeft))
	for _, g := range ev.Groups {
		left := "no limit"
		if g.PromotedLeft != optimize.NoLimit {
			left = fmt.Sprint(g.PromotedLeft)
		}
		fmt.Fprintf(w, "  %s %s: cost %.0f (left %s), promoted %d (left %s)\n", f.groupBy, groupNames[g.Group], g.Cost, money(g.CostLeft), g.Promoted, left)
	}
	short := 0
	for _, s := range ev.Stock {
		if s.Left < 1 {
			short++
		}
	}
	if len(ev.Stock) > 0 {
		fmt.Fprintf(w, "  stock: %d series limited, %d with less than one unit left\n", len(ev.Stock), short)
	}
	ct, err := chosen.Summarise("")
	if err != nil {
		return err
	}
	ut, err := user.Summarise("")
	if err != nil {
		return err
	}
	gain := func(t forecast.Total) float64 {
		if f.objective == "margin" {
			return t.Margin - t.BaselineMargin
		}
		return t.Revenue - t.BaselineRevenue
	}
	fmt.Fprintf(w, "\nforecast whole, with cannibalisation and pull-forward:\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "plan\tpromoted\tunits\tincr. units\tincr. revenue\tincr. margin\tpromo cost\tROI\t\n")
	fmt.Fprintf(tw, "no promotion\t0\t%.0f\t+0\t+0\t+0\t0\t-\t\n", ct[0].Baseline)
	for _, row := range []struct {
		name string
		t    forecast.Total
	}{{"your plan", ut[0]}, {"chosen", ct[0]}} {
		t := row.t
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%+.0f\t%s\t%s\t%.0f\t%s\t\n", row.name, t.Promoted, t.Forecast, t.Forecast-t.Baseline,
			money(t.Revenue-t.BaselineRevenue), money(t.Margin-t.BaselineMargin), t.PromotionCost, ratioText(t.ROI()))
	}
	tw.Flush()
	fmt.Fprintf(w, "\ngain of the chosen plan: %s over no promotion, %s over your plan; wrote %s\n",
		money(gain(ct[0])), money(gain(ct[0])-gain(ut[0])), f.out)
	return nil
}
