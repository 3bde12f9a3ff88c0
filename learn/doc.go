// Package learn is the one registry of promocast's learners, for both of
// its modes: forecasting panels (package forecast, through ensemble.New)
// and plain tables (package tabular). Each learner has one name, the tasks it does,
// its settings in Options, how it trains on a model.Dataset and is decoded
// from a model file, and the settings tune searches for it, as its family
// package declares them for panels and for tables.
//
//	name            tasks       package and learner
//	gbdt            reg, class  gbdt: histogram gradient boosting (classification: logistic loss)
//	rf              reg, class  gbdt: random forest
//	tree            reg, class  gbdt: one CART decision tree
//	linear          reg         linear: ridge (default), lasso or elastic net
//	logistic        class       linear: logistic regression
//	svm             reg, class  svm: linear SVM (SVR; classifier with Platt probabilities)
//	mlp             reg, class  nn: multilayer perceptron with entity embeddings
//	seasonal_naive  reg         naive: last year's value; panels only
//	moving_average  reg         naive: recent mean; panels only
//
// Presets are names for a learner with a task or a setting fixed. Every
// command accepts them, and a model file keeps the name it was trained
// under, so files of every kind written before there was one registry
// load unchanged:
//
//	ridge, lasso, elasticnet   linear with that penalty
//	gbdt_poisson               gbdt with the Poisson loss; regression
//	svr                        svm; regression
//
// Forecasting adds three kinds built from these, which package ensemble
// names and decodes (ensemble.New, ensemble.Decode): gbdt_log (gbdt on
// the log of the target), blend and partitioned. The registry stands
// below forecast and ensemble: it knows nothing of either.
//
// Lookup resolves a name; a Learner trains (Train), decodes (Decode) and
// declares its search space (Space) in a Mode.
//
// Some learners default differently on a panel, which is large and pools
// many series: rf and tree grow at most 12 levels with leaves of at least
// 20 weight, and svm rescales the row weights (see Options).
package learn
