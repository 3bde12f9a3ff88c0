package cli

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"promocast/data"
	"promocast/export"
	"promocast/forecast"
	"promocast/report"
	"promocast/serve"
)

type whatifFlags struct {
	model, data, plan, spec string
	lever                   string
	from, to, step          float64
	series                  []string
	out, plot               string
}

func whatifCmd(e *env) *cobra.Command {
	var f whatifFlags
	cmd := &cobra.Command{
		Use:   "whatif --model MODEL --data HISTORY --plan PLAN --lever LEVER [--from A --to B --step S]",
		Short: "Sweep one promotion lever and report the response curves",
		Long: `whatif forecasts the plan once per value of one lever — a discount depth for a
price lever (price = off price × (1 − depth)), the lever's value otherwise —
for the chosen series (default: every series in the plan) over all the plan's
periods. It prints, per series, the price elasticity fitted on the curve and
the value that maximises incremental margin (or revenue without costs), and
writes the curves (units, baseline, revenue, margin, promotion cost, ROI per
value) to --out and their plot to --plot.

A value the series never had in training — a discount deeper than its
deepest (and than its group's), a flag it never had on, a display share
beyond its range — is the model's extrapolation: such points carry a warning
(printed under the table and in the curves' warnings column), and where the
best value is one of them, the best value within the series' history is
printed beside it.`,
		Example: `  promocast whatif --model model.json --data sales.csv.gz --plan plan.csv --lever price --from 0 --to 0.5 --step 0.05 --out curves.csv --plot curves.html
  promocast whatif --model model.json --data sales.csv.gz --plan plan.csv --lever display --from 0 --to 1 --step 1 --series "367|1111009477"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runWhatif(e, f) },
	}
	fs := cmd.Flags()
	fs.StringVar(&f.model, "model", "", "model file")
	fs.StringVar(&f.data, "data", "", "sales history")
	fs.StringVar(&f.plan, "plan", "", "plan to vary")
	fs.StringVar(&f.spec, "spec", "", "dataset spec, for attribute and event files (default: the model's)")
	fs.StringVar(&f.lever, "lever", "", "lever to sweep, e.g. price or display")
	fs.Float64Var(&f.from, "from", 0, "first value (a discount depth for a price lever)")
	fs.Float64Var(&f.to, "to", 0.5, "last value")
	fs.Float64Var(&f.step, "step", 0.05, "step between values")
	fs.StringSliceVar(&f.series, "series", nil, "series IDs (keys joined by |) to sweep; default all in the plan")
	fs.StringVar(&f.out, "out", "", "curves file (.csv, .parquet, .json)")
	fs.StringVar(&f.plot, "plot", "", "HTML file with the curves plotted")
	return cmd
}

func runWhatif(e *env, f whatifFlags) error {
	if f.model == "" || f.lever == "" {
		return usagef("--model and --lever are required")
	}
	if !(f.step > 0) || !(f.from <= f.to) || math.IsInf(f.from+f.to+f.step, 0) {
		return usagef("--from %v --to %v --step %v: expected finite numbers, from ≤ to and a positive step", f.from, f.to, f.step)
	}
	if n := math.Floor((f.to-f.from)/f.step+1e-9) + 1; n > serve.DefaultMaxSweepValues {
		return usagef("--from %v --to %v --step %v gives %.0f values: expected at most %d (the server's limit too); use a larger --step",
			f.from, f.to, f.step, n, serve.DefaultMaxSweepValues)
	}
	values := forecast.Grid(f.from, f.to, f.step)
	in, err := loadModelInputs(f.model, f.spec, f.data, f.plan)
	if err != nil {
		return err
	}
	mf, hist, plan := in.file, in.hist, in.plan
	points, err := mf.Model.WhatIf(hist, plan, forecast.Sweep{Lever: f.lever, Values: values, Series: f.series})
	if err != nil {
		return err
	}
	rule, _ := mf.Model.Spec.Lever(f.lever) // WhatIf refused a name that is not a lever
	isPrice := rule.IsPrice()
	curves := forecast.Curves(points, isPrice)
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	gain := "incr. margin there" // over the baseline of the sweep's first value (Point.Gain)
	if mf.Model.Spec.Cost.UnitCost == "" {
		gain = "incr. revenue there"
	}
	// A price lever is swept as a discount depth (0.2 is 20% off).
	bestHeader := "best " + f.lever
	if isPrice {
		bestHeader = "best discount"
	}
	fmt.Fprintf(tw, "series\tunits at %v\tunits at %v\telasticity\t%s\t%s\tbest within history\t\n", values[0], values[len(values)-1], bestHeader, gain)
	var warned []string
	for _, c := range curves {
		id, ps, best, within := c.Series, c.Points, c.Best, c.Within
		el := "-"
		if isPrice {
			el = num(c.Elasticity)
		}
		shown, in := fmt.Sprint(best.Value), "-"
		if best.Warning != "" {
			shown += " (!)"
			if within != nil {
				in = fmt.Sprintf("%v (%s)", within.Value, money(within.Gain()))
			}
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%s\t%s\t%s\t%s\t\n", id, ps[0].Units, ps[len(ps)-1].Units, el, shown, money(best.Gain()), in)
		for _, p := range ps {
			if p.Warning != "" {
				warned = append(warned, fmt.Sprintf("  %s from %s = %v: %s", id, f.lever, p.Value, p.Warning))
				break
			}
		}
	}
	tw.Flush()
	if len(warned) > 0 {
		fmt.Fprintf(e.stdout, "\nbeyond the history (the model extrapolates; (!) marks a best value there):\n%s\n", strings.Join(warned, "\n"))
	}
	if f.out != "" {
		if err := export.Write(f.out, pointsFrame(f.lever, isPrice, points)); err != nil {
			return err
		}
	}
	if f.plot != "" {
		r := report.New("What-if: " + f.lever + " on " + filepath.Base(f.plan))
		for _, cv := range curves {
			ps := cv.Points
			c := report.Chart{Title: cv.Series}
			units, base, margin := make([]float64, len(ps)), make([]float64, len(ps)), make([]float64, len(ps))
			for i, p := range ps {
				c.X = append(c.X, fmt.Sprint(p.Value))
				units[i], base[i], margin[i] = p.Units, p.Baseline, p.Margin-p.BaselineMargin
			}
			c.Lines = []report.Line{{Name: "units", Y: units}, {Name: "baseline", Y: base, Dash: true}, {Name: "incremental margin", Y: margin}}
			r.Chart(c)
		}
		if err := export.WriteFile(f.plot, r.Write); err != nil {
			return err
		}
	}
	return nil
}

// pointsFrame is the curves file: per series and sweep value (for a price
// lever the discount depth, in a column named LEVER_discount) the expected
// units, baseline and money, the increments over each value's own
// baseline, gain over the sweep's one reference (Point.Gain, what the
// best value maximises) and the value's warning.
func pointsFrame(lever string, isPrice bool, points []forecast.Point) *data.Frame {
	cols := []*data.Column{{Name: "series", Kind: data.String}}
	first := strings.ReplaceAll(lever, " ", "_")
	if isPrice {
		first += "_discount"
	}
	names := []string{first, "units", "baseline", "uplift", "revenue", "incremental_revenue", "margin", "incremental_margin", "gain", "promotion_cost", "roi"}
	for _, n := range names {
		cols = append(cols, &data.Column{Name: n, Kind: data.Number})
	}
	for _, p := range points {
		cols[0].Str = append(cols[0].Str, p.Series)
		for k, v := range []float64{p.Value, p.Units, p.Baseline, p.Units - p.Baseline, p.Revenue, p.Revenue - p.BaselineRevenue, p.Margin,
			p.Margin - p.BaselineMargin, p.Gain(), p.PromotionCost, p.ROI()} {
			cols[k+1].Num = append(cols[k+1].Num, v)
		}
	}
	warn := &data.Column{Name: "warnings", Kind: data.String}
	for _, p := range points {
		warn.Str = append(warn.Str, p.Warning)
	}
	f, _ := data.NewFrame("curves", append(cols, warn))
	return f
}
