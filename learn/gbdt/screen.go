package gbdt

import (
	"math"
	"math/rand/v2"

	"promocast/data"
	"promocast/model"
)

// Screening of optional features (model.Feature.Optional: covariates a
// user declared without saying what they do). With Params.ScreenOptional
// the trees leave out an optional feature that carries nothing of its own:
//   - one whose bin codes repeat, on every row, those of a feature kept
//     before it or of any feature that is not optional (a column given
//     twice, or rescaled: the trees would split on either alike);
//   - one whose permutation does not make a quick fit's error worse on
//     rows it did not see: a fit of at most screenRounds rounds on four
//     fifths of a spread of at most screenRows training rows scores the
//     other fifth as it is and with the feature's values shuffled among
//     those rows (screenShuffles times, averaged per row), and the
//     feature is kept only when the mean increase of the rows' loss is
//     more than screenT standard errors above zero, the error read from
//     screenBlocks runs of consecutive held-out rows (blockMeans). The
//     rows are in time order and the fifth held out is the latest, so a
//     covariate is judged by what it tells about later periods, as a
//     forecast uses it. With fewer than
//     screenMinHeld rows to hold out there is too little to judge by, and
//     the feature is kept.
//
// A column unrelated to the target leaves the held-out error unchanged in
// expectation, so it passes with chance about 0.4% (a one-sided test at
// three standard errors of 20 block means, 19 degrees of freedom; at two,
// 2 of 45 noise columns' fits on tuna passed, enough for a fold's
// forecasts to move), where comparing
// in-sample split gains with shuffled copies' (as the Boruta method does)
// let about one noise column in seven through on a panel of two thousand
// rows. A covariate that matters moves the held-out error by far more. The screen reads only the
// training rows, so a backtest fold's choice never sees its future.
const (
	screenRows     = 20_000
	screenRounds   = 100
	screenShuffles = 3
	screenT        = 3.0
	// screenBlocks is the number of blocks of held-out rows whose mean
	// increases the test is made on (blockMeans).
	screenBlocks = 20
	// screenMinHeld is the fewest held-out rows the test is made on;
	// with fewer, every optional feature that is not a copy is kept.
	screenMinHeld = 30
)

// screenOptional returns which features the trees may split on, or nil
// when every one may.
func screenOptional(ds *model.Dataset, b *binned, p Params) ([]bool, error) {
	var optional []int
	for f, ft := range ds.Features {
		if ft.Optional {
			optional = append(optional, f)
		}
	}
	if len(optional) == 0 {
		return nil, nil
	}
	keep := make([]bool, b.cols)
	for f := range keep {
		keep[f] = true
	}
	var rest []int
	hashes := columnHashes(b)
	for _, f := range optional {
		if repeatsKept(b, f, keep, ds.Features, hashes) {
			keep[f] = false
		} else {
			rest = append(rest, f)
		}
	}
	if len(rest) > 0 && min(ds.X.Rows, screenRows)/5 >= screenMinHeld {
		signal, err := heldOutSignal(ds, keep, rest, p)
		if err != nil {
			return nil, err
		}
		for k, f := range rest {
			keep[f] = signal[k]
		}
	}
	return keep, nil
}

// repeatsKept reports whether feature f's codes equal, on every row, those
// of another feature that is kept and either not optional or before f;
// hashes holds every column's hash (columnHashes).
func repeatsKept(b *binned, f int, keep []bool, feats []model.Feature, hashes []uint64) bool {
	for g := range feats {
		if g == f || !keep[g] || (feats[g].Optional && g > f) || b.nbins[g] != b.nbins[f] || hashes[g] != hashes[f] {
			continue
		}
		same := true
		for i := 0; i < b.rows && same; i++ {
			same = b.codes[i*b.cols+f] == b.codes[i*b.cols+g]
		}
		if same {
			return true
		}
	}
	return false
}

// columnHashes returns every feature's FNV-1a hash of its codes, in one
// pass over the row-major codes.
func columnHashes(b *binned) []uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := make([]uint64, b.cols)
	for f := range h {
		h[f] = offset
	}
	for i := 0; i < b.rows; i++ {
		for f, c := range b.codes[i*b.cols : (i+1)*b.cols] {
			h[f] = (h[f] ^ uint64(c)) * prime
		}
	}
	return h
}

