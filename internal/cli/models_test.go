package cli

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"promocast/export"
	"promocast/registry"
	"promocast/serve"
	"promocast/synth"
)

// TestModelsRegistry registers, promotes and rolls back model files with
// 'promocast models', refuses a corrupt file, and checks that a server's
// history loader notices a history changed after registration.
func TestModelsRegistry(t *testing.T) {
	dir := t.TempDir()
	path := func(n string) string { return filepath.Join(dir, n) }
	shop, err := synth.Generate(synth.Config{Seed: 2, SKUs: 3, Categories: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := export.Write(path("history.csv"), shop.History); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path("spec.yaml"), []byte(synth.Spec()), 0o644); err != nil {
		t.Fatal(err)
	}
	for i, h := range []string{"7", "14"} {
		out := path("m" + string(rune('1'+i)) + ".json")
		if code, _, errs := run(t, "train", "--data", path("history.csv"), "--spec", path("spec.yaml"), "--model", "ridge",
			"--horizon", h, "--calibration-folds", "0", "--out", out); code != exitOK {
			t.Fatalf("train: %s", errs)
		}
	}
	good, _ := os.ReadFile(path("m1.json"))
	os.WriteFile(path("bad.json"), []byte(strings.Replace(string(good), `"horizon":7`, `"horizon":9`, 1)), 0o644)

	db := path("r.db")
	models := func(args ...string) (int, string, string) {
		return run(t, append([]string{"models"}, append(args, "--store", db, "--name", "shop")...)...)
	}
	if code, out, errs := models("register", "--model", path("m1.json"), "--data", path("history.csv"), "--spec", path("spec.yaml"), "--promote"); code != exitOK ||
		!strings.Contains(out, "shop version 1") || !strings.Contains(out, "version 1 is live") {
		t.Fatalf("register: %d %s %s", code, out, errs)
	}
	if code, _, errs := models("register", "--model", path("bad.json"), "--data", path("history.csv")); code != exitFailure ||
		!strings.Contains(errs, "refused") || !strings.Contains(errs, "checksum mismatch") {
		t.Errorf("corrupt file: %d %s", code, errs)
	}
	if code, out, _ := models("register", "--model", path("m2.json"), "--data", path("history.csv"), "--promote"); code != exitOK || !strings.Contains(out, "version 2 is live") {
		t.Errorf("register 2: %s", out)
	}
	if code, out, _ := models("register", "--model", path("m2.json"), "--data", path("history.csv")); code != exitOK || !strings.Contains(out, "already registered as shop version 2") {
		t.Errorf("re-register: %s", out)
	}
	if code, out, _ := models("rollback"); code != exitOK || !strings.Contains(out, "version 1 is live again") {
		t.Errorf("rollback: %s", out)
	}
	if code, _, errs := models("rollback"); code != exitFailure || !strings.Contains(errs, "first live version") {
		t.Errorf("rollback past the first: %s", errs)
	}
	if code, out, _ := models("promote", "--version", "2"); code != exitOK || !strings.Contains(out, "version 2 is live") {
		t.Errorf("promote: %s", out)
	}
	if code, _, errs := models("promote"); code != exitUsage || !strings.Contains(errs, "--version is required") {
		t.Errorf("promote without version: %d %s", code, errs)
	}
	code, out, _ := models("list")
	if code != exitOK || strings.Count(out, "\n") != 3 || !strings.Contains(out, "live") {
		t.Errorf("list:\n%s", out)
	}

	// The history loader reads the registered history, and refuses it once changed.
	st, err := registry.Open(context.Background(), db, registry.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m, err := st.Live(context.Background(), "shop")
	if err != nil {
		t.Fatal(err)
	}
	f, err := serve.LoadHistory(context.Background(), m)
	if err != nil || f.Rows() != shop.History.Rows() {
		t.Fatalf("load history: %v", err)
	}
	fh, _ := os.OpenFile(path("history.csv"), os.O_APPEND|os.O_WRONLY, 0)
	fh.WriteString("\n")
	fh.Close()
	if _, err := serve.LoadHistory(context.Background(), m); err == nil || !strings.Contains(err.Error(), "changed since model shop version 2 was registered") {
		t.Errorf("changed history: %v", err)
	}
}

func TestDemoSource(t *testing.T) {
	cfg, err := parseDemoSource(demoSource(40))
	if err != nil || cfg.SKUs != 40 || cfg.Seed != 1 || cfg.PlanDays != demoHorizon {
		t.Errorf("%+v %v", cfg, err)
	}
	for _, bad := range []string{"file.csv", "synth:skus=x", "synth:colour=1"} {
		if _, err := parseDemoSource(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if code, _, errs := run(t, "serve", "--data", "h.csv"); code != exitUsage || !strings.Contains(errs, "go with --model") {
		t.Errorf("serve --data without --model: %d %s", code, errs)
	}
	t.Setenv("PROMOCAST_TOKENS", "tooshort admin")
	if code, _, errs := run(t, "serve", "--store", ":memory:"); code != exitUsage || !strings.Contains(errs, "PROMOCAST_TOKENS") {
		t.Errorf("bad env tokens: %d %s", code, errs)
	}
}

// TestPromotionNeedsAServableVersion promotes, from the command line, a
// version whose history changed after registration: the promotion is
// refused and the live version stays live. A history that changes after
// its version went live leaves a fresh server on the version live before
// it, and /readyz says so.
func TestPromotionNeedsAServableVersion(t *testing.T) {
	path := weeklyShop(t, 40, 40)
	hist, _ := os.ReadFile(path("history.csv"))
	for _, n := range []string{"h2.csv", "h3.csv"} {
		writeFile(t, path(n), string(hist))
	}
	for i, h := range []string{"2", "3", "4", "5"} {
		if code, _, errs := run(t, "train", "--data", path("history.csv"), "--spec", path("spec.yaml"), "--model", "ridge",
			"--horizon", h, "--calibration-folds", "0", "--out", path("m"+string(rune('1'+i))+".json")); code != exitOK {
			t.Fatalf("train: %s", errs)
		}
	}
	db := path("r.db")
	models := func(args ...string) (int, string, string) {
		return run(t, append([]string{"models"}, append(args, "--store", db, "--name", "shop")...)...)
	}
	if code, _, errs := models("register", "--model", path("m1.json"), "--data", path("history.csv"), "--promote"); code != exitOK {
		t.Fatalf("register 1: %s", errs)
	}
	if code, _, errs := models("register", "--model", path("m2.json"), "--data", path("h2.csv")); code != exitOK {
		t.Fatalf("register 2: %s", errs)
	}
	appendLine := func(name string) {
		fh, _ := os.OpenFile(path(name), os.O_APPEND|os.O_WRONLY, 0)
		fh.WriteString("2013-01-02,a,x,10,10,0\n")
		fh.Close()
	}
	appendLine("h2.csv")
	code, out, errs := models("promote", "--version", "2")
	if code != exitFailure || !strings.Contains(errs, "promote refused: model shop version 2 cannot be served") || !strings.Contains(errs, "h2.csv changed since") {
		t.Fatalf("promoting a version whose history changed: %d %s %s", code, out, errs)
	}
	if _, out, _ := models("list"); !strings.Contains(out, "shop  1        live") {
		t.Errorf("version 1 is no longer live:\n%s", out)
	}

	// A spec file that says something else than the training spec is refused.
	writeFile(t, path("other.yaml"), strings.Replace(weeklySpec, "feature: {off: 0}", "feature: {off: 1}", 1))
	if code, _, errs := models("register", "--model", path("m4.json"), "--data", path("history.csv"), "--spec", path("other.yaml"), "--promote"); code != exitFailure ||
		!strings.Contains(errs, "other.yaml differs from the spec model shop version") || !strings.Contains(errs, "(in promotion)") {
		t.Errorf("promoting with another spec: %d %s", code, errs)
	}

	// Version 4 goes live, then its history changes.
	if code, _, errs := models("register", "--model", path("m3.json"), "--data", path("h3.csv"), "--promote"); code != exitOK {
		t.Fatalf("register 3: %s", errs)
	}
	appendLine("h3.csv")
	ctx := context.Background()
	st, err := registry.Open(ctx, db, registry.Options{Check: serve.Check(serve.LoadHistory)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv, err := serve.New(st, serve.LoadHistory, serve.Options{Name: "shop", PollInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if err := srv.Start(ctx); err != nil {
		t.Fatalf("a fresh server did not start: %v", err)
	}
	if v := srv.Live().Entry.Version; v != 1 {
		t.Errorf("serving version %d, want 1 (the last servable live version)", v)
	}
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	if body := rec.Body.String(); rec.Code != 200 || !strings.Contains(body, `"status":"stale"`) || !strings.Contains(body, "live version 4 cannot be served") {
		t.Errorf("/readyz: %d %s", rec.Code, body)
	}
	if code, _, errs := models("rollback"); code != exitOK {
		t.Errorf("rollback to version 1: %s", errs)
	}
}

// TestServerRefusesOffGridDates asks the server for a week off the
// history's weekly grid (Wednesdays): 400 naming the row's time field, not
// an answer for the Wednesday before.
func TestServerRefusesOffGridDates(t *testing.T) {
	path := weeklyShop(t, 40, 40)
	if code, _, errs := run(t, "train", "--data", path("history.csv"), "--spec", path("spec.yaml"), "--model", "ridge",
		"--horizon", "2", "--calibration-folds", "0", "--out", path("m.json")); code != exitOK {
		t.Fatalf("train: %s", errs)
	}
	if code, _, errs := run(t, "models", "register", "--store", path("r.db"), "--name", "shop", "--model", path("m.json"),
		"--data", path("history.csv"), "--promote"); code != exitOK {
		t.Fatalf("register: %s", errs)
	}
	ctx := context.Background()
	st, err := registry.Open(ctx, path("r.db"), registry.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv, err := serve.New(st, serve.LoadHistory, serve.Options{Name: "shop", PollInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	for day, want := range map[string]int{"2012-10-10": 200, "2012-10-16": 400} {
		body := `{"rows":[{"week":"` + day + `","sku":"a","price":8,"regular_price":10,"feature":1}]}`
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, httptest.NewRequest("POST", "/v1/forecast", strings.NewReader(body)))
		if rec.Code != want {
			t.Errorf("%s: %d %s, want %d", day, rec.Code, rec.Body, want)
		}
		if want == 400 && !strings.Contains(rec.Body.String(), `is a Tuesday, off the weekly grid of Wednesdays (2012-10-10 or 2012-10-17)`) {
			t.Errorf("%s: %s", day, rec.Body)
		}
	}
}

// TestRegisterWithTheTrainingSpecOfPlainPeriods checks that a model of
// plain periods, whose season training detected and stored, is served
// with the spec file it was trained with, which leaves the season out.
func TestRegisterWithTheTrainingSpecOfPlainPeriods(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("week,sku,units,price\n")
	for w := 1; w <= 60; w++ {
		for _, s := range []string{"a", "b"} {
			b.WriteString(fmt.Sprintf("%d,%s,%d,%d\n", w, s, 20+w%4, 3))
		}
	}
	data, sp, m := filepath.Join(dir, "h.csv"), filepath.Join(dir, "spec.yaml"), filepath.Join(dir, "m.json")
	writeFile(t, data, b.String())
	writeFile(t, sp, "time: {column: week, frequency: period}\nkeys: [sku]\ntarget: units\nknown: [price]\n")
	if code, _, errs := run(t, "train", "--data", data, "--spec", sp, "--model", "ridge", "--horizon", "2", "--calibration-folds", "0", "--out", m); code != exitOK {
		t.Fatalf("train: %s", errs)
	}
	if code, out, errs := run(t, "models", "register", "--model", m, "--data", data, "--spec", sp, "--promote", "--store", filepath.Join(dir, "r.db"), "--name", "p"); code != exitOK {
		t.Errorf("registering with the training spec: %d %s %s", code, out, errs)
	}
}
