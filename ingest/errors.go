package ingest

import (
	"errors"
	"fmt"
	"strings"
)

// The kinds of problem a ParseError reports. Test for them with errors.Is:
//
//	if errors.Is(err, ingest.ErrFieldCount) { ... }
var (
	// ErrEmpty: the file holds no header row (no bytes, or only blank lines).
	ErrEmpty = errors.New("file is empty")
	// ErrHeader: the header row is unusable: a name is empty, or every name
	// is a number, which means the header row is missing.
	ErrHeader = errors.New("bad header")
	// ErrDuplicateColumn: two header fields share a name.
	ErrDuplicateColumn = errors.New("duplicate column name")
	// ErrFieldCount: a row has more or fewer fields than the header.
	ErrFieldCount = errors.New("wrong number of fields")
	// ErrQuote: a quoted field is malformed or never closed.
	ErrQuote = errors.New("bad quoting")
	// ErrNotNumber: a cell of a column that must hold numbers does not parse.
	ErrNotNumber = errors.New("not a number")
	// ErrCorrupt: the bytes cannot be decoded (damaged gzip stream or
	// Parquet file).
	ErrCorrupt = errors.New("corrupt file")
	// ErrUnsupported: the file uses a feature the reader does not handle,
	// such as a nested Parquet column.
	ErrUnsupported = errors.New("unsupported")
)

// ParseError reports a problem in an input file, with its position.
//
// Its message has the form
//
//	FILE[ line N| row N][, column NAME]: WHAT
//
// for example
//
//	transaction.csv.gz line 1043, column price: "abc" is not a number
//
// WHAT is `"VALUE" is not EXPECTED` for a cell that does not hold what its
// column needs, and Err's message otherwise. Err always wraps one of the
// Err* kinds above, and for decoding failures also the underlying cause
// (for example gzip.ErrChecksum), so errors.Is works with both.
type ParseError struct {
	File     string // file name as given to Read or ReadCSV
	Line     int    // 1-based line in a CSV file where the problem starts; 0 when not known
	Row      int    // 1-based data row in a Parquet file; 0 when not known or for CSV
	Column   string // column name; "" when the problem is not about one column
	Value    string // the offending cell text, for cell-level problems
	Expected string // what the cell should have been, e.g. "a number"; "" when not a cell problem
	Err      error  // the kind of problem, possibly joined with its cause
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	switch {
	case e.Line > 0:
		fmt.Fprintf(&b, " line %d", e.Line)
	case e.Row > 0:
		fmt.Fprintf(&b, " row %d", e.Row)
	}
	if e.Column != "" {
		b.WriteString(", column ")
		b.WriteString(e.Column)
	}
	b.WriteString(": ")
	if e.Expected != "" {
		fmt.Fprintf(&b, "%q is not %s", e.Value, e.Expected)
	} else if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns Err, so that errors.Is(err, ErrFieldCount) and the like work.
func (e *ParseError) Unwrap() error { return e.Err }

// problem is an error of one kind with a specific message and an optional
// cause; errors.Is matches both the kind and the cause.
type problem struct {
	kind  error
	cause error
	msg   string
}

func (p *problem) Error() string { return p.msg }
func (p *problem) Unwrap() []error {
	if p.cause == nil {
		return []error{p.kind}
	}
	return []error{p.kind, p.cause}
}

// newProblem returns an error of the given kind whose message is the
// formatted text.
func newProblem(kind error, format string, args ...any) error {
	return &problem{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// causedBy returns an error of the given kind whose message is the formatted
// text followed by ": " and the cause's message.
func causedBy(kind, cause error, format string, args ...any) error {
	return &problem{kind: kind, cause: cause, msg: fmt.Sprintf(format, args...) + ": " + cause.Error()}
}
