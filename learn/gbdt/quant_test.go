package gbdt

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

// TestQuantizePacksSums checks that packed values add up to the sums of
// their halves, with negative gradients, that every row is off by less
// than one step, and that the rounding does not depend on threads.
func TestQuantizePacksSums(t *testing.T) {
	const n = 5000
	rng := rand.New(rand.NewPCG(3, 4))
	g, h := make([]float64, n), make([]float64, n)
	for i := range g {
		g[i] = rng.NormFloat64() * 3
		h[i] = rng.Float64() * 2
	}
	h[7] = 0
	q := newQuantizer(n, 9)
	q.quantize(g, h, n, 2, 1)
	var sum int64
	var G, H float64
	for i, v := range q.packed {
		sum += v
		gi, hi := q.unpack(v)
		if math.Abs(gi-g[i]) >= q.gStep || math.Abs(hi-h[i]) >= q.hStep {
			t.Fatalf("row %d: (%g, %g) quantised to (%g, %g), steps %g and %g", i, g[i], h[i], gi, hi, q.gStep, q.hStep)
		}
		G += gi
		H += hi
	}
	if gs, hs := q.unpack(sum); math.Abs(gs-G) > 1e-9*math.Abs(G)+1e-9 || math.Abs(hs-H) > 1e-9*H {
		t.Errorf("packed sum unpacks to (%g, %g), the halves sum to (%g, %g)", gs, hs, G, H)
	}
	if _, hi := q.unpack(q.packed[7]); hi != 0 {
		t.Errorf("a zero hessian quantised to %g", hi)
	}
	again := newQuantizer(n, 9)
	again.quantize(g, h, n, 2, 3)
	for i := range q.packed {
		if q.packed[i] != again.packed[i] {
			t.Fatalf("row %d quantised to %x on 1 thread, %x on 3", i, q.packed[i], again.packed[i])
		}
	}
	again.quantize(g, h, n, 3, 1)
	same := 0
	for i := range q.packed {
		if q.packed[i] == again.packed[i] {
			same++
		}
	}
	if same == n {
		t.Error("another round rounded every row alike: the rounding ignores the round")
	}
}

// TestQuantizedTrees checks the default, quantised learner against exact
// gradients: a byte-identical model whatever the thread count, leaf values
// equal to the exact weights of their rows, and the same test error.
func TestQuantizedTrees(t *testing.T) {
	ds := friedman(20000, 10, 1, 1)
	test := friedman(5000, 10, 1, 2)
	p := Params{Rounds: 30, MaxLeaves: 63, MaxDepth: 8, RowSubsample: 0.8, Seed: 5, Threads: 1}
	one, err := json.Marshal(mustTrain(t, ds, nil, p))
	p.Threads = 3
	three, err3 := json.Marshal(mustTrain(t, ds, nil, p))
	if err != nil || err3 != nil {
		t.Fatal(err, err3)
	}
	if !bytes.Equal(one, three) {
		t.Fatal("quantised models trained with 1 and 3 threads differ")
	}

	// One round of squared error: a leaf's value is −lr·Σg/(Σh+λ) over
	// its rows, with g = mean − y and h = 1.
	m1 := mustTrain(t, ds, nil, Params{Rounds: 1, MaxLeaves: 31})
	tr := &m1.Trees[0]
	G, H := make([]float64, tr.Len()), make([]float64, tr.Len())
	for i := range ds.X.Rows {
		l := tr.leaf(ds.X.Row(i))
		G[l] += m1.BaseScore - ds.Y[i]
		H[l]++
	}
	for l := range G {
		if tr.Feature[l] >= 0 {
			continue
		}
		want := -0.1 * G[l] / (H[l] + 1)
		if d := math.Abs(tr.Value[l] - want); d > 1e-9*(1+math.Abs(want)) || tr.Cover[l] != H[l] {
			t.Errorf("leaf %d: value %g and cover %g, its rows give %g and %g", l, tr.Value[l], tr.Cover[l], want, H[l])
		}
	}

	p.Threads = 0
	q := mustTrain(t, ds, nil, p)
	p.ExactGradients = true
	e := mustTrain(t, ds, nil, p)
	rq, re := rmse(predict(t, q, test.X), test.Y), rmse(predict(t, e, test.X), test.Y)
	t.Logf("test RMSE: quantised %.5f, exact %.5f", rq, re)
	if math.Abs(rq/re-1) > 0.005 {
		t.Errorf("test RMSE quantised %.5f, exact %.5f: more than 0.5%% apart", rq, re)
	}
}
