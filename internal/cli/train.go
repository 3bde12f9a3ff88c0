package cli

import (
	"fmt"
	"math"

	"github.com/spf13/cobra"

	"promocast/backtest"
	"promocast/ensemble"
	"promocast/forecast"
	"promocast/interval"
	"promocast/learn"
	"promocast/modelfile"
	"promocast/panel"
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
		Long: `Train one global model across every series of a history. The model forecasts
periods gap+1 .. gap+horizon after the history's end, so train it with the
horizon and gap your plans need.`,
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
	f.model.register(fs, "gbdt")
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
	auto := f.model.model == "auto"
	if auto && f.calibration < 2 {
		return usagef("--model auto chooses by backtest: it needs --calibration-folds of at least 2")
	}
	var fit forecast.Fit
	var candidates []string
	if !auto && len(f.model.candidates) > 0 {
		return usagef("--candidates lists what --model auto compares; it does not apply to --model %s", f.model.model)
	}
	if auto {
		if candidates, err = f.model.autoList(); err != nil {
			return err
		}
	} else if fit, err = learn.New(f.model.model, f.model.options()); err != nil {
		return usageError{err}
	}
	hist, err := ds.readTable(f.data, "data")
	if err != nil {
		return err
	}
	events, err := ds.readEvents()
	if err != nil {
		return err
	}
	p, err := panel.Build(hist, ds.spec, panel.Options{})
	if err != nil {
		return err
	}
	opt := forecast.TrainOptions{Kind: f.model.model, Horizon: f.horizon, Gap: f.gap, Events: events}
	e.log.Info("building features", "series", len(p.Series), "rows", hist.Rows())
	pr, err := forecast.Prepare(p, opt)
	if err != nil {
		return err
	}
	// The calibration backtest scores the model (or, with auto, every
	// candidate and their blend) and calibrates the intervals.
	var report *backtest.Report
	var board []ensemble.Entry // auto's leaderboard
	if f.calibration > 0 {
		bopt := backtest.Options{Folds: f.calibration, Horizon: f.horizon, Gap: f.gap}
		var cands []backtest.Candidate
		if auto {
			for _, n := range candidates {
				cf, err := learn.New(n, f.model.options())
				if err != nil {
					return err
				}
				cands = append(cands, backtest.Candidate{Name: n, Fit: cf})
			}
		} else {
			cands = []backtest.Candidate{{Name: f.model.model, Fit: fit}}
		}
		steps := f.calibration * len(cands)
		if auto {
			steps = (f.calibration + 1) * len(cands) // auto adds an unscored warm-up fold
		}
		bar := newProgress(e.stderr, steps, "calibration")
		bopt.Progress = func(m string, k, n int) { bar.step(fmt.Sprintf("%s fold %d/%d", m, k, n)) }
		if auto {
			res, err := ensemble.Auto(pr, bopt, ensembleCandidates(cands))
			bar.done()
			if err != nil {
				return fmt.Errorf("auto: %w", err)
			}
			writeBoard(e.stdout, res.Board)
			board = res.Board
			opt.Kind, fit = res.Deploy()
			for _, r := range res.Reports {
				if r.Model == res.Winner {
					report = r
				}
			}
		} else {
			reports, err := backtest.Run(pr, bopt, cands)
			bar.done()
			if err != nil {
				return fmt.Errorf("calibration: %w", err)
			}
			report = reports[0]
		}
	}
	e.log.Info("training", "model", opt.Kind, "features", pr.X.Cols)
	m, err := pr.Train(opt, p.Last, fit)
	if err != nil {
		return err
	}
	var metrics map[string]float64
	if report != nil {
		r := report
		if m.Calibration, err = interval.Fit(r.Residuals(), interval.Options{}); err != nil {
			return fmt.Errorf("calibration: %w", err)
		}
		metrics = map[string]float64{"backtest_wape": r.Overall.WAPE, "backtest_wape_promo": r.Promo.WAPE,
			"backtest_mase": r.Overall.MASE, "backtest_bias": r.Overall.Bias, "backtest_p10_p90_coverage": r.Coverage}
		if math.IsNaN(r.Promo.WAPE) {
			fmt.Fprintf(e.stderr, "note: the %d calibration fold(s) score no promoted period, so the model file has no backtest_wape_promo\n", f.calibration)
		}
		// The model file keeps auto's leaderboard: how the model was chosen.
		for _, b := range board {
			metrics["auto_wape_"+b.Model] = b.WAPE
		}
	}
	if err := modelfile.Write(f.out, &modelfile.Forecast{Model: m, Metrics: metrics}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "trained %s on %d rows of %d series (%s .. %s), %d features; wrote %s\n",
		m.Kind, m.Rows, m.Series, m.TrainFirst, m.TrainLast, len(m.Features), f.out)
	return nil
}
