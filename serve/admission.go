package serve

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// admission bounds the heavy work a server does at once: plan scoring
// routes (Route.Heavy) take one of MaxConcurrent slots for their work;
// when all are taken a request waits in a queue of at most MaxQueue for up
// to QueueWait. A full queue is answered 429 and a wait that runs out 503,
// both with Retry-After, so that clients back off instead of piling on.
// Work that outlasts Deadline is answered 503; it keeps its slot until it
// ends, so the bound on concurrent work holds even then (run).
type admission struct {
	slots   chan struct{}
	waiting atomic.Int64
	lim     *Limits
	queued  func(delta float64) // reports the queue length's change
}

func newAdmission(lim *Limits, queued func(float64)) *admission {
	return &admission{slots: make(chan struct{}, lim.MaxConcurrent), lim: lim, queued: queued}
}

type admissionKey struct{}

// admissionFrom returns the admission a heavy route's request runs under,
// or nil.
func admissionFrom(r *http.Request) *admission {
	a, _ := r.Context().Value(admissionKey{}).(*admission)
	return a
}

// retryAfter is the Retry-After header, in whole seconds, of a refusal.
func (a *admission) retryAfter() string {
	return strconv.Itoa(max(1, int(a.lim.QueueWait.Seconds())))
}

// acquire takes a slot, waiting in the queue when all are taken.
func (a *admission) acquire(ctx context.Context) error {
	select {
	case a.slots <- struct{}{}:
		return nil
	default:
	}
	if a.waiting.Add(1) > int64(a.lim.MaxQueue) {
		a.waiting.Add(-1)
		return &APIError{Status: http.StatusTooManyRequests, retryAfter: a.retryAfter(), Message: fmt.Sprintf(
			"busy: %d requests are being answered and %d are waiting, the most this server queues; retry later", a.lim.MaxConcurrent, a.lim.MaxQueue)}
	}
	a.queued(1)
	defer func() { a.waiting.Add(-1); a.queued(-1) }()
	t := time.NewTimer(a.lim.QueueWait)
	defer t.Stop()
	select {
	case a.slots <- struct{}{}:
		return nil
	case <-t.C:
		return &APIError{Status: http.StatusServiceUnavailable, retryAfter: a.retryAfter(), Message: fmt.Sprintf(
			"busy: no capacity within %v; retry later", a.lim.QueueWait)}
	case <-ctx.Done():
		return &APIError{Status: http.StatusServiceUnavailable, Message: "the request ended while it waited for capacity"}
	}
}

// run does work in a slot, on the request's goroutine, and returns its
// answer. Work that outlasts the deadline is answered 503 as the deadline
// passes, or the request ends (answered is then true, and the work's own answer,
// when it comes, is dropped): the response is written and flushed with
// "Connection: close", so the client has its answer at once while the
// work finishes, still holding its slot and its connection. Running the
// work on the request's goroutine, rather than handing it to another that
// the request waits for, spared a tenth of the server's CPU per single-row
// forecast (bench/load, Breakfast's default model: 100–101 µs a request
// against 110–114 µs).
func (a *admission) run(w http.ResponseWriter, r *http.Request, work func(*http.Request) (any, error)) (resp any, answered bool, err error) {
	if err := a.acquire(r.Context()); err != nil {
		return nil, false, err
	}
	defer func() { <-a.slots }()
	ctx, cancel := context.WithTimeout(r.Context(), a.lim.Deadline)
	defer cancel()
	var mu sync.Mutex
	done, late := false, false
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		if done {
			return
		}
		late = true
		w.Header().Set("Connection", "close")
		writeError(w, r, &APIError{Status: http.StatusServiceUnavailable, retryAfter: a.retryAfter(), Message: fmt.Sprintf(
			"the request needs more than this server's deadline of %v: send fewer rows or values", a.lim.Deadline)})
		_ = http.NewResponseController(w).Flush()
	})
	// Should the work panic, the callback must not answer while net/http
	// deals with the panic: stopping it runs before cancel does.
	defer stop()
	resp, err = work(r.WithContext(ctx))
	stop()
	mu.Lock()
	done, answered = true, late
	mu.Unlock()
	return resp, answered, err
}
