package gbdt

// parallelWork is the least number of (row, feature) cells a histogram pass
// must touch before it is worth spreading over goroutines.
const parallelWork = 1 << 16

// pass builds the histogram of leaf small from its rows and, when large is
// not nil, turns large's histogram (its parent's) into large's own by
// subtracting small's. It then finds the best split of both leaves.
//
// Features are spread over goroutines; each feature's histogram is summed
// in row order by one goroutine and each feature's best split is reduced
// in feature order, so the result does not depend on cfg.threads.
func (gr *grower) pass(g, h []float64, small, large *leafState) {
	seg := gr.rows[small.begin:small.end]
	og, oh := gr.og[:len(seg)], gr.oh[:len(seg)]
	for k, r := range seg {
		og[k] = g[r]
		oh[k] = h[r]
	}
	gr.drawNodeMask(0)
	if large != nil {
		gr.drawNodeMask(1)
	}
	threads := gr.cfg.threads
	if len(seg)*gr.b.cols < parallelWork {
		threads = 1
	}
	parallelFor(gr.b.cols, threads, func(f int) {
		gr.bestPerFeat[0][f].feature = -1
		gr.bestPerFeat[1][f].feature = -1
		if !gr.treeFeatures[f] {
			return
		}
		nb := gr.b.nbins[f]
		hs := small.hist[f*histStride : f*histStride+2*nb]
		clear(hs)
		buildHist(hs, gr.b.column(f), seg, og, oh)
		gr.bestSplit(hs, f, 0, small)
		if large != nil {
			hl := large.hist[f*histStride : f*histStride+2*nb]
			for j := range hl {
				hl[j] -= hs[j]
			}
			gr.bestSplit(hl, f, 1, large)
		}
	})
	small.best = gr.reduce(0)
	if large != nil {
		large.best = gr.reduce(1)
	}
}

// buildHist adds each row's gradient and hessian to its code's pair:
//
//	for k, r := range rows { c := col[r]; hist[2c] += og[k]; hist[2c+1] += oh[k] }
//
// og and oh hold the gradients in the order of rows.
func buildHist(hist []float64, col []uint8, rows []uint32, og, oh []float64) {
	oh = oh[:len(og)]
	rows = rows[:len(og)]
	for k, r := range rows {
		c := 2 * int(col[r])
		hist[c] += og[k]
		hist[c+1] += oh[k]
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
