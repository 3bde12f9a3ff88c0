// Package modelfile reads and writes promocast model files.
//
// A model file is one JSON object (format documented in docs/model-format.md):
//
//	{"format":"promocast-model","version":1,"kind":"forecast",
//	 "checksum":"sha256:<hex of the body bytes>","body":{...}}
//
// The body of a forecast model holds the forecaster's description (spec,
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
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"

	"promocast/export"
	"promocast/forecast"
	"promocast/learner"
)

// Format and Version identify the file layout.
const (
	Format  = "promocast-model"
	Version = 1
)

// envelope is the file's outer object.
type envelope struct {
	Format   string          `json:"format"`
	Version  int             `json:"version"`
	Kind     string          `json:"kind"`
	Checksum string          `json:"checksum"`
	Body     json.RawMessage `json:"body"`
}

// forecastBody is the body of a forecast model.
type forecastBody struct {
	Model     *forecast.Model    `json:"model"`
	Predictor json.RawMessage    `json:"predictor"`
	Metrics   map[string]float64 `json:"metrics,omitempty"`
}

// Forecast is a forecast model with the metrics stored beside it.
type Forecast struct {
	Model *forecast.Model
	// Metrics are the backtest scores, e.g. "wape": 0.31; may be nil.
	Metrics map[string]float64
}

// Encode returns the file bytes of a forecast model.
func Encode(f *Forecast) ([]byte, error) {
	pred, err := json.Marshal(f.Model.Predictor)
	if err != nil {
		return nil, fmt.Errorf("encode %s model: %w", f.Model.Kind, err)
	}
	body, err := json.Marshal(forecastBody{Model: f.Model, Predictor: pred, Metrics: f.Metrics})
	if err != nil {
		return nil, fmt.Errorf("encode model: %w", err)
	}
	sum := sha256.Sum256(body)
	out, err := json.Marshal(envelope{Format: Format, Version: Version, Kind: "forecast",
		Checksum: "sha256:" + hex.EncodeToString(sum[:]), Body: body})
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// Decode reads a forecast model from file bytes; name is used in errors.
func Decode(b []byte, name string) (*Forecast, error) {
	var env envelope
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&env); err != nil {
		return nil, fmt.Errorf("%s: not a promocast model file: %w", name, err)
	}
	if env.Format != Format {
		return nil, fmt.Errorf("%s: format is %q, expected %q", name, env.Format, Format)
	}
	if env.Version < 1 || env.Version > Version {
		return nil, fmt.Errorf("%s: model file version %d; this promocast reads versions 1..%d", name, env.Version, Version)
	}
	sum := sha256.Sum256(env.Body)
	if want := "sha256:" + hex.EncodeToString(sum[:]); env.Checksum != want {
		return nil, fmt.Errorf("%s: checksum mismatch (file says %s, body hashes to %s): the file is damaged or was edited", name, env.Checksum, want)
	}
	if env.Kind != "forecast" {
		return nil, fmt.Errorf("%s: holds a %q model, expected a forecast model", name, env.Kind)
	}
	var body forecastBody
	if err := json.Unmarshal(env.Body, &body); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if body.Model == nil {
		return nil, fmt.Errorf("%s: body has no model", name)
	}
	pred, err := learner.Decode(body.Model.Kind, body.Predictor)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	body.Model.Predictor = pred
	if err := body.Model.Spec.Validate(); err != nil {
		return nil, fmt.Errorf("%s: stored spec: %w", name, err)
	}
	return &Forecast{Model: body.Model, Metrics: body.Metrics}, nil
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
