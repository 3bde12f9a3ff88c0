package recommend

import (
	"cmp"
	"slices"
)

// userKNN holds, for the tifu-knn baseline, every customer's TIFU vector
// (sparse, items in code order) and their nearest customers.
type userKNN struct {
	start []int64 // customer c's vector is items/weights[start[c]:start[c+1]]
	items []int32
	w     []float64
	nbr   [][]int32 // nearest customers, nearest first
}

// fitUserKNN computes the TIFU vectors of v's customers and, for each, the
// k nearest others by Euclidean distance, ‖u−x‖² = ‖u‖² + ‖x‖² − 2u·x:
// the dot products come from an item → customers index, so customers who
// share no item with u cost nothing beyond their norm, and of those only
// the k of smallest norm can be among the nearest.
func fitUserKNN(v *view, k int, threads int) *userKNN {
	b := v.b
	n := len(b.Customers)
	u := &userKNN{start: make([]int64, n+1), nbr: make([][]int32, n)}
	p := newProfile(v.nItems)
	norm := make([]float64, n)
	for c := range n {
		if b.NumBaskets(c) > 0 {
			p.load(v, c)
			for _, it := range p.items {
				u.items = append(u.items, it)
				u.w = append(u.w, p.decay[it])
				norm[c] += p.decay[it] * p.decay[it]
			}
		}
		u.start[c+1] = int64(len(u.items))
	}
	iStart, iCusts := invert(u.start, u.items, v.nItems)
	// Weight of customer iCusts[e] for the item of entry e.
	iW := make([]float64, len(iCusts))
	pos := slices.Clone(iStart[:v.nItems])
	for c := range n {
		for e := u.start[c]; e < u.start[c+1]; e++ {
			iW[pos[u.items[e]]] = u.w[e]
			pos[u.items[e]]++
		}
	}
	byNorm := make([]int32, 0, n)
	for c := range n {
		if b.NumBaskets(c) > 0 {
			byNorm = append(byNorm, int32(c))
		}
	}
	slices.SortStableFunc(byNorm, func(a, c int32) int { return cmp.Compare(norm[a], norm[c]) })
	type cand struct {
		c int32
		d float64
	}
	parallelBlocks(n, threads, func(_, lo, hi int) {
		dot := make([]float64, n)
		var touched []int32
		var cands []cand
		for c := lo; c < hi; c++ {
			if b.NumBaskets(c) == 0 {
				continue
			}
			touched = touched[:0]
			for e := u.start[c]; e < u.start[c+1]; e++ {
				it, w := u.items[e], u.w[e]
				for f := iStart[it]; f < iStart[it+1]; f++ {
					x := iCusts[f]
					if dot[x] == 0 {
						touched = append(touched, x)
					}
					dot[x] += w * iW[f]
				}
			}
			// Keep the k nearest in a max-heap on (distance, customer).
			cands = cands[:0]
			farther := func(a, b cand) bool { return a.d > b.d || (a.d == b.d && a.c > b.c) }
			push := func(x cand) {
				if len(cands) == k {
					if !farther(cands[0], x) {
						return
					}
					cands[0] = x
				} else {
					cands = append(cands, x)
					for i := len(cands) - 1; i > 0; {
						p := (i - 1) / 2
						if !farther(cands[i], cands[p]) {
							break
						}
						cands[i], cands[p] = cands[p], cands[i]
						i = p
					}
					return
				}
				for i := 0; ; {
					l := 2*i + 1
					if l >= len(cands) {
						break
					}
					if r := l + 1; r < len(cands) && farther(cands[r], cands[l]) {
						l = r
					}
					if !farther(cands[l], cands[i]) {
						break
					}
					cands[i], cands[l] = cands[l], cands[i]
					i = l
				}
			}
			for _, x := range touched {
				if int(x) != c {
					push(cand{x, norm[c] + norm[x] - 2*dot[x]})
				}
			}
			added := 0
			for _, x := range byNorm {
				if added == k {
					break
				}
				if int(x) != c && dot[x] == 0 {
					push(cand{x, norm[c] + norm[x]})
					added++
				}
			}
			for _, x := range touched {
				dot[x] = 0
			}
			slices.SortFunc(cands, func(a, b cand) int {
				if r := cmp.Compare(a.d, b.d); r != 0 {
					return r
				}
				return cmp.Compare(a.c, b.c)
			})
			nb := make([]int32, len(cands))
			for i, cd := range cands {
				nb[i] = cd.c
			}
			u.nbr[c] = nb
		}
	})
	return u
}

// score sets acc (by item) to customer c's tifu-knn score, alpha times
// their own vector plus 1 − alpha times their neighbours' mean, and
// returns the items it touched.
func (u *userKNN) score(c int, alpha float64, acc []float64, touched []int32) []int32 {
	add := func(x int32, f float64) {
		for e := u.start[x]; e < u.start[x+1]; e++ {
			it := u.items[e]
			if acc[it] == 0 {
				touched = append(touched, it)
			}
			acc[it] += f * u.w[e]
		}
	}
	add(int32(c), alpha)
	if nb := u.nbr[c]; len(nb) > 0 {
		f := (1 - alpha) / float64(len(nb))
		for _, x := range nb {
			add(x, f)
		}
	}
	return touched
}
