package gbdt

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"promocast/data"
	"promocast/internal/parallel"
	"promocast/model"
)

// Binning. Every feature value becomes a one-byte code: code 0 holds the
// missing values (NaN), codes 1..n the bins in increasing order. A numeric
// bin b covers the values v with upper[b-2] < v ≤ upper[b-1] (the last upper
// bound is +Inf), so a split "codes ≤ b go left" is the raw test
// v ≤ upper[b-1], and trees store that raw threshold. A categorical value c
// (an integer in 0..Levels-1) has code c+1.

// binSampleRows is how many rows the quantile cut points are computed from.
const binSampleRows = 200_000

// binned is the training matrix as bin codes, row-major: a row's codes
// share a cache line or two, so the scattered rows of a deep leaf cost one
// memory access each rather than one per feature.
type binned struct {
	rows, cols int
	// codes[i*cols+f] is the code of feature f in row i.
	codes []uint8
	// nbins[f] counts the codes feature f uses, the missing code included.
	nbins []int
	// upper[f] lists the upper bounds of numeric feature f's bins.
	upper [][]float64
	cat   []bool
}

// threshold returns the raw threshold of the split "codes ≤ bin go left"
// on numeric feature f, kept finite so that it survives JSON.
func (b *binned) threshold(f, bin int) float64 {
	t := b.upper[f][bin-1]
	return math.Max(math.Min(t, math.MaxFloat64), -math.MaxFloat64)
}

// binDataset checks and bins the feature matrix of ds.
func binDataset(ds *model.Dataset, maxBins int, seed uint64, threads int) (*binned, error) {
	X := ds.X
	b := &binned{
		rows: X.Rows, cols: X.Cols,
		codes: make([]uint8, X.Rows*X.Cols),
		nbins: make([]int, X.Cols),
		upper: make([][]float64, X.Cols),
		cat:   make([]bool, X.Cols),
	}
	for f, ft := range ds.Features {
		if !ft.Categorical {
			continue
		}
		if ft.Levels < 1 || ft.Levels > maxBins {
			return nil, fmt.Errorf("gbdt: categorical feature %q has %d levels: expected 1 to %d (the bin count)", ft.Name, ft.Levels, maxBins)
		}
		if ft.Monotone != 0 {
			return nil, fmt.Errorf("gbdt: feature %q is categorical and cannot carry a monotone constraint", ft.Name)
		}
		b.cat[f] = true
		b.nbins[f] = ft.Levels + 1
	}
	if err := checkCategories(X, ds.Features); err != nil {
		return nil, err
	}
	cuts(X, b, maxBins, seed, threads)
	encode(X, b, threads)
	return b, nil
}

func checkCategories(X *data.Matrix, feats []model.Feature) error {
	for f, ft := range feats {
		if !ft.Categorical {
			continue
		}
		for i := 0; i < X.Rows; i++ {
			v := X.Values[i*X.Cols+f]
			if v != v {
				continue
			}
			if v < 0 || v >= float64(ft.Levels) || v != math.Trunc(v) {
				return fmt.Errorf("gbdt: row %d, categorical feature %q is %v: expected an integer code in 0..%d or NaN", i, ft.Name, v, ft.Levels-1)
			}
		}
	}
	return nil
}

// cuts computes the bin upper bounds of every numeric feature from a
// sample of at most binSampleRows rows drawn with seed.
func cuts(X *data.Matrix, b *binned, maxBins int, seed uint64, threads int) {
	rows := make([]int, 0, min(X.Rows, binSampleRows))
	if X.Rows <= binSampleRows {
		for i := 0; i < X.Rows; i++ {
			rows = append(rows, i)
		}
	} else {
		rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
		p := float64(binSampleRows) / float64(X.Rows)
		for i := 0; i < X.Rows; i++ {
			if rng.Float64() < p {
				rows = append(rows, i)
			}
		}
	}
	s := len(rows)
	sample := make([]float64, s*X.Cols)
	for k, i := range rows {
		row := X.Values[i*X.Cols : (i+1)*X.Cols]
		for f, v := range row {
			sample[f*s+k] = v
		}
	}
	// Values are sorted as integer keys in the order of the floats, which
	// is faster than sorting floats; each goroutine reuses one key buffer
	// for a contiguous group of features.
	groups := max(1, min(threads, X.Cols))
	parallel.For(groups, threads, func(k int) {
		keys := make([]uint64, 0, s)
		for f := k * X.Cols / groups; f < (k+1)*X.Cols/groups; f++ {
			if b.cat[f] {
				continue
			}
			col := sample[f*s : (f+1)*s]
			keys = keys[:0]
			for _, v := range col {
				if v == v {
					keys = append(keys, floatKey(v))
				}
			}
			slices.Sort(keys)
			vals := col[:len(keys)]
			for i, key := range keys {
				vals[i] = keyFloat(key)
			}
			b.upper[f] = upperBounds(vals, maxBins)
			b.nbins[f] = len(b.upper[f]) + 1
		}
	})
}

// floatKey maps a float that is not NaN to an integer of the same order:
// negative floats' bits are flipped whole, the others' sign bit is set.
func floatKey(v float64) uint64 {
	u := math.Float64bits(v)
	if u>>63 != 0 {
		return ^u
	}
	return u | 1<<63
}

