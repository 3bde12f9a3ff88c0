package gbdt

import "promocast/internal/parallel"

// parallelWork is the least number of (row, feature) cells a histogram pass
// must touch before it is worth spreading over goroutines.
const parallelWork = 1 << 16

// pass builds the histogram of leaf small from its rows and, when large is
// not nil, turns large's histogram (its parent's) into large's own by
// subtracting small's. It then finds the best split of both leaves.
//
// Features are cut into contiguous groups spread over goroutines; each
// group reads its slice of every row's codes, so each feature's histogram
// is summed in row order by one goroutine, and best splits are reduced in
// feature order: the result does not depend on cfg.threads.
func (gr *grower) pass(g, h []float64, small, large *leafState) {
	seg := gr.rows[small.begin:small.end]
	codes, idx := gr.leafCodes(small)
	var og, oh []float64
	var oq []int64
	if gr.q != nil {
		oq = gr.oq[:len(seg)]
		for k, r := range seg {
			oq[k] = gr.q.packed[r]
		}
	} else {
		if gr.og == nil {
			gr.og, gr.oh = make([]float64, gr.b.rows), make([]float64, gr.b.rows)
		}
		og, oh = gr.og[:len(seg)], gr.oh[:len(seg)]
		for k, r := range seg {
			og[k] = g[r]
			oh[k] = h[r]
		}
	}
	gr.drawNodeMask(0)
	if large != nil {
		gr.drawNodeMask(1)
	}
	cols := gr.b.cols
	threads := gr.cfg.threads
	if len(seg)*cols < parallelWork {
		threads = 1
	}
	groups := min(max(1, cols/4), 2*threads)
	if threads == 1 {
		groups = 1
	}
	for len(gr.scratch) < groups {
		gr.scratch = append(gr.scratch, make([]float64, 2*histStride))
	}
	parallel.For(groups, threads, func(k int) {
		f0, f1 := featureGroup(k, groups, cols)
		if gr.q != nil {
			for f := f0; f < f1; f++ {
				clear(small.qhist[f*qStride : f*qStride+gr.b.nbins[f]])
			}
			buildQHist(small.qhist[f0*qStride:f1*qStride], codes, cols, f0, f1, idx, oq)
		} else {
			for f := f0; f < f1; f++ {
				clear(small.hist[f*histStride : f*histStride+2*gr.b.nbins[f]])
			}
			buildHist(small.hist[f0*histStride:f1*histStride], codes, cols, f0, f1, idx, og, oh)
		}
		sc := gr.scratch[k]
		for f := f0; f < f1; f++ {
			gr.bestPerFeat[0][f].feature = -1
			gr.bestPerFeat[1][f].feature = -1
			if !gr.treeFeatures[f] {
				continue
			}
			nb := gr.b.nbins[f]
			var hs, hl []float64
			if gr.q != nil {
				qs := small.qhist[f*qStride : f*qStride+nb]
				hs = sc[:2*nb]
				gr.q.dequantize(hs, qs, nb)
				if large != nil {
					ql := large.qhist[f*qStride : f*qStride+nb]
					for j := range ql {
						ql[j] -= qs[j]
					}
					hl = sc[histStride : histStride+2*nb]
					gr.q.dequantize(hl, ql, nb)
				}
			} else {
				hs = small.hist[f*histStride : f*histStride+2*nb]
				if large != nil {
					hl = large.hist[f*histStride : f*histStride+2*nb]
					for j := range hl {
						hl[j] -= hs[j]
					}
				}
			}
			gr.bestSplit(hs, f, 0, small)
			if large != nil {
				gr.bestSplit(hl, f, 1, large)
			}
		}
	})
	small.best = gr.reduce(0)
	if large != nil {
		large.best = gr.reduce(1)
	}
}

// featureGroup returns the features [f0, f1) of group k of groups over
// cols features: whole runs of four, which the histograms sum four at a
// time (hist4, qhist4: a feature summed alone costs about twice as much),
// the last group also taking the cols%4 left over.
func featureGroup(k, groups, cols int) (f0, f1 int) {
	quads := cols / 4
	f0, f1 = 4*(k*quads/groups), 4*((k+1)*quads/groups)
	if k == groups-1 {
		f1 = cols
	}
	return f0, f1
}

