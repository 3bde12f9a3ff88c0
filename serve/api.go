package serve

import (
	"math"
	"strings"
	"time"
)

// PlanRow is one plan row: the series keys, the time column and every
// known covariate of the model's spec, as a JSON object. Keys and time may
// be strings or numbers; covariates are numbers (true and false count as 1
// and 0; null, for a covariate that is no lever, price or cost, is a
// missing value). Static attributes may be given and are ignored: the history has
// them.
type PlanRow map[string]any

// ForecastRequest is the body of POST /v1/forecast.
type ForecastRequest struct {
	Rows []PlanRow `json:"rows" doc:"plan rows: future periods of the known covariates, keyed like the history"`
	By   string    `json:"by,omitempty" doc:"also total the plan by this key or static attribute, e.g. category"`
}

// ModelRef names the model version that answered a request.
type ModelRef struct {
	Name     string `json:"name"`
	Version  int    `json:"version"`
	Kind     string `json:"kind"`
	Checksum string `json:"checksum"`
}

// ForecastResponse is the answer of POST /v1/forecast. Every number in it
// comes from the one model version named in Model.
type ForecastResponse struct {
	Model  ModelRef      `json:"model"`
	Levels []float64     `json:"levels" doc:"quantile levels of the rows' quantiles, e.g. [0.1, 0.5, 0.9]; empty when the model has no calibration"`
	Rows   []ForecastRow `json:"rows" doc:"one per plan row, in request order"`
	Totals []Totals      `json:"totals" doc:"the whole plan (group \"all\"), then per group of 'by' when asked"`
	Millis float64       `json:"millis" doc:"scoring time in milliseconds"`
}

// ForecastRow is one plan row's forecast.
type ForecastRow struct {
	Series   string            `json:"series" doc:"series ID: the keys joined by |"`
	Keys     map[string]string `json:"keys"`
	Period   string            `json:"period"`
	Forecast float64           `json:"forecast" doc:"the model's point forecast of units under the plan (what its backtest scores: a median for a log-target model); expected is what sums, money and totals use"`
	Baseline float64           `json:"baseline" doc:"the point forecast of units without the row's promotion: with an effect model, the forecast less the effect model's uplift (never below 0; the warnings say where the trees and the effect model disagree), else the forecast of the row with every promotion lever off"`
	Uplift   float64           `json:"uplift" doc:"forecast minus baseline, in point units; expected minus expected_baseline is the uplift the totals add up"`
	// Expected and ExpectedBaseline are the expected units (see
	// forecast.Result.Expected); money and totals are taken on them.
	Expected         float64    `json:"expected" doc:"expected units under the plan: the point forecast times the calibration backtest's ratio of actuals to forecasts in the row's promotion state; money and totals use it"`
	ExpectedBaseline float64    `json:"expected_baseline" doc:"expected units without the row's promotion (see baseline)"`
	Promoted         bool       `json:"promoted"`
	Parts            Parts      `json:"parts"`
	Quantiles        *Quantiles `json:"quantiles,omitempty"`
	Money            *Money     `json:"money,omitempty" doc:"absent when the spec names no price"`
	Warnings         []string   `json:"warnings" doc:"what in the row lies outside the training history, or where the trees and the effect model disagree about its promotion"`
}

// Parts split a row's uplift; they add up to it (see forecast.Parts).
type Parts struct {
	OwnLift          float64 `json:"own_lift"`
	PostPromotionDip float64 `json:"post_promotion_dip"`
	PrePromotionLull float64 `json:"pre_promotion_lull"`
	Cannibalisation  float64 `json:"cannibalisation"`
	Halo             float64 `json:"halo"`
}

// Quantiles are a row's calibrated quantiles, keyed p10, p50, p90, ...
type Quantiles struct {
	Forecast map[string]float64 `json:"forecast"`
	Baseline map[string]float64 `json:"baseline"`
}

// Money is a row's or a total's money figures. Margin figures and ROI are
// absent without a unit cost (ROI also without a promotion cost).
type Money struct {
	Price              *float64 `json:"price,omitempty"`
	BaselinePrice      *float64 `json:"baseline_price,omitempty"`
	Revenue            float64  `json:"revenue"`
	BaselineRevenue    float64  `json:"baseline_revenue"`
	IncrementalRevenue float64  `json:"incremental_revenue"`
	Margin             *float64 `json:"margin,omitempty"`
	BaselineMargin     *float64 `json:"baseline_margin,omitempty"`
	IncrementalMargin  *float64 `json:"incremental_margin,omitempty"`
	PromotionCost      float64  `json:"promotion_cost"`
	ROI                *float64 `json:"roi,omitempty"`
}

