package ensemble

import (
	"fmt"

	"promocast/backtest"
	"promocast/forecast"
)

// DefaultName names the model promocast trains when the user names none.
const DefaultName = "default"

// Default runs the choice behind the default model: Auto over the
// candidates (DefaultCandidates: boosted trees on the
// scaled target and on its log), whose best-mean is the default. The
// best-mean averages the candidates whose error on the folds before each
// fold, by metric (MetricBalanced when empty: WAPE and MAPE together), is
// within BestTrim of the best one's, so the default
// takes the squared-loss trees on a panel where they forecast better, the
// log-target trees where those do, and their mean where neither leads; the
// choice of every scored fold is made on earlier folds only, so the
// returned report (named DefaultName) is an honest backtest of the rule.
// With any metric but wape the best-mean's forecasts are also multiplied
// by the point scale (PointScale) chosen on the earlier folds, so the
// point is the one that metric rewards: lower for MAPE, the mean for RMSE,
// for the balanced metric the point where WAPE and MAPE, each relative to
// the unscaled point's, sum least.
// res.Winner is BestMeanName, so res.Deploy trains the chosen members with
// the weights chosen on every fold.
func Default(pr *forecast.Prepared, opt backtest.Options, candidates []Candidate, metric string) (res *Result, report *backtest.Report, err error) {
	if len(candidates) < 2 {
		return nil, nil, fmt.Errorf("default model: it chooses between at least two candidates, got %d", len(candidates))
	}
	if metric == "" {
		metric = MetricBalanced
	}
	res, err = autoBy(pr, opt, candidates, metric)
	if err != nil {
		return nil, nil, err
	}
	res.Winner = BestMeanName
	for _, r := range res.Reports {
		if r.Model == BestMeanName {
			cp := *r
			cp.Model = DefaultName
			report = &cp
		}
	}
	if report == nil {
		return nil, nil, fmt.Errorf("default model: auto gave no %s report", BestMeanName)
	}
	return res, report, nil
}

// PointScale is the factor the default's point forecasts are multiplied
// by for its metric (ensemble.PointScale): 1 for wape, or when the
// calibration backtest had fewer than MinScaleRows rows to choose it from.
func (r *Result) PointScale() float64 {
	if r.BestMean == nil || r.BestMean.Scale == 0 {
		return 1
	}
	return r.BestMean.Scale
}

// Choice describes what the default chose: each candidate's final weight
// and its backtest WAPE, in the candidates' order.
func (r *Result) Choice() (names []string, weights, wape []float64) {
	for k, c := range r.candidates {
		names = append(names, c.Name)
		if r.BestMean != nil {
			weights = append(weights, r.BestMean.Final[k])
		}
		wape = append(wape, r.Reports[k].Overall.WAPE)
	}
	return names, weights, wape
}
