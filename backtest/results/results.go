// Package results owns the on-disk form of a backtest: the folder
// 'promocast backtest --out DIR' writes, which 'promocast models register
// --backtest DIR' reads back and the registry stores with a model version
// (docs/backtest-format.md describes it).
//
//	r := results.FromReports(panel, reports, "bt/")
//	err := results.WriteDir("bt/", r) // metrics.csv, predictions.csv
//	r, err = results.ReadDir("bt/")
//
// Results is also the form the registry keeps (as JSON) and the server's
// backtest view shows.
package results

import (
	"math"
	"os"
	"path/filepath"

	"promocast/backtest"
	"promocast/data"
	"promocast/export"
	"promocast/metric"
	"promocast/panel"
)

// Results are a backtest's metrics by scope (overall, promotion, fold,
// segment) and every scored row. One backtest may hold several models'
// results (a comparison run); Model in each row says whose.
type Results struct {
	// Source says where the results came from, e.g. "demo startup" or the
	// folder of 'promocast backtest --out'.
	Source      string       `json:"source"`
	Metrics     []Metric     `json:"metrics"`
	Predictions []Prediction `json:"predictions"`
}

// Metric is one row of metrics.csv: a model's scores over one scope and
// level. Metrics that are undefined (MAPE with zero actuals, MASE without
// a usable scale) are nil.
type Metric struct {
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

// Prediction is one scored row of predictions.csv. P10 and P90 are the
// row's interval calibrated on the folds before its own, Expected its
// expected units under that calibration; nil on the first fold and in
// folders written before they were added.
type Prediction struct {
	Model    string   `json:"model"`
	Series   string   `json:"series"`
	Period   string   `json:"period"`
	Fold     int      `json:"fold"` // 1-based, oldest first
	Actual   float64  `json:"actual"`
	Forecast float64  `json:"forecast"`
	Promoted bool     `json:"promoted"`
	P10      *float64 `json:"p10,omitempty"`
	P90      *float64 `json:"p90,omitempty"`
	Expected *float64 `json:"expected,omitempty"`
}

// Files of a backtest folder.
const (
	MetricsFile     = "metrics.csv"
	PredictionsFile = "predictions.csv"
)

// FromReports lays backtest reports of a panel out as Results: per model,
// the overall, promotion, fold and segment scores, then every scored row.
func FromReports(p *panel.Panel, reports []*backtest.Report, source string) Results {
	r := Results{Source: source}
	for _, rep := range reports {
		add := func(scope, level string, sc metric.Scores) {
			r.Metrics = append(r.Metrics, Metric{Model: rep.Model, Scope: scope, Level: level,
				WAPE: finite(sc.WAPE), MAPE: finite(sc.MAPE), SMAPE: finite(sc.SMAPE), RMSE: finite(sc.RMSE),
				RMSPE: finite(sc.RMSPE), MASE: finite(sc.MASE), Bias: finite(sc.Bias), Rows: sc.N})
		}
		add("overall", "", rep.Overall)
		add("promotion", "promoted", rep.Promo)
		add("promotion", "not promoted", rep.NonPromo)
		for _, f := range rep.Folds {
			add("fold", f.Origin, f.Scores)
		}
		for _, s := range rep.Segments {
			add("segment "+s.Column, s.Level, s.Scores)
		}
	}
	for _, rep := range reports {
		for _, pr := range rep.Predictions {
			r.Predictions = append(r.Predictions, Prediction{Model: rep.Model, Series: p.Series[pr.Series].ID,
				Period: p.Grid.Label(pr.Period), Fold: pr.Fold + 1, Actual: pr.Actual, Forecast: pr.Forecast, Promoted: pr.Promoted,
				P10: finite(pr.P10), P90: finite(pr.P90), Expected: finite(pr.Expected)})
		}
	}
	return r
}

// finite returns a pointer to v, or nil when v is NaN or infinite.
func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// orNaN is the value of v, NaN when nil.
func orNaN(v *float64) float64 {
	if v == nil {
		return math.NaN()
	}
	return *v
}

// WriteDir writes metrics.csv and predictions.csv to dir, creating it;
// each file is written whole or not at all.
func WriteDir(dir string, r Results) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := WriteMetrics(filepath.Join(dir, MetricsFile), r); err != nil {
		return err
	}
	return export.Write(filepath.Join(dir, PredictionsFile), r.predictionsFrame())
}

// WriteMetrics writes the metrics alone, as metrics.csv holds them, to a
// file of any format package export writes.
func WriteMetrics(path string, r Results) error {
	return export.Write(path, r.metricsFrame())
}

// metricsFrame lays every score out long: one row per model, scope and
// level, with one column per metric (NaN where undefined).
func (r Results) metricsFrame() *data.Frame {
	var model, scope, level []string
	var cols [8][]float64
	for _, m := range r.Metrics {
		model, scope, level = append(model, m.Model), append(scope, m.Scope), append(level, m.Level)
		for i, v := range []float64{orNaN(m.WAPE), orNaN(m.MAPE), orNaN(m.SMAPE), orNaN(m.RMSE), orNaN(m.RMSPE), orNaN(m.MASE), orNaN(m.Bias), float64(m.Rows)} {
			cols[i] = append(cols[i], v)
		}
	}
	out := []*data.Column{
		{Name: "model", Kind: data.String, Str: model},
		{Name: "scope", Kind: data.String, Str: scope},
		{Name: "level", Kind: data.String, Str: level},
	}
	for i, name := range metricColumns {
		out = append(out, &data.Column{Name: name, Kind: data.Number, Num: cols[i]})
	}
	f, _ := data.NewFrame(MetricsFile, out)
	return f
}

// metricColumns are metrics.csv's number columns after model, scope and
// level.
var metricColumns = []string{"wape", "mape", "smape", "rmse", "rmspe", "mase", "bias", "rows"}

// predictionsFrame lists every scored row.
func (r Results) predictionsFrame() *data.Frame {
	n := len(r.Predictions)
	model, id, period := make([]string, n), make([]string, n), make([]string, n)
	fold, actual, fc, promo, p10, p90, exp := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for i, p := range r.Predictions {
		model[i], id[i], period[i] = p.Model, p.Series, p.Period
		fold[i], actual[i], fc[i] = float64(p.Fold), p.Actual, p.Forecast
		if p.Promoted {
			promo[i] = 1
		}
		p10[i], p90[i], exp[i] = orNaN(p.P10), orNaN(p.P90), orNaN(p.Expected)
	}
	f, _ := data.NewFrame(PredictionsFile, []*data.Column{
		{Name: "model", Kind: data.String, Str: model},
		{Name: "series", Kind: data.String, Str: id},
		{Name: "period", Kind: data.String, Str: period},
		{Name: "fold", Kind: data.Number, Num: fold},
		{Name: "actual", Kind: data.Number, Num: actual},
		{Name: "forecast", Kind: data.Number, Num: fc},
		{Name: "promoted", Kind: data.Number, Num: promo},
		{Name: "p10", Kind: data.Number, Num: p10},
		{Name: "p90", Kind: data.Number, Num: p90},
		{Name: "expected", Kind: data.Number, Num: exp},
	})
	return f
}
