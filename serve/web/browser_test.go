package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"promocast/demo"
	"promocast/registry"
	"promocast/serve"
)

var updateScreenshot = flag.Bool("update-screenshot", false, "write the planner's screenshot to docs/screenshot-planner.png")

const chromium = "/usr/bin/chromium"

// demoServer serves a small demo model (with its backtest) on a loopback
// listener.
func demoServer(t *testing.T) *httptest.Server {
	t.Helper()
	d, err := demo.Train(demo.Options{SKUs: 12})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := registry.Open(ctx, ":memory:", registry.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	m, _, err := st.Register(ctx, registry.Registration{Name: "default", File: d.File, SourcePath: "(demo)", DataSource: d.Source, DataFingerprint: d.Fingerprint})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetBacktest(ctx, m.Name, m.Version, d.Backtest); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Promote(ctx, m.Name, m.Version); err != nil {
		t.Fatal(err)
	}
	srv, err := serve.New(st, serve.LoadHistory, serve.Options{PollInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { hs.Close(); srv.Close() })
	return hs
}

// browser starts headless Chromium with a fresh profile and no background
// traffic.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1000),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true), chromedp.Flag("no-first-run", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTime(); cancelCtx(); cancelAlloc() })
	return ctx
}

// ready marks the planner's figures as current.
const ready = `#uplift-units[data-state="ready"]`

// openPlanner serves the demo and opens its page in headless Chromium,
// waiting for the planner's first figures; it skips the test without
// Chromium.
func openPlanner(t *testing.T) (*httptest.Server, context.Context) {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("browser test skipped: %s not found (apt-get install -y chromium)", chromium)
	}
	hs := demoServer(t)
	ctx := browser(t)
	do(t, ctx, chromedp.Navigate(hs.URL+"/"), chromedp.WaitVisible(ready))
	return hs, ctx
}

// raiseDiscount moves the planner's discount slider up by steps of 5% and
// waits for the figures; each step schedules an update.
func raiseDiscount(t *testing.T, ctx context.Context, steps int) {
	t.Helper()
	do(t, ctx, chromedp.Focus("#discount"))
	for range steps {
		do(t, ctx, chromedp.KeyEvent(kb.ArrowRight))
	}
	do(t, ctx, chromedp.WaitVisible(ready))
}

// TestPlannerInBrowser drives the page in headless Chromium: it raises the
// discount in the scenario planner and checks that the incremental units
// shown change and equal the API's answer for the plan the page sent.
func TestPlannerInBrowser(t *testing.T) {
	hs, ctx := openPlanner(t)
	before := get(t, ctx, chromedp.AttributeValue("#uplift-units", "data-value")).Value
	// With no promotion the uplift is 0 and its P10–P90 range spans zero:
	// the page says the plan may change nothing.
	if rng := get(t, ctx, chromedp.Text("#uplift-range")); !strings.Contains(rng, "the range includes no change") {
		t.Errorf("uplift range without a promotion: %q", rng)
	}
	raiseDiscount(t, ctx, 6) // 0% → 30%
	after := get(t, ctx, chromedp.AttributeValue("#uplift-units", "data-value")).Value
	shown := get(t, ctx, chromedp.Text("#discount-value"))
	plan := get(t, ctx, chromedp.Evaluate[[]map[string]any](`window.promocast.state.plan`))
	if shown != "30%" {
		t.Errorf("discount shows %q after six steps, want 30%%", shown)
	}
	b, a := parse(t, before), parse(t, after)
	if b != 0 {
		t.Errorf("uplift with no promotion = %v, want exactly 0", b)
	}
	if !(a > b) {
		t.Errorf("uplift did not rise with a 30%% discount: %v → %v", b, a)
	}
	if len(plan) == 0 {
		t.Fatal("the page sent no plan")
	}
	for i, row := range plan {
		want := math.Round(row["regular_price"].(float64)*0.7*100) / 100
		if row["price"].(float64) != want || row["discount"].(float64) != 0.3 {
			t.Errorf("row %d: price %v discount %v, want %v and 0.3", i, row["price"], row["discount"], want)
		}
	}
	api := forecastUplift(t, hs, plan)
	if math.Abs(api-a) > 1e-9*math.Max(1, math.Abs(api)) {
		t.Errorf("page shows uplift %v, the API answers %v for the same plan", a, api)
	}

	buf := get(t, ctx, chromedp.FullScreenshot(100))
	path := filepath.Join(os.TempDir(), "promocast-screenshot-planner.png")
	if *updateScreenshot {
		path = filepath.Join("..", "..", "docs", "screenshot-planner.png")
	}
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("planner screenshot: %s (%d bytes)", path, len(buf))

	checkViews(t, ctx)
}

