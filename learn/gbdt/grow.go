package gbdt

import (
	"math"
	"math/rand/v2"
	"promocast/internal/parallel"
)

// leafState is a leaf of the tree being grown.
type leafState struct {
	node       int32
	begin, end int // the leaf's rows are grower.rows[begin:end]
	// buf says where the leaf's codes are: -1 in the bin matrix, rows
	// grower.rows[begin:end]; 0 or 1 in rows begin..end-1 of that
	// node-ordered copy (grower.work).
	buf   int8
	depth int
	g, h  float64 // gradient and hessian sums
	w     float64 // weight before shrinkage
	// lower and upper bound the weights of the leaf and its descendants
	// (monotone constraints).
	lower, upper float64
	hist         []float64 // nil once the leaf cannot split
	qhist        []int64   // hist of quantised gradients
	best         split
}

// growConfig is what a grower needs to know about the trees to grow.
type growConfig struct {
	penalty
	maxDepth, maxLeaves int // negative: unlimited
	minSplitGain        float64
	threads             int
	monotone            []int8
	// nodeFeatures is how many features each node may choose from, drawn
	// afresh per node; 0 means all the tree's features.
	nodeFeatures int
}

// grower turns gradients into trees. It owns every buffer the growth
// needs, so that growing a tree allocates only the tree itself and, on
// first use, the histograms.
type grower struct {
	cfg  growConfig
	b    *binned
	rows []uint32 // the tree's rows, each leaf owning a segment
	// out are the rows the tree's sample left out, in order.
	out []uint32
	tmp []uint32 // partition scratch
	// work holds two copies of the bin matrix in node order: a leaf's
	// codes are the consecutive rows begin..end-1 of one of them, so
	// building its histogram and partitioning it read memory in order.
	// Partitioning a leaf moves its rows to the other copy; a tree's root
	// reads the bin matrix itself. Allocated on first use.
	work [2][]uint8
	// iota is 0, 1, 2, …: the row indices of a leaf in a work copy.
	iota   []uint32
	og, oh []float64
	pool   [][]float64
	// q, when not nil, quantises the gradients: histograms are then
	// qhist, built from oq, the packed gradients in leaf order, and
	// dequantised a feature at a time into scratch (one per goroutine).
	q       *quantizer
	oq      []int64
	qpool   [][]int64
	scratch [][]float64
	// bounds[n] holds node n's monotone bounds; nodeG and nodeH are
	// exactLeaves' scratch.
	bounds       [][2]float64
	nodeG, nodeH []float64
	leaves       []leafState
	open         []int // indices into leaves of leaves that can split
	// treeFeatures marks the features the current tree may use.
	treeFeatures []bool
	// goes[n] says, per bin code, whether a row goes left at the current
	// tree's node n (internal nodes only), for leafOf.
	goes        [][256]bool
	nodeMask    [2][]bool
	bestPerFeat [2][]split
	rng         *rand.Rand
}

func newGrower(b *binned, cfg growConfig, rng *rand.Rand) *grower {
	gr := &grower{
		cfg:          cfg,
		b:            b,
		rows:         make([]uint32, 0, b.rows),
		out:          make([]uint32, 0, b.rows),
		tmp:          make([]uint32, b.rows),
		iota:         make([]uint32, b.rows),
		treeFeatures: make([]bool, b.cols),
		rng:          rng,
	}
	for k := range 2 {
		gr.nodeMask[k] = make([]bool, b.cols)
		gr.bestPerFeat[k] = make([]split, b.cols)
	}
	for f := range gr.treeFeatures {
		gr.treeFeatures[f] = true
	}
	for i := range gr.iota {
		gr.iota[i] = uint32(i)
	}
	return gr
}

// quantize makes the grower grow its trees from quantised gradients,
// rounded with seed.
func (gr *grower) quantize(seed uint64) {
	gr.q = newQuantizer(gr.b.rows, seed)
	gr.oq = make([]int64, gr.b.rows)
}

