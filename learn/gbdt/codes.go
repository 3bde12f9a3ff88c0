package gbdt

import (
	"fmt"
	"math"
	"runtime"

	"promocast/data"
	"promocast/internal/parallel"
)

// Codes are rows of a feature matrix binned with the cut points of a
// Binned (Binned.Codes): one byte per value instead of eight. The models
// trained on that Binned predict them (Model.PredictCodes) as they predict
// the rows' values, with a row's codes in one cache line and one bit test
// per split. Cross-fitting, which predicts each held-out fold with a dozen
// models trained on the other folds' codes, spends most of its time there.
type Codes struct {
	of    *Binned
	rows  int
	codes []uint8
}

// Rows returns the number of rows.
func (c *Codes) Rows() int { return c.rows }

// Codes bins the rows of X, which has the Binned matrix's features, with
// its cut points. A categorical value must be a category code the
// features allow, or NaN, as in training. X may change afterwards.
func (bx *Binned) Codes(X *data.Matrix) (*Codes, error) {
	if X == nil {
		return nil, fmt.Errorf("gbdt: no feature matrix to bin")
	}
	if err := X.Check(len(bx.feats)); err != nil {
		return nil, fmt.Errorf("gbdt: rows to bin: %w", err)
	}
	if err := checkCategories(X, bx.feats); err != nil {
		return nil, err
	}
	b := *bx.b
	b.rows, b.codes = X.Rows, make([]uint8, X.Rows*X.Cols)
	encode(X, &b, runtime.GOMAXPROCS(0))
	return &Codes{of: bx, rows: X.Rows, codes: b.codes}, nil
}

// codeNode is a tree node over codes: the codes that go left are the set
// bits of goLeft, whatever the kind of split (a numeric threshold, a set of
// categories, where missing values go), so a step is one bit test. A leaf
// has itself as both children, as in flatNode.
type codeNode struct {
	goLeft  [4]uint64
	value   float64
	feature int32
	// kids are the right child, then the left: a step indexes them by
	// the code's bit, without a branch to mispredict.
	kids [2]int32
}

// codeForest holds every tree's code nodes in one slice.
type codeForest struct {
	nodes  []codeNode
	roots  []int32
	depths []int
}

// codeForest compiles m's trees over the codes of b. Every numeric
// threshold of m must be one of b's cut points, as the thresholds of a
// model trained on b are; otherwise m was trained on other codes and the
// error says so.
func (m *Model) codeForest(b *binned) (*codeForest, error) {
	if len(m.Features) != b.cols {
		return nil, fmt.Errorf("gbdt: the model has %d features, the codes %d", len(m.Features), b.cols)
	}
	cf := &codeForest{}
	for ti := range m.Trees {
		t := &m.Trees[ti]
		off := int32(len(cf.nodes))
		cf.roots = append(cf.roots, off)
		cf.depths = append(cf.depths, t.depth())
		for i, f := range t.Feature {
			n := codeNode{feature: f}
			if f < 0 {
				n.value, n.feature = t.Value[i], 0
				n.kids = [2]int32{int32(i) + off, int32(i) + off}
				cf.nodes = append(cf.nodes, n)
				continue
			}
			n.kids = [2]int32{t.Right[i] + off, t.Left[i] + off}
			if t.DefaultLeft[i] {
				n.goLeft[0] = 1 // code 0: missing
			}
			if c := t.CatSet[i]; c >= 0 {
				if !b.cat[f] {
					return nil, fmt.Errorf("gbdt: tree %d splits feature %d by category; the codes bin it as a number", ti, f)
				}
				// Category v has code v+1.
				for v := 0; v < 255; v++ {
					if inCatSet(t.CatSets[c], float64(v)) {
						setBit(&n.goLeft, v+1)
					}
				}
			} else {
				if b.cat[f] {
					return nil, fmt.Errorf("gbdt: tree %d splits categorical feature %d by a threshold", ti, f)
				}
				last, ok := thresholdBin(b.upper[f], t.Threshold[i])
				if !ok {
					return nil, fmt.Errorf("gbdt: tree %d's threshold %v on feature %d is not a cut point of the codes: the model was trained on other codes", ti, t.Threshold[i], f)
				}
				for code := 1; code <= last; code++ {
					setBit(&n.goLeft, code)
				}
			}
			cf.nodes = append(cf.nodes, n)
		}
	}
	return cf, nil
}

