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

	"promocast/backtest/results"
)

// SetBacktest stores (or replaces) the backtest of a registered version:
// its metrics by scope and every scored row, so that a server can show how
// the version did on the history it learned from. The results are kept
// gzipped JSON beside the model.
func (s *Store) SetBacktest(ctx context.Context, name string, version int, bt results.Results) error {
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
func (s *Store) Backtest(ctx context.Context, name string, version int) (results.Results, error) {
	var b []byte
	err := s.db.QueryRowContext(ctx, `SELECT data FROM backtests WHERE name = ? AND version = ?`, name, version).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return results.Results{}, fmt.Errorf("model %s version %d has no stored backtest: %w", name, version, ErrNotFound)
	}
	if err != nil {
		return results.Results{}, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return results.Results{}, fmt.Errorf("stored backtest of %s version %d is damaged: %w", name, version, err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return results.Results{}, fmt.Errorf("stored backtest of %s version %d is damaged: %w", name, version, err)
	}
	var bt results.Results
	if err := json.Unmarshal(raw, &bt); err != nil {
		return results.Results{}, fmt.Errorf("stored backtest of %s version %d is damaged: %w", name, version, err)
	}
	return bt, nil
}
