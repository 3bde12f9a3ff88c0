package serve

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"promocast/data"
	"promocast/forecast"
	"promocast/modelfile"
	"promocast/registry"
)

// Loader reads the history a registered model scores against (its
// DataSource, checked against its DataFingerprint). The server keeps no
// history once a version's scorer is built from it: the scorer holds what it
// needs, and a history frame kept for later versions (a few seconds of
// reading saved on a swap) would hold its text columns resident and make
// every garbage collection trace them.
type Loader func(ctx context.Context, m registry.Model) (*data.Frame, error)

// Live is a model version ready to answer: the registry record, the model
// and its scorer. A Live is never modified once published; a swap replaces
// it whole, so a request that loaded one answers wholly from it.
type Live struct {
	Entry  registry.Model
	Model  *forecast.Model
	Scorer *forecast.Scorer
	Loaded time.Time
	cols   *planColumns
	spec   *SpecResponse
	bt     *backtestView // nil when the registry holds no backtest
}

// Ref names the version.
func (lv *Live) Ref() ModelRef {
	return ModelRef{Name: lv.Entry.Name, Version: lv.Entry.Version, Kind: lv.Entry.Kind, Checksum: lv.Entry.Checksum}
}

// build loads a registered version into a Live: the stored file (checksum
// checked), its history and its scorer. Nothing is published.
func (s *Server) build(ctx context.Context, entry registry.Model) (*Live, error) {
	b, err := s.store.File(ctx, entry.Name, entry.Version)
	if err != nil {
		return nil, err
	}
	mf, sc, err := loadVersion(ctx, s.load, entry, b)
	if err != nil {
		return nil, err
	}
	lv := &Live{Entry: entry, Model: mf.Model, Scorer: sc, Loaded: time.Now(), cols: newPlanColumns(&mf.Model.Spec)}
	if lv.spec, err = planSpec(lv); err != nil {
		return nil, fmt.Errorf("model %s version %d: %w", entry.Name, entry.Version, err)
	}
	switch bt, err := s.store.Backtest(ctx, entry.Name, entry.Version); {
	case errors.Is(err, registry.ErrNotFound):
	case err != nil:
		s.log.Warn("the version's backtest cannot be read; serving without it", "name", entry.Name, "version", entry.Version, "err", err)
	default:
		lv.bt = newBacktestView(bt)
		lv.spec.Backtest = true
	}
	return lv, nil
}

// loadVersion decodes a version's model file, loads its history and builds
// its scorer: what serving the version needs.
func loadVersion(ctx context.Context, load Loader, entry registry.Model, file []byte) (*modelfile.Forecast, *forecast.Scorer, error) {
	mf, err := modelfile.Decode(file, fmt.Sprintf("model %s version %d", entry.Name, entry.Version))
	if err != nil {
		return nil, nil, err
	}
	hist, err := load(ctx, entry)
	if err != nil {
		return nil, nil, fmt.Errorf("model %s version %d: %w", entry.Name, entry.Version, err)
	}
	sc, err := mf.Model.NewScorer(hist)
	if err != nil {
		return nil, nil, fmt.Errorf("model %s version %d: %w", entry.Name, entry.Version, err)
	}
	return mf, sc, nil
}

// Check returns the registry check (registry.Options.Check) that refuses
// to make a version live unless a server could serve it: its model file
// decodes, load reads its history, and the model scores that history.
// Open every store a server or a command promotes in with it, so that the
// registry's live version is always one a server can start on.
func Check(load Loader) registry.Check {
	return func(ctx context.Context, m registry.Model, file []byte) error {
		_, _, err := loadVersion(ctx, load, m, file)
		return err
	}
}

// publish makes lv the live model and returns the one it replaced.
func (s *Server) publish(lv *Live, why string) *Live {
	prev := s.live.Swap(lv)
	s.setProblem("")
	s.metrics.version.WithLabelValues(lv.Entry.Name).Set(float64(lv.Entry.Version))
	s.metrics.swaps.Inc()
	args := []any{"name", lv.Entry.Name, "version", lv.Entry.Version, "kind", lv.Entry.Kind, "why", why}
	if prev != nil {
		args = append(args, "previous", prev.Entry.Version)
	}
	s.log.Info("live model", args...)
	return prev
}

// Live returns the model version answering requests; nil before Start.
func (s *Server) Live() *Live { return s.live.Load() }

