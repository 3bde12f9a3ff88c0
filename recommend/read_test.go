package recommend

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"promocast/ingest"
)

func items(b *Baskets, c, j int) []string {
	var out []string
	for _, it := range b.Basket(c, j) {
		out = append(out, b.Catalog.Item(it))
	}
	return out
}

func TestReadJSONSkipsMarkersAndRepeats(t *testing.T) {
	src := `{"u1": [[-1], [3, 5, 3], [], [5, 8], [-1]], "u0": [[-1], [2], [-1]], "u2": [[-1], [-1]]}`
	b, err := ReadJSON([]byte(src), "h.json", NewCatalog())
	if err != nil {
		t.Fatal(err)
	}
	// u2 has no basket and is dropped; the others keep the file's order.
	if !slices.Equal(b.Customers, []string{"u1", "u0"}) {
		t.Fatalf("customers %v, want [u1 u0]", b.Customers)
	}
	if b.NumBaskets(0) != 2 || b.NumBaskets(1) != 1 {
		t.Fatalf("baskets %d and %d, want 2 and 1", b.NumBaskets(0), b.NumBaskets(1))
	}
	if got := items(b, 0, 0); !slices.Equal(got, []string{"3", "5"}) {
		t.Errorf("first basket %v, want [3 5]", got)
	}
	if got := items(b, 0, 1); !slices.Equal(got, []string{"5", "8"}) {
		t.Errorf("second basket %v, want [5 8]", got)
	}
	head, last := b.Split()
	if head.NumBaskets(0) != 1 || head.NumBaskets(1) != 0 || last.NumBaskets(1) != 1 {
		t.Errorf("split: head %d/%d, last %d baskets", head.NumBaskets(0), head.NumBaskets(1), last.NumBaskets(1))
	}
}

func TestReadJSONErrorsNameTheLine(t *testing.T) {
	cases := []struct{ src, want string }{
		{"{\"a\": [[1]],\n \"b\": [[1, \"x\"]]}", `f.json line 2: customer "b", basket 0: item "\"x\"" is not an integer id`},
		{"{\"a\": [[1]],\n \"b\": [1]}", `f.json line 2: customer "b": expected a list of baskets`},
		{"{\"a\": [[1]],\n \"a\": [[2]]}", `f.json line 2: customer "a" appears twice`},
		{"{\"a\": [[1.5]]}", `f.json line 1: customer "a", basket 0: item "1.5" is not an integer id`},
		{"[1, 2]", "f.json line 1: expected an object of customers"},
		{"{\"a\": [[1]]\n", "f.json line 2: the JSON ends early"},
		{"", "f.json: file is empty"},
	}
	for _, c := range cases {
		_, err := ReadJSON([]byte(c.src), "f.json", NewCatalog())
		var pe *ingest.ParseError
		if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one starting %q", c.src, err, c.want)
		}
	}
}

func TestReadJSONFileGzipSharesCatalog(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(`{"u": [[-1], [7], [-1]]}`))
	zw.Close()
	path := filepath.Join(dir, "future.json.gz")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cat := NewCatalog()
	if _, err := ReadJSON([]byte(`{"u": [[9, 7]]}`), "h.json", cat); err != nil {
		t.Fatal(err)
	}
	f, err := Read(path, LongColumns{}, cat)
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := cat.Lookup("7"); f.Basket(0, 0)[0] != code || cat.NumItems() != 2 {
		t.Errorf("future item code %d, catalog of %d items; want the history's code %d and 2 items", f.Basket(0, 0)[0], cat.NumItems(), code)
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.json.gz"), []byte("not gzip"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadJSONFile(filepath.Join(dir, "bad.json.gz"), cat); !errors.Is(err, ingest.ErrCorrupt) {
		t.Errorf("bad gzip: %v, want ErrCorrupt", err)
	}
}

