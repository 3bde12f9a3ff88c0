package ingest

import (
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"promocast/data"
)

// readString reads a CSV held in a string, with chunks of the given size so
// that tests cross chunk boundaries.
func readString(t *testing.T, in string, opts Options, size int) (*data.Frame, error) {
	t.Helper()
	return readCSV(strings.NewReader(in), "t.csv", opts, size, maxChunk)
}

// cells renders a frame as rows of cell texts, numbers as FormatFloat and
// missing as "·", with each column's kind in the header.
func cells(f *data.Frame) string {
	var b strings.Builder
	for i, c := range f.Columns {
		if i > 0 {
			b.WriteByte('|')
		}
		b.WriteString(c.Name + ":" + c.Kind.String()[:1])
	}
	for r := range f.Rows() {
		b.WriteByte('\n')
		for i, c := range f.Columns {
			if i > 0 {
				b.WriteByte('|')
			}
			if c.Missing(r) {
				b.WriteString("·")
			} else {
				b.WriteString(c.Text(r))
			}
		}
	}
	return b.String()
}

func TestReadCSVCells(t *testing.T) {
	tests := []struct {
		name string
		in   string
		opts Options
		want string
	}{
		{"numbers and text", "a,b\n1,x\n2.5,y\n", Options{}, "a:n|b:s\n1|x\n2.5|y"},
		{"missing tokens", "a,b\n1,\nNA,z\nNaN,\nnull,w\n,v\n", Options{}, "a:n|b:s\n1|·\n·|z\n·|·\n·|w\n·|v"},
		{"crlf, blank lines, no final newline", "a,b\r\n1,2\r\n\r\n3,4", Options{}, "a:n|b:n\n1|2\n3|4"},
		{"bom and spaces", "\xef\xbb\xbf a , b \n 1 ,\tx y \n", Options{}, "a:n|b:s\n1|x y"},
		{"quotes", "a,b\n\"1,5\",\"say \"\"hi\"\"\"\n\"x\ny\", \"q\" \n", Options{}, "a:s|b:s\n1,5|say \"hi\"\nx\ny|q"},
		{"late text keeps the numbers' text", "id\n007\n1.50\n12\nA1\n-0\n1e3\nNA\n", Options{},
			"id:s\n007\n1.50\n12\nA1\n-0\n1e3\nNA"},
		{"booleans stay text", "f\nTRUE\nfalse\n", Options{}, "f:s\nTRUE\nfalse"},
		{"forced string", "store,units\n10019,3\n00042,4\n", Options{Types: map[string]data.Kind{"store": data.String}},
			"store:s|units:n\n10019|3\n00042|4"},
		{"subset", "a,b,c\n1,x,3\n", Options{Columns: []string{"c", "a"}}, "a:n|c:n\n1|3"},
		{"header only", "a,b\n", Options{}, "a:n|b:n"},
		{"empty column is numbers", "a,b\n,1\n,2\n", Options{}, "a:n|b:n\n·|1\n·|2"},
		{"exponents and signs", "v\n1e-05\n+3\n-.5\n0x1p-2\n", Options{}, "v:n\n1e-05\n3\n-0.5\n0.25"},
	}
	for _, tc := range tests {
		for _, size := range []int{3, 7, 64, chunkSize} {
			f, err := readString(t, tc.in, tc.opts, size)
			if err != nil {
				t.Errorf("%s (chunk %d): %v", tc.name, size, err)
				continue
			}
			if got := cells(f); got != tc.want {
				t.Errorf("%s (chunk %d):\ngot\n%s\nwant\n%s", tc.name, size, got, tc.want)
			}
		}
	}
}

func TestReadCSVErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		opts Options
		kind error
		want string
	}{
		{"empty", "", Options{}, ErrEmpty, "t.csv: file is empty"},
		{"blank lines only", "\n\r\n\n", Options{}, ErrEmpty, "t.csv: file is empty"},
		{"bom only", "\xef\xbb\xbf", Options{}, ErrEmpty, "t.csv: file is empty"},
		{"empty header name", "a,,c\n1,2,3\n", Options{}, ErrHeader, "t.csv line 1: header field 2 has no name"},
		{"missing header", "\n1,2.5,3\n4,5,6\n", Options{}, ErrHeader,
			"t.csv line 2: the header row is missing: line 2 holds only numbers (1, 2.5, 3)"},
		{"duplicate", "a,b,a\n1,2,3\n", Options{}, ErrDuplicateColumn,
			"t.csv line 1, column a: the name is used twice in the header (fields 1 and 3)"},
		{"too few fields", "a,b,c\n1,2,3\n\n4,5\n", Options{}, ErrFieldCount,
			"t.csv line 4: 2 fields, but the header has 3"},
		{"too many fields", "a,b\n1,2\n\"x\ny\",2,3\n", Options{}, ErrFieldCount,
			"t.csv line 3: 3 fields, but the header has 2"},
		{"forced number", "id,price\n1,2\n2,abc\n", Options{Types: map[string]data.Kind{"price": data.Number}}, ErrNotNumber,
			`t.csv line 3, column price: "abc" is not a number`},
		{"forced infinity", "id,price\n1,2\n2,+Inf\n", Options{Types: map[string]data.Kind{"price": data.Number}}, ErrNotNumber,
			`t.csv line 3, column price: "+Inf" is not a finite number`},
		{"forced overflow", "id,price\n1,2\n2,1e999\n", Options{Types: map[string]data.Kind{"price": data.Number}}, ErrNotNumber,
			`t.csv line 3, column price: "1e999" is not a finite number`},
		{"forced uppercase NAN", "id,price\n1,2\n2,NAN\n", Options{Types: map[string]data.Kind{"price": data.Number}}, ErrNotNumber,
			`t.csv line 3, column price: "NAN" is not a number`},
		{"forced decimal comma", "id,price\n1,2\n2,\"0,8\"\n", Options{Types: map[string]data.Kind{"price": data.Number}}, ErrNotNumber,
			`t.csv line 3, column price: "0,8" is not a number: write decimals with a point and no thousands separators (1234.5)`},
		{"forced thousands separator", "id,price\n1,2\n2,\"1,234.5\"\n", Options{Types: map[string]data.Kind{"price": data.Number}}, ErrNotNumber,
			`t.csv line 3, column price: "1,234.5" is not a number: write decimals with a point and no thousands separators (1234.5)`},
		{"gzip named csv", "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03date\n", Options{}, ErrHeader,
			"t.csv: the file holds gzip-compressed data: name it .csv.gz"},
		{"parquet named csv", "PAR1\x15\x04\n", Options{}, ErrHeader, "t.csv: the file is a Parquet file: name it .parquet"},
		{"binary header", "a,\x00\x01b\n1,2\n", Options{}, ErrHeader,
			"t.csv line 1: header field 2 holds bytes that are not text: expected a CSV file whose first line names the columns"},
		{"bare quote", "a,b\n1,x\"y\n", Options{}, ErrQuote,
			`t.csv line 2, column b: a quote inside an unquoted field (quote the whole field and double the quote: "a ""b"" c")`},
		{"text after quote", "a,b\n1,\"x\"y\n", Options{}, ErrQuote,
			"t.csv line 2, column b: unexpected text after a closing quote"},
		{"unclosed quote", "a,b\n1,2\n3,\"x\n\n", Options{}, ErrQuote,
			"t.csv line 3, column b: quoted field is not closed before the end of the file"},
		{"quote in header", "a,\"b\n", Options{}, ErrQuote,
			"t.csv line 1: header field 2: quoted field is not closed before the end of the file"},
	}
	for _, tc := range tests {
		for _, size := range []int{4, chunkSize} {
			_, err := readString(t, tc.in, tc.opts, size)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Errorf("%s (chunk %d): error %v is not a *ParseError", tc.name, size, err)
				continue
			}
			if !errors.Is(err, tc.kind) {
				t.Errorf("%s (chunk %d): error %v is not %v", tc.name, size, err, tc.kind)
			}
			if err.Error() != tc.want {
				t.Errorf("%s (chunk %d):\ngot  %s\nwant %s", tc.name, size, err, tc.want)
			}
		}
	}
}

