package serve

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strings"
	"testing"

	"promocast/forecast"
	"promocast/inventory"
	"promocast/modelfile"
	"promocast/optimize"
)

// fixtureResult forecasts rows with fixture version v (1 or 2) directly.
func fixtureResult(t *testing.T, e *env, v int, rows []PlanRow) (*forecast.Scorer, *forecast.Result) {
	t.Helper()
	mf, err := modelfile.Decode(e.shop.files[v-1], fmt.Sprintf("v%d", v))
	if err != nil {
		t.Fatal(err)
	}
	frame, err := newPlanColumns(&mf.Model.Spec).frame(rows)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := mf.Model.NewScorer(e.shop.history)
	if err != nil {
		t.Fatal(err)
	}
	res, err := sc.Forecast(frame)
	if err != nil {
		t.Fatal(err)
	}
	return sc, res
}

// promote gives every other row a 20% discount with display.
func promote(rows []PlanRow) []PlanRow {
	for i, r := range rows {
		if i%2 == 0 {
			r["price"] = math.Round(r["regular_price"].(float64)*80) / 100
			r["discount"], r["display"] = 0.2, 1.0
		}
	}
	return rows
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// TestSpecBuildsNeutralPlans checks the spec's levers and that a plan made
// of its lever-off defaults forecasts no uplift at all.
func TestSpecBuildsNeutralPlans(t *testing.T) {
	e := newEnv(t, Options{})
	code, body := e.call(t, "GET", "/v1/spec", "", nil)
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	sp := decode[SpecResponse](t, body)
	kinds := map[string]string{}
	for _, l := range sp.Levers {
		kinds[l.Name] = l.Kind
	}
	want := map[string]string{"price": "price", "discount": "depth", "feature": "flag", "display": "flag", "coupon": "flag"}
	if fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Errorf("lever kinds %v, want %v", kinds, want)
	}
	if len(sp.Periods) != testHorizon || !sp.Inventory || sp.Explains || !sp.Backtest || len(sp.Series) == 0 {
		t.Errorf("periods %d, inventory %v, explains %v, backtest %v, series %d", len(sp.Periods), sp.Inventory, sp.Explains, sp.Backtest, len(sp.Series))
	}
	var rows []PlanRow
	for i, s := range sp.Series {
		if i > 0 && s.Recent > sp.Series[i-1].Recent {
			t.Errorf("series not sorted by recent sales at %d", i)
		}
		if s.Defaults["price"] != s.Defaults["regular_price"] || s.Defaults["display"] != 0 {
			t.Errorf("%s: defaults %v are not lever-off", s.ID, s.Defaults)
		}
		for _, p := range sp.Periods[:3] {
			row := PlanRow{sp.Time: p}
			for k, v := range s.Keys {
				row[k] = v
			}
			for k, v := range s.Defaults {
				row[k] = v
			}
			rows = append(rows, row)
		}
	}
	code, body = e.call(t, "POST", "/v1/forecast", "", ForecastRequest{Rows: rows})
	if code != 200 {
		t.Fatalf("forecast of the spec's defaults: %d %s", code, body)
	}
	if u := decode[ForecastResponse](t, body).Totals[0].Uplift; u != 0 {
		t.Errorf("a plan with every lever off has uplift %v, want 0", u)
	}
}

