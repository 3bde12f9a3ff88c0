package metric

import (
	"fmt"
	"math"
)

// Forecast accumulates forecast errors row by row, for backtests that
// score many folds, horizons or segments without keeping every row. It
// stores a few running sums and counts, so Add does not allocate.
//
// The zero value is ready to use; assign Forecast{} to start over.
//
// Sums are plain sequential float64 additions, so the result depends on
// the order rows are added: add them in a fixed order (for example by
// series key, then period) and the same rows give the same bytes. A
// Forecast fed rows a, f (and one scale s) gives exactly the values MAPE,
// WAPE, SMAPE, RMSE, RMSPE, MASE and Bias give on the slices.
//
// A Forecast is not safe for concurrent use; give each goroutine its own.
type Forecast struct {
	n       int
	absErr  float64 // Σ |a−f|            WAPE
	absAct  float64 // Σ |a|              WAPE
	err     float64 // Σ (f−a)            Bias
	act     float64 // Σ a                Bias
	sqErr   float64 // Σ (a−f)²           RMSE
	ape     float64 // Σ |a−f|/|a|, a≠0   MAPE
	sqPE    float64 // Σ ((a−f)/a)², a≠0  RMSPE
	zeros   int     // rows with a = 0
	sape    float64 // Σ smape terms      SMAPE
	scaled  float64 // Σ |a−f|/scale      MASE
	nScaled int     // rows with a usable scale
}

// Scores are a Forecast's metrics, all fractions except RMSE (target
// units) and MASE (a ratio to the naive error). A metric that is undefined
// for the rows seen is NaN; the counts say why.
type Scores struct {
	MAPE  float64 // mean |a−f|/|a| over rows with a ≠ 0
	WAPE  float64 // Σ|a−f| / Σ|a|
	SMAPE float64 // mean 2|a−f|/(|a|+|f|), in [0, 2]
	RMSE  float64 // sqrt(mean (a−f)²)
	RMSPE float64 // sqrt(mean ((a−f)/a)²) over rows with a ≠ 0
	MASE  float64 // mean |a−f|/scale over rows with a usable scale
	Bias  float64 // Σ(f−a) / Σa; positive means over-forecast

	N           int // rows added
	ZeroActuals int // rows with actual 0, left out of MAPE and RMSPE
	Unscaled    int // rows whose scale was not a positive finite number, left out of MASE
}

// Add adds one row: the actual, the forecast, and the MASE scale of the
// row's series (MASEScale of its history before the forecast origin).
//
// A scale that is NaN, ±Inf, 0 or negative (a short or constant history)
// does not reject the row: the row counts in every metric but MASE, and in
// Scores.Unscaled. An actual or forecast that is NaN or ±Inf is an error,
// and the row is not added; drop missing actuals before adding.
func (f *Forecast) Add(actual, forecast, scale float64) error {
	if !finite(actual) {
		return &InputError{"Forecast.Add", "actual", -1, fmt.Sprintf("%v, expected a finite number", actual)}
	}
	if !finite(forecast) {
		return &InputError{"Forecast.Add", "forecast", -1, fmt.Sprintf("%v, expected a finite number", forecast)}
	}
	d := actual - forecast
	ad := math.Abs(d)
	f.n++
	f.absErr += ad
	f.absAct += math.Abs(actual)
	f.err += forecast - actual
	f.act += actual
	f.sqErr += d * d
	if actual == 0 {
		f.zeros++
	} else {
		f.ape += ad / math.Abs(actual)
		pe := d / actual
		f.sqPE += pe * pe
	}
	f.sape += smapeTerm(actual, forecast)
	if finite(scale) && scale > 0 {
		f.scaled += ad / scale
		f.nScaled++
	}
	return nil
}

// Summary returns the metrics of the rows added so far. With no rows every
// metric is NaN and N is 0.
func (f *Forecast) Summary() Scores {
	s := Scores{
		MAPE: math.NaN(), WAPE: math.NaN(), SMAPE: math.NaN(), RMSE: math.NaN(),
		RMSPE: math.NaN(), MASE: math.NaN(), Bias: math.NaN(),
		N: f.n, ZeroActuals: f.zeros, Unscaled: f.n - f.nScaled,
	}
	if f.n > 0 {
		s.SMAPE = f.sape / float64(f.n)
		s.RMSE = math.Sqrt(f.sqErr / float64(f.n))
	}
	if m := f.n - f.zeros; m > 0 {
		s.MAPE = f.ape / float64(m)
		s.RMSPE = math.Sqrt(f.sqPE / float64(m))
	}
	if f.absAct != 0 {
		s.WAPE = f.absErr / f.absAct
	}
	if f.act != 0 {
		s.Bias = f.err / f.act
	}
	if f.nScaled > 0 {
		s.MASE = f.scaled / float64(f.nScaled)
	}
	return s
}
