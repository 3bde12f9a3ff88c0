package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// weeklySpec is the spec of the small weekly shop weeklyShop writes.
const weeklySpec = `time: {column: week, frequency: week}
keys: [sku]
target: units
known: [price, regular_price, feature]
promotion:
  price: {off: regular_price}
  feature: {off: 0}
`

// weeklyShop writes history.csv (two SKUs, weeks Wednesdays from
// 2012-01-04) and spec.yaml to dir and returns dir's path function.
// Promotions run every fifth week before week promoUntil and never after.
func weeklyShop(t *testing.T, weeks, promoUntil int) func(string) string {
	t.Helper()
	dir := t.TempDir()
	path := func(n string) string { return filepath.Join(dir, n) }
	var b strings.Builder
	b.WriteString("week,sku,units,price,regular_price,feature\n")
	start := time.Date(2012, 1, 4, 0, 0, 0, 0, time.UTC)
	for w := range weeks {
		day := start.AddDate(0, 0, 7*w).Format("2006-01-02")
		for s, sku := range []string{"a", "b"} {
			price, feature := 10.0, 0
			units := 20 + 5*s + (w*7+s*3)%6
			if w < promoUntil && w%5 == 2 {
				price, feature = 8, 1
				units += 15
			}
			fmt.Fprintf(&b, "%s,%s,%d,%g,10,%d\n", day, sku, units, price, feature)
		}
	}
	writeFile(t, path("history.csv"), b.String())
	writeFile(t, path("spec.yaml"), weeklySpec)
	return path
}

func writeFile(t *testing.T, name, text string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestTrainCalibrationWithoutPromotion trains with one or two calibration
// folds whose weeks hold no promotion: the promoted weeks' WAPE is
// undefined, and the model is still written (it failed to encode NaN).
func TestTrainCalibrationWithoutPromotion(t *testing.T) {
	path := weeklyShop(t, 80, 60)
	for _, folds := range []string{"1", "2"} {
		out := path("m" + folds + ".json")
		code, stdout, errs := run(t, "train", "--data", path("history.csv"), "--spec", path("spec.yaml"), "--model", "ridge",
			"--horizon", "2", "--calibration-folds", folds, "--out", out)
		if code != exitOK || !strings.Contains(errs, "no backtest_wape_promo") {
			t.Fatalf("train --calibration-folds %s exited %d: %s %s", folds, code, stdout, errs)
		}
		code, stdout, errs = run(t, "inspect", out)
		if code != exitOK || !strings.Contains(stdout, "backtest_wape") || strings.Contains(stdout, "backtest_wape_promo") {
			t.Errorf("inspect after --calibration-folds %s: %d %s %s", folds, code, stdout, errs)
		}
	}
	code, _, errs := run(t, "train", "--data", path("history.csv"), "--spec", path("spec.yaml"), "--model", "ridge",
		"--calibration-folds", "-3", "--out", path("neg.json"))
	if code != exitUsage || !strings.Contains(errs, "--calibration-folds is -3") {
		t.Errorf("negative folds: %d %s", code, errs)
	}
}

// TestPlanFarPastASeriesData plans the next week for a series whose data
// ended six weeks before the others': its rows say so, the others' do not.
func TestPlanFarPastASeriesData(t *testing.T) {
	path := weeklyShop(t, 40, 40)
	b, _ := os.ReadFile(path("history.csv"))
	var kept []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if strings.Contains(line, ",b,") && line[:10] > "2012-08-22" {
			continue // b's last six weeks
		}
		kept = append(kept, line)
	}
	writeFile(t, path("history.csv"), strings.Join(kept, "\n")+"\n")
	writeFile(t, path("plan.csv"), "week,sku,price,regular_price,feature\n2012-10-10,a,8,10,1\n2012-10-10,b,8,10,1\n")
	if code, _, errs := run(t, "train", "--data", path("history.csv"), "--spec", path("spec.yaml"), "--model", "ridge",
		"--horizon", "2", "--calibration-folds", "0", "--out", path("m.json")); code != exitOK {
		t.Fatalf("train: %s", errs)
	}
	code, _, errs := run(t, "forecast", "--model", path("m.json"), "--data", path("history.csv"), "--plan", path("plan.csv"), "--out", path("fc.csv"))
	if code != exitOK {
		t.Fatalf("forecast: %s", errs)
	}
	out, _ := os.ReadFile(path("fc.csv"))
	lines := strings.Split(string(out), "\n")
	if len(lines) < 3 || strings.Contains(lines[1], "last data") || !strings.Contains(lines[2], "7 periods after the series' last data (2012-08-22)") {
		t.Errorf("forecast:\n%s", out)
	}
}

// TestSeriesThatEndedEarly plans a series whose data ended six weeks before
// the others' for its own next weeks, before the history's last week.
func TestSeriesThatEndedEarly(t *testing.T) {
	path := weeklyShop(t, 40, 40)
	b, _ := os.ReadFile(path("history.csv"))
	var kept []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if !strings.Contains(line, ",b,") || line[:10] <= "2012-08-22" {
			kept = append(kept, line)
		}
	}
	writeFile(t, path("history.csv"), strings.Join(kept, "\n")+"\n")
	writeFile(t, path("plan.csv"), "week,sku,price,regular_price,feature\n2012-08-29,b,8,10,1\n2012-09-05,b,10,10,0\n")
	if code, _, errs := run(t, "train", "--data", path("history.csv"), "--spec", path("spec.yaml"), "--model", "ridge",
		"--horizon", "2", "--calibration-folds", "0", "--out", path("m.json")); code != exitOK {
		t.Fatalf("train: %s", errs)
	}
	code, _, errs := run(t, "forecast", "--model", path("m.json"), "--data", path("history.csv"), "--plan", path("plan.csv"), "--out", path("fc.csv"))
	if code != exitOK {
		t.Fatalf("forecast of b's own next weeks: %s", errs)
	}
	out, _ := os.ReadFile(path("fc.csv"))
	if lines := strings.Split(strings.TrimSpace(string(out)), "\n"); len(lines) != 3 || !strings.HasPrefix(lines[1], "b,2012-08-29,") || !strings.HasPrefix(lines[2], "b,2012-09-05,") {
		t.Errorf("forecast:\n%s", out)
	}
	// A week b already has is still refused.
	writeFile(t, path("plan.csv"), "week,sku,price,regular_price,feature\n2012-08-22,b,8,10,1\n")
	if code, _, errs := run(t, "forecast", "--model", path("m.json"), "--data", path("history.csv"), "--plan", path("plan.csv"), "--out", path("fc2.csv")); code != exitFailure ||
		!strings.Contains(errs, `is not after series "b"'s last period 2012-08-22`) {
		t.Errorf("a past week: %d %s", code, errs)
	}
}
