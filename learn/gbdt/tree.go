package gbdt

import "math"

// Tree is one flat decision tree: node i is described by element i of each
// slice, node 0 is the root, and a leaf has Feature -1 and Left, Right -1.
//
// An internal node sends a row left when its feature value v is NaN and
// DefaultLeft is set; when the feature is numeric (CatSet -1) and
// v ≤ Threshold; or when the feature is categorical and v is a category in
// the set CatSets[CatSet] (bit v of the bitset). Categories outside the set,
// including ones unseen in training, go right.
type Tree struct {
	Feature     []int32   `json:"feature"`
	Threshold   []float64 `json:"threshold"`
	Left        []int32   `json:"left"`
	Right       []int32   `json:"right"`
	DefaultLeft []bool    `json:"default_left"`
	CatSet      []int32   `json:"cat_set"`
	// CatSets holds the left category bitsets of categorical splits.
	CatSets [][]uint64 `json:"cat_sets,omitempty"`
	// Value is the leaf value (already shrunk by the learning rate) of a
	// leaf, and the value the node would have as a leaf otherwise.
	Value []float64 `json:"value"`
	// Cover is the hessian sum of the training rows that reached the node.
	Cover []float64 `json:"cover"`
	// Gain is the loss reduction of an internal node's split, 0 for leaves.
	Gain []float64 `json:"gain"`
}

// Len returns the number of nodes.
func (t *Tree) Len() int { return len(t.Feature) }

// addNode appends a leaf and returns its index.
func (t *Tree) addNode(value, cover float64) int32 {
	t.Feature = append(t.Feature, -1)
	t.Threshold = append(t.Threshold, 0)
	t.Left = append(t.Left, -1)
	t.Right = append(t.Right, -1)
	t.DefaultLeft = append(t.DefaultLeft, false)
	t.CatSet = append(t.CatSet, -1)
	t.Value = append(t.Value, value)
	t.Cover = append(t.Cover, cover)
	t.Gain = append(t.Gain, 0)
	return int32(len(t.Feature) - 1)
}

// goesLeft reports whether a row with value v of node i's feature goes left.
func (t *Tree) goesLeft(i int, v float64) bool {
	if v != v {
		return t.DefaultLeft[i]
	}
	if c := t.CatSet[i]; c >= 0 {
		return inCatSet(t.CatSets[c], v)
	}
	return v <= t.Threshold[i]
}

// inCatSet reports whether category v is in bitset bits.
func inCatSet(bits []uint64, v float64) bool {
	if !(v >= 0) || v >= float64(len(bits)*64) || v != math.Trunc(v) {
		return false
	}
	c := int(v)
	return bits[c>>6]&(1<<(c&63)) != 0
}

// leaf returns the leaf that row reaches.
func (t *Tree) leaf(row []float64) int {
	i := 0
	for t.Feature[i] >= 0 {
		if t.goesLeft(i, row[t.Feature[i]]) {
			i = int(t.Left[i])
		} else {
			i = int(t.Right[i])
		}
	}
	return i
}

// depth returns the depth of the deepest leaf.
func (t *Tree) depth() int {
	var walk func(i, d int) int
	walk = func(i, d int) int {
		if t.Feature[i] < 0 {
			return d
		}
		return max(walk(int(t.Left[i]), d+1), walk(int(t.Right[i]), d+1))
	}
	return walk(0, 0)
}
