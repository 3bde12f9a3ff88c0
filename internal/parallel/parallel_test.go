package parallel

import (
	"sync/atomic"
	"testing"
)

// TestForVisitsEachIndexOnce checks every index runs exactly once for
// serial and parallel thread counts, including n below threads.
func TestForVisitsEachIndexOnce(t *testing.T) {
	for _, c := range []struct{ n, threads int }{{0, 4}, {1, 4}, {3, 8}, {100, 1}, {100, 3}} {
		counts := make([]atomic.Int32, c.n)
		For(c.n, c.threads, func(i int) { counts[i].Add(1) })
		for i := range counts {
			if got := counts[i].Load(); got != 1 {
				t.Errorf("n=%d threads=%d: index %d ran %d times", c.n, c.threads, i, got)
			}
		}
	}
}