func TestExplainMatchesDrivers(t *testing.T) {
	e := newEnv(t, Options{InsecureAdmin: true})
	rows := promote(e.shop.planRows(25))
	if code, body := e.call(t, "POST", "/v1/explain", "", ExplainRequest{Rows: rows}); code != 422 {
		t.Errorf("ridge model explains: %d %s", code, body)
	}
	if code, body := e.call(t, "POST", "/v1/models/shop/promote", "", PromoteRequest{Version: 2}); code != 200 {
		t.Fatalf("promote: %d %s", code, body)
	}
	code, body := e.call(t, "POST", "/v1/explain", "", ExplainRequest{Rows: rows, Top: 3})
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	got := decode[ExplainResponse](t, body)
	_, res := fixtureResult(t, e, 2, rows)
	drivers, err := res.Drivers()
	if err != nil {
		t.Fatal(err)
	}
	explained := 0
	for i, r := range got.Rows {
		if r.Forecast != res.Forecast[i] || r.Baseline != res.Baseline[i] || len(r.Drivers) > 3 {
			t.Fatalf("row %d: %+v, scorer %v %v", i, r, res.Forecast[i], res.Baseline[i])
		}
		sum := r.Other
		for k, d := range r.Drivers {
			if d.Feature != drivers[i][k].Feature || d.Contribution != drivers[i][k].Contribution {
				t.Errorf("row %d driver %d = %+v, package %+v", i, k, d, drivers[i][k])
			}
			sum += d.Contribution
		}
		if math.Abs(sum-r.Uplift) > 1e-6*math.Max(1, math.Abs(r.Uplift)) {
			t.Errorf("row %d: drivers add to %v, uplift %v", i, sum, r.Uplift)
		}
		if r.Uplift != 0 {
			explained++
		}
	}
	if explained == 0 {
		t.Error("no row of the fixture plan has an uplift to explain")
	}
	total := forecast.TotalDrivers(drivers)
	if len(got.Totals.Drivers) != 3 || got.Totals.Drivers[0].Feature != total[0].Feature || !near(got.Totals.Drivers[0].Contribution, total[0].Contribution) {
		t.Errorf("plan drivers %+v, package %+v", got.Totals.Drivers, total[:3])
	}
	if code, _ := e.call(t, "POST", "/v1/explain", "", ExplainRequest{Rows: rows, Top: 99}); code != 400 {
		t.Errorf("top 99: %d", code)
	}
}

func TestOptimizeMatchesPlanPackage(t *testing.T) {
	e := newEnv(t, Options{})
	rows := e.shop.planRows(28)
	budget, maxPromoted := 40.0, 3
	req := OptimizeRequest{Rows: rows, Discounts: []float64{0.1, 0.25}, Flags: []string{"display"}, Budget: &budget,
		GroupBy: "category", GroupMaxPromoted: &maxPromoted}
	code, body := e.call(t, "POST", "/v1/optimize", "", req)
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	got := decode[OptimizeResponse](t, body)
	sc, _ := fixtureResult(t, e, 1, rows[:1])
	frame, _ := e.srv.Live().cols.frame(rows)
	// The server moves the depth lever (discount) with the price, as the
	// package does when told.
	want, err := optimize.Optimize(sc, frame, optimize.Settings{Discounts: req.Discounts, Flags: req.Flags, Depths: []string{"discount"}, Objective: optimize.Margin, Budget: budget,
		MinMarginRate: math.Inf(-1), GroupBy: "category", GroupMaxCost: math.Inf(1), GroupMaxPromoted: maxPromoted})
	if err != nil {
		t.Fatal(err)
	}
	if got.Objective != "margin" || got.Value != want.Solution.Objective || (got.Status == "optimal") != want.Solution.Exact {
		t.Errorf("objective %s %v status %s, package %v exact %v", got.Objective, got.Value, got.Status, want.Solution.Objective, want.Solution.Exact)
	}
	promoted := map[string]int{}
	for i, r := range got.Rows {
		if r.Option != want.Names[i] || r.Forecast != want.Chosen.Expected[i] {
			t.Errorf("row %d: %s %v, package %s %v", i, r.Option, r.Forecast, want.Names[i], want.Chosen.Expected[i])
		}
		if r.Option != "off" {
			promoted[fmt.Sprint(rows[i]["sku"])]++
		}
	}
	var budgetSeen bool
	for _, c := range got.Constraints {
		if c.Limit != nil && c.Slack != nil && c.Kind != "margin_rate" && !near(*c.Limit-*c.Used, *c.Slack) {
			t.Errorf("%s %s: limit %v − used %v ≠ slack %v", c.Kind, c.Name, *c.Limit, *c.Used, *c.Slack)
		}
		if c.Kind == "budget" {
			budgetSeen = *c.Used <= budget+1e-9
		}
		if c.Kind == "group_promoted" && *c.Used > float64(maxPromoted) {
			t.Errorf("group %s promotes %v rows, limit %d", c.Name, *c.Used, maxPromoted)
		}
	}
	if !budgetSeen {
		t.Errorf("budget constraint missing or broken: %+v", got.Constraints)
	}
	if len(got.Plans) != 3 || got.Plans[0].Plan != "no_promotion" || got.Plans[0].IncrementalUnits != 0 {
		t.Fatalf("plans %+v", got.Plans)
	}
	ct, _ := want.Chosen.Summarise("")
	if c := got.Plans[2]; c.Plan != "chosen" || c.Units != ct[0].Forecast || c.PromotionCost != ct[0].PromotionCost {
		t.Errorf("chosen totals %+v, package %+v", c, ct[0])
	}
	// Both plans are measured from the one forecast of no promotion.
	nt, _ := want.None.Summarise("")
	if n, c := got.Plans[0], got.Plans[2]; n.Units != nt[0].Forecast || !near(c.IncrementalUnits, ct[0].Forecast-nt[0].Forecast) ||
		!near(got.Plans[1].IncrementalUnits, got.Plans[1].Units-nt[0].Forecast) {
		t.Errorf("plans %+v against no promotion %v units", got.Plans, nt[0].Forecast)
	}
	bad := []struct {
		req   OptimizeRequest
		field string
	}{
		{OptimizeRequest{Rows: rows, Discounts: []float64{1.2}}, "discounts[0]"},
		{OptimizeRequest{Rows: rows, Flags: []string{"price"}}, "flags[0]"},
		{OptimizeRequest{Rows: rows, Objective: "joy"}, "objective"},
		{OptimizeRequest{Rows: rows, GroupMaxPromoted: &maxPromoted}, "group_by"},
		{OptimizeRequest{Rows: rows, GroupBy: "colour"}, "group_by"},
	}
	for _, b := range bad {
		code, body := e.call(t, "POST", "/v1/optimize", "", b.req)
		if code != 400 || apiError(t, body).Field != b.field {
			t.Errorf("%+v: %d %s, want 400 on %s", b.req, code, body, b.field)
		}
	}
}

