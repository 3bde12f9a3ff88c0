// Package parallel runs independent pieces of work on several goroutines.
package parallel

import (
	"sync"
	"sync/atomic"
)

// For calls fn(i) for i in [0, n) on up to threads goroutines, handing out
// indices in order as goroutines free up; with threads ≤ 1 or n ≤ 1 it
// runs them in order on the calling goroutine. Callers make fn's results
// independent of which goroutine runs it, so the outcome does not depend
// on threads. A panic in fn stops the handing out of indices and is
// raised again on the calling goroutine once the others have returned, so
// that the caller's recovery sees it as it would without the goroutines.
func For(n, threads int, fn func(i int)) {
	if threads <= 1 || n <= 1 {
		for i := 0; i < n; i++ {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	var crashed any
	for t := 0; t < min(threads, n); t++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					once.Do(func() { crashed = r })
					next.Store(int64(n))
				}
			}()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
	if crashed != nil {
		panic(crashed)
	}
}
