// Package feature turns a panel into the feature matrix every model learns
// from, one row per series×period, using only what is known at the forecast
// origin.
//
// A model is trained for a minimum lag L = gap + horizon: every feature of
// period t that is derived from the target reads periods t-L and earlier.
// When a forecast is made at origin o for periods o+gap+1 .. o+gap+horizon,
// t-L ≤ o, so no feature sees a target after the origin. Known covariates
// (price, promotion flags, events) are read at t itself, as the plan supplies
// them. Because features never depend on the origin, one matrix serves every
// backtest fold: a fold only chooses which rows train and which are scored.
//
// The features, in order:
//
//	lag_L, lag_L+1, lag_L+2         target lags, divided by the series scale
//	lag_season, lag_year            the same period one season / year earlier
//	mean_W, std_W                   rolling mean and spread over W periods ending at t-L
//	level_log                       log(1+level): the series' recent mean size
//	lead                            how far after its origin the row is (step lags)
//	origin_since_promo              periods from the origin back to the last promotion
//	<known covariates>              as given, at t
//	<lever>_discount                1 - price/off price for each price lever
//	<lever>_rel_history             price relative to its mean over the long window
//	promo, promo_prev, since_promo,   promotion state and history, and
//	promo_freq, promo_next            whether the next period is promoted
//	group_promo_share, group_discount            promotions of peers in the same group
//	calendar and event features     day of week, week of year, month, events
//	<static attributes>             category codes or numbers
//
// The group is the spec's declared `group` attribute (GroupAttribute); a
// spec that declares none takes its first static attribute holding text.
//
// The target a model learns is y / scale, with scale = 1 + the rolling mean
// over the longest window ending at t-L, so one global model serves series
// of every size; predictions are multiplied back by the scale.
package feature