func TestInventoryMatchesPackage(t *testing.T) {
	e := newEnv(t, Options{InsecureAdmin: true})
	rows := promote(e.shop.planRows(2 * testHorizon)) // two series, every period
	first := fmt.Sprint(rows[0]["sku"])
	lead, onHand := 3, 40.0
	code, body := e.call(t, "POST", "/v1/inventory", "", InventoryRequest{Rows: rows, Stock: map[string]StockInput{first: {OnHand: &onHand, LeadTime: &lead}}})
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	got := decode[InventoryResponse](t, body)
	_, res := fixtureResult(t, e, 1, rows)
	in := inventory.Input{LeadTime: lead, Review: 1, ServiceLevel: 0.95, OnHand: 40}
	for i, tg := range res.Targets {
		if res.Panel.Series[tg.Series].ID == first {
			in.Mean = append(in.Mean, res.Expected[i])
			in.P10 = append(in.P10, res.ForecastQ[0][i])
			in.P90 = append(in.P90, res.ForecastQ[2][i])
			in.Promo = append(in.Promo, res.Promoted[i])
		}
	}
	want, err := inventory.Plan(in)
	if err != nil {
		t.Fatal(err)
	}
	var s *InventorySeries
	for i := range got.Series {
		if got.Series[i].Series == first {
			s = &got.Series[i]
		}
	}
	if s == nil || s.SafetyStock != want.SafetyStock || s.OrderQty != want.OrderQty || s.StockoutProb != want.StockoutProb || s.LeadTime != lead || s.Position != 40 {
		t.Errorf("series %s: %+v, package %+v", first, s, want)
	}
	if len(got.Series) < 2 {
		t.Errorf("%d series, want every series of the plan", len(got.Series))
	}
	// A stock series outside the plan is warned about, as the CLI does.
	if code, body := e.call(t, "POST", "/v1/inventory", "", InventoryRequest{Rows: rows, Stock: map[string]StockInput{"nope": {OnHand: &onHand}}}); code != 200 ||
		!strings.Contains(string(body), "1 series of the stock are not in the plan, so they get no order: nope") {
		t.Errorf("unknown series: %d %s", code, body)
	}
	// A series given twice is refused, as the CLI's stock table refuses it,
	// and a stock entry's bad field is named in full.
	plan, _ := json.Marshal(rows)
	dup := fmt.Sprintf(`{"rows": %s, "stock": {%q: {"on_hand": 3}, %q: {"on_hand": 9}}}`, plan, first, first)
	if code, body := e.call(t, "POST", "/v1/inventory", "", dup); code != 400 || apiError(t, body).Field != "stock."+first ||
		!strings.Contains(string(body), "series given twice") {
		t.Errorf("a series given twice: %d %s", code, body)
	}
	bad := fmt.Sprintf(`{"rows": %s, "stock": {%q: {"on_hand": "x"}}}`, plan, first)
	if code, body := e.call(t, "POST", "/v1/inventory", "", bad); code != 400 || apiError(t, body).Field != "stock."+first+".on_hand" {
		t.Errorf("a stock entry's bad on_hand: %d %s", code, body)
	}
	whole := fmt.Sprintf(`{"rows": %s, "stock": {%q: 5}}`, plan, first)
	if code, body := e.call(t, "POST", "/v1/inventory", "", whole); code != 400 || apiError(t, body).Field != "stock."+first {
		t.Errorf("a stock entry that is a number: %d %s", code, body)
	}
	odd := fmt.Sprintf(`{"rows": %s, "stock": {%q: {"on_hand": 1, "shelf": 2}}}`, plan, first)
	if code, body := e.call(t, "POST", "/v1/inventory", "", odd); code != 400 || apiError(t, body).Field != "stock."+first+".shelf" {
		t.Errorf("a stock entry's unknown field: %d %s", code, body)
	}
	// A series' stock without its units on hand is refused, not read as 0.
	if code, body := e.call(t, "POST", "/v1/inventory", "", InventoryRequest{Rows: rows, Stock: map[string]StockInput{first: {LeadTime: &lead}}}); code != 400 || apiError(t, body).Field != "stock."+first+".on_hand" {
		t.Errorf("stock without on_hand: %d %s", code, body)
	}
	// A series whose plan is shorter than lead time + review is left out
	// and named; when every series is, the request is refused.
	var short, onlySecond []PlanRow
	second := ""
	for _, r := range rows {
		id := fmt.Sprint(r["sku"])
		if id != first && second == "" {
			second = id
		}
		switch {
		case id == first:
			short = append(short, r)
		case id == second && len(onlySecond) == 0:
			short, onlySecond = append(short, r), append(onlySecond, r)
		}
	}
	code, body = e.call(t, "POST", "/v1/inventory", "", InventoryRequest{Rows: short, LeadTime: &lead})
	if code != 200 {
		t.Fatalf("a plan with one short series: %d %s", code, body)
	}
	got = decode[InventoryResponse](t, body)
	if len(got.Series) != 1 || got.Series[0].Series != first || len(got.LeftOut) != 1 || got.LeftOut[0] != (InventoryLeftOut{Series: second, Periods: 1, Needed: lead + 1}) ||
		len(got.Warnings) != 1 || !strings.Contains(got.Warnings[0], second) {
		t.Errorf("a plan with one short series: series %+v, left out %+v, warnings %q", got.Series, got.LeftOut, got.Warnings)
	}
	// A short series' own policy is still checked.
	badLevel := 1.5
	if code, body := e.call(t, "POST", "/v1/inventory", "", InventoryRequest{Rows: short, LeadTime: &lead,
		Stock: map[string]StockInput{second: {OnHand: &onHand, ServiceLevel: &badLevel}}}); code != 400 || apiError(t, body).Field != "stock."+second+".service_level" {
		t.Errorf("a short series with service level 1.5: %d %s", code, body)
	}
	if code, body := e.call(t, "POST", "/v1/inventory", "", InventoryRequest{Rows: onlySecond, LeadTime: &lead}); code != 400 || apiError(t, body).Field != "rows" ||
		!strings.Contains(string(body), "lead time + review") {
		t.Errorf("a plan whose every series is short: %d %s", code, body)
	}
	e.call(t, "POST", "/v1/models/shop/promote", "", PromoteRequest{Version: 2})
	if code, body := e.call(t, "POST", "/v1/inventory", "", InventoryRequest{Rows: rows}); code != 422 {
		t.Errorf("model without intervals: %d %s", code, body)
	}
}

