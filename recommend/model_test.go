package recommend

import (
	"bytes"
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestEASEMatchesDirectSolve checks B against the closed form computed
// another way (a general LU inverse of XᵀX + λI from the dense customer ×
// item matrix) and against the optimality conditions of the constrained
// least-squares problem: diag(B) = 0 and ((G+λI)B − G)[i][j] = 0 for i ≠ j.
func TestEASEMatchesDirectSolve(t *testing.T) {
	src := `{"a": [[0, 1], [2]], "b": [[1, 2, 3]], "c": [[0, 3]], "d": [[0, 1, 3], [4]], "e": [[4, 2]]}`
	b, err := ReadJSON([]byte(src), "t.json", NewCatalog())
	if err != nil {
		t.Fatal(err)
	}
	const lambda = 0.7
	v, err := newView(b, Settings{EASE: EASE{Lambda: lambda, MaxItems: 10, MinCustomers: 1}}.mustDefaults(t))
	if err != nil {
		t.Fatal(err)
	}
	e := v.ease
	n := len(e.items)
	if n != 5 {
		t.Fatalf("%d items in EASE^R, want 5", n)
	}
	X := mat.NewDense(b.NumCustomers(), n, nil)
	for c := range b.Customers {
		for j := range b.NumBaskets(c) {
			for _, it := range b.Basket(c, j) {
				X.Set(c, int(e.pos[it]), 1)
			}
		}
	}
	var G, A, P mat.Dense
	G.Mul(X.T(), X)
	A.CloneFrom(&G)
	for i := range n {
		A.Set(i, i, A.At(i, i)+lambda)
	}
	if err := P.Inverse(&A); err != nil {
		t.Fatal(err)
	}
	B := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			got := float64(e.w[i*n+j])
			want := 0.0
			if i != j {
				want = -P.At(i, j) / P.At(j, j)
			}
			if math.Abs(got-want) > 1e-6 {
				t.Errorf("B[%d][%d] = %v, want %v", i, j, got, want)
			}
			B.Set(i, j, got)
		}
	}
	var R mat.Dense
	R.Mul(&A, B)
	R.Sub(&R, &G)
	for i := range n {
		for j := range n {
			if i != j && math.Abs(R.At(i, j)) > 1e-5 {
				t.Errorf("optimality: ((G+λI)B−G)[%d][%d] = %v, want 0", i, j, R.At(i, j))
			}
		}
	}
}

