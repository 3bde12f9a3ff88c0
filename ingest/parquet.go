package ingest

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"promocast/data"
)

// ReadParquet reads a Parquet table of size bytes from r. name is the file
// name used in errors and as the frame's Source. Only flat schemas can be
// read: every top-level field a column, none repeated or nested. See the
// package documentation for how Parquet types become numbers or text.
func ReadParquet(r io.ReaderAt, size int64, name string, opts Options) (f *data.Frame, err error) {
	if err := opts.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if size == 0 {
		return nil, &ParseError{File: name, Err: ErrEmpty}
	}
	// The Parquet library panics on some malformed files; that is a
	// property of the input, so it is reported as corruption.
	defer func() {
		if p := recover(); p != nil {
			f, err = nil, &ParseError{File: name, Err: newProblem(ErrCorrupt, "malformed Parquet file: %v", p)}
		}
	}()
	if err := checkFooter(r, size); err != nil {
		return nil, &ParseError{File: name, Err: err}
	}
	pf, err := parquet.OpenFile(r, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, &ParseError{File: name, Err: causedBy(ErrCorrupt, err, "not a readable Parquet file")}
	}
	fields := pf.Schema().Fields()
	names := make([]string, len(fields))
	for i, fd := range fields {
		names[i] = fd.Name()
	}
	keep, err := opts.selection(name, names)
	if err != nil {
		return nil, err
	}
	var cols []*pqColumn
	for i, fd := range fields {
		if !keep[i] {
			continue
		}
		if !fd.Leaf() || fd.Repeated() {
			return nil, &ParseError{File: name, Column: fd.Name(),
				Err: newProblem(ErrUnsupported, "a nested or repeated column (%s); only flat columns can be read", fd.Type())}
		}
		leaf, _ := pf.Schema().Lookup(fd.Name())
		c := newPQColumn(fd.Name(), leaf.ColumnIndex, fd.Type())
		if k, ok := opts.Types[fd.Name()]; ok {
			c.want = k
		}
		c.reserve(pf.NumRows())
		cols = append(cols, c)
	}
	row0 := 0
	for g, rg := range pf.RowGroups() {
		chunks := rg.ColumnChunks()
		for _, c := range cols {
			if err := c.readChunk(chunks[c.index], name, g, row0); err != nil {
				return nil, err
			}
		}
		row0 += int(rg.NumRows())
	}
	out := make([]*data.Column, len(cols))
	for i, c := range cols {
		out[i] = c.finish()
	}
	return data.NewFrame(name, out)
}

// checkFooter checks the file's trailer (footer length and "PAR1") before
// the Parquet library trusts it: a damaged length would have the library
// allocate and read gigabytes.
func checkFooter(r io.ReaderAt, size int64) error {
	var tail [8]byte
	if size < 12 {
		return newProblem(ErrCorrupt, "not a Parquet file: %d bytes is too short", size)
	}
	if _, err := r.ReadAt(tail[:], size-8); err != nil {
		return causedBy(ErrCorrupt, err, "not a readable Parquet file")
	}
	if string(tail[4:]) != "PAR1" {
		return newProblem(ErrCorrupt, "not a Parquet file: it does not end in PAR1")
	}
	if n := int64(binary.LittleEndian.Uint32(tail[:4])); n > size-12 {
		return newProblem(ErrCorrupt, "not a readable Parquet file: the footer claims %d bytes, the file has %d", n, size)
	}
	return nil
}

// pqColumn reads one Parquet column into numbers or text.
type pqColumn struct {
	name  string
	index int
	phys  parquet.Kind            // physical type
	lt    format.LogicalTypeValue // logical type, nil when there is none
	kind  data.Kind               // what the values naturally are
	want  data.Kind               // what the caller asked for; kind unless forced
	num   []float64
	str   []string
	in    interner
}

func newPQColumn(name string, index int, typ parquet.Type) *pqColumn {
	c := &pqColumn{name: name, index: index, phys: typ.Kind(), kind: naturalKind(typ)}
	if lt := typ.LogicalType(); lt != nil {
		c.lt = lt.Value
	}
	c.want = c.kind
	return c
}

