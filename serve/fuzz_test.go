package serve

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"testing"
)

// FuzzRequest sends arbitrary bodies to the plan-scoring routes: every
// answer is JSON, and a refusal is a 4xx error naming what was wrong;
// nothing panics and nothing is a 500.
func FuzzRequest(f *testing.F) {
	e := newEnvTB(f, Options{Limits: Limits{MaxRows: 20, MaxSweepValues: 5}})
	paths := []string{"/v1/forecast", "/v1/whatif", "/v1/explain", "/v1/optimize", "/v1/inventory"}
	rows, _ := json.Marshal(e.shop.planRows(2))
	f.Add(uint8(0), []byte(`{"rows":`+string(rows)+`}`))
	f.Add(uint8(0), []byte(`{"rows":`+string(rows)+`,"by":"category"}`))
	f.Add(uint8(1), []byte(`{"rows":`+string(rows)+`,"lever":"price","values":[0,0.2]}`))
	f.Add(uint8(2), []byte(`{"rows":`+string(rows)+`}`))
	f.Add(uint8(3), []byte(`{"rows":`+string(rows)+`,"discounts":[0.1],"budget":100}`))
	f.Add(uint8(4), []byte(`{"rows":`+string(rows)+`,"stock":{"S1":{"on_hand":3}}}`))
	f.Add(uint8(0), []byte(`{"rows":5}`))
	f.Add(uint8(1), []byte(`{"rows":[{"date":"2025-10-16","sku":"S1","price":1e308}],"lever":"price","values":[0]}`))
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		path := paths[int(route)%len(paths)]
		rec := httptest.NewRecorder()
		e.srv.Handler().ServeHTTP(rec, httptest.NewRequest("POST", path, bytes.NewReader(body)))
		if rec.Code >= 500 {
			t.Fatalf("%s %q: status %d: %s", path, body, rec.Code, rec.Body.Bytes())
		}
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s %q: the answer is not JSON: %v", path, body, err)
		}
		if rec.Code != 200 {
			if msg, _ := out["error"].(map[string]any)["message"].(string); msg == "" {
				t.Fatalf("%s %q: status %d without an error message: %s", path, body, rec.Code, rec.Body.Bytes())
			}
		}
	})
}
