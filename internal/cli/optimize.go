package cli

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"promocast/data"
	"promocast/export"
	"promocast/optimize"
	"promocast/optimize/solver"
)

type optimizeFlags struct {
	model, data, plan, spec, stock, out string
	discounts                           []float64
	flags, depths, leverCosts           []string
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
exactly; large ones by Lagrangian relaxation with a reported optimality gap.

A flag option sets the lever to the largest value the series had in training
(its group's when the series never had it on, the whole panel's when neither
did): 1 for a 0/1 flag, the series' own largest share for a continuous lever
such as a display share, so the chosen level stays within what the history
showed; a flag the series and its group never had is the model's
extrapolation, and such rows are warned about. --lever-cost gives a lever
a cost per row at value 1 (scaled by the value set): it counts as promotion
cost and is netted from the objective. Chosen rows that leave what the series
and its group had in training are counted, with their warnings in --out.`,
		Example: `  promocast optimize --model model.json --data sales.csv.gz --plan plan.csv --discounts 0.1,0.2,0.3 --flags display --budget 5000 --out chosen.csv
  promocast optimize --model model.json --data sales.csv.gz --plan plan.csv --discounts 0.2 --group-by category --group-max-promoted 3 --min-margin-rate 0.2 --stock stock.csv --out chosen.csv
  promocast optimize --model model.json --data sales.csv.gz --plan plan.csv --discounts 0.1,0.2 --flags display --lever-cost display=150 --out chosen.csv`,
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
	fs.StringSliceVar(&f.depths, "depth-levers", nil, "levers that hold the discount depth itself (e.g. discount), set with the price")
	fs.StringSliceVar(&f.leverCosts, "lever-cost", nil, "cost per row of a lever at value 1, as LEVER=COST (e.g. display=150); repeat or comma-separate")
	fs.StringVar(&f.objective, "objective", "margin", "what to maximise: margin (net incremental margin) or revenue")
	fs.Float64Var(&f.budget, "budget", math.Inf(1), "total promotion cost allowed (discounts given away plus fixed costs)")
	fs.Float64Var(&f.minMarginRate, "min-margin-rate", math.Inf(-1), "smallest margin ÷ revenue the plan may have")
	fs.StringVar(&f.groupBy, "group-by", "", "key or static column whose groups get limits (e.g. category)")
	fs.Float64Var(&f.groupMaxCost, "group-max-cost", math.Inf(1), "promotion cost allowed per group")
	fs.IntVar(&f.groupMaxPromoted, "group-max-promoted", solver.NoLimit, "promoted rows allowed per group")
	return cmd
}

func runOptimize(e *env, f optimizeFlags) error {
	if f.model == "" || f.out == "" {
		return usagef("--model and --out are required")
	}
	if f.objective != optimize.Margin && f.objective != optimize.Revenue {
		return usagef("--objective %q: expected margin or revenue", f.objective)
	}
	switch {
	case !(f.budget >= 0):
		return usagef("--budget %v: expected 0 or more (leave it out for no budget)", f.budget)
	case !(f.groupMaxCost >= 0):
		return usagef("--group-max-cost %v: expected 0 or more (leave it out for no limit)", f.groupMaxCost)
	case f.groupMaxPromoted < 0 && f.groupMaxPromoted != solver.NoLimit:
		return usagef("--group-max-promoted %d: expected 0 or more (leave it out for no limit)", f.groupMaxPromoted)
	}
	costs, err := parseLeverCosts(f.leverCosts)
	if err != nil {
		return err
	}
	in, err := loadModelInputs(f.model, f.spec, f.data, f.plan)
	if err != nil {
		return err
	}
	var stock map[string]float64
	if f.stock != "" {
		st, err := readStock(in.ds, f.stock)
		if err != nil {
			return err
		}
		stock = map[string]float64{}
		for id, r := range st {
			stock[id] = r.OnHand
		}
	}
	sc, err := in.file.Model.NewScorer(in.hist)
	if err != nil {
		return err
	}
	n := len(optimize.Options(f.discounts, f.flags))
	bar := newProgress(e, n, "valuing option")
	res, err := optimize.Optimize(sc, in.plan, optimize.Settings{Discounts: f.discounts, Flags: f.flags, Depths: f.depths, Objective: f.objective,
		Budget: f.budget, MinMarginRate: f.minMarginRate, GroupBy: f.groupBy, GroupMaxCost: f.groupMaxCost,
		GroupMaxPromoted: f.groupMaxPromoted, Stock: stock, LeverCosts: costs, Progress: bar.step})
	bar.finish()
	if err != nil {
		return err
	}
	chosen := res.Chosen
	out, err := chosen.Frame(f.out)
	if err != nil {
		return err
	}
	if err := out.Add(&data.Column{Name: "option", Kind: data.String, Str: res.Names}); err != nil {
		return err
	}
	// The chosen levers' values, in plan order as the output rows are.
	levers, err := in.file.Model.Spec.Levers()
	if err != nil {
		return err
	}
	for _, lv := range levers {
		if c := res.ChosenPlan.Column(lv.Name); c != nil && out.Column(lv.Name) == nil {
			if err := out.Add(&data.Column{Name: lv.Name, Kind: data.Number, Num: c.Num}); err != nil {
				return err
			}
		}
	}
	if err := export.Write(f.out, out); err != nil {
		return err
	}
	return reportOptimize(e, f, res)
}

// reportOptimize prints the objective, the constraints' slack and the
// chosen plan against no promotion and the user's plan.
func reportOptimize(e *env, f optimizeFlags, res *optimize.Outcome) error {
	w := e.stdout
	prob, groupNames, sol, chosen := res.Problem, res.Groups, res.Solution, res.Chosen
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
		if g.PromotedLeft != solver.NoLimit {
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
	// Both plans are measured from the one forecast of no promotion.
	none, mu, mc, err := res.Plans()
	if err != nil {
		return err
	}
	gain := func(m optimize.Measured) float64 {
		if f.objective == "margin" {
			return m.IncrementalMargin
		}
		return m.IncrementalRevenue
	}
	fmt.Fprintf(w, "\nforecast whole, with cannibalisation and pull-forward:\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "plan\tpromoted\tunits\tincr. units\tincr. revenue\tincr. margin\tpromo cost\tROI\t\n")
	fmt.Fprintf(tw, "no promotion\t0\t%.0f\t+0\t+0\t+0\t0\t-\t\n", none.Forecast)
	for _, row := range []struct {
		name string
		m    optimize.Measured
	}{{"your plan", mu}, {"chosen", mc}} {
		m := row.m
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%s\t%s\t%s\t%.0f\t%s\t\n", row.name, m.Promoted, m.Forecast, money(m.IncrementalUnits),
			money(m.IncrementalRevenue), money(m.IncrementalMargin), m.PromotionCost, ratioText(m.ROI()))
	}
	tw.Flush()
	if len(f.leverCosts) > 0 {
		fmt.Fprintf(w, "lever costs (in promo cost): your plan %.0f, chosen %.0f\n", res.UserLeverCost, res.LeverCost)
	}
	fmt.Fprintf(w, "\ngain of the chosen plan: %s over no promotion, %s over your plan; wrote %s\n",
		money(gain(mc)), money(gain(mc)-gain(mu)), f.out)
	if g := gain(mc); g < 0 {
		fmt.Fprintf(w, "warning: forecast whole, the chosen plan's %s is %.0f below no promotion's: the optimiser values each option by its own lift, and here the dips, lulls and cannibalisation around the promotions outweigh it; no promotion does better\n",
			f.objective, -g)
	}
	if mu.PromotionCost > f.budget {
		fmt.Fprintf(w, "your plan's promotion cost, %.0f, is over the budget of %.0f the chosen plan keeps to\n", mu.PromotionCost, f.budget)
	}
	if warned := countNonEmpty(chosen.Warnings); warned > 0 {
		fmt.Fprintf(w, "%d chosen rows have warnings (beyond what their series and group had in training, or where the two models disagree): see their warnings column\n", warned)
	}
	return nil
}

// parseLeverCosts reads --lever-cost values LEVER=COST.
func parseLeverCosts(vals []string) (map[string]float64, error) {
	if len(vals) == 0 {
		return nil, nil
	}
	out := map[string]float64{}
	for _, v := range vals {
		name, text, ok := strings.Cut(v, "=")
		c, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
		if !ok || name == "" || err != nil || !(c >= 0) || math.IsInf(c, 1) {
			return nil, usagef("--lever-cost %q: expected LEVER=COST with a cost of 0 or more, e.g. display=150", v)
		}
		out[strings.TrimSpace(name)] = c
	}
	return out, nil
}
