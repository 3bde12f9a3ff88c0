package svm

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"promocast/model"
)

var updateStored = flag.Bool("update-stored", false, "rewrite testdata/stored_*.json from the current code (only when the format changes on purpose)")

// storedModel is a model file written by an earlier promocast with the
// predictions it made on the test rows.
type storedModel struct {
	Model       json.RawMessage `json:"model"`
	Predictions []float64       `json:"predictions"`
}

// TestStoredModelsLoad checks that models written by an earlier promocast
// still load, predict exactly what they predicted then, and write back the
// same bytes.
func TestStoredModelsLoad(t *testing.T) {
	type predictor interface {
		model.Predictor
		json.Marshaler
		json.Unmarshaler
	}
	for _, c := range []struct {
		file, set string
		fit       func(*model.Dataset) (predictor, error)
		empty     func() predictor
	}{
		{"stored_svr.json", "reg_mixed", func(ds *model.Dataset) (predictor, error) { return FitRegressor(ds, Params{}) },
			func() predictor { return &Regressor{} }},
		{"stored_svc.json", "cls_mixed", func(ds *model.Dataset) (predictor, error) { return FitClassifier(ds, Params{}) },
			func() predictor { return &Classifier{} }},
	} {
		ds, X := readSet(t, c.set)
		path := filepath.Join("testdata", c.file)
		if *updateStored {
			m, err := c.fit(ds)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := m.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			pred := make([]float64, X.Rows)
			if err := m.Predict(X, pred); err != nil {
				t.Fatal(err)
			}
			b, _ := json.MarshalIndent(storedModel{Model: raw, Predictions: pred}, "", " ")
			if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var st storedModel
		if err := json.Unmarshal(b, &st); err != nil {
			t.Fatal(err)
		}
		m := c.empty()
		if err := m.UnmarshalJSON(st.Model); err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		pred := make([]float64, X.Rows)
		if err := m.Predict(X, pred); err != nil {
			t.Fatal(err)
		}
		for i := range pred {
			if pred[i] != st.Predictions[i] {
				t.Fatalf("%s: row %d predicts %v, the stored model predicted %v", c.file, i, pred[i], st.Predictions[i])
			}
		}
		again, err := m.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, st.Model); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, compact.Bytes()) {
			t.Errorf("%s: written back as other bytes", c.file)
		}
	}
}
