package learn

import (
	"math"

	"promocast/learn/gbdt"
	"promocast/learn/linear"
	"promocast/learn/nn"
	"promocast/learn/svm"
	"promocast/model"
)

// Options carry the settings of every family; each learner reads its own.
// The zero value of each means that family's defaults.
type Options struct {
	// GBDT configures gbdt. On a table, classification sets its
	// Objective to logistic.
	GBDT gbdt.Params
	// Forest configures rf and tree; Classification is set from the task.
	// On a panel, zero fields take the panel defaults below, not the gbdt
	// package's: forecasting panels are large, so rf grows 100 trees of
	// at most 12 levels with leaves of at least 20 weight.
	Forest gbdt.ForestParams
	// Linear configures linear (and its presets ridge, lasso and
	// elasticnet, which set Penalty).
	Linear linear.Params
	// Logistic configures logistic.
	Logistic linear.LogisticParams
	// SVM configures svm; its loss follows the task when empty. On a
	// panel its C applies to weights rescaled to sum to svrTotalWeight,
	// so it means the same at any weight scale and any number of rows,
	// and zero MaxIter means svrSweeps.
	SVM svm.Params
	// MLP configures mlp; classification sets its loss to logistic. Its
	// validation hold-out is the last rows: on a panel, which lists rows
	// in time order, the latest periods.
	MLP nn.Params
}

// forestDefaults fills rf's zero fields with sizes that keep a forest of a
// large panel affordable.
func forestDefaults(p gbdt.ForestParams) gbdt.ForestParams {
	if p.MaxDepth == 0 {
		p.MaxDepth = 12
	}
	if p.MinLeafWeight == 0 {
		p.MinLeafWeight = 20
	}
	return p
}

// ScaledTo returns o with the boosting settings it leaves zero taken from
// gbdt.PanelParams for a panel of rows observed periods: what the default
// model trains with when the user sets none. The default model's trees sum
// exact gradients and screen optional features, whatever o says (see
// gbdt.PanelParams).
func (o Options) ScaledTo(rows int) Options {
	g, s := &o.GBDT, gbdt.PanelParams(rows)
	fillZero(&g.Rounds, s.Rounds)
	fillZero(&g.MaxLeaves, s.MaxLeaves)
	fillZero(&g.MaxDepth, s.MaxDepth)
	fillZero(&g.LearningRate, s.LearningRate)
	fillZero(&g.MinChildWeight, s.MinChildWeight)
	fillZero(&g.RowSubsample, s.RowSubsample)
	fillZero(&g.ColSubsample, s.ColSubsample)
	g.ExactGradients = g.ExactGradients || s.ExactGradients
	g.ScreenOptional = g.ScreenOptional || s.ScreenOptional
	return o
}

// fillZero sets *dst to v when it is zero.
func fillZero[T int | float64](dst *T, v T) {
	if *dst == 0 {
		*dst = v
	}
}

// svrTotalWeight is what svr's row weights sum to on a panel. The SVM's
// objective is ½‖w‖² + C·Σ weight·loss: with weights of mean 1 and C = 1,
// a panel of 500,000 rows is barely regularised and dual coordinate
// descent needs thousands of sweeps. On Breakfast at the Frat's last
// backtest fold (525,000 rows), per-row costs of 1e-2 to 1e-4 all scored
// WAPE 38.8–39.2% after 20 sweeps, and 150 sweeps changed nothing; cost 1
// scored 51–55%, still far from converged after 80 sweeps.
const svrTotalWeight = 1000

// svrSweeps bounds svr's coordinate-descent sweeps on a panel unless set:
// on the panel above 20 sweeps reached what 150 did.
const svrSweeps = 30

// scaledWeights returns ds with its weights rescaled to sum to total (a
// shallow copy; ds is not changed). Unweighted datasets get weights too.
func scaledWeights(ds *model.Dataset, total float64) *model.Dataset {
	if ds == nil || ds.X == nil || ds.X.Rows == 0 {
		return ds
	}
	sum := 0.0
	for i := 0; i < ds.X.Rows; i++ {
		sum += ds.Weight(i)
	}
	if !(sum > 0) || math.IsInf(sum, 0) {
		return ds // the fit reports the bad weights
	}
	out := *ds
	out.W = make([]float64, ds.X.Rows)
	for i := range out.W {
		out.W[i] = ds.Weight(i) * total / sum
	}
	return &out
}
