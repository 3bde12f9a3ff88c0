package results

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
)

// ReadDir reads the metrics.csv and predictions.csv that WriteDir writes.
// Errors name the file, line and column. Empty metric cells (undefined
// metrics) become nil; the p10 and p90 columns may be absent (folders
// written before they were added).
func ReadDir(dir string) (Results, error) {
	bt := Results{Source: dir}
	err := readCSV(filepath.Join(dir, MetricsFile), append([]string{"model", "scope", "level"}, metricColumns...),
		func(c *cells) error {
			m := Metric{Model: c.text("model"), Scope: c.text("scope"), Level: c.text("level")}
			for _, f := range []struct {
				name string
				dst  **float64
			}{{"wape", &m.WAPE}, {"mape", &m.MAPE}, {"smape", &m.SMAPE}, {"rmse", &m.RMSE}, {"rmspe", &m.RMSPE}, {"mase", &m.MASE}, {"bias", &m.Bias}} {
				v, err := c.optNumber(f.name)
				if err != nil {
					return err
				}
				*f.dst = v
			}
			rows, err := c.number("rows")
			m.Rows = int(rows)
			bt.Metrics = append(bt.Metrics, m)
			return err
		})
	if err != nil {
		return Results{}, err
	}
	err = readCSV(filepath.Join(dir, PredictionsFile), []string{"model", "series", "period", "fold", "actual", "forecast", "promoted"},
		func(c *cells) error {
			p := Prediction{Model: c.text("model"), Series: c.text("series"), Period: c.text("period")}
			var fold, promo float64
			var err error
			for _, f := range []struct {
				name string
				dst  *float64
			}{{"fold", &fold}, {"actual", &p.Actual}, {"forecast", &p.Forecast}, {"promoted", &promo}} {
				if *f.dst, err = c.number(f.name); err != nil {
					return err
				}
			}
			p.Fold, p.Promoted = int(fold), promo != 0
			for _, f := range []struct {
				name string
				dst  **float64
			}{{"p10", &p.P10}, {"p90", &p.P90}, {"expected", &p.Expected}} {
				if _, ok := c.index[f.name]; ok {
					if *f.dst, err = c.optNumber(f.name); err != nil {
						return err
					}
				}
			}
			bt.Predictions = append(bt.Predictions, p)
			return nil
		})
	if err != nil {
		return Results{}, err
	}
	return bt, nil
}

// cells is one CSV record with its header, for messages with position.
type cells struct {
	file   string
	line   int
	index  map[string]int
	record []string
}

func (c *cells) text(name string) string { return c.record[c.index[name]] }

func (c *cells) optNumber(name string) (*float64, error) {
	s := c.text(name)
	if s == "" || s == "NaN" {
		return nil, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return nil, fmt.Errorf("%s:%d: column %s: %q is not a finite number", c.file, c.line, name, s)
	}
	return &v, nil
}

func (c *cells) number(name string) (float64, error) {
	v, err := c.optNumber(name)
	if err != nil {
		return 0, err
	}
	if v == nil {
		return 0, fmt.Errorf("%s:%d: column %s: empty, expected a number", c.file, c.line, name)
	}
	return *v, nil
}

// readCSV reads a CSV file with a header holding at least the given
// columns and calls row for each record.
func readCSV(path string, need []string, row func(*cells) error) error {
	fh, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("backtest results: %w (write them with 'promocast backtest --out DIR')", err)
	}
	defer fh.Close()
	r := csv.NewReader(fh)
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s: header: %w", path, err)
	}
	c := &cells{file: path, line: 1, index: map[string]int{}}
	for i, h := range header {
		c.index[h] = i
	}
	for _, n := range need {
		if _, ok := c.index[n]; !ok {
			return fmt.Errorf("%s:1: no column %q; expected %v", path, n, need)
		}
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		c.line++
		c.record = rec
		if err := row(c); err != nil {
			return err
		}
	}
}
