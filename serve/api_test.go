package serve

import (
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"promocast/data"
	"promocast/modelfile"
	"promocast/panel"
	"promocast/spec"
)

func decode[T any](t testing.TB, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %T: %v: %s", v, err, body)
	}
	return v
}

func TestValidatorRejects(t *testing.T) {
	doc := map[string]any{"components": map[string]any{"schemas": map[string]any{
		"P": map[string]any{"type": "object", "required": []any{"a"}, "additionalProperties": false,
			"properties": map[string]any{"a": map[string]any{"type": "integer"}, "b": map[string]any{"type": "array", "items": map[string]any{"type": "string"}}}},
	}}}
	ref := map[string]any{"$ref": "#/components/schemas/P"}
	for _, bad := range []string{`{}`, `{"a":1.5}`, `{"a":1,"c":2}`, `{"a":1,"b":[1]}`, `[]`, `null`} {
		var v any
		json.Unmarshal([]byte(bad), &v)
		if err := validate(doc, ref, v, "$"); err == nil {
			t.Errorf("%s validated", bad)
		}
	}
	var v any
	json.Unmarshal([]byte(`{"a":2,"b":["x"]}`), &v)
	if err := validate(doc, ref, v, "$"); err != nil {
		t.Error(err)
	}
}

// TestForecastMatchesScorer checks the API's numbers are the scorer's,
// that parts add up to the uplift and money follows from price and the
// expected units, and totals sum the expected units.
func TestForecastMatchesScorer(t *testing.T) {
	e := newEnv(t, Options{})
	rows := e.shop.planRows(30)
	code, body := e.call(t, "POST", "/v1/forecast", "", ForecastRequest{Rows: rows, By: "category"})
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	got := decode[ForecastResponse](t, body)
	if got.Model.Version != 1 || got.Model.Name != "shop" || got.Model.Kind != "ridge" {
		t.Errorf("model = %+v", got.Model)
	}
	mf, err := modelfile.Decode(e.shop.files[0], "v1")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := newPlanColumns(&mf.Model.Spec).frame(rows)
	if err != nil {
		t.Fatal(err)
	}
	want, err := mf.Model.Forecast(e.shop.history, plan)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != len(rows) || len(got.Levels) != 3 {
		t.Fatalf("%d rows, levels %v", len(got.Rows), got.Levels)
	}
	var sum float64
	for i, r := range got.Rows {
		if r.Forecast != want.Forecast[i] || r.Baseline != want.Baseline[i] || r.Expected != want.Expected[i] || r.ExpectedBaseline != want.BaselineExpected[i] {
			t.Errorf("row %d: forecast %v baseline %v expected %v %v, scorer %v %v %v %v", i, r.Forecast, r.Baseline, r.Expected, r.ExpectedBaseline,
				want.Forecast[i], want.Baseline[i], want.Expected[i], want.BaselineExpected[i])
		}
		if r.Series != rows[i]["sku"] || r.Period != rows[i]["date"] {
			t.Errorf("row %d is %s %s, request had %v %v", i, r.Series, r.Period, rows[i]["sku"], rows[i]["date"])
		}
		p := r.Parts
		if d := p.OwnLift + p.PostPromotionDip + p.PrePromotionLull + p.Cannibalisation + p.Halo - r.Uplift; math.Abs(d) > 1e-9 {
			t.Errorf("row %d: parts miss the uplift by %v", i, d)
		}
		price := rows[i]["price"].(float64)
		if r.Money == nil || math.Abs(r.Money.Revenue-r.Expected*price) > 1e-9 {
			t.Errorf("row %d: revenue %+v, want expected units × price = %v", i, r.Money, r.Expected*price)
		}
		if r.Quantiles == nil || !(r.Quantiles.Forecast["p10"] <= r.Quantiles.Forecast["p90"]) {
			t.Errorf("row %d: quantiles %+v", i, r.Quantiles)
		}
		sum += r.Expected
	}
	if got.Totals[0].Group != "all" || math.Abs(got.Totals[0].Forecast-sum) > 1e-6 || got.Totals[0].Rows != len(rows) {
		t.Errorf("totals[0] = %+v, want all with forecast %v (the expected units' sum)", got.Totals[0], sum)
	}
	var groupRows int
	for _, g := range got.Totals[1:] {
		groupRows += g.Rows
	}
	if groupRows != len(rows) {
		t.Errorf("category totals cover %d rows, want %d", groupRows, len(rows))
	}
}

