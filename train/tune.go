package train

import (
	"context"
	"math"

	"promocast/backtest"
	"promocast/ensemble"
	"promocast/forecast"
	"promocast/tune"
)

// TuneObjective scores a setting a search drew for learner opt.Model
// (applied over opt.Learn) by the overall WAPE of a rolling-origin
// backtest on pr with opt.Folds folds of opt.Forecast's horizon and gap.
// A budget b scores the latest ⌈b·folds⌉ folds: their origins are the full
// backtest's latest, so successive halving's cheap rungs see the recent
// past.
func TuneObjective(pr *forecast.Prepared, opt Options) tune.Objective {
	return func(_ context.Context, params tune.Params, budget float64) (float64, error) {
		fit, err := ensemble.New(opt.Model, opt.Learn.Tuned(opt.Model, params))
		if err != nil {
			return 0, err
		}
		folds := max(1, int(math.Ceil(budget*float64(opt.Folds)-1e-9)))
		reps, err := backtest.Run(pr, backtest.Options{Folds: folds, Horizon: opt.Forecast.Horizon, Gap: opt.Forecast.Gap},
			[]backtest.Candidate{{Name: opt.Model, Fit: fit}})
		if err != nil {
			return 0, err
		}
		return reps[0].Overall.WAPE, nil
	}
}
