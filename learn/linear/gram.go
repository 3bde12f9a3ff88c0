package linear

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"

	"promocast/learn/design"
	"promocast/model"
)

// moments accumulates, over design rows u with row weights a_i ≥ 0
// (curvature) and e_i (gradient), the sums
//
//	s0 = Σ a_i, s1 = Σ a_i·u_i, s2 = Σ a_i·u_i·u_iᵀ (lower triangle),
//	e0 = Σ e_i, e1 = Σ e_i·u_i,
//
// from which standardise builds the Gram matrix and gradient of the
// standardised design.
//
// The dense head of the rows (the value terms, present in every row) is
// buffered, scaled by √a, as a transposed block of blockRows rows; a full
// block adds its products to s2 as dot products of long contiguous
// vectors (assembly-backed), which is several times faster than a rank-one
// update per row. The sparse tail (indicators) is added per row at
// O(nnz·nDense). Nothing allocates after newMoments.
type moments struct {
	p, nDense int
	s0, e0    float64
	s1, e1    []float64
	s2        []float64 // p×p row-major; entry (j, k) with k ≤ j is used
	blk       []float64 // nDense×blockRows: blk[k*blockRows+r] = √a_r·u_rk
	nb        int       // rows buffered in blk
}

// blockRows is the number of rows buffered before their dense products
// are added: long enough for fast dot products, small enough for the cache.
const blockRows = 256

func newMoments(p, nDense int) *moments {
	return &moments{p: p, nDense: nDense, s1: make([]float64, p), e1: make([]float64, p),
		s2: make([]float64, p*p), blk: make([]float64, nDense*blockRows)}
}

// reset zeroes the sums for another pass.
func (m *moments) reset() {
	m.s0, m.e0, m.nb = 0, 0, 0
	clear(m.s1)
	clear(m.e1)
	clear(m.s2)
}

// add accumulates one encoded row (idx, val of length n whose first
// m.nDense entries are the dense head at positions 0..nDense-1) with
// weights a ≥ 0 and e.
func (m *moments) add(idx []int, val []float64, n int, a, e float64) {
	m.s0 += a
	m.e0 += e
	p, nd := m.p, m.nDense
	for k := 0; k < n; k++ {
		m.s1[idx[k]] += a * val[k]
		m.e1[idx[k]] += e * val[k]
	}
	ra := math.Sqrt(a)
	for k := 0; k < nd; k++ {
		m.blk[k*blockRows+m.nb] = ra * val[k]
	}
	if m.nb++; m.nb == blockRows {
		m.flush()
	}
	for k := nd; k < n; k++ {
		j := idx[k]
		ak := a * val[k]
		row := m.s2[j*p : (j+1)*p]
		floats.AddScaled(row[:nd], ak, val[:nd])
		for l := nd; l <= k; l++ {
			row[idx[l]] += ak * val[l]
		}
	}
}

// flush adds the buffered block's dense products to s2:
// s2[k][l] += Σ_r blk[k][r]·blk[l][r] for l ≤ k.
func (m *moments) flush() {
	nb, p := m.nb, m.p
	for k := 0; k < m.nDense; k++ {
		bk := m.blk[k*blockRows : k*blockRows+nb]
		row := m.s2[k*p:]
		for l := 0; l <= k; l++ {
			row[l] += floats.Dot(bk, m.blk[l*blockRows:l*blockRows+nb])
		}
	}
	m.nb = 0
}

// standardise returns the Gram matrix H (dim×dim, row-major, symmetric) and
// gradient g of the standardised design z = (u − centre)/scale, divided by
// norm, with an intercept column of ones at index p when intercept is set:
//
//	H_jk = Σ a·z_j·z_k / norm,   g_j = Σ e·z_j / norm,
//	H_pj = Σ a·z_j / norm,       g_p = Σ e / norm,   H_pp = Σ a / norm.
func (m *moments) standardise(enc *design.Encoder, intercept bool, norm float64) (H, g []float64, dim int) {
	m.flush()
	p := m.p
	dim = p
	if intercept {
		dim++
	}
	H = make([]float64, dim*dim)
	g = make([]float64, dim)
	c := make([]float64, p)
	for j := range c {
		c[j] = enc.Centre(j)
	}
	for j := 0; j < p; j++ {
		sj := enc.Terms[j].Scale
		for k := j; k < p; k++ {
			v := m.s2[k*p+j] - c[j]*m.s1[k] - m.s1[j]*c[k] + m.s0*c[j]*c[k]
			v /= sj * enc.Terms[k].Scale * norm
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