func TestWhatIfPriceSweep(t *testing.T) {
	e := newEnv(t, Options{})
	rows := e.shop.planRows(10)
	values := make([]float64, 20)
	for i := range values {
		values[i] = float64(i) * 0.025
	}
	code, body := e.call(t, "POST", "/v1/whatif", "", WhatIfRequest{Rows: rows, Lever: "price", Values: values})
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	got := decode[WhatIfResponse](t, body)
	series := map[string]bool{}
	for _, r := range rows {
		series[r["sku"].(string)] = true
	}
	if len(got.Points) != len(series)*len(values) || len(got.Series) != len(series) {
		t.Fatalf("%d points and %d series for %d series × %d values", len(got.Points), len(got.Series), len(series), len(values))
	}
	for _, s := range got.Series {
		if s.Elasticity == nil {
			t.Errorf("series %s: no elasticity on a price sweep", s.Series)
		}
	}
	// The plan in the request is the caller's: a sweep leaves no trace.
	if rows[0]["price"] != e.shop.planRows(1)[0]["price"] {
		t.Error("what-if changed the request rows")
	}
}

func TestInputErrorsNameTheField(t *testing.T) {
	e := newEnv(t, Options{Limits: Limits{MaxRows: 50, MaxBodyBytes: 64 << 10, MaxSweepValues: 5}})
	rows := e.shop.planRows(3)
	withRow := func(i int, change func(PlanRow)) []PlanRow {
		out := e.shop.planRows(3)
		change(out[i])
		return out
	}
	far := e.shop.planRows(1)
	far[0]["date"] = "2027-01-01"
	cases := []struct {
		name, path string
		body       any
		status     int
		field      string
		msg        string
	}{
		{"text price", "/v1/forecast", ForecastRequest{Rows: withRow(2, func(r PlanRow) { r["price"] = "cheap" })}, 400, "rows[2].price", "expected a number"},
		{"true price", "/v1/forecast", ForecastRequest{Rows: withRow(1, func(r PlanRow) { r["price"] = true })}, 400, "rows[1].price", "expected a number, got true (true and false stand for 1 and 0, but not for a price)"},
		{"missing covariate", "/v1/forecast", ForecastRequest{Rows: withRow(1, func(r PlanRow) { delete(r, "display") })}, 400, "rows[1].display", "missing"},
		{"unknown column", "/v1/forecast", ForecastRequest{Rows: withRow(0, func(r PlanRow) { r["prce"] = 1.0 })}, 400, "rows[0].prce", "unknown column"},
		{"unknown series", "/v1/forecast", ForecastRequest{Rows: withRow(1, func(r PlanRow) { r["sku"] = "NOPE" })}, 400, "rows[1].sku", "no history"},
		{"bad date", "/v1/forecast", ForecastRequest{Rows: withRow(0, func(r PlanRow) { r["date"] = "yesterday" })}, 400, "rows[0].date", ""},
		{"beyond horizon", "/v1/forecast", ForecastRequest{Rows: far}, 400, "rows[0].date", "forecasts at most"},
		{"no rows", "/v1/forecast", ForecastRequest{}, 400, "rows", "no plan rows"},
		{"unknown field", "/v1/forecast", `{"rows":[],"bye":1}`, 400, "bye", "unknown field"},
		{"wrong type", "/v1/forecast", `{"rows":5}`, 400, "rows", "expected a JSON array, got JSON number"},
		{"wrong nested type", "/v1/whatif", `{"rows":[],"lever":"price","values":"x"}`, 400, "values", "expected a JSON array, got JSON string"},
		{"wrong element type", "/v1/whatif", `{"rows":[],"lever":"price","values":[0.1,0.2,"x"]}`, 400, "values[2]", `got JSON string "x": expected a number`},
		{"number for a string", "/v1/whatif", `{"rows":[],"lever":"price","values":[0.1],"series":["a",5]}`, 400, "series[1]", "got JSON number 5: expected a string"},
		{"not json", "/v1/forecast", `{"rows":`, 400, "", "not valid JSON"},
		{"two values", "/v1/forecast", `{"rows":[]} {}`, 400, "", "more than one"},
		{"empty body", "/v1/forecast", ``, 400, "", "empty"},
		{"bad group", "/v1/forecast", ForecastRequest{Rows: rows, By: "colour"}, 400, "by", "cannot group"},
		{"too many rows", "/v1/forecast", ForecastRequest{Rows: e.shop.planRows(51)}, 413, "rows", "at most 50"},
		{"body too large", "/v1/forecast", `{"rows":[` + strings.Repeat(`{"sku":"S1"},`, 10000) + `{}]}`, 413, "", "larger than"},
		{"lever", "/v1/whatif", WhatIfRequest{Rows: rows, Lever: "colour", Values: []float64{0}}, 400, "lever", "not a promotion lever"},
		{"depth", "/v1/whatif", WhatIfRequest{Rows: rows, Lever: "price", Values: []float64{0, 1.5}}, 400, "values[1]", "[0, 1)"},
		{"too many values", "/v1/whatif", WhatIfRequest{Rows: rows, Lever: "price", Values: make([]float64, 6)}, 413, "values", "at most 5"},
		{"no values", "/v1/whatif", WhatIfRequest{Rows: rows, Lever: "price"}, 400, "values", "at least one"},
		{"series", "/v1/whatif", WhatIfRequest{Rows: rows, Lever: "price", Values: []float64{0.1}, Series: []string{rows[0]["sku"].(string), "ZZ"}}, 400, "series[1]", "not in the plan"},
		// encoding/json reads null as 0 in a number's place: refused.
		{"null value", "/v1/whatif", `{"rows":[],"lever":"price","values":[0.1,null]}`, 400, "values[1]", "null: expected a number"},
		{"null text", "/v1/whatif", `{"rows":[],"lever":null,"values":[0.1]}`, 400, "lever", "null: expected a string"},
		{"null stock", "/v1/optimize", `{"rows":[],"stock":{"S1":null}}`, 400, "stock.S1", "null: expected a number"},
		{"number beyond range in a row", "/v1/forecast", `{"rows":[{"price":1e309}]}`, 400, "rows[0].price", "number 1e309 is beyond the range"},
		{"number beyond range", "/v1/whatif", `{"rows":[],"lever":"price","values":[0.1,-1e400]}`, 400, "values[1]", "beyond the range of a 64-bit float"},
		{"flag below off", "/v1/whatif", WhatIfRequest{Rows: rows, Lever: "display", Values: []float64{-1}}, 400, "values[0]", "expected 0 (off) or more"},
	}
	for _, c := range cases {
		code, body := e.call(t, "POST", c.path, "", c.body)
		if code != c.status {
			t.Errorf("%s: status %d, want %d: %s", c.name, code, c.status, body)
			continue
		}
		got := apiError(t, body)
		if got.Field != c.field || !strings.Contains(got.Message, c.msg) || got.Status != code {
			t.Errorf("%s: error %+v, want field %q and message with %q", c.name, got, c.field, c.msg)
		}
		if strings.Contains(got.Message, "serve.") || strings.Contains(got.Message, "[]") {
			t.Errorf("%s: the message names a Go type: %s", c.name, got.Message)
		}
	}
	// A flag lever's cell may say true or false.
	flagged := withRow(0, func(r PlanRow) { r["feature"] = true })
	if code, body := e.call(t, "POST", "/v1/forecast", "", ForecastRequest{Rows: flagged}); code != 200 {
		t.Errorf("feature true: %d %s", code, body)
	}
}

