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
// runs are dropped and counted rather than slowing requests down.
type recorder struct {
	store   *registry.Store
	log     *slog.Logger
	dropped prometheus.Counter

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

func newRecorder(store *registry.Store, log *slog.Logger, dropped prometheus.Counter) *recorder {
	rc := &recorder{store: store, log: log, dropped: dropped, ch: make(chan registry.Run, runQueue), done: make(chan struct{})}
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
