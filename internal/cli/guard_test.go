package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"promocast/internal/shareddata"
)

// tunaSpec is the tuna panel's spec: the price's off value is inferred.
const tunaSpec = `time: {column: week, frequency: period}
keys: [brand]
target: units
known: [price, promotion]
static: [manufacturer]
promotion:
  price: {off: infer}
  promotion: {off: 0}
cost: {unit_cost: wholesale_price}
`

// tunaPlan is week 399 for every brand at its week-398 price, with no
// promotion.
const tunaPlan = `week,brand,price,promotion,wholesale_price
399,Bumble Bee Chunk 6.12 oz,0.9208,0,0.5476
399,Bumble Bee Large Cans,3.3934,0,2.3591
399,Bumble Bee Solid 6.12 oz,1.6931,0,1.1036
399,Chicken of the Sea 6 oz,0.8641,0,0.5598
399,Geisha 6 oz,1.5197,0,1.0334
399,HH Chunk Lite 6.5 oz,0.8594,0,0.6253
399,Star Kist 6 oz,0.9574,0,0.5671
`

// TestTunaInferredPriceGuardRails runs whatif and effects on the tuna
// panel, whose price lever has `off: infer`: both work, and a discount
// deeper than a brand ever had (Bumble Bee Large Cans was never cut beyond
// 13%) is warned about, in the printout and in the curves file.
func TestTunaInferredPriceGuardRails(t *testing.T) {
	data := shareddata.Path(t, "tuna", "tuna.csv")
	dir := t.TempDir()
	sp, plan, m := filepath.Join(dir, "tuna.yaml"), filepath.Join(dir, "plan.csv"), filepath.Join(dir, "tuna.json")
	for path, text := range map[string]string{sp: tunaSpec, plan: tunaPlan} {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if code, out, errs := run(t, "train", "--data", data, "--spec", sp, "--model", "gbdt", "--horizon", "1", "--calibration-folds", "0", "--out", m); code != exitOK {
		t.Fatalf("train exited %d: %s %s", code, out, errs)
	}
	curves := filepath.Join(dir, "curves.csv")
	code, out, errs := run(t, "whatif", "--model", m, "--data", data, "--spec", sp, "--plan", plan, "--lever", "price",
		"--from", "0", "--to", "0.4", "--step", "0.1", "--out", curves)
	if code != exitOK {
		t.Fatalf("whatif with an inferred off price exited %d: %s %s", code, out, errs)
	}
	want := "Bumble Bee Large Cans from price = 0.2: discount 20% deeper than this series ever had (max 13%"
	if !strings.Contains(out, "beyond the history") || !strings.Contains(out, want) {
		t.Errorf("whatif does not warn about Large Cans at 20%% off:\n%s", out)
	}
	b, err := os.ReadFile(curves)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	if !strings.HasSuffix(lines[0], ",warnings") {
		t.Fatalf("curves header %q lacks warnings", lines[0])
	}
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, "Bumble Bee Large Cans,0.4,") && !strings.Contains(l, "deeper than") {
			t.Errorf("curves row without its warning: %s", l)
		}
	}
	// Explaining 30% off every brand says which rows are extrapolated.
	deep := filepath.Join(dir, "deep.csv")
	rows := strings.Split(strings.TrimSpace(tunaPlan), "\n")
	for i, l := range rows[1:] {
		f := strings.Split(l, ",")
		p, _ := strconv.ParseFloat(f[2], 64)
		f[2] = strconv.FormatFloat(0.7*p, 'f', 4, 64)
		rows[i+1] = strings.Join(f, ",")
	}
	if err := os.WriteFile(deep, []byte(strings.Join(rows, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs = run(t, "explain", "--model", m, "--data", data, "--spec", sp, "--plan", deep)
	if code != exitOK || !strings.Contains(out, "rows have warnings: their uplift is the model's extrapolation beyond what their series (and group) had in training") {
		t.Errorf("explain at 30%% off exited %d without saying which rows are extrapolated: %s %s", code, out, errs)
	}
	code, out, errs = run(t, "effects", "--model", m, "--data", data, "--spec", sp)
	if code != exitOK || !strings.Contains(out, "price elasticity") {
		t.Fatalf("effects with an inferred off price exited %d without the price row: %s %s", code, out, errs)
	}
	if !strings.Contains(out, "beyond history") || !strings.Contains(out, "series probed beyond their history") {
		t.Errorf("effects does not say which probes extrapolate:\n%s", out)
	}
}

func TestLeverCostFlag(t *testing.T) {
	for _, v := range []string{"display", "display=abc", "display=-1", "=5"} {
		code, _, errs := run(t, "optimize", "--model", "m.json", "--out", "x.csv", "--lever-cost", v)
		if code != exitUsage || !strings.Contains(errs, "LEVER=COST") {
			t.Errorf("--lever-cost %s exited %d: %s", v, code, errs)
		}
	}
	got, err := parseLeverCosts([]string{"display=150", "feature=0.5"})
	if err != nil || got["display"] != 150 || got["feature"] != 0.5 || len(got) != 2 {
		t.Errorf("parsed %v, %v", got, err)
	}
}

// TestEffectsWithoutPromotions runs effects on a history in which no
// series was ever promoted: there is no regression to compare with, which
// it says, and the model's probes still print.
func TestEffectsWithoutPromotions(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("week,sku,units,price,regular_price,feature\n")
	for s := 0; s < 3; s++ {
		for w := 0; w < 40; w++ {
			b.WriteString(strconv.Itoa(w+1) + ",s" + strconv.Itoa(s) + "," + strconv.Itoa(20+5*s+w%3) + ",3,3,0\n")
		}
	}
	data, sp, m := filepath.Join(dir, "h.csv"), filepath.Join(dir, "spec.yaml"), filepath.Join(dir, "m.json")
	spec := "time: {column: week, frequency: period}\nkeys: [sku]\ntarget: units\nknown: [price, regular_price, feature]\npromotion: {price: {off: regular_price}, feature: {off: 0}}\n"
	for path, text := range map[string]string{data: b.String(), sp: spec} {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if code, out, errs := run(t, "train", "--data", data, "--spec", sp, "--model", "gbdt", "--horizon", "1", "--calibration-folds", "0", "--out", m); code != exitOK {
		t.Fatalf("train exited %d: %s %s", code, out, errs)
	}
	code, out, errs := run(t, "effects", "--model", m, "--data", data, "--spec", sp)
	if code != exitOK || !strings.Contains(out, "no log-log regression to compare with: log-log regression: no lever (ln(price), feature) varies within any series") ||
		!strings.Contains(out, "price elasticity") {
		t.Errorf("effects on a history without promotions exited %d: %s %s", code, out, errs)
	}
}

// TestShortHistorySaysWhichFlag trains on a history shorter than one
// calibration fold: the error says which flags to change.
func TestShortHistorySaysWhichFlag(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("week,sku,units,price\n")
	for w := 0; w < 40; w++ {
		b.WriteString(strconv.Itoa(w+1) + ",s0," + strconv.Itoa(20+w%3) + ",3\n")
	}
	data, sp := filepath.Join(dir, "h.csv"), filepath.Join(dir, "spec.yaml")
	for path, text := range map[string]string{data: b.String(), sp: "time: {column: week, frequency: period}\nkeys: [sku]\ntarget: units\nknown: [price]\n"} {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, _, errs := run(t, "train", "--data", data, "--spec", sp, "--model", "gbdt", "--horizon", "45", "--out", filepath.Join(dir, "m.json"))
	if code == exitOK || !strings.Contains(errs, "the history is too short for the folds") || !strings.Contains(errs, "fewer --calibration-folds") {
		t.Errorf("train on 40 periods with a horizon of 45 exited %d: %s", code, errs)
	}
}

// TestBacktestSaysWhatItScored says how many of the folds' series × period
// cells a backtest scored when the history has holes: tuna's last weeks
// have runs of missing weeks.
func TestBacktestSaysWhatItScored(t *testing.T) {
	data := shareddata.Path(t, "tuna", "tuna.csv")
	sp := filepath.Join(t.TempDir(), "tuna.yaml")
	if err := os.WriteFile(sp, []byte(tunaSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "backtest", "--data", data, "--spec", sp, "--folds", "12", "--horizon", "4", "--gap", "1", "--models", "seasonal_naive")
	if code != exitOK {
		t.Fatalf("backtest exited %d: %s %s", code, out, errs)
	}
	if !strings.Contains(out, "of the folds' 336 series × period cells: the others have no sales recorded") {
		t.Errorf("backtest does not say what it scored:\n%s", out)
	}
}

// TestBacktestNotesFoldsInAGap checks that folds whose periods all fall in
// a hole of the data are named as skipped rather than passed over in
// silence.
func TestBacktestNotesFoldsInAGap(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("week,sku,units,price\n")
	for w := 1; w <= 60; w++ {
		if w > 44 && w <= 52 { // weeks 45..52: no rows
			continue
		}
		b.WriteString(strconv.Itoa(w) + ",s0," + strconv.Itoa(20+w%3) + ",3\n")
	}
	data, sp := filepath.Join(dir, "h.csv"), filepath.Join(dir, "spec.yaml")
	for path, text := range map[string]string{data: b.String(), sp: "time: {column: week, frequency: period}\nkeys: [sku]\ntarget: units\nknown: [price]\n"} {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errs := run(t, "backtest", "--data", data, "--spec", sp, "--folds", "4", "--horizon", "4", "--models", "seasonal_naive")
	if code != exitOK {
		t.Fatalf("backtest exited %d: %s %s", code, out, errs)
	}
	if want := "2 of 4 folds scored no rows, their periods all falling in a gap of the data (origins 44, 48): skipped"; !strings.Contains(out, want) {
		t.Errorf("backtest output lacks %q:\n%s", want, out)
	}
}
