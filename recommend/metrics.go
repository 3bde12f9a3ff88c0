package recommend

import "math"

// Scores are the next-basket metrics of one recommender, averaged over
// customers, the way the next-basket literature reports them (the
// "reality check" study of Li et al., TOIS 2023, whose evaluation these
// follow exactly):
//
//   - Recall@k: hits in the top k over the size of the next basket.
//   - NDCG@k: DCG of the top k (a hit at rank r, from 0, adds
//     1/log2(r+2)) over the ideal DCG of the whole next basket (every one
//     of its items, not only k of them, so a basket larger than k cannot
//     score 1).
//   - Hit@k: 1 when the top k holds at least one item of the basket.
//   - RepeatShare@k: the share of the top k the customer had bought before
//     (the rest is exploration).
//   - RepeatRecall@k, ExploreRecall@k: recall of the basket's repeat items
//     (bought before) and of its new items, each averaged over the
//     customers whose basket has such items.
//
// Every customer with a next basket counts, including those the
// recommender has nothing for: an empty list scores zero.
type Scores struct {
	K                             int
	Customers                     int
	Recall, NDCG, Hit             float64
	RepeatShare                   float64
	RepeatRecall, ExploreRecall   float64
	RepeatCustomers, NewCustomers int // customers whose basket has repeat / new items
}

// RecallAt returns recall@k of the ranked list pred against the next
// basket truth (distinct items). It is 0 for an empty truth.
func RecallAt(truth, pred []int32, k int) float64 {
	if len(truth) == 0 {
		return 0
	}
	return float64(hits(truth, pred, k)) / float64(len(truth))
}

// NDCGAt returns NDCG@k of pred against truth, with the ideal DCG taken
// over every item of truth (see Scores).
func NDCGAt(truth, pred []int32, k int) float64 {
	if len(truth) == 0 {
		return 0
	}
	dcg := 0.0
	for r, p := range pred[:min(k, len(pred))] {
		if contains(truth, p) {
			dcg += 1 / math.Log2(float64(r)+2)
		}
	}
	ideal := 0.0
	for r := range truth {
		ideal += 1 / math.Log2(float64(r)+2)
	}
	return dcg / ideal
}

// HitAt returns 1 when the top k of pred holds an item of truth, else 0.
func HitAt(truth, pred []int32, k int) float64 {
	if hits(truth, pred, k) > 0 {
		return 1
	}
	return 0
}

func hits(truth, pred []int32, k int) int {
	n := 0
	for _, p := range pred[:min(k, len(pred))] {
		if contains(truth, p) {
			n++
		}
	}
	return n
}

// contains reports whether the short list s holds v. Baskets are small, so
// a scan beats a set.
func contains(s []int32, v int32) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// evaluator accumulates Scores over customers.
type evaluator struct {
	s                  Scores
	repeatSum, newSum  float64
	recall, ndcg, hit  float64
	share              float64
	truthRep, truthNew []int32
}

// add scores one customer: truth is the next basket, pred the ranked list,
// bought reports whether the customer bought an item before.
func (e *evaluator) add(truth, pred []int32, bought func(int32) bool) {
	k := e.s.K
	e.s.Customers++
	e.recall += RecallAt(truth, pred, k)
	e.ndcg += NDCGAt(truth, pred, k)
	e.hit += HitAt(truth, pred, k)
	rep := 0
	for _, p := range pred[:min(k, len(pred))] {
		if bought(p) {
			rep++
		}
	}
	e.share += float64(rep) / float64(k)
	e.truthRep, e.truthNew = e.truthRep[:0], e.truthNew[:0]
	for _, t := range truth {
		if bought(t) {
			e.truthRep = append(e.truthRep, t)
		} else {
			e.truthNew = append(e.truthNew, t)
		}
	}
	if len(e.truthRep) > 0 {
		e.s.RepeatCustomers++
		e.repeatSum += RecallAt(e.truthRep, pred, k)
	}
	if len(e.truthNew) > 0 {
		e.s.NewCustomers++
		e.newSum += RecallAt(e.truthNew, pred, k)
	}
}

func (e *evaluator) scores() Scores {
	s := e.s
	if s.Customers > 0 {
		n := float64(s.Customers)
		s.Recall, s.NDCG, s.Hit, s.RepeatShare = e.recall/n, e.ndcg/n, e.hit/n, e.share/n
	}
	if s.RepeatCustomers > 0 {
		s.RepeatRecall = e.repeatSum / float64(s.RepeatCustomers)
	}
	if s.NewCustomers > 0 {
		s.ExploreRecall = e.newSum / float64(s.NewCustomers)
	}
	return s
}
