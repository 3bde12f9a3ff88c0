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
	return math.Min(math.Max(w, lo), hi)
}

// score returns −2·(the regularised loss change of weight w), which is
// T(G)²/(H+λ) at the optimal weight.
func (p *penalty) score(g, h, w float64) float64 {
	return -(2*g*w + (h+p.l2)*w*w + 2*p.l1*math.Abs(w))
}

// bestNumeric scans the histogram hist of numeric feature f with nb codes
// for the split of leaf lf with the largest gain and records it in best
// when it beats best. mono is the feature's monotone constraint.
func (p *penalty) bestNumeric(hist []float64, nb, f int, mono int8, lf *leafState, best *split) {
	G, H := lf.g, lf.h
	parent := p.score(G, H, lf.w)
	mg, mh := hist[0], hist[1]
	var gl, hl float64
	try := func(b int, gl, hl float64, defaultLeft bool) {
		gr, hr := G-gl, H-hl
		if hl < p.minChildWeight || hr < p.minChildWeight {
			return
		}
		wl := p.weight(gl, hl, lf.lower, lf.upper)
		wr := p.weight(gr, hr, lf.lower, lf.upper)
		if (mono > 0 && wl > wr) || (mono < 0 && wl < wr) {
			return
		}
		gain := p.score(gl, hl, wl) + p.score(gr, hr, wr) - parent
		if gain > best.gain {
			*best = split{gain: gain, feature: f, bin: b, defaultLeft: defaultLeft,
				gl: gl, hl: hl, gr: gr, hr: hr, wl: wl, wr: wr}
		}
	}
	for b := 1; b < nb; b++ {
		gl += hist[2*b]
		hl += hist[2*b+1]
		// Missing values go right unless sending them left is better; a
		// leaf without missing values sends them right, as XGBoost does.
		try(b, gl, hl, false)
		if mh > 0 {
			try(b, gl+mg, hl+mh, true)
		}
	}
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
