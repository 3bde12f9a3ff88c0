package nn

import (
	"fmt"
	"math"
	"sync"

	"promocast/model"
)

// chunkRows is the number of rows one goroutine handles at a time. A batch
// is cut into chunks of this size whatever the number of threads, and the
// chunks' gradients are summed in chunk order, so the model does not
// depend on Threads.
const chunkRows = 64

// Adam's moment decay rates and denominator guard.
const (
	beta1   = 0.9
	beta2   = 0.999
	epsilon = 1e-8
)

// FitInfo reports how training went.
type FitInfo struct {
	// TrainRows and ValidRows count the rows trained on and held out.
	TrainRows int `json:"train_rows"`
	ValidRows int `json:"valid_rows"`
	// Epochs is the number of epochs run; BestEpoch (1-based) the one
	// whose weights the model keeps: the lowest validation loss, or the
	// last epoch without validation.
	Epochs    int `json:"epochs"`
	BestEpoch int `json:"best_epoch"`
	// Stopped is true when early stopping ended training before the
	// epoch limit.
	Stopped bool `json:"stopped,omitempty"`
	// TrainLoss and ValidLoss are each epoch's mean weighted loss on the
	// training rows (as trained, with dropout) and on the held-out rows,
	// in the units of the training target (see Target).
	TrainLoss []float64 `json:"train_loss"`
	ValidLoss []float64 `json:"valid_loss,omitempty"`
}

// trainer holds the state of one fit.
type trainer struct {
	ds    *model.Dataset
	p     Params
	obj   objective
	enc   *encoder
	nt    *net
	t     []float64 // training target of every row
	theta []float64
	grad  []float64
	m, v  []float64  // Adam moments
	bufs  []*buffers // one per chunk of a batch
}

// Fit trains a network on ds. Rows must come in time order: the last
// p.Validation of them are held out for early stopping (see Params). The
// standardisation of the inputs and target is learned from the training
// rows only.
func Fit(ds *model.Dataset, p Params) (*Model, error) {
	p, err := p.validate()
	if err != nil {
		return nil, err
	}
	tr, tg, ntrain, err := newTrainer(ds, p)
	if err != nil {
		return nil, err
	}
	info, err := tr.run(ntrain)
	if err != nil {
		return nil, err
	}
	feats := append([]model.Feature{}, ds.Features...)
	return &Model{Features: feats, Params: p, Target: tg, Info: info, cols: tr.enc.cols,
		theta: tr.theta, enc: newEncoder(feats, tr.enc.cols), nt: tr.nt}, nil
}

// newTrainer checks ds, learns the input and target maps from its training
// rows and draws the initial network; it returns the trainer, the target
// map and the number of training rows. p has its defaults filled in.
func newTrainer(ds *model.Dataset, p Params) (*trainer, Target, int, error) {
	if ds == nil {
		return nil, Target{}, 0, fmt.Errorf("nn: no dataset")
	}
	if err := ds.Check(); err != nil {
		return nil, Target{}, 0, fmt.Errorf("nn: %w", err)
	}
	n := ds.X.Rows
	if n == 0 {
		return nil, Target{}, 0, fmt.Errorf("nn: dataset has no rows")
	}
	ntrain := n
	if p.Validation > 0 {
		nv := int(float64(n) * p.Validation)
		if nv < 1 || nv >= n {
			return nil, Target{}, 0, fmt.Errorf("nn: %d rows leave %d for validation and %d for training; use more rows or a negative validation for none", n, nv, n-nv)
		}
		ntrain = n - nv
	}
	if err := checkInput(ds, p, ntrain); err != nil {
		return nil, Target{}, 0, err
	}
	obj := objective{loss: p.Loss, alpha: p.Alpha}
	cols := fitColumns(ds, ntrain, p.MaxEmbedding)
	enc := newEncoder(ds.Features, cols)
	levels, dims := enc.levels()
	nt := newNet(levels, dims, enc.inputs, p.Hidden)
	tg, bias := fitTarget(obj, ds.Y, ds.Weight, ntrain)

	tr := &trainer{ds: ds, p: p, obj: obj, enc: enc, nt: nt,
		t: make([]float64, n), theta: make([]float64, nt.n), grad: make([]float64, nt.n),
		m: make([]float64, nt.n), v: make([]float64, nt.n)}
	for i, y := range ds.Y {
		tr.t[i] = tg.train(y)
	}
	for c := 0; c < (min(p.BatchSize, n)+chunkRows-1)/chunkRows; c++ {
		tr.bufs = append(tr.bufs, nt.newBuffers(chunkRows, true, p.dropout() > 0))
	}
	tr.init(bias)
	return tr, tg, ntrain, nil
}

