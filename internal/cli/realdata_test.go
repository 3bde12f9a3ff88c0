package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"promocast/data"
	"promocast/export"
	"promocast/internal/shareddata"
)

// TestBreakfastBacktest backtests the README's models on the stores of
// Breakfast at the Frat whose id ends in 9 (about a sixth of the series) and
// checks the claims the README makes of the whole data: boosted trees beat
// seasonal naive on WAPE overall and on promotion weeks, and beat ridge.
func TestBreakfastBacktest(t *testing.T) {
	if testing.Short() {
		t.Skip("real-data backtest: skipped with -short")
	}
	if raceDetector {
		t.Skip("real-data backtest: skipped under -race (ten times slower; the other tests cover concurrency)")
	}
	trans := shareddata.Path(t, "breakfast_at_the_frat", "transaction.csv.gz")
	dir := filepath.Dir(trans)
	tmp := t.TempDir()
	spec := fmt.Sprintf(`time: {column: week_end_date, frequency: week, label: end}
keys: [store_id, upc_id]
target: units
known: [price, base_price, feature, display, tpr_only]
static: [category, manufacturer, seg_value_name]
attributes:
  - {file: %q, on: upc_id}
  - {file: %q, on: store_id}
promotion:
  price: {off: base_price}
  feature: {off: 0}
  display: {off: 0}
  tpr_only: {off: 0}
`, filepath.Join(dir, "product.csv"), filepath.Join(dir, "store.csv"))
	specPath := filepath.Join(tmp, "spec.yaml")
	if err := os.WriteFile(specPath, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	// A subset keeps the test to about a minute on two cores.
	ds, err := readSpec(specPath)
	if err != nil {
		t.Fatal(err)
	}
	hist, err := ds.History(trans)
	if err != nil {
		t.Fatal(err)
	}
	subset := filepath.Join(tmp, "subset.csv")
	if err := writeRows(hist, subset, func(r int) bool { return strings.HasSuffix(hist.Column("store_id").Str[r], "9") }); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "backtest", "--data", subset, "--spec", specPath, "--folds", "4", "--horizon", "2", "--gap", "1",
		"--models", "seasonal_naive,ridge,gbdt")
	if code != exitOK {
		t.Fatalf("backtest exited %d: %s", code, errs)
	}
	t.Log("\n" + out)
	wape := map[string][2]float64{}
	for _, line := range strings.Split(out, "\n") {
		f := append(strings.Fields(line), "")
		if _, seen := wape[f[0]]; len(f) > 3 && !seen && strings.HasSuffix(f[1], "%") && (f[0] == "seasonal_naive" || f[0] == "ridge" || f[0] == "gbdt") {
			var all, promo float64
			fmt.Sscanf(f[1], "%g%%", &all)
			fmt.Sscanf(f[2], "%g%%", &promo)
			wape[f[0]] = [2]float64{all, promo}
		}
	}
	sn, rg, gb := wape["seasonal_naive"], wape["ridge"], wape["gbdt"]
	if !(gb[0] > 0 && gb[0] < sn[0] && gb[1] < sn[1]) {
		t.Errorf("gbdt WAPE %v (overall, promo) does not beat seasonal naive %v", gb, sn)
	}
	if !(gb[0] < rg[0]) {
		t.Errorf("gbdt WAPE %v does not beat ridge %v overall", gb[0], rg[0])
	}
}

// writeRows writes the frame's rows that keep accepts as CSV.
func writeRows(f *data.Frame, path string, keep func(r int) bool) error {
	var rows []int
	for r := 0; r < f.Rows(); r++ {
		if keep(r) {
			rows = append(rows, r)
		}
	}
	cols := make([]*data.Column, len(f.Columns))
	for i, c := range f.Columns {
		nc := &data.Column{Name: c.Name, Kind: c.Kind}
		for _, r := range rows {
			if c.Kind == data.String {
				nc.Str = append(nc.Str, c.Str[r])
			} else {
				nc.Num = append(nc.Num, c.Num[r])
			}
		}
		cols[i] = nc
	}
	sub, err := data.NewFrame(path, cols)
	if err != nil {
		return err
	}
	return export.Write(path, sub)
}
