package svm

import "math"

// problem is a training set in design space: n rows of d standardised
// values (the last one the constant bias value when the model has an
// intercept), targets and per-row costs C·w_i.
type problem struct {
	n, d int
	x    []float64 // n×d, row-major
	y    []float64 // ±1 for classification, the target for regression
	c    []float64 // per-row cost C·s_i, > 0
	s    []float64 // per-row sample weight s_i, > 0
}

func (p *problem) row(i int) []float64 { return p.x[i*p.d : (i+1)*p.d : (i+1)*p.d] }

func dot(a, b []float64) float64 {
	s := 0.0
	for j, v := range a {
		s += v * b[j]
	}
	return s
}

// axpy adds a·x to y.
func axpy(a float64, x, y []float64) {
	for j, v := range x {
		y[j] += a * v
	}
}

// permuter draws the order rows are visited in: a Fisher–Yates shuffle
// driven by a seeded 64-bit generator, so that fits are reproducible.
type permuter struct{ state, inc uint64 }

func newPermuter(seed uint64) *permuter {
	return &permuter{state: seed ^ 0x853c49e6748fea9b, inc: 0xda3e39cb94b95bdb | 1}
}

// next steps a 64-bit linear congruential generator and mixes its state
// with MurmurHash3's finaliser. The algorithm is fixed here, so the order
// does not depend on the Go version.
func (p *permuter) next() uint64 {
	p.state = p.state*6364136223846793005 + p.inc
	x := p.state
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	return x
}

// shuffle permutes idx[:n] in place (Fisher–Yates).
func (p *permuter) shuffle(idx []int) {
	for i := len(idx) - 1; i > 0; i-- {
		j := int(p.next() % uint64(i+1))
		idx[i], idx[j] = idx[j], idx[i]
	}
}

// solveSVC minimises the dual of the L2-regularised hinge (squared false)
// or squared hinge (squared true) loss SVM by coordinate descent with
// shrinking, as LIBLINEAR's solve_l2r_l1l2_svc (Hsieh et al. 2008, Alg. 3):
//
//	min_α ½ αᵀQ̄α − Σα_i,  0 ≤ α_i ≤ U_i,  Q̄ = Q + D,  Q_ij = y_i y_j x_i·x_j
//
// with U_i = C_i, D_ii = 0 for the hinge loss and U_i = ∞, D_ii = 1/(2C_i)
// for the squared hinge. It stops when the spread of the projected
// gradient, max − min, falls to tol over all rows. It returns w = Σ α_i y_i
// x_i, the sweeps run and whether tol was met.
func solveSVC(p *problem, squared bool, maxIter int, tol float64, perm *permuter) ([]float64, int, bool) {
	n := p.n
	w := make([]float64, p.d)
	alpha := make([]float64, n)
	diag := make([]float64, n)
	upper := make([]float64, n)
	qd := make([]float64, n)
	index := make([]int, n)
	for i := 0; i < n; i++ {
		if squared {
			diag[i], upper[i] = 0.5/p.c[i], math.Inf(1)
		} else {
			upper[i] = p.c[i]
		}
		x := p.row(i)
		qd[i] = diag[i] + dot(x, x)
		index[i] = i
	}
	pgMaxOld, pgMinOld := math.Inf(1), math.Inf(-1)
	active := n
	iter := 0
	for iter < maxIter {
		pgMaxNew, pgMinNew := math.Inf(-1), math.Inf(1)
		perm.shuffle(index[:active])
		for s := 0; s < active; s++ {
			i := index[s]
			yi := p.y[i]
			x := p.row(i)
			g := yi*dot(w, x) - 1 + diag[i]*alpha[i]
			pg := 0.0
			switch {
			case alpha[i] == 0:
				if g > pgMaxOld {
					active--
					index[s], index[active] = index[active], index[s]
					s--
					continue
				}
				if g < 0 {
					pg = g
				}
			case alpha[i] == upper[i]:
				if g < pgMinOld {
					active--
					index[s], index[active] = index[active], index[s]
					s--
					continue
				}
				if g > 0 {
					pg = g
				}
			default:
				pg = g
			}
			pgMaxNew = math.Max(pgMaxNew, pg)
			pgMinNew = math.Min(pgMinNew, pg)
			if math.Abs(pg) > 1e-12 && qd[i] > 0 {
				old := alpha[i]
				alpha[i] = math.Min(math.Max(alpha[i]-g/qd[i], 0), upper[i])
				axpy((alpha[i]-old)*yi, x, w)
			}
		}
		iter++
		if pgMaxNew-pgMinNew <= tol {
			if active == n {
				return w, iter, true
			}
			active = n
			pgMaxOld, pgMinOld = math.Inf(1), math.Inf(-1)
			continue
		}
		pgMaxOld, pgMinOld = pgMaxNew, pgMinNew
		if pgMaxOld <= 0 {
			pgMaxOld = math.Inf(1)
		}
		if pgMinOld >= 0 {
			pgMinOld = math.Inf(-1)
		}
	}
	return w, iter, false
}

