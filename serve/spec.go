package serve

import (
	"math"
	"net/http"
	"sort"

	"promocast/data"
	"promocast/forecast"
	"promocast/panel"
	"promocast/spec"
)

// SpecResponse is the answer of GET /v1/spec: what a plan for the live
// model looks like, so that a client (the web page) can build one.
type SpecResponse struct {
	Model     ModelRef `json:"model"`
	Time      string   `json:"time" doc:"the time column"`
	Frequency string   `json:"frequency" enum:"day,week,month,period"`
	Keys      []string `json:"keys"`
	Target    string   `json:"target"`
	Known     []string `json:"known" doc:"known covariates: every plan row gives each (null where one that is no lever, price or cost is unknown)"`
	Static    []string `json:"static"`
	Price     string   `json:"price" doc:"the price column; empty when the spec names none"`
	UnitCost  string   `json:"unit_cost" doc:"the unit cost column or number; empty when the spec names none"`
	Levers    []Lever  `json:"levers"`
	// Periods a plan may cover: after the history's last period, up to
	// the model's gap + horizon.
	Periods   []string     `json:"periods"`
	Series    []SeriesInfo `json:"series" doc:"the series with history up to its last period, most sold first"`
	Levels    []float64    `json:"levels" doc:"quantile levels the model's intervals give; empty without calibration"`
	Explains  bool         `json:"explains" doc:"whether POST /v1/explain works with this model (gbdt models)"`
	Backtest  bool         `json:"backtest" doc:"whether GET /v1/backtest has results for this version"`
	Inventory bool         `json:"inventory" doc:"whether POST /v1/inventory works with this model (it needs P10 and P90)"`
}

