package serve

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"promocast/registry"
)

// TestRecorderKeepsEveryRunOnClose checks the request log's writer: runs
// added from several goroutines at once, faster than the registry commits
// them, are all recorded once close returns (an orderly shutdown loses
// none), each once; a run added after close is counted as dropped, not
// written and not blocking.
func TestRecorderKeepsEveryRunOnClose(t *testing.T) {
	ctx := t.Context()
	st, err := registry.Open(ctx, filepath.Join(t.TempDir(), "registry.db"), registry.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	reg := prometheus.NewRegistry()
	dropped := prometheus.NewCounter(prometheus.CounterOpts{Name: "dropped_total", Help: "runs dropped"})
	reg.MustRegister(dropped)
	droppedRuns := func() float64 {
		mfs, err := reg.Gather()
		if err != nil || len(mfs) != 1 {
			t.Fatalf("gather: %v, %d families", err, len(mfs))
		}
		return mfs[0].GetMetric()[0].GetCounter().GetValue()
	}
	rc := newRecorder(st, slog.New(slog.DiscardHandler), dropped, RunRetention{MaxRuns: -1, MaxAge: -1, Every: time.Hour})
	const workers, each = 4, 600 // 2,400 runs: several batches, within the queue
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				rc.add(registry.Run{Kind: "forecast", Model: "m", Version: 1, Millis: 0.1}, map[string]int{"w": w, "i": i}, nil)
			}
		})
	}
	wg.Wait()
	rc.close()
	if n := droppedRuns(); n != 0 {
		t.Fatalf("%v runs dropped with the queue never full", n)
	}
	runs, err := st.Runs(ctx, 2*workers*each)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, r := range runs {
		seen[string(r.Params)]++
	}
	for w := range workers {
		for i := range each {
			if k := fmt.Sprintf(`{"i":%d,"w":%d}`, i, w); seen[k] != 1 {
				t.Fatalf("run %s recorded %d times; %d runs in all, want %d", k, seen[k], len(runs), workers*each)
			}
		}
	}
	if len(runs) != workers*each {
		t.Fatalf("%d runs recorded, want %d", len(runs), workers*each)
	}
	rc.add(registry.Run{Kind: "forecast", Model: "m", Version: 1}, nil, nil)
	rc.close() // a second close is harmless
	if n := droppedRuns(); n != 1 {
		t.Errorf("a run added after close: %v dropped, want 1", n)
	}
	if runs, _ := st.Runs(ctx, 2*workers*each); len(runs) != workers*each {
		t.Errorf("a run added after close was written: %d runs", len(runs))
	}
}
