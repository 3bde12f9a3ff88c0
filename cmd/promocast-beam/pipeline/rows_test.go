package pipeline

import (
	"math"
	"strings"
	"testing"

	"promocast/data"
)

func TestRowsRoundTrip(t *testing.T) {
	f, err := data.NewFrame("x.csv", []*data.Column{
		{Name: "sku", Kind: data.String, Str: []string{"a", "", "c,d"}},
		{Name: "units", Kind: data.Number, Num: []float64{1.5, math.NaN(), -0}},
	})
	if err != nil {
		t.Fatal(err)
	}
	sc := parseSchema(schemaOf(f))
	// Rows arrive out of order; the frame puts them back in input order.
	rows := [][]byte{encodeRow(f, 2, origin{1, 0}), encodeRow(f, 0, origin{0, 4}), encodeRow(f, 1, origin{0, 9})}
	got, origins, err := decodeFrame("x", sc, rows)
	if err != nil {
		t.Fatal(err)
	}
	if s := got.Column("sku").Str; s[0] != "a" || s[1] != "" || s[2] != "c,d" {
		t.Errorf("sku = %q", s)
	}
	if u := got.Column("units").Num; u[0] != 1.5 || !math.IsNaN(u[1]) || u[2] != 0 {
		t.Errorf("units = %v", u)
	}
	if origins[0] != (origin{0, 4}) || origins[2] != (origin{1, 0}) {
		t.Errorf("origins = %v", origins)
	}
	h, p, err := unbundle(bundle(rows[:1], rows[1:]), nil, nil)
	if err != nil || len(h) != 1 || len(p) != 2 || string(p[1]) != string(rows[2]) {
		t.Errorf("unbundle: %d, %d rows, %v", len(h), len(p), err)
	}
	if _, _, err := decodeFrame("x", sc, [][]byte{rows[0][:len(rows[0])-1]}); err == nil {
		t.Error("a truncated row decoded")
	}
}

func TestShardsMustAgree(t *testing.T) {
	num, _ := data.NewFrame("a", []*data.Column{{Name: "brand", Kind: data.Number, Num: []float64{1}}})
	str, _ := data.NewFrame("b", []*data.Column{{Name: "brand", Kind: data.String, Str: []string{"x"}}})
	_, err := sameSchema("history", []shardSchema{{1, "b.csv", schemaOf(str)}, {0, "a.csv", schemaOf(num)}})
	if err == nil || !strings.Contains(err.Error(), `column "brand" holds numbers in shard a.csv but strings in shard b.csv`) {
		t.Errorf("err = %v", err)
	}
	other, _ := data.NewFrame("c", []*data.Column{{Name: "maker", Kind: data.Number, Num: []float64{1}}})
	if _, err := sameSchema("history", []shardSchema{{0, "a.csv", schemaOf(num)}, {1, "c.csv", schemaOf(other)}}); err == nil ||
		!strings.Contains(err.Error(), "same columns") {
		t.Errorf("err = %v", err)
	}
}
