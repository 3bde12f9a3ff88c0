package pipeline

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"promocast/backtest/results"
	"promocast/dataset"
	"promocast/forecast"
	"promocast/train"
)

// singleMachineBacktest writes what promocast backtest --out writes for the
// same settings (its options, written out as the command builds them) to
// dir.
func singleMachineBacktest(t *testing.T, cfg BacktestConfig, hist, dir string) {
	t.Helper()
	ds, err := dataset.Open(cfg.Spec)
	if err != nil {
		t.Fatal(err)
	}
	events, err := ds.Events()
	if err != nil {
		t.Fatal(err)
	}
	h, err := ds.History(hist)
	if err != nil {
		t.Fatal(err)
	}
	opt := train.Options{Model: train.Best, Candidates: cfg.Models, Folds: cfg.Folds, Segments: cfg.Segments,
		Metric: cfg.Metric, Forecast: forecast.TrainOptions{Horizon: cfg.Horizon, Gap: cfg.Gap, Events: events}}
	if slices.Equal(cfg.Models, []string{train.Auto}) {
		opt.Model, opt.Candidates = train.Auto, cfg.Candidates
	}
	c, err := train.Compare(h, ds.Spec, opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := results.WriteDir(dir, results.FromReports(c.Panel, c.Reports, dir)); err != nil {
		t.Fatal(err)
	}
}

// sameBacktest checks that two backtest folders hold the same files, byte
// for byte: the scoring stage writes them with the single-machine code, in
// its order, so they match even before sorting.
func sameBacktest(t *testing.T, want, got string, minMetrics, minPredictions int) {
	t.Helper()
	for name, minRows := range map[string]int{results.MetricsFile: minMetrics, results.PredictionsFile: minPredictions} {
		w, g := lines(t, filepath.Join(want, name)), lines(t, filepath.Join(got, name))
		if len(w) < minRows {
			t.Fatalf("single-machine %s has %d lines", name, len(w))
		}
		if !slices.Equal(w, g) {
			for i := range min(len(w), len(g)) {
				if w[i] != g[i] {
					t.Fatalf("%s line %d differs:\nsingle machine: %s\nbeam:           %s", name, i+1, w[i], g[i])
				}
			}
			t.Fatalf("%s: single machine wrote %d lines, beam %d", name, len(w), len(g))
		}
	}
}

// lines returns a file's lines, unsorted.
func lines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.SplitAfter(string(b), "\n")
}

func TestBacktestMatchesSingleMachine(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(shopDir, "spec.yaml")
	hist := filepath.Join(shopDir, "history.csv")
	// The command's default models: seasonal_naive, ridge and the default
	// model (its two boosted-tree candidates, each on a warm-up fold too,
	// and the best-mean chosen fold by fold on earlier folds).
	cfg := BacktestConfig{Spec: spec, Data: split(t, hist, 3, dir), Out: filepath.Join(dir, "beam"),
		Models: []string{"seasonal_naive", "ridge", "default"}, Folds: 2, Horizon: 7, Segments: []string{"category"}}
	want := filepath.Join(dir, "single")
	singleMachineBacktest(t, cfg, hist, want)
	if err := runPipeline(t, func(s beam.Scope) error { return Backtest(s, cfg) }); err != nil {
		t.Fatal(err)
	}
	sameBacktest(t, want, cfg.Out, 30, 1000)
	m := strings.Join(sortedLines(t, filepath.Join(cfg.Out, results.MetricsFile)), "\n")
	for _, s := range []string{"default,overall", "gbdt_log,fold", "ridge,segment category", "seasonal_naive,promotion"} {
		if !strings.Contains(m, s) {
			t.Errorf("metrics.csv lacks %q", s)
		}
	}
}

// TestBacktestAutoMatchesSingleMachine backtests --models auto (its
// candidates on a warm-up fold, then the blend, best-mean and stack chosen
// fold by fold) with a gap, both ways.
func TestBacktestAutoMatchesSingleMachine(t *testing.T) {
	dir := t.TempDir()
	hist := filepath.Join(shopDir, "history.csv")
	cfg := BacktestConfig{Spec: filepath.Join(shopDir, "spec.yaml"), Data: split(t, hist, 2, dir), Out: filepath.Join(dir, "beam"),
		Models: []string{"auto"}, Candidates: []string{"seasonal_naive", "ridge"}, Folds: 2, Horizon: 7, Gap: 2}
	want := filepath.Join(dir, "single")
	singleMachineBacktest(t, cfg, hist, want)
	if err := runPipeline(t, func(s beam.Scope) error { return Backtest(s, cfg) }); err != nil {
		t.Fatal(err)
	}
	sameBacktest(t, want, cfg.Out, 20, 1000)
	m := strings.Join(sortedLines(t, filepath.Join(cfg.Out, results.MetricsFile)), "\n")
	for _, s := range []string{"blend,overall", "best_mean,overall", "stack,overall"} {
		if !strings.Contains(m, s) {
			t.Errorf("metrics.csv lacks %q", s)
		}
	}
}

// TestBacktestRefusesTooShortHistory checks that folds reaching before the
// history get promocast backtest's error, not a worker's.
func TestBacktestRefusesTooShortHistory(t *testing.T) {
	dir := t.TempDir()
	cfg := BacktestConfig{Spec: filepath.Join(shopDir, "spec.yaml"), Data: []string{filepath.Join(shopDir, "history.csv")}, Out: filepath.Join(dir, "bt"),
		Models: []string{"seasonal_naive"}, Folds: 100, Horizon: 7}
	err := runPipeline(t, func(s beam.Scope) error { return Backtest(s, cfg) })
	if err == nil || !strings.Contains(err.Error(), "100 folds of horizon 7 and gap 0 need 700 periods of history") {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(cfg.Out); !os.IsNotExist(err) {
		t.Errorf("a failed run left %s (stat: %v)", cfg.Out, err)
	}
}

// TestBacktestRefusesBadSettings checks the settings refused before a
// pipeline is built, each with the flag named.
func TestBacktestRefusesBadSettings(t *testing.T) {
	spec := filepath.Join(shopDir, "spec.yaml")
	base := BacktestConfig{Spec: spec, Data: []string{filepath.Join(shopDir, "history.csv")}, Out: t.TempDir(),
		Models: []string{"ridge"}, Folds: 2, Horizon: 7}
	for _, c := range []struct {
		edit func(*BacktestConfig)
		want string
	}{
		{func(c *BacktestConfig) { c.Folds = 0 }, "--folds ≥ 1"},
		{func(c *BacktestConfig) { c.Metric = "r2" }, `--metric "r2"`},
		{func(c *BacktestConfig) { c.Candidates = []string{"gbdt"} }, "--candidates lists what --models auto compares"},
		{func(c *BacktestConfig) { c.Models = nil }, "--models"},
		{func(c *BacktestConfig) { c.Models = []string{"xgboost"} }, "xgboost"},
		{func(c *BacktestConfig) { c.Out = "" }, "an output folder"},
	} {
		cfg := base
		c.edit(&cfg)
		err := Backtest(beam.NewPipeline().Root(), cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error with %q", cfg, err, c.want)
		}
	}
}
