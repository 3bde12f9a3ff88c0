package modelfile_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"promocast/ensemble"
	"promocast/forecast"
	"promocast/learn"
	"promocast/learn/gbdt"
	"promocast/modelfile"
	"promocast/spec"
	"promocast/synth"
	"promocast/train"
)

var updateStored = flag.Bool("update-stored", false, "rewrite testdata/gbdt.json, testdata/blend.json and their .pred.json from the current code (only when the format changes on purpose)")

// storedShop is the small synthetic shop the stored models were trained
// on: 8 SKUs over four months of days, and four days of plan.
func storedShop(t *testing.T) (*synth.Panel, *spec.Spec) {
	t.Helper()
	s, err := synth.Generate(synth.Config{Seed: 5, SKUs: 8, PlanDays: 4,
		Start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2024, 4, 30, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := spec.Parse([]byte(synth.Spec()))
	if err != nil {
		t.Fatal(err)
	}
	return s, sp
}

// storedForecast is what a stored model predicted for the shop's plan.
type storedForecast struct {
	Forecast []float64 `json:"forecast"`
	Baseline []float64 `json:"baseline"`
}

func predict(t *testing.T, m *forecast.Model, s *synth.Panel) storedForecast {
	t.Helper()
	r, err := m.Forecast(s.History, s.Plan)
	if err != nil {
		t.Fatal(err)
	}
	return storedForecast{Forecast: r.Forecast, Baseline: r.Baseline}
}

// TestStoredModelsLoad checks that forecast model files written by an
// earlier promocast still load and forecast what they forecast when they
// were written: a gbdt with intervals and an effect model
// (testdata/gbdt.json) and the default model's blend (testdata/blend.json),
// each beside its forecast of the shop's plan (*.pred.json).
func TestStoredModelsLoad(t *testing.T) {
	s, sp := storedShop(t)
	small := learn.Options{GBDT: gbdt.Params{Rounds: 12, MaxLeaves: 7}}
	cases := []struct {
		name string
		opt  train.Options
		kind string
	}{
		{"gbdt", train.Options{Model: "gbdt", Learn: small, Folds: 2}, "gbdt"},
		{"blend", train.Options{Model: ensemble.DefaultName, Learn: small, Folds: 2}, ensemble.Kind},
	}
	for _, c := range cases {
		path := filepath.Join("testdata", c.name+".json")
		predPath := filepath.Join("testdata", c.name+".pred.json")
		if *updateStored {
			res, err := train.Run(s.History, sp, c.opt)
			if err != nil {
				t.Fatal(err)
			}
			if err := modelfile.Write(path, res.File()); err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(predict(t, res.Model, s))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(predPath, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		f, err := modelfile.Read(path)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		m := f.Model
		if m.Kind != c.kind || m.Calibration == nil || m.Effects == nil || len(m.Effects.Series) != 8 || f.Metrics["backtest_wape"] <= 0 {
			t.Errorf("%s: kind %s, calibration %v, %d series' effects, metrics %v", c.name, m.Kind, m.Calibration != nil, len(m.Effects.Series), f.Metrics)
		}
		switch p := m.Predictor.(type) {
		case *gbdt.Model:
			if len(p.Trees) != 12 {
				t.Errorf("%s: %d trees, trained with 12", c.name, len(p.Trees))
			}
		case *ensemble.Blend:
			if len(p.Members) != 1 || p.Members[0].Kind != "gbdt_log" {
				t.Errorf("%s: members %+v, stored one gbdt_log", c.name, p.Members)
			}
		default:
			t.Errorf("%s: predictor %T", c.name, p)
		}
		sameForecast(t, c.name, predict(t, m, s), readStoredForecast(t, predPath), s.Plan.Rows())
	}
}

// readStoredForecast reads a stored model's forecast (a *.pred.json).
func readStoredForecast(t *testing.T, path string) storedForecast {
	t.Helper()
	var want storedForecast
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	return want
}

// sameForecast fails the test unless got, a model's forecast of a plan of
// rows rows, is want, what it forecast when it was stored, bit for bit.
func sameForecast(t *testing.T, name string, got, want storedForecast, rows int) {
	t.Helper()
	if len(got.Forecast) != len(want.Forecast) || len(want.Forecast) != rows {
		t.Fatalf("%s: %d rows forecast, stored %d, plan %d", name, len(got.Forecast), len(want.Forecast), rows)
	}
	for i := range want.Forecast {
		if got.Forecast[i] != want.Forecast[i] || got.Baseline[i] != want.Baseline[i] {
			t.Fatalf("%s: row %d forecasts %v (baseline %v), the stored model forecast %v (%v)", name, i, got.Forecast[i], got.Baseline[i], want.Forecast[i], want.Baseline[i])
		}
	}
}
