package gbdt

import (
	"fmt"
	"runtime"

	"promocast/data"
	"promocast/internal/parallel"
)

// SHAPVersus writes interventional TreeSHAP values with a single reference:
// row i of X (the foreground) is explained against row i of Z (its
// reference), which has the same columns. out has X.Rows*X.Cols elements;
// out[i*X.Cols+j] is feature j's Shapley value in the game whose value of
// a coalition S is the raw (link-space) prediction of the hybrid row that
// takes the features in S from X's row and the others from Z's.
//
// It promises, for every row:
//   - additivity: the values add up to PredictRaw(x) − PredictRaw(z), up to
//     rounding;
//   - dummy: a feature whose value is the same in x and z (two NaNs count
//     as the same) gets exactly 0, and so does any feature that no split
//     separates x and z on;
//   - exactness: the values are the Shapley values of that game, not an
//     approximation, with splits, categories and missing values followed
//     as Predict follows them.
//
// The cost per tree and row is at most the tree's node count, usually a
// few paths. Values do not depend on how many goroutines compute them.
func (m *Model) SHAPVersus(X, Z *data.Matrix, out []float64) error {
	return versusSHAP(m.Trees, 1, len(m.Features), X, Z, out)
}

// SHAPVersus writes interventional TreeSHAP values of each row of X
// against the same row of Z, like Model.SHAPVersus; they add up to the
// difference of the two rows' Predict values (the mean of the trees).
func (f *Forest) SHAPVersus(X, Z *data.Matrix, out []float64) error {
	return versusSHAP(f.Trees, 1/float64(len(f.Trees)), len(f.Features), X, Z, out)
}

// versusSHAP computes the single-reference attributions of an ensemble
// whose raw score is a constant plus scale·Σ tree values.
func versusSHAP(trees []Tree, scale float64, nfeat int, X, Z *data.Matrix, out []float64) error {
	if X == nil || Z == nil {
		return fmt.Errorf("gbdt: shap versus: no feature matrix")
	}
	if err := X.Check(nfeat); err != nil {
		return fmt.Errorf("gbdt: shap versus: %w", err)
	}
	if err := Z.Check(nfeat); err != nil {
		return fmt.Errorf("gbdt: shap versus: reference: %w", err)
	}
	if Z.Rows != X.Rows {
		return fmt.Errorf("gbdt: shap versus: %d rows and %d reference rows: expected one reference per row", X.Rows, Z.Rows)
	}
	if len(out) != X.Rows*X.Cols {
		return fmt.Errorf("gbdt: shap versus: output has %d elements, expected %d rows × %d", len(out), X.Rows, X.Cols)
	}
	clear(out)
	threads := 1
	if X.Rows >= 64 {
		threads = runtime.GOMAXPROCS(0)
	}
	const block = 32
	parallel.For((X.Rows+block-1)/block, threads, func(k int) {
		s := versusState{scale: scale, side: make([]int8, X.Cols)}
		for i := k * block; i < min((k+1)*block, X.Rows); i++ {
			s.x, s.z, s.phi = X.Row(i), Z.Row(i), out[i*X.Cols:(i+1)*X.Cols]
			for ti := range trees {
				s.t = &trees[ti]
				s.walk(0)
			}
		}
	})
	return nil
}

// A feature's side on the current path: sideX once the path has followed
// x's value where x and z part, sideZ once it has followed z's.
const (
	sideFree int8 = iota
	sideX
	sideZ
)

type versusState struct {
	t     *Tree
	x, z  []float64
	phi   []float64
	scale float64
	side  []int8
	// inX and inZ are the features on the path taken from x and from z:
	// the sets A and B of the leaf's game 1[A ⊆ S, S ∩ B = ∅].
	inX, inZ []int32
}

// walk follows node i for every coalition at once: where x and z go the
// same way there is one child to follow; where they part on a feature
// already on the path, the side that feature was taken from; else both,
// the feature joining A on x's side and B on z's.
func (s *versusState) walk(i int) {
	t := s.t
	f := t.Feature[i]
	if f < 0 {
		s.leaf(t.Value[i] * s.scale)
		return
	}
	xc, zc := int(t.Right[i]), int(t.Right[i])
	if t.goesLeft(i, s.x[f]) {
		xc = int(t.Left[i])
	}
	if t.goesLeft(i, s.z[f]) {
		zc = int(t.Left[i])
	}
	switch {
	case xc == zc:
		s.walk(xc)
	case s.side[f] == sideX:
		s.walk(xc)
	case s.side[f] == sideZ:
		s.walk(zc)
	default:
		s.side[f] = sideX
		s.inX = append(s.inX, f)
		s.walk(xc)
		s.inX = s.inX[:len(s.inX)-1]
		s.side[f] = sideZ
		s.inZ = append(s.inZ, f)
		s.walk(zc)
		s.inZ = s.inZ[:len(s.inZ)-1]
		s.side[f] = sideFree
	}
}

// leaf adds the Shapley values of v·1[A ⊆ S, S ∩ B = ∅]: with a = |A| and
// b = |B|, v·(a−1)!·b!/(a+b)! to each feature of A and −v·a!·(b−1)!/(a+b)!
// to each of B. A leaf both rows reach (A and B empty) adds nothing.
func (s *versusState) leaf(v float64) {
	a, b := len(s.inX), len(s.inZ)
	if a+b == 0 || v == 0 {
		return
	}
	if a > 0 {
		w := v / (float64(a) * binomial(a+b, a))
		for _, f := range s.inX {
			s.phi[f] += w
		}
	}
	if b > 0 {
		w := v / (float64(b) * binomial(a+b, b))
		for _, f := range s.inZ {
			s.phi[f] -= w
		}
	}
}

// binomial returns n choose k.
func binomial(n, k int) float64 {
	k = min(k, n-k)
	c := 1.0
	for i := 1; i <= k; i++ {
		c = c * float64(n-k+i) / float64(i)
	}
	return c
}
