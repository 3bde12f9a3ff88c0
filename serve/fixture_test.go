package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"

	"promocast/backtest"
	"promocast/backtest/results"
	"promocast/data"
	"promocast/ensemble"
	"promocast/forecast"
	"promocast/interval"
	"promocast/learn"
	"promocast/learn/gbdt"
	"promocast/modelfile"
	"promocast/panel"
	"promocast/registry"
	"promocast/spec"
	"promocast/synth"
)

// shop is a small synthetic shop with two trained models: version 1 is
// ridge with calibrated intervals, version 2 gradient-boosted trees.
type shop struct {
	history, plan *data.Frame
	files         [2][]byte
	fingerprint   string
	// reports is version 1's calibration backtest, stored with it.
	reports  []*backtest.Report
	backtest results.Results
}

var (
	shopOnce sync.Once
	shopVal  *shop
	shopErr  error
)

const testHorizon = 14

// testShop trains the fixture once per test binary.
func testShop(t testing.TB) *shop {
	t.Helper()
	shopOnce.Do(func() { shopVal, shopErr = buildShop() })
	if shopErr != nil {
		t.Fatal(shopErr)
	}
	return shopVal
}

func buildShop() (*shop, error) {
	gen, err := synth.Generate(synth.Config{Seed: 3, SKUs: 8, Categories: 2, PlanDays: testHorizon})
	if err != nil {
		return nil, err
	}
	sp, err := spec.Parse([]byte(synth.Spec()))
	if err != nil {
		return nil, err
	}
	p, err := panel.Build(gen.History, sp, panel.Options{})
	if err != nil {
		return nil, err
	}
	s := &shop{history: gen.History, plan: gen.Plan, fingerprint: "sha256:test-history"}
	for i, kind := range []string{"ridge", "gbdt"} {
		opt := forecast.TrainOptions{Kind: kind, Horizon: testHorizon}
		pr, err := forecast.Prepare(p, opt)
		if err != nil {
			return nil, err
		}
		fit, err := ensemble.New(kind, learn.Options{GBDT: gbdt.Params{Rounds: 30}})
		if err != nil {
			return nil, err
		}
		m, err := pr.Train(opt, p.Last, fit)
		if err != nil {
			return nil, err
		}
		if kind == "ridge" {
			reps, err := backtest.Run(pr, backtest.Options{Folds: 2, Horizon: testHorizon, Segments: []string{"category"}}, []backtest.Candidate{{Name: kind, Fit: fit}})
			if err != nil {
				return nil, err
			}
			if m.Calibration, err = interval.Fit(reps[0].Residuals(), interval.Options{}); err != nil {
				return nil, err
			}
			s.reports, s.backtest = reps, results.FromReports(p, reps, "fixture")
		}
		if s.files[i], err = modelfile.Encode(&modelfile.Forecast{Model: m, Metrics: map[string]float64{"backtest_wape": 0.3 + 0.1*float64(i)}}); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// loader serves the fixture's history for any model registered with its
// fingerprint.
func (s *shop) loader(_ context.Context, m registry.Model) (*data.Frame, error) {
	if m.DataFingerprint != s.fingerprint {
		return nil, fmt.Errorf("no history with fingerprint %s", m.DataFingerprint)
	}
	return s.history, nil
}

// planRows returns the first n plan rows as JSON objects, each series
// taking consecutive days.
func (s *shop) planRows(n int) []PlanRow {
	rows := make([]PlanRow, n)
	for r := range rows {
		row := PlanRow{}
		for _, c := range s.plan.Columns {
			if c.Kind == data.String {
				row[c.Name] = c.Str[r]
			} else {
				row[c.Name] = c.Num[r]
			}
		}
		rows[r] = row
	}
	return rows
}

// env is a server on a fresh registry holding both fixture versions,
// version 1 live.
type env struct {
	shop  *shop
	store *registry.Store
	srv   *Server
	http  *httptest.Server
	db    string
}

func newEnv(t *testing.T, opt Options) *env { return newEnvTB(t, opt) }

func newEnvTB(t testing.TB, opt Options) *env {
	t.Helper()
	sh := testShop(t)
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "registry.db")
	st, err := registry.Open(ctx, db, registry.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for i, f := range sh.files {
		m, _, err := st.Register(ctx, registry.Registration{Name: "shop", File: f, SourcePath: fmt.Sprintf("v%d.json", i+1),
			DataSource: "memory", DataFingerprint: sh.fingerprint})
		if err != nil {
			t.Fatal(err)
		}
		if m.Version != i+1 {
			t.Fatalf("registered version %d, want %d", m.Version, i+1)
		}
	}
	if err := st.SetBacktest(ctx, "shop", 1, sh.backtest); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Promote(ctx, "shop", 1); err != nil {
		t.Fatal(err)
	}
	opt.Name = "shop"
	opt.PollInterval = -1
	srv, err := New(st, sh.loader, opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { hs.Close(); srv.Close() })
	return &env{shop: sh, store: st, srv: srv, http: hs, db: db}
}

// call sends a JSON request and returns the status and raw body.
func (e *env) call(t testing.TB, method, path, token string, body any) (int, []byte) {
	t.Helper()
	var rd *bytes.Reader
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.http.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := e.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.Bytes()
}

// apiError decodes an error body.
func apiError(t testing.TB, body []byte) ErrorDetail {
	t.Helper()
	var e Error
	if err := json.Unmarshal(body, &e); err != nil || e.Error.Message == "" {
		t.Fatalf("not a structured error: %s", body)
	}
	return e.Error
}
