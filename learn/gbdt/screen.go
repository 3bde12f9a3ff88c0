package gbdt

import (
	"hash/fnv"
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
//   - one that, in each of screenRepeats quick fits on at most screenRows
//     rows beside a row-shuffled copy of every optional feature (a shadow,
//     as the Boruta method screens features), does not gain more from its
//     splits than the best shadow at least once in every fit.
//
// A noise column beats the best of k shadows in one fit with chance about
// 1/(k+1), so it survives all three with chance below one in eight even
// alone; a covariate that carries signal beats shuffled copies of itself
// by far. The screen reads only the training rows, so a backtest fold's
// choice never sees its future.
const (
	screenRows    = 20_000
	screenRepeats = 3
	screenRounds  = 100
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
	for _, f := range optional {
		if repeatsKept(b, f, keep, ds.Features) {
			keep[f] = false
		} else {
			rest = append(rest, f)
		}
	}
	if len(rest) > 0 {
		wins, err := shadowWins(ds, rest, p)
		if err != nil {
			return nil, err
		}
		for k, f := range rest {
			keep[f] = wins[k] == screenRepeats
		}
	}
	return keep, nil
}

// repeatsKept reports whether feature f's codes equal, on every row, those
// of another feature that is kept and either not optional or before f.
func repeatsKept(b *binned, f int, keep []bool, feats []model.Feature) bool {
	h := columnHash(b, f)
	for g := range feats {
		if g == f || !keep[g] || (feats[g].Optional && g > f) || b.nbins[g] != b.nbins[f] || columnHash(b, g) != h {
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

// columnHash is the FNV-1a hash of feature f's codes.
func columnHash(b *binned, f int) uint64 {
	h := fnv.New64a()
	buf := make([]byte, 0, 4096)
	for i := 0; i < b.rows; i++ {
		buf = append(buf, b.codes[i*b.cols+f])
		if len(buf) == cap(buf) {
			h.Write(buf)
			buf = buf[:0]
		}
	}
	h.Write(buf)
	return h.Sum64()
}

// shadowWins fits screenRepeats quick models on a spread of at most
// screenRows training rows, each beside freshly shuffled shadows of the
// features rest, and counts for each feature of rest the fits in which
// its splits gained more than the best shadow's.
func shadowWins(ds *model.Dataset, rest []int, p Params) ([]int, error) {
	n := ds.X.Rows
	rows := make([]int, 0, min(n, screenRows))
	for k := 0; k < min(n, screenRows); k++ {
		rows = append(rows, int(int64(k)*int64(n)/int64(min(n, screenRows))))
	}
	cols := ds.X.Cols
	sub := &model.Dataset{
		X:        data.NewMatrix(len(rows), cols+len(rest)),
		Y:        make([]float64, len(rows)),
		Features: append(append([]model.Feature(nil), ds.Features...), make([]model.Feature, len(rest))...),
	}
	if ds.W != nil {
		sub.W = make([]float64, len(rows))
	}
	for k, f := range rest {
		sh := ds.Features[f]
		sh.Name, sh.Optional, sh.Monotone = "shadow_"+sh.Name, false, 0
		sub.Features[cols+k] = sh
	}
	for r, i := range rows {
		copy(sub.X.Row(r)[:cols], ds.X.Row(i))
		sub.Y[r] = ds.Y[i]
		if ds.W != nil {
			sub.W[r] = ds.W[i]
		}
	}
	q := p
	q.ScreenOptional, q.EarlyStoppingRounds = false, 0
	q.Rounds = min(p.Rounds, screenRounds)
	wins := make([]int, len(rest))
	perm := make([]int, len(rows))
	for rep := 0; rep < screenRepeats; rep++ {
		rng := rand.New(rand.NewPCG(p.Seed, 0x6a09e667f3bcc909+uint64(rep)))
		for k, f := range rest {
			for r := range perm {
				perm[r] = r
			}
			rng.Shuffle(len(perm), func(a, b int) { perm[a], perm[b] = perm[b], perm[a] })
			for r := range rows {
				sub.X.Row(r)[cols+k] = ds.X.Row(rows[perm[r]])[f]
			}
		}
		q.Seed = p.Seed + uint64(rep)
		m, err := Train(sub, nil, q)
		if err != nil {
			return nil, err
		}
		gain, err := m.Importance(ImportanceGain)
		if err != nil {
			return nil, err
		}
		best := 0.0
		for k := range rest {
			best = max(best, gain[cols+k])
		}
		for k, f := range rest {
			if gain[f] > best {
				wins[k]++
			}
		}
	}
	return wins, nil
}
