package pipeline

import (
	"bufio"
	"compress/gzip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"promocast/dataset"
	"promocast/forecast"
	"promocast/modelfile"
	"promocast/train"
)

// breakfastSpec returns the repository's Breakfast at the Frat spec, or
// skips the test when the shared data it names is absent.
func breakfastSpec(t *testing.T) (spec, transactions string) {
	t.Helper()
	spec, err := filepath.Abs(filepath.Join("..", "..", "..", "examples", "breakfast", "spec.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(filepath.Dir(spec), "..", "..", "..", "shared", "data", "breakfast_at_the_frat")
	transactions = filepath.Join(dir, "transaction.csv.gz")
	for _, f := range []string{transactions, filepath.Join(dir, "product.csv"), filepath.Join(dir, "store.csv")} {
		if _, err := os.Stat(f); err != nil {
			t.Skipf("Breakfast at the Frat not found beside the repository (%v)", err)
		}
	}
	return spec, transactions
}

// breakfastSlice writes the rows of the first two stores of Breakfast at
// the Frat's transactions to dir: all weeks but the last two as
// history.csv, the last two, without units, as plan.csv.
func breakfastSlice(t *testing.T, transactions, dir string) (histPath, planPath string) {
	t.Helper()
	f, err := os.Open(transactions)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(gz)
	sc.Scan()
	header := strings.Split(sc.Text(), ",")
	week, store, units := slices.Index(header, "week_end_date"), slices.Index(header, "store_id"), slices.Index(header, "units")
	var stores []string
	var rows [][]string
	for sc.Scan() {
		cells := strings.Split(sc.Text(), ",")
		if !slices.Contains(stores, cells[store]) {
			if len(stores) == 2 {
				continue
			}
			stores = append(stores, cells[store])
		}
		rows = append(rows, cells)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	var weeks []string
	for _, r := range rows {
		if !slices.Contains(weeks, r[week]) {
			weeks = append(weeks, r[week])
		}
	}
	slices.Sort(weeks)
	cut := weeks[len(weeks)-2] // the last two weeks are the plan
	var hist, plan strings.Builder
	hist.WriteString(strings.Join(header, ",") + "\n")
	plan.WriteString(strings.Join(slices.Delete(slices.Clone(header), units, units+1), ",") + "\n")
	for _, r := range rows {
		if r[week] < cut {
			hist.WriteString(strings.Join(r, ",") + "\n")
		} else {
			plan.WriteString(strings.Join(slices.Delete(slices.Clone(r), units, units+1), ",") + "\n")
		}
	}
	histPath, planPath = filepath.Join(dir, "history.csv"), filepath.Join(dir, "plan.csv")
	for p, text := range map[string]string{histPath: hist.String(), planPath: plan.String()} {
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return histPath, planPath
}

// TestForecastMatchesSingleMachineOnBreakfast scores the last two weeks of
// two stores of Breakfast at the Frat (attributes joined from the
// product and store tables, groups by category) both ways.
func TestForecastMatchesSingleMachineOnBreakfast(t *testing.T) {
	spec, transactions := breakfastSpec(t)
	dir := t.TempDir()
	histPath, planPath := breakfastSlice(t, transactions, dir)
	ds, err := dataset.Open(spec)
	if err != nil {
		t.Fatal(err)
	}
	h, err := ds.History(histPath)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := train.Run(h, ds.Spec, train.Options{Forecast: forecast.TrainOptions{Horizon: 2}, Model: "gbdt", Folds: 2})
	if err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "model.json")
	if err := modelfile.Write(model, tr.File()); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "want.csv")
	singleMachineSpec(t, model, spec, histPath, planPath, want)
	got := filepath.Join(dir, "got.csv")
	cfg := ForecastConfig{Model: model, Spec: spec, Data: split(t, histPath, 3, dir), Plan: split(t, planPath, 2, dir), Out: got}
	if err := runPipeline(t, func(s beam.Scope) error { return Forecast(s, cfg) }); err != nil {
		t.Fatal(err)
	}
	w, g := sortedLines(t, want), sortedLines(t, got)
	if len(w) < 100 || !slices.Equal(w, g) {
		t.Fatalf("single machine wrote %d lines, beam %d; equal: %v", len(w), len(g), slices.Equal(w, g))
	}
}

// TestBacktestMatchesSingleMachineOnBreakfast backtests the command's
// default models on the history of two stores of Breakfast at the Frat
// (weekly; attributes joined per shard) both ways.
func TestBacktestMatchesSingleMachineOnBreakfast(t *testing.T) {
	spec, transactions := breakfastSpec(t)
	dir := t.TempDir()
	histPath, _ := breakfastSlice(t, transactions, dir)
	cfg := BacktestConfig{Spec: spec, Data: split(t, histPath, 3, dir), Out: filepath.Join(dir, "beam"),
		Models: []string{"seasonal_naive", "ridge", "default"}, Folds: 2, Horizon: 4, Segments: []string{"category"}}
	want := filepath.Join(dir, "single")
	singleMachineBacktest(t, cfg, histPath, want)
	if err := runPipeline(t, func(s beam.Scope) error { return Backtest(s, cfg) }); err != nil {
		t.Fatal(err)
	}
	sameBacktest(t, want, cfg.Out, 30, 1000)
}