// checkInput rejects weights, levels and targets the loss cannot use.
func checkInput(ds *model.Dataset, p Params, ntrain int) error {
	if len(ds.Features) == 0 {
		return fmt.Errorf("nn: dataset has no features")
	}
	for j, f := range ds.Features {
		if f.Categorical && f.Levels < 0 {
			return fmt.Errorf("nn: feature %d (%s) has %d levels, expected ≥ 0", j, f.Name, f.Levels)
		}
	}
	sw := 0.0
	for i := 0; i < ds.X.Rows; i++ {
		w := ds.Weight(i)
		if !(w >= 0) || math.IsInf(w, 0) {
			return fmt.Errorf("nn: weight of row %d is %v, expected a finite number ≥ 0", i, w)
		}
		if i < ntrain {
			sw += w
		}
		y := ds.Y[i]
		switch {
		case p.Loss == LossPoisson && y < 0:
			return fmt.Errorf("nn: target of row %d is %v, the poisson loss expects ≥ 0", i, y)
		case p.Loss == LossLogistic && !(y >= 0 && y <= 1):
			return fmt.Errorf("nn: target of row %d is %v, the logistic loss expects 0 or 1 (or a probability)", i, y)
		}
	}
	if !(sw > 0) || math.IsInf(sw, 0) {
		return fmt.Errorf("nn: the %d training rows weigh %v in total, expected a finite number > 0", ntrain, sw)
	}
	return nil
}

// init draws the initial weights: embeddings N(0, 0.01²), hidden layers
// He-normal N(0, 2/fan-in), the output layer N(0, 1/fan-in) with its bias
// at the constant best prediction.
func (tr *trainer) init(bias float64) {
	nt := tr.nt
	rng := newRNG(tr.p.Seed, 0)
	for i := 0; i < nt.dense; i++ {
		tr.theta[i] = 0.01 * rng.normal()
	}
	L := nt.layers()
	for l := 0; l < L; l++ {
		nin, nout := nt.sizes[l], nt.sizes[l+1]
		sd := math.Sqrt(2 / float64(max(1, nin)))
		if l == L-1 {
			sd = math.Sqrt(1 / float64(max(1, nin)))
		}
		for i := range nin * nout {
			tr.theta[nt.wOff[l]+i] = sd * rng.normal()
		}
	}
	tr.theta[nt.bOff[L-1]] = bias
}

// run trains for up to p.Epochs epochs on rows 0..ntrain-1, validating on
// the rest, and leaves the kept weights in tr.theta.
func (tr *trainer) run(ntrain int) (FitInfo, error) {
	p := tr.p
	n := tr.ds.X.Rows
	info := FitInfo{TrainRows: ntrain, ValidRows: n - ntrain}
	order := make([]int, ntrain)
	for i := range order {
		order[i] = i
	}
	valid := make([]int, n-ntrain)
	for i := range valid {
		valid[i] = ntrain + i
	}
	steps := (ntrain + p.BatchSize - 1) / p.BatchSize
	total := p.Epochs * steps
	rng := newRNG(p.Seed, 1)
	var best []float64
	bestLoss := math.Inf(1)
	step := 0
	for e := 0; e < p.Epochs; e++ {
		rng.shuffle(order)
		var sw, sl float64
		for s := 0; s < steps; s++ {
			batch := order[s*p.BatchSize : min((s+1)*p.BatchSize, ntrain)]
			w, l := tr.gradient(batch, uint64(step), true)
			sw += w
			sl += l
			if w > 0 {
				tr.adam(step, tr.rate(step, total))
			}
			step++
		}
		info.Epochs = e + 1
		info.TrainLoss = append(info.TrainLoss, sl/sw)
		if math.IsNaN(sl) || math.IsInf(sl, 0) {
			return info, fmt.Errorf("nn: training diverged in epoch %d (loss %v); lower learning_rate", e+1, sl/sw)
		}
		if len(valid) == 0 {
			info.BestEpoch = e + 1
			continue
		}
		vw, vl := tr.gradient(valid, 0, false)
		loss := vl / vw
		if vw == 0 {
			loss = 0
		}
		info.ValidLoss = append(info.ValidLoss, loss)
		if loss < bestLoss || best == nil {
			bestLoss = loss
			best = append(best[:0], tr.theta...)
			info.BestEpoch = e + 1
		} else if e+1-info.BestEpoch >= p.Patience {
			info.Stopped = e+1 < p.Epochs
			break
		}
	}
	if best != nil {
		copy(tr.theta, best)
	}
	for i, v := range tr.theta {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return info, fmt.Errorf("nn: parameter %d is %v after training; lower learning_rate", i, v)
		}
	}
	return info, nil
}

