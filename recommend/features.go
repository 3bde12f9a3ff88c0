package recommend

import (
	"encoding/binary"
	"hash/fnv"
	"math"
	"slices"

	"promocast/model"
)

// Candidates sets which items the re-ranker scores for a customer: every
// item they bought before, plus the best new items of each source. Zero
// fields mean 30 from EASE^R, 30 from item-KNN and 20 popular items.
type Candidates struct {
	FromEASE, FromKNN, Popular int
}

func (c Candidates) withDefaults() Candidates {
	if c.FromEASE <= 0 {
		c.FromEASE = 15
	}
	if c.FromKNN <= 0 {
		c.FromKNN = 15
	}
	if c.Popular <= 0 {
		c.Popular = 10
	}
	return c
}

// featureNames lists the re-ranker's customer × item features, in column
// order. Counts and positions are in baskets: the long format's basket
// order, with no calendar time.
var featureNames = []string{
	"repeat",        // 1 when the customer bought the item before
	"count",         // baskets of the customer holding the item
	"share",         // count over the customer's baskets
	"baskets_since", // baskets since the last one holding it (1 = the last); missing if never
	"baskets_since_first",
	"repeat_interval",  // mean baskets between purchases; missing below two purchases
	"overdue",          // baskets_since over repeat_interval
	"decayed",          // TIFU time-decayed frequency
	"decayed_rel",      // decayed over the customer's largest decayed value
	"customer_baskets", // the customer's number of baskets
	"customer_items",   // distinct items the customer bought
	"mean_basket_size", // mean size of the customer's baskets
	"last_basket_size", // size of their last basket
	"customer_repeat",  // share of the customer's later basket items bought before
	"log_popularity",   // log(1 + baskets holding the item), all customers
	"popularity_rank",  // rank by that count, 0 = most popular
	"item_customers",   // customers who bought the item
	"item_repeat_rate", // share of them who bought it in two baskets or more
	"item_last_share",  // share of customers whose last basket holds it
	"knn",              // item-KNN score
	"knn_rel",          // knn over the customer's largest knn score
	"ease",             // EASE^R score; missing outside EASE^R's items
	"ease_rel",         // ease over the customer's largest EASE^R score
}

// features returns the feature descriptions for the model.
func features() []model.Feature {
	f := make([]model.Feature, len(featureNames))
	for i, n := range featureNames {
		f[i] = model.Feature{Name: n}
	}
	return f
}

// scratch is one worker's reusable state.
type scratch struct {
	p       *profile
	knn     []float64 // item-KNN scores, by item
	touched []int32   // items with a knn score
	ease    []float64 // EASE^R scores, by position in ease.items
	mark    []bool    // candidate already taken, by item
	order   []int32
	// blend and blendTouched hold the tifu-knn baseline's scores.
	blend        []float64
	blendTouched []int32
}

func newScratch(v *view) *scratch {
	return &scratch{
		p:     newProfile(v.nItems),
		knn:   make([]float64, v.nItems),
		ease:  make([]float64, len(v.ease.items)),
		mark:  make([]bool, v.nItems),
		blend: make([]float64, v.nItems),
	}
}

// load computes customer c's profile and neighbour scores.
func (sc *scratch) load(v *view, c int) {
	for _, it := range sc.touched {
		sc.knn[it] = 0
	}
	sc.p.load(v, c)
	sc.touched = v.knn.score(sc.p, sc.knn, sc.touched[:0])
	v.ease.score(sc.p, sc.ease)
}