// leafCodes returns the codes leaf lf's rows are in and the index of each
// of its rows, in order, in them.
func (gr *grower) leafCodes(lf *leafState) ([]uint8, []uint32) {
	if lf.buf < 0 {
		return gr.b.codes, gr.rows[lf.begin:lf.end]
	}
	cols := gr.b.cols
	return gr.work[lf.buf][lf.begin*cols : lf.end*cols], gr.iota[:lf.end-lf.begin]
}

// newHist gives leaf lf an empty histogram of the grower's kind.
func (gr *grower) newHist(lf *leafState) {
	if gr.q == nil {
		lf.hist = gr.getHist()
		return
	}
	if n := len(gr.qpool); n > 0 {
		lf.qhist = gr.qpool[n-1]
		gr.qpool = gr.qpool[:n-1]
		return
	}
	lf.qhist = make([]int64, gr.b.cols*qStride)
}

// dropHist returns leaf lf's histogram to the pool.
func (gr *grower) dropHist(lf *leafState) {
	gr.putHist(lf.hist)
	if lf.qhist != nil {
		gr.qpool = append(gr.qpool, lf.qhist)
	}
	lf.hist, lf.qhist = nil, nil
}

func (gr *grower) getHist() []float64 {
	if n := len(gr.pool); n > 0 {
		h := gr.pool[n-1]
		gr.pool = gr.pool[:n-1]
		return h
	}
	return make([]float64, gr.b.cols*histStride)
}

func (gr *grower) putHist(h []float64) {
	if h != nil {
		gr.pool = append(gr.pool, h)
	}
}

// canSplit reports whether a leaf at depth d with hessian sum h may split.
func (gr *grower) canSplit(d int, h float64) bool {
	if gr.cfg.maxDepth >= 0 && d >= gr.cfg.maxDepth {
		return false
	}
	return h >= 2*gr.cfg.minChildWeight
}

// grow grows one tree on gr.rows (set by the caller, ascending) with
// per-row gradients g and hessians h. On return gr.leaves describes the
// leaves and their row segments. Node values are weights before shrinkage.
func (gr *grower) grow(g, h []float64) *Tree {
	t := &Tree{}
	var G, H float64
	for _, r := range gr.rows {
		G += g[r]
		H += h[r]
	}
	inf := math.Inf(1)
	w := gr.cfg.weight(G, H, -inf, inf)
	if gr.q != nil {
		var q int64
		for _, r := range gr.rows {
			q += gr.q.packed[r]
		}
		G, H = gr.q.unpack(q)
		w = gr.cfg.weight(G, H, -inf, inf)
	}
	gr.leaves = append(gr.leaves[:0], leafState{
		node: t.addNode(w, H), begin: 0, end: len(gr.rows), buf: -1,
		g: G, h: H, w: w, lower: -inf, upper: inf,
	})
	gr.bounds = append(gr.bounds[:0], [2]float64{-inf, inf})
	gr.open = gr.open[:0]
	gr.goes = gr.goes[:0]
	if gr.canSplit(0, H) {
		root := &gr.leaves[0]
		gr.newHist(root)
		gr.pass(g, h, root, nil)
		gr.admit(0)
	}
	nLeaves := 1
	for len(gr.open) > 0 && (gr.cfg.maxLeaves < 0 || nLeaves < gr.cfg.maxLeaves) {
		k := gr.pick()
		gr.split(t, g, h, k, nLeaves+1 == gr.cfg.maxLeaves)
		nLeaves++
	}
	for _, k := range gr.open {
		gr.dropHist(&gr.leaves[k])
	}
	if gr.q != nil {
		gr.exactLeaves(t, g, h)
	}
	return t
}

// admit adds leaf k to the open leaves if it found a split, and otherwise
// returns its histogram to the pool.
func (gr *grower) admit(k int) {
	lf := &gr.leaves[k]
	if lf.best.feature >= 0 && lf.best.gain > gr.cfg.minSplitGain && lf.best.gain > minGain {
		gr.open = append(gr.open, k)
		return
	}
	gr.dropHist(lf)
}