// thresholdBin returns the last code a numeric split at threshold sends
// left: bin b's threshold is upper[b-1], kept finite (binned.threshold).
func thresholdBin(upper []float64, threshold float64) (int, bool) {
	for b := 1; b <= len(upper); b++ {
		if math.Max(math.Min(upper[b-1], math.MaxFloat64), -math.MaxFloat64) == threshold {
			return b, true
		}
	}
	return 0, false
}

func setBit(bits *[4]uint64, code int) { bits[code>>6] |= 1 << (code & 63) }

// addLanes adds tree (root, depth)'s values for rows i..i+lanes-1 of
// codes with cols columns.
func (cf *codeForest) addLanes(codes []uint8, cols int, out []float64, i int, root int32, depth int) {
	var idx [lanes]int32
	for j := range idx {
		idx[j] = root
	}
	rows := codes[i*cols : (i+lanes)*cols]
	for range depth {
		for j := range idx {
			n := &cf.nodes[idx[j]]
			c := rows[j*cols+int(n.feature)]
			idx[j] = n.kids[n.goLeft[c>>6]>>(c&63)&1]
		}
	}
	for j, k := range idx {
		out[i+j] += cf.nodes[k].value
	}
}

// addRaw adds every tree's value, in tree order, to out[i] for rows i in
// [lo, hi).
func (cf *codeForest) addRaw(codes []uint8, cols int, out []float64, lo, hi int) {
	for b := lo; b < hi; b += predictBlock {
		e := min(b+predictBlock, hi)
		for t, root := range cf.roots {
			i := b
			for ; i+lanes <= e; i += lanes {
				cf.addLanes(codes, cols, out, i, root, cf.depths[t])
			}
			for ; i < e; i++ {
				k := root
				row := codes[i*cols : (i+1)*cols]
				for range cf.depths[t] {
					n := &cf.nodes[k]
					c := row[n.feature]
					k = n.kids[n.goLeft[c>>6]>>(c&63)&1]
				}
				out[i] += cf.nodes[k].value
			}
		}
	}
}

// PredictCodes writes each row's predicted response into out, which has
// c.Rows() elements, as Predict does from the rows' values: the same
// leaves, added in the same order. m must have been trained on the
// Binned that made c (TrainBinned); a model whose thresholds are not its
// cut points is refused. Values of +Inf are the one exception to "the
// same leaves": a split that sends every present value left sends +Inf
// left here and right in Predict.
func (m *Model) PredictCodes(c *Codes, out []float64) error {
	if c == nil {
		return fmt.Errorf("gbdt: predict: no codes")
	}
	if len(out) != c.rows {
		return fmt.Errorf("gbdt: predict: output has %d elements for %d rows", len(out), c.rows)
	}
	cf, err := m.codeForest(c.of.b)
	if err != nil {
		return err
	}
	for i := range out {
		out[i] = m.BaseScore
	}
	cols := c.of.b.cols
	if cols == 0 {
		for i := range out {
			for _, root := range cf.roots {
				out[i] += cf.nodes[root].value
			}
		}
	} else if threads := runtime.GOMAXPROCS(0); c.rows < parallelRows || threads == 1 {
		cf.addRaw(c.codes, cols, out, 0, c.rows)
	} else {
		chunk := 4 * predictBlock
		parallel.For((c.rows+chunk-1)/chunk, threads, func(k int) {
			cf.addRaw(c.codes, cols, out, k*chunk, min((k+1)*chunk, c.rows))
		})
	}
	for i, v := range out {
		out[i] = m.obj.response(v)
	}
	return nil
}
