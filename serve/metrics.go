package serve

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus collectors, in a registry of its
// own (no global state).
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	rows     *prometheus.CounterVec
	version  *prometheus.GaugeVec
	swaps    prometheus.Counter
	runsDrop prometheus.Counter
	inflight prometheus.Gauge
	queued   prometheus.Gauge
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "promocast_http_requests_total",
		Help: "HTTP requests answered, by route, method and status code."}, []string{"route", "method", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "promocast_http_request_duration_seconds",
		Help:    "Time to answer HTTP requests, by route and method.",
		Buckets: []float64{0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}},
		[]string{"route", "method"})
	m.rows = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "promocast_plan_rows_total",
		Help: "Plan rows scored, by route (a what-if counts rows × values)."}, []string{"route"})
	m.version = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "promocast_live_model_version",
		Help: "Version of the live model this server answers with."}, []string{"name"})
	m.swaps = prometheus.NewCounter(prometheus.CounterOpts{Name: "promocast_model_swaps_total",
		Help: "Times the live model was swapped (promotions, rollbacks, registry changes)."})
	m.runsDrop = prometheus.NewCounter(prometheus.CounterOpts{Name: "promocast_runs_dropped_total",
		Help: "Runs not recorded in the registry because the recorder fell behind."})
	m.inflight = prometheus.NewGauge(prometheus.GaugeOpts{Name: "promocast_http_requests_in_flight",
		Help: "Requests being answered."})
	m.queued = prometheus.NewGauge(prometheus.GaugeOpts{Name: "promocast_requests_queued",
		Help: "Plan-scoring requests waiting for a turn (see Limits.MaxConcurrent)."})
	m.reg.MustRegister(m.requests, m.latency, m.rows, m.version, m.swaps, m.runsDrop, m.inflight, m.queued,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// statusWriter records the status code a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap gives http.ResponseController the writer underneath (to flush a
// deadline's answer, admission.run).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// instrument counts and times requests under a route label (the route's
// path pattern, never the raw URL, so labels stay few).
func (m *metrics) instrument(route string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		m.inflight.Inc()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			m.inflight.Dec()
			code := sw.code
			if code == 0 {
				code = http.StatusOK
			}
			m.requests.WithLabelValues(route, r.Method, strconv.Itoa(code)).Inc()
			m.latency.WithLabelValues(route, r.Method).Observe(time.Since(start).Seconds())
		}()
		next.ServeHTTP(sw, r)
	})
}
