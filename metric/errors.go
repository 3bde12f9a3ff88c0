package metric

import (
	"fmt"
	"math"
)

// InputError reports an input a metric cannot use: which metric, which
// argument, which element, and what was expected.
type InputError struct {
	Func string // metric that rejected the input, e.g. "WAPE"
	Arg  string // argument at fault, e.g. "forecast"
	Row  int    // index of the offending element; -1 when the whole argument is at fault
	Msg  string // what was wrong and what was expected
}

func (e *InputError) Error() string {
	if e.Row < 0 {
		return fmt.Sprintf("metric %s: %s: %s", e.Func, e.Arg, e.Msg)
	}
	return fmt.Sprintf("metric %s: %s[%d]: %s", e.Func, e.Arg, e.Row, e.Msg)
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// checkFinite rejects any NaN or ±Inf element of x.
func checkFinite(fn, arg string, x []float64) error {
	for i, v := range x {
		if !finite(v) {
			return &InputError{fn, arg, i, fmt.Sprintf("%v, expected a finite number", v)}
		}
	}
	return nil
}

// checkPair checks that b has one element per element of a and that both
// hold only finite numbers.
func checkPair(fn, aArg string, a []float64, bArg string, b []float64) error {
	if len(b) != len(a) {
		return &InputError{fn, bArg, -1, fmt.Sprintf("%d values, expected %d (one per %s)", len(b), len(a), aArg)}
	}
	if err := checkFinite(fn, aArg, a); err != nil {
		return err
	}
	return checkFinite(fn, bArg, b)
}

// checkWeights accepts nil (every row weighs 1) or n finite, non-negative
// weights.
func checkWeights(fn string, w []float64, n int) error {
	if w == nil {
		return nil
	}
	if len(w) != n {
		return &InputError{fn, "weights", -1, fmt.Sprintf("%d values, expected %d (one per row) or nil", len(w), n)}
	}
	for i, v := range w {
		if !finite(v) || v < 0 {
			return &InputError{fn, "weights", i, fmt.Sprintf("%v, expected a finite number ≥ 0", v)}
		}
	}
	return nil
}

// checkLabels rejects any label other than 0 or 1.
func checkLabels(fn string, y []float64) error {
	for i, v := range y {
		if v != 0 && v != 1 {
			return &InputError{fn, "labels", i, fmt.Sprintf("%v, expected 0 or 1", v)}
		}
	}
	return nil
}

// checkProbs rejects any probability outside [0, 1] or NaN.
func checkProbs(fn string, p []float64) error {
	for i, v := range p {
		if !(v >= 0 && v <= 1) {
			return &InputError{fn, "probs", i, fmt.Sprintf("%v, expected a probability in [0, 1]", v)}
		}
	}
	return nil
}

// checkBinary validates labels, scores and optional weights of a
// classification metric. With probs the scores must be probabilities in
// [0, 1]; otherwise any finite score will do.
func checkBinary(fn string, y, p, w []float64, probs bool) error {
	arg := "scores"
	if probs {
		arg = "probs"
	}
	if len(p) != len(y) {
		return &InputError{fn, arg, -1, fmt.Sprintf("%d values, expected %d (one per label)", len(p), len(y))}
	}
	if err := checkLabels(fn, y); err != nil {
		return err
	}
	var err error
	if probs {
		err = checkProbs(fn, p)
	} else {
		err = checkFinite(fn, arg, p)
	}
	if err != nil {
		return err
	}
	return checkWeights(fn, w, len(y))
}

// weight returns row i's weight; nil weights mean 1.
func weight(w []float64, i int) float64 {
	if w == nil {
		return 1
	}
	return w[i]
}
