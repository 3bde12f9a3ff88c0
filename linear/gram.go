package linear

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"

	"promocast/model"
)

// moments accumulates, over design rows u with row weights a_i (curvature)
// and e_i (gradient), the sums
//
//	s0 = Σ a_i, s1 = Σ a_i·u_i, s2 = Σ a_i·u_i·u_iᵀ (upper triangle),
//	e0 = Σ e_i, e1 = Σ e_i·u_i,
//
// from which standardise builds the Gram matrix and gradient of the
// standardised design. Rows are sparse in their indicator tail, so one row
// costs O(nnz²), not O(p²).
type moments struct {
	p      int
	s0, e0 float64
	s1, e1 []float64
	s2     []float64 // p×p row-major, upper triangle used
}

func newMoments(p int) *moments {
	return &moments{p: p, s1: make([]float64, p), e1: make([]float64, p), s2: make([]float64, p*p)}
}

// reset zeroes the sums for another pass.
func (m *moments) reset() {
	m.s0, m.e0 = 0, 0
	clear(m.s1)
	clear(m.e1)
	clear(m.s2)
}

// add accumulates one encoded row (idx, val of length n, the first nDense
// entries at positions 0..nDense-1) with weights a and e. It does not
// allocate.
func (m *moments) add(idx []int, val []float64, n, nDense int, a, e float64) {
	m.s0 += a
	m.e0 += e
	p := m.p
	for k := 0; k < n; k++ {
		j := idx[k]
		ak := a * val[k]
		m.s1[j] += ak
		m.e1[j] += e * val[k]
		row := m.s2[j*p : (j+1)*p]
		l := k
		if k < nDense {
			// Dense head: row[k:nDense] += ak·val[k:nDense], the
			// assembly-backed axpy.
			floats.AddScaled(row[k:nDense], ak, val[k:nDense])
			l = nDense
		}
		for ; l < n; l++ {
			row[idx[l]] += ak * val[l]
		}
	}
}

// standardise returns the Gram matrix H (dim×dim, row-major, symmetric) and
// gradient g of the standardised design z = (u − centre)/scale, divided by
// norm, with an intercept column of ones at index p when intercept is set:
//
//	H_jk = Σ a·z_j·z_k / norm,   g_j = Σ e·z_j / norm,
//	H_pj = Σ a·z_j / norm,       g_p = Σ e / norm,   H_pp = Σ a / norm.
func (m *moments) standardise(enc *encoder, intercept bool, norm float64) (H, g []float64, dim int) {
	p := m.p
	dim = p
	if intercept {
		dim++
	}
	H = make([]float64, dim*dim)
	g = make([]float64, dim)
	c := make([]float64, p)
	for j := range c {
		c[j] = enc.centre(j)
	}
	for j := 0; j < p; j++ {
		sj := enc.terms[j].scale
		for k := j; k < p; k++ {
			v := m.s2[j*p+k] - c[j]*m.s1[k] - m.s1[j]*c[k] + m.s0*c[j]*c[k]
			v /= sj * enc.terms[k].scale * norm
			H[j*dim+k] = v
			H[k*dim+j] = v
		}
		g[j] = (m.e1[j] - c[j]*m.e0) / (sj * norm)
		if intercept {
			v := (m.s1[j] - c[j]*m.s0) / (sj * norm)
			H[j*dim+p] = v
			H[p*dim+j] = v
		}
	}
	if intercept {
		H[p*dim+p] = m.s0 / norm
		g[p] = m.e0 / norm
	}
	return H, g, dim
}

// checkData checks ds and its weights and returns the total weight.
func checkData(who string, ds *model.Dataset) (float64, error) {
	if ds == nil {
		return 0, fmt.Errorf("%s: no dataset", who)
	}
	if err := ds.Check(); err != nil {
		return 0, fmt.Errorf("%s: %w", who, err)
	}
	if ds.X.Rows == 0 {
		return 0, fmt.Errorf("%s: dataset has no rows", who)
	}
	sumW := 0.0
	for i, w := range ds.W {
		if !(w >= 0) || math.IsInf(w, 0) {
			return 0, fmt.Errorf("%s: weight of row %d is %v: expected a finite number ≥ 0", who, i, w)
		}
		sumW += w
	}
	if ds.W == nil {
		sumW = float64(ds.X.Rows)
	}
	if !(sumW > 0) || math.IsInf(sumW, 0) {
		return 0, fmt.Errorf("%s: weights sum to %v: expected a positive finite total", who, sumW)
	}
	return sumW, nil
}
