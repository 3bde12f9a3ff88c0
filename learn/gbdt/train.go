package gbdt

import (
	"fmt"
	"math"
	"math/rand/v2"

	"promocast/data"
	"promocast/internal/parallel"
	"promocast/model"
)

// Train boosts trees on train. valid, which may be nil, is scored after
// every round (Model.EvalHistory); with Params.EarlyStoppingRounds it
// decides when to stop and which round's trees to keep.
func Train(train, valid *model.Dataset, p Params) (*Model, error) {
	return TrainBinned(nil, train, valid, p)
}

// Binned is a feature matrix turned into bin codes once, for several
// models that train on the same rows and features with different targets
// or weights (TrainBinned): the effect model's nuisance models, a dozen
// targets on one matrix, bin it once instead of a dozen times.
type Binned struct {
	x     *data.Matrix
	feats []model.Feature
	bins  int
	seed  uint64
	b     *binned
}

// Bin bins the matrix X of features feats as Train with p would. X must
// not change while the codes are in use: TrainBinned checks that it is the
// same matrix, not the same values.
func Bin(X *data.Matrix, feats []model.Feature, p Params) (*Binned, error) {
	p, err := p.validate()
	if err != nil {
		return nil, err
	}
	if X == nil {
		return nil, fmt.Errorf("gbdt: no feature matrix to bin")
	}
	if err := X.Check(len(feats)); err != nil {
		return nil, fmt.Errorf("gbdt: training set: %w", err)
	}
	b, err := binDataset(&model.Dataset{X: X, Features: feats}, p.Bins, p.Seed, p.Threads)
	if err != nil {
		return nil, err
	}
	return &Binned{x: X, feats: feats, bins: p.Bins, seed: p.Seed, b: b}, nil
}

// sameCodes says whether bx holds the codes Train would bin ds into with
// p: the same matrix, the same categorical features, bin count and seed.
func (bx *Binned) sameCodes(ds *model.Dataset, p Params) bool {
	if bx.x != ds.X || bx.bins != p.Bins || bx.seed != p.Seed || len(bx.feats) != len(ds.Features) {
		return false
	}
	for f, ft := range ds.Features {
		if ft.Categorical != bx.feats[f].Categorical || ft.Categorical && (ft.Levels != bx.feats[f].Levels || ft.Monotone != 0) {
			return false // a monotone categorical feature Train refuses
		}
	}
	return true
}

