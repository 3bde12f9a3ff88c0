package recommend

import (
	"cmp"
	"math"
	"slices"
)

// KNN sets item-KNN: items are similar when the same customers buy them
// (cosine similarity of their customer sets), and each item keeps its
// Neighbours most similar items. Zero means 100.
type KNN struct {
	Neighbours int
}

func (k KNN) withDefaults() KNN {
	if k.Neighbours <= 0 {
		k.Neighbours = 100
	}
	return k
}

// itemKNN is the neighbour lists in compressed sparse form: item i's
// neighbours are nbr[start[i]:start[i+1]] with similarities sim[...],
// most similar first.
type itemKNN struct {
	start []int64
	nbr   []int32
	sim   []float32
}

// customerItems returns each customer's distinct items (CSR), in code order.
func customerItems(b *Baskets) (start []int64, items []int32) {
	start = make([]int64, len(b.Customers)+1)
	seen := make([]bool, b.Catalog.NumItems())
	for c := range b.Customers {
		lo := len(items)
		for j := range b.NumBaskets(c) {
			for _, it := range b.Basket(c, j) {
				if !seen[it] {
					seen[it] = true
					items = append(items, it)
				}
			}
		}
		for _, it := range items[lo:] {
			seen[it] = false
		}
		slices.Sort(items[lo:])
		start[c+1] = int64(len(items))
	}
	return start, items
}

// invert turns customer → items into item → customers.
func invert(cStart []int64, cItems []int32, nItems int) (start []int64, custs []int32) {
	start = make([]int64, nItems+1)
	for _, it := range cItems {
		start[it+1]++
	}
	for i := range nItems {
		start[i+1] += start[i]
	}
	custs = make([]int32, len(cItems))
	pos := slices.Clone(start[:nItems])
	for c := range len(cStart) - 1 {
		for _, it := range cItems[cStart[c]:cStart[c+1]] {
			custs[pos[it]] = int32(c)
			pos[it]++
		}
	}
	return start, custs
}

// fitItemKNN counts co-purchases through the item → customers index, one
// dense counter per worker, so the cost is the sum over customers of their
// distinct items squared, and memory is the neighbour lists.
func fitItemKNN(b *Baskets, userCount []int32, s KNN, threads int) *itemKNN {
	k := s.withDefaults().Neighbours
	n := b.Catalog.NumItems()
	cStart, cItems := customerItems(b)
	iStart, iCusts := invert(cStart, cItems, n)
	type block struct {
		count []int32 // neighbours per item
		nbr   []int32
		sim   []float32
	}
	// Cut the items into fixed blocks so the result does not depend on
	// how many goroutines ran them.
	const per = 256
	nb := (n + per - 1) / per
	blocks := make([]block, nb)
	parallelBlocks(nb, threads, func(_, lo, hi int) {
		acc := make([]int32, n)
		var touched []int32
		type cand struct {
			j int32
			s float32
		}
		var cands []cand
		for bi := lo; bi < hi; bi++ {
			bl := &blocks[bi]
			for i := bi * per; i < min(n, (bi+1)*per); i++ {
				touched = touched[:0]
				for _, c := range iCusts[iStart[i]:iStart[i+1]] {
					for _, j := range cItems[cStart[c]:cStart[c+1]] {
						if acc[j] == 0 {
							touched = append(touched, j)
						}
						acc[j]++
					}
				}
				cands = cands[:0]
				for _, j := range touched {
					if int(j) != i {
						s := float64(acc[j]) / math.Sqrt(float64(userCount[i])*float64(userCount[j]))
						cands = append(cands, cand{j, float32(s)})
					}
					acc[j] = 0
				}
				slices.SortFunc(cands, func(a, b cand) int {
					if c := cmp.Compare(b.s, a.s); c != 0 {
						return c
					}
					return cmp.Compare(a.j, b.j)
				})
				cands = cands[:min(k, len(cands))]
				bl.count = append(bl.count, int32(len(cands)))
				for _, c := range cands {
					bl.nbr = append(bl.nbr, c.j)
					bl.sim = append(bl.sim, c.s)
				}
			}
		}
	})
	m := &itemKNN{start: make([]int64, 1, n+1)}
	for _, bl := range blocks {
		for _, c := range bl.count {
			m.start = append(m.start, m.start[len(m.start)-1]+int64(c))
		}
		m.nbr = append(m.nbr, bl.nbr...)
		m.sim = append(m.sim, bl.sim...)
	}
	return m
}

// score adds to acc, for every item, the similarity-weighted sum of the
// customer's own items' decayed weights, and appends the items it touched
// for the first time to touched.
func (m *itemKNN) score(p *profile, acc []float64, touched []int32) []int32 {
	for _, i := range p.items {
		w := p.decay[i]
		for e := m.start[i]; e < m.start[i+1]; e++ {
			j := m.nbr[e]
			if acc[j] == 0 {
				touched = append(touched, j)
			}
			acc[j] += w * float64(m.sim[e])
		}
	}
	return touched
}
