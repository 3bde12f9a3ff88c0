package recommend

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"promocast/data"
	"promocast/ingest"
)

// Read reads basket sequences from path, choosing the format by the name:
// .json or .json.gz is the basket-sequence format, anything ingest.Read
// takes (.csv, .csv.gz, .parquet) is the long format with the columns
// cols names. cat gives the item codes and is extended with new items.
func Read(path string, cols LongColumns, cat *Catalog) (*Baskets, error) {
	lower := strings.ToLower(path)
	if strings.HasSuffix(lower, ".json") || strings.HasSuffix(lower, ".json.gz") {
		return ReadJSONFile(path, cat)
	}
	return ReadLong(path, cols, cat)
}

// ReadJSONFile reads the basket-sequence JSON file at path, decompressing
// it when the name ends in .gz. See ReadJSON.
func ReadJSONFile(path string, cat *Catalog) (*Baskets, error) {
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read baskets: %w", err)
	}
	defer f.Close()
	var r io.Reader = bufio.NewReaderSize(f, 1<<16)
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, &ingest.ParseError{File: name, Err: errors.Join(ingest.ErrCorrupt, fmt.Errorf("not gzip data: %w", err))}
		}
		defer zr.Close()
		r = zr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, &ingest.ParseError{File: name, Err: errors.Join(ingest.ErrCorrupt, err)}
	}
	return ReadJSON(b, name, cat)
}

// ReadJSON parses the basket-sequence format: one JSON object whose keys
// are customer ids and whose values are lists of baskets, each a list of
// integer item ids, oldest first:
//
//	{"17": [[-1], [3, 5], [5, 8, 9], [-1]], "18": [[-1], [2], [-1]]}
//
// A basket [-1] is a padding marker and is skipped, as are empty baskets;
// repeated items in a basket count once. Customers keep the file's order.
// name labels errors, which are *ingest.ParseError values with the line.
func ReadJSON(src []byte, name string, cat *Catalog) (*Baskets, error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	fail := func(off int64, format string, args ...any) error {
		return &ingest.ParseError{File: name, Line: lineAt(src, off), Err: fmt.Errorf(format, args...)}
	}
	syntax := func(err error) error {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fail(se.Offset, "%v", se)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fail(int64(len(src)), "the JSON ends early")
		}
		return fail(dec.InputOffset(), "%v", err)
	}
	tok, err := dec.Token()
	if err == io.EOF {
		return nil, &ingest.ParseError{File: name, Err: ingest.ErrEmpty}
	}
	if err != nil {
		return nil, syntax(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fail(dec.InputOffset(), "expected an object of customers, found %v", tok)
	}
	bl := newBuilder(cat)
	seen := make(map[string]bool)
	var items []int32
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntax(err)
		}
		id := tok.(string) // object keys are always strings
		if seen[id] {
			return nil, fail(dec.InputOffset(), "customer %q appears twice", id)
		}
		seen[id] = true
		start := dec.InputOffset()
		var seq [][]json.RawMessage
		if err := dec.Decode(&seq); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				return nil, fail(start, "customer %q: expected a list of baskets, each a list of item ids", id)
			}
			return nil, syntax(err)
		}
		for j, basket := range seq {
			if len(basket) == 1 && string(basket[0]) == "-1" {
				continue
			}
			items = items[:0]
			for _, it := range basket {
				v, err := strconv.ParseInt(string(it), 10, 64)
				if err != nil {
					return nil, fail(start, "customer %q, basket %d: item %q is not an integer id", id, j, it)
				}
				items = append(items, cat.code(strconv.FormatInt(v, 10)))
			}
			bl.addBasket(items)
		}
		bl.endCustomer(id)
	}
	if _, err := dec.Token(); err != nil {
		return nil, syntax(err)
	}
	return bl.b, nil
}

// lineAt returns the 1-based line of byte offset off in src.
func lineAt(src []byte, off int64) int {
	off = min(max(off, 0), int64(len(src)))
	return bytes.Count(src[:off], []byte{'\n'}) + 1
}

