package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"promocast/backtest/results"
	"promocast/demo"
	"promocast/export"
	"promocast/modelfile"
	"promocast/synth"
	"promocast/train"
)

type demoFlags struct {
	out   string
	seed  uint64
	skus  int
	folds int
	// models are the learners the backtest compares.
	models string
}

func demoCmd(e *env) *cobra.Command {
	var f demoFlags
	cmd := &cobra.Command{
		Use:   "demo [--out DIR]",
		Short: "Run the whole job on a built-in synthetic shop, no input needed",
		Long: `demo generates a synthetic e-commerce panel — daily sales of several hundred
SKUs in categories over two years, with weekly and yearly seasonality,
Double 11 and 618 spikes with their pre-sale lulls and post-event dips,
discounts, coupons, display and feature slots, cannibalisation within a
category and stockouts — whose true promotion effects are known. It
backtests seasonal naive, ridge and gradient-boosted trees, trains the best
on the whole history, forecasts a Double 11 plan with its no-promotion
baseline, and compares the estimated uplift with the true one.

It writes history.csv, plan.csv, truth.csv (the plan's true expected and
baseline units), spec.yaml, model.json, forecast.csv,
backtest_metrics.csv and report.html to --out.`,
		Example: `  promocast demo
  promocast demo --out /tmp/demo --seed 7`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runDemo(e, f) },
	}
	fs := cmd.Flags()
	fs.StringVar(&f.out, "out", "demo-out", "folder for the outputs")
	fs.Uint64Var(&f.seed, "seed", 1, "seed of the synthetic shop")
	fs.IntVar(&f.skus, "skus", 300, "number of SKUs")
	fs.IntVar(&f.folds, "folds", 3, "backtest folds of 31 days")
	fs.StringVar(&f.models, "models", "seasonal_naive,ridge,default", "comma-separated models to backtest (default: the default model, beside it its candidates); the best is used")
	return cmd
}

// demoHorizon is the plan's length: the 31 days up to and after Double 11.
const demoHorizon = 31

func runDemo(e *env, f demoFlags) error {
	start := time.Now()
	if f.folds < 1 {
		return usagef("--folds %d: expected at least 1", f.folds)
	}
	var names []string
	for _, n := range strings.Split(f.models, ",") {
		n = strings.TrimSpace(n)
		if err := checkModel(n); err != nil {
			return err
		}
		names = append(names, n)
	}
	out := func(name string) string { return filepath.Join(f.out, name) }
	bar := progressFunc(e, "backtest")
	t, err := demo.TrainShop(demo.Setup{Seed: f.seed, SKUs: f.skus, Horizon: demoHorizon, Label: f.out,
		Train:     train.Options{Model: train.Best, Candidates: names, Folds: f.folds, Progress: bar.update},
		Generated: func(shop *synth.Panel) error { return writeShop(e, f, shop) }})
	bar.done()
	if err != nil {
		return err
	}
	shop, tr := t.Shop, t.Result
	p, reports, best, m := tr.Panel, tr.Reports, tr.Chosen, tr.Model
	if err := results.WriteMetrics(out("backtest_metrics.csv"), t.Backtest); err != nil {
		return err
	}
	if err := modelfile.Write(out("model.json"), tr.File()); err != nil {
		return err
	}
	res, err := m.Forecast(shop.History, shop.Plan)
	if err != nil {
		return err
	}
	fc, err := res.Frame("forecast.csv")
	if err != nil {
		return err
	}
	if err := export.Write(out("forecast.csv"), fc); err != nil {
		return err
	}
	check, err := demo.CheckUplift(res, shop.Truth)
	if err != nil {
		return err
	}
	rep := demoReport(p, reports, best, res, shop.Truth, check)
	if err := export.WriteFile(out("report.html"), rep.Write); err != nil {
		return err
	}

	w := e.stdout
	fmt.Fprintf(w, "promocast demo: %d SKUs, %d days of history (%s .. %s), Double 11 plan %s .. %s\n\n",
		len(p.Series), p.Last-p.First+1, p.Grid.Label(p.First), p.Grid.Label(p.Last),
		p.Grid.Label(p.Last+1), p.Grid.Label(p.Last+demoHorizon))
	fmt.Fprintf(w, "backtest, %d folds × %d days:\n", f.folds, demoHorizon)
	writeLeaderboard(w, reports)
	fmt.Fprintf(w, "\nDouble 11 plan with %s (%d rows, %d promoted):\n", best.Model, len(res.Forecast), check.PromotedRows)
	fmt.Fprintf(w, "  forecast %.0f units, baseline %.0f, uplift %+.0f   (true: %.0f, %.0f, %+.0f)\n",
		check.Forecast, check.Baseline, check.Forecast-check.Baseline, check.TrueForecast, check.TrueBaseline, check.TrueForecast-check.TrueBaseline)
	fmt.Fprintf(w, "  uplift per promoted SKU vs truth: correlation %.3f, WAPE %.1f%% over %d SKUs\n", check.Corr, 100*check.WAPE, check.SKUs)
	fmt.Fprintf(w, "  true uplift inside the P10–P90 uplift interval on %s of promoted rows\n", pct(check.UpliftCover))
	fmt.Fprintln(w)
	totals, err := res.Summarise("category")
	if err != nil {
		return err
	}
	writeTotals(w, "category", totals)
	fmt.Fprintf(w, "\nwrote %s (report.html, forecast.csv, model.json, ...) in %.1fs\n", f.out, time.Since(start).Seconds())
	return nil
}

// writeShop writes the synthetic shop's history, plan, truth and spec to
// the demo's folder.
func writeShop(e *env, f demoFlags, shop *synth.Panel) error {
	if err := os.MkdirAll(f.out, 0o755); err != nil {
		return err
	}
	out := func(name string) string { return filepath.Join(f.out, name) }
	if err := export.Write(out("history.csv"), shop.History); err != nil {
		return err
	}
	if err := export.Write(out("plan.csv"), shop.Plan); err != nil {
		return err
	}
	if err := export.Write(out("truth.csv"), shop.Truth); err != nil {
		return err
	}
	if err := export.WriteBytes(out("spec.yaml"), []byte(synth.Spec())); err != nil {
		return err
	}
	e.log.Info("generated synthetic shop", "skus", f.skus, "rows", shop.History.Rows(), "plan_rows", shop.Plan.Rows())
	return nil
}
