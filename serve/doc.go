// Package serve is promocast's HTTP API: it answers forecasts and what-ifs
// with the live version of a model kept in the registry (package
// registry), and swaps versions atomically while serving.
//
// # Using it
//
//	st, _ := registry.Open(ctx, "promocast.db", registry.Options{})
//	srv, _ := serve.New(st, loadHistory, serve.Options{Name: "shop"})
//	defer srv.Close()
//	if err := srv.Start(ctx); err != nil { ... }      // loads the live version
//	ln, _ := net.Listen("tcp", "127.0.0.1:8080")
//	err := srv.Serve(ctx, ln)                           // until ctx ends, then drains
//
// loadHistory (a Loader) reads the history a version scores against; the
// command line reads files and checks their fingerprint.
//
// # Routes
//
//	POST /v1/forecast                  read   plan rows → forecast, baseline, uplift, parts, quantiles, money, warnings, totals
//	POST /v1/whatif                    read   sweep one lever → per series and value totals with warnings, elasticity,
//	                                          best value and best value within the series' history
//	POST /v1/explain                   read   plan rows → each row's and the plan's top drivers of the uplift (gbdt models)
//	POST /v1/optimize                  read   plan rows + options, lever costs and limits → chosen option, lever values and
//	                                          warnings per row, objective, gap, each constraint's use and slack, chosen vs
//	                                          your plan vs no promotion
//	POST /v1/inventory                 read   plan rows + stock → per series safety stock, reorder point, order qty, stockout risk
//	POST /v1/recommend                 read   customer IDs → each one's likeliest next-basket items, P(bought), repeat or new
//	                                          (added by RegisterRecommend; 'serve --recommend-model')
//	GET  /v1/spec                      read   what a plan looks like: columns, levers and how to set them, periods, series defaults
//	GET  /v1/backtest                  read   the live version's stored backtest: metrics by fold and segment, one series' points
//	GET  /v1/models                    read   registered versions and the one served
//	POST /v1/models/{name}/promote     admin  make a version live
//	POST /v1/models/{name}/rollback    admin  return to the previous live version
//	GET  /healthz, /readyz             public liveness, readiness (503 while starting or draining; "stale" when
//	                                          the registry's live version cannot be served and an earlier one is)
//	GET  /metrics                      read   Prometheus: requests, latencies, live version
//	GET  /openapi.json                 public this API, generated from the Go types
//	GET  /, /static/...                public the web page (package serve/web)
//
// Every route is registered with Register, which adds it to the router and
// the OpenAPI document together; JSONRoute builds a route from a handler's
// request and response types.
//
// # Backtests
//
// A version's backtest (metrics.csv and predictions.csv of 'promocast
// backtest --out DIR') is stored beside it in the registry
// (registry.Store.SetBacktest; 'promocast models register --backtest DIR').
// The demo model (package demo) stores the backtest its intervals are
// calibrated on. The server reads it when it loads the version, so the
// backtest shown is always the live version's.
//
// # Contract
//
// A request loads the live model once: every number in its answer comes
// from the version named in the answer's "model". Promote and Rollback build
// the new version's scorer before anything changes, record the change in
// the registry, then swap; a version that cannot be served (damaged file,
// changed history) is refused and the live model stays live.
//
// Failures are JSON: {"error": {"message": "...", "field": "rows[3].price",
// "status": 400}}; field is the JSON path of the offending input. Input
// mistakes are 400, size limits 413, unknown routes 404, wrong methods 405,
// missing or unknown tokens 401, insufficient scope 403, a version that
// cannot be served 422, a full queue 429 and no capacity in time 503 (both
// with Retry-After).
//
// Tokens have scope read or admin (admin includes read). Without tokens,
// read routes are open and admin routes are refused unless
// Options.InsecureAdmin. Request bodies, rows per request and what-if sizes
// are bounded (Limits); the http.Server has read, write and idle timeouts.
// Plan-scoring routes (forecast, whatif, explain, optimize, inventory) work
// at most Limits.MaxConcurrent at a time; up to MaxQueue more wait up to
// QueueWait for a turn, and work is answered 503 past Deadline.
//
// Every answered forecast and what-if is recorded in the registry's request
// log in the background (batches at most 100 ms apart). The log is pruned
// to Options.Runs (100,000 runs and 30 days by default); a crash loses the
// runs not yet committed, a graceful stop none.
//
// The browser page (planner, explanation, optimiser, backtest; English and
// Chinese) is served at / from package serve/web (embedded, no CDN); it is
// public, and calls the API with the token the user gives it.
package serve
