package gbdt

import (
	"math"

	"promocast/internal/parallel"
)

// Quantised gradients (LightGBM 4's quantised training). Each round every
// row's gradient and hessian are scaled to integers with stochastic
// rounding and packed into one int64, the gradient in the high 32 bits and
// the hessian, which is never negative, in the low 32: adding packed values
// adds both halves at once and, as long as no sum leaves its half, exactly.
// A histogram is then one int64 per code instead of two float64s, built
// with one add per cell, and the larger child's histogram is its parent's
// minus the smaller one without rounding. Split gains come from the
// dequantised sums; leaf values and covers are recomputed from the exact
// gradients of each leaf's rows once the tree is grown.

// qStride is the quantised histogram length per feature: one packed
// (gradient, hessian) sum per code.
const qStride = 256

// maxQuantLevels bounds the integer range of a gradient: a few million
// levels are finer than the float64 sums of small data need.
const maxQuantLevels = 1 << 22

// quantizer turns one round's gradients into packed integers.
type quantizer struct {
	seed uint64
	// packed[r] is row r's quantised gradient<<32 + quantised hessian.
	packed []int64
	// gStep and hStep are the gradient and hessian one integer unit stands
	// for.
	gStep, hStep float64
	// bMax is the scratch of per-block maxima.
	bMax [][2]float64
}

func newQuantizer(n int, seed uint64) *quantizer {
	return &quantizer{seed: seed, packed: make([]int64, n)}
}

// quantBlock is the number of rows one goroutine quantises at a time.
const quantBlock = 1 << 14

// quantize packs the gradients g and hessians h of round round for trees
// whose rows number at most nRows, drawing each row's rounding from a hash
// of (seed, round, row), so the result does not depend on threads.
func (q *quantizer) quantize(g, h []float64, nRows, round, threads int) {
	n := len(g)
	nb := (n + quantBlock - 1) / quantBlock
	if cap(q.bMax) < nb {
		q.bMax = make([][2]float64, nb)
	}
	bm := q.bMax[:nb]
	parallel.For(nb, threads, func(k int) {
		var mg, mh float64
		for i := k * quantBlock; i < min((k+1)*quantBlock, n); i++ {
			if a := math.Abs(g[i]); a > mg {
				mg = a
			}
			if h[i] > mh {
				mh = h[i]
			}
		}
		bm[k] = [2]float64{mg, mh}
	})
	var gMax, hMax float64
	for _, m := range bm {
		gMax, hMax = math.Max(gMax, m[0]), math.Max(hMax, m[1])
	}
	// A sum of nRows gradients must stay within an int32, and of hessians
	// within a uint32.
	nRows = max(nRows, 1)
	gScale, gStep := powerScale(gMax, min(math.MaxInt32/nRows, maxQuantLevels))
	hScale, hStep := powerScale(hMax, min(math.MaxUint32/nRows, maxQuantLevels))
	q.gStep, q.hStep = gStep, hStep
	key := mix64(q.seed ^ mix64(uint64(round)+0x632be59bd9b4e019))
	parallel.For(nb, threads, func(k int) {
		for i := k * quantBlock; i < min((k+1)*quantBlock, n); i++ {
			u := mix64(key + uint64(i))
			ug := float64(u>>40) / (1 << 24)
			uh := float64(u&(1<<24-1)) / (1 << 24)
			qg := int64(math.Floor(g[i]*gScale + ug))
			qh := int64(math.Floor(h[i]*hScale + uh))
			q.packed[i] = qg<<32 + qh
		}
	})
}

// powerScale returns the largest power of two s with max·s ≤ levels and
// its inverse, or zeros when max is 0. Powers of two keep scaling exact:
// rows whose hessians are all 1, say, quantise and sum without error,
// so a leaf of k rows weighs exactly k.
func powerScale(max float64, levels int) (scale, step float64) {
	if max == 0 {
		return 0, 0
	}
	_, exp := math.Frexp(float64(levels) / max)
	return math.Ldexp(1, exp-1), math.Ldexp(1, 1-exp)
}

// mix64 is SplitMix64's finaliser: a bijective hash of x.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// unpack returns the gradient and hessian sums a packed sum stands for.
func (q *quantizer) unpack(v int64) (float64, float64) {
	return float64(v>>32) * q.gStep, float64(uint32(v)) * q.hStep
}

// dequantize writes the (gradient, hessian) pairs of the nb codes of a
// packed histogram to hist.
func (q *quantizer) dequantize(hist []float64, packed []int64, nb int) {
	packed, hist = packed[:nb], hist[:2*nb]
	for c, v := range packed {
		hist[2*c], hist[2*c+1] = q.unpack(v)
	}
}

// buildQHist is buildHist for packed gradients: hist, starting at feature
// f0, holds one packed sum per code.
func buildQHist(hist []int64, codes []uint8, stride, f0, f1 int, rows []uint32, oq []int64) {
	const block = 256
	for b0 := 0; b0 < len(rows); b0 += block {
		rb := rows[b0:min(b0+block, len(rows))]
		qb := oq[b0 : b0+len(rb)]
		f := f0
		for ; f+4 <= f1; f += 4 {
			qhist4((*[4 * qStride]int64)(hist[(f-f0)*qStride:]), codes[f:], stride, rb, qb)
		}
		for ; f < f1; f++ {
			hf := (*[qStride]int64)(hist[(f-f0)*qStride:])
			for k, r := range rb {
				hf[codes[f+int(r)*stride]] += qb[k]
			}
		}
	}
}

// qhist4 adds rows to the packed histograms of four consecutive features,
// the first of which is codes[r*stride].
func qhist4(hist *[4 * qStride]int64, codes []uint8, stride int, rows []uint32, oq []int64) {
	oq = oq[:len(rows)]
	for k, r := range rows {
		i := int(r) * stride
		c := codes[i : i+4 : i+4]
		v := oq[k]
		hist[c[0]] += v
		hist[qStride+int(c[1])] += v
		hist[2*qStride+int(c[2])] += v
		hist[3*qStride+int(c[3])] += v
	}
}

// exactLeaves replaces the value and cover of every node of t, grown from
// quantised gradients, with those of the exact gradients g and hessians h
// of the node's rows: leaves sum their rows, internal nodes their
// children, and each value is the penalised weight within the node's
// monotone bounds.
func (gr *grower) exactLeaves(t *Tree, g, h []float64) {
	n := t.Len()
	G, H := gr.nodeG[:0], gr.nodeH[:0]
	for range n {
		G, H = append(G, 0), append(H, 0)
	}
	gr.nodeG, gr.nodeH = G, H
	parallel.For(len(gr.leaves), gr.cfg.threads, func(k int) {
		lf := &gr.leaves[k]
		var sg, sh float64
		for _, r := range gr.rows[lf.begin:lf.end] {
			sg += g[r]
			sh += h[r]
		}
		G[lf.node], H[lf.node] = sg, sh
	})
	for i := n - 1; i >= 0; i-- {
		if l := t.Left[i]; l >= 0 {
			G[i], H[i] = G[l]+G[t.Right[i]], H[l]+H[t.Right[i]]
		}
		b := gr.bounds[i]
		t.Value[i] = gr.cfg.weight(G[i], H[i], b[0], b[1])
		t.Cover[i] = H[i]
	}
}
