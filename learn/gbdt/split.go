package gbdt

import (
	"math"
	"slices"
)

// histStride is the histogram length per feature: 256 codes, each a
// (gradient sum, hessian sum) pair. A histogram is a flat []float64 of
// cols*histStride values; feature f starts at f*histStride.
const histStride = 512

// minGain is the least loss reduction worth a split; smaller gains are
// rounding noise.
const minGain = 1e-6

// split is the best split found for a leaf.
type split struct {
	gain    float64
	feature int // -1: no split
	// bin: numeric codes 1..bin go left; the missing code follows
	// defaultLeft.
	bin         int
	defaultLeft bool
	cat         bool
	// catLeft holds the codes of a categorical split that go left; code 0
	// (missing) among them.
	catLeft        [4]uint64
	gl, hl, gr, hr float64
	// wl and wr are the children's weights before shrinkage, within the
	// leaf's monotone bounds.
	wl, wr float64
}

// goesLeft reports whether code c goes left under s.
func (s *split) goesLeft(c uint8) bool {
	if s.cat {
		return s.catLeft[c>>6]>>(c&63)&1 != 0
	}
	if c == 0 {
		return s.defaultLeft
	}
	return int(c) <= s.bin
}

// penalty holds the regularisation of leaf weights.
type penalty struct {
	l1, l2         float64
	minChildWeight float64
}

// weight returns the optimal leaf weight −T(G)/(H+λ) clipped to [lo, hi],
// where T soft-thresholds G by the L1 penalty.
func (p *penalty) weight(g, h, lo, hi float64) float64 {
	switch {
	case g > p.l1:
		g -= p.l1
	case g < -p.l1:
		g += p.l1
	default:
		g = 0
	}
	w := -g / (h + p.l2)
	if w < lo {
		return lo
	}
	if w > hi {
		return hi
	}
	return w
}

// score returns −2·(the regularised loss change of weight w), which is
// T(G)²/(H+λ) at the optimal weight.
func (p *penalty) score(g, h, w float64) float64 {
	return -(2*g*w + (h+p.l2)*w*w + 2*p.l1*math.Abs(w))
}

// bestNumeric scans the histogram hist of numeric feature f with nb codes
// for the split of leaf lf with the largest gain and records it in best
// when it beats best. mono is the feature's monotone constraint.
//
// Missing values go right unless sending them left is better; a leaf
// without missing values sends them right, as XGBoost does. A bin without
// rows gives the same partition as the bin before it and is skipped.
func (p *penalty) bestNumeric(hist []float64, nb, f int, mono int8, lf *leafState, best *split) {
	if mono != 0 || p.l1 != 0 || !math.IsInf(lf.lower, -1) || !math.IsInf(lf.upper, 1) {
		p.bestNumericBounded(hist, nb, f, mono, lf, best)
		return
	}
	// Unconstrained and without L1, the gain is
	// GL²/(HL+λ) + GR²/(HR+λ) − G²/(H+λ).
	G, H, l2, mcw := lf.g, lf.h, p.l2, p.minChildWeight
	parent := G * G / (H + l2)
	mg, mh := hist[0], hist[1]
	bestGain, bestBin, bestLeft := best.gain, -1, false
	var gl, hl float64
	hist = hist[:2*nb]
	for b := 1; b < nb; b++ {
		hg, hh := hist[2*b], hist[2*b+1]
		if hh == 0 && hg == 0 {
			continue
		}
		gl += hg
		hl += hh
		if hr := H - hl; hl >= mcw && hr >= mcw {
			gr := G - gl
			if gain := gl*gl/(hl+l2) + gr*gr/(hr+l2) - parent; gain > bestGain {
				bestGain, bestBin, bestLeft = gain, b, false
			}
		}
		if mh > 0 {
			gl2, hl2 := gl+mg, hl+mh
			if hr := H - hl2; hl2 >= mcw && hr >= mcw {
				gr := G - gl2
				if gain := gl2*gl2/(hl2+l2) + gr*gr/(hr+l2) - parent; gain > bestGain {
					bestGain, bestBin, bestLeft = gain, b, true
				}
			}
		}
	}
	if bestBin < 0 {
		return
	}
	gl, hl = 0, 0
	for b := 1; b <= bestBin; b++ {
		gl += hist[2*b]
		hl += hist[2*b+1]
	}
	if bestLeft {
		gl += mg
		hl += mh
	}
	*best = p.makeSplit(bestGain, f, bestBin, bestLeft, gl, hl, lf)
}

