package recommend

import (
	"cmp"
	"slices"
)

// Method names: the baselines, computed by the same code as the re-ranker,
// and the re-ranker itself.
const (
	MethodPopular   = "popular"     // the most popular items, the same for everyone
	MethodTopFreq   = "topfreq"     // the customer's own most frequent items only
	MethodGPTopFreq = "gp-topfreq"  // own most frequent items, then the most popular
	MethodTIFU      = "tifu"        // own items by TIFU time-decayed frequency, then popular
	MethodTIFUKNN   = "tifu-knn"    // TIFU vector blended with its nearest customers', then popular
	MethodItemKNN   = "item-knn"    // item-KNN scores of all items, then popular
	MethodEASE      = "ease"        // EASE^R scores, then popular
	MethodRanker    = "gbdt-ranker" // the learned re-ranker
)

// baselineNames lists the baselines in the order tables show them.
var baselineNames = []string{MethodPopular, MethodTopFreq, MethodGPTopFreq, MethodTIFU, MethodTIFUKNN, MethodItemKNN, MethodEASE}

// baseline appends the top k items of method for customer c, loaded in sc;
// users holds the customers' nearest neighbours for tifu-knn. Ties go to
// the more recent purchase (personal methods), then the lower item code.
func (sc *scratch) baseline(v *view, users *userKNN, c int, method string, k int, out []int32) []int32 {
	p := sc.p
	own := func(score func(int32) float64) []int32 {
		sc.order = append(sc.order[:0], p.items...)
		slices.SortFunc(sc.order, func(a, b int32) int {
			if c := cmp.Compare(score(b), score(a)); c != 0 {
				return c
			}
			if c := cmp.Compare(p.last[b], p.last[a]); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
		return sc.order[:min(k, len(sc.order))]
	}
	switch method {
	case MethodPopular:
		return sc.fillPopular(v, k, out)
	case MethodTopFreq:
		return append(out, own(func(it int32) float64 { return float64(p.count[it]) })...)
	case MethodGPTopFreq:
		out = append(out, own(func(it int32) float64 { return float64(p.count[it]) })...)
	case MethodTIFU:
		out = append(out, own(func(it int32) float64 { return p.decay[it] })...)
	case MethodTIFUKNN:
		for _, it := range sc.blendTouched {
			sc.blend[it] = 0
		}
		sc.blendTouched = users.score(c, v.tifu.Alpha, sc.blend, sc.blendTouched[:0])
		out = sc.topBy(sc.blendTouched, func(it int32) float64 { return sc.blend[it] }, k, out)
	case MethodItemKNN:
		out = sc.topBy(sc.touched, func(it int32) float64 { return sc.knn[it] }, k, out)
	case MethodEASE:
		out = sc.topBy(v.ease.items, func(it int32) float64 { return sc.ease[v.ease.pos[it]] }, k, out)
	}
	return sc.fillPopular(v, k, out)
}

// fillPopular appends popular items not in out until out holds k items,
// and clears the marks of out's items.
func (sc *scratch) fillPopular(v *view, k int, out []int32) []int32 {
	for _, it := range out {
		sc.mark[it] = true
	}
	for _, it := range v.popOrder {
		if len(out) >= k || v.basketCount[it] == 0 {
			break
		}
		if !sc.mark[it] {
			out = append(out, it)
		}
	}
	for _, it := range out {
		sc.mark[it] = false
	}
	return out
}
