package data

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Kind says how a column's values are stored.
type Kind int

const (
	// Number columns hold float64 values; NaN is a missing cell.
	Number Kind = iota
	// String columns hold text; "" is a missing cell.
	String
)

// String returns "number" or "string", the words dataset specs use.
func (k Kind) String() string {
	if k == String {
		return "string"
	}
	return "number"
}

// Column is one named column of a Frame. Exactly one of Num and Str is used,
// according to Kind, and it has the Frame's row count.
type Column struct {
	Name string
	Kind Kind
	Num  []float64
	Str  []string
}

// Len returns the number of rows in the column.
func (c *Column) Len() int {
	if c.Kind == String {
		return len(c.Str)
	}
	return len(c.Num)
}

// Missing reports whether row i holds no value.
func (c *Column) Missing(i int) bool {
	if c.Kind == String {
		return c.Str[i] == ""
	}
	return math.IsNaN(c.Num[i])
}

// Text returns row i formatted as text: strings as they are, numbers in the
// shortest form that round-trips, missing values as "".
func (c *Column) Text(i int) string {
	if c.Kind == String {
		return c.Str[i]
	}
	v := c.Num[i]
	if math.IsNaN(v) {
		return ""
	}
	return FormatFloat(v)
}

// Frame is a table of equally long named columns, as read from one file.
// Source names the file it came from, for error messages.
type Frame struct {
	Source  string
	Columns []*Column
	index   map[string]int
}

// NewFrame returns a frame over the given columns. It fails when two columns
// share a name or the columns differ in length.
func NewFrame(source string, cols []*Column) (*Frame, error) {
	f := &Frame{Source: source, Columns: cols, index: make(map[string]int, len(cols))}
	for i, c := range cols {
		if _, dup := f.index[c.Name]; dup {
			return nil, fmt.Errorf("%s: column %q appears twice", source, c.Name)
		}
		if c.Len() != cols[0].Len() {
			return nil, fmt.Errorf("%s: column %q has %d rows, column %q has %d",
				source, c.Name, c.Len(), cols[0].Name, cols[0].Len())
		}
		f.index[c.Name] = i
	}
	return f, nil
}

// Rows returns the number of rows.
func (f *Frame) Rows() int {
	if len(f.Columns) == 0 {
		return 0
	}
	return f.Columns[0].Len()
}

// Names returns the column names in file order.
func (f *Frame) Names() []string {
	names := make([]string, len(f.Columns))
	for i, c := range f.Columns {
		names[i] = c.Name
	}
	return names
}

// Column returns the named column, or nil when there is none.
func (f *Frame) Column(name string) *Column {
	i, ok := f.index[name]
	if !ok {
		return nil
	}
	return f.Columns[i]
}

// Add appends a column. It fails when the name is taken or the length
// differs from the frame's row count.
func (f *Frame) Add(c *Column) error {
	if _, dup := f.index[c.Name]; dup {
		return fmt.Errorf("%s: column %q appears twice", f.Source, c.Name)
	}
	if len(f.Columns) > 0 && c.Len() != f.Rows() {
		return fmt.Errorf("%s: column %q has %d rows, the frame has %d", f.Source, c.Name, c.Len(), f.Rows())
	}
	f.index[c.Name] = len(f.Columns)
	f.Columns = append(f.Columns, c)
	return nil
}

// MissingColumnError reports a column a caller needs that a file lacks.
type MissingColumnError struct {
	Source string   // file name
	Column string   // the column that was asked for
	Role   string   // what the column is for, e.g. "target" or "known covariate"; may be ""
	Have   []string // the columns the file has
}

func (e *MissingColumnError) Error() string {
	if e.Role == "" {
		return fmt.Sprintf("%s: no column %q; the file has columns %s", e.Source, e.Column, strings.Join(e.Have, ", "))
	}
	return fmt.Sprintf("%s: no column %q (the %s); the file has columns %s", e.Source, e.Column, e.Role, strings.Join(e.Have, ", "))
}

// Need returns the named column, or a MissingColumnError naming the role the
// column plays.
func (f *Frame) Need(name, role string) (*Column, error) {
	if c := f.Column(name); c != nil {
		return c, nil
	}
	return nil, &MissingColumnError{Source: f.Source, Column: name, Role: role, Have: f.Names()}
}

// NeedNumber is Need for a column that must hold numbers. A text column is
// refused naming the first cell that is not a number, with its data row.
func (f *Frame) NeedNumber(name, role string) (*Column, error) {
	c, err := f.Need(name, role)
	if err != nil {
		return nil, err
	}
	if c.Kind != Number {
		row, text := c.FirstNonNumber()
		return nil, fmt.Errorf("%s row %d, column %q (the %s): %q is not a number", f.Source, row, name, role, text)
	}
	return c, nil
}

// missingTokens are the cell texts that mean "no value" in a number column,
// besides the empty cell.
var missingTokens = [...]string{"NA", "N/A", "NaN", "nan", "null", "NULL"}

// IsMissingText reports whether s means "no value" in a number column: "",
// NA, N/A, NaN, nan, null or NULL.
func IsMissingText(s string) bool {
	if s == "" {
		return true
	}
	for _, t := range missingTokens {
		if s == t {
			return true
		}
	}
	return false
}

// FirstNonNumber returns the 1-based data row and text of the first cell of
// a text column that is neither a finite number nor a missing token; row is
// 0 when every cell is one (or the column holds numbers).
func (c *Column) FirstNonNumber() (row int, text string) {
	for i, s := range c.Str {
		if IsMissingText(s) {
			continue
		}
		if v, err := strconv.ParseFloat(s, 64); err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
			return i + 1, s
		}
	}
	return 0, ""
}