func TestReadCSVRecordLimit(t *testing.T) {
	in := "a,b\n1,2\n3,\"" + strings.Repeat("x", 100) + "\n4,5\n"
	_, err := readCSV(strings.NewReader(in), "t.csv", Options{}, 8, 32)
	want := "t.csv line 3: no line end outside quotes within 32 bytes: a quote is not closed, or this is not a CSV file"
	if !errors.Is(err, ErrQuote) || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

func TestReadCSVOptionErrors(t *testing.T) {
	in := "a,b\n1,2\n"
	_, err := readString(t, in, Options{Columns: []string{"a", "zz"}}, chunkSize)
	var mc *data.MissingColumnError
	if !errors.As(err, &mc) || mc.Column != "zz" {
		t.Errorf("unknown column in Columns: got %v", err)
	}
	_, err = readString(t, in, Options{Types: map[string]data.Kind{"q": data.String}}, chunkSize)
	if !errors.As(err, &mc) || mc.Column != "q" {
		t.Errorf("unknown column in Types: got %v", err)
	}
	_, err = readString(t, in, Options{Types: map[string]data.Kind{"q": data.String}, Roles: map[string]string{"q": "time column"}}, chunkSize)
	if err == nil || err.Error() != `t.csv: no column "q" (the time column); the file has columns a, b` {
		t.Errorf("unknown column with a role: got %v", err)
	}
	_, err = readString(t, in, Options{Types: map[string]data.Kind{"a": data.Kind(9)}}, chunkSize)
	if err == nil || err.Error() != `t.csv: Options.Types["a"] is 9, neither data.Number nor data.String` {
		t.Errorf("bad kind: got %v", err)
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in    string
		v     float64
		plain bool
		ok    bool
	}{
		{"0", 0, true, true},
		{"-0", math.Copysign(0, -1), true, true},
		{"12", 12, true, true},
		{"16.38", 16.38, true, true},
		{"0.1", 0.1, true, true},
		{"1.50", 1.5, false, true},
		{"007", 7, false, true},
		{".5", 0.5, false, true},
		{"5.", 5, false, true},
		{"1e3", 1000, false, true},
		{"123456789012345678901234", 123456789012345678901234, false, true},
		{"0.30000000000000004", 0.30000000000000004, true, true},
		{"9007199254740993", 9007199254740992, false, true},
		{"123456789012345", 123456789012345, true, true},
		{"abc", 0, false, false},
		{"-", 0, false, false},
		{"1e999", 0, false, false},
		{"1,5", 0, false, false},
		{"+Inf", 0, false, false},
		{"-infinity", 0, false, false},
		{"NaN", 0, false, false}, // a missing token, not a number
	}
	for _, tc := range tests {
		v, plain, ok := parseNumber([]byte(tc.in))
		if ok != tc.ok || plain != tc.plain || (ok && (v != tc.v || math.Signbit(v) != math.Signbit(tc.v))) {
			t.Errorf("parseNumber(%q) = %v, %v, %v; want %v, %v, %v", tc.in, v, plain, ok, tc.v, tc.plain, tc.ok)
		}
		if ok && plain {
			if got := string(formatPlain(nil, v)); got != tc.in {
				t.Errorf("formatPlain(parseNumber(%q)) = %q", tc.in, got)
			}
		}
	}
}

// TestParseNumberMatchesStrconv checks parseNumber against strconv on many
// generated decimals, and that every text it calls plain comes back from
// formatPlain unchanged.
func TestParseNumberMatchesStrconv(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + rng.IntN(10))
		}
		return string(b)
	}
	for range 200000 {
		var s string
		kind := rng.IntN(4)
		switch kind {
		case 0:
			s = strconv.FormatFloat(rng.NormFloat64()*math.Pow(10, float64(rng.IntN(12)-4)), 'g', -1, 64)
		case 1:
			s = strconv.FormatFloat(float64(rng.IntN(100000))/100, 'f', -1, 64)
		case 2:
			s = digits(1+rng.IntN(20)) + "." + digits(rng.IntN(20))
		default:
			s = digits(1 + rng.IntN(22))
		}
		if rng.IntN(3) == 0 && s[0] != '-' {
			s = "-" + s
		}
		want, err := strconv.ParseFloat(s, 64)
		v, plain, ok := parseNumber([]byte(s))
		if (err == nil) != ok || ok && v != want {
			t.Fatalf("parseNumber(%q) = %v, %v; strconv says %v, %v", s, v, ok, want, err)
		}
		if plain {
			// Cases 0 and 1 are in shortest form and must come back exactly;
			// the random digits of cases 2 and 3 must when they have at
			// most 15 significant digits (see plainDigits).
			exact := kind < 2 || significant([]byte(s)) <= 15
			if back := string(formatPlain(nil, v)); back != s && exact {
				t.Fatalf("parseNumber(%q) says plain, but formatPlain gives %q", s, back)
			}
		}
	}
}