// Totals sum a group of plan rows' expected units, the uplift's parts
// scaled to the expected uplift, and money (see forecast.Total).
type Totals struct {
	Group    string  `json:"group"`
	Rows     int     `json:"rows"`
	Promoted int     `json:"promoted"`
	Forecast float64 `json:"forecast" doc:"the rows' expected units under the plan"`
	Baseline float64 `json:"baseline" doc:"the rows' expected units without their promotion (see ForecastRow's baseline)"`
	Uplift   float64 `json:"uplift" doc:"forecast minus baseline"`
	Parts    Parts   `json:"parts"`
	Money    *Money  `json:"money,omitempty"`
}

// WhatIfRequest is the body of POST /v1/whatif.
type WhatIfRequest struct {
	Rows   []PlanRow `json:"rows" doc:"the plan to vary"`
	Lever  string    `json:"lever" doc:"promotion lever to sweep, e.g. price or display"`
	Values []float64 `json:"values" doc:"values to try: discount depths in [0, 1) for a price lever, the lever's values otherwise"`
	Series []string  `json:"series,omitempty" doc:"series IDs to sweep; default every series in the plan"`
}

// WhatIfResponse is the answer of POST /v1/whatif.
type WhatIfResponse struct {
	Model  ModelRef       `json:"model"`
	Lever  string         `json:"lever"`
	Points []WhatIfPoint  `json:"points" doc:"per series and value, totals over the plan's periods"`
	Series []WhatIfSeries `json:"series" doc:"per series, the fitted elasticity and the best value"`
	Millis float64        `json:"millis"`
}

// WhatIfPoint is one series' totals at one sweep value.
type WhatIfPoint struct {
	Series   string  `json:"series"`
	Value    float64 `json:"value"`
	Units    float64 `json:"units"`
	Baseline float64 `json:"baseline"`
	Uplift   float64 `json:"uplift"`
	Money    Money   `json:"money"`
	// Warnings say how the value leaves what the series (and its group)
	// had in training: the forecast there is the model's extrapolation.
	Warnings []string `json:"warnings" doc:"how the value leaves what the series and its group had in training; empty when it does not"`
}

// WhatIfSeries sums up one series' response curve.
type WhatIfSeries struct {
	Series string `json:"series"`
	// Elasticity is the fitted price elasticity (price levers only), of
	// the point forecasts.
	Elasticity *float64 `json:"elasticity,omitempty"`
	// BestValue gains most margin (revenue without costs) over the
	// baseline of the sweep's first value (the lever off when the sweep
	// starts there), one reference for every value taken at the value's
	// calibration ratio (forecast.Point.Gain); BestGain is that gain.
	BestValue float64  `json:"best_value"`
	BestGain  *float64 `json:"best_gain,omitempty"`
	// BestBeyondHistory says the best value is one the series (and its
	// group) never had in training; BestWithinHistory and
	// BestWithinHistoryGain are then the best value among those it had,
	// absent when it had none of them.
	BestBeyondHistory     bool     `json:"best_beyond_history"`
	BestWithinHistory     *float64 `json:"best_within_history,omitempty"`
	BestWithinHistoryGain *float64 `json:"best_within_history_gain,omitempty"`
}

// ModelsResponse is the answer of GET /v1/models.
type ModelsResponse struct {
	Serving ModelRef    `json:"serving" doc:"the model version this server answers with"`
	Models  []ModelInfo `json:"models"`
}

// ModelInfo is one registered model version.
type ModelInfo struct {
	Name            string             `json:"name"`
	Version         int                `json:"version"`
	Kind            string             `json:"kind"`
	Checksum        string             `json:"checksum"`
	DataFingerprint string             `json:"data_fingerprint"`
	Metrics         map[string]float64 `json:"metrics"`
	Created         time.Time          `json:"created"`
	Live            bool               `json:"live"`
}

// PromoteRequest is the body of POST /v1/models/{name}/promote.
type PromoteRequest struct {
	Version int `json:"version" doc:"version to make live"`
}

// PromoteResponse says which version is live after a promotion or
// rollback, and which was before.
type PromoteResponse struct {
	Live     ModelRef `json:"live"`
	Previous ModelRef `json:"previous"`
}

// Health is the body of /healthz and /readyz.
type Health struct {
	// Status is "ok", or "stale" when the served model is not the
	// registry's live version (Problem says why); /readyz answers 503
	// while starting or draining.
	Status string    `json:"status" enum:"ok,stale"`
	Model  *ModelRef `json:"model,omitempty"`
	// Problem says why the served model is not the registry's live one.
	Problem string `json:"problem,omitempty"`
}

// finite returns a pointer to v, or nil when v is NaN or infinite (JSON has
// no such numbers).
func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// zeroNaN returns v, or 0 when v is not finite.
func zeroNaN(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

func splitWarnings(w string) []string {
	if w == "" {
		return []string{}
	}
	return strings.Split(w, "; ")
}
