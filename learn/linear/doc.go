// Package linear fits regularised linear models to a model.Dataset: least
// squares with ridge, lasso or elastic-net penalties, logistic regression
// for binary targets, and Poisson regression with a log link for counts.
//
// # Using it
//
//	m, err := linear.Fit(ds, linear.Params{Penalty: "lasso", Alpha: 0.01})
//	if err != nil { ... }
//	out := make([]float64, X.Rows)
//	err = m.Predict(X, out)          // X has ds's feature columns
//	for _, c := range m.Coefficients() {
//		fmt.Println(c.Feature, c.Value) // "price -1.7", "category=3 0.4", ...
//	}
//	b, err := json.Marshal(m)        // and json.Unmarshal(b, &m2)
//
// FitLogistic returns a LogisticModel whose Predict gives the probability
// of class 1; FitPoisson a PoissonModel whose Predict gives the mean. Each
// Params type's zero value is a sensible default (see its documentation).
//
// # Preprocessing
//
// The fit learns a preprocessing from the training rows (weighted by the
// sample weights) and stores it in the model, so that Predict applies the
// same transformation to new rows:
//
//   - A numeric feature's NaN is replaced by the weighted mean of its
//     observed training values; a feature that had NaN in training also
//     gets a missing indicator column "name=missing" (1 when NaN).
//   - A categorical feature (codes 0..Levels-1) becomes one indicator column
//     per level, "name=3" for code 3. NaN, non-integer and out-of-range
//     codes, and levels never seen in training, set no indicator. In
//     training, a non-integer or out-of-range code is an error.
//   - Every column v is standardised to z = (v − mean)/sd with the weighted
//     mean and population standard deviation; columns constant in training
//     are dropped. With NoIntercept, columns are divided by their root mean
//     square and not centred.
//   - ±Inf in a numeric feature is an error, in training and prediction.
//
// A numeric feature with Monotone +1 (−1) gets a coefficient ≥ 0 (≤ 0), so
// that, for example, a deeper discount never lowers predicted units; its
// missing indicator and categorical features are not constrained. Such fits
// always use coordinate descent.
//
// The penalty applies to the coefficients of z, so its strength does not
// depend on the units of the features. Coefficients reports them on the
// original scale (Value) and per standard deviation (Std); Intercept is on
// the original scale, so that prediction = Intercept + Σ Value·v.
//
// # Objectives and solvers
//
// Fit minimises scikit-learn's ElasticNet objective on z (see Params): ridge
// and "none" are solved in closed form by a Cholesky factorisation of the
// normal equations (with a minimum-norm SVD solution when they are
// singular, e.g. collinear features without a penalty); lasso and elastic
// net by cyclic coordinate descent on the Gram matrix, stopped by
// scikit-learn's duality-gap rule. The Gram matrix is built in one pass over
// the rows at O(nnz²) per row, where nnz counts the numeric columns plus
// the row's few indicators; after that, the cost no longer depends on the
// number of rows.
//
// FitLogistic and FitPoisson minimise scikit-learn's LogisticRegression and
// PoissonRegressor objectives on z (see LogisticParams and PoissonParams)
// by proximal Newton steps: one pass over the rows builds the Hessian, the
// penalised quadratic model is solved exactly (Cholesky) or, with an L1
// part, by coordinate descent, and a backtracking line search keeps every
// step a decrease of the objective. The intercept is never penalised.
//
// The tests compare coefficients and predictions with scikit-learn 1.2.1
// (testdata/make_reference.py): closed-form fits agree to 1e-12, coordinate
// descent to 1e-10 and Newton fits to 1e-7 relative error or better.
//
// # Guarantees
//
// Results are deterministic: the same dataset and params give the same
// coefficients and the same JSON bytes (every loop has a fixed order, no
// goroutines). Fits and Predict do not panic on bad input; they return
// errors naming the row and feature at fault. A fit that stops at MaxIter
// is returned with Info().Converged false.
//
// # JSON form
//
// MarshalJSON writes one object: kind ("linear", "logistic" or "poisson"),
// version (1), params (the Params with defaults filled in), features (the
// model.Feature list), impute (per feature, the value that replaces NaN),
// intercept, terms (per design column: feature index, kind "value",
// "missing" or "level", level, mean, scale and coef on the original
// scale, value terms first, then indicators in feature order) and fit
// (iterations, converged). UnmarshalJSON checks all of it.
package linear
