package gbdt

import (
	"fmt"
	"runtime"

	"promocast/data"
	"promocast/internal/parallel"
)

// flatNode is a tree node packed for prediction: 32 bytes, so a walk
// touches one cache line per level. A leaf splits on feature 0 and has
// itself as both children, so that a walk of the tree's depth in steps
// ends on the leaf whatever the row's path length.
type flatNode struct {
	// value is the threshold of a numeric split and the value of a leaf.
	value   float64
	feature int32
	// kids are the right child, then the left (indices into
	// flatForest.nodes): a step indexes them by its test's outcome
	// instead of branching on it, which rows would mispredict half the
	// time.
	kids        [2]int32
	cat         int32 // index into flatForest.cats, -1 for numeric
	defaultLeft bool
	leaf        bool
}

// flatForest holds every tree's nodes in one slice.
type flatForest struct {
	nodes  []flatNode
	roots  []int32
	depths []int // deepest leaf per tree
	cats   [][]uint64
}

func flatten(trees []Tree) flatForest {
	var ff flatForest
	for ti := range trees {
		t := &trees[ti]
		off := int32(len(ff.nodes))
		coff := int32(len(ff.cats))
		ff.roots = append(ff.roots, off)
		ff.depths = append(ff.depths, t.depth())
		ff.cats = append(ff.cats, t.CatSets...)
		for i := range t.Feature {
			n := flatNode{feature: t.Feature[i], cat: -1, defaultLeft: t.DefaultLeft[i]}
			if n.feature < 0 {
				n.value, n.leaf, n.feature = t.Value[i], true, 0
				n.kids = [2]int32{int32(i) + off, int32(i) + off}
			} else {
				n.value = t.Threshold[i]
				n.kids = [2]int32{t.Right[i] + off, t.Left[i] + off}
				if t.CatSet[i] >= 0 {
					n.cat = t.CatSet[i] + coff
				}
			}
			ff.nodes = append(ff.nodes, n)
		}
	}
	return ff
}

// leafValue walks the tree rooted at node i for row and returns the leaf
// value it reaches. The common step, a numeric split of a present value,
// is taken in the loop; missing values and categories go through next.
func (ff *flatForest) leafValue(i int32, row []float64) float64 {
	nodes := ff.nodes
	for {
		n := &nodes[i]
		if n.leaf {
			return n.value
		}
		v := row[n.feature]
		switch {
		case n.cat >= 0 || v != v:
			i = ff.next(n, v)
		default:
			i = n.kids[b2i(v <= n.value)]
		}
	}
}

// next returns the child of n that value v goes to.
func (ff *flatForest) next(n *flatNode, v float64) int32 {
	var left bool
	switch {
	case v != v:
		left = n.defaultLeft
	case n.cat >= 0:
		left = inCatSet(ff.cats[n.cat], v)
	default:
		left = v <= n.value
	}
	return n.kids[b2i(left)]
}

// b2i is 1 for true and 0 for false, without a branch.
func b2i(b bool) int {
	var i int
	if b {
		i = 1
	}
	return i
}

// lanes is the number of rows walked through a tree in lockstep: their
// node loads are independent, so the processor overlaps them, and the
// numeric step picks the child without a branch.
const lanes = 8

// addLanes adds tree (root, depth)'s values for rows i..i+lanes-1.
func (ff *flatForest) addLanes(X *data.Matrix, out []float64, i int, root int32, depth int) {
	var idx [lanes]int32
	for j := range idx {
		idx[j] = root
	}
	vals := X.Values[i*X.Cols : (i+lanes)*X.Cols]
	for range depth {
		for j := range idx {
			n := &ff.nodes[idx[j]]
			v := vals[j*X.Cols+int(n.feature)]
			next := n.kids[b2i(v <= n.value)]
			if v != v || n.cat >= 0 {
				next = ff.next(n, v)
			}
			idx[j] = next
		}
	}
	for j, k := range idx {
		out[i+j] += ff.nodes[k].value
	}
}

