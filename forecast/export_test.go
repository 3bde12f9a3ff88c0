package forecast

import "promocast/data"

// The scorer's two paths and a result's feature rows, for the package's
// external tests.

func (sc *Scorer) ForecastRows(plan *data.Frame) (*Result, bool)    { return sc.forecastRows(plan) }
func (sc *Scorer) ForecastPanel(plan *data.Frame) (*Result, error)  { return sc.forecastPanel(plan) }
func (r *Result) Features() (xf, xb *data.Matrix, scales []float64) { return r.xf, r.xb, r.scales }
func (r *Result) Beyond() []bool                                    { return r.beyond }
