// Package tune tunes hyperparameters of any learner: random search and
// successive halving over a declared space, scored by a function the
// caller supplies.
//
// # Using it
//
//	space := tune.Space{
//		"learning_rate": tune.LogUniform(0.02, 0.3),
//		"max_leaves":    tune.IntRange(8, 127),
//		"loss":          tune.Choice("squared", "poisson"),
//	}
//	score := func(ctx context.Context, p tune.Params, budget float64) (float64, error) {
//		params := gbdt.Params{LearningRate: p.Float("learning_rate", 0.1), MaxLeaves: p.Int("max_leaves", 31)}
//		params.Rounds = int(budget * 500) // successive halving passes budgets < 1
//		return backtestWAPE(params)        // or a k-fold CV loss; lower is better
//	}
//	res, err := tune.Halving(ctx, space, score, tune.HalvingOptions{
//		Options: tune.Options{Trials: 81, Seed: 1, Time: 10 * time.Minute,
//			Progress: func(done, best tune.Trial) { log.Println(done.ID, done.Score, best.Score) }},
//	})
//	best, ok := res.Best()
//	err = res.WriteCSV(file) // trial, config, rung, budget, score, seconds, error, params…
//
// # Contract
//
// The objective returns a score to minimise. It receives a budget in
// (0, 1]: the share of the full resources (boosting rounds, rows, folds)
// to spend. Random gives every configuration budget 1; Halving starts many
// configurations at a small budget and promotes the best 1/Eta of each
// rung to Eta times the budget, so that with 81 configurations and Eta 3
// it spends 5 full evaluations instead of 81. Only the objective knows how
// to turn a budget into cheaper work; one that ignores it gets no saving.
//
// A failing trial (an error or a NaN score) is recorded with its error and
// score +Inf and the search continues; the search returns an error only
// when every trial failed, when the space or options are invalid, or when
// the context ends (with the trials run so far). Options.Time stops the
// search from starting new trials after that long, without error.
//
// Trials run one after another in the caller's goroutine, so an objective
// may use every core itself (a parallel backtest) without oversubscribing.
//
// # Determinism
//
// Configurations are drawn from Options.Seed with a generator defined in
// this package, dimension by dimension in name order: the same seed and
// space draw the same configurations in the same order, on any machine
// and Go version, and Random and Halving draw the same ones. With a
// deterministic objective the results are the same, except Seconds and
// how many trials a time budget allows.
package tune