// Start loads the registry's live version of the served name and publishes
// it. When that version cannot be served (its history changed since it was
// promoted, say), Start falls back to the versions live before it, newest
// first, serves the first that loads and reports the problem in /readyz
// and the log; the registry is left as it is. It fails when no version
// can be served.
func (s *Server) Start(ctx context.Context) error {
	s.swapMu.Lock()
	defer s.swapMu.Unlock()
	versions, err := s.store.LiveHistory(ctx, s.opt.Name)
	if err != nil {
		return err
	}
	if len(versions) == 0 {
		_, err := s.store.Live(ctx, s.opt.Name)
		return err
	}
	var first error
	for _, entry := range versions {
		lv, err := s.build(ctx, entry)
		if err != nil {
			if first == nil {
				first = err
			}
			s.log.Error("a live or earlier live version cannot be served", "name", entry.Name, "version", entry.Version, "err", err)
			continue
		}
		s.publish(lv, "start")
		if first != nil {
			s.setProblem(fmt.Sprintf("the registry's live version %d cannot be served (%v); serving version %d, live before it", versions[0].Version, first, entry.Version))
		}
		return nil
	}
	return first
}

// setProblem records why the served version is not the registry's live
// one ("" when it is), for /readyz; a new problem is logged once.
func (s *Server) setProblem(p string) {
	if old := s.problem.Swap(&p); p != "" && (old == nil || *old != p) {
		s.log.Warn("serving a version other than the registry's live one", "problem", p)
	}
}

// Problem says why the served version is not the registry's live version,
// or "" when it is.
func (s *Server) Problem() string {
	if p := s.problem.Load(); p != nil {
		return *p
	}
	return ""
}

// Promote makes version live: it builds the version's scorer first, then
// records the promotion in the registry, then swaps it in atomically. On
// any failure the live model stays live.
func (s *Server) Promote(ctx context.Context, version int) (lv, prev *Live, err error) {
	s.swapMu.Lock()
	defer s.swapMu.Unlock()
	entry, err := s.store.Get(ctx, s.opt.Name, version)
	if err != nil {
		return nil, nil, notFound(err, "version")
	}
	if cur := s.live.Load(); cur != nil && cur.Entry.Version == version {
		return cur, cur, nil
	}
	if lv, err = s.build(ctx, entry); err != nil {
		return nil, nil, Errorf(http.StatusUnprocessableEntity, "version", "version %d cannot be served; the live model stays live: %v", version, err)
	}
	if lv.Entry, err = s.store.Promote(ctx, s.opt.Name, version); err != nil {
		return nil, nil, Errorf(http.StatusUnprocessableEntity, "version", "%v", err)
	}
	return lv, s.publish(lv, "promote"), nil
}

// Rollback returns to the version that was live before the live one, in
// the same order as Promote: build, record, swap.
func (s *Server) Rollback(ctx context.Context) (lv, prev *Live, err error) {
	s.swapMu.Lock()
	defer s.swapMu.Unlock()
	entry, err := s.store.Previous(ctx, s.opt.Name)
	if err != nil {
		return nil, nil, Errorf(http.StatusConflict, "", "%v", err)
	}
	if lv, err = s.build(ctx, entry); err != nil {
		return nil, nil, Errorf(http.StatusUnprocessableEntity, "", "version %d cannot be served; the live model stays live: %v", entry.Version, err)
	}
	if lv.Entry, err = s.store.Rollback(ctx, s.opt.Name); err != nil {
		return nil, nil, Errorf(http.StatusConflict, "", "%v", err)
	}
	return lv, s.publish(lv, "rollback"), nil
}

// sync swaps in the registry's live version when another process changed
// it; errors leave the live model live.
func (s *Server) sync(ctx context.Context) error {
	s.swapMu.Lock()
	defer s.swapMu.Unlock()
	entry, err := s.store.Live(ctx, s.opt.Name)
	if err != nil {
		return err
	}
	cur := s.live.Load()
	if cur != nil && cur.Entry.Version == entry.Version {
		s.setProblem("") // the registry is back on the served version
		return nil
	}
	lv, err := s.build(ctx, entry)
	if err != nil {
		if cur != nil {
			s.setProblem(fmt.Sprintf("the registry's live version %d cannot be served (%v); serving version %d", entry.Version, err, cur.Entry.Version))
			return nil
		}
		return err
	}
	s.publish(lv, "registry changed")
	return nil
}

func notFound(err error, field string) error {
	if errors.Is(err, registry.ErrNotFound) {
		return Errorf(http.StatusNotFound, field, "%v", err)
	}
	return err
}
