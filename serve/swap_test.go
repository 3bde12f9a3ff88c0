package serve

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"promocast/modelfile"
	"promocast/registry"
)

// reference returns each version's forecasts of the rows, scored directly.
func reference(t *testing.T, e *env, rows []PlanRow) map[int][]float64 {
	t.Helper()
	ref := map[int][]float64{}
	for i, f := range e.shop.files {
		mf, err := modelfile.Decode(f, "fixture")
		if err != nil {
			t.Fatal(err)
		}
		plan, err := newPlanColumns(&mf.Model.Spec).frame(rows)
		if err != nil {
			t.Fatal(err)
		}
		res, err := mf.Model.Forecast(e.shop.history, plan)
		if err != nil {
			t.Fatal(err)
		}
		ref[i+1] = res.Forecast
	}
	return ref
}

// TestHotSwapUnderLoad hammers /v1/forecast from several goroutines while
// promoting back and forth: no request may fail, and every response must
// be wholly from the version it names.
func TestHotSwapUnderLoad(t *testing.T) {
	e := newEnv(t, Options{InsecureAdmin: true})
	rows := e.shop.planRows(12)
	ref := reference(t, e, rows)
	if ref[1][0] == ref[2][0] {
		t.Fatal("fixture versions forecast alike; the test could not tell them apart")
	}
	const workers = 4
	requests := 60
	if testing.Short() {
		requests = 15
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[int]int{}
	stop := make(chan struct{})
	errs := make(chan error, workers*requests+100)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range requests {
				code, body := e.call(t, "POST", "/v1/forecast", "", ForecastRequest{Rows: rows})
				if code != 200 {
					errs <- fmt.Errorf("worker %d request %d: %d %s", w, i, code, body)
					continue
				}
				got := decode[ForecastResponse](t, body)
				want := ref[got.Model.Version]
				for r, row := range got.Rows {
					if row.Forecast != want[r] {
						errs <- fmt.Errorf("worker %d request %d: row %d forecast %v is not version %d's %v", w, i, r, row.Forecast, got.Model.Version, want[r])
						break
					}
				}
				if (got.Model.Version == 1) != (len(got.Levels) == 3) {
					errs <- fmt.Errorf("version %d answered with levels %v", got.Model.Version, got.Levels)
				}
				mu.Lock()
				seen[got.Model.Version]++
				mu.Unlock()
			}
		}()
	}
	swaps := 0
	go func() {
		defer close(stop)
		for i := 0; ; i++ {
			v := 2 - i%2
			var code int
			var body []byte
			if i%4 == 3 {
				code, body = e.call(t, "POST", "/v1/models/shop/rollback", "", nil)
			} else {
				code, body = e.call(t, "POST", "/v1/models/shop/promote", "", PromoteRequest{Version: v})
			}
			if code != 200 {
				errs <- fmt.Errorf("swap %d: %d %s", i, code, body)
				return
			}
			swaps++
			time.Sleep(2 * time.Millisecond)
			mu.Lock()
			done := seen[1]+seen[2] >= workers*requests
			mu.Unlock()
			if done || swaps > 1000 {
				return
			}
		}
	}()
	wg.Wait()
	<-stop
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if seen[1] == 0 || seen[2] == 0 || swaps < 4 {
		t.Errorf("answers per version %v after %d swaps: the swap was not exercised", seen, swaps)
	}
	live, err := e.store.Live(t.Context(), "shop")
	if err != nil || live.Version != e.srv.Live().Entry.Version {
		t.Errorf("registry live %d, server live %d (%v)", live.Version, e.srv.Live().Entry.Version, err)
	}
}

