package results

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestReadDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("metrics.csv", "model,scope,level,wape,mape,smape,rmse,rmspe,mase,bias,rows\n"+
		"gbdt,overall,,0.3,,0.4,2.5,,0.9,-0.01,10\ngbdt,fold,2025-01-01,0.2,0.1,0.3,2,0.5,0.8,0.02,5\n")
	write("predictions.csv", "model,series,period,fold,actual,forecast,promoted\ngbdt,S1,2025-01-02,1,4,3.5,1\ngbdt,S1,2025-01-03,1,0,0.5,0\n")
	bt, err := ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(bt.Metrics) != 2 || bt.Metrics[0].MAPE != nil || *bt.Metrics[0].WAPE != 0.3 || bt.Metrics[1].Level != "2025-01-01" || bt.Metrics[0].Rows != 10 {
		t.Errorf("metrics = %+v", bt.Metrics)
	}
	want := []Prediction{{"gbdt", "S1", "2025-01-02", 1, 4, 3.5, true, nil, nil, nil}, {"gbdt", "S1", "2025-01-03", 1, 0, 0.5, false, nil, nil, nil}}
	if !reflect.DeepEqual(bt.Predictions, want) {
		t.Errorf("predictions = %+v", bt.Predictions)
	}
	write("predictions.csv", "model,series,period,fold,actual,forecast,promoted\ngbdt,S1,2025-01-02,1,4,3.5,1\ngbdt,S1,2025-01-03,1,many,0.5,0\n")
	if _, err := ReadDir(dir); err == nil || !strings.Contains(err.Error(), "predictions.csv:3: column actual") {
		t.Errorf("bad cell: %v", err)
	}
	write("predictions.csv", "model,series,period\n")
	if _, err := ReadDir(dir); err == nil || !strings.Contains(err.Error(), `no column "fold"`) {
		t.Errorf("missing column: %v", err)
	}
	if _, err := ReadDir(t.TempDir()); err == nil || !strings.Contains(err.Error(), "promocast backtest --out") {
		t.Errorf("empty folder: %v", err)
	}
}
