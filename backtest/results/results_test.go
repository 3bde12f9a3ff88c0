package results

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the current writer")

func ptr(v float64) *float64 { return &v }

// sample holds two models, an undefined metric, a segment, a first-fold
// row without an interval and one with.
func sample(source string) Results {
	return Results{Source: source,
		Metrics: []Metric{
			{Model: "gbdt", Scope: "overall", WAPE: ptr(0.3125), MAPE: nil, SMAPE: ptr(0.4), RMSE: ptr(2.5), RMSPE: ptr(0.75), MASE: ptr(0.9), Bias: ptr(-0.01), Rows: 4},
			{Model: "gbdt", Scope: "fold", Level: "2025-01-01", WAPE: ptr(0.2), MAPE: ptr(0.1), SMAPE: ptr(0.3), RMSE: ptr(2), RMSPE: ptr(0.5), MASE: ptr(0.8), Bias: ptr(0.02), Rows: 2},
			{Model: "ridge", Scope: "segment category", Level: "snacks", WAPE: ptr(0.5), Rows: 4},
		},
		Predictions: []Prediction{
			{Model: "gbdt", Series: "00042", Period: "2025-01-02", Fold: 1, Actual: 4, Forecast: 3.5, Promoted: true},
			{Model: "gbdt", Series: "00042", Period: "2025-01-09", Fold: 2, Actual: 0, Forecast: 0.5, P10: ptr(0), P90: ptr(1.25), Expected: ptr(0.625)},
		}}
}

// TestGolden pins the bytes of a backtest folder and reads them back
// whole: what WriteDir writes, ReadDir returns.
func TestGolden(t *testing.T) {
	dir := t.TempDir()
	if err := WriteDir(dir, sample(dir)); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{MetricsFile, PredictionsFile} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", "golden", name)
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (write it with -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s:\n%s", name, golden, got)
		}
	}
	back, err := ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := sample(dir); !reflect.DeepEqual(back, want) {
		t.Errorf("read back\n%+v\nwant\n%+v", back, want)
	}
}
