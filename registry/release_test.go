package registry

import (
	"context"
	"errors"
	"testing"

	"promocast/backtest/results"
)

// TestRelease checks that Release registers, stores the backtest and
// promotes in order, and that on a failing step it reports the steps done
// before it.
func TestRelease(t *testing.T) {
	st := open(t)
	ctx := context.Background()
	files := modelFiles(t)
	bad := errors.New("no metrics")
	r, err := st.Release(ctx, Release{Registration: Registration{Name: "shop", File: files[0], DataFingerprint: "sha256:x"},
		Backtest: func() (results.Results, error) { return results.Results{}, bad }, Promote: true})
	if !errors.Is(err, bad) || r.Model.Version != 1 || r.Existed || r.Backtest != nil || r.Live {
		t.Fatalf("failing backtest: %+v, %v", r, err)
	}
	if _, err := st.Live(ctx, "shop"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a version whose backtest failed went live: %v", err)
	}
	bt := results.Results{Source: "test"}
	r, err = st.Release(ctx, Release{Registration: Registration{Name: "shop", File: files[0], DataFingerprint: "sha256:x"},
		Backtest: func() (results.Results, error) { return bt, nil }, Promote: true})
	if err != nil || r.Model.Version != 1 || !r.Existed || r.Backtest == nil || r.Backtest.Source != "test" || !r.Live {
		t.Fatalf("release of the registered file: %+v, %v", r, err)
	}
	if live, err := st.Live(ctx, "shop"); err != nil || live.Version != 1 {
		t.Errorf("live %+v, %v", live, err)
	}
	if got, err := st.Backtest(ctx, "shop", 1); err != nil || got.Source != "test" {
		t.Errorf("stored backtest %+v, %v", got, err)
	}
	r, err = st.Release(ctx, Release{Registration: Registration{Name: "shop", File: files[1], DataFingerprint: "sha256:x"}})
	if err != nil || r.Model.Version != 2 || r.Existed || r.Backtest != nil || r.Live {
		t.Fatalf("plain registration: %+v, %v", r, err)
	}
	if live, _ := st.Live(ctx, "shop"); live.Version != 1 {
		t.Errorf("a release without Promote changed the live version to %d", live.Version)
	}
	if r, err := st.Release(ctx, Release{Registration: Registration{Name: "shop", File: []byte("junk")}}); err == nil || r.Model.Version != 0 {
		t.Errorf("a refused file: %+v, %v", r, err)
	}
}
