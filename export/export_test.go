package export

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"promocast/data"
	"promocast/ingest"
)

// sample is a frame with the awkward cases: column names out of
// alphabetical order, missing values, text needing quotes and escapes,
// ids that look numeric, and numbers that need an exponent.
func sample(t *testing.T) *data.Frame {
	t.Helper()
	nan := math.NaN()
	f, err := data.NewFrame("sample", []*data.Column{
		{Name: "sku", Kind: data.String, Str: []string{"A1", "b,2", `say "hi"`, "", " padded ", "line\nbreak"}},
		{Name: "store", Kind: data.String, Str: []string{"00042", "10019", "7", "8", "9", "10"}},
		{Name: "units", Kind: data.Number, Num: []float64{3, nan, 0.1, -2.5, 1e21, 1111009477}},
		{Name: "city", Kind: data.String, Str: []string{"Zürich", "Köln", "", "x", "y", "z"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// sameFrame compares names, kinds and cells, with NaN equal to NaN.
func sameFrame(t *testing.T, what string, got, want *data.Frame) {
	t.Helper()
	if !slices.Equal(got.Names(), want.Names()) {
		t.Fatalf("%s: columns %v, want %v", what, got.Names(), want.Names())
	}
	if got.Rows() != want.Rows() {
		t.Fatalf("%s: %d rows, want %d", what, got.Rows(), want.Rows())
	}
	for j, w := range want.Columns {
		g := got.Columns[j]
		if g.Kind != w.Kind {
			t.Errorf("%s: column %s is %v, want %v", what, w.Name, g.Kind, w.Kind)
			continue
		}
		for i := range want.Rows() {
			if g.Kind == data.String && g.Str[i] != w.Str[i] ||
				g.Kind == data.Number && !(g.Num[i] == w.Num[i] || math.IsNaN(g.Num[i]) && math.IsNaN(w.Num[i])) {
				t.Errorf("%s: column %s row %d = %q, want %q", what, w.Name, i, g.Text(i), w.Text(i))
			}
		}
	}
}

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	want := sample(t)
	opts := ingest.Options{Types: map[string]data.Kind{"store": data.String}}
	for _, name := range []string{"out.csv", "out.csv.gz", "out.parquet", "OUT.PARQUET"} {
		path := filepath.Join(dir, name)
		if err := Write(path, want); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := ingest.Read(path, opts)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		sameFrame(t, name, got, want)
		first, _ := os.ReadFile(path)
		if err := Write(path, want); err != nil {
			t.Fatal(err)
		}
		second, _ := os.ReadFile(path)
		if !bytes.Equal(first, second) {
			t.Errorf("%s: writing the same frame twice gave different bytes", name)
		}
	}
}

func TestWriteCSVBytes(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, sample(t)); err != nil {
		t.Fatal(err)
	}
	want := "sku,store,units,city\n" +
		"A1,00042,3,Zürich\n" +
		"\"b,2\",10019,,Köln\n" +
		"\"say \"\"hi\"\"\",7,0.1,\n" +
		",8,-2.5,x\n" +
		"\" padded \",9,1e+21,y\n" +
		"\"line\nbreak\",10,1.111009477e+09,z\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestWriteJSONBytes(t *testing.T) {
	var b bytes.Buffer
	f := sample(t)
	f.Columns[0].Str[3] = "tab\tctl\x01bad\xff"
	if err := WriteJSON(&b, f); err != nil {
		t.Fatal(err)
	}
	want := `[
{"sku":"A1","store":"00042","units":3,"city":"Zürich"},
{"sku":"b,2","store":"10019","units":null,"city":"Köln"},
{"sku":"say \"hi\"","store":"7","units":0.1,"city":null},
{"sku":"tab\tctl\u0001bad\ufffd","store":"8","units":-2.5,"city":"x"},
{"sku":" padded ","store":"9","units":1e+21,"city":"y"},
{"sku":"line\nbreak","store":"10","units":1.111009477e+09,"city":"z"}
]
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	empty, _ := data.NewFrame("e", []*data.Column{{Name: "a", Kind: data.Number, Num: []float64{}}})
	b.Reset()
	if err := WriteJSON(&b, empty); err != nil || b.String() != "[\n]\n" {
		t.Errorf("empty frame: %q, %v", b.String(), err)
	}
	inf, _ := data.NewFrame("i", []*data.Column{{Name: "a", Kind: data.Number, Num: []float64{1, math.Inf(1)}}})
	if err := WriteJSON(io.Discard, inf); err == nil || err.Error() != "row 2, column a: +Inf has no JSON form" {
		t.Errorf("infinite number: %v", err)
	}
}

func TestWriteRejects(t *testing.T) {
	dir := t.TempDir()
	if err := Write(filepath.Join(dir, "x.txt"), sample(t)); err == nil || !strings.Contains(err.Error(), "unknown file type") {
		t.Errorf("unknown extension: %v", err)
	}
	empty, _ := data.NewFrame("e", nil)
	if err := Write(filepath.Join(dir, "x.csv"), empty); err == nil || !strings.Contains(err.Error(), "the table has no columns") {
		t.Errorf("no columns: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed write left a file: %v", err)
	}
}

func TestWriteFileKeepsOldFileOnError(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "forecast.csv")
	if err := os.WriteFile(path, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := WriteFile(path, func(w io.Writer) error {
		io.WriteString(w, strings.Repeat("partial\n", 100000)) // past the buffer, so bytes reach the temp file
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("error %v does not wrap the writer's error", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old\n" {
		t.Errorf("old file changed to %d bytes", len(got))
	}
	func() {
		defer func() { recover() }()
		WriteFile(path, func(w io.Writer) error { panic("writer bug") })
	}()
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries after failed writes, want only the old file", len(entries))
	}
	if err := WriteFile(path, func(w io.Writer) error { _, err := io.WriteString(w, "new\n"); return err }); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if got, _ := os.ReadFile(path); string(got) != "new\n" || st.Mode().Perm() != 0o600 {
		t.Errorf("after a good write: %q, mode %v; want \"new\\n\", 0600", got, st.Mode().Perm())
	}
	if err := WriteFile(filepath.Join(dir, "missing", "x.csv"), func(io.Writer) error { return nil }); err == nil {
		t.Error("writing into a missing folder succeeded")
	}
}

// TestParquetManyBatches round-trips more rows than one write batch holds.
func TestParquetManyBatches(t *testing.T) {
	const n = 5000
	str := make([]string, n)
	num := make([]float64, n)
	for i := range n {
		str[i] = strings.Repeat("s", i%7) // "" (missing) every 7th row
		num[i] = float64(i) / 8
		if i%5 == 0 {
			num[i] = math.NaN()
		}
	}
	want, _ := data.NewFrame("many", []*data.Column{
		{Name: "z", Kind: data.Number, Num: num},
		{Name: "a", Kind: data.String, Str: str},
	})
	path := filepath.Join(t.TempDir(), "many.parquet")
	if err := Write(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := ingest.Read(path, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sameFrame(t, "many.parquet", got, want)
}
