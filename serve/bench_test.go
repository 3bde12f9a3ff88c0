package serve

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"promocast/registry"
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

// BenchmarkSingleRowModelFile is BenchmarkForecastSingleRow and
// BenchmarkScorerSingleRow on a model file of the user's
// (PROMOCAST_BENCH_MODEL, with its history PROMOCAST_BENCH_DATA and spec
// PROMOCAST_BENCH_SPEC; skipped without the first two): one-row plans built as
// bench/load builds them from /v1/spec, each series at its default levers
// and every other series 20% off.
//
//	PROMOCAST_BENCH_MODEL=bf.json PROMOCAST_BENCH_DATA=$D PROMOCAST_BENCH_SPEC=$S \
//	  go test -run x -bench SingleRowModelFile ./serve
func BenchmarkSingleRowModelFile(b *testing.B) {
	model, hist, sp := os.Getenv("PROMOCAST_BENCH_MODEL"), os.Getenv("PROMOCAST_BENCH_DATA"), os.Getenv("PROMOCAST_BENCH_SPEC")
	if model == "" || hist == "" {
		b.Skip("PROMOCAST_BENCH_MODEL and PROMOCAST_BENCH_DATA name no model file and history (PROMOCAST_BENCH_SPEC its spec, when the history needs one)")
	}
	ctx := b.Context()
	st, err := registry.Open(ctx, filepath.Join(b.TempDir(), "registry.db"), registry.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := ReleaseFiles(ctx, st, Files{Name: "bench", Model: model, Data: hist, Spec: sp, Promote: true}); err != nil {
		b.Fatal(err)
	}
	srv, err := New(st, LoadHistory, Options{Name: "bench", PollInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	if err := srv.Start(ctx); err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/v1/spec", nil))
	var spec struct {
		Time    string   `json:"time"`
		Price   string   `json:"price"`
		Periods []string `json:"periods"`
		Series  []struct {
			Keys     map[string]string  `json:"keys"`
			Defaults map[string]float64 `json:"defaults"`
		} `json:"series"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &spec); err != nil || len(spec.Periods) == 0 || len(spec.Series) == 0 {
		b.Fatalf("/v1/spec: %v (%d periods, %d series)", err, len(spec.Periods), len(spec.Series))
	}
	var rows []PlanRow
	for i, s := range spec.Series[:min(512, len(spec.Series))] {
		row := PlanRow{spec.Time: spec.Periods[0]}
		for k, v := range s.Keys {
			row[k] = v
		}
		for k, v := range s.Defaults {
			row[k] = v
		}
		if p, ok := s.Defaults[spec.Price]; ok && i%2 == 0 {
			row[spec.Price] = 0.8 * p
		}
		rows = append(rows, row)
	}
	b.Run("handler", func(b *testing.B) {
		bodies := make([][]byte, len(rows))
		for i := range rows {
			bodies[i], _ = json.Marshal(ForecastRequest{Rows: rows[i : i+1]})
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("POST", "/v1/forecast", bytes.NewReader(bodies[i%len(bodies)])))
			if w.Code != http.StatusOK {
				b.Fatalf("%d %s", w.Code, w.Body)
			}
			i++
		}
	})
	b.Run("scorer", func(b *testing.B) {
		lv := srv.Live()
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			plan, err := lv.cols.frame(rows[i%len(rows) : i%len(rows)+1])
			if err != nil {
				b.Fatal(err)
			}
			if _, err := lv.Scorer.Forecast(plan); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
