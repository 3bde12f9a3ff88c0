// Package data holds the in-memory shapes every other package shares: a
// columnar Frame read from a user's file, and a dense row-major Matrix of
// model features.
//
// A Frame keeps each column either as float64 values (missing = NaN) or as
// strings (missing = ""), decided by type inference or by the dataset spec.
// A Matrix is what learners consume: rows are examples, columns are features,
// NaN marks a missing value that tree learners route natively and linear
// learners impute.
//
// Neither type does I/O; package ingest reads files into Frames.
package data
