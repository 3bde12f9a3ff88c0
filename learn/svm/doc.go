// Package svm fits linear support vector machines to a model.Dataset: a
// classifier for 0/1 targets (hinge or squared hinge loss) and a support
// vector regression (ε-insensitive or squared ε-insensitive loss), both
// with an L2 penalty and solved by LIBLINEAR's dual coordinate descent
// (Hsieh et al. 2008; Ho and Lin 2012).
//
// # Using it
//
//	m, err := svm.FitRegressor(ds, svm.Params{C: 1, Epsilon: 0.05})
//	out := make([]float64, X.Rows)
//	err = m.Predict(X, out)                // the predicted target
//
//	c, err := svm.FitClassifier(ds, svm.Params{Loss: svm.LossHinge})
//	err = c.Predict(X, out)                // P(y = 1), Platt-scaled
//	err = c.Decision(X, out)               // the raw decision value
//	b, err := json.Marshal(c)              // and json.Unmarshal(b, &c2)
//
// The zero Params are scikit-learn's LinearSVC and LinearSVR defaults
// (C = 1, tol 1e-4, at most 1000 sweeps, intercept_scaling 1).
//
// # Objective
//
// Both models minimise ½‖w‖² + ½b² + Σ C·s_i·loss_i over the weights w of
// the standardised design columns and the bias b of a constant column of
// value InterceptScaling, s_i being row i's sample weight: as in LIBLINEAR
// the intercept is regularised. This is exactly what scikit-learn's
// LinearSVC and LinearSVR minimise when given the same standardised
// columns and sample_weight.
//
// # Probabilities
//
// Classifier.Predict returns a probability, as model.Predictor requires of
// classifiers: after the SVM, the fit learns a Platt sigmoid
// P(y=1|d) = 1/(1 + exp(A·d + B)) of the decision value d on the same
// training rows (weighted, with Platt's smoothed targets, the objective of
// scikit-learn's sigmoid calibration). Those decision values are
// in-sample, so the probabilities lean towards overconfidence; rank by
// them freely, and recalibrate on held-out rows when the numbers matter.
//
// # Preprocessing
//
// The fit learns a preprocessing from the training rows with positive
// weight and stores it in the model:
//
//   - A numeric feature's NaN is replaced by the weighted mean of its
//     observed values; a feature with NaN in training also gets a missing
//     indicator column "name=missing".
//   - A categorical feature (codes 0..Levels-1) becomes one indicator
//     column per level seen in training, "name=3" for code 3. In
//     prediction, NaN, unseen and out-of-range codes set no indicator; in
//     training, a non-integer or out-of-range code is an error.
//   - Every column is standardised with its weighted mean and population
//     standard deviation (with NoIntercept, divided by its root mean
//     square and not centred); constant columns are dropped.
//   - ±Inf in a numeric feature is an error, in training and prediction.
//
// Coefficients reports each column's weight per standard deviation (Std,
// the number the penalty sees) and per unit (Value); Intercept is on the
// original scale, so that decision = Intercept + Σ Value·column.
//
// Training holds the standardised rows in memory: rows × columns numbers.
// Dual coordinate descent slows down on strongly correlated columns (lags
// and rolling windows of one series are): on a small forecasting panel
// with 26 such features the default 1000 sweeps stopped 4% above the
// optimal ε-insensitive objective (Info().Converged false), which 33,000
// sweeps reached; the squared loss converges in far fewer sweeps.
//
// # Sample weights and time series
//
// Each row's cost is C times its weight, as in scikit-learn, so C's
// meaning depends on the weights' scale. Package learner's "svr" rescales
// the weights to sum to 1000 first, so that C means the same for any
// panel size, and stops after 30 sweeps. For a forecasting dataset (target
// y/scale, weight scale), the ε-insensitive loss with ε = 0 makes the
// regressor an L2-regularised least-absolute-deviation fit whose loss is
// the numerator of WAPE.
//
// # Guarantees
//
// Fits are deterministic: the order rows are visited in is a permutation
// drawn from Params.Seed with a generator defined in this package, so the
// same data and params give the same weights and the same JSON bytes. A fit
// that stops at MaxIter is returned with Info().Converged false. Fits and
// Predict return errors naming the row and feature of bad input and never
// panic on it.
//
// The tests compare with scikit-learn 1.2.1 (testdata/make_reference.py) at
// tol 1e-10: weights, intercepts and test decision values agree to 1e-8
// relative or better, primal objectives to 1e-10, Platt parameters to 1e-6
// (scikit-learn stops its BFGS there).
//
// # JSON form
//
// A model is one object: kind ("svc" or "svr"), version (1), params (with
// defaults filled in), features (as in model.Feature), impute (per
// feature), terms (per kept column: feature index, kind "value", "missing"
// or "level", level, mean, scale, weight), intercept (b·B, on the
// standardised scale), platt ({"a", "b"}, classifiers only) and fit
// (iterations, converged, objective). Reading checks every field.
package svm
