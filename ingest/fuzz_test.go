package ingest

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"promocast/data"
)

// FuzzReadCSV checks that the CSV reader never panics, that a frame it
// returns is consistent (one column per kept header field, equal lengths),
// and that the result — frame or error message — does not depend on how the
// input is cut into chunks.
func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{
		"a,b\n1,2\n3,4\n",
		"a,b\r\n\"x,\"\"y\"\"\",2\r\n\r\n3,\n",
		"\xef\xbb\xbfid,v\n007,1.50\nA1,NA\n",
		"a,a\n1,2\n",
		"a,b\n1\n",
		"a\n\"unclosed\n",
		"1,2\n3,4\n",
		"a,b\n x ,\"y\" \n",
		"",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, in string, forceB bool) {
		var opts Options
		if forceB {
			opts.Types = map[string]data.Kind{"b": data.Number}
		}
		big, errBig := readCSV(strings.NewReader(in), "f.csv", opts, chunkSize, maxChunk)
		small, errSmall := readCSV(strings.NewReader(in), "f.csv", opts, 5, maxChunk)
		if (errBig == nil) != (errSmall == nil) {
			t.Fatalf("chunking changed the outcome: %v vs %v", errBig, errSmall)
		}
		if errBig != nil {
			if errBig.Error() != errSmall.Error() {
				t.Fatalf("chunking changed the error: %q vs %q", errBig, errSmall)
			}
			return
		}
		if len(big.Columns) == 0 {
			t.Fatal("a frame without columns")
		}
		for _, c := range big.Columns {
			if c.Len() != big.Rows() {
				t.Fatalf("column %s has %d rows, frame has %d", c.Name, c.Len(), big.Rows())
			}
			if (c.Kind == data.Number) != (c.Str == nil) {
				t.Fatalf("column %s: kind %v with %d strings", c.Name, c.Kind, len(c.Str))
			}
		}
		if got, want := cells(small), cells(big); got != want {
			t.Fatalf("chunking changed the frame:\n%s\nvs\n%s", got, want)
		}
	})
}

// FuzzReadParquet checks that damaged Parquet files give an error, not a
// panic, and that a frame returned is consistent.
func FuzzReadParquet(f *testing.F) {
	for _, name := range []string{"alltypes_plain.parquet", "null_columns.parquet", "int32_decimal.parquet"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := ReadParquet(bytes.NewReader(b), int64(len(b)), "f.parquet", Options{})
		if err != nil {
			return
		}
		for _, c := range fr.Columns {
			if c.Len() != fr.Rows() {
				t.Fatalf("column %s has %d rows, frame has %d", c.Name, c.Len(), fr.Rows())
			}
		}
	})
}
