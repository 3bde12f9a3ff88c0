package serve

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// validate checks a decoded JSON value against a schema of the document,
// structurally: types, required and unknown properties, arrays, maps, enums
// and $refs. It returns the first mismatch with its JSON path.
func validate(doc map[string]any, schema map[string]any, v any, path string) error {
	if ref, ok := schema["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		target, ok := doc["components"].(map[string]any)["schemas"].(map[string]any)[name].(map[string]any)
		if !ok {
			return fmt.Errorf("%s: dangling $ref %s", path, ref)
		}
		return validate(doc, target, v, path)
	}
	if enum, ok := schema["enum"].([]any); ok && !slices.Contains(enum, v) {
		return fmt.Errorf("%s: %v is not one of %v", path, v, enum)
	}
	var types []string
	switch t := schema["type"].(type) {
	case string:
		types = []string{t}
	case []any:
		for _, x := range t {
			types = append(types, x.(string))
		}
	case nil:
		return nil // any value
	}
	if !slices.ContainsFunc(types, func(t string) bool { return hasType(t, v) }) {
		return fmt.Errorf("%s: %s is not of type %v", path, jsonKind(v), types)
	}
	switch x := v.(type) {
	case map[string]any:
		props, _ := schema["properties"].(map[string]any)
		if req, ok := schema["required"].([]any); ok {
			for _, r := range req {
				if _, ok := x[r.(string)]; !ok {
					return fmt.Errorf("%s: required property %q is missing", path, r)
				}
			}
		}
		for k, val := range x {
			sub, ok := props[k].(map[string]any)
			if !ok {
				switch ap := schema["additionalProperties"].(type) {
				case bool:
					if !ap {
						return fmt.Errorf("%s: property %q is not in the schema", path, k)
					}
					continue
				case map[string]any:
					sub = ap
				default:
					continue
				}
			}
			if err := validate(doc, sub, val, path+"."+k); err != nil {
				return err
			}
		}
	case []any:
		items, _ := schema["items"].(map[string]any)
		for i, val := range x {
			if err := validate(doc, items, val, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

func hasType(t string, v any) bool {
	switch x := v.(type) {
	case nil:
		return t == "null"
	case bool:
		return t == "boolean"
	case string:
		return t == "string"
	case float64:
		return t == "number" || t == "integer" && x == float64(int64(x))
	case []any:
		return t == "array"
	case map[string]any:
		return t == "object"
	}
	return false
}

// getDoc fetches /openapi.json as the generic JSON it is.
func getDoc(t *testing.T, e *env) map[string]any {
	t.Helper()
	code, body := e.call(t, "GET", "/openapi.json", "", nil)
	if code != 200 {
		t.Fatalf("GET /openapi.json: %d %s", code, body)
	}
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// responseSchema returns the schema of an operation's response for a
// status: "200" or "default".
func responseSchema(t *testing.T, doc map[string]any, method, path, status string) map[string]any {
	t.Helper()
	op, ok := doc["paths"].(map[string]any)[path].(map[string]any)[strings.ToLower(method)].(map[string]any)
	if !ok {
		t.Fatalf("%s %s is not in the API document", method, path)
	}
	resp := op["responses"].(map[string]any)[status].(map[string]any)
	for _, media := range resp["content"].(map[string]any) {
		return media.(map[string]any)["schema"].(map[string]any)
	}
	t.Fatalf("%s %s %s: no content", method, path, status)
	return nil
}

func TestEveryRouteIsDocumented(t *testing.T) {
	e := newEnv(t, Options{InsecureAdmin: true})
	doc := getDoc(t, e)
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v", doc["openapi"])
	}
	if servers, _ := doc["servers"].([]any); len(servers) == 0 {
		t.Error("the document lists no servers")
	}
	if sec, _ := doc["security"].([]any); len(sec) != 1 {
		t.Errorf("document security %v, want the bearer scheme", doc["security"])
	}
	paths := doc["paths"].(map[string]any)
	documented := 0
	for _, item := range paths {
		documented += len(item.(map[string]any))
	}
	routes := e.srv.Routes()
	if documented != len(routes) {
		t.Errorf("document has %d operations, the router %d routes", documented, len(routes))
	}
	for _, rt := range routes {
		op, ok := paths[rt.Path].(map[string]any)[strings.ToLower(rt.Method)].(map[string]any)
		if !ok {
			t.Errorf("%s %s is routed but not documented", rt.Method, rt.Path)
			continue
		}
		if op["x-promocast-scope"] != rt.Scope.String() {
			t.Errorf("%s %s: documented scope %v, routed %v", rt.Method, rt.Path, op["x-promocast-scope"], rt.Scope)
		}
		// Token routes take the document's bearer requirement; public
		// routes override it with an empty one.
		sec, own := op["security"].([]any)
		if public := rt.Scope == ScopePublic; own != public || public && len(sec) != 0 {
			t.Errorf("%s %s: security %v for scope %v", rt.Method, rt.Path, op["security"], rt.Scope)
		}
		// A client learns every failure it must handle, with the error body.
		responses := op["responses"].(map[string]any)
		for _, code := range errorStatuses(rt) {
			r, ok := responses[fmt.Sprint(code)].(map[string]any)
			if !ok || !strings.Contains(fmt.Sprint(r["content"]), "#/components/schemas/Error") {
				t.Errorf("%s %s: no %d response with the error schema", rt.Method, rt.Path, code)
			}
		}
		if rt.Scope != ScopePublic && !slices.ContainsFunc([]string{"401", "403"}, func(c string) bool { return responses[c] != nil }) {
			t.Errorf("%s %s: a token route without 401 and 403", rt.Method, rt.Path)
		}
		if rt.Heavy && responses["429"].(map[string]any)["headers"] == nil {
			t.Errorf("%s %s: 429 without Retry-After", rt.Method, rt.Path)
		}
		// Every documented route answers something other than "no route".
		code, body := e.call(t, rt.Method, strings.ReplaceAll(rt.Path, "{name}", "shop"), "", "{}")
		if code == http.StatusNotFound && strings.Contains(string(body), "no route") {
			t.Errorf("%s %s is documented but not routed", rt.Method, rt.Path)
		}
	}
	// Every $ref resolves.
	raw, _ := json.Marshal(doc)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for _, part := range strings.Split(string(raw), `"$ref":"#/components/schemas/`)[1:] {
		name := part[:strings.IndexByte(part, '"')]
		if _, ok := schemas[name]; !ok {
			t.Errorf("dangling $ref to %s", name)
		}
	}
}

// TestResponsesMatchSchema calls every route with a valid request and an
// invalid one and validates both answers against the document.
func TestResponsesMatchSchema(t *testing.T) {
	e := newEnv(t, Options{InsecureAdmin: true})
	doc := getDoc(t, e)
	rows := e.shop.planRows(20)
	cases := []struct {
		method, path string
		body         any
		want         int
	}{
		{"POST", "/v1/forecast", ForecastRequest{Rows: rows, By: "category"}, 200},
		{"POST", "/v1/forecast", ForecastRequest{Rows: rows[:1]}, 200},
		{"POST", "/v1/forecast", `{"rows":[{"sku":1}]}`, 400},
		{"POST", "/v1/whatif", WhatIfRequest{Rows: rows, Lever: "price", Values: []float64{0, 0.1, 0.3}}, 200},
		{"POST", "/v1/whatif", WhatIfRequest{Rows: rows, Lever: "display", Values: []float64{0, 1}}, 200},
		{"POST", "/v1/whatif", WhatIfRequest{Rows: rows, Lever: "nope", Values: []float64{0}}, 400},
		{"GET", "/v1/spec", nil, 200},
		{"GET", "/v1/backtest", nil, 200},
		{"GET", "/v1/backtest?model=nope", nil, 400},
		{"POST", "/v1/inventory", InventoryRequest{Rows: rows}, 200},
		{"POST", "/v1/inventory", `{"rows":[]}`, 400},
		{"POST", "/v1/optimize", OptimizeRequest{Rows: rows, Flags: []string{"display"}}, 200},
		{"POST", "/v1/optimize", OptimizeRequest{Rows: rows, Objective: "joy"}, 400},
		{"POST", "/v1/explain", ExplainRequest{Rows: rows}, 422},
		{"GET", "/v1/models", nil, 200},
		{"POST", "/v1/models/shop/promote", PromoteRequest{Version: 2}, 200},
		{"POST", "/v1/explain", ExplainRequest{Rows: promote(e.shop.planRows(20))}, 200},
		{"POST", "/v1/models/shop/rollback", nil, 200},
		{"POST", "/v1/models/shop/rollback", nil, 409},
		{"POST", "/v1/models/shop/promote", PromoteRequest{Version: 9}, 404},
		{"GET", "/healthz", nil, 200},
		{"GET", "/readyz", nil, 200},
		{"GET", "/openapi.json", nil, 200},
		{"PUT", "/v1/forecast", nil, 405},
		{"GET", "/v1/nothing", nil, 404},
	}
	for _, c := range cases {
		code, body := e.call(t, c.method, c.path, "", c.body)
		if code != c.want {
			t.Errorf("%s %s: status %d, want %d: %s", c.method, c.path, code, c.want, body)
			continue
		}
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			t.Errorf("%s %s: not JSON: %v", c.method, c.path, err)
			continue
		}
		if c.path == "/v1/nothing" || c.method == "PUT" {
			if err := validate(doc, map[string]any{"$ref": "#/components/schemas/Error"}, v, "$"); err != nil {
				t.Errorf("%s %s: %v", c.method, c.path, err)
			}
			continue
		}
		pattern, _, _ := strings.Cut(strings.Replace(c.path, "/shop/", "/{name}/", 1), "?")
		status := "default"
		if code == 200 {
			status = "200"
		}
		if err := validate(doc, responseSchema(t, doc, c.method, pattern, status), v, "$"); err != nil {
			t.Errorf("%s %s (%d): %v\n%s", c.method, c.path, code, err, body)
		}
	}
	// /metrics is text in the Prometheus format.
	code, body := e.call(t, "GET", "/metrics", "", nil)
	if code != 200 || !strings.Contains(string(body), "# TYPE promocast_http_requests_total counter") {
		t.Errorf("GET /metrics: %d %.200s", code, body)
	}
}

func TestSchemaRequiredFields(t *testing.T) {
	g := &schemas{defs: map[string]any{}}
	g.of(typeOf[ForecastRow]())
	row := g.defs["ForecastRow"].(map[string]any)
	req := row["required"].([]string)
	for _, name := range []string{"forecast", "baseline", "uplift", "parts", "warnings", "period", "series"} {
		if !slices.Contains(req, name) {
			t.Errorf("ForecastRow: %q should be required, required = %v", name, req)
		}
	}
	for _, name := range []string{"quantiles", "money"} {
		if slices.Contains(req, name) {
			t.Errorf("ForecastRow: %q is optional, required = %v", name, req)
		}
	}
	if row["additionalProperties"] != false {
		t.Error("response objects should not allow unknown properties")
	}
}
