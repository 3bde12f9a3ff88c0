package recommend

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"sync"
)

// view holds what every scorer needs from one set of histories: item
// statistics, the item-KNN neighbours and the EASE^R weights. Fitting
// builds a view of every customer's history but the last basket (whose
// items are the labels); prediction builds one of the whole history.
type view struct {
	b         *Baskets
	nItems    int
	customers int // customers with at least one basket

	basketCount []int32 // baskets holding the item
	userCount   []int32 // customers who bought the item
	repeatUsers []int32 // customers who bought it in two baskets or more
	lastCount   []int32 // customers whose last basket holds the item
	popOrder    []int32 // items by basketCount, most first, then by code
	popRank     []int32 // rank of each item in popOrder

	tifu TIFU
	knn  *itemKNN
	ease *ease
}

// newView computes the statistics and fits the neighbour models on b.
func newView(b *Baskets, s Settings) (*view, error) {
	n := b.Catalog.NumItems()
	v := &view{
		b: b, nItems: n, tifu: s.TIFU,
		basketCount: make([]int32, n), userCount: make([]int32, n),
		repeatUsers: make([]int32, n), lastCount: make([]int32, n),
	}
	cnt := make([]int32, n)
	var touched []int32
	for c := range b.Customers {
		nb := b.NumBaskets(c)
		if nb == 0 {
			continue
		}
		v.customers++
		touched = touched[:0]
		for j := range nb {
			for _, it := range b.Basket(c, j) {
				if cnt[it] == 0 {
					touched = append(touched, it)
				}
				cnt[it]++
				v.basketCount[it]++
			}
		}
		for _, it := range touched {
			v.userCount[it]++
			if cnt[it] > 1 {
				v.repeatUsers[it]++
			}
			cnt[it] = 0
		}
		for _, it := range b.Basket(c, nb-1) {
			v.lastCount[it]++
		}
	}
	v.popOrder = make([]int32, n)
	for i := range v.popOrder {
		v.popOrder[i] = int32(i)
	}
	slices.SortStableFunc(v.popOrder, func(a, c int32) int { return cmp.Compare(v.basketCount[c], v.basketCount[a]) })
	v.popRank = make([]int32, n)
	for r, it := range v.popOrder {
		v.popRank[it] = int32(r)
	}
	v.knn = fitItemKNN(b, v.userCount, s.KNN, s.Threads)
	var err error
	if v.ease, err = fitEASE(b, v.userCount, v.popOrder, s.EASE); err != nil {
		return nil, err
	}
	return v, nil
}

// profile is one customer's purchase history item by item, held in dense
// per-worker scratch arrays indexed by item and reset through the list of
// items touched, so a customer costs time in their own items only.
type profile struct {
	items []int32   // distinct items bought, in code order
	n     int       // baskets
	count []int32   // baskets holding the item
	first []int32   // index of the first basket holding it
	last  []int32   // index of the last basket holding it
	decay []float64 // TIFU time-decayed weight
	sizes []int     // basket sizes, oldest first
	// repeats counts the items of baskets after the first that the
	// customer had bought in an earlier basket.
	repeats int
}

func newProfile(nItems int) *profile {
	return &profile{count: make([]int32, nItems), first: make([]int32, nItems), last: make([]int32, nItems), decay: make([]float64, nItems)}
}

// load fills p with customer c of v.
func (p *profile) load(v *view, c int) {
	for _, it := range p.items {
		p.count[it], p.decay[it] = 0, 0
	}
	p.items = p.items[:0]
	p.sizes = p.sizes[:0]
	p.repeats = 0
	p.n = v.b.NumBaskets(c)
	w := v.tifu.weights(p.n)
	for j := range p.n {
		bk := v.b.Basket(c, j)
		p.sizes = append(p.sizes, len(bk))
		for _, it := range bk {
			if p.count[it] == 0 {
				p.items = append(p.items, it)
				p.first[it] = int32(j)
			} else {
				p.repeats++
			}
			p.count[it]++
			p.last[it] = int32(j)
			p.decay[it] += w[j]
		}
	}
	slices.Sort(p.items)
}

// bought reports whether the customer bought item it.
func (p *profile) bought(it int32) bool { return p.count[it] > 0 }

// TIFU sets the time decay of the personal item-frequency vector of
// TIFU-KNN (Hu et al., SIGIR 2020): baskets fall into groups of GroupSize
// consecutive baskets (the oldest group takes the remainder); a basket's
// weight within its group decays by WithinDecay per newer basket, and a
// group's weight by GroupDecay per newer group. Zero fields mean the
// defaults 7, 0.9 and 0.7, TIFU-KNN's settings for Ta-Feng.
//
// The tifu-knn baseline blends that vector with the mean vector of the
// customer's Neighbours nearest customers (Euclidean distance between the
// vectors), Alpha of the customer's own; defaults 300 and 0.7, also
// TIFU-KNN's Ta-Feng settings. The re-ranker uses the decayed vector only.
type TIFU struct {
	GroupSize   int
	WithinDecay float64
	GroupDecay  float64
	Neighbours  int
	Alpha       float64
}

func (t TIFU) withDefaults() TIFU {
	if t.GroupSize <= 0 {
		t.GroupSize = 7
	}
	if t.WithinDecay <= 0 {
		t.WithinDecay = 0.9
	}
	if t.GroupDecay <= 0 {
		t.GroupDecay = 0.7
	}
	if t.Neighbours <= 0 {
		t.Neighbours = 300
	}
	if t.Alpha <= 0 {
		t.Alpha = 0.7
	}
	return t
}

// weights returns the weight of each of n baskets, oldest first.
func (t TIFU) weights(n int) []float64 {
	w := make([]float64, n)
	if n == 0 {
		return w
	}
	groups := (n + t.GroupSize - 1) / t.GroupSize
	first := n - (groups-1)*t.GroupSize // size of the oldest group
	j := 0
	for g := range groups {
		size := t.GroupSize
		if g == 0 {
			size = first
		}
		gw := math.Pow(t.GroupDecay, float64(groups-1-g)) / float64(groups)
		for i := range size {
			w[j] = gw * math.Pow(t.WithinDecay, float64(size-1-i)) / float64(size)
			j++
		}
	}
	return w
}

// workers returns how many goroutines parallelBlocks runs for n items:
// threads (GOMAXPROCS when not positive), at most n, at least 1.
func workers(n, threads int) int {
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	return max(1, min(threads, n))
}

// parallelBlocks runs fn over [0, n) cut into one contiguous block per
// worker; fn gets its worker index. Results that fn writes per block and
// the caller joins in block order do not depend on scheduling.
func parallelBlocks(n, threads int, fn func(worker, lo, hi int)) {
	threads = workers(n, threads)
	var wg sync.WaitGroup
	for w := range threads {
		lo, hi := n*w/threads, n*(w+1)/threads
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(w, lo, hi)
		}()
	}
	wg.Wait()
}
