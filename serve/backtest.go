package serve

import (
	"net/http"
	"sort"
	"strconv"

	"promocast/backtest/results"
)

// BacktestResponse is the answer of GET /v1/backtest: how the live
// version did on the history, by fold and segment, and one series' actual
// against predicted units.
type BacktestResponse struct {
	Model  ModelRef `json:"model"`
	Source string   `json:"source" doc:"where the results came from: the demo's startup or the folder registered with --backtest"`
	// Models are the models the backtest compared; Shown is the one whose
	// metrics and points follow.
	Models  []string         `json:"models"`
	Shown   string           `json:"shown"`
	Metrics []BacktestMetric `json:"metrics" doc:"scopes overall, promotion, fold (level: origin) and segment COLUMN"`
	Series  []BacktestSeries `json:"series" doc:"the scored series, largest actual first"`
	Chosen  string           `json:"chosen" doc:"the series of points"`
	Points  []BacktestPoint  `json:"points" doc:"the chosen series' scored rows, by period"`
}

// BacktestMetric is a model's scores over one scope and level, as
// metrics.csv holds them (package results); undefined metrics are null.
type BacktestMetric struct {
	Model string `json:"model"`
	// Scope is "overall", "promotion", "fold" or "segment COLUMN"; Level
	// the fold's origin, the segment's level, "promoted" or "not promoted".
	Scope string   `json:"scope"`
	Level string   `json:"level"`
	WAPE  *float64 `json:"wape"`
	MAPE  *float64 `json:"mape"`
	SMAPE *float64 `json:"smape"`
	RMSE  *float64 `json:"rmse"`
	RMSPE *float64 `json:"rmspe"`
	MASE  *float64 `json:"mase"`
	Bias  *float64 `json:"bias"`
	Rows  int      `json:"rows"`
}

// BacktestSeries is one scored series.
type BacktestSeries struct {
	ID     string  `json:"id"`
	Actual float64 `json:"actual" doc:"total actual units over the scored rows"`
	Rows   int     `json:"rows"`
}

// BacktestPoint is one scored row: the actual and the forecast made at
// its fold's origin.
type BacktestPoint struct {
	Period   string  `json:"period"`
	Fold     int     `json:"fold"`
	Actual   float64 `json:"actual"`
	Forecast float64 `json:"forecast"`
	Promoted bool    `json:"promoted"`
}

// backtestView indexes a stored backtest by model and series.
type backtestView struct {
	source  string
	models  []string
	metrics map[string][]BacktestMetric
	series  map[string][]BacktestSeries
	points  map[string]map[string][]BacktestPoint // model → series → points
}

func newBacktestView(bt results.Results) *backtestView {
	v := &backtestView{source: bt.Source, metrics: map[string][]BacktestMetric{},
		series: map[string][]BacktestSeries{}, points: map[string]map[string][]BacktestPoint{}}
	seen := map[string]bool{}
	addModel := func(m string) {
		if !seen[m] {
			seen[m] = true
			v.models = append(v.models, m)
			v.points[m] = map[string][]BacktestPoint{}
		}
	}
	for _, m := range bt.Metrics {
		addModel(m.Model)
		v.metrics[m.Model] = append(v.metrics[m.Model], BacktestMetric(m))
	}
	for _, p := range bt.Predictions {
		addModel(p.Model)
		v.points[p.Model][p.Series] = append(v.points[p.Model][p.Series],
			BacktestPoint{Period: p.Period, Fold: p.Fold, Actual: p.Actual, Forecast: p.Forecast, Promoted: p.Promoted})
	}
	for m, bySeries := range v.points {
		list := make([]BacktestSeries, 0, len(bySeries))
		for id, pts := range bySeries {
			sort.SliceStable(pts, func(a, b int) bool { return periodLess(pts[a].Period, pts[b].Period) })
			s := BacktestSeries{ID: id, Rows: len(pts)}
			for _, p := range pts {
				s.Actual += p.Actual
			}
			list = append(list, s)
		}
		sort.Slice(list, func(a, b int) bool {
			if list[a].Actual != list[b].Actual {
				return list[a].Actual > list[b].Actual
			}
			return list[a].ID < list[b].ID
		})
		v.series[m] = list
	}
	return v
}

func (s *Server) backtest(r *http.Request, _ *NoBody) (*BacktestResponse, error) {
	lv, err := s.current()
	if err != nil {
		return nil, err
	}
	v := lv.bt
	if v == nil || len(v.models) == 0 {
		return nil, Errorf(http.StatusNotFound, "", "model %s version %d has no stored backtest: register it with 'promocast models register --backtest DIR' (DIR from 'promocast backtest --out DIR')",
			lv.Entry.Name, lv.Entry.Version)
	}
	q := r.URL.Query()
	shown := q.Get("model")
	if shown == "" {
		shown = v.models[0]
		for _, m := range v.models { // prefer the live model's own kind
			if m == lv.Entry.Kind {
				shown = m
			}
		}
	} else if _, ok := v.points[shown]; !ok {
		return nil, Errorf(http.StatusBadRequest, "model", "%q is not in the backtest; it compared %v", shown, v.models)
	}
	out := &BacktestResponse{Model: lv.Ref(), Source: v.source, Models: v.models, Shown: shown,
		Metrics: v.metrics[shown], Series: v.series[shown], Points: []BacktestPoint{}}
	if out.Metrics == nil {
		out.Metrics = []BacktestMetric{}
	}
	if out.Series == nil {
		out.Series = []BacktestSeries{}
	}
	out.Chosen = q.Get("series")
	switch {
	case out.Chosen == "" && len(out.Series) > 0:
		out.Chosen = out.Series[0].ID
	case out.Chosen != "" && v.points[shown][out.Chosen] == nil:
		return nil, Errorf(http.StatusBadRequest, "series", "series %q was not scored in the backtest of %s", out.Chosen, shown)
	}
	if pts := v.points[shown][out.Chosen]; pts != nil {
		out.Points = pts
	}
	return out, nil
}

// periodLess orders period labels: numerically when both are numbers
// (integer periods), as text otherwise (dates sort as text).
func periodLess(a, b string) bool {
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	if errA == nil && errB == nil {
		return x < y
	}
	return a < b
}
