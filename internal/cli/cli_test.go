package cli

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"promocast/ingest"
	"promocast/train"
)

// run runs promocast with args and returns the exit code and both streams.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestExitCodes(t *testing.T) {
	if code, _, _ := run(t, "--help"); code != exitOK {
		t.Errorf("--help exited %d", code)
	}
	if code, _, errs := run(t, "nosuch"); code != exitUsage || !strings.Contains(errs, "unknown command") {
		t.Errorf("unknown command exited %d: %s", code, errs)
	}
	if code, _, errs := run(t, "train", "--data", "x.csv"); code != exitUsage || !strings.Contains(errs, "--out is required") {
		t.Errorf("train without --out exited %d: %s", code, errs)
	}
	if code, _, errs := run(t, "train", "--bogus"); code != exitUsage || !strings.Contains(errs, "unknown flag") {
		t.Errorf("unknown flag exited %d: %s", code, errs)
	}
	if code, _, errs := run(t, "inspect", filepath.Join(t.TempDir(), "missing.json")); code != exitFailure || !strings.Contains(errs, "missing.json") {
		t.Errorf("inspect of a missing file exited %d: %s", code, errs)
	}
	if code, _, errs := run(t, "--log-format", "xml", "inspect", "m.json"); code != exitUsage || !strings.Contains(errs, "--log-format") {
		t.Errorf("bad log format exited %d: %s", code, errs)
	}
}

func TestEveryCommandHasHelpWithExamples(t *testing.T) {
	for _, c := range []string{"demo", "train", "backtest", "forecast", "inspect", "whatif", "explain", "inventory", "optimize",
		"effects", "tune", "tabular", "tabular fit", "tabular predict", "tabular cv", "tabular tune", "uplift", "uplift fit", "uplift predict", "uplift evaluate", "uplift target", "recommend", "recommend fit", "recommend predict", "recommend evaluate", "serve", "models", "models list", "models register", "models promote", "models rollback"} {
		code, out, _ := run(t, append(strings.Fields(c), "--help")...)
		if code != exitOK || !strings.Contains(out, "Examples:") {
			t.Errorf("%s --help exited %d without examples:\n%s", c, code, out)
		}
	}
}

