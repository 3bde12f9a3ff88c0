package svm

import "math"

// Platt maps a decision value d to the probability of class 1,
// 1/(1 + exp(A·d + B)) (Platt 1999).
type Platt struct {
	A float64 `json:"a"`
	B float64 `json:"b"`
}

// Prob returns the probability of class 1 for decision value d.
func (p Platt) Prob(d float64) float64 {
	z := p.A*d + p.B
	if z >= 0 {
		e := math.Exp(-z)
		return e / (1 + e)
	}
	return 1 / (1 + math.Exp(z))
}

// plattLoss returns the weighted cross-entropy of the smoothed targets t
// at z = A·d + B, computed without overflow.
func plattLoss(t, z float64) float64 {
	if z >= 0 {
		return t*z + math.Log1p(math.Exp(-z))
	}
	return (t-1)*z + math.Log1p(math.Exp(z))
}

// fitPlatt fits A and B by minimising the weighted cross-entropy between
// the sigmoid and Platt's smoothed targets — (N₊+1)/(N₊+2) for class 1 and
// 1/(N₋+2) for class 0, N the classes' summed weights — as scikit-learn's
// sigmoid calibration does, by Newton's method with a backtracking line
// search (Lin, Lin and Weng 2007). The problem is convex; the iteration
// stops when the gradient is below 1e-12 of the summed weight or after 100
// steps.
func fitPlatt(dec []float64, pos []bool, w []float64) Platt {
	prior1, prior0 := 0.0, 0.0
	for i, p := range pos {
		if p {
			prior1 += w[i]
		} else {
			prior0 += w[i]
		}
	}
	hi, lo := (prior1+1)/(prior1+2), 1/(prior0+2)
	target := func(i int) float64 {
		if pos[i] {
			return hi
		}
		return lo
	}
	loss := func(a, b float64) float64 {
		s := 0.0
		for i, d := range dec {
			s += w[i] * plattLoss(target(i), a*d+b)
		}
		return s
	}
	a, b := 0.0, math.Log((prior0+1)/(prior1+1))
	f := loss(a, b)
	for iter := 0; iter < 100; iter++ {
		var gA, gB, hAA, hAB, hBB float64
		for i, d := range dec {
			p := Platt{a, b}.Prob(d)
			g := w[i] * (target(i) - p)
			h := w[i] * p * (1 - p)
			gA += g * d
			gB += g
			hAA += h * d * d
			hAB += h * d
			hBB += h
		}
		if math.Abs(gA) < 1e-12*(prior0+prior1) && math.Abs(gB) < 1e-12*(prior0+prior1) {
			break
		}
		hAA += 1e-12
		hBB += 1e-12
		det := hAA*hBB - hAB*hAB
		dA := -(hBB*gA - hAB*gB) / det
		dB := -(-hAB*gA + hAA*gB) / det
		slope := gA*dA + gB*dB
		step := 1.0
		for ; step >= 1e-10; step /= 2 {
			na, nb := a+step*dA, b+step*dB
			if nf := loss(na, nb); nf <= f+1e-4*step*slope {
				a, b, f = na, nb, nf
				break
			}
		}
		if step < 1e-10 {
			break
		}
	}
	return Platt{A: a, B: b}
}