// topBy appends to out up to k items not yet marked, taken from items in
// order of score (highest first, then lowest code), and marks them. Items
// scoring zero or less are never taken. It keeps the best k in a heap, so
// it costs len(items)·log k, not a sort of all items.
func (sc *scratch) topBy(items []int32, score func(int32) float64, k int, out []int32) []int32 {
	if k <= 0 {
		return out
	}
	h := sc.order[:0]
	// worse reports whether a ranks below b.
	worse := func(a, b int32) bool {
		sa, sb := score(a), score(b)
		return sa < sb || (sa == sb && a > b)
	}
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(h) {
				return
			}
			if r := l + 1; r < len(h) && worse(h[r], h[l]) {
				l = r
			}
			if !worse(h[l], h[i]) {
				return
			}
			h[i], h[l] = h[l], h[i]
			i = l
		}
	}
	for _, it := range items {
		if sc.mark[it] || score(it) <= 0 {
			continue
		}
		if len(h) < k {
			h = append(h, it)
			for i := len(h) - 1; i > 0; {
				p := (i - 1) / 2
				if !worse(h[i], h[p]) {
					break
				}
				h[i], h[p] = h[p], h[i]
				i = p
			}
			continue
		}
		if worse(h[0], it) {
			h[0] = it
			down(0)
		}
	}
	sc.order = h
	slices.SortFunc(h, func(a, b int32) int {
		if worse(a, b) {
			return 1
		}
		if worse(b, a) {
			return -1
		}
		return 0
	})
	for _, it := range h {
		sc.mark[it] = true
		out = append(out, it)
	}
	return out
}

// candidates returns customer c's candidate items (sc must be loaded):
// their own items, then new items from EASE^R, item-KNN and popularity.
func (sc *scratch) candidates(v *view, s Candidates, out []int32) []int32 {
	p := sc.p
	out = append(out, p.items...)
	for _, it := range p.items {
		sc.mark[it] = true
	}
	out = sc.topBy(v.ease.items, func(it int32) float64 { return sc.ease[v.ease.pos[it]] }, s.FromEASE, out)
	out = sc.topBy(sc.touched, func(it int32) float64 { return sc.knn[it] }, s.FromKNN, out)
	n := 0
	for _, it := range v.popOrder {
		if n == s.Popular || v.basketCount[it] == 0 {
			break
		}
		if !sc.mark[it] {
			sc.mark[it] = true
			out = append(out, it)
			n++
		}
	}
	for _, it := range out {
		sc.mark[it] = false
	}
	return out
}

// fill writes the features of customer c (loaded in sc) and item it to row.
func (sc *scratch) fill(v *view, it int32, u *customerStats, row []float64) {
	p := sc.p
	nan := math.NaN()
	cnt := float64(p.count[it])
	row[0], row[1], row[2] = 0, cnt, cnt/float64(p.n)
	row[3], row[4], row[5], row[6] = nan, nan, nan, nan
	if cnt > 0 {
		row[0] = 1
		since := float64(int32(p.n) - p.last[it])
		row[3] = since
		row[4] = float64(int32(p.n) - p.first[it])
		if cnt > 1 {
			gap := float64(p.last[it]-p.first[it]) / (cnt - 1)
			row[5] = gap
			row[6] = since / gap
		}
	}
	row[7] = p.decay[it]
	row[8] = ratio(p.decay[it], u.maxDecay)
	row[9], row[10], row[11], row[12], row[13] = float64(p.n), float64(len(p.items)), u.meanSize, u.lastSize, u.repeatShare
	row[14] = math.Log1p(float64(v.basketCount[it]))
	row[15] = float64(v.popRank[it])
	row[16] = float64(v.userCount[it])
	row[17] = ratio(float64(v.repeatUsers[it]), float64(v.userCount[it]))
	row[18] = float64(v.lastCount[it]) / float64(max(1, v.customers))
	row[19] = sc.knn[it]
	row[20] = ratio(sc.knn[it], u.maxKNN)
	row[21], row[22] = nan, nan
	if k := v.ease.pos[it]; k >= 0 {
		row[21] = sc.ease[k]
		row[22] = ratio(sc.ease[k], u.maxEASE)
	}
}

// customerStats are the per-customer values every candidate row shares.
type customerStats struct {
	meanSize, lastSize, repeatShare float64
	maxDecay, maxKNN, maxEASE       float64
}

