package registry

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Backtest is the stored backtest of a model version: its metrics by
// scope (overall, promotion, fold, segment) and every scored row, so that
// a server can show how the version did on the history it learned from.
// One backtest may hold several models' results (a comparison run); Model
// in each row says whose.
type Backtest struct {
	// Source says where the results came from, e.g. "demo startup" or the
	// folder of 'promocast backtest --out'.
	Source      string               `json:"source"`
	Metrics     []BacktestMetric     `json:"metrics"`
	Predictions []BacktestPrediction `json:"predictions"`
}

// BacktestMetric is one row of metrics.csv: a model's scores over one
// scope and level. Metrics that are undefined (MAPE with zero actuals,
// MASE without a usable scale) are nil.
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

// BacktestPrediction is one scored row of predictions.csv.
type BacktestPrediction struct {
	Model    string  `json:"model"`
	Series   string  `json:"series"`
	Period   string  `json:"period"`
	Fold     int     `json:"fold"` // 1-based, oldest first
	Actual   float64 `json:"actual"`
	Forecast float64 `json:"forecast"`
	Promoted bool    `json:"promoted"`
}

// SetBacktest stores (or replaces) the backtest of a registered version.
// The results are kept gzipped JSON beside the model.
func (s *Store) SetBacktest(ctx context.Context, name string, version int, bt Backtest) error {
	if _, err := s.Get(ctx, name, version); err != nil {
		return err
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(bt); err != nil {
		return fmt.Errorf("backtest of %s version %d: %w", name, version, err)
	}
	if err := zw.Close(); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO backtests (name, version, data) VALUES (?, ?, ?)
		ON CONFLICT (name, version) DO UPDATE SET data = excluded.data`, name, version, buf.Bytes())
	if err != nil {
		return fmt.Errorf("store backtest of %s version %d: %w", name, version, err)
	}
	return nil
}

// Backtest returns the stored backtest of a version; the error wraps
// ErrNotFound when none was stored.
func (s *Store) Backtest(ctx context.Context, name string, version int) (Backtest, error) {
	var b []byte
	err := s.db.QueryRowContext(ctx, `SELECT data FROM backtests WHERE name = ? AND version = ?`, name, version).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return Backtest{}, fmt.Errorf("model %s version %d has no stored backtest: %w", name, version, ErrNotFound)
	}
	if err != nil {
		return Backtest{}, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return Backtest{}, fmt.Errorf("stored backtest of %s version %d is damaged: %w", name, version, err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return Backtest{}, fmt.Errorf("stored backtest of %s version %d is damaged: %w", name, version, err)
	}
	var bt Backtest
	if err := json.Unmarshal(raw, &bt); err != nil {
		return Backtest{}, fmt.Errorf("stored backtest of %s version %d is damaged: %w", name, version, err)
	}
	return bt, nil
}