func (s Settings) mustDefaults(t *testing.T) Settings {
	t.Helper()
	s, err := s.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestNoLookAhead proves that no item of a label basket reaches the
// re-ranker's inputs: replacing every customer's last basket with other
// items leaves every candidate and every feature value unchanged, and
// the neighbour models and item statistics are built without those
// baskets.
func TestNoLookAhead(t *testing.T) {
	b := synthBaskets(1, 200, 60)
	s := smallSettings().mustDefaults(t)
	table := func(b *Baskets) (*table, *view) {
		head, last := b.Split()
		v, err := newView(head, s)
		if err != nil {
			t.Fatal(err)
		}
		var custs []int32
		for c := range head.Customers {
			if head.NumBaskets(c) > 0 {
				custs = append(custs, int32(c))
			}
		}
		return buildTable(v, custs, s, last, false), v
	}
	t1, v1 := table(b)
	// The same histories with each last basket replaced by fresh items
	// nobody bought before.
	fresh := newBuilder(b.Catalog)
	for c := range b.Customers {
		n := b.NumBaskets(c)
		for j := range n - 1 {
			fresh.addBasket(b.Basket(c, j))
		}
		fresh.addBasket([]int32{b.Catalog.code("fresh-" + b.Customers[c])})
		fresh.endCustomer(b.Customers[c])
	}
	t2, v2 := table(fresh.b)
	if !slices.Equal(t1.item, t2.item) || !slices.Equal(t1.customers, t2.customers) {
		t.Fatal("candidates changed with the label baskets")
	}
	if len(t1.x) != len(t2.x) {
		t.Fatal("feature rows changed with the label baskets")
	}
	for i := range t1.x {
		if !(t1.x[i] == t2.x[i] || math.IsNaN(t1.x[i]) && math.IsNaN(t2.x[i])) {
			t.Fatalf("feature %s of row %d changed with the label baskets: %v vs %v", featureNames[i%len(featureNames)], i/len(featureNames), t1.x[i], t2.x[i])
		}
	}
	if slices.Equal(t1.y, t2.y) {
		t.Fatal("labels did not change: the test does not test anything")
	}
	// The label-only items are unknown to the view.
	for c := range fresh.b.Customers {
		it, _ := b.Catalog.Lookup("fresh-" + fresh.b.Customers[c])
		if v2.basketCount[it] != 0 || v2.knn.start[it+1] != v2.knn.start[it] || v2.ease.pos[it] >= 0 {
			t.Fatalf("label-only item %s is in the fitted view", b.Catalog.Item(it))
		}
	}
	if !slices.Equal(v1.basketCount[:60], v2.basketCount[:60]) {
		t.Fatal("item statistics depend on the label baskets")
	}
}

func TestFitIsDeterministic(t *testing.T) {
	b := synthBaskets(2, 300, 50)
	fit := func(threads int) []byte {
		s := smallSettings()
		s.Threads = threads
		m, _, err := Fit(b, s)
		if err != nil {
			t.Fatal(err)
		}
		m.Settings.Threads, m.Settings.Trees.Threads = 0, 0
		out, err := MarshalModel(m)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, again, two := fit(1), fit(1), fit(2)
	if !bytes.Equal(a, again) {
		t.Fatal("two fits gave different models")
	}
	if !bytes.Equal(a, two) {
		t.Fatal("one and two threads gave different models")
	}
	m, err := UnmarshalModel(a, "a.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := UnmarshalModel(bytes.Replace(a, []byte(`"settings"`), []byte(`"Settings"`), 1), "edited.json"); err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("an edited file: %v, want a checksum error", err)
	}
	r1, err := m.Recommend(b, 5)
	if err != nil {
		t.Fatal(err)
	}
	r2, _ := m.Recommend(b, 5)
	if len(r1) != b.NumCustomers() || !slices.EqualFunc(r1, r2, func(x, y Recommendation) bool {
		return x.Customer == y.Customer && slices.Equal(x.Items, y.Items)
	}) {
		t.Fatal("recommendations differ between two runs")
	}
	for _, r := range r1 {
		for i, p := range r.Items {
			if !(p.Probability >= 0 && p.Probability <= 1) {
				t.Fatalf("%s: probability %v", r.Customer, p.Probability)
			}
			if i > 0 && len(r.Items) != 5 {
				t.Fatalf("%s: %d items, want 5", r.Customer, len(r.Items))
			}
		}
	}
}

func TestBaselinesOnAHandCase(t *testing.T) {
	// Customer a bought 1 twice (the second time last) and 2 once; item 3
	// is the most popular overall.
	src := `{"a": [[1, 2], [1]], "b": [[3]], "c": [[3, 4]], "d": [[3]]}`
	b, err := ReadJSON([]byte(src), "t.json", NewCatalog())
	if err != nil {
		t.Fatal(err)
	}
	s := Settings{EASE: EASE{MinCustomers: 1}}.mustDefaults(t)
	v, err := newView(b, s)
	if err != nil {
		t.Fatal(err)
	}
	sc := newScratch(v)
	sc.load(v, 0)
	name := func(l []int32) []string {
		var out []string
		for _, it := range l {
			out = append(out, b.Catalog.Item(it))
		}
		return out
	}
	for _, c := range []struct {
		method string
		want   []string
	}{
		{MethodPopular, []string{"3", "1", "2"}}, // 3 in three baskets, 1 in two, then by code
		{MethodTopFreq, []string{"1", "2"}},
		{MethodGPTopFreq, []string{"1", "2", "3"}},
		{MethodTIFU, []string{"1", "2", "3"}},
	} {
		if got := name(sc.baseline(v, nil, 0, c.method, 3, nil)); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.method, got, c.want)
		}
	}
	// Item-KNN scores items bought with a's items: only 1 and 2, each
	// through the other.
	if got := name(sc.baseline(v, nil, 0, MethodItemKNN, 2, nil)); !slices.Equal(got, []string{"1", "2"}) && !slices.Equal(got, []string{"2", "1"}) {
		t.Errorf("item-knn: %v, want 1 and 2", got)
	}
}