func (sc *scratch) customerStats(v *view) customerStats {
	p := sc.p
	var u customerStats
	total := 0
	for _, s := range p.sizes {
		total += s
	}
	u.meanSize = float64(total) / float64(p.n)
	u.lastSize = float64(p.sizes[p.n-1])
	u.repeatShare = math.NaN()
	if later := total - p.sizes[0]; p.n > 1 && later > 0 {
		u.repeatShare = float64(p.repeats) / float64(later)
	}
	for _, it := range p.items {
		u.maxDecay = max(u.maxDecay, p.decay[it])
	}
	for _, it := range sc.touched {
		u.maxKNN = max(u.maxKNN, sc.knn[it])
	}
	for _, e := range sc.ease {
		u.maxEASE = max(u.maxEASE, e)
	}
	return u
}

// ratio returns a/b, or 0 when b is not positive.
func ratio(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}

// table is candidate rows for a set of customers: the rows of customers[i]
// are rows start[i]..start[i+1]-1, row r scores item[r].
type table struct {
	customers []int32
	start     []int
	item      []int32
	x         []float64 // len(item) × len(featureNames)
	y         []float64 // 1 when the item is in the label basket; nil without labels
	w         []float64 // row weights; nil when every row weighs 1
}

// buildTable computes candidates and features for the customers of v
// listed in custs (each with at least one basket). When labels is not nil,
// labels.Basket(c, 0) is customer c's label basket. With sample, new-item
// candidates that were not bought are kept with probability
// s.NewNegatives, by a hash of the seed, customer and item, and weighted
// up by its inverse, which keeps the trees' probabilities unbiased.
func buildTable(v *view, custs []int32, s Settings, labels *Baskets, sample bool) *table {
	nf := len(featureNames)
	parts := make([]*table, workers(len(custs), s.Threads))
	parallelBlocks(len(custs), s.Threads, func(w, lo, hi int) {
		sc := newScratch(v)
		t := &table{start: []int{0}}
		var cand []int32
		for _, c := range custs[lo:hi] {
			sc.load(v, int(c))
			u := sc.customerStats(v)
			cand = sc.candidates(v, s.Candidates, cand[:0])
			var truth []int32
			if labels != nil && labels.NumBaskets(int(c)) > 0 {
				truth = labels.Basket(int(c), 0)
			}
			for _, it := range cand {
				y := 0.0
				if _, ok := slices.BinarySearch(truth, it); ok {
					y = 1
				}
				w := 1.0
				if sample && y == 0 && !sc.p.bought(it) {
					if !keepRow(s.Seed, v.b.Customers[c], it, s.NewNegatives) {
						continue
					}
					w = 1 / s.NewNegatives
				}
				r := len(t.x)
				t.x = append(t.x, make([]float64, nf)...)
				sc.fill(v, it, &u, t.x[r:r+nf])
				t.item = append(t.item, it)
				if labels != nil {
					t.y = append(t.y, y)
				}
				if sample {
					t.w = append(t.w, w)
				}
			}
			t.customers = append(t.customers, c)
			t.start = append(t.start, len(t.item))
		}
		parts[w] = t
	})
	return joinTables(parts, labels != nil)
}

// joinTables concatenates per-worker tables in worker order.
func joinTables(parts []*table, labelled bool) *table {
	t := &table{start: []int{0}}
	for _, p := range parts {
		if p == nil {
			continue
		}
		off := len(t.item)
		t.customers = append(t.customers, p.customers...)
		for _, s := range p.start[1:] {
			t.start = append(t.start, off+s)
		}
		t.item = append(t.item, p.item...)
		t.x = append(t.x, p.x...)
		if labelled {
			t.y = append(t.y, p.y...)
		}
		t.w = append(t.w, p.w...)
	}
	return t
}

// keepRow reports whether to keep the row of customer id and item it when
// keeping a share of rows, by a hash of the three.
func keepRow(seed uint64, id string, it int32, share float64) bool {
	h := fnv.New64a()
	var b [12]byte
	binary.LittleEndian.PutUint64(b[:8], seed)
	binary.LittleEndian.PutUint32(b[8:], uint32(it))
	h.Write(b[:])
	h.Write([]byte(id))
	return unit(h.Sum64()) < share
}