// TestTrainForecastOnFiles runs the file-based path end to end on a small
// demo shop: train, inspect, forecast; and checks bad input names its row.
func TestTrainForecastOnFiles(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := run(t, "demo", "--out", dir, "--skus", "12", "--folds", "1", "--models", "seasonal_naive,ridge"); code != exitOK {
		t.Fatalf("demo exited %d: %s", code, errs)
	}
	model := filepath.Join(dir, "ridge.json")
	code, out, errs := run(t, "train", "--data", filepath.Join(dir, "history.csv"), "--spec", filepath.Join(dir, "spec.yaml"),
		"--model", "ridge", "--horizon", "31", "--out", model)
	if code != exitOK || !strings.Contains(out, "trained ridge") {
		t.Fatalf("train exited %d: %s %s", code, out, errs)
	}
	if !strings.Contains(out, "each forecast step reads the sales up to the forecast origin: lags from 1 to 31 periods back") {
		t.Errorf("train does not say its 31 steps read lags of their own:\n%s", out)
	}
	// With a JSON log, every line on the error stream is a JSON record,
	// the calibration's progress included.
	code, _, errs = run(t, "--log-format", "json", "train", "--data", filepath.Join(dir, "history.csv"), "--spec", filepath.Join(dir, "spec.yaml"),
		"--model", "ridge", "--horizon", "31", "--out", filepath.Join(dir, "ridge-json.json"))
	steps := 0
	for _, line := range strings.Split(strings.TrimSpace(errs), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("train --log-format json wrote a line that is no JSON record: %q", line)
		}
		if rec["msg"] == "progress" && rec["step"] == "calibration" {
			steps++
		}
	}
	if code != exitOK || steps == 0 {
		t.Errorf("train --log-format json exited %d with %d progress records:\n%s", code, steps, errs)
	}
	code, out, _ = run(t, "inspect", model)
	if code != exitOK || !strings.Contains(out, "checksum verified") || !strings.Contains(out, "lever        price (off: column regular_price)") ||
		!regexp.MustCompile(`events       [^\n]*double11[^\n]*days_to_ features`).MatchString(out) {
		t.Fatalf("inspect exited %d:\n%s", code, out)
	}
	fc := filepath.Join(dir, "fc.json")
	code, out, errs = run(t, "forecast", "--model", model, "--data", filepath.Join(dir, "history.csv"), "--plan", filepath.Join(dir, "plan.csv"), "--out", fc)
	if code != exitOK || !strings.Contains(out, "promoted") {
		t.Fatalf("forecast exited %d: %s %s", code, out, errs)
	}
	b, err := os.ReadFile(fc)
	if err != nil || !strings.Contains(string(b), `"incremental_margin"`) {
		t.Fatalf("forecast JSON lacks incremental_margin: %v", err)
	}
	// A plan with a text price fails, naming the file, line and column.
	bad := filepath.Join(dir, "bad_plan.csv")
	plan, _ := os.ReadFile(filepath.Join(dir, "plan.csv"))
	lines := strings.SplitN(string(plan), "\n", 3)
	if err := os.WriteFile(bad, []byte(lines[0]+"\n"+strings.Replace(lines[1], ",", ",oops", 1)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = run(t, "forecast", "--model", model, "--data", filepath.Join(dir, "history.csv"), "--plan", bad, "--out", filepath.Join(dir, "x.csv"))
	if code != exitFailure || !strings.Contains(errs, "bad_plan.csv") {
		t.Fatalf("bad plan exited %d: %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.csv")); !os.IsNotExist(err) {
		t.Fatalf("a failed forecast left an output file: %v", err)
	}
}

// TestDemoDeterministic runs the demo twice with the same seed and compares
// the model and forecast bytes.
func TestDemoDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		if code, _, errs := run(t, "demo", "--out", dir, "--skus", "16", "--folds", "1", "--seed", "3"); code != exitOK {
			t.Fatalf("demo exited %d: %s", code, errs)
		}
	}
	for _, name := range []string{"model.json", "forecast.csv", "backtest_metrics.csv", "report.html"} {
		x, err := os.ReadFile(filepath.Join(a, name))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(b, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
	}
	// The report shows what the plan earns, and the baseline apart from the truth.
	html, _ := os.ReadFile(filepath.Join(a, "report.html"))
	for _, want := range []string{"incremental revenue", "incremental margin", "promotion cost", "ROI", `stroke="#7f7f7f" stroke-width="1.5" stroke-dasharray`} {
		if !strings.Contains(string(html), want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
}

func TestExplainAndWhatif(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := run(t, "demo", "--out", dir, "--skus", "10", "--folds", "1", "--models", "gbdt"); code != exitOK {
		t.Fatalf("demo exited %d: %s", code, errs)
	}
	h, p, m := filepath.Join(dir, "history.csv"), filepath.Join(dir, "plan.csv"), filepath.Join(dir, "model.json")
	code, out, errs := run(t, "explain", "--model", m, "--data", h, "--plan", p, "--out", filepath.Join(dir, "drivers.csv"))
	if code != exitOK || !strings.Contains(out, "its drivers") {
		t.Fatalf("explain exited %d: %s %s", code, out, errs)
	}
	// The uplift is attributed against the baseline row, so only to what
	// the plan changes: the demo's levers and the features derived from a
	// series' own and its group's promotions.
	drivers, err := os.ReadFile(filepath.Join(dir, "drivers.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(drivers)), "\n")
	if len(lines) < 10 {
		t.Fatalf("drivers.csv has %d lines", len(lines))
	}
	for _, line := range lines[1:] {
		cells := strings.Split(line, ",")
		f := cells[len(cells)-2]
		switch f {
		case "price", "discount", "feature", "display", "coupon", "price_discount", "price_rel_history", "since_promo":
		default:
			if !strings.HasPrefix(f, "promo") && !strings.HasPrefix(f, "group_") {
				t.Errorf("the uplift is attributed to %s, which no lever moves: %s", f, line)
			}
		}
	}
	code, out, errs = run(t, "whatif", "--model", m, "--data", h, "--plan", p, "--lever", "price", "--from", "0", "--to", "0.3", "--step", "0.1",
		"--out", filepath.Join(dir, "curves.csv"), "--plot", filepath.Join(dir, "curves.html"))
	if code != exitOK || !strings.Contains(out, "elasticity") {
		t.Fatalf("whatif exited %d: %s %s", code, out, errs)
	}
	b, err := os.ReadFile(filepath.Join(dir, "curves.csv"))
	if err != nil || strings.Count(string(b), "\n") < 5 {
		t.Fatalf("curves: %v\n%s", err, b)
	}
	// A price lever's sweep values are discount depths, and the file has
	// each value's gain over the sweep's reference, as the table ranks them.
	if want := "series,price_discount,units,baseline,uplift,revenue,incremental_revenue,margin,incremental_margin,gain,promotion_cost,roi,warnings\n"; !strings.HasPrefix(string(b), want) {
		t.Errorf("curves header %q, want %q", strings.SplitN(string(b), "\n", 2)[0], want)
	}
	if code, _, _ := run(t, "whatif", "--model", m, "--data", h, "--plan", p, "--lever", "colour"); code != exitFailure {
		t.Errorf("whatif on an unknown lever exited %d", code)
	}
}

func TestOptimizeAndInventory(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := run(t, "demo", "--out", dir, "--skus", "10", "--folds", "2", "--models", "ridge"); code != exitOK {
		t.Fatalf("demo exited %d: %s", code, errs)
	}
	h, p, m := filepath.Join(dir, "history.csv"), filepath.Join(dir, "plan.csv"), filepath.Join(dir, "model.json")
	chosen := filepath.Join(dir, "chosen.csv")
	code, out, errs := run(t, "optimize", "--model", m, "--data", h, "--plan", p, "--discounts", "0.1,0.3", "--flags", "display",
		"--budget", "500", "--group-by", "category", "--group-max-promoted", "5", "--out", chosen)
	if code != exitOK || !strings.Contains(out, "over your plan") {
		t.Fatalf("optimize exited %d: %s %s", code, out, errs)
	}
	// Limits below zero are refused as flags, before any option is valued.
	for _, flag := range []string{"--budget", "--group-max-cost"} {
		if code, _, errs := run(t, "optimize", "--model", m, "--data", h, "--plan", p, flag, "-5", "--out", chosen); code != exitUsage || !strings.Contains(errs, flag+" -5: expected 0 or more") {
			t.Errorf("optimize %s -5 exited %d: %s", flag, code, errs)
		}
	}
	// The report's constraint lines show the budget and group limits hold.
	if strings.Contains(out, "left -") {
		t.Errorf("a constraint has negative slack:\n%s", out)
	}
	// The demo's plan gives away far more than 500: the report says so.
	if !strings.Contains(out, "is over the budget of 500 the chosen plan keeps to") {
		t.Errorf("the report does not say the user's plan is over the budget:\n%s", out)
	}
	b, err := os.ReadFile(chosen)
	if err != nil || !strings.Contains(strings.SplitN(string(b), "\n", 2)[0], "option") {
		t.Fatalf("chosen plan lacks the option column: %v", err)
	}
	stock := filepath.Join(dir, "stock.csv")
	if err := os.WriteFile(stock, []byte("sku,on_hand,lead_time\nS01,50,3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs = run(t, "inventory", "--model", m, "--data", h, "--plan", p, "--stock", stock, "--out", filepath.Join(dir, "orders.csv"))
	if code != exitOK || !strings.Contains(out, "need an order") {
		t.Fatalf("inventory exited %d: %s %s", code, out, errs)
	}
	// A series' demand is its expected units over the plan, as forecast
	// writes them.
	fc := filepath.Join(dir, "fc.csv")
	if code, _, errs := run(t, "forecast", "--model", m, "--data", h, "--plan", p, "--out", fc); code != exitOK {
		t.Fatalf("forecast exited %d: %s", code, errs)
	}
	forecasts, err := ingest.Read(fc, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	expected := 0.0
	for r := 0; r < forecasts.Rows(); r++ {
		if forecasts.Column("sku").Text(r) == "S01" {
			expected += forecasts.Column("expected").Num[r]
		}
	}
	orders, err := ingest.Read(filepath.Join(dir, "orders.csv"), ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for r := 0; r < orders.Rows(); r++ {
		if d := orders.Column("demand").Num[r]; orders.Column("series").Text(r) == "S01" && math.Abs(d-expected) > 1e-6*expected {
			t.Errorf("S01's demand %v, want its expected units %v", d, expected)
		}
	}
	// A series whose plan is shorter than its lead time and review is left
	// out with a warning naming it; the others are planned.
	if err := os.WriteFile(stock, []byte("sku,on_hand,lead_time\nS01,50,40\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs = run(t, "inventory", "--model", m, "--data", h, "--plan", p, "--stock", stock, "--out", filepath.Join(dir, "orders.csv"))
	if code != exitOK || !strings.Contains(out, "9 series:") || !strings.Contains(errs, "1 of 10 series have fewer plan periods than lead time + review (series S01: 31 period(s) of 41)") {
		t.Errorf("inventory with one series' lead time past the plan exited %d: %s %s", code, out, errs)
	}
	if err := os.WriteFile(stock, []byte("sku,on_hand\nS01,5\nZZ9,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = run(t, "inventory", "--model", m, "--data", h, "--plan", p, "--stock", stock, "--out", filepath.Join(dir, "orders.csv"))
	if code != exitOK || !strings.Contains(errs, "1 series of the stock table are not in the plan, so they get no order: ZZ9") {
		t.Errorf("inventory with a stock row for a series outside the plan exited %d: %s", code, errs)
	}
	if code, _, errs = run(t, "inventory", "--model", m, "--data", h, "--plan", p, "--lead-time", "40", "--out", filepath.Join(dir, "orders.csv")); code != exitFailure || !strings.Contains(errs, "10 of 10 series") {
		t.Errorf("inventory with every lead time past the plan exited %d: %s", code, errs)
	}
	if code, _, errs = run(t, "inventory", "--model", m, "--data", h, "--plan", p, "--service-level", "1", "--out", filepath.Join(dir, "orders.csv")); code != exitUsage || !strings.Contains(errs, "--service-level 1") {
		t.Errorf("inventory --service-level 1 exited %d: %s", code, errs)
	}
	if code, _, errs = run(t, "inventory", "--model", m, "--data", h, "--plan", p, "--lead-time", "0", "--review", "0", "--out", filepath.Join(dir, "orders.csv")); code != exitUsage || !strings.Contains(errs, "leave no period") {
		t.Errorf("inventory --lead-time 0 --review 0 exited %d: %s", code, errs)
	}
}

func TestTune(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := run(t, "demo", "--out", dir, "--skus", "8", "--folds", "1", "--models", "ridge"); code != exitOK {
		t.Fatalf("demo exited %d: %s", code, errs)
	}
	trials := filepath.Join(dir, "trials.csv")
	code, out, errs := run(t, "tune", "--data", filepath.Join(dir, "history.csv"), "--spec", filepath.Join(dir, "spec.yaml"),
		"--model", "ridge", "--trials", "4", "--method", "random", "--folds", "2", "--horizon", "31", "--out", trials)
	if code != exitOK || !strings.Contains(out, "best WAPE") {
		t.Fatalf("tune exited %d: %s %s", code, out, errs)
	}
	b, err := os.ReadFile(trials)
	if err != nil || strings.Count(string(b), "\n") != 5 {
		t.Fatalf("trials file: %v\n%s", err, b)
	}
	if code, _, _ := run(t, "tune", "--data", "x", "--spec", "y", "--model", "naive"); code != exitUsage {
		t.Errorf("tuning an unknown model exited %d", code)
	}
}

// TestBacktestAuto checks --models auto ranks every candidate family and
// the combinations, with training times, and that train --model auto
// ships the winner with the leaderboard in the model file.
func TestBacktestAuto(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := run(t, "demo", "--out", dir, "--skus", "8", "--folds", "1", "--models", "ridge"); code != exitOK {
		t.Fatalf("demo exited %d: %s", code, errs)
	}
	code, out, errs := run(t, "backtest", "--data", filepath.Join(dir, "history.csv"), "--spec", filepath.Join(dir, "spec.yaml"),
		"--models", "auto", "--folds", "2", "--horizon", "14", "--out", filepath.Join(dir, "bt"))
	if code != exitOK {
		t.Fatalf("backtest exited %d: %s %s", code, out, errs)
	}
	html, err := os.ReadFile(filepath.Join(dir, "bt", "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Leaderboard", "best_mean", "<svg", "WAPE per fold"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("report.html has no %q", want)
		}
	}
	board := out[strings.Index(out, "leaderboard"):]
	for _, m := range append(append([]string{}, train.DefaultCandidates...), "blend", "best_mean", "stack") {
		if !regexp.MustCompile(`(?m)^\s+\d+\s+` + m + `\s+\d+\.\d%\s`).MatchString(board) {
			t.Errorf("the leaderboard has no ranked row for %s:\n%s", m, board)
		}
	}
	model := filepath.Join(dir, "auto.json")
	code, out, errs = run(t, "train", "--data", filepath.Join(dir, "history.csv"), "--spec", filepath.Join(dir, "spec.yaml"),
		"--model", "auto", "--calibration-folds", "2", "--horizon", "14", "--out", model)
	if code != exitOK {
		t.Fatalf("train --model auto exited %d: %s %s", code, out, errs)
	}
	winner := regexp.MustCompile(`(?m)^\s+1\s+(\S+)\s`).FindStringSubmatch(out)
	if winner == nil {
		t.Fatalf("no leaderboard in train's output:\n%s", out)
	}
	if code, out, errs = run(t, "inspect", model); code != exitOK {
		t.Fatalf("inspect exited %d: %s", code, errs)
	}
	for _, m := range append(append([]string{}, train.DefaultCandidates...), "blend", "best_mean", "stack") {
		if !strings.Contains(out, "auto_wape_"+m+" = ") {
			t.Errorf("the model file has no leaderboard entry for %s:\n%s", m, out)
		}
	}
	kind := winner[1]
	if kind == "best_mean" || kind == "stack" {
		kind = "blend"
	}
	if !regexp.MustCompile(`(?m)^learner\s+` + kind + `$`).MatchString(out) {
		t.Errorf("the winner was %s but the model file holds:\n%s", winner[1], out)
	}
	// --candidates narrows auto to the models given.
	code, out, errs = run(t, "backtest", "--data", filepath.Join(dir, "history.csv"), "--spec", filepath.Join(dir, "spec.yaml"),
		"--models", "auto", "--candidates", "ridge,seasonal_naive", "--folds", "2", "--horizon", "14")
	ranked := regexp.MustCompile(`(?m)^\s+\d+\s+(\S+)\s+\d+\.\d%\s`).FindAllStringSubmatch(out, -1)
	var names []string
	for _, m := range ranked {
		names = append(names, m[1])
	}
	slices.Sort(names)
	if code != exitOK || !slices.Equal(names, []string{"best_mean", "blend", "ridge", "seasonal_naive", "stack"}) {
		t.Errorf("backtest --candidates ridge,seasonal_naive exited %d, ranked %v:\n%s %s", code, names, out, errs)
	}
	for _, bad := range [][]string{{"--models", "auto", "--candidates", "ridge"}, {"--models", "auto", "--candidates", "ridge,xgboost"},
		{"--models", "ridge,gbdt", "--candidates", "ridge,gbdt"}} {
		args := append([]string{"backtest", "--data", filepath.Join(dir, "history.csv"), "--spec", filepath.Join(dir, "spec.yaml")}, bad...)
		if code, _, errs := run(t, args...); code != exitUsage || !strings.Contains(errs, "--candidates") {
			t.Errorf("%v exited %d: %s", bad, code, errs)
		}
	}
}

// The tables print a signed amount that rounds to none as +0, never -0.
func TestMoneyHasNoNegativeZero(t *testing.T) {
	for v, want := range map[float64]string{-0.3: "+0", -0.5: "+0", 0: "+0", 0.4: "+0", -0.6: "-1", 12.5: "+12", -1234: "-1234", math.NaN(): "-"} {
		if got := money(v); got != want {
			t.Errorf("money(%v) = %q, want %q", v, got, want)
		}
	}
}