// naturalKind says whether a Parquet type's values become numbers or text.
func naturalKind(t parquet.Type) data.Kind {
	switch lt := t.LogicalType(); {
	case lt == nil:
	case lt.Value == nil:
	default:
		switch lt.Value.(type) {
		case *format.DecimalType, *format.IntType, *format.Float16Type:
			return data.Number
		case *format.NullType:
			return data.Number
		default:
			return data.String
		}
	}
	switch t.Kind() {
	case parquet.ByteArray, parquet.FixedLenByteArray, parquet.Int96:
		return data.String
	}
	return data.Number
}

// readChunk appends the values of one column chunk (row group g, whose
// first row is row0).
func (c *pqColumn) readChunk(chunk parquet.ColumnChunk, file string, g, row0 int) error {
	fail := func(err error) error {
		return &ParseError{File: file, Column: c.name, Err: causedBy(ErrCorrupt, err, "row group %d", g)}
	}
	pages := chunk.Pages()
	defer pages.Close()
	vals := make([]parquet.Value, 1024)
	row := row0
	for {
		page, err := pages.ReadPage()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fail(err)
		}
		vr := page.Values()
		for {
			n, err := vr.ReadValues(vals)
			for _, v := range vals[:n] {
				row++
				if err := c.add(v, file, row); err != nil {
					parquet.Release(page)
					return err
				}
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				parquet.Release(page)
				return fail(err)
			}
		}
		parquet.Release(page)
	}
}

// add appends one value; row is its 1-based row in the file, for errors.
func (c *pqColumn) add(v parquet.Value, file string, row int) error {
	if v.IsNull() {
		if c.want == data.String {
			c.str = append(c.str, "")
		} else {
			c.num = append(c.num, math.NaN())
		}
		return nil
	}
	switch {
	case c.want == data.Number && c.kind == data.Number:
		x := c.number(v)
		if math.IsInf(x, 0) {
			return &ParseError{File: file, Row: row, Column: c.name, Value: data.FormatFloat(x), Expected: "a finite number", Err: ErrNotNumber}
		}
		c.num = append(c.num, x) // a stored NaN is a missing cell
	case c.want == data.String && c.kind == data.String:
		c.str = append(c.str, c.in.get(c.text(v)))
	case c.want == data.String:
		c.str = append(c.str, c.in.get(c.numberText(v)))
	default:
		b := c.text(v)
		x, _, ok := parseNumber(b)
		if !ok && !isMissing(b) {
			return &ParseError{File: file, Row: row, Column: c.name, Value: string(b), Expected: expectedNumber(b), Err: ErrNotNumber}
		}
		if !ok {
			x = math.NaN()
		}
		c.num = append(c.num, x)
	}
	return nil
}

// number converts a value of a number column.
func (c *pqColumn) number(v parquet.Value) float64 {
	switch t := c.lt.(type) {
	case *format.DecimalType:
		return decimal(v, c.phys, int(t.Scale))
	case *format.IntType:
		if !t.IsSigned {
			if c.phys == parquet.Int32 {
				return float64(uint32(v.Int32()))
			}
			return float64(uint64(v.Int64()))
		}
	case *format.Float16Type:
		return float16(v.ByteArray())
	}
	switch c.phys {
	case parquet.Boolean:
		if v.Boolean() {
			return 1
		}
		return 0
	case parquet.Int32:
		return float64(v.Int32())
	case parquet.Int64:
		return float64(v.Int64())
	case parquet.Float:
		// Widen through the shortest decimal, so a FLOAT written as 1.1
		// reads as 1.1 and not as 1.100000023841858.
		x, err := strconv.ParseFloat(strconv.FormatFloat(float64(v.Float()), 'g', -1, 32), 64)
		if err != nil {
			return float64(v.Float())
		}
		return x
	case parquet.Double:
		return v.Double()
	}
	return math.NaN()
}

// numberText formats a value of a number column forced to text; integers
// are written exactly, so that large ids survive.
func (c *pqColumn) numberText(v parquet.Value) []byte {
	if _, dec := c.lt.(*format.DecimalType); !dec {
		switch c.phys {
		case parquet.Boolean:
			return strconv.AppendBool(nil, v.Boolean())
		case parquet.Int32:
			return strconv.AppendInt(nil, int64(v.Int32()), 10)
		case parquet.Int64:
			if it, ok := c.lt.(*format.IntType); ok && !it.IsSigned {
				return strconv.AppendUint(nil, uint64(v.Int64()), 10)
			}
			return strconv.AppendInt(nil, v.Int64(), 10)
		}
	}
	x := c.number(v)
	if math.IsNaN(x) {
		return nil
	}
	return []byte(data.FormatFloat(x))
}

