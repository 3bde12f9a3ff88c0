package registry

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestBacktestStoredWithVersion(t *testing.T) {
	st := open(t)
	ctx := context.Background()
	m, _, err := st.Register(ctx, Registration{Name: "shop", File: modelFiles(t)[0], DataFingerprint: "sha256:x"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Backtest(ctx, "shop", m.Version); !errors.Is(err, ErrNotFound) {
		t.Errorf("backtest before one is stored: %v, want ErrNotFound", err)
	}
	wape := 0.25
	bt := Backtest{Source: "test", Metrics: []BacktestMetric{{Model: "ridge", Scope: "overall", WAPE: &wape, Rows: 2}},
		Predictions: []BacktestPrediction{{Model: "ridge", Series: "S1", Period: "2025-01-01", Fold: 1, Actual: 3, Forecast: 2.5, Promoted: true}}}
	if err := st.SetBacktest(ctx, "shop", m.Version, bt); err != nil {
		t.Fatal(err)
	}
	got, err := st.Backtest(ctx, "shop", m.Version)
	if err != nil || !reflect.DeepEqual(got, bt) {
		t.Errorf("round trip: %+v %v, want %+v", got, err, bt)
	}
	bt.Source = "replaced"
	if err := st.SetBacktest(ctx, "shop", m.Version, bt); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Backtest(ctx, "shop", m.Version); got.Source != "replaced" {
		t.Errorf("second SetBacktest did not replace the first: %q", got.Source)
	}
	if err := st.SetBacktest(ctx, "shop", 9, bt); !errors.Is(err, ErrNotFound) {
		t.Errorf("backtest of an unregistered version: %v", err)
	}
}

func TestReadBacktestDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("metrics.csv", "model,scope,level,wape,mape,smape,rmse,rmspe,mase,bias,rows\n"+
		"gbdt,overall,,0.3,,0.4,2.5,,0.9,-0.01,10\ngbdt,fold,2025-01-01,0.2,0.1,0.3,2,0.5,0.8,0.02,5\n")
	write("predictions.csv", "model,series,period,fold,actual,forecast,promoted\ngbdt,S1,2025-01-02,1,4,3.5,1\ngbdt,S1,2025-01-03,1,0,0.5,0\n")
	bt, err := ReadBacktestDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(bt.Metrics) != 2 || bt.Metrics[0].MAPE != nil || *bt.Metrics[0].WAPE != 0.3 || bt.Metrics[1].Level != "2025-01-01" || bt.Metrics[0].Rows != 10 {
		t.Errorf("metrics = %+v", bt.Metrics)
	}
	want := []BacktestPrediction{{"gbdt", "S1", "2025-01-02", 1, 4, 3.5, true}, {"gbdt", "S1", "2025-01-03", 1, 0, 0.5, false}}
	if !reflect.DeepEqual(bt.Predictions, want) {
		t.Errorf("predictions = %+v", bt.Predictions)
	}
	write("predictions.csv", "model,series,period,fold,actual,forecast,promoted\ngbdt,S1,2025-01-02,1,4,3.5,1\ngbdt,S1,2025-01-03,1,many,0.5,0\n")
	if _, err := ReadBacktestDir(dir); err == nil || !strings.Contains(err.Error(), "predictions.csv:3: column actual") {
		t.Errorf("bad cell: %v", err)
	}
	write("predictions.csv", "model,series,period\n")
	if _, err := ReadBacktestDir(dir); err == nil || !strings.Contains(err.Error(), `no column "fold"`) {
		t.Errorf("missing column: %v", err)
	}
	if _, err := ReadBacktestDir(t.TempDir()); err == nil || !strings.Contains(err.Error(), "promocast backtest --out") {
		t.Errorf("empty folder: %v", err)
	}
}
