package serve

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkForecastSingleRow measures one single-row POST /v1/forecast
// through the handler (JSON in and out, no network), per fixture version.
func BenchmarkForecastSingleRow(b *testing.B) {
	for _, v := range []int{1, 2} {
		name := map[int]string{1: "ridge", 2: "gbdt"}[v]
		b.Run(name, func(b *testing.B) {
			e := newBenchEnv(b, v)
			rows := e.shop.planRows(64)
			bodies := make([][]byte, len(rows))
			for i := range rows {
				bodies[i], _ = json.Marshal(ForecastRequest{Rows: rows[i : i+1]})
			}
			h := e.srv.Handler()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				req := httptest.NewRequest("POST", "/v1/forecast", bytes.NewReader(bodies[i%len(bodies)]))
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("%d %s", w.Code, w.Body)
				}
			}
		})
	}
}

// BenchmarkScorerSingleRow is the scorer alone on the same rows, to split
// the handler's time between scoring and the API around it.
func BenchmarkScorerSingleRow(b *testing.B) {
	e := newBenchEnv(b, 2)
	lv := e.srv.Live()
	rows := e.shop.planRows(64)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		plan, err := lv.cols.frame(rows[i%len(rows) : i%len(rows)+1])
		if err != nil {
			b.Fatal(err)
		}
		if _, err := lv.Scorer.Forecast(plan); err != nil {
			b.Fatal(err)
		}
	}
}

func newBenchEnv(b *testing.B, version int) *env {
	e := newEnvTB(b, Options{InsecureAdmin: true})
	if version != 1 {
		if _, _, err := e.srv.Promote(b.Context(), version); err != nil {
			b.Fatal(err)
		}
	}
	return e
}