// heldOutSignal reports, for each feature of rest, whether shuffling it
// makes a quick fit's held-out error worse by more than screenT standard
// errors (see screenOptional). The fit uses the features keep marks.
func heldOutSignal(ds *model.Dataset, keep []bool, rest []int, p Params) ([]bool, error) {
	n := ds.X.Rows
	m := min(n, screenRows)
	var cols []int // the kept features, in order
	at := make([]int, ds.X.Cols)
	for f, ok := range keep {
		at[f] = -1
		if ok {
			at[f] = len(cols)
			cols = append(cols, f)
		}
	}
	subset := func(rows []int) *model.Dataset {
		d := &model.Dataset{X: data.NewMatrix(len(rows), len(cols)), Y: make([]float64, len(rows))}
		for _, f := range cols {
			d.Features = append(d.Features, ds.Features[f])
		}
		if ds.W != nil {
			d.W = make([]float64, len(rows))
		}
		for r, i := range rows {
			src, dst := ds.X.Row(i), d.X.Row(r)
			for j, f := range cols {
				dst[j] = src[f]
			}
			d.Y[r] = ds.Y[i]
			if ds.W != nil {
				d.W[r] = ds.W[i]
			}
		}
		return d
	}
	// The rows are in time order (forecast.Prepared.Dataset), and the
	// latest fifth of the spread is held out: a covariate is kept for
	// what it tells about periods after those the fit saw, as a forecast
	// uses it. Rows held out among the fit's own periods would keep a
	// column that is the same for every series in a period (a rival's
	// price, the weather) for naming the period, which helps no forecast.
	var fit, held []int
	for k := 0; k < m; k++ {
		i := int(int64(k) * int64(n) / int64(m))
		if k >= m-m/5 {
			held = append(held, i)
		} else {
			fit = append(fit, i)
		}
	}
	q := p
	q.ScreenOptional, q.EarlyStoppingRounds = false, 0
	q.Rounds = min(p.Rounds, screenRounds)
	quick, err := Train(subset(fit), nil, q)
	if err != nil {
		return nil, err
	}
	h := subset(held)
	obj := newObjective(q)
	base := make([]float64, len(held))
	if err := quick.PredictRaw(h.X, base); err != nil {
		return nil, err
	}
	rowLoss := func(score []float64, r int) float64 {
		var w []float64
		if h.W != nil {
			w = h.W[r : r+1]
		}
		return obj.loss(h.Y[r:r+1], w, score[r:r+1])
	}
	rng := rand.New(rand.NewPCG(p.Seed, 0x6a09e667f3bcc909))
	shuffled := data.NewMatrix(h.X.Rows, h.X.Cols)
	score := make([]float64, len(held))
	delta := make([]float64, len(held))
	signal := make([]bool, len(rest))
	for k, f := range rest {
		j := at[f]
		for r := range delta {
			delta[r] = 0
		}
		for rep := 0; rep < screenShuffles; rep++ {
			copy(shuffled.Values, h.X.Values)
			perm := rng.Perm(len(held))
			for r, pr := range perm {
				shuffled.Row(r)[j] = h.X.Row(pr)[j]
			}
			if err := quick.PredictRaw(shuffled, score); err != nil {
				return nil, err
			}
			for r := range delta {
				delta[r] += (rowLoss(score, r) - rowLoss(base, r)) / screenShuffles
			}
		}
		signal[k] = tStat(blockMeans(delta, screenBlocks)) > screenT
	}
	return signal, nil
}

// blockMeans returns the means of x over n contiguous blocks of near-equal
// length (fewer when x is shorter). The held-out rows of one period share
// the period's shock, and a covariate that names the period moves their
// losses together: judged row by row, such rows would count as many
// independent draws and the standard error would read far too small.
// Contiguous blocks of time-ordered rows hold whole periods, or runs of
// them, and their means vary as independent draws do — when the held-out
// rows span at least n periods. With fewer (a few months of a monthly
// panel) a period's rows fall in several blocks, which share its shock,
// and the error again reads too small: blocks on period boundaries would
// need the rows' periods, which a dataset does not carry.
func blockMeans(x []float64, n int) []float64 {
	n = min(n, len(x))
	out := make([]float64, n)
	for b := range out {
		lo, hi := b*len(x)/n, (b+1)*len(x)/n
		for _, v := range x[lo:hi] {
			out[b] += v
		}
		out[b] /= float64(hi - lo)
	}
	return out
}

// tStat is the mean of x over its standard error; 0 when x has fewer than
// two values or none varies.
func tStat(x []float64) float64 {
	if len(x) < 2 {
		return 0
	}
	var s, ss float64
	for _, v := range x {
		s += v
	}
	mean := s / float64(len(x))
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	se := math.Sqrt(ss / float64(len(x)-1) / float64(len(x)))
	if se == 0 {
		return 0
	}
	return mean / se
}