func TestEvaluateCountsEveryCustomer(t *testing.T) {
	cat := NewCatalog()
	h, err := ReadJSON([]byte(synthJSON(3, 200, 40)), "h.json", cat)
	if err != nil {
		t.Fatal(err)
	}
	// Next baskets: one per history customer, plus one customer nobody has
	// seen, who must count too.
	fsrc := `{"new": [[-1], [1, 2], [-1]]`
	for c := range h.Customers {
		fsrc += `, "` + h.Customers[c] + `": [[-1], [` + h.Catalog.Item(h.Basket(c, 0)[0]) + `, 39], [-1]]`
	}
	f, err := ReadJSON([]byte(fsrc+"}"), "f.json", cat)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := Fit(h, smallSettings())
	if err != nil {
		t.Fatal(err)
	}
	ev, err := m.Evaluate(h, f, []int{2, 5})
	if err != nil {
		t.Fatal(err)
	}
	if ev.Customers != 201 || ev.Cold != 1 {
		t.Fatalf("%d customers, %d cold; want 201 and 1", ev.Customers, ev.Cold)
	}
	names := []string{}
	for _, ms := range ev.Methods {
		names = append(names, ms.Method)
		if ms.Scores[0].Customers != 201 || ms.Scores[1].K != 5 {
			t.Errorf("%s: %+v", ms.Method, ms.Scores)
		}
	}
	if !slices.Equal(names, append(slices.Clone(baselineNames), MethodRanker)) {
		t.Errorf("methods %v", names)
	}
	// Every next basket holds an item the customer bought first, so the
	// personal baselines find it within five.
	for _, ms := range ev.Methods {
		if ms.Method == MethodTopFreq && ms.Scores[1].RepeatRecall == 0 {
			t.Errorf("topfreq never finds a repeat: %+v", ms.Scores[1])
		}
	}
	if len(ev.Reliability) != 10 {
		t.Errorf("%d reliability bins, want 10", len(ev.Reliability))
	}
}

func TestRecommenderAgreesWithRecommend(t *testing.T) {
	b := synthBaskets(5, 120, 40)
	m, _, err := Fit(b, smallSettings())
	if err != nil {
		t.Fatal(err)
	}
	all, err := m.Recommend(b, 4)
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.NewRecommender(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range all[:20] {
		got, ok, err := r.Recommend(want.Customer, 4)
		if err != nil || !ok || !slices.Equal(got.Items, want.Items) {
			t.Fatalf("%s: %v %v %v, want %v", want.Customer, got, ok, err, want)
		}
	}
	if _, ok, err := r.Recommend("nobody", 4); ok || err != nil {
		t.Errorf("unknown customer: ok %v, err %v", ok, err)
	}
	// Concurrent callers (the server's requests) get the same answers.
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, want := range all[g*10 : g*10+10] {
				got, _, err := r.Recommend(want.Customer, 4)
				if err != nil || !slices.Equal(got.Items, want.Items) {
					t.Errorf("concurrent %s: %v %v, want %v", want.Customer, got, err, want)
				}
			}
		}()
	}
	wg.Wait()
}

func TestMaxFitCustomersSamples(t *testing.T) {
	b := synthBaskets(6, 400, 40)
	s := smallSettings()
	s.MaxFitCustomers = 100
	_, rep, err := Fit(b, s)
	if err != nil {
		t.Fatal(err)
	}
	if n := rep.TrainCustomers + rep.ValidCustomers; n < 70 || n > 130 {
		t.Errorf("fitted on %d customers, want about 100", n)
	}
}

// TestUserKNNMatchesBruteForce checks tifu-knn's neighbours against every
// pairwise Euclidean distance of the dense TIFU vectors.
func TestUserKNNMatchesBruteForce(t *testing.T) {
	b := synthBaskets(9, 80, 25)
	s := smallSettings().mustDefaults(t)
	v, err := newView(b, s)
	if err != nil {
		t.Fatal(err)
	}
	const k = 6
	u := fitUserKNN(v, k, 2)
	n := b.NumCustomers()
	dense := make([][]float64, n)
	p := newProfile(v.nItems)
	for c := range n {
		dense[c] = make([]float64, v.nItems)
		p.load(v, c)
		for _, it := range p.items {
			dense[c][it] = p.decay[it]
		}
	}
	for c := range n {
		type cd struct {
			x int32
			d float64
		}
		var all []cd
		for x := range n {
			if x != c {
				d := 0.0
				for i := range dense[c] {
					d += (dense[c][i] - dense[x][i]) * (dense[c][i] - dense[x][i])
				}
				all = append(all, cd{int32(x), d})
			}
		}
		slices.SortStableFunc(all, func(a, b cd) int { return cmp.Compare(a.d, b.d) })
		for i, x := range u.nbr[c] {
			// Equal distances may come in either order; compare distances.
			if math.Abs(all[i].d-all[slices.IndexFunc(all, func(e cd) bool { return e.x == x })].d) > 1e-12 {
				t.Fatalf("customer %d: neighbour %d is %d, want one at distance %v", c, i, x, all[i].d)
			}
		}
		if len(u.nbr[c]) != k {
			t.Fatalf("customer %d has %d neighbours, want %d", c, len(u.nbr[c]), k)
		}
	}
}