// TestScoringRoutesSharePreamble checks that the routes that score a plan
// take it through scorePlan alike: the row limit before the request's
// other fields, the plan's cells before scoring, and scoring errors named
// by the plan row's field.
func TestScoringRoutesSharePreamble(t *testing.T) {
	e := newEnv(t, Options{Limits: Limits{MaxRows: 50, MaxBodyBytes: 64 << 10, MaxSweepValues: 5}})
	unknown := e.shop.planRows(3)
	unknown[1]["sku"] = "NOPE"
	badCell := e.shop.planRows(3)
	badCell[2]["price"] = "cheap"
	many := e.shop.planRows(51)
	cases := []struct {
		name, path string
		body       any
		status     int
		field, msg string
	}{
		{"whatif: rows before lever", "/v1/whatif", WhatIfRequest{Rows: many, Lever: "colour"}, 413, "rows", "at most 50"},
		{"optimize: rows before discounts", "/v1/optimize", OptimizeRequest{Rows: many, Discounts: []float64{2}}, 413, "rows", "at most 50"},
		{"inventory: rows", "/v1/inventory", InventoryRequest{Rows: many}, 413, "rows", "at most 50"},
		{"whatif: lever before cells", "/v1/whatif", WhatIfRequest{Rows: badCell, Lever: "colour", Values: []float64{0}}, 400, "lever", "not a promotion lever"},
		{"whatif: cell", "/v1/whatif", WhatIfRequest{Rows: badCell, Lever: "price", Values: []float64{0.1}}, 400, "rows[2].price", "expected a number"},
		{"optimize: cell", "/v1/optimize", OptimizeRequest{Rows: badCell}, 400, "rows[2].price", "expected a number"},
		{"forecast: unknown series", "/v1/forecast", ForecastRequest{Rows: unknown}, 400, "rows[1].sku", "no history"},
		{"whatif: unknown series", "/v1/whatif", WhatIfRequest{Rows: unknown, Lever: "price", Values: []float64{0.1}}, 400, "rows[1].sku", "no history"},
		{"optimize: unknown series", "/v1/optimize", OptimizeRequest{Rows: unknown}, 400, "rows[1].sku", "no history"},
	}
	for _, c := range cases {
		code, body := e.call(t, "POST", c.path, "", c.body)
		if code != c.status {
			t.Errorf("%s: status %d, want %d: %s", c.name, code, c.status, body)
			continue
		}
		if got := apiError(t, body); got.Field != c.field || !strings.Contains(got.Message, c.msg) {
			t.Errorf("%s: error %+v, want field %q and message with %q", c.name, got, c.field, c.msg)
		}
	}
}

