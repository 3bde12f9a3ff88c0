package serve

import (
	"net/http"
	"sync"
	"testing"
	"time"
)

// slowRoute registers a heavy route that signals started when its work
// begins and answers when release is closed.
func slowRoute(t *testing.T, e *env) (started chan struct{}, release chan struct{}) {
	started, release = make(chan struct{}, 10), make(chan struct{})
	rt := heavy(JSONRoute("POST", "/v1/slow", "waits", ScopePublic, &e.srv.opt.Limits, func(*http.Request, *NoBody) (*Health, error) {
		started <- struct{}{}
		<-release
		return &Health{Status: "ok"}, nil
	}))
	if err := e.srv.Register(rt); err != nil {
		t.Fatal(err)
	}
	return started, release
}

// TestAdmissionQueue fills the one work slot and the one queue place: the
// next request is refused 429, the queued one 503 when its wait runs out,
// both with Retry-After; the first is answered once it finishes.
func TestAdmissionQueue(t *testing.T) {
	e := newEnv(t, Options{Limits: Limits{MaxConcurrent: 1, MaxQueue: 1, QueueWait: 300 * time.Millisecond, Deadline: 10 * time.Second}})
	started, release := slowRoute(t, e)
	var wg sync.WaitGroup
	codes := make([]int, 2)
	wg.Add(1)
	go func() { defer wg.Done(); codes[0], _ = e.call(t, "POST", "/v1/slow", "", nil) }()
	<-started
	wg.Add(1)
	go func() { defer wg.Done(); codes[1], _ = e.call(t, "POST", "/v1/slow", "", nil) }()
	for e.srv.admit.waiting.Load() != 1 {
		time.Sleep(time.Millisecond)
	}
	req, _ := http.NewRequest("POST", e.http.URL+"/v1/slow", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("beyond the queue: %d, Retry-After %q; want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	time.Sleep(400 * time.Millisecond) // the queued request's wait runs out
	close(release)
	wg.Wait()
	if codes[0] != 200 || codes[1] != 503 {
		t.Errorf("statuses %v, want [200 503]", codes)
	}
}

// TestAdmissionDeadline answers 503 when work outlasts the deadline, and
// keeps the slot taken until the work ends.
func TestAdmissionDeadline(t *testing.T) {
	e := newEnv(t, Options{Limits: Limits{MaxConcurrent: 1, MaxQueue: 1, QueueWait: 50 * time.Millisecond, Deadline: 100 * time.Millisecond}})
	_, release := slowRoute(t, e)
	start := time.Now()
	code, body := e.call(t, "POST", "/v1/slow", "", nil)
	if code != 503 || time.Since(start) > 5*time.Second {
		t.Fatalf("past the deadline: %d %s after %v", code, body, time.Since(start))
	}
	if code, _ := e.call(t, "POST", "/v1/slow", "", nil); code != 503 {
		t.Errorf("while the late work still runs: %d, want 503 (no free slot)", code)
	}
	close(release)
	for len(e.srv.admit.slots) != 0 {
		time.Sleep(time.Millisecond)
	}
	if code, body := e.call(t, "POST", "/v1/forecast", "", ForecastRequest{Rows: e.shop.planRows(1)}); code != 200 {
		t.Errorf("after the work ended: %d %s", code, body)
	}
}

// TestAdmissionPanic: work that panics on the request's goroutine is
// net/http's to recover (the connection is closed, no answer is made up
// for it), and its slot is released.
func TestAdmissionPanic(t *testing.T) {
	e := newEnv(t, Options{Limits: Limits{MaxConcurrent: 1, MaxQueue: 1, QueueWait: 50 * time.Millisecond, Deadline: 10 * time.Second}})
	rt := heavy(JSONRoute("POST", "/v1/panics", "panics", ScopePublic, &e.srv.opt.Limits, func(*http.Request, *NoBody) (*Health, error) {
		panic("work failed")
	}))
	if err := e.srv.Register(rt); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", e.http.URL+"/v1/panics", nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("a panicking request was answered %d", resp.StatusCode)
	}
	if n := len(e.srv.admit.slots); n != 0 {
		t.Errorf("%d slots still taken after the panic", n)
	}
	if code, body := e.call(t, "POST", "/v1/forecast", "", ForecastRequest{Rows: e.shop.planRows(1)}); code != 200 {
		t.Errorf("after the panic: %d %s", code, body)
	}
}
