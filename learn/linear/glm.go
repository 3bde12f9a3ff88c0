package linear

import (
	"fmt"
	"math"

	"promocast/learn/design"
	"promocast/model"
)

// family is the loss of a generalised linear model as a function of the
// linear predictor eta: the loss of one row and its first two derivatives.
type family interface {
	eval(y, eta float64) (loss, d1, d2 float64)
	// start returns the intercept of the null model for weighted mean ybar.
	start(ybar float64) float64
}

// logit is the logistic log-loss log(1+e^η) − y·η of y in {0, 1}.
type logit struct{}

func (logit) eval(y, eta float64) (loss, d1, d2 float64) {
	var p float64
	if eta >= 0 {
		z := math.Exp(-eta)
		loss = eta + math.Log1p(z)
		p = 1 / (1 + z)
	} else {
		z := math.Exp(eta)
		loss = math.Log1p(z)
		p = z / (1 + z)
	}
	return loss - y*eta, p - y, p * (1 - p)
}

func (logit) start(ybar float64) float64 { return math.Log(ybar / (1 - ybar)) }

// poisson is half the Poisson deviance less its constant: e^η − y·η.
type poisson struct{}

func (poisson) eval(y, eta float64) (loss, d1, d2 float64) {
	mu := math.Exp(eta)
	return mu - y*eta, mu - y, mu
}

func (poisson) start(ybar float64) float64 { return math.Log(ybar) }

// glmFit minimises (1/Σw)·Σ w·loss + penalty over the standardised
// coefficients and the intercept by proximal Newton steps: each step builds
// the Hessian and gradient in one pass over the data, minimises the
// penalised quadratic model (Cholesky for smooth penalties, coordinate
// descent with L1), and backtracks along the step until the objective
// decreases enough (Armijo rule).
func glmFit(who string, ds *model.Dataset, fam family, s glmSettings, sumW float64) (fitted, error) {
	intercept := !s.noIntercept
	enc, err := design.Fit(ds, intercept)
	if err != nil {
		return fitted{}, fmt.Errorf("%s: %w", who, err)
	}
	p := len(enc.Terms)
	g := &glmState{ds: ds, enc: enc, fam: fam, sumW: sumW, pen: s.pen, p: p,
		idx: make([]int, p), val: make([]float64, p), gamma: make([]float64, p)}
	dim := p
	if intercept {
		dim++
	}
	theta := make([]float64, dim) // standardised coefficients, then the intercept
	if intercept {
		ybar := 0.0
		for i, y := range ds.Y {
			ybar += ds.Weight(i) * y
		}
		theta[p] = fam.start(ybar / sumW)
	}
	// Each pass over the data computes the objective and the curvature at
	// one point; a step the line search accepts at once (the usual case)
	// brings the next Hessian with it.
	signs := enc.Signs()
	if signs != nil && intercept {
		signs = append(signs, 0)
	}
	mom, spare := newMoments(p, enc.NValue()), newMoments(p, enc.NValue())
	obj := g.pass(theta, mom)
	next := make([]float64, dim)
	trial := make([]float64, dim)
	info := FitInfo{}
	for info.Iterations < s.maxIter && !info.Converged {
		info.Iterations++
		H, grad, _ := mom.standardise(enc, intercept, sumW)
		// The quadratic model in the new point θ': ½θ'ᵀHθ' − (Hθ − g)ᵀθ' + pen(θ').
		c := make([]float64, dim)
		for j := 0; j < dim; j++ {
			hj := 0.0
			for k := 0; k < dim; k++ {
				hj += H[j*dim+k] * theta[k]
			}
			c[j] = hj - grad[j]
		}
		q := quadratic{dim: dim, H: H, c: c, l1: s.pen.l1, l2: s.pen.l2, nPen: p, sign: signs}
		if s.pen.l1 == 0 && s.pen.l2 == 0 {
			// Unpenalised: a tiny ridge keeps separable data from a
			// singular system; the line search still guards the step.
			q.l2 = 1e-12
			q.nPen = dim
		}
		copy(next, theta)
		if s.pen.l1 == 0 && signs == nil {
			solveSmooth(q, next)
		} else {
			cdSolve(q, next, 10000, s.tol/10, 0)
		}
		// Predicted decrease: gᵀd + pen(θ') − pen(θ) < 0 for a descent step.
		decrease := g.penalty(next) - g.penalty(theta)
		maxStep, maxCoef := 0.0, 0.0
		for j := range theta {
			d := next[j] - theta[j]
			decrease += grad[j] * d
			maxStep = math.Max(maxStep, math.Abs(d))
			maxCoef = math.Max(maxCoef, math.Abs(theta[j]))
		}
		if maxStep <= s.tol*(1+maxCoef) {
			info.Converged = true
			break
		}
		accepted := false
		for t := 1.0; t > 1e-10; t /= 2 {
			for j := range trial {
				trial[j] = theta[j] + t*(next[j]-theta[j])
			}
			f := g.pass(trial, spare)
			if f <= obj+1e-4*t*decrease {
				mom, spare = spare, mom
				copy(theta, trial)
				obj = f
				accepted = true
				maxStep *= t
				break
			}
		}
		if !accepted {
			// No decrease is possible along the Newton step: θ is optimal
			// to working precision.
			info.Converged = decrease > -1e-12*(1+math.Abs(obj))
			break
		}
		if maxStep <= s.tol*(1+maxCoef) {
			info.Converged = true
		}
	}
	b0 := 0.0
	if intercept {
		b0 = theta[p]
	}
	return unstandardise(enc, theta[:p], b0, info), nil
}

