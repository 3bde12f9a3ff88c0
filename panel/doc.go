// Package panel turns a long-format sales history (a data.Frame described by
// a spec.Spec) into a panel: one Series per key combination, each a dense run
// of periods from its first row to the panel's end, with the target and every
// known covariate as float64 slices. Periods without a row are gaps: the
// target is NaN there.
//
// A plan (future rows of known covariates) extends the same panel past the
// history's end with Extend; its target stays NaN. Feature builders (package
// feature) read the panel by period ordinal, so a lag is an index step.
//
// Everything that can be wrong with a file — a missing column, a date that
// does not parse, a negative target, two rows for one series and period — is
// reported as a *RowError naming the file, row and column.
package panel