func TestReadLongOrdersBaskets(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tx.csv")
	csv := "customer,date,sku\n" +
		"b,2024-01-05,x\n" +
		"a,2024-01-03,y\n" +
		"b,2024-01-02,y\n" +
		"b,2024-01-05,z\n" +
		"b,2024-01-05,x\n"
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := ReadLong(path, LongColumns{Basket: "date", Item: "sku"}, NewCatalog())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(b.Customers, []string{"b", "a"}) || b.NumBaskets(0) != 2 {
		t.Fatalf("customers %v with %d baskets", b.Customers, b.NumBaskets(0))
	}
	if got := items(b, 0, 0); !slices.Equal(got, []string{"y"}) {
		t.Errorf("b's first basket %v, want [y] (2024-01-02)", got)
	}
	got := items(b, 0, 1)
	slices.Sort(got)
	if !slices.Equal(got, []string{"x", "z"}) {
		t.Errorf("b's second basket %v, want [x z]", got)
	}
	// Numbers sort as numbers: basket 10 comes after basket 9.
	num := filepath.Join(dir, "num.csv")
	os.WriteFile(num, []byte("customer,basket,item\nc,10,late\nc,9,early\n"), 0o644)
	if b, err = ReadLong(num, LongColumns{}, NewCatalog()); err != nil {
		t.Fatal(err)
	}
	if got := items(b, 0, 0); !slices.Equal(got, []string{"early"}) {
		t.Errorf("first basket %v, want [early]", got)
	}
}

func TestReadLongMissingCell(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tx.csv")
	os.WriteFile(path, []byte("customer,basket,item\nc,1,a\nc,2,\n"), 0o644)
	_, err := ReadLong(path, LongColumns{}, NewCatalog())
	var pe *ingest.ParseError
	if !errors.As(err, &pe) || pe.Line != 3 || pe.Column != "item" {
		t.Fatalf("error %v, want one at line 3, column item", err)
	}
	os.WriteFile(path, []byte("customer,when,item\nc,1,a\n"), 0o644)
	if _, err := ReadLong(path, LongColumns{}, NewCatalog()); err == nil || !strings.Contains(err.Error(), "basket") {
		t.Errorf("missing basket column: %v", err)
	}
}

func FuzzReadJSON(f *testing.F) {
	f.Add([]byte(`{"u1": [[-1], [3, 5, 3], [], [5, 8], [-1]]}`))
	f.Add([]byte(`{"a": [[1]], "a": [[2]]}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		b, err := ReadJSON(src, "f.json", NewCatalog())
		if err != nil {
			return
		}
		for c := range b.Customers {
			for j := range b.NumBaskets(c) {
				if len(b.Basket(c, j)) == 0 {
					t.Fatal("empty basket kept")
				}
			}
		}
	})
}

// TestLongAndJSONAgree writes the same baskets in both formats and reads
// them back to the same customers, baskets and items.
func TestLongAndJSONAgree(t *testing.T) {
	j := synthBaskets(8, 50, 30)
	var sb strings.Builder
	sb.WriteString("customer,basket,item\n")
	// Rows in reverse order: the reader must order baskets by the basket
	// column, not by the file.
	for c := j.NumCustomers() - 1; c >= 0; c-- {
		for k := j.NumBaskets(c) - 1; k >= 0; k-- {
			for _, it := range j.Basket(c, k) {
				fmt.Fprintf(&sb, "%s,%d,%s\n", j.Customers[c], k, j.Catalog.Item(it))
			}
		}
	}
	path := filepath.Join(t.TempDir(), "long.csv.gz")
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(sb.String()))
	zw.Close()
	os.WriteFile(path, buf.Bytes(), 0o644)
	l, err := Read(path, LongColumns{}, NewCatalog())
	if err != nil {
		t.Fatal(err)
	}
	if l.NumCustomers() != j.NumCustomers() || l.TotalBaskets() != j.TotalBaskets() {
		t.Fatalf("long: %d customers, %d baskets; json: %d, %d", l.NumCustomers(), l.TotalBaskets(), j.NumCustomers(), j.TotalBaskets())
	}
	for c := range j.Customers {
		lc, ok := l.Customer(j.Customers[c])
		if !ok || l.NumBaskets(lc) != j.NumBaskets(c) {
			t.Fatalf("customer %s: %v, %d baskets", j.Customers[c], ok, l.NumBaskets(lc))
		}
		for k := range j.NumBaskets(c) {
			a, b := items(j, c, k), items(l, lc, k)
			slices.Sort(a)
			slices.Sort(b)
			if !slices.Equal(a, b) {
				t.Fatalf("customer %s basket %d: json %v, long %v", j.Customers[c], k, a, b)
			}
		}
	}
}