// makeSplit fills in a numeric split's sums and weights.
func (p *penalty) makeSplit(gain float64, f, bin int, defaultLeft bool, gl, hl float64, lf *leafState) split {
	gr, hr := lf.g-gl, lf.h-hl
	return split{gain: gain, feature: f, bin: bin, defaultLeft: defaultLeft,
		gl: gl, hl: hl, gr: gr, hr: hr,
		wl: p.weight(gl, hl, lf.lower, lf.upper), wr: p.weight(gr, hr, lf.lower, lf.upper)}
}

// bestNumericBounded is bestNumeric for leaves under monotone bounds, for
// monotone features and with an L1 penalty: the gain comes from the
// clipped weights.
func (p *penalty) bestNumericBounded(hist []float64, nb, f int, mono int8, lf *leafState, best *split) {
	G, H := lf.g, lf.h
	parent := p.score(G, H, lf.w)
	mg, mh := hist[0], hist[1]
	bestGain, bestBin, bestLeft := best.gain, -1, false
	var gl, hl float64
	for b := 1; b < nb; b++ {
		hg, hh := hist[2*b], hist[2*b+1]
		if hh == 0 && hg == 0 {
			continue
		}
		gl += hg
		hl += hh
		for k := 0; k < 2; k++ {
			gl2, hl2 := gl, hl
			if k == 1 {
				if mh == 0 {
					break
				}
				gl2, hl2 = gl+mg, hl+mh
			}
			gr, hr := G-gl2, H-hl2
			if hl2 < p.minChildWeight || hr < p.minChildWeight {
				continue
			}
			wl := p.weight(gl2, hl2, lf.lower, lf.upper)
			wr := p.weight(gr, hr, lf.lower, lf.upper)
			if (mono > 0 && wl > wr) || (mono < 0 && wl < wr) {
				continue
			}
			if gain := p.score(gl2, hl2, wl) + p.score(gr, hr, wr) - parent; gain > bestGain {
				bestGain, bestBin, bestLeft = gain, b, k == 1
			}
		}
	}
	if bestBin < 0 {
		return
	}
	gl, hl = 0, 0
	for b := 1; b <= bestBin; b++ {
		gl += hist[2*b]
		hl += hist[2*b+1]
	}
	if bestLeft {
		gl += mg
		hl += mh
	}
	*best = p.makeSplit(bestGain, f, bestBin, bestLeft, gl, hl, lf)
}

// bestCategorical sorts the categories present in the leaf (the missing
// code among them) by gradient/hessian ratio and tries every prefix of that
// order as the left set, as LightGBM does.
func (p *penalty) bestCategorical(hist []float64, nb, f int, lf *leafState, best *split) {
	var buf [256]uint8
	present := buf[:0]
	for c := 0; c < nb; c++ {
		if hist[2*c+1] > 0 {
			present = append(present, uint8(c))
		}
	}
	if len(present) < 2 {
		return
	}
	ratio := func(c uint8) float64 { return hist[2*int(c)] / (hist[2*int(c)+1] + p.l2) }
	slices.SortFunc(present, func(a, b uint8) int {
		if c := compareFloat(ratio(a), ratio(b)); c != 0 {
			return c
		}
		return int(a) - int(b)
	})
	G, H := lf.g, lf.h
	parent := p.score(G, H, lf.w)
	var gl, hl float64
	bestK := -1
	var bs split
	bs.gain = best.gain
	for k := 0; k+1 < len(present); k++ {
		c := int(present[k])
		gl += hist[2*c]
		hl += hist[2*c+1]
		gr, hr := G-gl, H-hl
		if hl < p.minChildWeight || hr < p.minChildWeight {
			continue
		}
		wl := p.weight(gl, hl, lf.lower, lf.upper)
		wr := p.weight(gr, hr, lf.lower, lf.upper)
		gain := p.score(gl, hl, wl) + p.score(gr, hr, wr) - parent
		if gain > bs.gain {
			bs = split{gain: gain, feature: f, cat: true, gl: gl, hl: hl, gr: gr, hr: hr, wl: wl, wr: wr}
			bestK = k
		}
	}
	if bestK < 0 {
		return
	}
	for _, c := range present[:bestK+1] {
		bs.catLeft[c>>6] |= 1 << (c & 63)
	}
	bs.defaultLeft = bs.catLeft[0]&1 != 0
	*best = bs
}