// text converts a value of a text column: strings as they are, dates as
// 2006-01-02, timestamps as RFC 3339 in UTC, UUIDs in their usual form.
func (c *pqColumn) text(v parquet.Value) []byte {
	switch t := c.lt.(type) {
	case *format.DateType:
		return time.Unix(int64(v.Int32())*86400, 0).UTC().AppendFormat(nil, time.DateOnly)
	case *format.TimestampType:
		return timestamp(v.Int64(), t.Unit.Value).AppendFormat(nil, time.RFC3339Nano)
	case *format.TimeType:
		var d int64
		if c.phys == parquet.Int32 {
			d = int64(v.Int32())
		} else {
			d = v.Int64()
		}
		unit := time.Millisecond
		if t.Unit.Value != nil {
			unit = t.Unit.Value.Duration()
		}
		return time.Unix(0, d*int64(unit)).UTC().AppendFormat(nil, "15:04:05.999999999")
	case *format.UUIDType:
		b := v.ByteArray()
		if len(b) == 16 {
			h := hex.EncodeToString(b)
			return []byte(h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:])
		}
	}
	if c.phys == parquet.Int96 {
		i := v.Int96()
		nanos := int64(uint64(i[0]) | uint64(i[1])<<32)
		days := int64(i[2]) - 2440588 // Julian day of 1970-01-01
		return time.Unix(days*86400, nanos).UTC().AppendFormat(nil, time.RFC3339Nano)
	}
	if c.kind == data.Number {
		return c.numberText(v)
	}
	return v.ByteArray()
}

// timestamp converts a count of units since the Unix epoch.
func timestamp(n int64, unit format.TimeUnitValue) time.Time {
	switch unit.(type) {
	case *format.MicroSeconds:
		return time.UnixMicro(n).UTC()
	case *format.NanoSeconds:
		return time.Unix(0, n).UTC()
	}
	return time.UnixMilli(n).UTC()
}

// decimal converts an unscaled decimal value stored as kind.
func decimal(v parquet.Value, kind parquet.Kind, scale int) float64 {
	var x float64
	switch kind {
	case parquet.Int32:
		x = float64(v.Int32())
	case parquet.Int64:
		x = float64(v.Int64())
	default: // big-endian two's complement bytes
		b := v.ByteArray()
		n := new(big.Int).SetBytes(b)
		if len(b) > 0 && b[0]&0x80 != 0 {
			n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
		}
		r, _ := new(big.Float).SetInt(n).Float64()
		x = r
	}
	return x / math.Pow(10, float64(scale))
}

// float16 decodes an IEEE half-precision value stored little-endian.
func float16(b []byte) float64 {
	if len(b) != 2 {
		return math.NaN()
	}
	h := binary.LittleEndian.Uint16(b)
	sign, exp, frac := h>>15, int(h>>10)&0x1f, float64(h&0x3ff)
	var x float64
	switch exp {
	case 0:
		x = math.Ldexp(frac, -24)
	case 0x1f:
		if frac != 0 {
			return math.NaN()
		}
		x = math.Inf(1)
	default:
		x = math.Ldexp(1+frac/1024, exp-15)
	}
	if sign == 1 {
		x = -x
	}
	return x
}

// reserve makes room for the rows the file's metadata announces, up to a
// bound, since a damaged file may announce any number.
func (c *pqColumn) reserve(rows int64) {
	n := int(min(max(rows, 0), 1<<24))
	if c.want == data.String {
		c.str = make([]string, 0, n)
	} else {
		c.num = make([]float64, 0, n)
	}
}

// finish returns the data column.
func (c *pqColumn) finish() *data.Column {
	if c.want == data.String {
		if c.str == nil {
			c.str = []string{}
		}
		return &data.Column{Name: c.name, Kind: data.String, Str: c.str}
	}
	if c.num == nil {
		c.num = []float64{}
	}
	return &data.Column{Name: c.name, Kind: data.Number, Num: c.num}
}