// keyFloat inverts floatKey.
func keyFloat(k uint64) float64 {
	if k>>63 != 0 {
		return math.Float64frombits(k &^ (1 << 63))
	}
	return math.Float64frombits(^k)
}

// upperBounds splits sorted values into at most maxBins bins of about equal
// count, never splitting equal values, and returns each bin's upper bound:
// the midpoint to the next distinct value, +Inf for the last bin.
func upperBounds(sorted []float64, maxBins int) []float64 {
	var distinct []float64
	var counts []int
	for i, v := range sorted {
		if i > 0 && v == sorted[i-1] {
			counts[len(counts)-1]++
			continue
		}
		distinct = append(distinct, v)
		counts = append(counts, 1)
	}
	var up []float64
	if len(distinct) <= maxBins {
		for i := 0; i+1 < len(distinct); i++ {
			up = append(up, midpoint(distinct[i], distinct[i+1]))
		}
		return append(up, math.Inf(1))
	}
	rest, binsLeft, acc := len(sorted), maxBins, 0
	for i := 0; i+1 < len(distinct) && binsLeft > 1; i++ {
		target := float64(rest) / float64(binsLeft)
		if acc > 0 && float64(counts[i]) >= target {
			// a heavy value gets a bin of its own
			up = append(up, midpoint(distinct[i-1], distinct[i]))
			rest -= acc
			acc = 0
			binsLeft--
			if binsLeft == 1 {
				break
			}
			target = float64(rest) / float64(binsLeft)
		}
		acc += counts[i]
		if float64(acc) >= target {
			up = append(up, midpoint(distinct[i], distinct[i+1]))
			rest -= acc
			acc = 0
			binsLeft--
		}
	}
	return append(up, math.Inf(1))
}

// midpoint returns a threshold t with a ≤ t < b.
func midpoint(a, b float64) float64 {
	t := a/2 + b/2
	if t >= b || t < a || math.IsInf(t, 0) {
		return a
	}
	return t
}

// encode writes every value's code, in parallel over row blocks.
func encode(X *data.Matrix, b *binned, threads int) {
	// Each numeric feature's bounds, padded with +Inf to 256, are searched
	// in eight steps without branches; a feature of at most fewBounds
	// bounds (flags, calendar fields, small counts) instead counts the
	// bounds below the value, comparisons that do not wait on each other.
	padded := make([][256]float64, X.Cols)
	few := make([]*[fewBounds]float64, X.Cols)
	for f, up := range b.upper {
		copy(padded[f][:], up)
		for j := len(up); j < 256; j++ {
			padded[f][j] = math.Inf(1)
		}
		if len(up) <= fewBounds {
			few[f] = (*[fewBounds]float64)(padded[f][:fewBounds])
		}
	}
	// A block of rows is coded a feature at a time, so that the kind of
	// feature is decided once per block rather than once per value.
	const block = 512
	cols := X.Cols
	nblocks := (X.Rows + block - 1) / block
	parallel.For(nblocks, threads, func(k int) {
		lo, hi := k*block, min((k+1)*block, X.Rows)
		vals, codes := X.Values[lo*cols:hi*cols], b.codes[lo*cols:hi*cols]
		for f := range cols {
			switch up := few[f]; {
			case b.cat[f]:
				for i := f; i < len(vals); i += cols {
					v := vals[i]
					codes[i] = uint8(int(v)+1) * uint8(b2i(v == v))
				}
			case up != nil:
				// −Inf counts no bound and +Inf every finite one: their
				// codes, like a missing value's, come out of the count.
				for i := f; i < len(vals); i += cols {
					v := vals[i]
					codes[i] = uint8(countBelow(up, v)+1) * uint8(b2i(v == v))
				}
			default:
				up, last := &padded[f], uint8(len(b.upper[f]))
				for i := f; i < len(vals); i += cols {
					codes[i] = numericCode(up, last, vals[i])
				}
			}
		}
	})
}

// numericCode returns the code of value v of a numeric feature whose
// bounds, padded with +Inf, are up, its last bin's code last.
func numericCode(up *[256]float64, last uint8, v float64) uint8 {
	switch {
	case v != v:
		return 0
	case math.IsInf(v, -1):
		return 1
	case math.IsInf(v, 1): // only the last bound is +Inf
		return last
	}
	return uint8(searchPadded(up, v) + 1)
}

// fewBounds is the most bounds a feature may have for encode to count
// them (countBelow) rather than search them.
const fewBounds = 16

// countBelow returns the first index j with v ≤ up[j] for a finite v, up
// sorted and padded with +Inf: the number of bounds below v.
func countBelow(up *[fewBounds]float64, v float64) int {
	n := 0
	for _, u := range up {
		n += b2i(u < v)
	}
	return n
}

// searchPadded returns the first index j with v ≤ up[j] for a finite v;
// up is sorted and ends with +Inf. up[k] < v exactly when up[k]−v is
// negative (IEEE subtraction of distinct numbers never gives zero, and
// only one side is infinite), so each step adds step times that sign bit
// instead of branching.
func searchPadded(up *[256]float64, v float64) int {
	j := 0
	for step := 128; step > 0; step >>= 1 {
		j += step & -int(math.Float64bits(up[j+step-1]-v)>>63)
	}
	return j
}
