package metric

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// The worked classification example (also a reference case, "small_ties"):
//
//	labels y = 0    0    1    1    1    0
//	probs  p = 0.1  0.4  0.35 0.8  0.4  0.5
var (
	exY = []float64{0, 0, 1, 1, 1, 0}
	exP = []float64{0.1, 0.4, 0.35, 0.8, 0.4, 0.5}
)

func TestAUCWorkedExample(t *testing.T) {
	// Positive–negative pairs won (negatives 0.1, 0.4, 0.5):
	//   0.35 beats 0.1                      → 1
	//   0.8 beats all three                 → 3
	//   0.4 beats 0.1, ties 0.4 (½)         → 1.5
	// AUC = 5.5 / (3·3) = 11/18.
	// Rank check: ascending ranks 0.1:1 0.35:2 0.4,0.4:3.5 0.5:5 0.8:6;
	// R₊ = 2 + 3.5 + 6 = 11.5; (11.5 − 3·4/2)/9 = 5.5/9.
	if got, err := AUC(exY, exP, nil); err != nil || !near(got, 11.0/18, 1e-15) {
		t.Errorf("AUC = %v, %v; want 11/18", got, err)
	}
	// Weight the tied negative 0.4 by 3: P = 3, N = 5; pairs won
	// 0.35: 1, 0.8: 5, 0.4: 1 + 3/2 → 8.5/15.
	w := []float64{1, 3, 1, 1, 1, 1}
	if got, err := AUC(exY, exP, w); err != nil || !near(got, 8.5/15, 1e-15) {
		t.Errorf("weighted AUC = %v, %v; want 8.5/15", got, err)
	}
}

func TestAveragePrecisionWorkedExample(t *testing.T) {
	// Thresholds from the top (P = 3 positives):
	//   0.8  (+)       TP 1 FP 0  recall 1/3 precision 1
	//   0.5  (−)       TP 1 FP 1  recall 1/3 (no step)
	//   0.4  (+, −)    TP 2 FP 2  recall 2/3 precision 1/2
	//   0.35 (+)       TP 3 FP 2  recall 1   precision 3/5
	// AP = 1/3·1 + 1/3·1/2 + 1/3·3/5 = 0.7.
	if got, err := AveragePrecision(exY, exP, nil); err != nil || !near(got, 0.7, 1e-15) {
		t.Errorf("AveragePrecision = %v, %v; want 0.7", got, err)
	}
}

func TestLogLossWorkedExample(t *testing.T) {
	// −(ln 0.8 + ln(1 − 0.4))/2.
	if got, err := LogLoss([]float64{1, 0}, []float64{0.8, 0.4}, nil); err != nil || !near(got, -(math.Log(0.8)+math.Log(0.6))/2, 1e-15) {
		t.Errorf("LogLoss = %v, %v", got, err)
	}
	// A certain wrong answer costs −ln(1e-15) ≈ 34.54, not +Inf.
	if got, err := LogLoss([]float64{1}, []float64{0}, nil); err != nil || !near(got, -math.Log(1e-15), 1e-15) {
		t.Errorf("LogLoss(clipped) = %v, %v; want %v", got, err, -math.Log(1e-15))
	}
	// A certain right answer costs −ln(1 − 1e-15) ≈ 1e-15, not 0.
	if got, err := LogLoss([]float64{0, 1}, []float64{0, 1}, nil); err != nil || got <= 0 || got > 2e-15 {
		t.Errorf("LogLoss(certain, right) = %v, %v; want about 1e-15", got, err)
	}
	// Weights 3 and 1: −(3 ln 0.8 + ln 0.6)/4.
	if got, err := LogLoss([]float64{1, 0}, []float64{0.8, 0.4}, []float64{3, 1}); err != nil || !near(got, -(3*math.Log(0.8)+math.Log(0.6))/4, 1e-15) {
		t.Errorf("weighted LogLoss = %v, %v", got, err)
	}
}

func TestClassifyWorkedExample(t *testing.T) {
	// At 0.5 (p ≥ 0.5 is positive): 0.8 TP, 0.5 FP, 0.35 and 0.4 FN, 0.1 and 0.4 TN.
	c, err := Classify(exY, exP, nil, DefaultThreshold)
	if err != nil {
		t.Fatal(err)
	}
	if c != (Confusion{TP: 1, FP: 1, TN: 2, FN: 2}) {
		t.Fatalf("Confusion = %+v, want TP 1 FP 1 TN 2 FN 2", c)
	}
	// Accuracy 3/6; precision 1/2; recall 1/3; F1 = 2/(2 + 1 + 2) = 0.4.
	for _, m := range []struct {
		name      string
		got, want float64
	}{{"Accuracy", c.Accuracy(), 0.5}, {"Precision", c.Precision(), 0.5}, {"Recall", c.Recall(), 1.0 / 3}, {"F1", c.F1(), 0.4}} {
		if !near(m.got, m.want, 1e-15) {
			t.Errorf("%s = %v, want %v", m.name, m.got, m.want)
		}
	}
	// At 0.35 every positive is found: TP 3, FP 2 (0.4, 0.5), TN 1.
	c, _ = Classify(exY, exP, nil, 0.35)
	if c != (Confusion{TP: 3, FP: 2, TN: 1, FN: 0}) {
		t.Errorf("Confusion at 0.35 = %+v, want TP 3 FP 2 TN 1", c)
	}
	// Weights count rows: the FP weighs 4, so precision = 1/5.
	c, _ = Classify(exY, exP, []float64{1, 1, 1, 1, 1, 4}, DefaultThreshold)
	if got := c.Precision(); !near(got, 0.2, 1e-15) {
		t.Errorf("weighted precision = %v, want 0.2", got)
	}
}

