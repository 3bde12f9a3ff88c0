package data

import (
	"fmt"
	"strconv"
)

// Matrix is a dense row-major table of float64 features: the value of
// feature j in row i is Values[i*Cols+j]. NaN marks a missing value.
type Matrix struct {
	Rows, Cols int
	Values     []float64
}

// NewMatrix returns a zeroed rows×cols matrix.
func NewMatrix(rows, cols int) *Matrix {
	return &Matrix{Rows: rows, Cols: cols, Values: make([]float64, rows*cols)}
}

// Row returns row i as a slice that aliases the matrix.
func (m *Matrix) Row(i int) []float64 {
	return m.Values[i*m.Cols : (i+1)*m.Cols : (i+1)*m.Cols]
}

// At returns the value at row i, column j.
func (m *Matrix) At(i, j int) float64 { return m.Values[i*m.Cols+j] }

// Set stores v at row i, column j.
func (m *Matrix) Set(i, j int, v float64) { m.Values[i*m.Cols+j] = v }

// Check reports an error when the matrix's shape and storage disagree or
// when want columns were expected and the matrix has another count.
// Pass want < 0 to skip the column check.
func (m *Matrix) Check(want int) error {
	if m.Rows < 0 || m.Cols < 0 || len(m.Values) != m.Rows*m.Cols {
		return fmt.Errorf("matrix is %d×%d but holds %d values", m.Rows, m.Cols, len(m.Values))
	}
	if want >= 0 && m.Cols != want {
		return fmt.Errorf("matrix has %d feature columns, the model expects %d", m.Cols, want)
	}
	return nil
}

// FormatFloat formats v in the shortest form that parses back to v, the form
// every output file uses so that runs are byte-for-byte reproducible.
func FormatFloat(v float64) string {
	return strconv.FormatFloat(v, 'g', -1, 64)
}