func TestBacktestView(t *testing.T) {
	e := newEnv(t, Options{InsecureAdmin: true})
	code, body := e.call(t, "GET", "/v1/backtest", "", nil)
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	got := decode[BacktestResponse](t, body)
	rep := e.shop.reports[0]
	if got.Shown != "ridge" || len(got.Metrics) == 0 || got.Metrics[0].Scope != "overall" || *got.Metrics[0].WAPE != rep.Overall.WAPE {
		t.Fatalf("shown %s, metrics %+v, report WAPE %v", got.Shown, got.Metrics, rep.Overall.WAPE)
	}
	folds, segments := 0, 0
	for _, m := range got.Metrics {
		switch m.Scope {
		case "fold":
			folds++
		case "segment category":
			segments++
		}
	}
	if folds != 2 || segments != 2 {
		t.Errorf("%d fold and %d segment rows, want 2 and 2", folds, segments)
	}
	for i := 1; i < len(got.Series); i++ {
		if got.Series[i].Actual > got.Series[i-1].Actual {
			t.Errorf("series not sorted by actual at %d", i)
		}
	}
	last := got.Series[len(got.Series)-1].ID
	code, body = e.call(t, "GET", "/v1/backtest?series="+url.QueryEscape(last), "", nil)
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	got = decode[BacktestResponse](t, body)
	var actual float64
	n := 0
	for _, p := range rep.Predictions {
		if e.srv.Live().Scorer.Panel().Series[p.Series].ID == last {
			actual, n = actual+p.Actual, n+1
		}
	}
	sum := 0.0
	for i, p := range got.Points {
		sum += p.Actual
		if i > 0 && !periodLess(got.Points[i-1].Period, p.Period) {
			t.Errorf("points out of order at %d", i)
		}
	}
	if got.Chosen != last || len(got.Points) != n || !near(sum, actual) {
		t.Errorf("series %s: %d points summing to %v, report %d rows summing to %v", got.Chosen, len(got.Points), sum, n, actual)
	}
	if code, body := e.call(t, "GET", "/v1/backtest?series=nope", "", nil); code != 400 || apiError(t, body).Field != "series" {
		t.Errorf("unknown series: %d %s", code, body)
	}
	e.call(t, "POST", "/v1/models/shop/promote", "", PromoteRequest{Version: 2})
	if code, body := e.call(t, "GET", "/v1/backtest", "", nil); code != 404 {
		t.Errorf("version without a backtest: %d %s", code, body)
	}
}

func TestPageIsServed(t *testing.T) {
	e := newEnv(t, Options{Tokens: []Token{{Value: "read-token-123456", Scope: ScopeRead}}})
	for _, path := range []string{"/", "/static/app.js", "/static/vendor/uPlot.iife.min.js"} {
		code, body := e.call(t, "GET", path, "", nil)
		if code != 200 || len(body) < 1000 {
			t.Errorf("GET %s: %d, %d bytes", path, code, len(body))
		}
	}
	if code, _ := e.call(t, "GET", "/static/nope.js", "", nil); code != 404 {
		t.Errorf("missing asset: %d", code)
	}
	if code, _ := e.call(t, "GET", "/v1/spec", "", nil); code != 401 {
		t.Errorf("the API behind the page still needs a token: %d", code)
	}
}