// treeLanes adds to sum the values of trees t..t+lanes-1 for row, in tree
// order: the trees are walked in lockstep for as many steps as the
// deepest of them (a leaf is its own child), so their node loads overlap
// as addLanes' rows' do.
func (ff *flatForest) treeLanes(row []float64, sum float64, t int) float64 {
	var idx [lanes]int32
	copy(idx[:], ff.roots[t:t+lanes])
	depth := 0
	for _, d := range ff.depths[t : t+lanes] {
		depth = max(depth, d)
	}
	for range depth {
		for j := range idx {
			n := &ff.nodes[idx[j]]
			v := row[n.feature]
			next := n.kids[b2i(v <= n.value)]
			if v != v || n.cat >= 0 {
				next = ff.next(n, v)
			}
			idx[j] = next
		}
	}
	for _, k := range idx {
		sum += ff.nodes[k].value
	}
	return sum
}

// predictBlock is the number of rows scored together, tree by tree, so
// that a tree's nodes stay in cache across the block; it is also the unit
// of parallel work.
const predictBlock = 256

// parallelRows is the least batch that prediction spreads over goroutines.
const parallelRows = 8 * predictBlock

// addRaw adds every tree's value, in tree order, to out[i] for each row i
// of X in [lo, hi). It allocates nothing.
func (ff *flatForest) addRaw(X *data.Matrix, out []float64, lo, hi int) {
	if hi-lo < lanes {
		// A few rows, as a server scores them: row by row, walking lanes
		// trees at once (treeLanes), each row's sum kept in a register;
		// the same additions in the same order.
		for i := lo; i < hi; i++ {
			row, sum := X.Values[i*X.Cols:(i+1)*X.Cols], out[i]
			t := 0
			for ; t+lanes <= len(ff.roots) && X.Cols > 0; t += lanes {
				sum = ff.treeLanes(row, sum, t)
			}
			for ; t < len(ff.roots); t++ {
				sum += ff.leafValue(ff.roots[t], row)
			}
			out[i] = sum
		}
		return
	}
	for b := lo; b < hi; b += predictBlock {
		e := min(b+predictBlock, hi)
		for t, root := range ff.roots {
			i := b
			for ; i+lanes <= e && X.Cols > 0; i += lanes {
				ff.addLanes(X, out, i, root, ff.depths[t])
			}
			for ; i < e; i++ {
				out[i] += ff.leafValue(root, X.Values[i*X.Cols:(i+1)*X.Cols])
			}
		}
	}
}

// PredictRaw writes each row's raw score (link space: the log of the mean
// for poisson and tweedie, the log-odds for logistic) into out, which has
// X.Rows elements. Small batches allocate nothing; batches of thousands of
// rows are split over GOMAXPROCS goroutines. Results do not depend on how
// the batch is split.
func (m *Model) PredictRaw(X *data.Matrix, out []float64) error {
	if err := checkPredict(X, out, len(m.Features)); err != nil {
		return err
	}
	for i := range out {
		out[i] = m.BaseScore
	}
	m.flat.predict(X, out)
	return nil
}

// Predict writes each row's predicted response into out, which has X.Rows
// elements: the mean for squared, poisson and tweedie, the quantile for
// quantile, the probability of the positive class for logistic. It
// implements model.Predictor.
func (m *Model) Predict(X *data.Matrix, out []float64) error {
	if err := m.PredictRaw(X, out); err != nil {
		return err
	}
	for i, v := range out {
		out[i] = m.obj.response(v)
	}
	return nil
}

func checkPredict(X *data.Matrix, out []float64, nfeat int) error {
	if X == nil {
		return fmt.Errorf("gbdt: predict: no feature matrix")
	}
	if err := X.Check(nfeat); err != nil {
		return fmt.Errorf("gbdt: predict: %w", err)
	}
	if len(out) != X.Rows {
		return fmt.Errorf("gbdt: predict: output has %d elements for %d rows", len(out), X.Rows)
	}
	return nil
}

// predict adds the trees' values to out, in parallel over row blocks for
// large batches.
func (ff *flatForest) predict(X *data.Matrix, out []float64) {
	threads := runtime.GOMAXPROCS(0)
	if X.Rows < parallelRows || threads == 1 {
		ff.addRaw(X, out, 0, X.Rows)
		return
	}
	chunk := 4 * predictBlock
	parallel.For((X.Rows+chunk-1)/chunk, threads, func(k int) {
		ff.addRaw(X, out, k*chunk, min((k+1)*chunk, X.Rows))
	})
}
