package recommend

import (
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

func TestMetricsHandComputed(t *testing.T) {
	truth := []int32{1, 2, 3}
	pred := []int32{5, 2, 9, 3, 1}
	// Hits at ranks 1 and 3 in the top 4 (0-based), 3 hits in the top 5.
	if got := RecallAt(truth, pred, 4); !near(got, 2.0/3) {
		t.Errorf("recall@4 = %v, want 2/3", got)
	}
	if got := RecallAt(truth, pred, 10); !near(got, 1) {
		t.Errorf("recall@10 = %v, want 1", got)
	}
	dcg := 1/math.Log2(3) + 1/math.Log2(5)
	ideal := 1 + 1/math.Log2(3) + 1/math.Log2(4)
	if got := NDCGAt(truth, pred, 4); !near(got, dcg/ideal) {
		t.Errorf("ndcg@4 = %v, want %v", got, dcg/ideal)
	}
	// The ideal DCG covers the whole basket even when k is smaller: a
	// perfect top 1 of a three-item basket scores 1/ideal, not 1.
	if got := NDCGAt(truth, []int32{1}, 1); !near(got, 1/ideal) {
		t.Errorf("ndcg@1 = %v, want %v", got, 1/ideal)
	}
	if got := HitAt(truth, pred, 1); got != 0 {
		t.Errorf("hit@1 = %v, want 0", got)
	}
	if got := HitAt(truth, pred, 2); got != 1 {
		t.Errorf("hit@2 = %v, want 1", got)
	}
	if RecallAt(truth, nil, 10) != 0 || NDCGAt(truth, nil, 10) != 0 || HitAt(truth, nil, 10) != 0 {
		t.Error("an empty list should score 0")
	}
}

func TestEvaluatorAveragesOverAllCustomers(t *testing.T) {
	e := evaluator{s: Scores{K: 2}}
	bought := func(it int32) bool { return it < 10 } // items below 10 were bought before
	// Customer 1: basket {1, 20}, list [1, 2]: one repeat hit of one
	// repeat item, no new hit.
	e.add([]int32{1, 20}, []int32{1, 2}, bought)
	// Customer 2: basket {30}, empty list: zeros, but counted.
	e.add([]int32{30}, nil, bought)
	s := e.scores()
	if s.Customers != 2 {
		t.Fatalf("customers = %d, want 2", s.Customers)
	}
	if !near(s.Recall, (0.5+0)/2) {
		t.Errorf("recall = %v, want 0.25", s.Recall)
	}
	if !near(s.Hit, 0.5) {
		t.Errorf("hit = %v, want 0.5", s.Hit)
	}
	// Customer 1's list is all repeats (2 of 2), customer 2's holds none.
	if !near(s.RepeatShare, 0.5) {
		t.Errorf("repeat share = %v, want 0.5", s.RepeatShare)
	}
	if s.RepeatCustomers != 1 || !near(s.RepeatRecall, 1) {
		t.Errorf("repeat recall = %v over %d customers, want 1 over 1", s.RepeatRecall, s.RepeatCustomers)
	}
	if s.NewCustomers != 2 || !near(s.ExploreRecall, 0) {
		t.Errorf("explore recall = %v over %d customers, want 0 over 2", s.ExploreRecall, s.NewCustomers)
	}
	wantNDCG := (1 / (1 + 1/math.Log2(3))) / 2
	if !near(s.NDCG, wantNDCG) {
		t.Errorf("ndcg = %v, want %v", s.NDCG, wantNDCG)
	}
}

func TestIsotonicPoolsViolators(t *testing.T) {
	// Outcomes 0,1,0,1 at rising scores: the middle pair violates and is
	// pooled to 0.5.
	iso, err := fitIsotonic([]float64{0.1, 0.2, 0.3, 0.4}, []float64{0, 1, 0, 1}, 1)
	if err != nil {
		t.Fatal(err)
	}
	wantX, wantY := []float64{0.1, 0.25, 0.4}, []float64{0, 0.5, 1}
	if len(iso.X) != 3 {
		t.Fatalf("knots %v %v, want %v %v", iso.X, iso.Y, wantX, wantY)
	}
	for i := range wantX {
		if !near(iso.X[i], wantX[i]) || !near(iso.Y[i], wantY[i]) {
			t.Fatalf("knots %v %v, want %v %v", iso.X, iso.Y, wantX, wantY)
		}
	}
	for _, c := range []struct{ p, want float64 }{{0, 0}, {0.25, 0.5}, {0.175, 0.25}, {0.9, 1}} {
		if got := iso.Apply(c.p); !near(got, c.want) {
			t.Errorf("Apply(%v) = %v, want %v", c.p, got, c.want)
		}
	}
	if _, err := FitIsotonic(nil, nil); err == nil {
		t.Error("no data: want an error")
	}
}

// TestIsotonicEndsHoldEnoughOutcomes checks that the highest-scored
// candidates, one of them bought, do not read a probability of 1: the end
// blocks pool with their neighbours until each holds isotonicMinEnd
// outcomes.
func TestIsotonicEndsHoldEnoughOutcomes(t *testing.T) {
	p, y := make([]float64, 1000), make([]float64, 1000)
	for i := range p {
		p[i] = float64(i) / 1000
		if i%10 == 0 || i == 999 {
			y[i] = 1
		}
	}
	iso, err := FitIsotonic(p, y)
	if err != nil {
		t.Fatal(err)
	}
	if top := iso.Apply(1); top > 0.2 {
		t.Errorf("the top score reads %v: its block holds too few outcomes", top)
	}
	if low := iso.Apply(0); low < 0.01 {
		t.Errorf("the lowest score reads %v, from a block of one bought item", low)
	}
}

func TestReliabilityBins(t *testing.T) {
	p := []float64{0.9, 0.1, 0.2, 0.8}
	y := []float64{1, 0, 1, 0}
	bins := Reliability(p, y, 2)
	if len(bins) != 2 {
		t.Fatalf("%d bins, want 2", len(bins))
	}
	if bins[0].Count != 2 || !near(bins[0].Predicted, 0.15) || !near(bins[0].Observed, 0.5) {
		t.Errorf("low bin %+v, want 2 predictions averaging 0.15, half bought", bins[0])
	}
	if !near(bins[1].Predicted, 0.85) || !near(bins[1].Observed, 0.5) || bins[1].Lo != 0.8 || bins[1].Hi != 0.9 {
		t.Errorf("high bin %+v", bins[1])
	}
}
