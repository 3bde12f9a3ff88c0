package cli

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"promocast/backtest"
	"promocast/backtest/results"
	"promocast/ensemble"
	"promocast/export"
	"promocast/train"
)

type backtestFlags struct {
	data, spec, out     string
	models              string
	folds, horizon, gap int
	segments            []string
	model               modelFlags
}

func backtestCmd(e *env) *cobra.Command {
	var f backtestFlags
	cmd := &cobra.Command{
		Use:   "backtest --data HISTORY --spec SPEC.yaml --folds N --horizon H [--gap G]",
		Short: "Score models on rolling origins of a history",
		Long: `Backtest trains each model at N rolling origins on the periods up to the
origin only, forecasts the periods origin+gap+1 .. origin+gap+horizon, and
scores them. The scored windows tile the history's last N×horizon periods.
Metrics (WAPE, MAPE, sMAPE, RMSE, RMSPE, MASE, bias) are printed per model,
overall and for promotion and non-promotion periods; --out writes them per
fold and segment with every prediction, and report.html (the tables, with
auto's leaderboard, and WAPE per fold).`,
		Example: `  promocast backtest --data sales.csv.gz --spec spec.yaml --folds 12 --horizon 2 --gap 1
  promocast backtest --data sales.csv.gz --spec spec.yaml --models seasonal_naive,ridge --segment category --out bt/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Flags().Changed("model") {
				f.models = f.model.model
			}
			return runBacktest(e, f)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&f.data, "data", "", "sales history: CSV, CSV.gz or Parquet")
	fs.StringVar(&f.spec, "spec", "", "dataset spec (YAML)")
	fs.StringVar(&f.out, "out", "", "folder for metrics.csv and predictions.csv (optional)")
	fs.StringVar(&f.models, "models", "seasonal_naive,ridge,default", "comma-separated models to compare (default: the default model and its candidates), or auto: "+strings.Join(train.DefaultCandidates, ", ")+" and their honest blend, best_mean and stack")
	fs.IntVar(&f.folds, "folds", 4, "number of rolling origins")
	fs.IntVar(&f.horizon, "horizon", 4, "periods scored per fold")
	fs.IntVar(&f.gap, "gap", 0, "periods between each origin and its first scored period")
	fs.StringSliceVar(&f.segments, "segment", nil, "key or static columns to break metrics down by")
	f.model.register(fs, "gbdt")
	return cmd
}

func runBacktest(e *env, f backtestFlags) error {
	ds, err := readSpec(f.spec)
	if err != nil {
		return err
	}
	auto := f.models == train.Auto
	if !auto && len(f.model.candidates) > 0 {
		return usagef("--candidates lists what --models auto compares; without auto, list the models in --models")
	}
	if err := f.model.checkMetric(); err != nil {
		return err
	}
	opt := train.Options{Model: train.Best, Learn: f.model.options(), Metric: f.model.metric, Folds: f.folds, Segments: f.segments, Log: e.log}
	if auto {
		opt.Model = train.Auto
		if opt.Candidates, err = f.model.autoList(); err != nil {
			return err
		}
	} else {
		for _, name := range strings.Split(f.models, ",") {
			name = strings.TrimSpace(name)
			if name == ensemble.DefaultName {
				opt.Candidates = append(opt.Candidates, name)
				continue
			}
			if err := checkModel(name); err != nil {
				return err
			}
			opt.Candidates = append(opt.Candidates, name)
		}
	}
	if f.folds < 1 {
		return usagef("--folds %d: expected at least 1", f.folds)
	}
	hist, err := readTable(ds.History, f.data, "data")
	if err != nil {
		return err
	}
	if opt.Forecast, err = forecastOptions(ds, f.horizon, f.gap); err != nil {
		return err
	}
	bar := progressFunc(e, "backtest")
	opt.Progress = bar.update
	c, err := train.Compare(hist, ds.Spec, opt)
	bar.done()
	if errors.Is(err, backtest.ErrShortHistory) {
		return fmt.Errorf("%w (backtest with fewer --folds, a shorter --horizon, or a longer history)", err)
	}
	if err != nil {
		return err
	}
	p, reports, board := c.Panel, c.Reports, c.Board
	fmt.Fprintf(e.stdout, "backtest: %d series, %d folds × horizon %d, gap %d (origins %s .. %s)\n",
		len(p.Series), f.folds, f.horizon, f.gap, reports[0].Folds[0].Origin, reports[0].Folds[len(reports[0].Folds)-1].Origin)
	if cells, n := len(p.Series)*f.folds*f.horizon, reports[0].Overall.N; n < cells {
		fmt.Fprintf(e.stdout, "scored %d of the folds' %d series × period cells: the others have no sales recorded (missing periods, series that start late or end early)\n", n, cells)
	}
	var empty []string
	for _, fs := range reports[0].Folds {
		if fs.Scores.N == 0 {
			empty = append(empty, fs.Origin)
		}
	}
	if len(empty) > 0 {
		fmt.Fprintf(e.stdout, "%d of %d folds scored no rows, their periods all falling in a gap of the data (origins %s): skipped, they count in no metric\n", len(empty), len(reports[0].Folds), strings.Join(empty, ", "))
	}
	fmt.Fprintln(e.stdout)
	writeLeaderboard(e.stdout, reports)
	fmt.Fprintln(e.stdout, "\n"+maseNote)
	writeSegments(e.stdout, reports)
	if board != nil {
		fmt.Fprintf(e.stdout, "\nleaderboard (the weights of blend, best_mean and stack for each fold are chosen on the folds before it, starting with an unscored warm-up fold):\n")
		writeBoard(e.stdout, board)
	}
	for _, r := range reports {
		if len(r.Importance) == 0 {
			continue
		}
		fmt.Fprintf(e.stdout, "\n%s feature importance (gain share, last fold):", r.Model)
		for i, fi := range r.Importance[:min(10, len(r.Importance))] {
			if i%5 == 0 {
				fmt.Fprint(e.stdout, "\n ")
			}
			fmt.Fprintf(e.stdout, " %s %.1f%%", fi.Feature, 100*fi.Score)
		}
		fmt.Fprintln(e.stdout)
	}
	if f.out == "" {
		return nil
	}
	if err := results.WriteDir(f.out, results.FromReports(p, reports, f.out)); err != nil {
		return err
	}
	title := fmt.Sprintf("promocast backtest: %d series, %d folds × horizon %d, gap %d", len(p.Series), f.folds, f.horizon, f.gap)
	if err := export.WriteFile(filepath.Join(f.out, "report.html"), backtestReport(title, reports, board).Write); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\nwrote %s, %s and %s\n", filepath.Join(f.out, "metrics.csv"), filepath.Join(f.out, "predictions.csv"), filepath.Join(f.out, "report.html"))
	return nil
}

// maseNote explains MASE where it is printed.
const maseNote = "MASE is the mean absolute error divided by that of a seasonal naive forecast (each period's value one season\n" +
	"earlier) on each series' history before the origin: below 1 beats repeating last season."

// writeSegments prints each model's scores per segment (--segment).
func writeSegments(w io.Writer, reports []*backtest.Report) {
	for _, r := range reports {
		if len(r.Segments) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s by segment:\n", r.Model)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "segment\tlevel\tWAPE\tMASE\tbias\trows\t")
		for _, sg := range r.Segments {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t\n", sg.Column, sg.Level, pct(sg.Scores.WAPE), num(sg.Scores.MASE), pct(sg.Scores.Bias), sg.Scores.N)
		}
		tw.Flush()
	}
}

// writeBoard prints the auto leaderboard with training times.
func writeBoard(w io.Writer, board []ensemble.Entry) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head, rows := boardTable(board)
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t")+"\t")
	}
	tw.Flush()
}

// boardTable returns the header and rows of auto's leaderboard.
func boardTable(board []ensemble.Entry) ([]string, [][]string) {
	head := []string{"rank", "model", "WAPE", "WAPE promo", "WAPE non-promo", "MASE", "bias", "seconds"}
	var rows [][]string
	for i, b := range board {
		rows = append(rows, []string{fmt.Sprint(i + 1), b.Model, pct(b.WAPE), pct(b.WAPEPromo), pct(b.WAPENonPromo), num(b.MASE), pct(b.Bias), fmt.Sprintf("%.1f", b.Seconds)})
	}
	return head, rows
}

// writeLeaderboard prints one line per model: overall and promotion WAPE
// first, as they decide which model to use.
func writeLeaderboard(w io.Writer, reports []*backtest.Report) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head, rows := leaderboard(reports)
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t")+"\t")
	}
	tw.Flush()
}

func pct(v float64) string {
	if v != v {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*v)
}

func num(v float64) string {
	if v != v {
		return "-"
	}
	return fmt.Sprintf("%.3f", v)
}

func boolf(v bool) float64 {
	if v {
		return 1
	}
	return 0
}
