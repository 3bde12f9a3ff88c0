package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"

	"promocast/dataset"
	"promocast/export"
	"promocast/feature"
	"promocast/forecast"
	"promocast/ingest"
	"promocast/modelfile"
	"promocast/panel"
	"promocast/spec"
	"promocast/synth"
	"promocast/train"
)

// demoShop writes a small generated shop (history.csv, plan.csv, its
// spec.yaml) and a model trained on it (model.json) to dir.
func demoShop(dir string) error {
	shop, err := synth.Generate(synth.Config{Seed: 7, SKUs: 24, Categories: 3, PlanDays: 14,
		Start: time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2025, 10, 15, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		return err
	}
	sp, err := spec.Parse([]byte(synth.Spec()))
	if err != nil {
		return err
	}
	tr, err := train.Run(shop.History, sp, train.Options{Forecast: forecast.TrainOptions{Horizon: 14}, Model: "gbdt", Folds: 2})
	if err != nil {
		return err
	}
	for name, err := range map[string]error{
		"history": export.Write(filepath.Join(dir, "history.csv"), shop.History),
		"plan":    export.Write(filepath.Join(dir, "plan.csv"), shop.Plan),
		"model":   modelfile.Write(filepath.Join(dir, "model.json"), tr.File()),
		"spec":    os.WriteFile(filepath.Join(dir, "spec.yaml"), []byte(synth.Spec()), 0o644),
	} {
		if err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	return nil
}

// split writes a CSV file's rows as n shards (each with the header) to
// dir, in order, and returns their paths.
func split(t *testing.T, path string, n int, dir string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n")
	header, rows := lines[0], lines[1:]
	var out []string
	for k := range n {
		part := rows[k*len(rows)/n : (k+1)*len(rows)/n]
		p := filepath.Join(dir, strings.TrimSuffix(filepath.Base(path), ".csv")+"-"+string(rune('a'+k))+".csv")
		text := header + strings.Join(part, "")
		if !strings.HasSuffix(text, "\n") {
			text += "\n"
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// singleMachine writes what promocast forecast writes for the same files.
func singleMachine(t *testing.T, model, hist, plan, out string) {
	t.Helper()
	singleMachineSpec(t, model, "", hist, plan, out)
}

// singleMachineSpec is singleMachine with a --spec (empty: the model's).
func singleMachineSpec(t *testing.T, model, spec, hist, plan, out string) {
	t.Helper()
	mf, err := modelfile.Read(model)
	if err != nil {
		t.Fatal(err)
	}
	ds := &dataset.Dataset{Spec: &mf.Model.Spec, Dir: "."}
	if spec != "" {
		if ds, err = dataset.Open(spec); err != nil {
			t.Fatal(err)
		}
	}
	h, err := ds.History(hist)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ds.Plan(plan)
	if err != nil {
		t.Fatal(err)
	}
	res, err := mf.Model.Forecast(h, p)
	if err != nil {
		t.Fatal(err)
	}
	f, err := res.Frame(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := export.Write(out, f); err != nil {
		t.Fatal(err)
	}
}

func runPipeline(t *testing.T, build func(beam.Scope) error) error {
	t.Helper()
	p, s := beam.NewPipelineWithRoot()
	if err := build(s); err != nil {
		return err
	}
	_, err := prism.Execute(context.Background(), p)
	return err
}

// sortedLines returns a CSV file's header and its rows sorted.
func sortedLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	slices.Sort(lines[1:])
	return lines
}

func TestForecastMatchesSingleMachine(t *testing.T) {
	dir, shop := t.TempDir(), shopDir
	model := filepath.Join(shop, "model.json")
	mf, err := modelfile.Read(model)
	if err != nil {
		t.Fatal(err)
	}
	if g, err := feature.GroupAttribute(&panel.Panel{Spec: &mf.Model.Spec, Levels: mf.Model.Levels}); err != nil || g < 0 {
		t.Fatalf("the demo model should have a cannibalisation group (got %d, %v): the test checks that groups are scored whole", g, err)
	}
	want := filepath.Join(dir, "want.csv")
	singleMachine(t, model, filepath.Join(shop, "history.csv"), filepath.Join(shop, "plan.csv"), want)

	got := filepath.Join(dir, "got.csv")
	cfg := ForecastConfig{Model: model, Data: split(t, filepath.Join(shop, "history.csv"), 3, dir),
		Plan: split(t, filepath.Join(shop, "plan.csv"), 2, dir), Out: got}
	if err := runPipeline(t, func(s beam.Scope) error { return Forecast(s, cfg) }); err != nil {
		t.Fatal(err)
	}
	w, g := sortedLines(t, want), sortedLines(t, got)
	if len(w) < 2 {
		t.Fatalf("single-machine forecast has %d lines", len(w))
	}
	if !slices.Equal(w, g) {
		for i := range min(len(w), len(g)) {
			if w[i] != g[i] {
				t.Fatalf("line %d differs:\nsingle machine: %s\nbeam:           %s", i+1, w[i], g[i])
			}
		}
		t.Fatalf("single machine wrote %d lines, beam %d", len(w), len(g))
	}
	// The output is already sorted: the file itself is deterministic.
	b, _ := os.ReadFile(got)
	if !bytes.Equal(b, []byte(strings.Join(g, "\n")+"\n")) {
		t.Error("beam output is not sorted by row text")
	}
	if !strings.Contains(w[0], "cannibalisation") || !strings.Contains(w[0], "roi") {
		t.Errorf("header lacks the uplift parts or money columns: %s", w[0])
	}
}

func TestForecastNamesShardAndRow(t *testing.T) {
	dir, shop := t.TempDir(), shopDir
	plans := split(t, filepath.Join(shop, "plan.csv"), 2, dir)
	// The second plan shard's first row names a series the history lacks:
	// the error names that shard and row, as promocast forecast names its
	// file and row.
	b, err := os.ReadFile(plans[1])
	if err != nil {
		t.Fatal(err)
	}
	header, rest, _ := strings.Cut(string(b), "\n")
	row, rest, _ := strings.Cut(rest, "\n")
	skuAt := slices.Index(strings.Split(header, ","), "sku")
	cells := strings.Split(row, ",")
	cells[skuAt] = "no-such-sku"
	if err := os.WriteFile(plans[1], []byte(header+"\n"+strings.Join(cells, ",")+"\n"+rest), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := ForecastConfig{Model: filepath.Join(shop, "model.json"), Data: []string{filepath.Join(shop, "history.csv")},
		Plan: plans, Out: filepath.Join(dir, "got.csv")}
	err = runPipeline(t, func(s beam.Scope) error { return Forecast(s, cfg) })
	if err == nil {
		t.Fatal("a plan series without history was scored")
	}
	for _, want := range []string{plans[1], "row 1 (line 2)", "no-such-sku", "has no history"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if _, err := os.Stat(cfg.Out); !os.IsNotExist(err) {
		t.Errorf("a failed run left %s (stat: %v)", cfg.Out, err)
	}
}

// TestForecastReadsParquetShards checks that history shards in Parquet are
// read as their CSV originals: the forecast is the single machine's.
func TestForecastReadsParquetShards(t *testing.T) {
	dir, shop := t.TempDir(), shopDir
	model := filepath.Join(shop, "model.json")
	want := filepath.Join(dir, "want.csv")
	singleMachine(t, model, filepath.Join(shop, "history.csv"), filepath.Join(shop, "plan.csv"), want)

	var parts []string
	for _, p := range split(t, filepath.Join(shop, "history.csv"), 2, dir) {
		f, err := ingest.Read(p, ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		pq := strings.TrimSuffix(p, ".csv") + ".parquet"
		if err := export.Write(pq, f); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, pq)
	}
	got := filepath.Join(dir, "got.csv")
	cfg := ForecastConfig{Model: model, Data: parts, Plan: []string{filepath.Join(shop, "plan.csv")}, Out: got}
	if err := runPipeline(t, func(s beam.Scope) error { return Forecast(s, cfg) }); err != nil {
		t.Fatal(err)
	}
	if w, g := sortedLines(t, want), sortedLines(t, got); !slices.Equal(w, g) {
		t.Fatalf("a forecast from Parquet shards differs from the single machine's (%d and %d lines)", len(g), len(w))
	}
}