// buildHist adds each row's gradient and hessian to the pair of its code
// for features f0..f1-1; hist starts at feature f0:
//
//	for k, r := range rows {
//		for f := f0; f < f1; f++ {
//			c := codes[r*stride+f]
//			hist[(f-f0)*histStride+2c] += og[k]; ...+1] += oh[k]
//		}
//	}
//
// og and oh hold the gradients in the order of rows.
func buildHist(hist []float64, codes []uint8, stride, f0, f1 int, rows []uint32, og, oh []float64) {
	// Rows go in blocks whose code lines stay in L1 while every feature of
	// the group is summed over the block, four features per pass so that
	// a row's index, gradient and hessian are loaded once for four cells.
	const block = 256
	for b0 := 0; b0 < len(rows); b0 += block {
		rb := rows[b0:min(b0+block, len(rows))]
		gb, hb := og[b0:b0+len(rb)], oh[b0:b0+len(rb)]
		f := f0
		for ; f+4 <= f1; f += 4 {
			at := (f - f0) * histStride
			hist4((*[4 * histStride]float64)(hist[at:]), codes[f:], stride, rb, gb, hb)
		}
		for ; f < f1; f++ {
			hist1((*[histStride]float64)(hist[(f-f0)*histStride:]), codes[f:], stride, rb, gb, hb)
		}
	}
}

// hist4 adds rows to the histograms of four consecutive features, the
// first of which is codes[r*stride].
func hist4(hist *[4 * histStride]float64, codes []uint8, stride int, rows []uint32, og, oh []float64) {
	og, oh = og[:len(rows)], oh[:len(rows)]
	for k, r := range rows {
		i := int(r) * stride
		c := codes[i : i+4 : i+4]
		g, h := og[k], oh[k]
		a := 2 * int(c[0])
		hist[a] += g
		hist[a+1] += h
		a = 2*int(c[1]) + histStride
		hist[a] += g
		hist[a+1] += h
		a = 2*int(c[2]) + 2*histStride
		hist[a] += g
		hist[a+1] += h
		a = 2*int(c[3]) + 3*histStride
		hist[a] += g
		hist[a+1] += h
	}
}

// hist1 adds rows to the histogram of the feature whose code in row r is
// codes[r*stride].
func hist1(hf *[histStride]float64, codes []uint8, stride int, rows []uint32, og, oh []float64) {
	og, oh = og[:len(rows)], oh[:len(rows)]
	for k, r := range rows {
		a := 2 * int(codes[int(r)*stride])
		hf[a] += og[k]
		hf[a+1] += oh[k]
	}
}

func (gr *grower) bestSplit(hist []float64, f, slot int, lf *leafState) {
	best := &gr.bestPerFeat[slot][f]
	*best = split{feature: -1}
	if !gr.nodeMask[slot][f] {
		return
	}
	if gr.b.cat[f] {
		gr.cfg.bestCategorical(hist, gr.b.nbins[f], f, lf, best)
	} else {
		gr.cfg.bestNumeric(hist, gr.b.nbins[f], f, gr.cfg.monotone[f], lf, best)
	}
}

// reduce returns the best split over features, ties going to the lowest
// feature index.
func (gr *grower) reduce(slot int) split {
	best := split{feature: -1}
	for f := range gr.bestPerFeat[slot] {
		s := &gr.bestPerFeat[slot][f]
		if s.feature >= 0 && (best.feature < 0 || s.gain > best.gain) {
			best = *s
		}
	}
	return best
}

// drawNodeMask marks the features the next leaf in slot may split on: all
// of the tree's, or cfg.nodeFeatures of them drawn at random.
func (gr *grower) drawNodeMask(slot int) {
	mask := gr.nodeMask[slot]
	copy(mask, gr.treeFeatures)
	if gr.cfg.nodeFeatures <= 0 {
		return
	}
	var avail int
	for _, ok := range mask {
		if ok {
			avail++
		}
	}
	// Drop features at random until nodeFeatures remain.
	for drop := avail - gr.cfg.nodeFeatures; drop > 0; {
		f := gr.rng.IntN(len(mask))
		if mask[f] {
			mask[f] = false
			drop--
		}
	}
}