// LongColumns names the columns of the long format: one row per item in a
// basket. Zero fields mean the defaults "customer", "basket" and "item".
type LongColumns struct {
	// Customer identifies the customer (text).
	Customer string
	// Basket orders a customer's baskets: a basket id, date or timestamp.
	// Rows of one customer with the same value form one basket. Numbers
	// sort as numbers; text sorts as text, which orders ISO dates and
	// timestamps correctly.
	Basket string
	// Item identifies the item (text).
	Item string
}

func (c LongColumns) withDefaults() LongColumns {
	if c.Customer == "" {
		c.Customer = "customer"
	}
	if c.Basket == "" {
		c.Basket = "basket"
	}
	if c.Item == "" {
		c.Item = "item"
	}
	return c
}

// ReadLong reads the long format at path (.csv, .csv.gz or .parquet, as
// ingest.Read) with one row per purchased item. Customers keep the order of
// their first row; baskets are ordered by the basket column. A missing
// cell is an *ingest.ParseError naming the file, line and column.
func ReadLong(path string, cols LongColumns, cat *Catalog) (*Baskets, error) {
	cols = cols.withDefaults()
	f, err := ingest.Read(path, ingest.Options{
		Columns: []string{cols.Customer, cols.Basket, cols.Item},
		Types:   map[string]data.Kind{cols.Customer: data.String, cols.Item: data.String},
	})
	if err != nil {
		return nil, err
	}
	return FromFrame(f, cols, cat, strings.HasSuffix(strings.ToLower(path), ".parquet"))
}

// FromFrame builds baskets from a long-format frame (see ReadLong). When
// parquet is true errors name data rows, otherwise CSV lines (the header is
// line 1).
func FromFrame(f *data.Frame, cols LongColumns, cat *Catalog, parquet bool) (*Baskets, error) {
	cols = cols.withDefaults()
	cust, err := f.Need(cols.Customer, "the customer column")
	if err != nil {
		return nil, err
	}
	bask, err := f.Need(cols.Basket, "the basket column")
	if err != nil {
		return nil, err
	}
	item, err := f.Need(cols.Item, "the item column")
	if err != nil {
		return nil, err
	}
	n := f.Rows()
	where := func(r int, col string, expected string) error {
		e := &ingest.ParseError{File: f.Source, Column: col, Value: "", Expected: expected}
		if parquet {
			e.Row = r + 1
		} else {
			e.Line = r + 2
		}
		return e
	}
	// Customer codes in order of first appearance.
	custCode := make(map[string]int32)
	var custIDs []string
	rowCust := make([]int32, n)
	for r := range n {
		id := cust.Str[r]
		if id == "" {
			return nil, where(r, cols.Customer, "a customer id")
		}
		k, ok := custCode[id]
		if !ok {
			k = int32(len(custIDs))
			custCode[id] = k
			custIDs = append(custIDs, id)
		}
		rowCust[r] = k
		if item.Str[r] == "" {
			return nil, where(r, cols.Item, "an item id")
		}
		if bask.Missing(r) {
			return nil, where(r, cols.Basket, "a basket id or time")
		}
	}
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int {
		if c := int(rowCust[a]) - int(rowCust[b]); c != 0 {
			return c
		}
		if bask.Kind == data.Number {
			return cmp.Compare(bask.Num[a], bask.Num[b])
		}
		return strings.Compare(bask.Str[a], bask.Str[b])
	})
	sameBasket := func(a, b int32) bool {
		if bask.Kind == data.Number {
			return bask.Num[a] == bask.Num[b]
		}
		return bask.Str[a] == bask.Str[b]
	}
	bl := newBuilder(cat)
	var items []int32
	for i := 0; i < n; {
		c := rowCust[order[i]]
		for i < n && rowCust[order[i]] == c {
			j := i
			items = items[:0]
			for j < n && rowCust[order[j]] == c && sameBasket(order[i], order[j]) {
				items = append(items, cat.code(item.Str[order[j]]))
				j++
			}
			bl.addBasket(items)
			i = j
		}
		bl.endCustomer(custIDs[c])
	}
	return bl.b, nil
}
