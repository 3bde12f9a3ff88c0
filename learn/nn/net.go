package nn

import (
	cblas "gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// blas is gonum's pure-Go BLAS (assembly kernels on amd64). Its Dgemm on
// the matrices of one chunk (at most 64 rows, so fewer than four 64×64
// output blocks) runs serially, each output summed in a fixed order.
var blas gonum.Implementation

// net is the network's shape: where each embedding table and each dense
// layer lives in the flat parameter vector theta. The input vector of a row
// is [embedding of categorical 0, embedding of categorical 1, ..., encoded
// numeric inputs]; embedding k occupies inputs embAt[k] .. embAt[k]+dims[k].
type net struct {
	levels []int // per categorical input: its table has levels+1 rows, the last for unknown codes
	dims   []int // per categorical input: embedding width
	embOff []int // per categorical input: offset of its table in theta (row-major, dims wide)
	embAt  []int // per categorical input: position of its embedding in the input vector
	emb    int   // total embedding width: inputs 0..emb-1 are embeddings
	sizes  []int // layer widths: sizes[0] inputs, then hidden layers, then 1 output
	wOff   []int // per dense layer l: offset of W_l, sizes[l+1]×sizes[l], one row per output unit
	bOff   []int // per dense layer l: offset of b_l, sizes[l+1] values
	dense  int   // offset of the first dense parameter (= total embedding parameters)
	n      int   // len(theta)
}

// newNet lays out a network with the given embedding tables, numeric input
// width and hidden layer widths.
func newNet(levels, dims []int, numeric int, hidden []int) *net {
	nt := &net{levels: levels, dims: dims}
	off := 0
	for k := range levels {
		nt.embOff = append(nt.embOff, off)
		nt.embAt = append(nt.embAt, nt.emb)
		off += (levels[k] + 1) * dims[k]
		nt.emb += dims[k]
	}
	nt.dense = off
	nt.sizes = append([]int{nt.emb + numeric}, hidden...)
	nt.sizes = append(nt.sizes, 1)
	for l := 0; l+1 < len(nt.sizes); l++ {
		nt.wOff = append(nt.wOff, off)
		off += nt.sizes[l+1] * nt.sizes[l]
		nt.bOff = append(nt.bOff, off)
		off += nt.sizes[l+1]
	}
	nt.n = off
	return nt
}

// layers returns the number of dense layers.
func (nt *net) layers() int { return len(nt.sizes) - 1 }

// buffers is the scratch of one chunk of at most rows rows: activations,
// dropout masks and deltas per layer, and the chunk's own gradient of the
// dense parameters, so that chunks can run on separate goroutines and be
// summed in a fixed order.
type buffers struct {
	rows  int         // rows in use
	codes []int32     // rows×len(levels) table rows of the categorical inputs
	acts  [][]float64 // per layer l: rows×sizes[l]; acts[0] is the input
	masks [][]float64 // per hidden layer l ≥ 1: dropout scale of each unit (nil without dropout)
	delta [][]float64 // per layer l: rows×sizes[l] gradient of the loss w.r.t. layer l's pre-activation; delta[0] w.r.t. the input
	score []float64   // rows output scores
	grad  []float64   // gradient of the dense parameters, theta[dense:]
	loss  float64     // weighted loss sum of the chunk
}

// newBuffers allocates scratch for up to rows rows; withGrad adds what the
// backward pass needs.
func (nt *net) newBuffers(rows int, withGrad, dropout bool) *buffers {
	b := &buffers{codes: make([]int32, rows*len(nt.levels)), score: make([]float64, rows)}
	for l, s := range nt.sizes {
		b.acts = append(b.acts, make([]float64, rows*s))
		if withGrad {
			b.delta = append(b.delta, make([]float64, rows*s))
			var m []float64
			if dropout && l > 0 && l+1 < len(nt.sizes) {
				m = make([]float64, rows*s)
			}
			b.masks = append(b.masks, m)
		}
	}
	if withGrad {
		b.grad = make([]float64, nt.n-nt.dense)
	}
	return b
}

// forward computes the output scores of b's rows from b.codes and the
// numeric inputs already in b.acts[0][emb:]. With a non-nil rng it drops
// hidden units with probability drop (inverted dropout: kept units are
// scaled by 1/(1−drop)) and records the masks for backward.
func (nt *net) forward(theta []float64, b *buffers, rng *splitMix, drop float64) {
	in := nt.sizes[0]
	ncat := len(nt.levels)
	x0 := b.acts[0]
	for r := 0; r < b.rows; r++ {
		row := x0[r*in:]
		for k, d := range nt.dims {
			c := int(b.codes[r*ncat+k])
			copy(row[nt.embAt[k]:nt.embAt[k]+d], theta[nt.embOff[k]+c*d:nt.embOff[k]+(c+1)*d])
		}
	}
	keep := 1 / (1 - drop)
	L := nt.layers()
	rows := b.rows
	for l := 0; l < L; l++ {
		nin, nout := nt.sizes[l], nt.sizes[l+1]
		W := theta[nt.wOff[l] : nt.wOff[l]+nin*nout]
		bias := theta[nt.bOff[l] : nt.bOff[l]+nout]
		x, y := b.acts[l][:rows*nin], b.acts[l+1][:rows*nout]
		for r := 0; r < rows; r++ {
			copy(y[r*nout:(r+1)*nout], bias)
		}
		// y = x·Wᵀ + bias, rows×nout.
		blas.Dgemm(cblas.NoTrans, cblas.Trans, rows, nout, nin, 1, x, nin, W, nin, 1, y, nout)
		if l+1 == L {
			continue
		}
		for o, v := range y {
			if v < 0 {
				y[o] = 0
			}
		}
		if rng != nil && drop > 0 {
			mask := b.masks[l+1][:rows*nout]
			for o := range y {
				if rng.float64() < drop {
					mask[o] = 0
					y[o] = 0
				} else {
					mask[o] = keep
					y[o] *= keep
				}
			}
		}
	}
	copy(b.score[:b.rows], b.acts[L][:b.rows])
}

// backward accumulates into b.grad the gradient of the dense parameters
// given b.delta[L] (the gradient w.r.t. the output scores), and leaves in
// b.delta[0][:, 0:emb] the gradient w.r.t. the embeddings. masks says
// whether forward used dropout.
func (nt *net) backward(theta []float64, b *buffers, masks bool) {
	clear(b.grad)
	L := nt.layers()
	rows := b.rows
	for l := L - 1; l >= 0; l-- {
		nin, nout := nt.sizes[l], nt.sizes[l+1]
		W := theta[nt.wOff[l] : nt.wOff[l]+nin*nout]
		gW := b.grad[nt.wOff[l]-nt.dense : nt.wOff[l]-nt.dense+nin*nout]
		gb := b.grad[nt.bOff[l]-nt.dense : nt.bOff[l]-nt.dense+nout]
		x, d := b.acts[l][:rows*nin], b.delta[l+1][:rows*nout]
		for r := 0; r < rows; r++ {
			for o, g := range d[r*nout : (r+1)*nout] {
				gb[o] += g
			}
		}
		// gW += dᵀ·x, nout×nin.
		blas.Dgemm(cblas.Trans, cblas.NoTrans, nout, nin, rows, 1, d, nout, x, nin, 1, gW, nin)
		// Inputs of layer 0 beyond the embeddings need no gradient.
		width := nin
		if l == 0 {
			width = nt.emb
		}
		if width == 0 {
			continue
		}
		// dx = d·W[:, :width], rows×width with stride nin.
		dx := b.delta[l][:rows*nin]
		blas.Dgemm(cblas.NoTrans, cblas.NoTrans, rows, width, nout, 1, d, nout, W, nin, 0, dx, nin)
		if l == 0 {
			continue
		}
		// Through ReLU and dropout: acts = mask·max(0, z).
		var m []float64
		if masks && b.masks[l] != nil {
			m = b.masks[l][:rows*nin]
		}
		for i, a := range x {
			switch {
			case a <= 0:
				dx[i] = 0
			case m != nil:
				dx[i] *= m[i]
			}
		}
	}
}

// axpy adds alpha·x to y elementwise over len(x) elements.
func axpy(alpha float64, x, y []float64) {
	y = y[:len(x)]
	i := 0
	for ; i+4 <= len(x); i += 4 {
		y[i] += alpha * x[i]
		y[i+1] += alpha * x[i+1]
		y[i+2] += alpha * x[i+2]
		y[i+3] += alpha * x[i+3]
	}
	for ; i < len(x); i++ {
		y[i] += alpha * x[i]
	}
}