func TestClassificationEdgeCases(t *testing.T) {
	ones := []float64{1, 1, 1}
	zeros := []float64{0, 0, 0}
	p := []float64{0.2, 0.6, 0.9}
	if got, err := AUC(ones, p, nil); err != nil || !math.IsNaN(got) {
		t.Errorf("AUC(one class) = %v, %v; want NaN", got, err)
	}
	if got, err := AUC(nil, nil, nil); err != nil || !math.IsNaN(got) {
		t.Errorf("AUC(empty) = %v, %v; want NaN", got, err)
	}
	if got, err := AUC([]float64{0, 1}, []float64{0.3, 0.7}, []float64{1, 0}); err != nil || !math.IsNaN(got) {
		t.Errorf("AUC(positive weighs 0) = %v, %v; want NaN", got, err)
	}
	// All scores tied: every pair counts ½.
	if got, err := AUC([]float64{0, 1, 0, 1}, []float64{0.5, 0.5, 0.5, 0.5}, nil); err != nil || got != 0.5 {
		t.Errorf("AUC(all tied) = %v, %v; want 0.5", got, err)
	}
	if got, err := AveragePrecision(zeros, p, nil); err != nil || !math.IsNaN(got) {
		t.Errorf("AveragePrecision(no positives) = %v, %v; want NaN", got, err)
	}
	if got, err := AveragePrecision(ones, p, nil); err != nil || got != 1 {
		t.Errorf("AveragePrecision(no negatives) = %v, %v; want 1", got, err)
	}
	if got, err := LogLoss(nil, nil, nil); err != nil || !math.IsNaN(got) {
		t.Errorf("LogLoss(empty) = %v, %v; want NaN", got, err)
	}
	// No positives, nothing predicted positive: precision, recall, F1 undefined.
	c, err := Classify(zeros, []float64{0.1, 0.2, 0.3}, nil, DefaultThreshold)
	if err != nil || c.Accuracy() != 1 || !math.IsNaN(c.Precision()) || !math.IsNaN(c.Recall()) || !math.IsNaN(c.F1()) {
		t.Errorf("all-negative confusion %+v: accuracy %v precision %v recall %v F1 %v; want 1 NaN NaN NaN",
			c, c.Accuracy(), c.Precision(), c.Recall(), c.F1())
	}
	// Positives present, none found: recall 0, precision undefined, F1 0.
	c, _ = Classify(ones, []float64{0.1, 0.2, 0.3}, nil, DefaultThreshold)
	if c.Recall() != 0 || !math.IsNaN(c.Precision()) || c.F1() != 0 {
		t.Errorf("missed positives: recall %v precision %v F1 %v; want 0 NaN 0", c.Recall(), c.Precision(), c.F1())
	}
	if got := (Confusion{}).Accuracy(); !math.IsNaN(got) {
		t.Errorf("Accuracy of no rows = %v, want NaN", got)
	}
}

func TestClassificationRejectsBadInput(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		name string
		err  error
		arg  string
		row  int
	}{
		{"AUC label 2", second(AUC([]float64{0, 2}, []float64{0.1, 0.2}, nil)), "labels", 1},
		{"AUC NaN score", second(AUC([]float64{0, 1}, []float64{nan, 0.2}, nil)), "scores", 0},
		{"AP short scores", second(AveragePrecision([]float64{0, 1}, []float64{0.1}, nil)), "scores", -1},
		{"AP NaN weight", second(AveragePrecision([]float64{0, 1}, []float64{0.1, 0.2}, []float64{1, nan})), "weights", 1},
		{"LogLoss p > 1", second(LogLoss([]float64{0, 1}, []float64{0.1, 1.2}, nil)), "probs", 1},
		{"LogLoss p NaN", second(LogLoss([]float64{0}, []float64{nan}, nil)), "probs", 0},
		{"Classify label −1", confErr(Classify([]float64{-1}, []float64{0.5}, nil, 0.5)), "labels", 0},
		{"Classify NaN threshold", confErr(Classify([]float64{1}, []float64{0.5}, nil, nan)), "threshold", -1},
	}
	for _, c := range cases {
		var ie *InputError
		if !errors.As(c.err, &ie) || ie.Arg != c.arg || ie.Row != c.row {
			t.Errorf("%s: error %v, want an InputError on %s row %d", c.name, c.err, c.arg, c.row)
		}
	}
}

func confErr(_ Confusion, err error) error { return err }

// AUC agrees with counting every positive–negative pair, on weighted data
// with many ties.
func TestAUCMatchesPairCount(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 100 {
		n := 1 + r.IntN(60)
		y := make([]float64, n)
		s := make([]float64, n)
		w := make([]float64, n)
		for i := range y {
			y[i] = float64(r.IntN(2))
			s[i] = float64(r.IntN(8)) + y[i]*float64(r.IntN(3))
			w[i] = float64(r.IntN(4))
		}
		var won, total float64
		for i := range n {
			for j := range n {
				if y[i] != 1 || y[j] != 0 {
					continue
				}
				ww := w[i] * w[j]
				total += ww
				switch {
				case s[i] > s[j]:
					won += ww
				case s[i] == s[j]:
					won += ww / 2
				}
			}
		}
		want := math.NaN()
		if total > 0 {
			want = won / total
		}
		got, err := AUC(y, s, w)
		if err != nil || !near(got, want, 1e-12) {
			t.Fatalf("trial %d: AUC = %v, %v; pair count gives %v", trial, got, err, want)
		}
	}
}
