package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"promocast/data"
	"promocast/export"
	"promocast/forecast"
)

type explainFlags struct {
	model, data, plan, spec, out string
	top                          int
}

func explainCmd(e *env) *cobra.Command {
	var f explainFlags
	cmd := &cobra.Command{
		Use:   "explain --model MODEL --data HISTORY --plan PLAN [--top N] [--out DRIVERS]",
		Short: "Show what drives each forecast row's uplift",
		Long: `explain attributes the uplift of every plan row (forecast − baseline) to what
the plan changes: its levers, and the features that follow them (the series'
promotion history, the group's promotion share and discount as peers' levers
are set off). Features equal under the plan and in the baseline get nothing,
and the contributions add up to the uplift in expected units, as forecast
reports it (its expected − expected_baseline). A model with an effect
model (what train estimates) splits the uplift over the effect model's lever
columns by their log-space terms θ·(plan − baseline). Otherwise the trees
explain it with exact interventional TreeSHAP, the plan's row against its
baseline row (same series and period, levers off) as the single reference.
Log-space attributions (an effect model, a Poisson-loss or log-target model,
a blend of tree models) are rescaled to the uplift, a proportional
approximation; a stack cannot explain.
It prints the plan's top drivers and writes, with --out, the top N
drivers of every row (keys, period, uplift, rank, feature, contribution).`,
		Example: `  promocast explain --model model.json --data sales.csv.gz --plan plan.csv
  promocast explain --model model.json --data sales.csv.gz --plan plan.csv --top 3 --out drivers.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runExplain(e, f) },
	}
	fs := cmd.Flags()
	fs.StringVar(&f.model, "model", "", "model file (gbdt, gbdt_poisson, gbdt_log, or a blend of them)")
	fs.StringVar(&f.data, "data", "", "sales history")
	fs.StringVar(&f.plan, "plan", "", "plan to explain")
	fs.StringVar(&f.spec, "spec", "", "dataset spec, for attribute and event files (default: the model's)")
	fs.StringVar(&f.out, "out", "", "file for the drivers of every row (.csv, .parquet, .json)")
	fs.IntVar(&f.top, "top", 5, "drivers per row")
	return cmd
}

func runExplain(e *env, f explainFlags) error {
	if f.top < 1 {
		return usagef("--top %d: expected at least 1", f.top)
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
	drivers, err := res.Drivers()
	if err != nil {
		return err
	}
	var fc, base float64
	for i := range res.Expected {
		fc, base = fc+res.Expected[i], base+res.BaselineExpected[i]
	}
	fmt.Fprintf(e.stdout, "plan uplift %+.1f units over %d rows; its drivers:\n", fc-base, len(res.Forecast))
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "feature\tunits\t")
	for i, d := range forecast.TotalDrivers(drivers) {
		if i == 10 {
			break
		}
		fmt.Fprintf(tw, "%s\t%+.1f\t\n", d.Feature, d.Contribution)
	}
	tw.Flush()
	if n := countNonEmpty(res.Warnings); n > 0 {
		fmt.Fprintf(e.stdout, "%d rows have warnings: their uplift is the model's extrapolation beyond what their series (and group) had in training, or the two models disagree about it (forecast writes why, in its warnings column)\n", n)
	}
	if f.out == "" {
		return nil
	}
	return export.Write(f.out, driversFrame(res, drivers, f.top))
}

// driversFrame lists each row's top drivers, one line per driver.
func driversFrame(res *forecast.Result, drivers [][]forecast.Driver, top int) *data.Frame {
	sp := res.Panel.Spec
	keys := make([]*data.Column, len(sp.Keys))
	for k, name := range sp.Keys {
		keys[k] = &data.Column{Name: name, Kind: data.String}
	}
	period := &data.Column{Name: sp.Time.Column, Kind: data.String}
	uplift := &data.Column{Name: "uplift", Kind: data.Number}
	rank := &data.Column{Name: "rank", Kind: data.Number}
	feat := &data.Column{Name: "feature", Kind: data.String}
	contrib := &data.Column{Name: "contribution", Kind: data.Number}
	for i, t := range res.Targets {
		s := res.Panel.Series[t.Series]
		if res.Forecast[i] == res.Baseline[i] {
			continue // nothing to explain: interactions cancel exactly
		}
		for r, d := range drivers[i] {
			if r == top {
				break
			}
			for k := range keys {
				keys[k].Str = append(keys[k].Str, s.Key[k])
			}
			period.Str = append(period.Str, res.Period(i))
			uplift.Num = append(uplift.Num, res.Expected[i]-res.BaselineExpected[i])
			rank.Num = append(rank.Num, float64(r+1))
			feat.Str = append(feat.Str, d.Feature)
			contrib.Num = append(contrib.Num, d.Contribution)
		}
	}
	cols := append(keys, period, uplift, rank, feat, contrib)
	f, _ := data.NewFrame("drivers", cols)
	return f
}
