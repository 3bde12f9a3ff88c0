// Package modelfile reads and writes promocast model files.
//
// A model file is one JSON object (format documented in docs/model-format.md):
//
//	{"format":"promocast-model","version":2,"kind":"forecast",
//	 "checksum":"sha256:<hex of the body bytes>","body":{...}}
//
// The envelope is package envelope's. The body of a forecast model holds the forecaster's description (spec,
// grid, feature configuration and list, horizon, training window), the
// learner's own JSON under "predictor", and the backtest metrics when the
// model was scored. The checksum covers the body's bytes exactly as stored,
// so a truncated or edited file is refused. Files are written atomically:
// to a temporary file in the same folder, then renamed.
//
// Writing the same model twice gives the same bytes: nothing in the file
// depends on the clock or the machine.
package modelfile

import (
	"encoding/json"
	"fmt"
	"math"
	"os"

	"promocast/ensemble"
	"promocast/envelope"
	"promocast/export"
	"promocast/forecast"
)

// Format and Version identify the file layout. Version 2 files' interval
// calibration holds residuals relative to the series' scale plus the
// forecast (interval.Calibration.Relative); a version-1 reader would read
// them against the scale alone and print intervals too narrow, so it is
// refused one. Version 3 models may use built-in events a version-2 reader
// does not know (Christmas, New Year) and, on weeks and months, give their
// events no days_to_ features (forecast.Model.NoEventDistance); a version-2
// reader would rebuild other features than the model learned from.
// Version 4 models may read a known column as missing in the series where
// it copies their own lever (feature.Config.Restated), read each series'
// own price among several (feature.Config.OwnPrice) and date weeks by
// their last day (panel.Grid.Ends); a version-3 reader would read the
// copies, miss features and put events in other weeks. Files of versions 1 to 3 are read
// as they were written.
const (
	Format  = "promocast-model"
	Version = 4
)

// fileFormat is the model file's envelope.
var fileFormat = envelope.Format{Name: Format, Version: Version, Noun: "promocast model file"}

// forecastBody is the body of a forecast model.
type forecastBody struct {
	Model     *forecast.Model    `json:"model"`
	Predictor json.RawMessage    `json:"predictor"`
	Metrics   map[string]float64 `json:"metrics,omitempty"`
}

// Forecast is a forecast model with the metrics stored beside it.
type Forecast struct {
	Model *forecast.Model
	// Version is the layout version of the file it was read from (Encode
	// writes Version whatever this holds).
	Version int
	// Metrics are the backtest scores, e.g. "wape": 0.31; may be nil.
	// A metric the backtest could not define (NaN or an infinity, such as
	// the promoted weeks' WAPE when no scored week holds a promotion) is
	// left out of the file: JSON has no number for it.
	Metrics map[string]float64
}

// finiteMetrics returns m without its non-finite values.
func finiteMetrics(m map[string]float64) map[string]float64 {
	out := make(map[string]float64, len(m))
	for k, v := range m {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			out[k] = v
		}
	}
	return out
}

// Encode returns the file bytes of a forecast model.
func Encode(f *Forecast) ([]byte, error) {
	pred, err := json.Marshal(f.Model.Predictor)
	if err != nil {
		return nil, fmt.Errorf("encode %s model: %w", f.Model.Kind, err)
	}
	body, err := json.Marshal(forecastBody{Model: f.Model, Predictor: pred, Metrics: finiteMetrics(f.Metrics)})
	if err != nil {
		return nil, fmt.Errorf("encode model: %w", err)
	}
	return fileFormat.Seal("forecast", body)
}

// Decode reads a forecast model from file bytes; name is used in errors.
func Decode(b []byte, name string) (*Forecast, error) {
	kind, version, raw, err := fileFormat.Open(b, name)
	if err != nil {
		return nil, err
	}
	if kind != "forecast" {
		return nil, fmt.Errorf("%s: holds a %q model, expected a forecast model", name, kind)
	}
	var body forecastBody
	if err := json.Unmarshal(raw, &body); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if body.Model == nil {
		return nil, fmt.Errorf("%s: body has no model", name)
	}
	pred, err := ensemble.Decode(body.Model.Kind, body.Predictor)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	body.Model.Predictor = pred
	if e := body.Model.Effects; e != nil {
		if err := e.Check(len(body.Model.Features)); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	if err := body.Model.Spec.Validate(); err != nil {
		return nil, fmt.Errorf("%s: stored spec: %w", name, err)
	}
	return &Forecast{Model: body.Model, Version: version, Metrics: body.Metrics}, nil
}

// Write stores a forecast model at path atomically.
func Write(path string, f *Forecast) error {
	b, err := Encode(f)
	if err != nil {
		return err
	}
	return export.WriteBytes(path, b)
}

// Read loads and checks the forecast model at path.
func Read(path string) (*Forecast, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	return Decode(b, path)
}
