// Package metric scores forecasts and tabular models: one file per metric
// family, every formula in its doc comment.
//
// # Forecast metrics
//
// Functions over paired actual and forecast slices, for one series or many
// rows pooled: MAPE, WAPE, SMAPE, RMSE, RMSPE, MASE (with MASEScale),
// Bias, Pinball (quantile loss), Coverage and MeanIntervalWidth. For
// backtests, a Forecast accumulator takes rows one at a time and returns
// the same numbers as Scores without storing the rows:
//
//	var acc metric.Forecast
//	for _, s := range series { // in a fixed order
//		scale := metric.MASEScale(s.History, 7) // history before the origin only
//		for i := range s.Actual {
//			if err := acc.Add(s.Actual[i], s.Forecast[i], scale); err != nil {
//				return err
//			}
//		}
//	}
//	scores := acc.Summary() // scores.WAPE, scores.MASE, ...
//
// # Tabular metrics
//
// Regression: RMSE, MAE, R2. Binary classification with labels in {0, 1}
// and probabilities (or any scores that rank like them): AUC,
// AveragePrecision, LogLoss, and Classify, whose Confusion gives
// Accuracy, Precision, Recall and F1 at a threshold (DefaultThreshold is
// 0.5). Tabular metrics take optional row weights w: nil means every row
// weighs 1, otherwise one finite weight ≥ 0 per row, and every sum in the
// formula is weighted. AUC, AveragePrecision, LogLoss, F1 and R2 agree
// with scikit-learn 1.2.1 to 1e-12 (see testdata/make_reference.py).
//
// # Contract
//
//   - Fractions, never percent: MAPE 0.1 means 10%; SMAPE is in [0, 2].
//   - Malformed input is an *InputError naming the metric, the argument and
//     the row: slices of different lengths, NaN or ±Inf values, labels
//     other than 0 or 1, probabilities outside [0, 1], negative weights,
//     impossible parameters. Drop missing values before scoring.
//   - A metric undefined for well-formed input is NaN with a nil error,
//     never a silent 0: empty input, MAPE and RMSPE when every actual is 0,
//     WAPE when Σ|a| = 0, Bias when Σa = 0, AUC with one class present.
//     Where a metric skips rows (MAPE and RMSPE skip zero actuals), it says
//     how many.
//   - Forecast metrics are unweighted: WAPE and Bias already weigh rows by
//     volume.
//   - Deterministic: plain sequential sums in input order (AUC and
//     AveragePrecision sort stably), so the same input gives the same bits.
//     No function keeps state between calls, and only AUC and
//     AveragePrecision allocate (an index of n ints).
package metric
