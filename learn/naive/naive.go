// Package naive holds the baselines every learned model must beat: the
// seasonal naive forecast (the same period one season earlier) and the
// moving average. Both read one column of the feature matrix — the seasonal
// lag or a rolling mean, which package feature computes honestly from the
// forecast origin — so they train, backtest and forecast through the same
// path as every other model.
package naive

import (
	"fmt"
	"math"
	"strings"

	"promocast/data"
	"promocast/model"
)

// Model predicts the value of one feature column, falling back to a second
// column where the first is missing, and to Default where both are.
type Model struct {
	// Column and Fallback are feature names, kept so a model file says
	// what it reads.
	Column   string `json:"column"`
	Fallback string `json:"fallback"`
	// Index and FallbackIndex are the columns' positions in the matrix.
	Index         int     `json:"index"`
	FallbackIndex int     `json:"fallback_index"`
	Default       float64 `json:"default"`
	Width         int     `json:"width"`
}

// SeasonalNaive returns a model that predicts the seasonal lag (lag_season,
// or lag_year when the season is a year), falling back to the longest
// rolling mean. Without a season (plain periods where none was declared or
// detected) it is the naive forecast: the latest lag the origin allows.
func SeasonalNaive(features []model.Feature) (*Model, error) {
	cands := []string{"lag_season", "lag_year"}
	for _, f := range features {
		if strings.HasPrefix(f.Name, "lag_") && f.Name != "lag_season" && f.Name != "lag_year" {
			cands = append(cands, f.Name)
			break
		}
	}
	return fit(features, cands)
}

// MovingAverage returns a model that predicts the middle rolling mean
// (e.g. mean_13 for weekly data), falling back to the longest one.
func MovingAverage(features []model.Feature) (*Model, error) {
	var means []string
	for _, f := range features {
		if len(f.Name) > 5 && f.Name[:5] == "mean_" {
			means = append(means, f.Name)
		}
	}
	if len(means) == 0 {
		return nil, fmt.Errorf("moving average: the features have no rolling mean")
	}
	return fit(features, []string{means[len(means)/2]})
}

func fit(features []model.Feature, candidates []string) (*Model, error) {
	idx := map[string]int{}
	longest := ""
	for i, f := range features {
		idx[f.Name] = i
		if len(f.Name) > 5 && f.Name[:5] == "mean_" {
			longest = f.Name
		}
	}
	if longest == "" {
		return nil, fmt.Errorf("naive model: the features have no rolling mean to fall back on")
	}
	for _, c := range candidates {
		if i, ok := idx[c]; ok {
			return &Model{Column: c, Index: i, Fallback: longest, FallbackIndex: idx[longest], Default: 1, Width: len(features)}, nil
		}
	}
	return nil, fmt.Errorf("naive model: the features have none of %v (a seasonal lag needs a season: a day, week or month grid, or time.season in the spec)", candidates)
}

// Predict implements model.Predictor.
func (m *Model) Predict(X *data.Matrix, out []float64) error {
	if err := X.Check(m.Width); err != nil {
		return err
	}
	if len(out) != X.Rows {
		return fmt.Errorf("naive model: output has %d slots for %d rows", len(out), X.Rows)
	}
	for i := range out {
		row := X.Row(i)
		v := row[m.Index]
		if math.IsNaN(v) {
			v = row[m.FallbackIndex]
		}
		if math.IsNaN(v) {
			v = m.Default
		}
		out[i] = v
	}
	return nil
}
