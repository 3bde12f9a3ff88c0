package recommend

import (
	"fmt"
	"slices"
)

// MethodScores are one method's scores at each k of an evaluation.
type MethodScores struct {
	Method string
	Scores []Scores // one per k, in the order of Evaluation.K
}

// Evaluation compares the re-ranker with every baseline on the same
// customers' next baskets.
type Evaluation struct {
	K       []int
	Methods []MethodScores // the baselines, then the re-ranker
	// Customers counts the customers with a next basket; Cold those of
	// them without history, who get the most popular items from every
	// method.
	Customers, Cold int
	// Reliability compares the calibrated probabilities of every
	// candidate of the customers with history with whether it was bought,
	// in ten bins equal in count. TopReliability does the same for the
	// items each customer is shown: the re-ranker's top K[0].
	Reliability, TopReliability []Bin
}

// Evaluate recommends from history with the model and with every baseline,
// and scores the lists against each customer's next basket in future.
// Every customer of future counts (see Scores).
func (m *Model) Evaluate(history, future *Baskets, ks []int) (*Evaluation, error) {
	if len(ks) == 0 {
		return nil, fmt.Errorf("recommend: no k to evaluate at")
	}
	for _, k := range ks {
		if k <= 0 {
			return nil, fmt.Errorf("recommend: k is %d: expected a positive number of items", k)
		}
	}
	if future.Catalog != history.Catalog {
		return nil, fmt.Errorf("recommend: the history and the next baskets were read with different catalogs")
	}
	v, err := newView(history, m.Settings)
	if err != nil {
		return nil, err
	}
	labels := newBuilder(history.Catalog)
	var custs []int32
	cold := 0
	var coldTruth [][]int32
	for c := range history.Customers {
		f, ok := future.Customer(history.Customers[c])
		if ok && history.NumBaskets(c) > 0 {
			labels.addBasket(future.Basket(f, future.NumBaskets(f)-1))
			custs = append(custs, int32(c))
		}
		labels.b.Customers = append(labels.b.Customers, history.Customers[c])
		labels.b.BasketStart = append(labels.b.BasketStart, int32(len(labels.b.ItemStart)-1))
	}
	for f := range future.Customers {
		c, ok := history.Customer(future.Customers[f])
		if !ok || history.NumBaskets(c) == 0 {
			cold++
			coldTruth = append(coldTruth, future.Basket(f, future.NumBaskets(f)-1))
		}
	}
	ev := newEvaluation(ks)
	var ys []float64
	err = m.scoreBlocks(v, custs, labels.b, func(t *table, raw []float64) {
		ev.run(v, t, raw, m.Calibration, labels.b)
		ys = append(ys, t.y...)
	})
	if err != nil {
		return nil, err
	}
	ev.cold(v, coldTruth)
	out := &Evaluation{K: ks, Methods: ev.methods, Customers: len(custs) + cold, Cold: cold}
	out.Reliability = Reliability(ev.prob, ys, 10)
	out.TopReliability = Reliability(ev.topProb, ev.topY, 10)
	return out, nil
}

// evaluation accumulates the scores of every method.
type evaluation struct {
	ks      []int
	methods []MethodScores
	evals   [][]evaluator // [method][k]
	prob    []float64     // calibrated probability of every candidate row
	// topProb and topY are the calibrated probability and the outcome of
	// each customer's top ks[0] items by the re-ranker.
	topProb, topY []float64
	users         *userKNN // the tifu-knn baseline's neighbours, made on first use
}

func newEvaluation(ks []int) *evaluation {
	e := &evaluation{ks: ks}
	for _, name := range append(slices.Clone(baselineNames), MethodRanker) {
		e.methods = append(e.methods, MethodScores{Method: name})
		row := make([]evaluator, len(ks))
		for i, k := range ks {
			row[i].s.K = k
		}
		e.evals = append(e.evals, row)
	}
	return e
}

// run scores the customers of t, whose label baskets labels holds, with
// every baseline and with the re-ranker's raw scores, and keeps the
// calibrated probabilities of t's rows. Calls add up.
func (e *evaluation) run(v *view, t *table, raw []float64, cal *Isotonic, labels *Baskets) {
	kmax := slices.Max(e.ks)
	sc := newScratch(v)
	if e.users == nil {
		e.users = fitUserKNN(v, v.tifu.Neighbours, 0)
	}
	var list []int32
	var order []int
	for i, c := range t.customers {
		truth := labels.Basket(int(c), 0)
		sc.load(v, int(c))
		for mi, name := range baselineNames {
			list = sc.baseline(v, e.users, int(c), name, kmax, list[:0])
			e.add(mi, truth, list, sc.p.bought)
		}
		order = t.ranked(i, raw, order[:0])
		for _, r := range order[:min(e.ks[0], len(order))] {
			e.topProb = append(e.topProb, cal.Apply(raw[r]))
			e.topY = append(e.topY, t.y[r])
		}
		list = list[:0]
		for _, r := range order {
			list = append(list, t.item[r])
		}
		list = sc.fillPopular(v, kmax, list)
		e.add(len(baselineNames), truth, list, sc.p.bought)
	}
	for _, p := range raw {
		e.prob = append(e.prob, cal.Apply(p))
	}
	e.finish()
}

// cold scores customers without history: every method can only offer the
// most popular items.
func (e *evaluation) cold(v *view, truths [][]int32) {
	sc := newScratch(v)
	list := sc.fillPopular(v, slices.Max(e.ks), nil)
	never := func(int32) bool { return false }
	for _, truth := range truths {
		for mi := range e.methods {
			e.add(mi, truth, list, never)
		}
	}
	e.finish()
}

func (e *evaluation) add(method int, truth, list []int32, bought func(int32) bool) {
	for i := range e.ks {
		e.evals[method][i].add(truth, list, bought)
	}
}

func (e *evaluation) finish() {
	for mi := range e.methods {
		e.methods[mi].Scores = e.methods[mi].Scores[:0]
		for i := range e.ks {
			e.methods[mi].Scores = append(e.methods[mi].Scores, e.evals[mi][i].scores())
		}
	}
}
