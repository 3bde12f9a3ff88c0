// Package forecast trains a global time-series model across every series of
// a panel and forecasts a promotion plan together with its no-promotion
// baseline.
//
// A Model couples the spec, the period grid, the feature configuration and a
// learned model.Predictor. Train fits it on the rows of a history whose
// target is observed (up to an origin); Forecast extends the history with a
// plan, predicts each plan row, then sets every promotion lever of every plan
// row to its off value and predicts again: the baseline. The uplift is the
// difference; money columns follow from the plan's prices and costs. A
// Scorer does this for many plans against one history; a plan whose rows
// each name a different series it scores from each series' cached state,
// without copying the history.
//
// The core does no file I/O: callers pass frames and get results.
package forecast
