package cli

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"promocast/backtest"
	"promocast/dataset"
	"promocast/ensemble"
	"promocast/forecast"
	"promocast/modelfile"
	"promocast/train"
)

type trainFlags struct {
	data, spec, out string
	horizon, gap    int
	calibration     int
	model           modelFlags
}

func trainCmd(e *env) *cobra.Command {
	var f trainFlags
	cmd := &cobra.Command{
		Use:   "train --data HISTORY --spec SPEC.yaml --out MODEL",
		Short: "Train a forecast model on a sales history",
		Long: `Train one global model across every series of a history. The model is
trained for periods gap+1 .. gap+horizon after the history's end (its
features read no sales of the gap's periods) and forecasts any period up to
gap+horizon ahead: a plan row in the gap is read like the first period
after it. Train it with the horizon and gap your plans need.`,
		Example: `  promocast train --data sales.csv.gz --spec spec.yaml --model ridge --horizon 4 --out model.json
  promocast train --data sales.parquet --spec spec.yaml --horizon 2 --gap 1 --out model.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runTrain(e, f) },
	}
	fs := cmd.Flags()
	fs.StringVar(&f.data, "data", "", "sales history: CSV, CSV.gz or Parquet, one row per series and period")
	fs.StringVar(&f.spec, "spec", "", "dataset spec (YAML)")
	fs.StringVar(&f.out, "out", "", "model file to write")
	fs.IntVar(&f.horizon, "horizon", 4, "periods to forecast after the gap")
	fs.IntVar(&f.gap, "gap", 0, "periods between the history's end and the first forecast period")
	fs.IntVar(&f.calibration, "calibration-folds", 4, "backtest folds whose residuals calibrate the P10/P50/P90 intervals (0: no intervals)")
	f.model.register(fs, "")
	return cmd
}

func runTrain(e *env, f trainFlags) error {
	if f.out == "" {
		return usagef("--out is required: the model file to write")
	}
	ds, err := readSpec(f.spec)
	if err != nil {
		return err
	}
	if f.calibration < 0 {
		return usagef("--calibration-folds is %d: expected 0 (no intervals) or more folds", f.calibration)
	}
	auto := f.model.model == train.Auto
	if auto && f.calibration < 2 {
		return usagef("--model auto chooses by backtest: it needs --calibration-folds of at least 2")
	}
	if err := f.model.checkMetric(); err != nil {
		return err
	}
	opt := train.Options{Model: f.model.model, Learn: f.model.options(), Metric: f.model.metric, Folds: f.calibration, NoIntervals: f.calibration == 0, Log: e.log}
	if !auto && len(f.model.candidates) > 0 {
		return usagef("--candidates lists what --model auto compares; it does not apply to --model %s", f.model.model)
	}
	if auto {
		if opt.Candidates, err = f.model.autoList(); err != nil {
			return err
		}
	} else if f.model.model != "" {
		if err := checkModel(f.model.model); err != nil {
			return err
		}
	}
	hist, err := readTable(ds.History, f.data, "data")
	if err != nil {
		return err
	}
	if opt.Forecast, err = forecastOptions(ds, f.horizon, f.gap); err != nil {
		return err
	}
	bar := progressFunc(e, "calibration")
	opt.Progress = bar.update
	res, err := train.Run(hist, ds.Spec, opt)
	bar.done()
	if errors.Is(err, backtest.ErrShortHistory) {
		return fmt.Errorf("%w (train with fewer --calibration-folds, 0 for no intervals, a shorter --horizon, or a longer history)", err)
	}
	if err != nil {
		return err
	}
	if res.Board != nil {
		writeBoard(e.stdout, res.Board)
	}
	if d := res.Default; d != nil && res.Chosen != nil && res.Chosen.Model == ensemble.DefaultName {
		names, weights, wape := d.Choice()
		fmt.Fprintf(e.stdout, "default model: the mean of the candidates whose calibration error is within %.0f%% of the best; weights:", 100*ensemble.BestTrim)
		for k, n := range names {
			sep := ","
			if k == 0 {
				sep = ""
			}
			w := "WAPE " + pct(wape[k])
			if wape[k] != wape[k] {
				w = "WAPE undefined: its folds sold nothing"
			}
			fmt.Fprintf(e.stdout, "%s %s %.2f (%s)", sep, n, weights[k], w)
		}
		fmt.Fprintln(e.stdout)
		if sc := d.PointScale(); sc != 1 {
			fmt.Fprintf(e.stdout, "default model's point forecasts scaled by %.3f, the factor that scored best on %s in the calibration backtest\n", sc, f.model.metric)
		}
		g := res.DefaultLearn.GBDT
		fmt.Fprintf(e.stdout, "default model's trees, scaled to the panel: %d rounds at learning rate %g, %d leaves, depth %d, min child weight %.3g, %g of the rows and %g of the features per tree\n",
			g.Rounds, g.LearningRate, g.MaxLeaves, g.MaxDepth, g.MinChildWeight, g.RowSubsample, g.ColSubsample)
	}
	if res.Chosen != nil && math.IsNaN(res.Chosen.Promo.WAPE) {
		fmt.Fprintf(e.stderr, "note: the %d calibration fold(s) score no promoted period, so the model file has no backtest_wape_promo\n", f.calibration)
	}
	if err := modelfile.Write(f.out, res.File()); err != nil {
		return err
	}
	m := res.Model
	if c := m.Config; c.StepLags() {
		fmt.Fprintf(e.stdout, "each forecast step reads the sales up to the forecast origin: lags from %d to %d periods back, its lead a feature\n", c.FirstLag, c.MinLag)
	}
	if r := m.Config.Restated; len(r) > 0 {
		var parts []string
		for _, name := range slices.Sorted(maps.Keys(r)) {
			parts = append(parts, fmt.Sprintf("%s in %d", name, len(r[name])))
		}
		fmt.Fprintf(e.stdout, "known columns that restate a series' own promotion lever (a copy of its price or flag), read as missing in those series: %s\n", strings.Join(parts, ", "))
	}
	if op := m.Config.OwnPrice; op != nil {
		fmt.Fprintf(e.stdout, "each series' own price found by name among the price columns %s: %s followed by its %s (features own_price, own_price_rel); declare the price as a promotion lever to plan with it\n",
			strings.Join(op.Columns, ", "), op.Prefix, m.Spec.Keys[op.Key])
	}
	fmt.Fprintf(e.stdout, "trained %s on %d rows of %d series (%s .. %s), %d features; wrote %s\n",
		m.Kind, m.Rows, m.Series, m.TrainFirst, m.TrainLast, len(m.Features), f.out)
	return nil
}

// forecastOptions are the forecasting settings of a horizon and gap with
// the spec's user events.
func forecastOptions(ds *dataset.Dataset, horizon, gap int) (forecast.TrainOptions, error) {
	if horizon < 1 {
		return forecast.TrainOptions{}, usagef("--horizon %d: expected at least 1 period", horizon)
	}
	return ds.TrainOptions(horizon, gap)
}
