package serve

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"time"

	"promocast/data"
	"promocast/forecast"
	"promocast/registry"
	"promocast/spec"
)

// builtinRoutes are the routes every server has; more are added the same
// way, with JSONRoute and Register.
func (s *Server) builtinRoutes() []Route {
	lim := &s.opt.Limits
	return []Route{
		heavy(JSONRoute("POST", "/v1/forecast", "Forecast a plan with its no-promotion baseline, uplift parts, quantiles and money", ScopeRead, lim, s.forecast)),
		heavy(JSONRoute("POST", "/v1/whatif", "Sweep one promotion lever over a plan: response curves, elasticity, best value", ScopeRead, lim, s.whatif)),
		heavy(JSONRoute("POST", "/v1/explain", "Attribute each plan row's uplift and the plan's to its top drivers (gbdt models)", ScopeRead, lim, s.explain)),
		heavy(JSONRoute("POST", "/v1/optimize", "Choose each row's promotion under budget, group, margin-rate and stock limits; compare with your plan and no promotion", ScopeRead, lim, s.optimize)),
		heavy(JSONRoute("POST", "/v1/inventory", "Safety stock, reorder point, order quantity and stockout risk per series from the plan's forecast quantiles", ScopeRead, lim, s.inventory)),
		JSONRoute("GET", "/v1/spec", "What a plan for the live model looks like: columns, levers, periods, series with their lever-off values", ScopeRead, lim, s.spec),
		withQuery(JSONRoute("GET", "/v1/backtest", "The live version's stored backtest: metrics by fold and segment, actual against predicted for one series", ScopeRead, lim, s.backtest),
			QueryParam{"model", "backtested model to show; default the live model's kind"}, QueryParam{"series", "series ID of the points; default the largest"}),
		JSONRoute("GET", "/v1/models", "List registered model versions and the one being served", ScopeRead, lim, s.models),
		JSONRoute("POST", "/v1/models/{name}/promote", "Make a version live, swapping it in atomically", ScopeAdmin, lim, s.promote),
		JSONRoute("POST", "/v1/models/{name}/rollback", "Return to the version live before the live one", ScopeAdmin, lim, s.rollback),
		JSONRoute("GET", "/healthz", "Liveness: the process answers", ScopePublic, lim, s.healthz),
		JSONRoute("GET", "/readyz", "Readiness: a live model is loaded and the server is not shutting down", ScopePublic, lim, s.readyz),
		{Method: "GET", Path: "/metrics", Summary: "Prometheus metrics: request counts and latencies, live model version",
			Scope: ScopeRead, Response: typeOf[string](), ContentType: "text/plain; version=0.0.4", Handler: s.metrics.handler()},
		JSONRoute("GET", "/openapi.json", "This API document (OpenAPI 3.1), generated from the Go types", ScopePublic, lim,
			func(*http.Request, *NoBody) (*map[string]any, error) { doc := s.OpenAPI(); return &doc, nil }),
	}
}

// current returns the live model, or a 503 before one is loaded.
func (s *Server) current() (*Live, error) {
	lv := s.live.Load()
	if lv == nil {
		return nil, Errorf(http.StatusServiceUnavailable, "", "no live model loaded yet")
	}
	return lv, nil
}

func (s *Server) checkRows(n int) error {
	if n > s.opt.Limits.MaxRows {
		return Errorf(http.StatusRequestEntityTooLarge, "rows", "%d rows: this server takes at most %d per request; split the plan", n, s.opt.Limits.MaxRows)
	}
	return nil
}

// scorePlan scores a request's plan rows with the live version lv, the
// preamble every scoring route shares: the row limit, then check (the
// request's other fields; nil when there are none), the rows' frame, and
// score on it. An error from score that is not an *APIError is about the
// plan and is named by the request's fields. start is when scoring began.
func scorePlan[T any](s *Server, lv *Live, rows []PlanRow, check func() error, score func(plan *data.Frame) (T, error)) (out T, start time.Time, err error) {
	if err := s.checkRows(len(rows)); err != nil {
		return out, start, err
	}
	if check != nil {
		if err := check(); err != nil {
			return out, start, err
		}
	}
	plan, err := lv.cols.frame(rows)
	if err != nil {
		return out, start, err
	}
	start = time.Now()
	if out, err = score(plan); err != nil {
		if ae := (*APIError)(nil); errors.As(err, &ae) {
			return out, start, err
		}
		return out, start, scoringError(err, lv.Model.Spec.Keys)
	}
	return out, start, nil
}

