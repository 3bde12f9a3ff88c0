package serve

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"promocast/registry"
)

// recorder writes runs to the registry in the background, in batches, so
// that a request never waits for the database. A batch gathers runs for up
// to runLinger after its first, so that a busy server commits a few
// transactions a second rather than one per request. When it falls behind,
// runs are dropped and counted rather than slowing requests down. It
// prunes the log to its retention when it starts, and between batches once
// RunRetention.Every has passed or a tenth of MaxRuns were recorded, so the
// log holds at most about 1.1 × MaxRuns plus one batch.
type recorder struct {
	store   *registry.Store
	log     *slog.Logger
	dropped prometheus.Counter
	keep    RunRetention
	now     func() time.Time

	mu     sync.RWMutex
	closed bool
	ch     chan registry.Run
	done   chan struct{}
}

const (
	runQueue  = 4096
	runBatch  = 512
	runLinger = 100 * time.Millisecond
)

func newRecorder(store *registry.Store, log *slog.Logger, dropped prometheus.Counter, keep RunRetention) *recorder {
	rc := &recorder{store: store, log: log, dropped: dropped, keep: keep, now: time.Now, ch: make(chan registry.Run, runQueue), done: make(chan struct{})}
	go rc.loop()
	return rc
}

// add queues a run without blocking.
func (rc *recorder) add(r registry.Run) {
	rc.mu.RLock()
	defer rc.mu.RUnlock()
	if rc.closed {
		rc.dropped.Inc()
		return
	}
	select {
	case rc.ch <- r:
	default:
		rc.dropped.Inc()
	}
}

func (rc *recorder) loop() {
	defer close(rc.done)
	rc.prune()
	pruned, since := rc.now(), 0 // since: runs recorded since the last prune
	batch := make([]registry.Run, 0, runBatch)
	linger := time.NewTimer(runLinger)
	for r := range rc.ch {
		batch = append(batch[:0], r)
		linger.Reset(runLinger)
	fill:
		for len(batch) < runBatch {
			select {
			case r, ok := <-rc.ch:
				if !ok {
					break fill
				}
				batch = append(batch, r)
			case <-linger.C:
				break fill
			}
		}
		linger.Stop()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := rc.store.RecordRuns(ctx, batch); err != nil {
			rc.log.Warn("could not record runs", "runs", len(batch), "err", err)
		}
		cancel()
		since += len(batch)
		if rc.now().Sub(pruned) >= rc.keep.Every || rc.keep.MaxRuns > 0 && since >= max(1, rc.keep.MaxRuns/10) {
			rc.prune()
			pruned, since = rc.now(), 0
		}
	}
}

// prune deletes the runs beyond the retention.
func (rc *recorder) prune() {
	var cutoff time.Time
	if rc.keep.MaxAge > 0 {
		cutoff = rc.now().Add(-rc.keep.MaxAge)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	n, err := rc.store.PruneRuns(ctx, rc.keep.MaxRuns, cutoff)
	if err != nil {
		rc.log.Warn("could not prune the request log", "err", err)
	} else if n > 0 {
		rc.log.Info("pruned the request log", "runs", n, "keep", rc.keep.MaxRuns, "max_age", rc.keep.MaxAge)
	}
}

// close records what is queued and stops.
func (rc *recorder) close() {
	rc.mu.Lock()
	if !rc.closed {
		rc.closed = true
		close(rc.ch)
	}
	rc.mu.Unlock()
	<-rc.done
}