// pick removes and returns the open leaf to split next: the one with the
// largest gain (ties: the earliest node) when leaves are limited, the
// latest one (depth first, which keeps few histograms alive) otherwise.
func (gr *grower) pick() int {
	at := len(gr.open) - 1
	if gr.cfg.maxLeaves >= 0 {
		for i, k := range gr.open {
			a, b := &gr.leaves[k], &gr.leaves[gr.open[at]]
			if a.best.gain > b.best.gain || (a.best.gain == b.best.gain && a.node < b.node) {
				at = i
			}
		}
	}
	k := gr.open[at]
	gr.open = append(gr.open[:at], gr.open[at+1:]...)
	return k
}

// split applies leaf k's best split: it partitions the rows, adds the two
// children to the tree and, unless last (no further split will happen),
// finds the children's best splits.
func (gr *grower) split(t *Tree, g, h []float64, k int, last bool) {
	lf := gr.leaves[k]
	s := lf.best
	// A child may split if it is not the last and is shallow and heavy
	// enough; when neither may, their codes are never read again and only
	// the rows are partitioned.
	splitL := !last && gr.canSplit(lf.depth+1, s.hl)
	splitR := !last && gr.canSplit(lf.depth+1, s.hr)
	nl, buf := gr.partition(&lf, &s, splitL || splitR)

	left := t.addNode(s.wl, s.hl)
	right := t.addNode(s.wr, s.hr)
	n := lf.node
	for len(gr.goes) <= int(n) {
		gr.goes = append(gr.goes, [256]bool{})
	}
	for c := range gr.goes[n] {
		gr.goes[n][c] = s.goesLeft(uint8(c))
	}
	t.Feature[n] = int32(s.feature)
	t.Left[n], t.Right[n] = left, right
	t.DefaultLeft[n] = s.defaultLeft
	t.Gain[n] = s.gain
	if s.cat {
		t.CatSet[n] = int32(len(t.CatSets))
		t.CatSets = append(t.CatSets, catBits(&s, gr.b.nbins[s.feature]-1))
	} else {
		t.Threshold[n] = gr.b.threshold(s.feature, s.bin)
	}

	L := leafState{node: left, begin: lf.begin, end: lf.begin + nl, buf: buf, depth: lf.depth + 1,
		g: s.gl, h: s.hl, w: s.wl, lower: lf.lower, upper: lf.upper}
	R := leafState{node: right, begin: lf.begin + nl, end: lf.end, buf: buf, depth: lf.depth + 1,
		g: s.gr, h: s.hr, w: s.wr, lower: lf.lower, upper: lf.upper}
	if m := gr.cfg.monotone[s.feature]; m != 0 {
		mid := (s.wl + s.wr) / 2
		if m > 0 {
			L.upper, R.lower = math.Min(L.upper, mid), math.Max(R.lower, mid)
		} else {
			L.lower, R.upper = math.Max(L.lower, mid), math.Min(R.upper, mid)
		}
	}
	gr.bounds = append(gr.bounds, [2]float64{L.lower, L.upper}, [2]float64{R.lower, R.upper})
	gr.leaves[k] = L
	gr.leaves = append(gr.leaves, R)
	kl, kr := k, len(gr.leaves)-1

	if !splitL && !splitR {
		gr.dropHist(&lf)
		return
	}
	// Build the smaller child's histogram; the larger one's is the
	// parent's minus it, computed in place.
	small, large := kl, kr
	if R.end-R.begin < L.end-L.begin {
		small, large = kr, kl
	}
	gr.newHist(&gr.leaves[small])
	gr.leaves[large].hist, gr.leaves[large].qhist = lf.hist, lf.qhist
	gr.pass(g, h, &gr.leaves[small], &gr.leaves[large])
	for _, c := range [2]int{kl, kr} {
		if (c == kl && splitL) || (c == kr && splitR) {
			gr.admit(c)
		} else {
			gr.dropHist(&gr.leaves[c])
		}
	}
}

