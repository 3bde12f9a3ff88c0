package export

import (
	"io"
	"math"
	"reflect"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/snappy"

	"promocast/data"
)

// WriteParquet writes f as a Parquet file with one flat, optional column
// per frame column, in frame order: numbers as DOUBLE, text as BYTE_ARRAY
// annotated STRING (UTF-8). Missing values (NaN and "") are nulls. Pages
// are Snappy-compressed.
func WriteParquet(w io.Writer, f *data.Frame) error {
	if err := check(f); err != nil {
		return err
	}
	fields := make([]parquet.Field, len(f.Columns))
	for j, c := range f.Columns {
		leaf := parquet.Leaf(parquet.DoubleType)
		if c.Kind == data.String {
			leaf = parquet.String()
		}
		fields[j] = &field{Node: parquet.Optional(leaf), name: c.Name}
	}
	schema := parquet.NewSchema("frame", &group{fields: fields})
	pw := parquet.NewWriter(w, schema, parquet.Compression(&snappy.Codec{}))
	const batch = 1024
	rows := make([]parquet.Row, batch) // reused: the writer copies what it keeps
	for k := range rows {
		rows[k] = make(parquet.Row, len(f.Columns))
	}
	n := f.Rows()
	for start := 0; start < n; start += batch {
		end := min(start+batch, n)
		for i := start; i < end; i++ {
			row := rows[i-start]
			for j, c := range f.Columns {
				var v parquet.Value
				switch {
				case c.Kind == data.String && c.Str[i] != "":
					v = parquet.ByteArrayValue([]byte(c.Str[i])).Level(0, 1, j)
				case c.Kind == data.Number && !math.IsNaN(c.Num[i]):
					v = parquet.DoubleValue(c.Num[i]).Level(0, 1, j)
				default:
					v = parquet.NullValue().Level(0, 0, j)
				}
				row[j] = v
			}
		}
		if _, err := pw.WriteRows(rows[:end-start]); err != nil {
			pw.Close()
			return err
		}
	}
	return pw.Close()
}

// group is a Parquet group node whose fields keep the order they are given
// in; parquet.Group sorts them by name.
type group struct {
	parquet.Group // the behaviour of a required group without fields
	fields        []parquet.Field
}

func (g *group) Fields() []parquet.Field { return g.fields }
func (g *group) String() string          { return "frame" }

// GoType is not used when rows are written as parquet.Row values.
func (g *group) GoType() reflect.Type { return reflect.TypeFor[map[string]any]() }

// field names a node inside a group.
type field struct {
	parquet.Node
	name string
}

func (f *field) Name() string { return f.name }

// Value is not used when rows are written as parquet.Row values.
func (f *field) Value(base reflect.Value) reflect.Value { return reflect.Value{} }
