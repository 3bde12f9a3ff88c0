package metric

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// reference.json holds inputs and scikit-learn 1.2.1's outputs, written by
// testdata/make_reference.py.
type reference struct {
	Sklearn        string  `json:"sklearn"`
	Threshold      float64 `json:"threshold"`
	Classification []struct {
		Name                            string
		Y, P, W                         []float64
		AUC, AP, LogLoss                float64
		Accuracy, Precision, Recall, F1 float64
	} `json:"classification"`
	Regression []struct {
		Name          string
		Y, P, W       []float64
		R2, RMSE, MAE float64
	} `json:"regression"`
}

func TestScikitLearnReference(t *testing.T) {
	raw, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref reference
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	if ref.Sklearn != "1.2.1" || len(ref.Classification) < 5 || len(ref.Regression) < 5 {
		t.Fatalf("reference.json: scikit-learn %q, %d classification and %d regression cases; want 1.2.1 and at least 5 of each",
			ref.Sklearn, len(ref.Classification), len(ref.Regression))
	}
	const tol = 1e-12
	check := func(c, name string, got float64, err error, want float64) {
		t.Helper()
		if err != nil || !near(got, want, tol) || math.IsNaN(got) {
			t.Errorf("%s: %s = %.17g, %v; scikit-learn %.17g", c, name, got, err, want)
		}
	}
	for _, c := range ref.Classification {
		got, err := AUC(c.Y, c.P, c.W)
		check(c.Name, "AUC", got, err, c.AUC)
		got, err = AveragePrecision(c.Y, c.P, c.W)
		check(c.Name, "AveragePrecision", got, err, c.AP)
		got, err = LogLoss(c.Y, c.P, c.W)
		check(c.Name, "LogLoss", got, err, c.LogLoss)
		conf, err := Classify(c.Y, c.P, c.W, ref.Threshold)
		check(c.Name, "Accuracy", conf.Accuracy(), err, c.Accuracy)
		check(c.Name, "Precision", conf.Precision(), err, c.Precision)
		check(c.Name, "Recall", conf.Recall(), err, c.Recall)
		check(c.Name, "F1", conf.F1(), err, c.F1)
	}
	for _, c := range ref.Regression {
		got, err := R2(c.Y, c.P, c.W)
		check(c.Name, "R2", got, err, c.R2)
		got, err = RMSE(c.Y, c.P, c.W)
		check(c.Name, "RMSE", got, err, c.RMSE)
		got, err = MAE(c.Y, c.P, c.W)
		check(c.Name, "MAE", got, err, c.MAE)
	}
}