// TrainBinned is Train on codes binned by Bin from train's own matrix
// and features with the same bin count and seed, so its model is the one
// Train would give; bx nil bins train here.
func TrainBinned(bx *Binned, train, valid *model.Dataset, p Params) (*Model, error) {
	p, err := p.validate()
	if err != nil {
		return nil, err
	}
	obj := newObjective(p)
	if err := checkDataset(train, "training", obj); err != nil {
		return nil, err
	}
	if bx != nil && !bx.sameCodes(train, p) {
		return nil, fmt.Errorf("gbdt: the binned codes are of another matrix, bin count or seed than the training set and parameters")
	}
	if valid != nil {
		if err := checkDataset(valid, "validation", obj); err != nil {
			return nil, err
		}
		if valid.X.Cols != train.X.Cols {
			return nil, fmt.Errorf("gbdt: validation set has %d features, training set %d", valid.X.Cols, train.X.Cols)
		}
	}
	if p.EarlyStoppingRounds > 0 && (valid == nil || valid.X.Rows == 0) {
		return nil, fmt.Errorf("gbdt: EarlyStoppingRounds is %d but there is no validation set", p.EarlyStoppingRounds)
	}
	var b *binned
	if bx != nil {
		b = bx.b
	} else if b, err = binDataset(train, p.Bins, p.Seed, p.Threads); err != nil {
		return nil, err
	}
	cfg := growConfig{
		penalty:      penalty{l1: p.L1, l2: p.L2, minChildWeight: p.MinChildWeight},
		maxDepth:     p.MaxDepth,
		maxLeaves:    p.MaxLeaves,
		minSplitGain: p.MinSplitGain,
		threads:      p.Threads,
		monotone:     monotone(train.Features),
	}
	var keep []bool
	if p.ScreenOptional {
		if keep, err = screenOptional(train, b, p); err != nil {
			return nil, err
		}
	}
	rng := rand.New(rand.NewPCG(p.Seed, 0x5851f42d4c957f2d))
	gr := newGrower(b, cfg, rng)
	if !p.ExactGradients {
		gr.quantize(p.Seed)
	}

	m := &Model{
		Version:              FormatVersion,
		Objective:            p.Objective,
		TweedieVariancePower: p.TweedieVariancePower,
		Alpha:                p.Alpha,
		BaseScore:            obj.initScore(train.Y, train.W),
		Features:             append([]model.Feature(nil), train.Features...),
	}
	for f, ok := range keep {
		if !ok {
			m.LeftOut = append(m.LeftOut, train.Features[f].Name)
		}
	}
	if p.Objective != Tweedie {
		m.TweedieVariancePower = 0
	}
	if p.Objective != Quantile {
		m.Alpha = 0
	}
	n := train.X.Rows
	score := make([]float64, n)
	for i := range score {
		score[i] = m.BaseScore
	}
	g, h := make([]float64, n), make([]float64, n)
	var renew *quantileRenewer
	if q, ok := obj.(quantileLoss); ok {
		renew = newQuantileRenewer(q.alpha, n)
	}
	var vscore []float64
	if valid != nil {
		vscore = make([]float64, valid.X.Rows)
		for i := range vscore {
			vscore[i] = m.BaseScore
		}
	}
	bestLoss, bestRound := math.Inf(1), -1
	perm := make([]int, b.cols)
	for round := 0; round < p.Rounds; round++ {
		obj.gradients(train.Y, train.W, score, g, h)
		sampleRows(gr, n, p.RowSubsample, rng)
		sampleFeatures(gr.treeFeatures, perm, p.ColSubsample, rng)
		for f, ok := range keep {
			gr.treeFeatures[f] = gr.treeFeatures[f] && ok
		}
		if gr.q != nil {
			gr.q.quantize(g, h, len(gr.rows), round, p.Threads)
		}
		t := gr.grow(g, h)
		if renew != nil {
			renew.renew(t, gr, train.Y, train.W, score)
		}
		for i := range t.Value {
			t.Value[i] *= p.LearningRate
		}
		// The tree's rows are partitioned into its leaves; the rows the
		// round left out of its sample are walked down the tree on their
		// bin codes, in parallel blocks (each row's score is its own, so
		// the result does not depend on the threads).
		parallel.For(len(gr.leaves), p.Threads, func(k int) {
			lf := gr.leaves[k]
			v := t.Value[lf.node]
			for _, r := range gr.rows[lf.begin:lf.end] {
				score[r] += v
			}
		})
		if out := gr.out; len(out) > 0 {
			const block = 8192
			parallel.For((len(out)+block-1)/block, p.Threads, func(k int) {
				for _, r := range out[k*block : min((k+1)*block, len(out))] {
					score[r] += t.Value[gr.leafOf(t, int(r))]
				}
			})
		}
		m.Trees = append(m.Trees, *t)
		if valid == nil {
			continue
		}
		for i := range vscore {
			vscore[i] += t.Value[t.leaf(valid.X.Row(i))]
		}
		loss := obj.loss(valid.Y, valid.W, vscore)
		m.EvalHistory = append(m.EvalHistory, loss)
		if loss < bestLoss {
			bestLoss, bestRound = loss, round
		}
		if p.EarlyStoppingRounds > 0 && round-bestRound >= p.EarlyStoppingRounds {
			break
		}
	}
	if p.EarlyStoppingRounds > 0 && bestRound >= 0 {
		m.Trees = m.Trees[:bestRound+1]
	}
	if err := m.compile(); err != nil {
		return nil, err
	}
	return m, nil
}

