package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestModelSpecReadsBesideTheHistory trains a model whose spec joins an
// attribute table by a relative path, then forecasts without --spec from
// another folder: the model's own spec reads the table beside the history,
// as the server does (dataset.ForModel), not from the working folder.
func TestModelSpecReadsBesideTheHistory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := func(name string) string { return filepath.Join(dir, name) }
	var hist, plan strings.Builder
	hist.WriteString("week,sku,units,price,regular\n")
	plan.WriteString("week,sku,price,regular\n")
	start := time.Date(2023, 1, 2, 0, 0, 0, 0, time.UTC)
	for s, sku := range []string{"a", "b"} {
		for w := 0; w < 80; w++ {
			price, units := 1.0, 10+w%4+3*s
			if w%5 == 0 {
				price, units = 0.8, units+6
			}
			fmt.Fprintf(&hist, "%s,%s,%d,%g,1\n", start.AddDate(0, 0, 7*w).Format(time.DateOnly), sku, units, price)
		}
		fmt.Fprintf(&plan, "%s,%s,0.8,1\n", start.AddDate(0, 0, 7*80).Format(time.DateOnly), sku)
	}
	files := map[string]string{
		"history.csv":  hist.String(),
		"plan.csv":     plan.String(),
		"products.csv": "sku,category\na,snacks\nb,cereal\n",
		"spec.yaml": "time: {column: week, frequency: week}\nkeys: [sku]\ntarget: units\nstatic: [category]\n" +
			"attributes: [{file: products.csv, on: sku}]\npromotion: {price: {off: regular}}\n",
	}
	for name, text := range files {
		if err := os.WriteFile(path(name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m := filepath.Join(t.TempDir(), "model.json")
	if code, out, errs := run(t, "train", "--data", path("history.csv"), "--spec", path("spec.yaml"), "--model", "ridge",
		"--horizon", "1", "--calibration-folds", "0", "--out", m); code != exitOK {
		t.Fatalf("train exited %d: %s %s", code, out, errs)
	}
	fc := filepath.Join(t.TempDir(), "forecast.csv")
	if code, out, errs := run(t, "forecast", "--model", m, "--data", path("history.csv"), "--plan", path("plan.csv"), "--by", "category", "--out", fc); code != exitOK {
		t.Fatalf("forecast without --spec exited %d: %s %s", code, out, errs)
	} else if !strings.Contains(out, "snacks") || !strings.Contains(out, "cereal") {
		t.Errorf("forecast by category does not name the joined categories:\n%s", out)
	}
}