// catBits converts the code set of a categorical split to the category
// bitset trees store (category c has code c+1).
func catBits(s *split, levels int) []uint64 {
	bits := make([]uint64, (levels+63)/64)
	for c := 1; c <= levels; c++ {
		if s.catLeft[c>>6]>>(c&63)&1 != 0 {
			bits[(c-1)>>6] |= 1 << ((c - 1) & 63)
		}
	}
	return bits
}

// partition reorders leaf lf's rows, stably, so that those going left
// under s come first, moves their codes in that order to the other work
// copy when moveCodes is set, and returns the left count and the copy the
// children's codes are in (lf's own when they were not moved; they are
// then stale). Large segments are cut
// into blocks: each block counts its left rows, then moves its rows to the
// places the counts before it give, so the order is that of one
// sequential pass whatever the number of blocks.
func (gr *grower) partition(lf *leafState, s *split, moveCodes bool) (int, int8) {
	cols, f := gr.b.cols, s.feature
	src, idx := gr.leafCodes(lf)
	dst := lf.buf
	var out []uint8
	if moveCodes {
		dst = 0
		if lf.buf == 0 {
			dst = 1
		}
		if gr.work[dst] == nil {
			gr.work[dst] = make([]uint8, gr.b.rows*cols)
		}
		out = gr.work[dst][lf.begin*cols : lf.end*cols]
	}
	seg := gr.rows[lf.begin:lf.end]
	moved := gr.tmp[:len(seg)]
	var goes [256]int
	for c := range goes {
		if s.goesLeft(uint8(c)) {
			goes[c] = 1
		}
	}
	nblocks := 1
	if threads := gr.cfg.threads; threads > 1 && len(seg) >= parallelWork {
		nblocks = min(4*threads, 64)
	}
	block := (len(seg) + nblocks - 1) / nblocks
	var left [64]int
	parallel.For(nblocks, gr.cfg.threads, func(k int) {
		n := 0
		for _, i := range idx[min(k*block, len(seg)):min((k+1)*block, len(seg))] {
			n += goes[src[int(i)*cols+f]]
		}
		left[k] = n
	})
	var at [64][2]int // where block k's first left and right rows go
	nl := 0
	for k := range nblocks {
		at[k][0] = nl
		nl += left[k]
	}
	for k, nr := 0, nl; k < nblocks; k++ {
		at[k][1] = nr
		nr += min(block, max(len(seg)-k*block, 0)) - left[k]
	}
	parallel.For(nblocks, gr.cfg.threads, func(k int) {
		l, r := at[k][0], at[k][1]
		lo, hi := min(k*block, len(seg)), min((k+1)*block, len(seg))
		if !moveCodes {
			for j, i := range idx[lo:hi] {
				gl := goes[src[int(i)*cols+f]]
				moved[r+(l-r)*gl] = seg[lo+j]
				l += gl
				r += 1 - gl
			}
			return
		}
		for j, i := range idx[lo:hi] {
			row := src[int(i)*cols : int(i)*cols+cols]
			gl := goes[row[f]]
			p := r + (l-r)*gl
			copy(out[p*cols:p*cols+cols], row)
			moved[p] = seg[lo+j]
			l += gl
			r += 1 - gl
		}
	})
	copy(seg, moved)
	return nl, dst
}

// leafOf returns the leaf of the current tree t that training row i
// reaches, reading the row's bin codes: the same leaf as t.leaf on its
// values, since a split "codes ≤ bin go left" is the test v ≤ threshold.
func (gr *grower) leafOf(t *Tree, i int) int {
	row := gr.b.codes[i*gr.b.cols : (i+1)*gr.b.cols]
	n := 0
	for f := t.Feature[n]; f >= 0; f = t.Feature[n] {
		if gr.goes[n][row[f]] {
			n = int(t.Left[n])
		} else {
			n = int(t.Right[n])
		}
	}
	return n
}