func (s *Server) forecast(r *http.Request, req *ForecastRequest) (*ForecastResponse, error) {
	lv, err := s.current() // one load: every number below is from this version
	if err != nil {
		return nil, err
	}
	res, start, err := scorePlan(s, lv, req.Rows, nil, lv.Scorer.Forecast)
	if err != nil {
		return nil, err
	}
	all, err := res.Summarise("")
	if err != nil {
		return nil, err
	}
	if req.By != "" {
		groups, err := res.Summarise(req.By)
		if err != nil {
			return nil, Errorf(http.StatusBadRequest, "by", "%v", err)
		}
		all = append(all, groups...)
	}
	out := &ForecastResponse{Model: lv.Ref(), Levels: append([]float64{}, res.Levels...), Rows: forecastRows(lv, res)}
	out.Totals = make([]Totals, len(all))
	hasPrice := lv.Model.Spec.PriceColumn() != ""
	for i, t := range all {
		out.Totals[i] = totals(t, hasPrice)
	}
	out.Millis = float64(time.Since(start).Microseconds()) / 1000
	s.metrics.rows.WithLabelValues("/v1/forecast").Add(float64(len(req.Rows)))
	s.record("forecast", lv, start, map[string]any{"rows": len(req.Rows), "by": req.By}, out.Totals[0])
	return out, nil
}

func forecastRows(lv *Live, res *forecast.Result) []ForecastRow {
	sp := &lv.Model.Spec
	var money []forecast.Money
	if sp.PriceColumn() != "" {
		money = res.Money()
	}
	qname := make([]string, len(res.Levels))
	for k, l := range res.Levels {
		qname[k] = fmt.Sprintf("p%g", 100*l)
	}
	rows := make([]ForecastRow, len(res.Targets))
	for i, t := range res.Targets {
		series := res.Panel.Series[t.Series]
		keys := make(map[string]string, len(sp.Keys))
		for k, name := range sp.Keys {
			keys[name] = series.Key[k]
		}
		peers := res.Parts.Peers[i]
		row := ForecastRow{
			Series: series.ID, Keys: keys, Period: res.Period(i),
			Forecast: res.Forecast[i], Baseline: res.Baseline[i], Uplift: res.Forecast[i] - res.Baseline[i],
			Expected: res.Expected[i], ExpectedBaseline: res.BaselineExpected[i],
			Promoted: res.Promoted[i],
			Parts: Parts{OwnLift: res.Parts.Own[i], PostPromotionDip: res.Parts.History[i], PrePromotionLull: res.Parts.Next[i],
				Cannibalisation: math.Min(0, peers), Halo: math.Max(0, peers)},
			Warnings: splitWarnings(res.Warnings[i]),
		}
		if len(res.Levels) > 0 {
			q := &Quantiles{Forecast: make(map[string]float64, len(qname)), Baseline: make(map[string]float64, len(qname))}
			for k, n := range qname {
				q.Forecast[n] = zeroNaN(res.ForecastQ[k][i])
				q.Baseline[n] = zeroNaN(res.BaselineQ[k][i])
			}
			row.Quantiles = q
		}
		if money != nil {
			m := money[i]
			inc := m.Margin - m.BaselineMargin
			row.Money = &Money{Price: finite(res.Price[i]), BaselinePrice: finite(res.BasePrice[i]),
				Revenue: zeroNaN(m.Revenue), BaselineRevenue: zeroNaN(m.BaselineRevenue), IncrementalRevenue: zeroNaN(m.Revenue - m.BaselineRevenue),
				Margin: finite(m.Margin), BaselineMargin: finite(m.BaselineMargin), IncrementalMargin: finite(inc),
				PromotionCost: zeroNaN(m.PromotionCost), ROI: finite(m.ROI())}
		}
		rows[i] = row
	}
	return rows
}

