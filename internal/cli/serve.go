package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"promocast/backtest/results"
	"promocast/demo"
	"promocast/recommend"
	"promocast/registry"
	"promocast/serve"
	"promocast/synth"
	"promocast/uplift"
)

type serveFlags struct {
	addr, store, name string
	model, data, spec string
	backtest          string
	upliftModel       string
	recommendModel    string
	recommendHistory  string
	tokens            string
	insecureAdmin     bool
	maxRows           int
	maxBody           int64
	shutdown, poll    time.Duration
	demoSKUs          int
	keepRuns          int
	runsMaxAge        time.Duration
	maxConcurrent     int
	maxQueue          int
	queueWait         time.Duration
	deadline          time.Duration
}

func serveCmd(e *env) *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8080] [--store promocast.db] [--model FILE --data HISTORY --spec SPEC] [--tokens FILE]",
		Short: "Serve forecasts and what-ifs over HTTP from the live registered model",
		Long: `serve answers the promocast JSON API (see GET /openapi.json) with the live
version of one model in the registry (--store, an SQLite file; --name picks the
model, default "default").

With --model, the model file is registered as a new version (unless the same
file and history are already registered) and made live; --data names the
history it scores against. Without --model, the registry's live version is
served; when the registry has none, serve trains a demo model on a synthetic
shop in memory (gradient-boosted trees, horizon 31 days) and serves that, with
the backtest its intervals were calibrated on. --backtest stores the results
of 'promocast backtest --out DIR' with --model, for the backtest view.

--uplift-model adds POST /v1/uplift, answered by a model from 'promocast uplift
fit': customers' uplift per treatment and a treatment (or none) per customer
under costs and a budget or a count.

The web page at / (scenario planner, explanation, optimiser, backtest; English
and Chinese) works offline: its assets are in the binary.

API tokens come from --tokens (one "TOKEN SCOPE" per line, scope read or
admin) or the PROMOCAST_TOKENS environment variable. Without tokens, read
routes are open and admin routes (promote, rollback) are refused unless
--insecure-admin. SIGINT or SIGTERM stops the server after the requests in
flight finish.`,
		Example: `  promocast serve
  promocast serve --model model.json --data sales.csv.gz --spec spec.yaml --tokens tokens.txt
  curl -s localhost:8080/v1/forecast -d '{"rows":[{"sku":"SKU0001","date":"2025-10-16","price":9.9, ...}]}'
  promocast serve --uplift-model uplift.json
  curl -s localhost:8080/v1/uplift -d '{"rows":[{"recency":3,"history":250,"mens":1,"womens":0,"zip_code":"Urban","newbie":0,"channel":"Web","history_segment":"3) $200 - $350"}],"costs":{"Mens E-Mail":0.05}}'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runServe(cmd.Context(), e, f) },
	}
	fs := cmd.Flags()
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to listen on (loopback by default)")
	fs.StringVar(&f.store, "store", "promocast.db", "model registry database (SQLite file; :memory: for none on disk)")
	fs.StringVar(&f.name, "name", "default", "registry name of the model to serve")
	fs.StringVar(&f.model, "model", "", "model file to register and make live")
	fs.StringVar(&f.data, "data", "", "history the model scores against (with --model)")
	fs.StringVar(&f.spec, "spec", "", "dataset spec, for attribute and event files (default: the model's)")
	fs.StringVar(&f.backtest, "backtest", "", "folder of 'promocast backtest --out' to store with --model, for the backtest view")
	fs.StringVar(&f.upliftModel, "uplift-model", "", "uplift model file ('promocast uplift fit') to answer POST /v1/uplift with")
	fs.StringVar(&f.recommendModel, "recommend-model", "", "next-basket model file ('promocast recommend fit') to answer POST /v1/recommend with; needs --recommend-history")
	fs.StringVar(&f.recommendHistory, "recommend-history", "", "the customers' baskets the recommendations come from: basket-sequence JSON, or long format with columns customer, basket, item")
	fs.StringVar(&f.tokens, "tokens", "", "API token file: one \"TOKEN SCOPE\" per line, scope read or admin")
	fs.BoolVar(&f.insecureAdmin, "insecure-admin", false, "allow admin routes without tokens (trusted machines only)")
	fs.IntVar(&f.maxRows, "max-rows", 0, "most plan rows per request (0: 10000)")
	fs.Int64Var(&f.maxBody, "max-body", 0, "largest request body in bytes (0: 8 MiB)")
	fs.DurationVar(&f.shutdown, "shutdown-timeout", 30*time.Second, "how long to wait for requests in flight when stopping")
	fs.DurationVar(&f.poll, "poll", 5*time.Second, "how often to check the registry for promotions made elsewhere (0: never)")
	fs.IntVar(&f.maxConcurrent, "max-concurrent", 0, "plan-scoring requests worked on at once (0: the CPUs Go uses)")
	fs.IntVar(&f.maxQueue, "max-queue", 0, "requests that may wait for a turn; more are answered 429 (0: 4 × --max-concurrent)")
	fs.DurationVar(&f.queueWait, "queue-wait", 0, "how long a request waits for a turn before a 503 (0: 10s)")
	fs.DurationVar(&f.deadline, "deadline", 0, "how long a request's work may take before a 503 (0: 30s)")
	fs.IntVar(&f.keepRuns, "keep-runs", 0, "request log: runs kept, newest first (0: 100000; -1: all)")
	fs.DurationVar(&f.runsMaxAge, "runs-max-age", 0, "request log: how long runs are kept (0: 720h; -1ns: forever)")
	fs.IntVar(&f.demoSKUs, "demo-skus", 50, "SKUs of the demo shop trained when the registry has no model")
	return cmd
}

func runServe(ctx context.Context, e *env, f serveFlags) error {
	if ctx == nil {
		ctx = context.Background()
	}
	tokens, err := readTokens(f.tokens)
	if err != nil {
		return usageError{err}
	}
	if (f.data != "" || f.spec != "" || f.backtest != "") && f.model == "" {
		return usagef("--data, --spec and --backtest go with --model: the model file to register")
	}
	st, err := registry.Open(ctx, f.store, registry.Options{Check: serve.Check(serve.LoadHistory)})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := prepareLive(ctx, e, st, f); err != nil {
		return err
	}
	poll := f.poll
	if poll == 0 {
		poll = -1
	}
	srv, err := serve.New(st, serve.LoadHistory, serve.Options{Name: f.name, Tokens: tokens, InsecureAdmin: f.insecureAdmin,
		Limits: serve.Limits{MaxRows: f.maxRows, MaxBodyBytes: f.maxBody,
			MaxConcurrent: f.maxConcurrent, MaxQueue: f.maxQueue, QueueWait: f.queueWait, Deadline: f.deadline}, ShutdownTimeout: f.shutdown, PollInterval: poll, Logger: e.log,
		Runs: serve.RunRetention{MaxRuns: f.keepRuns, MaxAge: f.runsMaxAge}})
	if err != nil {
		return usageError{err}
	}
	defer srv.Close()
	if f.upliftModel != "" {
		um, err := uplift.Read(f.upliftModel)
		if err != nil {
			return err
		}
		if err := srv.RegisterUplift(um); err != nil {
			return err
		}
		e.log.Info("uplift model loaded", "file", f.upliftModel, "learner", um.Learner, "treatments", strings.Join(um.Treatments(), ", "))
	}
	if err := registerRecommend(e, srv, f); err != nil {
		return err
	}
	start := time.Now()
	if err := srv.Start(ctx); err != nil {
		return err
	}
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(serveGCPercent))
	}
	debug.FreeOSMemory() // loading's garbage (the history's text) back to the system before serving
	lv := srv.Live()
	e.log.Info("model loaded", "name", lv.Entry.Name, "version", lv.Entry.Version, "kind", lv.Entry.Kind,
		"series", len(lv.Scorer.Panel().Series), "seconds", fmt.Sprintf("%.2f", time.Since(start).Seconds()))
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return err
	}
	if host, _, _ := net.SplitHostPort(f.addr); !isLoopback(host) {
		e.log.Warn("listening beyond loopback: anyone who can reach this address can call the API", "addr", f.addr, "tokens", len(tokens))
	}
	if len(tokens) == 0 {
		e.log.Info("no API tokens: read routes are open", "admin", map[bool]string{true: "open (--insecure-admin)", false: "refused"}[f.insecureAdmin])
	}
	sigCtx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return srv.Serve(sigCtx, ln)
}

// serveGCPercent is the server's garbage-collection target once its model
// is loaded (GOGC overrides it): the heap may grow a quarter over what is
// live. A server holds its history and model for its whole life and
// allocates a few kilobytes per request; Go's default (100) let resident
// memory settle 1.5× its size after loading, this keeps it within about
// 1.2× for a few percent of throughput (measured with bench/load).
const serveGCPercent = 25

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// readTokens reads the token file, or PROMOCAST_TOKENS when no file is given.
func readTokens(path string) ([]serve.Token, error) {
	if path == "" {
		env := os.Getenv("PROMOCAST_TOKENS")
		if env == "" {
			return nil, nil
		}
		return serve.ParseTokens(strings.NewReader(env), "PROMOCAST_TOKENS")
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--tokens: %w", err)
	}
	defer fh.Close()
	return serve.ParseTokens(fh, path)
}

// prepareLive makes sure the served name has a live version: the --model
// file, the registry's live version, or a demo model.
func prepareLive(ctx context.Context, e *env, st *registry.Store, f serveFlags) error {
	if f.model != "" {
		if f.data == "" {
			return usagef("--model needs --data: the history the model scores against")
		}
		r, err := serve.ReleaseFiles(ctx, st, serve.Files{Name: f.name, Model: f.model, Data: f.data, Spec: f.spec, Backtest: f.backtest, Promote: true})
		if m := r.Model; m.Version != 0 {
			e.log.Info("registered model", "name", m.Name, "version", m.Version, "already_registered", r.Existed, "file", f.model)
		}
		return err
	}
	_, err := st.Live(ctx, f.name)
	if err == nil || !errors.Is(err, registry.ErrNotFound) {
		return err
	}
	e.log.Info("registry has no live model: training a demo model on a synthetic shop", "name", f.name, "skus", f.demoSKUs, "store", f.store)
	d, err := trainDemo(e, f.demoSKUs)
	if err != nil {
		return err
	}
	_, err = st.Release(ctx, registry.Release{
		Registration: registry.Registration{Name: f.name, File: d.File, SourcePath: "(demo)", DataSource: d.Source, DataFingerprint: d.Fingerprint},
		Backtest:     func() (results.Results, error) { return d.Backtest, nil }, Promote: true})
	return err
}

// demoSource names the demo's synthetic history.
func demoSource(skus int) string { return demo.Source(1, skus, demoHorizon) }

// parseDemoSource reads a synthetic history's name back.
func parseDemoSource(src string) (synth.Config, error) { return demo.ParseSource(src) }

// trainDemo trains the demo model (package demo): gradient-boosted
// trees on a synthetic shop, horizon 31 days, intervals calibrated on two
// backtest folds whose results the server's backtest view shows.
func trainDemo(e *env, skus int) (*demo.Demo, error) {
	start := time.Now()
	d, err := demo.Train(demo.Options{SKUs: skus, Horizon: demoHorizon})
	if err != nil {
		return nil, err
	}
	e.log.Info("trained demo model", "kind", "gbdt", "skus", skus, "history_rows", d.History.Rows(), "horizon", demoHorizon,
		"backtest_wape", fmt.Sprintf("%.3f", d.WAPE), "seconds", fmt.Sprintf("%.1f", time.Since(start).Seconds()))
	return d, nil
}

// registerRecommend loads the next-basket model and its history, when
// given, and adds POST /v1/recommend.
func registerRecommend(e *env, srv *serve.Server, f serveFlags) error {
	if (f.recommendModel == "") != (f.recommendHistory == "") {
		return usagef("--recommend-model and --recommend-history go together")
	}
	if f.recommendModel == "" {
		return nil
	}
	m, err := recommend.ReadModel(f.recommendModel)
	if err != nil {
		return err
	}
	h, err := recommend.Read(f.recommendHistory, recommend.LongColumns{}, recommend.NewCatalog())
	if err != nil {
		return err
	}
	r, err := m.NewRecommender(h)
	if err != nil {
		return err
	}
	if err := srv.RegisterRecommend(r); err != nil {
		return err
	}
	e.log.Info("next-basket model loaded", "file", f.recommendModel, "customers", h.NumCustomers(), "baskets", h.TotalBaskets())
	return nil
}