// rate returns the learning rate of the given step of total.
func (tr *trainer) rate(step, total int) float64 {
	lr := tr.p.LearningRate
	frac := float64(step) / float64(max(1, total))
	switch tr.p.Schedule {
	case ScheduleCosine:
		return lr * (0.01 + 0.99*0.5*(1+math.Cos(math.Pi*frac)))
	case ScheduleStep:
		switch {
		case frac >= 0.75:
			return lr * 0.01
		case frac >= 0.5:
			return lr * 0.1
		}
	}
	return lr
}

// gradient computes the weighted loss of rows and, with train set, the
// gradient of the mean weighted loss Σwℓ/Σw in tr.grad (dropout on, with
// the step's random streams). It returns Σw and Σwℓ. Chunks of rows run
// on up to p.Threads goroutines and are summed in chunk order.
func (tr *trainer) gradient(rows []int, step uint64, train bool) (sw, sl float64) {
	for _, i := range rows {
		sw += tr.ds.Weight(i)
	}
	nc := len(tr.bufs)
	if train {
		clear(tr.grad)
	}
	for start := 0; start < len(rows); start += nc * chunkRows {
		group := rows[start:min(len(rows), start+nc*chunkRows)]
		chunks := (len(group) + chunkRows - 1) / chunkRows
		work := func(c int) {
			tr.chunk(tr.bufs[c], group[c*chunkRows:min(len(group), (c+1)*chunkRows)], step, uint64(c), sw, train)
		}
		threads := min(tr.p.Threads, chunks)
		if threads <= 1 {
			for c := 0; c < chunks; c++ {
				work(c)
			}
		} else {
			var wg sync.WaitGroup
			for t := 0; t < threads; t++ {
				wg.Go(func() {
					for c := t; c < chunks; c += threads {
						work(c)
					}
				})
			}
			wg.Wait()
		}
		for c := 0; c < chunks; c++ {
			b := tr.bufs[c]
			sl += b.loss
			if !train {
				continue
			}
			axpy(1, b.grad, tr.grad[tr.nt.dense:])
			tr.scatter(b)
		}
	}
	return sw, sl
}

// chunk runs forward (and with train, backward) on rows into b; sw is the
// batch's total weight, which scales the output gradient.
func (tr *trainer) chunk(b *buffers, rows []int, step, c uint64, sw float64, train bool) {
	nt, enc := tr.nt, tr.enc
	in, ncat := nt.sizes[0], len(nt.levels)
	b.rows = len(rows)
	for r, i := range rows {
		enc.encode(tr.ds.X.Row(i), b.codes[r*ncat:(r+1)*ncat], b.acts[0][r*in+nt.emb:(r+1)*in])
	}
	var rng *splitMix
	drop := tr.p.dropout()
	if train && drop > 0 {
		rng = newRNG(tr.p.Seed, 2, step, c)
	}
	nt.forward(tr.theta, b, rng, drop)
	b.loss = 0
	var out []float64
	if train {
		out = b.delta[nt.layers()]
	}
	for r, i := range rows {
		w := tr.ds.Weight(i)
		l, g := tr.obj.value(b.score[r], tr.t[i])
		b.loss += w * l
		if train {
			out[r] = w * g / sw
		}
	}
	if train {
		nt.backward(tr.theta, b, rng != nil)
	}
}

// scatter adds the embedding gradients of b's rows to their table rows.
func (tr *trainer) scatter(b *buffers) {
	nt := tr.nt
	in, ncat := nt.sizes[0], len(nt.levels)
	for r := 0; r < b.rows; r++ {
		d0 := b.delta[0][r*in:]
		for k, d := range nt.dims {
			c := int(b.codes[r*ncat+k])
			axpy(1, d0[nt.embAt[k]:nt.embAt[k]+d], tr.grad[nt.embOff[k]+c*d:])
		}
	}
}

// adam takes one AdamW step of size lr along tr.grad.
func (tr *trainer) adam(step int, lr float64) {
	t := float64(step + 1)
	c1 := 1 / (1 - math.Pow(beta1, t))
	c2 := 1 / (1 - math.Pow(beta2, t))
	m, v, g, th := tr.m, tr.v, tr.grad, tr.theta
	for i := range th {
		gi := g[i]
		m[i] = beta1*m[i] + (1-beta1)*gi
		v[i] = beta2*v[i] + (1-beta2)*gi*gi
		th[i] -= lr * m[i] * c1 / (math.Sqrt(v[i]*c2) + epsilon)
	}
	wd := tr.p.decay()
	if wd == 0 {
		return
	}
	f := 1 - lr*wd
	nt := tr.nt
	for i := 0; i < nt.dense; i++ {
		th[i] *= f
	}
	for l := range nt.layers() {
		for i := nt.wOff[l]; i < nt.bOff[l]; i++ {
			th[i] *= f
		}
	}
}
