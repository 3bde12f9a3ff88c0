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

// A panic in one piece of work reaches the caller, where recover sees its
// value, after the other goroutines have returned.
func TestForRaisesAPanicOnTheCaller(t *testing.T) {
	var ran atomic.Int32
	got := func() (r any) {
		defer func() { r = recover() }()
		For(100, 4, func(i int) {
			ran.Add(1)
			if i == 7 {
				panic("piece 7 failed")
			}
		})
		return nil
	}()
	if got != "piece 7 failed" {
		t.Errorf("recovered %v, want the piece's panic", got)
	}
	if n := ran.Load(); n < 8 || n > 100 {
		t.Errorf("%d pieces ran, want from 8 to 100", n)
	}
}
