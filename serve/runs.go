package serve

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"promocast/registry"
)

// recorder writes runs to the registry in the background, in batches, so
// that a request never waits for the database, nor for encoding its run's
// parameters and summary: the writer encodes them. A batch gathers runs for up
// to runLinger after its first, so that a busy server commits a few
// transactions a second rather than one per request. When it falls behind,
// runs are dropped and counted rather than slowing requests down. It
// prunes the log to its retention when it starts and once RunRetention.Every
// has passed, and to MaxRuns after every batch, so the log holds at most
// MaxRuns plus one batch; the count's pruning deletes about a batch at a time
// rather than a long burst that would hold up requests.
type recorder struct {
	store   *registry.Store
	log     *slog.Logger
	dropped prometheus.Counter
	keep    RunRetention
	now     func() time.Time

	mu     sync.RWMutex
	closed bool
	ch     chan pendingRun
	done   chan struct{}
}

// pendingRun is a queued run whose Params and Summary the writer encodes
// as JSON from params and summary, which must not change once queued.
type pendingRun struct {
	run             registry.Run
	params, summary any
}

// encoded returns the run with its params and summary encoded; a value
// that cannot be encoded is recorded as null.
func (p pendingRun) encoded() registry.Run {
	r := p.run
	r.Params, _ = json.Marshal(p.params)
	r.Summary, _ = json.Marshal(p.summary)
	return r
}

const (
	runQueue  = 4096
	runBatch  = 512
	runLinger = 100 * time.Millisecond
)

func newRecorder(store *registry.Store, log *slog.Logger, dropped prometheus.Counter, keep RunRetention) *recorder {
	rc := &recorder{store: store, log: log, dropped: dropped, keep: keep, now: time.Now, ch: make(chan pendingRun, runQueue), done: make(chan struct{})}
	go rc.loop()
	return rc
}

// add queues a run without blocking; the writer encodes params and
// summary into its Params and Summary, so they must not change after the
// call.
func (rc *recorder) add(r registry.Run, params, summary any) {
	rc.mu.RLock()
	defer rc.mu.RUnlock()
	if rc.closed {
		rc.dropped.Inc()
		return
	}
	select {
	case rc.ch <- pendingRun{run: r, params: params, summary: summary}:
	default:
		rc.dropped.Inc()
	}
}

func (rc *recorder) loop() {
	defer close(rc.done)
	rc.prune()
	pruned := rc.now()
	batch := make([]registry.Run, 0, runBatch)
	linger := time.NewTimer(runLinger)
	for r := range rc.ch {
		batch = append(batch[:0], r.encoded())
		linger.Reset(runLinger)
	fill:
		for len(batch) < runBatch {
			select {
			case r, ok := <-rc.ch:
				if !ok {
					break fill
				}
				batch = append(batch, r.encoded())
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
		if rc.now().Sub(pruned) >= rc.keep.Every {
			rc.prune()
			pruned = rc.now()
		} else if rc.keep.MaxRuns >= 0 {
			rc.pruneCount()
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

// pruneCount deletes the runs beyond MaxRuns, the oldest first.
func (rc *recorder) pruneCount() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := rc.store.PruneRuns(ctx, rc.keep.MaxRuns, time.Time{}); err != nil {
		rc.log.Warn("could not prune the request log", "err", err)
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