func TestAuthScopes(t *testing.T) {
	read, admin := "read-token-0123456789", "admin-token-0123456789"
	e := newEnv(t, Options{Tokens: []Token{{read, ScopeRead}, {admin, ScopeAdmin}}})
	fc := ForecastRequest{Rows: e.shop.planRows(1)}
	promote := PromoteRequest{Version: 2}
	cases := []struct {
		method, path, token string
		body                any
		want                int
	}{
		{"POST", "/v1/forecast", "", fc, 401},
		{"POST", "/v1/forecast", "wrong-token-0123456789", fc, 401},
		{"POST", "/v1/forecast", read, fc, 200},
		{"POST", "/v1/forecast", admin, fc, 200},
		{"GET", "/metrics", "", nil, 401},
		{"GET", "/metrics", read, nil, 200},
		{"GET", "/healthz", "", nil, 200},
		{"GET", "/openapi.json", "", nil, 200},
		{"POST", "/v1/models/shop/promote", read, promote, 403},
		{"POST", "/v1/models/shop/promote", "", promote, 401},
		{"POST", "/v1/models/shop/promote", admin, promote, 200},
		{"POST", "/v1/models/shop/rollback", admin, nil, 200},
	}
	for _, c := range cases {
		code, body := e.call(t, c.method, c.path, c.token, c.body)
		if code != c.want {
			t.Errorf("%s %s with %q: %d, want %d: %s", c.method, c.path, c.token, code, c.want, body)
		}
		if code == 401 && !strings.Contains(string(body), "token") {
			t.Errorf("401 should say what is missing: %s", body)
		}
	}
	if v := e.srv.Live().Entry.Version; v != 1 {
		t.Errorf("after promote and rollback version %d is live, want 1", v)
	}

	open := newEnv(t, Options{})
	if code, _ := open.call(t, "POST", "/v1/forecast", "", fc); code != 200 {
		t.Errorf("without tokens reads should be open, got %d", code)
	}
	code, body := open.call(t, "POST", "/v1/models/shop/promote", "", promote)
	if code != 403 || !strings.Contains(apiError(t, body).Message, "--insecure-admin") {
		t.Errorf("without tokens admin should be refused with advice: %d %s", code, body)
	}
	insecure := newEnv(t, Options{InsecureAdmin: true})
	if code, body := insecure.call(t, "POST", "/v1/models/shop/promote", "", promote); code != 200 {
		t.Errorf("--insecure-admin should allow promote: %d %s", code, body)
	}
	if _, err := New(e.store, e.shop.loader, Options{InsecureAdmin: true, Tokens: []Token{{admin, ScopeAdmin}}}); err == nil {
		t.Error("tokens with --insecure-admin should be refused")
	}
}

