package registry

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"promocast/backtest/results"
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
	bt := results.Results{Source: "test", Metrics: []results.Metric{{Model: "ridge", Scope: "overall", WAPE: &wape, Rows: 2}},
		Predictions: []results.Prediction{{Model: "ridge", Series: "S1", Period: "2025-01-01", Fold: 1, Actual: 3, Forecast: 2.5, Promoted: true}}}
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