func totals(t forecast.Total, hasPrice bool) Totals {
	out := Totals{Group: t.Group, Rows: t.Rows, Promoted: t.Promoted, Forecast: t.Forecast, Baseline: t.Baseline,
		Uplift: t.Forecast - t.Baseline,
		Parts:  Parts{OwnLift: t.Own, PostPromotionDip: t.History, PrePromotionLull: t.Next, Cannibalisation: t.Cannibal, Halo: t.Halo}}
	if hasPrice {
		inc := t.Margin - t.BaselineMargin
		out.Money = &Money{Revenue: zeroNaN(t.Revenue), BaselineRevenue: zeroNaN(t.BaselineRevenue),
			IncrementalRevenue: zeroNaN(t.Revenue - t.BaselineRevenue), Margin: finite(t.Margin), BaselineMargin: finite(t.BaselineMargin),
			IncrementalMargin: finite(inc), PromotionCost: zeroNaN(t.PromotionCost), ROI: finite(t.ROI())}
	}
	return out
}

func (s *Server) whatif(r *http.Request, req *WhatIfRequest) (*WhatIfResponse, error) {
	lv, err := s.current()
	if err != nil {
		return nil, err
	}
	var lever spec.LeverRule // the swept lever, set by check
	check := func() error {
		rules, err := lv.Model.Spec.Levers()
		if err != nil {
			return err
		}
		found := false
		var names []string
		for _, rule := range rules {
			names = append(names, rule.Name)
			if rule.Name == req.Lever {
				found, lever = true, rule
			}
		}
		if !found {
			return Errorf(http.StatusBadRequest, "lever", "%q is not a promotion lever of the model's spec; its levers are %v", req.Lever, names)
		}
		lim := s.opt.Limits
		switch {
		case len(req.Values) == 0:
			return Errorf(http.StatusBadRequest, "values", "no values: expected at least one value to try")
		case len(req.Values) > lim.MaxSweepValues:
			return Errorf(http.StatusRequestEntityTooLarge, "values", "%d values: this server tries at most %d per request", len(req.Values), lim.MaxSweepValues)
		case len(req.Values)*len(req.Rows) > lim.MaxSweepCells:
			return Errorf(http.StatusRequestEntityTooLarge, "values", "%d rows × %d values = %d forecasts: this server scores at most %d per what-if",
				len(req.Rows), len(req.Values), len(req.Rows)*len(req.Values), lim.MaxSweepCells)
		}
		for i, v := range req.Values {
			if lever.IsPrice() && !(v >= 0 && v < 1) {
				return Errorf(http.StatusBadRequest, fmt.Sprintf("values[%d]", i), "discount %v: a price lever's values are discount depths in [0, 1)", v)
			}
			if !lever.IsPrice() && !(v >= lever.Number) {
				return Errorf(http.StatusBadRequest, fmt.Sprintf("values[%d]", i), "%s %v: expected %v (off) or more: the lever is on above its off value", req.Lever, v, lever.Number)
			}
		}
		return nil
	}
	points, start, err := scorePlan(s, lv, req.Rows, check, func(plan *data.Frame) ([]forecast.Point, error) {
		points, err := lv.Scorer.WhatIf(plan, forecast.Sweep{Lever: req.Lever, Values: req.Values, Series: req.Series})
		if err != nil {
			return nil, seriesError(err, req)
		}
		return points, nil
	})
	if err != nil {
		return nil, err
	}
	out := &WhatIfResponse{Model: lv.Ref(), Lever: req.Lever, Points: make([]WhatIfPoint, len(points)), Series: []WhatIfSeries{}}
	for i, p := range points {
		inc := p.Margin - p.BaselineMargin
		out.Points[i] = WhatIfPoint{Series: p.Series, Value: p.Value, Units: p.Units, Baseline: p.Baseline, Uplift: p.Units - p.Baseline,
			Money: Money{Revenue: zeroNaN(p.Revenue), BaselineRevenue: zeroNaN(p.BaselineRevenue), IncrementalRevenue: zeroNaN(p.Revenue - p.BaselineRevenue),
				Margin: finite(p.Margin), BaselineMargin: finite(p.BaselineMargin), IncrementalMargin: finite(inc),
				PromotionCost: zeroNaN(p.PromotionCost), ROI: finite(p.ROI())}, Warnings: splitWarnings(p.Warning)}
	}
	for _, c := range forecast.Curves(points, lever.IsPrice()) {
		ws := WhatIfSeries{Series: c.Series, BestValue: c.Best.Value, BestGain: finite(c.Best.Gain()), BestBeyondHistory: c.Best.Warning != "",
			Elasticity: finite(c.Elasticity)}
		if c.Within != nil {
			ws.BestWithinHistory, ws.BestWithinHistoryGain = finite(c.Within.Value), finite(c.Within.Gain())
		}
		out.Series = append(out.Series, ws)
	}
	out.Millis = float64(time.Since(start).Microseconds()) / 1000
	s.metrics.rows.WithLabelValues("/v1/whatif").Add(float64(len(req.Rows) * len(req.Values)))
	s.record("whatif", lv, start, map[string]any{"rows": len(req.Rows), "lever": req.Lever, "values": req.Values, "series": req.Series}, out.Series)
	return out, nil
}

