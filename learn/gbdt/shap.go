package gbdt

import (
	"fmt"
	"runtime"

	"promocast/data"
	"promocast/internal/parallel"
)

// SHAP writes exact path-dependent TreeSHAP contributions (Lundberg et al.
// 2018, Algorithm 2) in raw (link) space into out, which has
// X.Rows*(X.Cols+1) elements: row i's contribution of feature j is
// out[i*(X.Cols+1)+j] and out[i*(X.Cols+1)+X.Cols] is the expected value
// (the bias). Each row's values sum to its PredictRaw score.
//
// Missing values follow their node's default direction, like prediction.
func (m *Model) SHAP(X *data.Matrix, out []float64) error {
	return treeSHAP(m.Trees, m.BaseScore, 1, len(m.Features), m.depth, X, out)
}

// treeSHAP computes the contributions of an ensemble whose raw score is
// base + scale·Σ tree values.
func treeSHAP(trees []Tree, base, scale float64, nfeat, depth int, X *data.Matrix, out []float64) error {
	if X == nil {
		return fmt.Errorf("gbdt: shap: no feature matrix")
	}
	if err := X.Check(nfeat); err != nil {
		return fmt.Errorf("gbdt: shap: %w", err)
	}
	w := X.Cols + 1
	if len(out) != X.Rows*w {
		return fmt.Errorf("gbdt: shap: output has %d elements, expected %d rows × %d", len(out), X.Rows, w)
	}
	clear(out)
	bias := base
	for i := range trees {
		bias += scale * trees[i].expectedValue()
	}
	threads := 1
	if X.Rows >= 64 {
		threads = runtime.GOMAXPROCS(0)
	}
	const block = 32
	parallel.For((X.Rows+block-1)/block, threads, func(k int) {
		// Lundberg's algorithm keeps one path per recursion level.
		path := make([]pathElem, (depth+2)*(depth+3)/2)
		for i := k * block; i < min((k+1)*block, X.Rows); i++ {
			row := X.Row(i)
			phi := out[i*w : (i+1)*w]
			for ti := range trees {
				t := &trees[ti]
				if t.Feature[0] < 0 || t.Cover[0] <= 0 {
					continue
				}
				s := shapState{t: t, row: row, phi: phi, scale: scale}
				s.recurse(0, 0, path, 1, 1, -1)
			}
			phi[X.Cols] = bias
		}
	})
	return nil
}

// expectedValue returns the cover-weighted mean of t's leaf values.
func (t *Tree) expectedValue() float64 {
	var walk func(i int) float64
	walk = func(i int) float64 {
		if t.Feature[i] < 0 {
			return t.Value[i]
		}
		l, r := int(t.Left[i]), int(t.Right[i])
		c := t.Cover[l] + t.Cover[r]
		if c <= 0 {
			return (walk(l) + walk(r)) / 2
		}
		return (t.Cover[l]*walk(l) + t.Cover[r]*walk(r)) / c
	}
	return walk(0)
}

type pathElem struct {
	feature           int
	zeroFrac, oneFrac float64
	pweight           float64
}

type shapState struct {
	t     *Tree
	row   []float64
	phi   []float64
	scale float64
}

// recurse is TreeShap of Lundberg's Algorithm 2 for node i; parent holds
// the unique path of depth d above it, and the new path is written just
// after it.
func (s *shapState) recurse(i, d int, parent []pathElem, zeroFrac, oneFrac float64, feature int) {
	path := parent[d+1:]
	copy(path, parent[:d+1])
	extendPath(path, d, zeroFrac, oneFrac, feature)
	t := s.t
	if t.Feature[i] < 0 {
		v := t.Value[i] * s.scale
		for k := 1; k <= d; k++ {
			w := unwoundPathSum(path, d, k)
			e := &path[k]
			s.phi[e.feature] += w * (e.oneFrac - e.zeroFrac) * v
		}
		return
	}
	f := int(t.Feature[i])
	hot, cold := int(t.Left[i]), int(t.Right[i])
	if !t.goesLeft(i, s.row[f]) {
		hot, cold = cold, hot
	}
	cover := t.Cover[hot] + t.Cover[cold]
	hotZero, coldZero := 0.5, 0.5
	if cover > 0 {
		hotZero, coldZero = t.Cover[hot]/cover, t.Cover[cold]/cover
	}
	inZero, inOne := 1.0, 1.0
	k := 0
	for ; k <= d; k++ {
		if path[k].feature == f {
			break
		}
	}
	if k <= d {
		inZero, inOne = path[k].zeroFrac, path[k].oneFrac
		unwindPath(path, d, k)
		d--
	}
	s.recurse(hot, d+1, path, hotZero*inZero, inOne, f)
	s.recurse(cold, d+1, path, coldZero*inZero, 0, f)
}

func extendPath(p []pathElem, d int, zeroFrac, oneFrac float64, feature int) {
	p[d] = pathElem{feature: feature, zeroFrac: zeroFrac, oneFrac: oneFrac}
	if d == 0 {
		p[d].pweight = 1
	}
	for i := d - 1; i >= 0; i-- {
		p[i+1].pweight += oneFrac * p[i].pweight * float64(i+1) / float64(d+1)
		p[i].pweight = zeroFrac * p[i].pweight * float64(d-i) / float64(d+1)
	}
}

func unwindPath(p []pathElem, d, k int) {
	one, zero := p[k].oneFrac, p[k].zeroFrac
	next := p[d].pweight
	for i := d - 1; i >= 0; i-- {
		if one != 0 {
			tmp := p[i].pweight
			p[i].pweight = next * float64(d+1) / (float64(i+1) * one)
			next = tmp - p[i].pweight*zero*float64(d-i)/float64(d+1)
		} else {
			p[i].pweight = p[i].pweight * float64(d+1) / (zero * float64(d-i))
		}
	}
	for i := k; i < d; i++ {
		p[i].feature, p[i].zeroFrac, p[i].oneFrac = p[i+1].feature, p[i+1].zeroFrac, p[i+1].oneFrac
	}
}

func unwoundPathSum(p []pathElem, d, k int) float64 {
	one, zero := p[k].oneFrac, p[k].zeroFrac
	next := p[d].pweight
	var total float64
	for i := d - 1; i >= 0; i-- {
		if one != 0 {
			tmp := next * float64(d+1) / (float64(i+1) * one)
			total += tmp
			next = p[i].pweight - tmp*zero*float64(d-i)/float64(d+1)
		} else {
			total += p[i].pweight / zero / (float64(d-i) / float64(d+1))
		}
	}
	return total
}
