// Package gbdt is promocast's own tree learner: histogram gradient-boosted
// trees (the project's default model), random forests and CART, all on one
// flat tree type, with exact TreeSHAP explanations: path-dependent (SHAP)
// and interventional against a single reference row (SHAPVersus).
//
// # Boosting
//
// Train takes a model.Dataset (row-major features, NaN = missing, target,
// optional weights, feature descriptions) and Params, whose zero value
// means 100 rounds of squared-error boosting, learning rate 0.1, depth 6,
// 31 leaves, L2 1, 255 bins:
//
//	m, err := gbdt.Train(train, valid, gbdt.Params{
//		Objective:           gbdt.Poisson, // units sold: a count
//		Rounds:              500,
//		EarlyStoppingRounds: 20,           // needs valid
//	})
//	...
//	err = m.Predict(X, out)      // response: the mean units
//	err = m.PredictRaw(X, raw)   // link space: log of the mean
//	err = m.SHAP(X, phi)         // (X.Cols+1) values per row, summing to raw
//	err = m.SHAPVersus(X, Z, d)  // X.Cols values per row: raw(x) − raw(z),
//	                             // 0 for features equal in x and z
//
// Objectives: "squared", "poisson" and "tweedie" (log link), "quantile"
// (pinball loss at Alpha; leaves are reset to the alpha-quantile of their
// residuals), "logistic" (logit link, targets in [0, 1]). The init score is
// the best constant in link space: the mean, the log of the mean, the
// alpha-quantile, the log-odds of the mean.
//
// # How a tree is grown
//
// Features are binned once into one-byte codes, row-major (a row's codes
// side by side): code 0 is missing, codes
// 1..Bins are quantile bins of a numeric feature (equal values never
// straddle a bin edge), and code c+1 is category c of a categorical
// feature (model.Feature.Categorical, at most Bins levels).
// Each leaf owns a segment of one row-index array, and its rows' codes lie
// in the same places of a node-ordered copy of the codes: splitting a leaf
// moves its rows, stably, to the other of two such copies (the root reads
// the binned matrix), so histograms and partitions read memory in order
// rather than gathering scattered rows. A histogram holds a
// (gradient, hessian) pair per code per feature. Trees grow best-first
// (the leaf with the largest loss reduction splits next) up to MaxLeaves
// and MaxDepth. Only the smaller child's histogram is built from rows; the
// larger child's is its parent's minus the smaller one, and children that
// will never split get no histogram at all, nor their codes moved.
//
// By default gradients and hessians are quantised each round (LightGBM 4's
// quantised training): scaled by a power of two to integers with
// stochastic rounding drawn from Seed, and packed into one int64 per row,
// so a histogram cell is one integer add and a sibling's histogram an
// exact integer subtraction. Split gains come from the dequantised sums,
// which add up exactly, so features that split the rows alike tie exactly
// and the lower index wins; once a tree is grown every node's value and
// cover are recomputed from the exact gradients of its rows.
// Params.ExactGradients builds float histograms instead.
//
// A numeric split sends codes ≤ b left and learns where missing values go
// (left or right, whichever gains more; right when the leaf saw none). A
// categorical split sorts the leaf's categories by gradient/hessian ratio
// and takes the best prefix as the left set (LightGBM's method); categories
// outside the set, unseen ones included, go right. A feature with
// Monotone ±1 is split only when the children's values respect the
// direction, and the midpoint of the two bounds every descendant (XGBoost's
// and LightGBM's basic method), so predictions are monotone in it.
//
// # Contract
//
// Determinism: the same data, Params and Seed give a byte-identical model
// whatever Threads or GOMAXPROCS is. Histograms are spread over goroutines
// by feature, each feature summed in row order by one goroutine, and best
// splits are reduced in feature order.
//
// Trees are flat (Tree: parallel arrays of feature, raw threshold,
// children, default direction, category set, value, cover, gain), so
// prediction needs no binning, and a Model or Forest marshals to JSON
// (encoding/json) deterministically; loading checks every tree and
// predicts the same bits. Prediction allocates nothing for batches below
// a few thousand rows and splits larger ones over GOMAXPROCS goroutines.
//
// # Forests and CART
//
// TrainForest grows a random forest (bootstrap rows, a fresh feature
// subset per node, out-of-bag R² or accuracy) and TrainCART one unpruned
// decision tree, both by variance reduction on the same histograms, which
// for 0/1 targets is the Gini criterion.
package gbdt