// checkViews visits the other views and switches the language.
func checkViews(t *testing.T, ctx context.Context) {
	count := func(sel string) int {
		return get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("`+sel+`").length`))
	}
	do(t, ctx, chromedp.Click(`#tabs button[data-tab="explain"]`), chromedp.WaitVisible(`#drivers .bar-row`))
	drivers := count("#drivers .bar-row")
	do(t, ctx, chromedp.Click(`#tabs button[data-tab="backtest"]`), chromedp.WaitVisible(`#bt-metrics tbody tr`))
	metrics := count("#bt-metrics tbody tr")
	do(t, ctx, chromedp.Click(`#tabs button[data-tab="optimize"]`), chromedp.Click(`#opt-run`), chromedp.WaitVisible(`#opt-plans tbody tr`))
	plans := count("#opt-plans tbody tr")
	missing := get(t, ctx, chromedp.Evaluate[[]string](`[...Object.keys(STRINGS.en).filter(k => !(k in STRINGS.zh)), ...Object.keys(STRINGS.zh).filter(k => !(k in STRINGS.en))]`))
	do(t, ctx, chromedp.SetValue("#lang", "zh"))
	get(t, ctx, chromedp.Evaluate[bool](`document.getElementById("lang").dispatchEvent(new Event("change"))`))
	tab := get(t, ctx, chromedp.Text(`#tabs button[data-tab="planner"]`))
	if drivers < 2 {
		t.Errorf("explanation shows %d drivers", drivers)
	}
	if metrics < 4 { // overall, promoted, not promoted, folds, segments
		t.Errorf("backtest shows %d metric rows", metrics)
	}
	if plans != 3 {
		t.Errorf("optimiser compares %d plans, want no promotion, yours and the chosen", plans)
	}
	if len(missing) > 0 {
		t.Errorf("UI strings missing in one language: %v", missing)
	}
	if tab != "情景规划" {
		t.Errorf("planner tab reads %q in Chinese", tab)
	}
}

// do runs actions that return nothing, failing the test on error.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// get runs an action and returns its value, failing the test on error.
func get[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func parse(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("uplift %q is not a number", s)
	}
	return v
}

// forecastUplift asks the API for the plan's uplift.
func forecastUplift(t *testing.T, hs *httptest.Server, rows []map[string]any) float64 {
	t.Helper()
	return postForecast(t, hs, rows).Totals[0].Uplift
}

// postForecast asks the API for the plan's forecast.
func postForecast(t *testing.T, hs *httptest.Server, rows []map[string]any) serve.ForecastResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"rows": rows})
	resp, err := hs.Client().Post(hs.URL+"/v1/forecast", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var fc serve.ForecastResponse
	if err := json.NewDecoder(resp.Body).Decode(&fc); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /v1/forecast: %d %v", resp.StatusCode, err)
	}
	return fc
}

// TestWarningsInBrowser drives the planner's discount beyond every
// product's history and checks that the page lists the API's guard-rail
// warnings, then that the optimiser's chosen rows show theirs.
func TestWarningsInBrowser(t *testing.T) {
	hs, ctx := openPlanner(t)
	if n := get(t, ctx, chromedp.AttributeValue("#warnings", "data-count")).Value; n != "0" {
		t.Errorf("%s rows warned with no promotion", n)
	}
	raiseDiscount(t, ctx, 12) // 0% → 60%, the slider's end
	plan := get(t, ctx, chromedp.Evaluate[[]map[string]any](`window.promocast.state.plan`))
	shown := get(t, ctx, chromedp.Text("#warnings"))
	count := get(t, ctx, chromedp.AttributeValue("#warnings", "data-count")).Value
	warned, texts := forecastWarnings(t, hs, plan)
	if warned == 0 {
		t.Fatal("the API warns about no row at 60% off: the test checks nothing")
	}
	if count != strconv.Itoa(warned) {
		t.Errorf("page counts %s warned rows, the API %d", count, warned)
	}
	for _, w := range texts {
		if !strings.Contains(shown, w) {
			t.Errorf("page does not show the warning %q; it shows %q", w, shown)
		}
	}

	// The explanation says how many rows it explains beyond the history.
	do(t, ctx, chromedp.Click(`#tabs button[data-tab="explain"]`), chromedp.WaitVisible(`#drivers .bar-row`))
	if n := get(t, ctx, chromedp.AttributeValue("#explain-total", "data-beyond")).Value; n != strconv.Itoa(warned) {
		t.Errorf("explanation counts %s rows beyond the history, the API %d", n, warned)
	}

	// The optimiser with the display at a cost: its rows show their warnings.
	do(t, ctx, chromedp.Click(`#tabs button[data-tab="optimize"]`))
	do(t, ctx, chromedp.SetValue("#opt-discounts", "60"), chromedp.SetValue("#opt-objective", "revenue"), chromedp.Click(`.opt-flag[value="display"]`),
		chromedp.SetValue(`.opt-cost[data-lever="display"]`, "2"), chromedp.Click(`#opt-run`), chromedp.WaitVisible(`#opt-rows tbody tr`))
	sent := get(t, ctx, chromedp.Evaluate[map[string]any](`window.promocast.state.opt`))
	cells := get(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#opt-rows tbody tr")].map(r => r.cells[5].textContent)`))
	rows := sent["rows"].([]any)
	if len(cells) != len(rows) {
		t.Fatalf("%d chosen rows shown, the answer has %d", len(cells), len(rows))
	}
	shownWarned := 0
	for i, r := range rows {
		if cells[i] != "" {
			shownWarned++
		}
		var ws []string
		for _, w := range r.(map[string]any)["warnings"].([]any) {
			ws = append(ws, w.(string))
		}
		if want := strings.Join(ws, "; "); cells[i] != want {
			t.Errorf("chosen row %d shows warnings %q, the answer %q", i, cells[i], want)
		}
	}
	if shownWarned == 0 {
		t.Error("no chosen row at 60% off shows a warning")
	}
	if lc := sent["plans"].([]any)[2].(map[string]any)["lever_cost"]; lc == nil {
		t.Error("the optimiser's answer has no lever cost: the page did not send it")
	}
}

// forecastWarnings asks the API for the plan's forecast and returns how
// many rows carry warnings and the distinct warnings.
func forecastWarnings(t *testing.T, hs *httptest.Server, rows []map[string]any) (int, []string) {
	t.Helper()
	fc := postForecast(t, hs, rows)
	warned, seen := 0, map[string]bool{}
	var texts []string
	for _, r := range fc.Rows {
		if len(r.Warnings) > 0 {
			warned++
		}
		for _, w := range r.Warnings {
			if !seen[w] && len(texts) < 12 {
				seen[w] = true
				texts = append(texts, w)
			}
		}
	}
	return warned, texts
}
