package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"promocast/export"
	"promocast/modelfile"
)

type forecastFlags struct {
	model, data, plan, out, spec string
}

func forecastCmd(e *env) *cobra.Command {
	var f forecastFlags
	cmd := &cobra.Command{
		Use:   "forecast --model MODEL --data HISTORY --plan PLAN --out FORECAST",
		Short: "Forecast a promotion plan with its no-promotion baseline",
		Long: `Forecast every row of a plan — future periods of the known covariates, keyed
like the history — and the same rows with every promotion lever off. The output
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
	return cmd
}

func runForecast(e *env, f forecastFlags) error {
	if f.model == "" || f.out == "" {
		return usagef("--model and --out are required")
	}
	mf, err := modelfile.Read(f.model)
	if err != nil {
		return err
	}
	ds := &dataset{spec: &mf.Model.Spec, dir: "."}
	if f.spec != "" {
		if ds, err = readSpec(f.spec); err != nil {
			return err
		}
	}
	hist, err := ds.readTable(f.data, "data")
	if err != nil {
		return err
	}
	plan, err := ds.readTable(f.plan, "plan")
	if err != nil {
		return err
	}
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
	var fc, base float64
	promoted := 0
	for i := range res.Forecast {
		fc += res.Forecast[i]
		base += res.Baseline[i]
		if res.Promoted[i] {
			promoted++
		}
	}
	fmt.Fprintf(e.stdout, "forecast %d rows (%d promoted): %.0f units, baseline %.0f, uplift %+.0f (%+.1f%%); wrote %s\n",
		len(res.Forecast), promoted, fc, base, fc-base, 100*(fc-base)/base, f.out)
	return nil
}