// seriesError names the request's series field a what-if error is about,
// and returns other errors as they are.
func seriesError(err error, req *WhatIfRequest) error {
	var missing *forecast.NotInPlanError
	if !errors.As(err, &missing) {
		return err
	}
	for i, id := range req.Series {
		if id == missing.Series {
			return Errorf(http.StatusBadRequest, fmt.Sprintf("series[%d]", i), "%v", err)
		}
	}
	return err
}

// record queues a run for the registry. The log's writer encodes params
// and summary, so they must not change after the call.
func (s *Server) record(kind string, lv *Live, start time.Time, params, summary any) {
	s.runs.add(registry.Run{Kind: kind, Model: lv.Entry.Name, Version: lv.Entry.Version,
		Millis: float64(time.Since(start).Microseconds()) / 1000}, params, summary)
}

func (s *Server) models(r *http.Request, _ *NoBody) (*ModelsResponse, error) {
	lv, err := s.current()
	if err != nil {
		return nil, err
	}
	list, err := s.store.List(r.Context(), "")
	if err != nil {
		return nil, err
	}
	out := &ModelsResponse{Serving: lv.Ref(), Models: make([]ModelInfo, len(list))}
	for i, m := range list {
		metrics := m.Metrics
		if metrics == nil {
			metrics = map[string]float64{}
		}
		out.Models[i] = ModelInfo{Name: m.Name, Version: m.Version, Kind: m.Kind, Checksum: m.Checksum,
			DataFingerprint: m.DataFingerprint, Metrics: metrics, Created: m.Created, Live: m.Live}
	}
	return out, nil
}

func (s *Server) servedName(r *http.Request) error {
	if name := r.PathValue("name"); name != s.opt.Name {
		return Errorf(http.StatusNotFound, "name", "this server serves model %q, not %q; use 'promocast models promote' for other names", s.opt.Name, name)
	}
	return nil
}

func (s *Server) promote(r *http.Request, req *PromoteRequest) (*PromoteResponse, error) {
	if err := s.servedName(r); err != nil {
		return nil, err
	}
	if req.Version < 1 {
		return nil, Errorf(http.StatusBadRequest, "version", "version %d: expected a registered version, 1 or more", req.Version)
	}
	lv, prev, err := s.Promote(r.Context(), req.Version)
	if err != nil {
		return nil, err
	}
	return &PromoteResponse{Live: lv.Ref(), Previous: prev.Ref()}, nil
}

func (s *Server) rollback(r *http.Request, _ *NoBody) (*PromoteResponse, error) {
	if err := s.servedName(r); err != nil {
		return nil, err
	}
	lv, prev, err := s.Rollback(r.Context())
	if err != nil {
		return nil, err
	}
	return &PromoteResponse{Live: lv.Ref(), Previous: prev.Ref()}, nil
}

func (s *Server) healthz(*http.Request, *NoBody) (*Health, error) {
	return &Health{Status: "ok"}, nil
}

func (s *Server) readyz(*http.Request, *NoBody) (*Health, error) {
	switch lv := s.live.Load(); {
	case s.draining.Load():
		return nil, Errorf(http.StatusServiceUnavailable, "", "draining: the server is shutting down")
	case lv == nil:
		return nil, Errorf(http.StatusServiceUnavailable, "", "starting: no live model loaded yet")
	default:
		ref := lv.Ref()
		if p := s.Problem(); p != "" {
			return &Health{Status: "stale", Model: &ref, Problem: p}, nil
		}
		return &Health{Status: "ok", Model: &ref}, nil
	}
}
