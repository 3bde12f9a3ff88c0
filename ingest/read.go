package ingest

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"promocast/data"
)

// Options says how to read a table. The zero value reads every column and
// infers each column's kind.
type Options struct {
	// Types forces the kind of the named columns. A column forced to
	// data.String keeps its text as written even when it looks numeric
	// (store ids, zip codes); a column forced to data.Number must hold a
	// number or a missing token in every cell, or Read fails. Naming a
	// column the file does not have is an error.
	Types map[string]data.Kind
	// Columns, when not empty, lists the columns to keep; the others are
	// skipped without being stored. The frame keeps the file's column
	// order. Naming a column the file does not have is an error.
	Columns []string
	// Roles says what named columns are for ("target", "time column"), so
	// that an error about a missing column names its role. Optional.
	Roles map[string]string
}

// check rejects kinds that are neither Number nor String.
func (o Options) check() error {
	for name, k := range o.Types {
		if k != data.Number && k != data.String {
			return fmt.Errorf("Options.Types[%q] is %d, neither data.Number nor data.String", name, int(k))
		}
	}
	return nil
}

// selection reports, for each of the file's columns, whether to keep it, and
// fails when the options name a column the file lacks.
func (o Options) selection(file string, names []string) ([]bool, error) {
	have := make(map[string]bool, len(names))
	for _, n := range names {
		have[n] = true
	}
	for _, n := range o.Columns {
		if !have[n] {
			return nil, &data.MissingColumnError{Source: file, Column: n, Role: o.Roles[n], Have: names}
		}
	}
	typed := make([]string, 0, len(o.Types))
	for n := range o.Types {
		typed = append(typed, n)
	}
	slices.Sort(typed) // report the same missing column every time
	for _, n := range typed {
		if !have[n] {
			return nil, &data.MissingColumnError{Source: file, Column: n, Role: o.Roles[n], Have: names}
		}
	}
	keep := make([]bool, len(names))
	for i, n := range names {
		keep[i] = len(o.Columns) == 0 || slices.Contains(o.Columns, n)
	}
	return keep, nil
}

// Read reads the table at path, choosing the format by the file name's
// extension (case does not matter): .csv, .csv.gz or .parquet. Errors about
// the content are *ParseError values naming the file by its base name.
func Read(path string, opts Options) (*data.Frame, error) {
	name := filepath.Base(path)
	lower := strings.ToLower(name)
	switch {
	case strings.HasSuffix(lower, ".csv"), strings.HasSuffix(lower, ".csv.gz"), strings.HasSuffix(lower, ".parquet"):
	default:
		return nil, fmt.Errorf("read %s: unknown file type (want .csv, .csv.gz or .parquet)", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read table: %w", err)
	}
	defer f.Close()
	switch {
	case strings.HasSuffix(lower, ".parquet"):
		st, err := f.Stat()
		if err != nil {
			return nil, fmt.Errorf("read table: %w", err)
		}
		return ReadParquet(f, st.Size(), name, opts)
	case strings.HasSuffix(lower, ".gz"):
		zr, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<16))
		if err == io.EOF {
			return nil, &ParseError{File: name, Err: ErrEmpty}
		}
		if err != nil {
			return nil, &ParseError{File: name, Err: causedBy(ErrCorrupt, err, "not gzip data")}
		}
		defer zr.Close()
		return ReadCSV(gzipErrors{zr}, name, opts)
	default:
		return ReadCSV(f, name, opts)
	}
}

// gzipErrors marks the errors of a gzip stream as corruption.
type gzipErrors struct{ r io.Reader }

func (g gzipErrors) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	if err != nil && err != io.EOF {
		err = causedBy(ErrCorrupt, err, "corrupt gzip data")
	}
	return n, err
}