func TestParseTokens(t *testing.T) {
	good := "# team tokens\nabcdefghijklmnop read\n\nqrstuvwxyz0123456 admin, ABCDEFGHIJKLMNOP read\n"
	toks, err := ParseTokens(strings.NewReader(good), "tokens.txt")
	if err != nil || len(toks) != 3 || toks[1].Scope != ScopeAdmin || toks[2].Value != "ABCDEFGHIJKLMNOP" {
		t.Fatalf("%+v %v", toks, err)
	}
	for in, want := range map[string]string{
		"abcdefghijklmnop write": "line 1: scope \"write\"",
		"short admin":            "at least 16",
		"abcdefghijklmnop":       "expected \"TOKEN SCOPE\"",
		"abcdefghijklmnop read\nabcdefghijklmnop read": "line 2: token appears twice",
	} {
		if _, err := ParseTokens(strings.NewReader(in), "tokens.txt"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", in, err, want)
		}
	}
}

func TestMetricsAndRuns(t *testing.T) {
	e := newEnv(t, Options{InsecureAdmin: true})
	for range 3 {
		if code, body := e.call(t, "POST", "/v1/forecast", "", ForecastRequest{Rows: e.shop.planRows(2)}); code != 200 {
			t.Fatalf("%d %s", code, body)
		}
	}
	e.call(t, "POST", "/v1/forecast", "", ForecastRequest{})
	e.call(t, "POST", "/v1/models/shop/promote", "", PromoteRequest{Version: 2})
	_, body := e.call(t, "GET", "/metrics", "", nil)
	text := string(body)
	for _, want := range []string{
		`promocast_http_requests_total{code="200",method="POST",route="/v1/forecast"} 3`,
		`promocast_http_requests_total{code="400",method="POST",route="/v1/forecast"} 1`,
		`promocast_http_request_duration_seconds_count{method="POST",route="/v1/forecast"} 4`,
		`promocast_live_model_version{name="shop"} 2`,
		`promocast_plan_rows_total{route="/v1/forecast"} 6`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	e.srv.Close() // flushes the run recorder
	runs, err := e.store.Runs(t.Context(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 3 || runs[0].Kind != "forecast" || runs[0].Version != 1 || !strings.Contains(string(runs[0].Params), `"rows":2`) {
		t.Errorf("runs = %+v", runs)
	}
}

// TestRunRetention keeps the request log to its bound: five runs, however
// many requests were answered, whether the whole retention is applied after
// every batch or only the count (the age once an hour).
func TestRunRetention(t *testing.T) {
	for _, every := range []time.Duration{time.Nanosecond, time.Hour} {
		e := newEnv(t, Options{Runs: RunRetention{MaxRuns: 5, Every: every}})
		for range 12 {
			if code, body := e.call(t, "POST", "/v1/forecast", "", ForecastRequest{Rows: e.shop.planRows(1)}); code != 200 {
				t.Fatalf("%d %s", code, body)
			}
		}
		e.srv.Close()
		runs, err := e.store.Runs(t.Context(), 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != 5 {
			t.Errorf("pruned every %v: %d runs kept, want 5", every, len(runs))
		}
	}
}

func TestReadyzDuringStartup(t *testing.T) {
	e := newEnv(t, Options{})
	srv, err := New(e.store, e.shop.loader, Options{Name: "shop"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	rec := &recorderWriter{header: http.Header{}}
	req, _ := http.NewRequest("GET", "/readyz", nil)
	srv.Handler().ServeHTTP(rec, req)
	if rec.code != 503 {
		t.Errorf("readyz before Start: %d", rec.code)
	}
	if err := srv.Serve(t.Context(), nil); err == nil {
		t.Error("Serve without a live model should fail")
	}
}

// recorderWriter is a minimal ResponseWriter.
type recorderWriter struct {
	header http.Header
	code   int
	body   strings.Builder
}

func (w *recorderWriter) Header() http.Header         { return w.header }
func (w *recorderWriter) WriteHeader(c int)           { w.code = c }
func (w *recorderWriter) Write(b []byte) (int, error) { return w.body.Write(b) }

// An error message that quotes a huge value is cut: a 100 kB key came
// back whole.
func TestLongValuesAreCutInErrors(t *testing.T) {
	e := newEnv(t, Options{})
	rows := e.shop.planRows(1)
	rows[0]["sku"] = strings.Repeat("é", 50_000)
	code, body := e.call(t, "POST", "/v1/forecast", "", ForecastRequest{Rows: rows})
	if code != 400 || len(body) > 2*maxMessage || !strings.Contains(string(body), "more bytes)") {
		t.Errorf("%d, %d bytes: %.300s", code, len(body), body)
	}
}

// A plan row may give null for a known covariate that is no lever, price
// or cost (a rival's price where the store never carried it): read as
// missing, as an empty cell of a plan file is. A null lever is refused,
// named by its place.
func TestPlanRowNullPlainCovariate(t *testing.T) {
	sp, err := spec.Parse([]byte("time: {column: week, frequency: week}\nkeys: [sku]\ntarget: units\nknown: [rival]\n" +
		"promotion: {price: {off: regular_price}, feature: {off: 0}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	pc := newPlanColumns(sp)
	row := func(rival, feature any) PlanRow {
		return PlanRow{"week": "2024-01-03", "sku": "a", "price": 1.0, "regular_price": 1.0, "feature": feature, "rival": rival}
	}
	f, err := pc.frame([]PlanRow{row(nil, 0.0), row(2.5, 1.0)})
	if err != nil {
		t.Fatal(err)
	}
	if c := f.Column("rival"); !c.Missing(0) || c.Num[1] != 2.5 {
		t.Errorf("rival reads %v, want missing then 2.5", c.Num)
	}
	_, err = pc.frame([]PlanRow{row(2.5, nil)})
	if err == nil || !strings.Contains(err.Error(), "rows[0].feature") || !strings.Contains(err.Error(), "missing") {
		t.Errorf("a null lever: error %v, want one naming rows[0].feature as missing", err)
	}
}

// The plan spec gives no default for a plain covariate a series never had
// (the page then sends null), and the last value for one it had.
func TestSeriesInfoLeavesOutCovariatesNeverGiven(t *testing.T) {
	sp, err := spec.Parse([]byte("time: {column: week, frequency: week}\nkeys: [sku]\ntarget: units\nknown: [rival]\n" +
		"promotion: {price: {off: regular_price}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	hist, err := data.NewFrame("h.csv", []*data.Column{
		{Name: "week", Kind: data.String, Str: []string{"2024-01-03", "2024-01-10", "2024-01-03", "2024-01-10"}},
		{Name: "sku", Kind: data.String, Str: []string{"a", "a", "b", "b"}},
		{Name: "units", Kind: data.Number, Num: []float64{1, 2, 3, 4}},
		{Name: "price", Kind: data.Number, Num: []float64{1, 1, 2, 2}},
		{Name: "regular_price", Kind: data.Number, Num: []float64{1, 1, 2, 2}},
		{Name: "rival", Kind: data.Number, Num: []float64{math.NaN(), math.NaN(), 5, 6}},
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := panel.Build(hist, sp, panel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rules, _ := p.Spec.Levers()
	knownAt := map[string]int{}
	for k, name := range p.Spec.Known {
		knownAt[name] = k
	}
	plain := newPlanColumns(p.Spec).plain
	a := seriesInfo(p, p.Series[0], rules, knownAt, plain)
	b := seriesInfo(p, p.Series[1], rules, knownAt, plain)
	if _, ok := a.Defaults["rival"]; ok || b.Defaults["rival"] != 6 || a.Defaults["price"] != 1 {
		t.Errorf("defaults a %v, b %v: want no rival for a, 6 for b, a's price 1", a.Defaults, b.Defaults)
	}
}
