package recommend

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// EASE sets EASE^R (Steck, WWW 2019), a linear autoencoder with a closed
// form: with X the binary customers × items matrix and G = XᵀX,
//
//	P = (G + λI)⁻¹,  B[i][j] = −P[i][j] / P[j][j],  B[j][j] = 0,
//
// and a customer's score for item j is Σ over their items i of B[i][j]. The
// solve is dense in the items, so it is restricted to the MaxItems most
// popular items bought by at least MinCustomers customers; other items get
// no EASE^R score. Zero fields mean λ = 300, 2,000 items and 3 customers.
type EASE struct {
	Lambda       float64
	MaxItems     int
	MinCustomers int
}

func (e EASE) withDefaults() EASE {
	if e.Lambda <= 0 {
		e.Lambda = 300
	}
	if e.MaxItems <= 0 {
		e.MaxItems = 2000
	}
	if e.MinCustomers <= 0 {
		e.MinCustomers = 3
	}
	return e
}

// ease is the fitted weight matrix over a subset of the items.
type ease struct {
	items []int32   // the subset's item codes
	pos   []int32   // item code → position in items, −1 when outside
	w     []float32 // len(items)² weights, row i = B[i][·]
}

// fitEASE builds G from each customer's distinct items and solves for B
// with a Cholesky factorisation.
func fitEASE(b *Baskets, userCount, popOrder []int32, s EASE) (*ease, error) {
	s = s.withDefaults()
	e := &ease{pos: make([]int32, b.Catalog.NumItems())}
	for i := range e.pos {
		e.pos[i] = -1
	}
	for _, it := range popOrder {
		if len(e.items) == s.MaxItems || int(userCount[it]) < s.MinCustomers {
			break
		}
		e.pos[it] = int32(len(e.items))
		e.items = append(e.items, it)
	}
	n := len(e.items)
	if n == 0 {
		return e, nil
	}
	g := make([]float64, n*n)
	cStart, cItems := customerItems(b)
	var row []int32
	for c := range len(cStart) - 1 {
		row = row[:0]
		for _, it := range cItems[cStart[c]:cStart[c+1]] {
			if p := e.pos[it]; p >= 0 {
				row = append(row, p)
			}
		}
		for a, i := range row {
			for _, j := range row[a:] {
				g[int(i)*n+int(j)]++
			}
		}
	}
	sym := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			v := g[i*n+j] + g[j*n+i]
			if i == j {
				v = g[i*n+i] + s.Lambda
			}
			sym.SetSym(i, j, v)
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(sym) {
		return nil, fmt.Errorf("ease: the regularised item Gram matrix is not positive definite (lambda %v)", s.Lambda)
	}
	var p mat.SymDense
	if err := ch.InverseTo(&p); err != nil {
		return nil, fmt.Errorf("ease: %w", err)
	}
	e.w = make([]float32, n*n)
	for j := range n {
		d := p.At(j, j)
		for i := range n {
			if i != j {
				e.w[i*n+j] = float32(-p.At(i, j) / d)
			}
		}
	}
	return e, nil
}

// score sets out[k] (len(e.items)) to the customer's score for e.items[k].
func (e *ease) score(p *profile, out []float64) {
	clear(out)
	n := len(e.items)
	for _, it := range p.items {
		i := e.pos[it]
		if i < 0 {
			continue
		}
		row := e.w[int(i)*n : int(i+1)*n]
		for j, w := range row {
			out[j] += float64(w)
		}
	}
}
