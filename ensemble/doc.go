// Package ensemble chooses among forecasting models by backtest and blends
// them honestly.
//
// # Auto: a leaderboard
//
//	res, err := ensemble.Auto(prepared, backtest.Options{Folds: 5, Horizon: 28},
//		[]ensemble.Candidate{{Name: "gbdt", Fit: gbdtFit}, {Name: "ridge", Fit: ridgeFit}})
//	for _, e := range res.Board { // sorted by overall WAPE
//		fmt.Println(e.Model, e.WAPE, e.WAPEPromo, e.WAPENonPromo, e.MASE, e.Bias, e.Seconds)
//	}
//	kind, fit := res.Deploy() // the winner, to train on the whole history
//	m, err := prepared.Train(forecast.TrainOptions{Kind: kind, Horizon: 28}, prepared.Panel.Last, fit)
//
// Auto backtests every candidate with backtest.Run, then adds three
// combinations of them, each with weights chosen per fold on earlier folds
// only:
//
//   - "blend": a weighted average whose weights minimise the absolute
//     error of the earlier folds (below);
//   - "best_mean": the equal-weight mean of the candidates whose absolute
//     error on the earlier folds is within BestTrim (3%) of the best one's
//     (NestedBestMean);
//   - "stack": blend weights chosen separately for promoted periods and
//     the others (below).
//
// All are scored on the same rows with the same metrics. The winner is
// whichever has the lowest overall WAPE; ties go to the single model, then
// to the combinations in that order.
//
// # Honest blend weights
//
// NestedWeights takes the candidates' backtest predictions over folds
// 1..N. For fold k it chooses non-negative weights summing to 1 that
// minimise the blend's absolute error Σ|actual − blend| — the numerator of
// WAPE, in target units — on the predictions of folds 1..k−1, and the
// blend's forecast for fold k uses them. Fold 1 has no earlier fold and
// weighs members equally. Fold k's actuals and forecasts therefore never
// influence fold k's weights: the blend's backtest is an honest
// out-of-sample score, like every other candidate's (a test proves it by
// making fold k's actuals absurd). The final weights, to deploy, are
// chosen on all N folds.
//
// FitWeights does the minimisation: a pairwise search over the simplex
// that starts at the best single member and moves weight between members
// by exact line searches. It never does worse than the best member on the
// rows it is fitted on; being a coordinate search on a piecewise-linear
// function it can stop short of the optimum (on random 3-member problems
// it came within 0.1% of a fine grid's best).
//
// # Stacking
//
// The stack is a meta-model over the members' out-of-fold forecasts: its
// meta-learner is the weight search above, run separately on promoted and
// non-promoted rows (NestedStack), so that, for example, a model that is
// better at promotion peaks can carry them while another carries the
// baseline weeks. It is as honest as the blend: fold k's two weight sets
// see only folds before k (the same test proves it).
//
// # Blend, a model
//
// Blend is a model.Predictor: Σ weight·member prediction, members floored
// at 0 when NonNegative is set (as backtests floor each member's
// forecast, so the deployed blend predicts what its backtest scored).
// FitBlend trains one on a dataset from the members' Fits and weights.
// A stack is a Blend with a Gate: rows whose "promo" feature is 1 take the
// gate's weights (FitStack).
//
// A blend of explainers (gbdt models) explains too: its SHAP values, and
// its interventional attributions of a plan row against its baseline row
// (SHAPVersus, which forecast's Drivers uses), are the members' weighted
// by the blend weights, and Drivers rescales them to the uplift. A stack
// does not explain (Explains and ExplainsVersus report false).
// It marshals to JSON with each member stored by learner kind and its own
// JSON; DecodeBlend reads it back given a Decoder for the members' kinds
// (Decode, below).
//
// # Model names
//
// The forecasting models are package learn's learners that do regression,
// trained on a panel (learn.Panel), and three kinds built from them:
//
//	gbdt_log      gbdt on the log of the target (forecast.LogTarget)
//	blend         a weighted combination (Kind); Decode only: blends are
//	              trained by Auto's Deploy
//	partitioned   one model per partition (package learn/route); Decode
//	              only: trained by promocast-beam train
//
// New and Decode are the one place that maps a forecasting model's name,
// as users type it and model files store it, to its Fit and its decoder;
// Models lists the names. Package learn stands below this package and
// forecast, and knows neither.
//
// # Guarantees
//
// Weights are deterministic (fixed orders, ties to the lower index). A
// candidate's error stops Auto with the candidate and fold named. The
// blend's and the stack's reports have no segments and no interval
// coverage.
package ensemble