// glmState holds what the Newton passes over the data share.
type glmState struct {
	ds    *model.Dataset
	enc   *design.Encoder
	fam   family
	sumW  float64
	pen   penalty
	p     int
	idx   []int
	val   []float64
	gamma []float64 // θ on the encoded scale u
}

// prepare converts θ to coefficients of the encoded row u and returns the
// matching constant: η = const + Σ gamma_j·u_j.
func (g *glmState) prepare(theta []float64) float64 {
	b := 0.0
	if len(theta) > g.p {
		b = theta[g.p]
	}
	for j := 0; j < g.p; j++ {
		t := g.enc.Terms[j]
		g.gamma[j] = theta[j] / t.Scale
		b -= g.gamma[j] * g.enc.Centre(j)
	}
	return b
}

// eta returns the linear predictor of row i and encodes it into g.idx, g.val.
func (g *glmState) eta(i int, b float64) (float64, int) {
	n := g.enc.Sparse(g.ds.X.Row(i), g.idx, g.val)
	s := b
	for k := 0; k < n; k++ {
		s += g.gamma[g.idx[k]] * g.val[k]
	}
	return s, n
}

// penalty returns l1·||β||₁ + l2/2·||β||² of the penalised coordinates.
func (g *glmState) penalty(theta []float64) float64 {
	s1, s2 := 0.0, 0.0
	for _, v := range theta[:g.p] {
		s1 += math.Abs(v)
		s2 += v * v
	}
	return g.pen.l1*s1 + 0.5*g.pen.l2*s2
}

// pass returns the objective (1/Σw)·Σ w·loss + penalty at θ and
// accumulates the Hessian and gradient sums at θ into mom.
func (g *glmState) pass(theta []float64, mom *moments) float64 {
	b := g.prepare(theta)
	mom.reset()
	sum := 0.0
	for i := 0; i < g.ds.X.Rows; i++ {
		w := g.ds.Weight(i)
		if w == 0 {
			continue
		}
		eta, n := g.eta(i, b)
		loss, d1, d2 := g.fam.eval(g.ds.Y[i], eta)
		sum += w * loss
		mom.add(g.idx, g.val, n, w*d2, w*d1)
	}
	return sum/g.sumW + g.penalty(theta)
}
