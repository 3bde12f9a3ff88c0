package ingest

import (
	"bytes"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

// wideNumeric returns a CSV of rows × cols random floats in shortest form,
// the shape of a wide feature table.
func wideNumeric(rows, cols int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	for j := range cols {
		if j > 0 {
			b.WriteByte(',')
		}
		b.WriteString("x" + strconv.Itoa(j))
	}
	b.WriteByte('\n')
	var cell []byte
	for range rows {
		for j := range cols {
			if j > 0 {
				b.WriteByte(',')
			}
			cell = strconv.AppendFloat(cell[:0], rng.NormFloat64()*100, 'g', -1, 64)
			b.Write(cell)
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// BenchmarkReadCSVWideNumeric reads 50,000 × 51 random floats (~47 MB);
// MB/s scales to the 1,000,000 × 51 case.
func BenchmarkReadCSVWideNumeric(b *testing.B) {
	in := wideNumeric(50000, 51)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		f, err := ReadCSV(bytes.NewReader(in), "wide.csv", Options{})
		if err != nil || f.Rows() != 50000 {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// reportCPU reports the process CPU time per operation since start, a
// measure of work that other load on a shared machine does not inflate the
// way it inflates ns/op.
func reportCPU(b *testing.B, start time.Duration) {
	if used := cpuTime() - start; used > 0 {
		b.ReportMetric(float64(used.Milliseconds())/float64(b.N), "cpu-ms/op")
	}
}

type benchRow struct {
	Week  string   `parquet:"week"`
	Store int64    `parquet:"store"`
	Units float64  `parquet:"units"`
	Price *float64 `parquet:"price,optional"`
	Promo bool     `parquet:"promo"`
}

// BenchmarkReadParquet reads 200,000 rows × 5 columns written by parquet-go.
func BenchmarkReadParquet(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	rows := make([]benchRow, 200000)
	for i := range rows {
		p := float64(rng.IntN(400)) / 100
		rows[i] = benchRow{Week: "2009-01-" + strconv.Itoa(10+i%20), Store: int64(i % 77), Units: float64(rng.IntN(50)), Promo: i%3 == 0}
		if i%10 != 0 {
			rows[i].Price = &p
		}
	}
	var buf bytes.Buffer
	if err := parquet.Write(&buf, rows); err != nil {
		b.Fatal(err)
	}
	in := buf.Bytes()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := ReadParquet(bytes.NewReader(in), int64(len(in)), "bench.parquet", Options{})
		if err != nil || f.Rows() != len(rows) {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseNumber converts typical cells: short prices and counts
// (the exact fast path) and 17-digit floats (strconv).
func BenchmarkParseNumber(b *testing.B) {
	cells := [][]byte{[]byte("16.38"), []byte("1111009477"), []byte("0"), []byte("-123.25"),
		[]byte("-41.83719573519548"), []byte("0.123456789012345678"), []byte("NA"), []byte("1e-05")}
	for b.Loop() {
		for _, c := range cells {
			parseNumber(c)
		}
	}
}