// solveSVR minimises the dual of the L2-regularised ε-insensitive (squared
// false) or squared ε-insensitive (squared true) loss regression by
// coordinate descent with shrinking, as LIBLINEAR's solve_l2r_l1l2_svr
// (Ho and Lin 2012):
//
//	min_β ½ βᵀQβ + Σ(λ_i/2)β_i² − Σ y_i β_i + ε Σ|β_i|,  −U_i ≤ β_i ≤ U_i
//
// with Q_ij = x_i·x_j, λ_i = 0, U_i = C_i for the ε-insensitive loss and
// λ_i = 1/(2C_i), U_i = ∞ for the squared one. It stops when the summed
// violation of the optimality conditions falls to tol times that of the
// first sweep. It returns w = Σ β_i x_i, the sweeps run and whether tol was
// met.
func solveSVR(p *problem, eps float64, squared bool, maxIter int, tol float64, perm *permuter) ([]float64, int, bool) {
	n := p.n
	w := make([]float64, p.d)
	beta := make([]float64, n)
	lambda := make([]float64, n)
	upper := make([]float64, n)
	qd := make([]float64, n)
	index := make([]int, n)
	for i := 0; i < n; i++ {
		if squared {
			lambda[i], upper[i] = 0.5/p.c[i], math.Inf(1)
		} else {
			upper[i] = p.c[i]
		}
		x := p.row(i)
		qd[i] = dot(x, x)
		index[i] = i
	}
	gMaxOld := math.Inf(1)
	gNormInit := 0.0
	active := n
	iter := 0
	for iter < maxIter {
		gMaxNew, gNorm := 0.0, 0.0
		perm.shuffle(index[:active])
		for s := 0; s < active; s++ {
			i := index[s]
			x := p.row(i)
			g := -p.y[i] + lambda[i]*beta[i] + dot(w, x)
			h := qd[i] + lambda[i]
			gp, gn := g+eps, g-eps
			violation := 0.0
			shrink := false
			switch b := beta[i]; {
			case b == 0:
				if gp < 0 {
					violation = -gp
				} else if gn > 0 {
					violation = gn
				} else if gp > gMaxOld && gn < -gMaxOld {
					shrink = true
				}
			case b >= upper[i]:
				if gp > 0 {
					violation = gp
				} else if gp < -gMaxOld {
					shrink = true
				}
			case b <= -upper[i]:
				if gn < 0 {
					violation = -gn
				} else if gn > gMaxOld {
					shrink = true
				}
			case b > 0:
				violation = math.Abs(gp)
			default:
				violation = math.Abs(gn)
			}
			if shrink {
				active--
				index[s], index[active] = index[active], index[s]
				s--
				continue
			}
			gMaxNew = math.Max(gMaxNew, violation)
			gNorm += violation
			if h <= 0 {
				continue
			}
			var d float64
			switch {
			case gp < h*beta[i]:
				d = -gp / h
			case gn > h*beta[i]:
				d = -gn / h
			default:
				d = -beta[i]
			}
			if math.Abs(d) < 1e-12 {
				continue
			}
			old := beta[i]
			beta[i] = math.Min(math.Max(beta[i]+d, -upper[i]), upper[i])
			if d = beta[i] - old; d != 0 {
				axpy(d, x, w)
			}
		}
		if iter == 0 {
			gNormInit = gNorm
		}
		iter++
		if gNorm <= tol*gNormInit {
			if active == n {
				return w, iter, true
			}
			active = n
			gMaxOld = math.Inf(1)
			continue
		}
		gMaxOld = gMaxNew
	}
	return w, iter, false
}
