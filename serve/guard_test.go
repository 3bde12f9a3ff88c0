package serve

import (
	"net/http"
	"strings"
	"testing"
)

// TestGuardRailsInTheAPI checks that the what-if, optimisation and
// forecast answers say where a lever leaves what a series had in training.
func TestGuardRailsInTheAPI(t *testing.T) {
	e := newEnv(t, Options{})
	rows := e.shop.planRows(10)

	// A sweep to 90% off goes beyond every series' deepest discount.
	values := []float64{0, 0.45, 0.9}
	code, body := e.call(t, "POST", "/v1/whatif", "", WhatIfRequest{Rows: rows, Lever: "price", Values: values})
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	wi := decode[WhatIfResponse](t, body)
	warnedAt := map[float64]int{}
	for _, p := range wi.Points {
		if len(p.Warnings) > 0 {
			warnedAt[p.Value]++
			if !strings.Contains(strings.Join(p.Warnings, "; "), "deeper than") {
				t.Errorf("%s at %v: warnings %q", p.Series, p.Value, p.Warnings)
			}
		}
	}
	if warnedAt[0] != 0 || warnedAt[0.9] != len(wi.Series) {
		t.Fatalf("warned points per value %v, want none at 0 and every series at 0.9", warnedAt)
	}
	warned := map[string]map[float64]bool{}
	for _, p := range wi.Points {
		if warned[p.Series] == nil {
			warned[p.Series] = map[float64]bool{}
		}
		warned[p.Series][p.Value] = len(p.Warnings) > 0
	}
	for _, s := range wi.Series {
		w := warned[s.Series]
		if s.BestBeyondHistory != w[s.BestValue] || s.BestWithinHistory == nil || w[*s.BestWithinHistory] ||
			(!s.BestBeyondHistory && *s.BestWithinHistory != s.BestValue) {
			t.Errorf("%s: best %v (beyond %v), best within the history %v; warned values %v", s.Series, s.BestValue, s.BestBeyondHistory, s.BestWithinHistory, w)
		}
	}

	// Optimisation with a cost on the display.
	req := OptimizeRequest{Rows: rows, Flags: []string{"display"}, LeverCosts: map[string]float64{"display": 3}}
	code, body = e.call(t, "POST", "/v1/optimize", "", req)
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	opt := decode[OptimizeResponse](t, body)
	sum := 0.0
	for _, r := range opt.Rows {
		v, ok := r.Levers["display"]
		if !ok || r.Warnings == nil {
			t.Fatalf("row %+v lacks its display value or its warnings", r)
		}
		sum += 3 * v
	}
	if got := opt.Plans[2].LeverCost; opt.Plans[2].Plan != "chosen" || got != sum {
		t.Errorf("chosen plan's lever cost %v, want %v", got, sum)
	}
	for _, c := range []struct {
		costs map[string]float64
		field string
	}{{map[string]float64{"price": 1}, "lever_costs.price"}, {map[string]float64{"display": -1}, "lever_costs.display"}} {
		code, body = e.call(t, "POST", "/v1/optimize", "", OptimizeRequest{Rows: rows, LeverCosts: c.costs})
		if code != http.StatusBadRequest || !strings.Contains(string(body), c.field) {
			t.Errorf("lever costs %v: %d %s", c.costs, code, body)
		}
	}

	// A forecast at 90% off warns on every row.
	deep := e.shop.planRows(10)
	for _, r := range deep {
		r["price"] = r["regular_price"].(float64) * 0.1
		r["discount"] = 0.9
	}
	code, body = e.call(t, "POST", "/v1/forecast", "", ForecastRequest{Rows: deep})
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	for _, r := range decode[ForecastResponse](t, body).Rows {
		if !strings.Contains(strings.Join(r.Warnings, "; "), "deeper than any in training") {
			t.Errorf("%s %s: warnings %q at 90%% off", r.Series, r.Period, r.Warnings)
		}
	}
}

// TestExplainWarns checks that an explanation of rows beyond the history
// carries their warnings.
func TestExplainWarns(t *testing.T) {
	e := newEnv(t, Options{InsecureAdmin: true})
	if code, body := e.call(t, "POST", "/v1/models/shop/promote", "", PromoteRequest{Version: 2}); code != 200 {
		t.Fatalf("promote the gbdt version: %d %s", code, body)
	}
	rows := e.shop.planRows(6)
	for i, r := range rows {
		if i%2 == 0 {
			r["price"], r["discount"] = r["regular_price"].(float64)*0.1, 0.9
		}
	}
	code, body := e.call(t, "POST", "/v1/explain", "", ExplainRequest{Rows: rows})
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	for i, r := range decode[ExplainResponse](t, body).Rows {
		if deep := strings.Contains(strings.Join(r.Warnings, "; "), "deeper than any in training"); deep != (i%2 == 0) {
			t.Errorf("row %d (%s): warnings %q", i, r.Series, r.Warnings)
		}
	}
}
