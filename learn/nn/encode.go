package nn

import (
	"math"

	"promocast/model"
)

// column says how one feature enters the network. Numeric features are
// standardised, z = (x − Mean)/SD, with missing values at 0 and, when
// Missing is set, an indicator input that is 1 for a missing value.
// Categorical features look their code up in an embedding table of Dim
// columns and Levels+1 rows, the last row for missing, non-integer and
// out-of-range codes.
type column struct {
	Mean    float64 `json:"mean,omitempty"`
	SD      float64 `json:"sd,omitempty"`
	Missing bool    `json:"missing,omitempty"`
	Dim     int     `json:"dim,omitempty"`
}

// encoder turns rows of a feature matrix into network inputs.
type encoder struct {
	feats  []model.Feature
	cols   []column
	cat    []int // feature indexes of the categorical features, in order
	num    []int // feature indexes of the numeric features, in order
	ind    []int // positions in num of the features with a missing indicator
	inputs int   // numeric inputs: len(num) + len(ind)
}

// newEncoder indexes feats and cols (one per feature).
func newEncoder(feats []model.Feature, cols []column) *encoder {
	e := &encoder{feats: feats, cols: cols}
	for j, f := range feats {
		if f.Categorical {
			e.cat = append(e.cat, j)
			continue
		}
		if cols[j].Missing {
			e.ind = append(e.ind, len(e.num))
		}
		e.num = append(e.num, j)
	}
	e.inputs = len(e.num) + len(e.ind)
	return e
}

// fitColumns learns each feature's column from the training rows:
// weighted mean and population standard deviation of the finite values of a
// numeric feature (SD 1 when constant or unseen), whether it had missing
// values, and each categorical feature's embedding width.
func fitColumns(ds *model.Dataset, rows int, maxEmb int) []column {
	cols := make([]column, len(ds.Features))
	X := ds.X
	for j, f := range ds.Features {
		if f.Categorical {
			cols[j].Dim = max(1, min(maxEmb, (f.Levels+1)/2))
			continue
		}
		var sw, mean, m2 float64
		for i := 0; i < rows; i++ {
			v := X.Values[i*X.Cols+j]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				cols[j].Missing = true
				continue
			}
			w := ds.Weight(i)
			if w == 0 {
				continue
			}
			// West's weighted incremental mean and variance.
			sw += w
			d := v - mean
			mean += d * w / sw
			m2 += w * d * (v - mean)
		}
		sd := 0.0
		if sw > 0 {
			sd = math.Sqrt(m2 / sw)
		}
		if !(sd > 1e-12*math.Max(1, math.Abs(mean))) {
			sd = 1
		}
		cols[j].Mean, cols[j].SD = mean, sd
	}
	return cols
}

// levels returns the table sizes (categories) and embedding widths of the
// categorical features.
func (e *encoder) levels() (levels, dims []int) {
	for _, j := range e.cat {
		levels = append(levels, max(0, e.feats[j].Levels))
		dims = append(dims, e.cols[j].Dim)
	}
	return levels, dims
}

// encode writes row x's table rows into codes (len(cat)) and its numeric
// inputs into in (e.inputs values).
func (e *encoder) encode(x []float64, codes []int32, in []float64) {
	for k, j := range e.cat {
		levels := max(0, e.feats[j].Levels)
		v := x[j]
		c := levels // unknown
		if v >= 0 && v < float64(levels) && v == math.Trunc(v) {
			c = int(v)
		}
		codes[k] = int32(c)
	}
	nn := len(e.num)
	for k, j := range e.num {
		v := x[j]
		c := &e.cols[j]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			in[k] = 0
			continue
		}
		in[k] = (v - c.Mean) / c.SD
	}
	for i, k := range e.ind {
		v := x[e.num[k]]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			in[nn+i] = 1
		} else {
			in[nn+i] = 0
		}
	}
}
