// Package effect estimates what promotions do and checks it.
//
// Fit estimates the promotion-effect model every trained model carries
// (forecast.Effects): double/debiased machine learning of each lever's
// effect on log units, cross-fitted trees for the baseline and for each
// lever, pooled series → group → panel by empirical Bayes, own effects
// ≥ 0. Summarise and Frame read it as elasticities and lifts with
// intervals, for the effects command.
//
// Probe asks the model, for every series at the first period it can
// forecast, how units respond to each lever with everything else off: a
// discount sweep on the price lever gives each series' price elasticity, and
// switching each flag lever on gives its lift. LogLog fits the classic
// within-series log-log regression
//
//	ln(units) = a_series + e·ln(price) + Σ g_flag·flag + noise
//
// on the history's rows with positive units, whose e and exp(g)−1 are the
// reference effect sizes. The two should broadly agree; where they do not,
// the report says so.
package effect
