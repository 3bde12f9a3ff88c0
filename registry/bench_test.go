package registry

import (
	"strings"
	"testing"
	"time"
)

// requestRuns returns n runs shaped like a server's single-row forecasts:
// small parameters and a summary of a few hundred bytes.
func requestRuns(n int) []Run {
	summary := []byte(`{"group":"all","rows":1,"forecast":271.1,"baseline":74.6,"uplift":196.4,"parts":{"own_lift":196.4,"halo":0.002},"money":{"revenue":677.8,"baseline_revenue":229.1}` + strings.Repeat(" ", 200) + `}`)
	runs := make([]Run, n)
	for i := range runs {
		runs[i] = Run{Kind: "forecast", Model: "default", Version: 1, Params: []byte(`{"by":"","rows":1}`), Summary: summary, Millis: 0.15}
	}
	return runs
}

// BenchmarkRecordRuns records batches of 512 runs, as the server's
// recorder does under load; ns/op is per run.
func BenchmarkRecordRuns(b *testing.B) {
	st := open(b)
	batch := requestRuns(512)
	b.ResetTimer()
	for done := 0; done < b.N; done += len(batch) {
		if err := st.RecordRuns(b.Context(), batch[:min(len(batch), b.N-done)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPruneRuns prunes a log of 110,000 runs to its newest 100,000
// (10,000 at once, where the server's recorder prunes about a batch after
// each batch); ns/op is per prune (the recording between prunes is not
// timed).
func BenchmarkPruneRuns(b *testing.B) {
	st := open(b)
	batch := requestRuns(10000)
	for range 10 {
		if err := st.RecordRuns(b.Context(), batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		if err := st.RecordRuns(b.Context(), batch); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if n, err := st.PruneRuns(b.Context(), 100000, time.Time{}); err != nil || n != 10000 {
			b.Fatalf("pruned %d, %v", n, err)
		}
	}
}
