package serve

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"promocast/backtest/results"
	"promocast/export"
	"promocast/registry"
)

// TestReleaseFiles registers a model file with its history and backtest
// folder and promotes it, and checks that a backtest folder without
// metrics leaves the version registered but not live.
func TestReleaseFiles(t *testing.T) {
	sh := testShop(t)
	ctx := context.Background()
	dir := t.TempDir()
	path := func(name string) string { return filepath.Join(dir, name) }
	if err := os.WriteFile(path("m1.json"), sh.files[0], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path("m2.json"), sh.files[1], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := export.Write(path("history.csv"), sh.history); err != nil {
		t.Fatal(err)
	}
	if err := results.WriteDir(path("bt"), sh.backtest); err != nil {
		t.Fatal(err)
	}
	if err := results.WriteDir(path("empty"), results.Results{}); err != nil {
		t.Fatal(err)
	}
	st, err := registry.Open(ctx, path("registry.db"), registry.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r, err := ReleaseFiles(ctx, st, Files{Name: "shop", Model: path("m1.json"), Data: path("history.csv"), Backtest: path("bt"), Promote: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Model.Version != 1 || r.Existed || !r.Live || r.Backtest == nil || len(r.Backtest.Predictions) != len(sh.backtest.Predictions) {
		t.Errorf("released %+v", r)
	}
	if m, err := st.Live(ctx, "shop"); err != nil || m.Version != 1 || m.SourcePath != path("m1.json") || m.DataSource != path("history.csv") {
		t.Errorf("live %+v, %v", m, err)
	}
	r, err = ReleaseFiles(ctx, st, Files{Name: "shop", Model: path("m2.json"), Data: path("history.csv"), Backtest: path("empty"), Promote: true})
	if err == nil || !strings.Contains(err.Error(), "metrics.csv has no rows") || r.Model.Version != 2 || r.Backtest != nil || r.Live {
		t.Errorf("empty backtest: %+v, %v", r, err)
	}
	if m, _ := st.Live(ctx, "shop"); m.Version != 1 {
		t.Errorf("a version whose backtest failed went live: version %d", m.Version)
	}
	if r, err := ReleaseFiles(ctx, st, Files{Name: "shop", Model: path("none.json"), Data: path("history.csv")}); err == nil || r.Model.Version != 0 {
		t.Errorf("a missing model file: %+v, %v", r, err)
	}
}