// TestDamagedModelRefused checks that a version whose stored file is
// damaged, or whose history changed, is refused and the live model stays.
func TestDamagedModelRefused(t *testing.T) {
	e := newEnv(t, Options{InsecureAdmin: true})
	ctx := t.Context()
	// A third version registered against a history the loader does not have.
	m3, _, err := e.store.Register(ctx, registry.Registration{Name: "shop", File: e.shop.files[1], DataSource: "gone.csv", DataFingerprint: "sha256:other"})
	if err != nil {
		t.Fatal(err)
	}
	code, body := e.call(t, "POST", "/v1/models/shop/promote", "", PromoteRequest{Version: m3.Version})
	if code != 422 || !strings.Contains(apiError(t, body).Message, "live model stays live") {
		t.Errorf("promote with a missing history: %d %s", code, body)
	}
	// Damage version 2's stored bytes behind the registry's back.
	db, err := sql.Open("sqlite", "file:"+e.db+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE models SET file = CAST(replace(CAST(file AS TEXT), '"horizon":', '"horizon": ') AS BLOB) WHERE name = 'shop' AND version = 2`); err != nil {
		t.Fatal(err)
	}
	code, body = e.call(t, "POST", "/v1/models/shop/promote", "", PromoteRequest{Version: 2})
	if code != 422 || !strings.Contains(apiError(t, body).Message, "damaged") {
		t.Errorf("promote of a damaged version: %d %s", code, body)
	}
	if v := e.srv.Live().Entry.Version; v != 1 {
		t.Errorf("version %d is live after refused promotions, want 1", v)
	}
	if live, _ := e.store.Live(ctx, "shop"); live.Version != 1 {
		t.Errorf("registry made version %d live", live.Version)
	}
	if code, body := e.call(t, "POST", "/v1/forecast", "", ForecastRequest{Rows: e.shop.planRows(2)}); code != 200 {
		t.Errorf("forecast after refused promotions: %d %s", code, body)
	}
}

// TestRegistryChangeIsPickedUp promotes in the registry, as 'promocast
// models promote' does from another process, and waits for the poll.
func TestRegistryChangeIsPickedUp(t *testing.T) {
	e := newEnv(t, Options{})
	srv, err := New(e.store, e.shop.loader, Options{Name: "shop", PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if err := srv.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	if _, err := e.store.Promote(t.Context(), "shop", 2); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for srv.Live().Entry.Version != 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if v := srv.Live().Entry.Version; v != 2 {
		t.Errorf("server still serves version %d after the registry promoted 2", v)
	}
	cancel()
	if err := <-done; err != nil {
		t.Error(err)
	}
}

// TestUnservableRegistryVersion makes, behind the server's back, a version
// live whose history the loader cannot read: the server keeps serving, its
// readiness says "stale" and why, and says "ok" again once the registry is
// rolled back to the served version.
func TestUnservableRegistryVersion(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := t.Context()
	m, _, err := e.store.Register(ctx, registry.Registration{Name: "shop", File: e.shop.files[1], SourcePath: "v3.json",
		DataSource: "elsewhere", DataFingerprint: "sha256:unknown"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Promote(ctx, "shop", m.Version); err != nil { // a store without a check
		t.Fatal(err)
	}
	if err := e.srv.sync(ctx); err != nil {
		t.Fatalf("sync: %v", err)
	}
	_, body := e.call(t, "GET", "/readyz", "", nil)
	if e.srv.Live().Entry.Version != 1 || !strings.Contains(string(body), `"status":"stale"`) || !strings.Contains(string(body), "version 3 cannot be served") {
		t.Errorf("after an unservable promotion: serving %d, /readyz %s", e.srv.Live().Entry.Version, body)
	}
	if _, err := e.store.Rollback(ctx, "shop"); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.sync(ctx); err != nil {
		t.Fatalf("sync: %v", err)
	}
	if _, body := e.call(t, "GET", "/readyz", "", nil); !strings.Contains(string(body), `"status":"ok"`) {
		t.Errorf("after the rollback: /readyz %s", body)
	}
	// A fresh server starts on the newest servable live version.
	srv, err := New(e.store, e.shop.loader, Options{Name: "shop", PollInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if _, err := e.store.Promote(ctx, "shop", m.Version); err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(ctx); err != nil || srv.Live().Entry.Version != 1 || srv.Problem() == "" {
		t.Errorf("fresh start: %v, serving %v, problem %q", err, srv.Live(), srv.Problem())
	}
}

// TestGracefulShutdown cancels Serve while a request is in flight: the
// request must finish with its full answer, new connections must be
// refused, and Serve must return nil.
func TestGracefulShutdown(t *testing.T) {
	e := newEnv(t, Options{})
	srv, err := New(e.store, e.shop.loader, Options{Name: "shop", PollInterval: -1, ShutdownTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	entered, release := make(chan struct{}), make(chan struct{})
	type slow struct {
		Done bool `json:"done"`
	}
	// A later endpoint plugs in the same way (the /v1/explain hook).
	err = srv.Register(JSONRoute("GET", "/v1/slow", "Answers when the test says so", ScopeRead, &srv.opt.Limits,
		func(*http.Request, *NoBody) (*slow, error) {
			close(entered)
			<-release
			return &slow{Done: true}, nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()

	type answer struct {
		code int
		body string
		err  error
	}
	inflight := make(chan answer, 1)
	go func() {
		resp, err := http.Get("http://" + addr + "/v1/slow")
		if err != nil {
			inflight <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		inflight <- answer{resp.StatusCode, string(b), err}
	}()
	<-entered
	cancel()
	// Once shutdown began, the listener is closed.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("still accepting connections after shutdown began")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !srv.draining.Load() {
		t.Error("not draining during shutdown")
	}
	select {
	case err := <-served:
		t.Fatalf("Serve returned %v with a request in flight", err)
	default:
	}
	close(release)
	a := <-inflight
	if a.err != nil || a.code != 200 || !strings.Contains(a.body, `"done":true`) {
		t.Errorf("in-flight request: %d %q %v", a.code, a.body, a.err)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve after graceful shutdown: %v", err)
	}
	if err := srv.Register(JSONRoute("GET", "/v1/slow", "again", ScopeRead, &srv.opt.Limits,
		func(*http.Request, *NoBody) (*slow, error) { return nil, errors.New("unused") })); err == nil {
		t.Error("registering a route twice should fail")
	}
}
