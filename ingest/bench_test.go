package ingest

import (
	"bytes"
	"math/rand/v2"
	"strconv"
	"testing"
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
	for b.Loop() {
		f, err := ReadCSV(bytes.NewReader(in), "wide.csv", Options{})
		if err != nil || f.Rows() != 50000 {
			b.Fatal(err)
		}
	}
}
