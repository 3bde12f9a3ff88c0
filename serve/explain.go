package serve

import (
	"net/http"
	"time"

	"promocast/forecast"
)

// ExplainRequest is the body of POST /v1/explain.
type ExplainRequest struct {
	Rows []PlanRow `json:"rows" doc:"the plan to explain"`
	Top  int       `json:"top,omitempty" doc:"drivers per row and for the plan; default 5, at most 50"`
}

// ExplainResponse is the answer of POST /v1/explain: what drives each
// row's uplift and the plan's. Contributions are in target units and, for
// the default squared-error models, add up to the uplift (Other holds the
// drivers beyond Top).
type ExplainResponse struct {
	Model  ModelRef     `json:"model"`
	Rows   []ExplainRow `json:"rows" doc:"one per plan row, in request order"`
	Totals ExplainTotal `json:"totals" doc:"the whole plan"`
	Millis float64      `json:"millis"`
}

// ExplainRow is one plan row's uplift and its drivers.
type ExplainRow struct {
	Series   string   `json:"series"`
	Period   string   `json:"period"`
	Forecast float64  `json:"forecast" doc:"expected units under the plan, as the forecast's expected"`
	Baseline float64  `json:"baseline" doc:"expected units with every promotion lever off"`
	Uplift   float64  `json:"uplift" doc:"forecast minus baseline: the drivers and other add up to it"`
	Drivers  []Driver `json:"drivers" doc:"largest absolute contribution first"`
	Other    float64  `json:"other" doc:"the contributions of the drivers not listed"`
	Warnings []string `json:"warnings" doc:"how the row leaves what the series and its group had in training: its uplift is then the model's extrapolation"`
}

// ExplainTotal sums the plan.
type ExplainTotal struct {
	Forecast float64  `json:"forecast"`
	Baseline float64  `json:"baseline"`
	Uplift   float64  `json:"uplift"`
	Drivers  []Driver `json:"drivers" doc:"the features' contributions summed over the plan, largest first"`
	Other    float64  `json:"other"`
}

// Driver is one feature's share of an uplift, in target units.
type Driver struct {
	Feature      string  `json:"feature"`
	Contribution float64 `json:"contribution"`
}

// maxTop bounds ExplainRequest.Top.
const maxTop = 50

func (s *Server) explain(r *http.Request, req *ExplainRequest) (*ExplainResponse, error) {
	lv, err := s.current()
	if err != nil {
		return nil, err
	}
	top := req.Top
	switch {
	case top == 0:
		top = 5
	case top < 0 || top > maxTop:
		return nil, Errorf(http.StatusBadRequest, "top", "%d drivers: expected 1 to %d", top, maxTop)
	}
	if !forecast.CanExplain(lv.Model.Predictor) {
		return nil, Errorf(http.StatusUnprocessableEntity, "", "a %s model cannot explain its forecasts; serve a gbdt model, or a blend of them, to explain", lv.Model.Kind)
	}
	res, start, err := scorePlan(s, lv, req.Rows, nil, lv.Scorer.Forecast)
	if err != nil {
		return nil, err
	}
	drivers, err := res.Drivers()
	if err != nil {
		return nil, err
	}
	out := &ExplainResponse{Model: lv.Ref(), Rows: make([]ExplainRow, len(res.Targets))}
	for i, t := range res.Targets {
		row := ExplainRow{Series: res.Panel.Series[t.Series].ID, Period: res.Period(i),
			Forecast: res.Expected[i], Baseline: res.BaselineExpected[i], Uplift: res.Expected[i] - res.BaselineExpected[i], Warnings: splitWarnings(res.Warnings[i])}
		row.Drivers, row.Other = topDrivers(drivers[i], top)
		out.Rows[i] = row
		out.Totals.Forecast += row.Forecast
		out.Totals.Baseline += row.Baseline
	}
	out.Totals.Uplift = out.Totals.Forecast - out.Totals.Baseline
	out.Totals.Drivers, out.Totals.Other = topDrivers(forecast.TotalDrivers(drivers), top)
	out.Millis = float64(time.Since(start).Microseconds()) / 1000
	s.metrics.rows.WithLabelValues("/v1/explain").Add(float64(len(req.Rows)))
	s.record("explain", lv, start, map[string]any{"rows": len(req.Rows), "top": top}, out.Totals)
	return out, nil
}

// topDrivers returns the first n drivers (already sorted by size) and the
// sum of the rest.
func topDrivers(ds []forecast.Driver, n int) ([]Driver, float64) {
	out := make([]Driver, 0, min(n, len(ds)))
	other := 0.0
	for k, d := range ds {
		if k < n {
			out = append(out, Driver{Feature: d.Feature, Contribution: d.Contribution})
		} else {
			other += d.Contribution
		}
	}
	return out, other
}
