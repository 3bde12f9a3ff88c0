package linear

import (
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// quadratic is the penalised quadratic
//
//	½·βᵀHβ − cᵀβ + Σ_{j<nPen} (l1·|β_j| + l2/2·β_j²)
//
// over dim coordinates; coordinates nPen..dim-1 (the intercept) are not
// penalised. H is dim×dim, row-major and symmetric positive semidefinite.
// sign, when not nil, constrains coordinate j to β_j ≥ 0 (sign[j] > 0) or
// β_j ≤ 0 (sign[j] < 0); only cdSolve honours it.
type quadratic struct {
	dim    int
	H, c   []float64
	l1, l2 float64
	nPen   int
	sign   []int8
}

// solveSmooth minimises q when l1 = 0 by solving (H + l2·I)β = c with a
// Cholesky factorisation. A singular or badly conditioned system (only
// possible without penalty, e.g. collinear features) falls back to the
// minimum-norm least-squares solution from an SVD.
func solveSmooth(q quadratic, beta []float64) {
	n := q.dim
	if n == 0 {
		return
	}
	A := mat.NewSymDense(n, nil)
	for j := 0; j < n; j++ {
		for k := j; k < n; k++ {
			v := q.H[j*n+k]
			if j == k && j < q.nPen {
				v += q.l2
			}
			A.SetSym(j, k, v)
		}
	}
	b := mat.NewVecDense(n, append([]float64(nil), q.c...))
	x := mat.NewVecDense(n, beta)
	var chol mat.Cholesky
	if chol.Factorize(A) && chol.Cond() < 1e12 {
		if err := chol.SolveVecTo(x, b); err == nil {
			return
		}
	}
	var svd mat.SVD
	if !svd.Factorize(A, mat.SVDThin) {
		clear(beta)
		return
	}
	svd.SolveVecTo(x, b, svd.Rank(1e-12))
}

// soft is the soft-thresholding operator sign(x)·max(|x| − t, 0).
func soft(x, t float64) float64 {
	switch {
	case x > t:
		return x - t
	case x < -t:
		return x + t
	}
	return 0
}

// cdSolve minimises q by cyclic coordinate descent from beta, in place,
// with covariance updates: it keeps Hβ, so one coordinate update costs
// O(dim). It stops after maxIter sweeps or when the largest change of a
// coordinate (in units of its spread) is below tol times the largest
// coordinate; when yy > 0 (q is a least-squares problem with
// ½·||y||² = yy/2 folded out) it also requires, like scikit-learn, the
// duality gap to be below tol·yy (pass yy = 0 with sign constraints or
// without an L1 part, where that gap does not apply). It returns the sweeps run and whether it
// converged. Same inputs, same outputs: the order of updates is fixed.
func cdSolve(q quadratic, beta []float64, maxIter int, tol, yy float64) (int, bool) {
	n := q.dim
	Hb := make([]float64, n)
	for j := 0; j < n; j++ {
		Hb[j] = floats.Dot(q.H[j*n:(j+1)*n], beta)
	}
	for it := 1; it <= maxIter; it++ {
		maxStep, maxCoef := 0.0, 0.0
		for j := 0; j < n; j++ {
			hjj := q.H[j*n+j]
			if !(hjj > 0) {
				continue
			}
			old := beta[j]
			rho := q.c[j] - Hb[j] + hjj*old
			var nw float64
			if j < q.nPen {
				nw = soft(rho, q.l1) / (hjj + q.l2)
			} else {
				nw = rho / hjj
			}
			// The constrained one-dimensional minimiser is the clamped one.
			if q.sign != nil && float64(q.sign[j])*nw < 0 {
				nw = 0
			}
			if d := nw - old; d != 0 {
				floats.AddScaled(Hb, d, q.H[j*n:(j+1)*n])
				beta[j] = nw
				maxStep = math.Max(maxStep, math.Abs(d)*math.Sqrt(hjj))
			}
			maxCoef = math.Max(maxCoef, math.Abs(nw)*math.Sqrt(hjj))
		}
		if maxCoef == 0 || maxStep <= tol*maxCoef || it == maxIter {
			if yy <= 0 {
				if it < maxIter || maxStep <= tol*maxCoef {
					return it, true
				}
				return it, false
			}
			if dualityGap(q, beta, Hb, yy) <= tol*yy {
				return it, true
			}
		}
	}
	return maxIter, false
}

// dualityGap returns the elastic-net duality gap of a least-squares
// quadratic with every coordinate penalised, in the Gram form of
// scikit-learn's enet_coordinate_descent_gram; Hb is H·beta.
func dualityGap(q quadratic, beta, Hb []float64, yy float64) float64 {
	var bc, bHb, l1norm, l2norm, dual float64
	for j := 0; j < q.dim; j++ {
		bc += beta[j] * q.c[j]
		bHb += beta[j] * Hb[j]
		l1norm += math.Abs(beta[j])
		l2norm += beta[j] * beta[j]
		dual = math.Max(dual, math.Abs(q.c[j]-Hb[j]-q.l2*beta[j]))
	}
	rNorm2 := math.Max(yy-2*bc+bHb, 0)
	cst, gap := 1.0, rNorm2
	if dual > q.l1 {
		cst = q.l1 / dual
		gap = 0.5 * (rNorm2 + rNorm2*cst*cst)
	}
	return gap + q.l1*l1norm - cst*(yy-bc) + 0.5*q.l2*(1+cst*cst)*l2norm
}
