// Package learn maps model names, as users type them on the command line
// and as model files store them, to the packages that train and decode them.
//
//	seasonal_naive, moving_average   package naive (no training)
//	ridge, lasso, elasticnet         package linear
//	gbdt, gbdt_poisson               package gbdt (histogram gradient boosting; squared or Poisson loss)
//	gbdt_log                         package gbdt on the log target (forecast.LogTarget)
//	svr                              package svm (linear support vector regression)
//	rf                               package gbdt (random forest)
//	mlp                              package nn (MLP with entity embeddings)
//	blend                            package ensemble; Decode only: blends are
//	                                 trained by ensemble.Auto's Deploy
//	partitioned                      package route; Decode only: one model per
//	                                 partition, trained by promocast-beam train
//
// New returns a forecast.Fit for a name and options; Decode rebuilds a
// trained predictor from the JSON a model file holds.
package learn

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"promocast/ensemble"
	"promocast/forecast"
	"promocast/learn/gbdt"
	"promocast/learn/linear"
	"promocast/learn/naive"
	"promocast/learn/nn"
	"promocast/learn/route"
	"promocast/learn/svm"
	"promocast/model"
)

// Options carry the settings of every family; each learner reads its own.
type Options struct {
	// GBDT configures gradient boosting.
	GBDT gbdt.Params
	// Linear configures ridge, lasso and elasticnet; Penalty is set from
	// the model name.
	Linear linear.Params
	// SVM configures svr (a regression loss or the default). Its C applies
	// to weights rescaled to sum to svrTotalWeight, so it means the same
	// at any weight scale and any number of rows; zero MaxIter means
	// svrSweeps.
	SVM svm.Params
	// Forest configures rf. Zero fields take the rf defaults below, not
	// the gbdt package's: forecasting panels are large, so rf grows 100
	// trees of at most 12 levels with leaves of at least 20 weight.
	Forest gbdt.ForestParams
	// MLP configures mlp. Forecasting datasets list rows in time order,
	// so its validation hold-out (the last rows) is the latest periods.
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
// model trains with when the user sets none.
func (o Options) ScaledTo(rows int) Options {
	g, s := &o.GBDT, gbdt.PanelParams(rows)
	fillZero(&g.Rounds, s.Rounds)
	fillZero(&g.MaxLeaves, s.MaxLeaves)
	fillZero(&g.MaxDepth, s.MaxDepth)
	fillZero(&g.LearningRate, s.LearningRate)
	fillZero(&g.MinChildWeight, s.MinChildWeight)
	fillZero(&g.RowSubsample, s.RowSubsample)
	fillZero(&g.ColSubsample, s.ColSubsample)
	return o
}

// fillZero sets *dst to v when it is zero.
func fillZero[T int | float64](dst *T, v T) {
	if *dst == 0 {
		*dst = v
	}
}

// family is one learner: how to train it and how to decode it.
type family struct {
	fit    func(ds *model.Dataset, opt Options) (model.Predictor, error)
	decode func(raw []byte) (model.Predictor, error)
}

func families() map[string]family {
	linearFit := func(penalty string) func(*model.Dataset, Options) (model.Predictor, error) {
		return func(ds *model.Dataset, opt Options) (model.Predictor, error) {
			p := opt.Linear
			p.Penalty = penalty
			return linear.Fit(ds, p)
		}
	}
	linearDecode := func(raw []byte) (model.Predictor, error) {
		var m linear.Model
		err := json.Unmarshal(raw, &m)
		return &m, err
	}
	naiveDecode := func(raw []byte) (model.Predictor, error) {
		var m naive.Model
		err := json.Unmarshal(raw, &m)
		return &m, err
	}
	gbdtDecode := func(raw []byte) (model.Predictor, error) {
		var m gbdt.Model
		err := json.Unmarshal(raw, &m)
		return &m, err
	}
	svrDecode := func(raw []byte) (model.Predictor, error) {
		var m svm.Regressor
		err := json.Unmarshal(raw, &m)
		return &m, err
	}
	svrFit := func(ds *model.Dataset, opt Options) (model.Predictor, error) {
		p := opt.SVM
		if p.MaxIter == 0 {
			p.MaxIter = svrSweeps
		}
		return svm.FitRegressor(scaledWeights(ds, svrTotalWeight), p)
	}
	forestDecode := func(raw []byte) (model.Predictor, error) {
		var f gbdt.Forest
		err := json.Unmarshal(raw, &f)
		return &f, err
	}
	mlpDecode := func(raw []byte) (model.Predictor, error) {
		var m nn.Model
		err := json.Unmarshal(raw, &m)
		return &m, err
	}
	return map[string]family{
		"mlp": {func(ds *model.Dataset, opt Options) (model.Predictor, error) { return nn.Fit(ds, opt.MLP) }, mlpDecode},
		"rf": {func(ds *model.Dataset, opt Options) (model.Predictor, error) {
			return gbdt.TrainForest(ds, forestDefaults(opt.Forest))
		}, forestDecode},
		"gbdt": {func(ds *model.Dataset, opt Options) (model.Predictor, error) { return gbdt.Train(ds, nil, opt.GBDT) }, gbdtDecode},
		"gbdt_log": {func(ds *model.Dataset, opt Options) (model.Predictor, error) {
			return forecast.LogTarget(func(d *model.Dataset) (model.Predictor, error) { return gbdt.Train(d, nil, opt.GBDT) })(ds)
		}, func(raw []byte) (model.Predictor, error) { return forecast.DecodeLogModel(raw, gbdtDecode) }},
		"gbdt_poisson": {func(ds *model.Dataset, opt Options) (model.Predictor, error) {
			p := opt.GBDT
			p.Objective = gbdt.Poisson
			return gbdt.Train(ds, nil, p)
		}, gbdtDecode},
		"seasonal_naive": {func(ds *model.Dataset, _ Options) (model.Predictor, error) { return naive.SeasonalNaive(ds.Features) }, naiveDecode},
		"moving_average": {func(ds *model.Dataset, _ Options) (model.Predictor, error) { return naive.MovingAverage(ds.Features) }, naiveDecode},
		"ridge":          {linearFit(linear.PenaltyRidge), linearDecode},
		"lasso":          {linearFit(linear.PenaltyLasso), linearDecode},
		"elasticnet":     {linearFit(linear.PenaltyElasticNet), linearDecode},
		"svr":            {svrFit, svrDecode},
	}
}

// svrTotalWeight is what svr's row weights sum to. The SVM's objective is
// ½‖w‖² + C·Σ weight·loss: with weights of mean 1 and C = 1, a panel of
// 500,000 rows is barely regularised and dual coordinate descent needs
// thousands of sweeps. On Breakfast at the Frat's last backtest fold
// (525,000 rows), per-row costs of 1e-2 to 1e-4 all scored WAPE 38.8–39.2%
// after 20 sweeps, and 150 sweeps changed nothing; cost 1 scored 51–55%,
// still far from converged after 80 sweeps.
const svrTotalWeight = 1000

// svrSweeps bounds svr's coordinate-descent sweeps unless set: on the
// panel above 20 sweeps reached what 150 did.
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

// Names returns the model names New accepts, sorted.
func Names() []string {
	var names []string
	for n := range families() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// New returns the training function of the named learner.
func New(name string, opt Options) (forecast.Fit, error) {
	f, ok := families()[name]
	if !ok {
		return nil, fmt.Errorf("unknown model %q: expected one of %s", name, strings.Join(Names(), ", "))
	}
	return func(ds *model.Dataset) (model.Predictor, error) { return f.fit(ds, opt) }, nil
}

// Decode rebuilds a predictor of the named learner from its JSON. It also
// reads blends (kind "blend") and partitioned models (kind "partitioned"),
// decoding their members through itself.
func Decode(name string, raw []byte) (model.Predictor, error) {
	if name == route.Kind {
		m, err := route.Decode(raw, Decode)
		if err != nil {
			return nil, fmt.Errorf("decode %s model: %w", name, err)
		}
		return m, nil
	}
	if name == ensemble.Kind {
		b, err := ensemble.DecodeBlend(raw, Decode)
		if err != nil {
			return nil, fmt.Errorf("decode %s model: %w", name, err)
		}
		return b, nil
	}
	f, ok := families()[name]
	if !ok {
		return nil, fmt.Errorf("unknown model kind %q: this promocast knows %s", name, strings.Join(Names(), ", "))
	}
	p, err := f.decode(raw)
	if err != nil {
		return nil, fmt.Errorf("decode %s model: %w", name, err)
	}
	return p, nil
}

// DefaultCandidates are the learners the default model (ensemble.Default)
// chooses between: boosted trees on the scaled target (squared loss, which
// fits the mean) and on its log (which fits the median of a right-skewed
// target and is not pulled up by one promotional spike).
func DefaultCandidates(opt Options) []ensemble.Candidate {
	var out []ensemble.Candidate
	for _, n := range []string{"gbdt", "gbdt_log"} {
		fit, _ := New(n, opt) // both are registered above
		out = append(out, ensemble.Candidate{Name: n, Fit: fit})
	}
	return out
}
