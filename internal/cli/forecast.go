package cli

import (
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"promocast/export"
	"promocast/forecast"
)

type forecastFlags struct {
	model, data, plan, out, spec string
	by, summary                  string
}

func forecastCmd(e *env) *cobra.Command {
	var f forecastFlags
	cmd := &cobra.Command{
		Use:   "forecast --model MODEL --data HISTORY --plan PLAN --out FORECAST",
		Short: "Forecast a promotion plan with its no-promotion baseline",
		Long: `Forecast every row of a plan — future periods of the known covariates, keyed
like the history — and its baseline without the promotion: with the model's
effect model, the forecast less that model's uplift of the row's levers (the
warnings column says where the trees and the effect model disagree), else the
same rows with every promotion lever off. The output
has the keys, the period, forecast, baseline, uplift, promoted, and when the
spec names a price and costs: price, baseline_price, revenue, baseline_revenue,
incremental_revenue, margin, baseline_margin, incremental_margin,
promotion_cost and roi. The output format follows the --out extension: .csv,
.csv.gz, .parquet or .json.`,
		Example: `  promocast forecast --model model.json --data sales.csv.gz --plan plan.csv --out forecast.csv
  promocast forecast --model model.json --data sales.parquet --plan plan.parquet --out forecast.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runForecast(e, f) },
	}
	fs := cmd.Flags()
	fs.StringVar(&f.model, "model", "", "model file from 'promocast train'")
	fs.StringVar(&f.data, "data", "", "sales history the plan follows")
	fs.StringVar(&f.plan, "plan", "", "plan: future rows of the known covariates")
	fs.StringVar(&f.out, "out", "", "forecast file to write (.csv, .csv.gz, .parquet, .json)")
	fs.StringVar(&f.spec, "spec", "", "dataset spec, to find attribute and event files (default: the model's)")
	fs.StringVar(&f.by, "by", "", "also total the plan by this key or static column (e.g. category)")
	fs.StringVar(&f.summary, "summary", "", "write the totals (whole plan, or per --by group) to this file")
	return cmd
}

func runForecast(e *env, f forecastFlags) error {
	if f.model == "" || f.out == "" {
		return usagef("--model and --out are required")
	}
	in, err := loadModelInputs(f.model, f.spec, f.data, f.plan)
	if err != nil {
		return err
	}
	mf, hist, plan := in.file, in.hist, in.plan
	res, err := mf.Model.Forecast(hist, plan)
	if err != nil {
		return err
	}
	out, err := res.Frame(f.out)
	if err != nil {
		return err
	}
	if err := export.Write(f.out, out); err != nil {
		return err
	}
	totals, err := res.Summarise(f.by)
	if err != nil {
		return usageError{err}
	}
	if f.summary != "" {
		if err := export.Write(f.summary, forecast.TotalsFrame(f.by, totals)); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stdout, "forecast %d rows; wrote %s\n", len(res.Forecast), f.out)
	if n := countNonEmpty(res.Warnings); n > 0 {
		fmt.Fprintf(e.stdout, "%d rows have warnings (beyond what their series and group had in training, or where the two models disagree): see their warnings column\n", n)
	}
	if c := mf.Model.Calibration; c != nil && (c.RatioOf(false) != 1 || c.RatioOf(true) != 1) {
		fmt.Fprintf(e.stdout, "units below are expected units: the point forecasts × %.3f (× %.3f where promoted), the calibration backtest's ratio of actuals to forecasts (the file has both)\n",
			c.RatioOf(false), c.RatioOf(true))
	}
	fmt.Fprintln(e.stdout)
	writeTotals(e.stdout, f.by, totals)
	return nil
}

// writeTotals prints plan totals: units and their decomposition, then money.
func writeTotals(w io.Writer, by string, totals []forecast.Total) {
	if by == "" {
		by = "plan"
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s\trows\tpromoted\tforecast\tbaseline\tuplift\town lift\tpost dip\tpre lull\tcannibal.\thalo\tincr. revenue\tincr. margin\tpromo cost\tROI\t\n", by)
	for _, t := range totals {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%.0f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n",
			t.Group, t.Rows, t.Promoted, t.Forecast, t.Baseline, money(t.Forecast-t.Baseline), money(t.Own), money(t.History), money(t.Next), money(t.Cannibal), money(t.Halo),
			money(t.Revenue-t.BaselineRevenue), money(t.Margin-t.BaselineMargin), money(t.PromotionCost), ratioText(t.ROI()))
	}
	tw.Flush()
}

// money prints a signed whole amount (of money or units), "+0" for one
// that rounds to none rather than "-0", and "-" for NaN.
func money(v float64) string {
	switch {
	case v != v:
		return "-"
	case math.Abs(v) <= 0.5: // %+.0f prints −0.5 as -0
		return "+0"
	}
	return fmt.Sprintf("%+.0f", v)
}

func ratioText(v float64) string {
	if v != v || v > 1e12 || v < -1e12 {
		return "-"
	}
	return fmt.Sprintf("%.2f", v)
}

func countNonEmpty(list []string) int {
	n := 0
	for _, s := range list {
		if s != "" {
			n++
		}
	}
	return n
}
