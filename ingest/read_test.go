package ingest

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"promocast/data"
)

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadGzip(t *testing.T) {
	dir := t.TempDir()
	body := "a,b\n" + strings.Repeat("1,x\n", 50000)
	good := gz(t, body)
	badSum := bytes.Clone(good)
	badSum[len(badSum)-8] ^= 0xff // CRC-32 of the data
	tests := []struct {
		name string
		file []byte
		kind error
		want string
	}{
		{"ok", good, nil, ""},
		{"empty file", nil, ErrEmpty, "t.csv.gz: file is empty"},
		{"not gzip", []byte("a,b\n1,2\n3,4\n5,6\n"), ErrCorrupt, "t.csv.gz: not gzip data: gzip: invalid header"},
		{"truncated", good[:len(good)/2], ErrCorrupt, "t.csv.gz line %d: corrupt gzip data: unexpected EOF"},
		{"bad checksum", badSum, gzip.ErrChecksum, "t.csv.gz line 50002: corrupt gzip data: gzip: invalid checksum"},
	}
	for _, tc := range tests {
		path := filepath.Join(dir, "t.csv.gz")
		if err := os.WriteFile(path, tc.file, 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := Read(path, Options{})
		if tc.kind == nil {
			if err != nil || f.Rows() != 50000 {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		var pe *ParseError
		if !errors.As(err, &pe) || !errors.Is(err, tc.kind) {
			t.Errorf("%s: got %v, want a *ParseError of kind %v", tc.name, err, tc.kind)
			continue
		}
		want := tc.want
		if strings.Contains(want, "%d") {
			want = fmt.Sprintf(want, pe.Line) // where the stream breaks depends on the compressor
			if pe.Line < 2 || pe.Line > 50001 {
				t.Errorf("%s: line %d is outside the data", tc.name, pe.Line)
			}
		}
		if err.Error() != want {
			t.Errorf("%s:\ngot  %s\nwant %s", tc.name, err, want)
		}
	}
}

func TestReadPaths(t *testing.T) {
	dir := t.TempDir()
	if _, err := Read(filepath.Join(dir, "x.xlsx"), Options{}); err == nil || !strings.Contains(err.Error(), "unknown file type") {
		t.Errorf("unknown extension: %v", err)
	}
	if _, err := Read(filepath.Join(dir, "absent.csv"), Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("absent file: %v", err)
	}
	path := filepath.Join(dir, "Upper.CSV")
	os.WriteFile(path, []byte("a\n1\n"), 0o644)
	f, err := Read(path, Options{})
	if err != nil || f.Source != "Upper.CSV" || f.Rows() != 1 {
		t.Errorf("upper-case extension: %v", err)
	}
}

// TestLateTextAcrossChunks turns a column to text long after workers have
// parsed later chunks as numbers, and checks every cell keeps its text.
func TestLateTextAcrossChunks(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,v\n")
	var want []string
	for i := range 20000 {
		id := fmt.Sprint(i)
		switch {
		case i == 15000:
			id = "X15000"
		case i%7 == 0:
			id = fmt.Sprintf("%06d", i) // leading zeros: text must be kept
		case i%11 == 0:
			id = "NA"
		case i%13 == 0:
			id = ""
		}
		want = append(want, id)
		fmt.Fprintf(&b, "%s,%d.25\n", id, i)
	}
	for _, size := range []int{100, 4096, chunkSize} {
		f, err := readCSV(strings.NewReader(b.String()), "late.csv", Options{}, size, maxChunk)
		if err != nil {
			t.Fatal(err)
		}
		c := f.Column("id")
		if c.Kind != data.String {
			t.Fatalf("chunk %d: id is %v", size, c.Kind)
		}
		for i, w := range want {
			if c.Str[i] != w {
				t.Fatalf("chunk %d: row %d = %q, want %q", size, i, c.Str[i], w)
			}
		}
		if v := f.Column("v"); v.Kind != data.Number || v.Num[19999] != 19999.25 {
			t.Fatalf("chunk %d: v is %v, last %v", size, v.Kind, v.Num[len(v.Num)-1])
		}
	}
}
