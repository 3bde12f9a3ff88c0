// Package tabular makes promocast's learners usable on any table with a
// target column: read a file into a data.Frame (package ingest), name the
// target, and fit, cross-validate, save and predict. It is what
// 'promocast tabular fit|predict|cv|tune' runs.
//
//	f, err := ingest.Read("train.csv", ingest.Options{})
//	m, err := tabular.Fit(f, tabular.Config{Target: "Revenue", Learner: tabular.LearnerGBDT})
//	err = tabular.Write("model.json", m)
//	...
//	m, err = tabular.Read("model.json")
//	p, err := m.Predict(test)   // one value per row of test, in its order
//
//	res, err := tabular.CrossValidate(f, cfg, tabular.CVOptions{Folds: 5, Seed: 1})
//	res.WriteTable(os.Stdout)   // per-fold scores, mean and std
//
// # From columns to features
//
// Every column but the target and the Config.Drop columns is a feature, in
// file order:
//
//   - a numeric column is used as it is; a missing cell is NaN, which trees
//     route natively and linear models impute;
//   - a text column holding only TRUE and FALSE (any letter case) and empty
//     cells is a bool feature coded 1, 0 and NaN;
//   - any other text column is categorical: its distinct values, sorted
//     byte-wise, are its levels and a cell is coded by its level's index.
//     Empty cells, and at prediction values not seen in training, are NaN.
//
// Prepare returns this encoding as a model.Dataset beside the Schema that
// produced it. The Schema is stored in the model, so Predict encodes a new
// table exactly as training did; it finds columns by name, ignores extra
// columns and fails, naming the file and column, when one is missing.
//
// # Targets and tasks
//
// A regression target must be numeric, with a finite value on every row.
// A classification target holds exactly two distinct values, as text or
// numbers. The positive class, whose probability the model predicts, is
// the value spelled true, 1 or yes (in any letter case; for numbers, the
// larger value), and otherwise the value that sorts last byte-wise; the
// other is the negative class. Target records both labels. The task is
// classification when the target holds text, the learner is logistic or
// the gbdt objective is logistic, and regression otherwise; Config.Task
// overrides this, e.g. for a 0/1 numeric target with rf.
//
// Learners are package learn's, by the same names as in forecasting: gbdt
// (gradient boosting; classification uses the logistic objective), rf
// (random forest) and tree (one CART tree), both of which classify by Gini
// impurity, linear (ridge, lasso, elastic net; regression only), logistic
// (classification only), svm (linear SVM) and mlp; the presets ridge,
// lasso, elasticnet, gbdt_poisson and svr too.
//
// # Cross-validation
//
// CrossValidate deals the rows into K folds after a shuffle seeded by
// CVOptions.Seed, by class for classification (stratified), and scores
// each fold with a model trained on the rest: RMSE, MAE and R² for
// regression; ROC AUC, PR AUC (average precision), log loss, and accuracy,
// precision, recall and F1 at probability 0.5 for classification. It
// reports every fold and the mean and standard deviation. The categorical
// levels come from the whole table (they carry no target information).
//
// CVTuning turns that cross-validation into the objective a tune search
// minimises ('promocast tabular tune'): a draw's mean metric over the
// first folds its budget buys, negated where higher is better.
//
// # Model file
//
// A tabular model file is one JSON object,
//
//	{"format":"promocast-tabular","version":1,
//	 "checksum":"sha256:<hex of the body bytes>","body":{...}}
//
// whose body holds "kind" ("tabular"), "learner" (the name the model was
// trained under, see above), "features" (name, type number|bool|category
// and the levels of a category), "target" (name, task, and for
// classification the positive and negative labels), "rows" (training
// rows) and "predictor" (the learner's own JSON: gbdt.Model, gbdt.Forest,
// linear.Model, linear.LogisticModel, svm.Regressor or svm.Classifier, or
// nn.Model); docs/model-format.md documents the layout. Read refuses a
// file whose checksum does not match its body, whose version is newer than
// Version, or whose learner disagrees with the schema. Write replaces a
// file atomically (export.WriteFile).
//
// # Guarantees
//
// Same table, Config and seeds give byte-identical model files and
// identical cross-validation results, whatever the thread count. Bad input
// is an error naming the file, the column and, for cells, the row (1-based,
// not counting the header); nothing panics on user input.
package tabular