// checkDataset reports what is wrong with a training or validation set.
func checkDataset(ds *model.Dataset, role string, obj objective) error {
	if ds == nil {
		return fmt.Errorf("gbdt: no %s set", role)
	}
	if err := ds.Check(); err != nil {
		return fmt.Errorf("gbdt: %s set: %w", role, err)
	}
	if ds.X.Rows == 0 {
		return fmt.Errorf("gbdt: %s set has no rows", role)
	}
	if ds.X.Rows > math.MaxUint32 {
		return fmt.Errorf("gbdt: %s set has %d rows, more than %d", role, ds.X.Rows, uint32(math.MaxUint32))
	}
	for i, w := range ds.W {
		if !(w >= 0) || math.IsInf(w, 1) {
			return fmt.Errorf("gbdt: %s set: weight of row %d is %v: expected a finite non-negative number", role, i, w)
		}
	}
	if err := obj.check(ds.Y); err != nil {
		return fmt.Errorf("%w (%s set)", err, role)
	}
	return nil
}

func monotone(feats []model.Feature) []int8 {
	m := make([]int8, len(feats))
	for f, ft := range feats {
		switch {
		case ft.Monotone > 0:
			m[f] = 1
		case ft.Monotone < 0:
			m[f] = -1
		}
	}
	return m
}

// sampleRows sets gr.rows to the rows of the next tree, each row with
// probability frac, and gr.out to the others, both in ascending order.
//
// A row is kept when rng.Float64() < frac; Float64 is the low 53 bits of
// a Uint64 over 2⁵³, so the same test on the integer against
// ⌈frac·2⁵³⌉ keeps the same rows without the conversion. Every index is
// written to both lists and only its list's next slot taken: a branch on
// the draw would be mispredicted as often as rows are left out.
func sampleRows(gr *grower, n int, frac float64, rng *rand.Rand) {
	if frac >= 1 {
		gr.rows, gr.out = append(gr.rows[:0], gr.iota[:n]...), gr.out[:0]
		return
	}
	const low53 = 1<<53 - 1
	keep := uint64(math.Ceil(frac * (1 << 53)))
	rows, out := gr.rows[:n], gr.out[:n]
	k, o := 0, 0
	for i := range rows {
		rows[k], out[o] = uint32(i), uint32(i)
		in := b2i(rng.Uint64()&low53 < keep)
		k, o = k+in, o+1-in
	}
	gr.rows, gr.out = rows[:k], out[:o]
}

// sampleFeatures marks round(frac·len(mask)) features, at least one,
// drawn at random; perm is scratch of len(mask).
func sampleFeatures(mask []bool, perm []int, frac float64, rng *rand.Rand) {
	if frac >= 1 {
		for f := range mask {
			mask[f] = true
		}
		return
	}
	k := max(1, int(math.Round(frac*float64(len(mask)))))
	for f := range perm {
		perm[f] = f
		mask[f] = false
	}
	for i := 0; i < k; i++ {
		j := i + rng.IntN(len(perm)-i)
		perm[i], perm[j] = perm[j], perm[i]
		mask[perm[i]] = true
	}
}

// quantileRenewer resets each leaf of a quantile tree to the weighted
// alpha-quantile of its rows' residuals, as LightGBM does: the gradient
// step of the pinball loss only says which way to move, not how far.
type quantileRenewer struct {
	alpha float64
	res   []float64
	w     []float64
	idx   []int32
}

func newQuantileRenewer(alpha float64, n int) *quantileRenewer {
	return &quantileRenewer{alpha: alpha, res: make([]float64, n), w: make([]float64, n), idx: make([]int32, n)}
}

func (q *quantileRenewer) renew(t *Tree, gr *grower, y, w, score []float64) {
	for _, lf := range gr.leaves {
		seg := gr.rows[lf.begin:lf.end]
		res, ws, idx := q.res[:len(seg)], q.w[:len(seg)], q.idx[:len(seg)]
		for k, r := range seg {
			res[k] = y[r] - score[r]
			ws[k] = weightAt(w, int(r))
			idx[k] = int32(k)
		}
		v := weightedQuantile(res, ws, q.alpha, idx)
		t.Value[lf.node] = math.Min(math.Max(v, lf.lower), lf.upper)
	}
}