// Lever is a promotion lever of the spec and how a client sets it.
type Lever struct {
	Name string `json:"name"`
	// Kind is how the lever is set: price (a discount depth d sets it to
	// its off value × (1 − d)), depth (the same d, a depth column that
	// follows the price lever in the history), flag (0 or 1) or number.
	Kind string `json:"kind" enum:"price,depth,flag,number"`
	// Off is the value with no promotion: a column name, a number, or
	// "infer" (trailing maximum price).
	Off string `json:"off"`
	// Min and Max are the lever's range in the history.
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

// SeriesInfo is one series a plan may name, with the values a plan row of
// it takes when nothing is promoted.
type SeriesInfo struct {
	ID     string            `json:"id"`
	Keys   map[string]string `json:"keys"`
	Static map[string]string `json:"static"`
	// Defaults are the known covariates of the series' last history row
	// with every lever off.
	Defaults map[string]float64 `json:"defaults"`
	// Recent is the mean target over the last 28 periods of history.
	Recent float64 `json:"recent"`
}

// recentPeriods is the window of SeriesInfo.Recent.
const recentPeriods = 28

// planSpec describes plans for the live model; it depends only on the
// model and its history, so it is built once per Live.
func planSpec(lv *Live) (*SpecResponse, error) {
	m, p := lv.Model, lv.Scorer.Panel()
	sp := &m.Spec
	rules, err := sp.Levers()
	if err != nil {
		return nil, err
	}
	out := &SpecResponse{Model: lv.Ref(), Time: sp.Time.Column, Frequency: sp.Time.Frequency, Keys: sp.Keys, Target: sp.Target,
		Known: sp.Known, Static: nonNil(sp.Static), Price: sp.PriceColumn(), UnitCost: sp.Cost.UnitCost,
		Levels: []float64{}}
	out.Explains = forecast.CanExplain(m.Predictor)
	if c := m.Calibration; c != nil {
		out.Levels = append(out.Levels, c.Levels...)
		out.Inventory = hasLevel(c.Levels, 0.1) && hasLevel(c.Levels, 0.9)
	}
	knownAt := map[string]int{}
	for k, name := range sp.Known {
		knownAt[name] = k
	}
	regular := ""
	for _, r := range rules {
		if r.Name == out.Price && r.Kind == spec.OffColumn {
			regular = r.Column
		}
	}
	for _, r := range rules {
		out.Levers = append(out.Levers, leverInfo(r, p, knownAt, out.Price, regular))
	}
	for ahead := 1; ahead <= m.Gap+m.Horizon; ahead++ {
		out.Periods = append(out.Periods, p.Grid.Label(p.Last+ahead))
	}
	for _, s := range p.Series {
		if s.End() != p.Last {
			continue // ended before the history did: nothing to forecast from
		}
		out.Series = append(out.Series, seriesInfo(p, s, rules, knownAt, lv.cols.plain))
	}
	sort.SliceStable(out.Series, func(a, b int) bool { return out.Series[a].Recent > out.Series[b].Recent })
	return out, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func hasLevel(levels []float64, l float64) bool {
	for _, v := range levels {
		if math.Abs(v-l) < 1e-9 {
			return true
		}
	}
	return false
}

// leverInfo classifies a lever by its history values.
//
// A numeric lever whose values lie in [0, 1) and match 1 − price ÷ regular
// price on at least 90% of the rows where it is set is a depth: it moves
// with the price lever.
func leverInfo(r spec.LeverRule, p *panel.Panel, knownAt map[string]int, price, regular string) Lever {
	l := Lever{Name: r.Name, Min: math.Inf(1), Max: math.Inf(-1)}
	switch r.Kind {
	case spec.OffColumn:
		l.Off = r.Column
	case spec.OffInfer:
		l.Off = "infer"
	default:
		l.Off = data.FormatFloat(r.Number)
	}
	k, ok := knownAt[r.Name]
	if !ok {
		l.Min, l.Max, l.Kind = 0, 0, "number"
		return l
	}
	binary, unit := true, true
	linked, rows := 0, 0
	pk, pok := knownAt[price]
	rk, rok := knownAt[regular]
	for _, s := range p.Series {
		for t, v := range s.Known[k] {
			if math.IsNaN(v) {
				continue
			}
			l.Min, l.Max = math.Min(l.Min, v), math.Max(l.Max, v)
			binary = binary && (v == 0 || v == 1)
			unit = unit && v >= 0 && v < 1
			if v > 0 && pok && rok {
				rows++
				if pv, reg := s.Known[pk][t], s.Known[rk][t]; reg > 0 && math.Abs(v-(1-pv/reg)) < 0.02 {
					linked++
				}
			}
		}
	}
	if math.IsInf(l.Min, 0) {
		l.Min, l.Max = 0, 0
	}
	switch {
	case r.IsPrice():
		l.Kind = "price"
	case binary:
		l.Kind = "flag"
	case unit && rows > 0 && float64(linked) >= 0.9*float64(rows):
		l.Kind = "depth"
	default:
		l.Kind = "number"
	}
	return l
}

// seriesInfo returns a series' keys, static attributes and lever-off
// defaults from its last history row.
func seriesInfo(p *panel.Panel, s *panel.Series, rules []spec.LeverRule, knownAt map[string]int, plain map[string]bool) SeriesInfo {
	sp := p.Spec
	si := SeriesInfo{ID: s.ID, Keys: map[string]string{}, Static: map[string]string{}, Defaults: map[string]float64{}}
	for k, name := range sp.Keys {
		si.Keys[name] = s.Key[k]
	}
	for a, name := range sp.Static {
		v := s.Static[a]
		switch {
		case math.IsNaN(v):
		case p.Levels[a] != nil && int(v) >= 0 && int(v) < len(p.Levels[a]):
			si.Static[name] = p.Levels[a][int(v)]
		default:
			si.Static[name] = data.FormatFloat(v)
		}
	}
	// A plain covariate the series never had (a rival's price where the
	// store never carried it) gets no default: a plan leaves it empty.
	for k, name := range sp.Known {
		if v, ok := lastValue(s.Known[k]); ok || !plain[name] {
			si.Defaults[name] = v
		}
	}
	for _, r := range rules {
		switch r.Kind {
		case spec.OffNumber:
			si.Defaults[r.Name] = r.Number
		case spec.OffColumn:
			if v, ok := si.Defaults[r.Column]; ok {
				si.Defaults[r.Name] = v
			}
		case spec.OffInfer:
			if k, ok := knownAt[r.Name]; ok {
				si.Defaults[r.Name] = trailingMax(s.Known[k], r.Window)
			}
		}
	}
	n, sum := 0, 0.0
	for t := len(s.Y) - 1; t >= 0 && t >= len(s.Y)-recentPeriods; t-- {
		if !math.IsNaN(s.Y[t]) {
			n, sum = n+1, sum+s.Y[t]
		}
	}
	if n > 0 {
		si.Recent = sum / float64(n)
	}
	return si
}

// lastValue returns the last value of xs that is present; 0 and false
// when none is.
func lastValue(xs []float64) (float64, bool) {
	for t := len(xs) - 1; t >= 0; t-- {
		if !math.IsNaN(xs[t]) {
			return xs[t], true
		}
	}
	return 0, false
}

func trailingMax(xs []float64, window int) float64 {
	if window <= 0 {
		window = recentPeriods
	}
	best := math.Inf(-1)
	for t := len(xs) - 1; t >= 0 && t >= len(xs)-window; t-- {
		if !math.IsNaN(xs[t]) {
			best = math.Max(best, xs[t])
		}
	}
	if math.IsInf(best, -1) {
		v, _ := lastValue(xs)
		return v
	}
	return best
}

// spec answers GET /v1/spec.
func (s *Server) spec(r *http.Request, _ *NoBody) (*SpecResponse, error) {
	lv, err := s.current()
	if err != nil {
		return nil, err
	}
	return lv.spec, nil
}
