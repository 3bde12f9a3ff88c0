package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"promocast/registry"
)

// Server answers the promocast HTTP API with the live version of one
// registered model. Build it with New, load the live model with Start,
// then Serve.
type Server struct {
	opt     Options
	log     *slog.Logger
	store   *registry.Store
	load    Loader
	auth    *auth
	metrics *metrics

	live   atomic.Pointer[Live]
	swapMu sync.Mutex // serialises Start, Promote, Rollback and sync

	routes  []Route
	wrapped []http.Handler            // routes' handlers behind metrics and auth
	byPath  map[string]map[string]int // path → method → index into routes
	mux     *http.ServeMux
	handler http.Handler

	draining atomic.Bool
	problem  atomic.Pointer[string] // see Problem
	admit    *admission
	runs     *recorder
}

// New returns a server of the store's model named opt.Name; load reads the
// histories models score against.
func New(store *registry.Store, load Loader, opt Options) (*Server, error) {
	opt, err := opt.validate()
	if err != nil {
		return nil, err
	}
	if err := registry.CheckName(opt.Name); err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	if store == nil || load == nil {
		return nil, fmt.Errorf("serve: New needs a registry store and a history loader")
	}
	s := &Server{opt: opt, log: opt.Logger, store: store, load: load, auth: newAuth(opt.Tokens, opt.InsecureAdmin),
		metrics: newMetrics(), byPath: map[string]map[string]int{}, mux: http.NewServeMux()}
	s.admit = newAdmission(&s.opt.Limits, s.metrics.queued.Add)
	s.runs = newRecorder(store, s.log, s.metrics.runsDrop, opt.Runs)
	s.mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, Errorf(http.StatusNotFound, "", "no route %s %s: see /openapi.json for the API", r.Method, r.URL.Path))
	}))
	for _, rt := range s.builtinRoutes() {
		if err := s.Register(rt); err != nil {
			return nil, err
		}
	}
	s.mountPage()
	s.handler = s.withLogger(s.mux)
	return s, nil
}

// Register adds a route to the router and to the API document. Call it
// before the server answers requests. It fails on a duplicate route or an
// undocumented one (no summary or response type).
func (s *Server) Register(rt Route) error {
	if err := rt.check(); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	methods := s.byPath[rt.Path]
	if _, dup := methods[rt.Method]; dup {
		return fmt.Errorf("serve: route %s %s registered twice", rt.Method, rt.Path)
	}
	if methods == nil {
		methods = map[string]int{}
		s.byPath[rt.Path] = methods
		s.mux.Handle(rt.Path, s.dispatch(rt.Path, methods))
	}
	methods[rt.Method] = len(s.routes)
	s.routes = append(s.routes, rt)
	s.wrapped = append(s.wrapped, s.metrics.instrument(rt.Path, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.auth.check(r, rt.Scope); err != nil {
			writeError(w, r, err)
			return
		}
		if rt.Heavy {
			r = r.WithContext(context.WithValue(r.Context(), admissionKey{}, s.admit))
		}
		rt.Handler.ServeHTTP(w, r)
	})))
	return nil
}

// Routes returns the registered routes, sorted by path then method.
func (s *Server) Routes() []Route {
	out := append([]Route(nil), s.routes...)
	sort.Slice(out, func(a, b int) bool {
		if out[a].Path != out[b].Path {
			return out[a].Path < out[b].Path
		}
		return out[a].Method < out[b].Method
	})
	return out
}

// OpenAPI returns the API document (OpenAPI 3.1) of the registered routes.
func (s *Server) OpenAPI() map[string]any { return openAPI(s.Routes(), s.opt.Version) }

// dispatch picks a path's route by method, answering 405 with the allowed
// methods otherwise, then authorises, then answers.
func (s *Server) dispatch(path string, methods map[string]int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, ok := methods[r.Method]
		if !ok && r.Method == http.MethodHead {
			i, ok = methods[http.MethodGet]
		}
		if !ok {
			allow := make([]string, 0, len(methods))
			for m := range methods {
				allow = append(allow, m)
			}
			sort.Strings(allow)
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeError(w, r, Errorf(http.StatusMethodNotAllowed, "", "%s %s: expected %s", r.Method, path, strings.Join(allow, " or ")))
			return
		}
		s.wrapped[i].ServeHTTP(w, r)
	})
}

type loggerKey struct{}

func (s *Server) withLogger(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), loggerKey{}, s.log)))
	})
}

func loggerFrom(r *http.Request) *slog.Logger {
	l, _ := r.Context().Value(loggerKey{}).(*slog.Logger)
	return l
}

// Handler returns the server's HTTP handler, for tests and for mounting
// under another server.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve answers requests on ln until ctx ends, then shuts down gracefully:
// it stops accepting connections, reports not ready, waits up to
// ShutdownTimeout for requests in flight to finish and flushes the run
// records. It returns nil after a clean shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if s.live.Load() == nil {
		return fmt.Errorf("serve: no live model: call Start first")
	}
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.opt.ReadHeaderTimeout,
		ReadTimeout:       s.opt.ReadTimeout,
		WriteTimeout:      s.opt.WriteTimeout,
		IdleTimeout:       s.opt.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	pollCtx, stopPoll := context.WithCancel(ctx)
	defer stopPoll()
	if s.opt.PollInterval > 0 {
		go s.poll(pollCtx)
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	s.log.Info("serving", "addr", ln.Addr().String(), "model", s.opt.Name, "version", s.live.Load().Entry.Version)
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.draining.Store(true)
	s.log.Info("shutting down: finishing requests in flight", "timeout", s.opt.ShutdownTimeout)
	shut, cancel := context.WithTimeout(context.Background(), s.opt.ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(shut)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	s.log.Info("stopped")
	return nil
}

func (s *Server) poll(ctx context.Context) {
	t := time.NewTicker(s.opt.PollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.sync(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("registry check failed; the live model stays live", "err", err)
			}
		}
	}
}

// Close flushes the run records; call it after Serve returned.
func (s *Server) Close() error {
	s.runs.close()
	return nil
}

// typeOf is reflect.TypeFor, for route declarations.
func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }
