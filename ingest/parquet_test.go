package ingest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"promocast/data"
)

func TestReadParquetOtherWriters(t *testing.T) {
	tests := []struct {
		file string
		opts Options
		want string
	}{
		{"alltypes_plain.parquet", Options{Columns: []string{"id", "bool_col", "bigint_col", "float_col", "double_col", "date_string_col", "timestamp_col"}},
			"id:n|bool_col:n|bigint_col:n|float_col:n|double_col:n|date_string_col:s|timestamp_col:s\n" +
				"4|1|0|0|0|03/01/09|2009-03-01T00:00:00Z\n" +
				"5|0|10|1.1|10.1|03/01/09|2009-03-01T00:01:00Z\n" +
				"6|1|0|0|0|04/01/09|2009-04-01T00:00:00Z\n" +
				"7|0|10|1.1|10.1|04/01/09|2009-04-01T00:01:00Z\n" +
				"2|1|0|0|0|02/01/09|2009-02-01T00:00:00Z\n" +
				"3|0|10|1.1|10.1|02/01/09|2009-02-01T00:01:00Z\n" +
				"0|1|0|0|0|01/01/09|2009-01-01T00:00:00Z\n" +
				"1|0|10|1.1|10.1|01/01/09|2009-01-01T00:01:00Z"},
		{"alltypes_plain.parquet", Options{Columns: []string{"id", "bool_col", "string_col"},
			Types: map[string]data.Kind{"id": data.String, "bool_col": data.String, "string_col": data.Number}},
			"id:s|bool_col:s|string_col:n\n4|true|0\n5|false|1\n6|true|0\n7|false|1\n2|true|0\n3|false|1\n0|true|0\n1|false|1"},
		{"null_columns.parquet", Options{}, "name:s|value:n\ntest1|·\ntest2|·\ntest3|·\ntest4|·"},
		{"int32_decimal.parquet", Options{}, "value:n\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n21\n22\n23\n24"},
		{"fixed_length_decimal.parquet", Options{}, "value:n\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n21\n22\n23\n24"},
	}
	for _, tc := range tests {
		f, err := Read("testdata/"+tc.file, tc.opts)
		if err != nil {
			t.Errorf("%s: %v", tc.file, err)
			continue
		}
		if got := cells(f); got != tc.want {
			t.Errorf("%s:\ngot\n%s\nwant\n%s", tc.file, got, tc.want)
		}
	}
}

// logicalRow exercises the logical types other tools write for dates,
// timestamps and optional values.
type logicalRow struct {
	Day   int32     `parquet:"day,date"`
	At    time.Time `parquet:"at,timestamp(microsecond)"`
	Store int64     `parquet:"store"`
	Price *float64  `parquet:"price,optional"`
	Name  *string   `parquet:"name,optional"`
}

func TestReadParquetLogicalTypes(t *testing.T) {
	p, s := 1.25, "kale"
	rows := []logicalRow{
		{Day: 14256, At: time.Date(2009, 1, 12, 8, 30, 0, 500000000, time.UTC), Store: 9007199254740993, Price: &p, Name: &s},
		{Day: 14263, At: time.Date(2009, 1, 19, 0, 0, 0, 0, time.UTC), Store: 10019},
	}
	var buf bytes.Buffer
	if err := parquet.Write(&buf, rows); err != nil {
		t.Fatal(err)
	}
	f, err := ReadParquet(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "x.parquet",
		Options{Types: map[string]data.Kind{"store": data.String}})
	if err != nil {
		t.Fatal(err)
	}
	want := "day:s|at:s|store:s|price:n|name:s\n" +
		"2009-01-12|2009-01-12T08:30:00.5Z|9007199254740993|1.25|kale\n" +
		"2009-01-19|2009-01-19T00:00:00Z|10019|·|·"
	if got := cells(f); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// footer returns a copy of a Parquet file with its footer length replaced.
func footer(file []byte, n uint32) []byte {
	b := bytes.Clone(file)
	binary.LittleEndian.PutUint32(b[len(b)-8:], n)
	return b
}

func TestReadParquetErrors(t *testing.T) {
	good, err := os.ReadFile("testdata/alltypes_plain.parquet")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		file []byte
		path string
		opts Options
		kind error
		want string
	}{
		{"empty", nil, "", Options{}, ErrEmpty, "e.parquet: file is empty"},
		{"truncated", good[:len(good)/2], "", Options{}, ErrCorrupt, "e.parquet: not a Parquet file: it does not end in PAR1"},
		{"csv", []byte("a,b\n1,2\n3,4\n"), "", Options{}, ErrCorrupt, "e.parquet: not a Parquet file: it does not end in PAR1"},
		{"tiny", []byte("PAR1"), "", Options{}, ErrCorrupt, "e.parquet: not a Parquet file: 4 bytes is too short"},
		{"footer length", footer(good, 0xfffffff0), "", Options{}, ErrCorrupt,
			"e.parquet: not a readable Parquet file: the footer claims 4294967280 bytes, the file has 1851"},
		{"damaged footer", footer(good, 20), "", Options{}, ErrCorrupt, "e.parquet: not a readable Parquet file: "},
		{"nested", nil, "testdata/nested_lists.snappy.parquet", Options{}, ErrUnsupported,
			"nested_lists.snappy.parquet, column a: a nested or repeated column (LIST); only flat columns can be read"},
		{"forced number", nil, "testdata/alltypes_plain.parquet", Options{Types: map[string]data.Kind{"date_string_col": data.Number}},
			ErrNotNumber, `alltypes_plain.parquet row 1, column date_string_col: "03/01/09" is not a number`},
	}
	for _, tc := range tests {
		var err error
		if tc.path != "" {
			_, err = Read(tc.path, tc.opts)
		} else {
			_, err = ReadParquet(bytes.NewReader(tc.file), int64(len(tc.file)), "e.parquet", tc.opts)
		}
		var pe *ParseError
		if !errors.As(err, &pe) || !errors.Is(err, tc.kind) {
			t.Errorf("%s: got %v, want a *ParseError of kind %v", tc.name, err, tc.kind)
			continue
		}
		if got := err.Error(); !(got == tc.want || (tc.kind == ErrCorrupt && len(got) > len(tc.want) && got[:len(tc.want)] == tc.want)) {
			t.Errorf("%s:\ngot  %s\nwant %s", tc.name, got, tc.want)
		}
	}
}
