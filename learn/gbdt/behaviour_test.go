package gbdt

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"promocast/data"
	"promocast/model"
)

// TestStumpByHand checks one squared-error stump on x = 1..4,
// y = 1, 1, 3, 3: the base score is the mean 2, the gradients are
// 1, 1, −1, −1, the best split is x ≤ 2.5 with gain 2²/2 + 2²/2 = 4, and
// with no L2 penalty and learning rate 1 the leaves are −1 and +1.
func TestStumpByHand(t *testing.T) {
	X := &data.Matrix{Rows: 4, Cols: 1, Values: []float64{1, 2, 3, 4}}
	ds := &model.Dataset{X: X, Y: []float64{1, 1, 3, 3}, Features: numericFeatures(1)}
	m := mustTrain(t, ds, nil, Params{Rounds: 1, MaxLeaves: 2, LearningRate: 1, L2: -1, MinChildWeight: 1})
	tr := m.Trees[0]
	if m.BaseScore != 2 || tr.Len() != 3 || tr.Feature[0] != 0 || tr.Threshold[0] != 2.5 || tr.Gain[0] != 4 {
		t.Fatalf("base %v, tree %+v: expected base 2 and the split x ≤ 2.5 with gain 4", m.BaseScore, tr)
	}
	if tr.Value[1] != -1 || tr.Value[2] != 1 || tr.Cover[1] != 2 || tr.Cover[2] != 2 {
		t.Errorf("leaves %v with cover %v: expected −1, +1 with cover 2, 2", tr.Value[1:], tr.Cover[1:])
	}
	got := predict(t, m, X)
	for i, want := range ds.Y {
		if got[i] != want {
			t.Errorf("row %d: predicted %v, expected %v", i, got[i], want)
		}
	}
}

// TestConstantModels trains on a feature that cannot split, so every
// model is its init score: the weighted mean, the exp of the log mean, the
// weighted median, the mean probability.
func TestConstantModels(t *testing.T) {
	y := []float64{0, 1, 1, 2, 3, 5, 8, 13}
	w := []float64{1, 2, 1, 1, 3, 1, 1, 2}
	var sw, swy float64
	for i := range y {
		sw += w[i]
		swy += w[i] * y[i]
	}
	mean := swy / sw
	X := data.NewMatrix(len(y), 1) // one constant feature
	yb := []float64{0, 1, 1, 0, 1, 1, 0, 1}
	cases := []struct {
		p    Params
		y    []float64
		want float64
	}{
		{Params{Objective: Squared}, y, mean},
		{Params{Objective: Poisson}, y, mean},
		{Params{Objective: Tweedie, TweedieVariancePower: 1.3}, y, mean},
		{Params{Objective: Quantile, Alpha: 0.5}, y, 3}, // cumulative weights 1 3 4 5 |8| of 12
		{Params{Objective: Quantile, Alpha: 0.9}, y, 13},
		{Params{Objective: Logistic}, yb, (0 + 2 + 1 + 0 + 3 + 1 + 0 + 2) / sw},
	}
	for _, c := range cases {
		c.p.Rounds = 5
		ds := &model.Dataset{X: X, Y: c.y, W: w, Features: numericFeatures(1)}
		m := mustTrain(t, ds, nil, c.p)
		got := predict(t, m, X)
		for i := range got {
			if math.Abs(got[i]-c.want) > 1e-9*math.Max(1, c.want) {
				t.Errorf("%s (alpha %v): row %d predicted %v, expected %v", c.p.Objective, c.p.Alpha, i, got[i], c.want)
				break
			}
		}
	}
}

// TestQuantileCoverage checks that a quantile model's predictions sit
// above alpha of the training targets and about alpha of fresh ones.
func TestQuantileCoverage(t *testing.T) {
	train := friedman(4000, 5, 2, 3)
	test := friedman(4000, 5, 2, 4)
	for _, alpha := range []float64{0.1, 0.9} {
		m := mustTrain(t, train, nil, Params{Objective: Quantile, Alpha: alpha, Rounds: 100, MaxLeaves: 8, MinChildWeight: 20})
		for k, ds := range []*model.Dataset{train, test} {
			got := predict(t, m, ds.X)
			var below int
			for i := range got {
				if ds.Y[i] <= got[i] {
					below++
				}
			}
			cov := float64(below) / float64(len(got))
			if tol := []float64{0.015, 0.05}[k]; math.Abs(cov-alpha) > tol {
				t.Errorf("alpha %v: %.3f of the %s targets lie below the prediction", alpha, cov, []string{"training", "test"}[k])
			}
		}
	}
}

// TestPoissonLearns checks that the Poisson model recovers a log-linear
// mean better than the constant model does.
func TestPoissonLearns(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	n := 4000
	X := data.NewMatrix(n, 2)
	y, mu := make([]float64, n), make([]float64, n)
	for i := 0; i < n; i++ {
		X.Set(i, 0, rng.Float64())
		X.Set(i, 1, rng.Float64())
		mu[i] = math.Exp(1 + 2*X.At(i, 0) - X.At(i, 1))
		// Poisson draw by inversion.
		u, k, p := rng.Float64(), 0.0, math.Exp(-mu[i])
		for c := p; u > c; c += p {
			k++
			p *= mu[i] / k
		}
		y[i] = k
	}
	ds := &model.Dataset{X: X, Y: y, Features: numericFeatures(2)}
	m := mustTrain(t, ds, nil, Params{Objective: Poisson, Rounds: 200, MaxLeaves: 8})
	got := predict(t, m, X)
	if e := rmse(got, mu) / weightedMean(mu, nil); e > 0.1 {
		t.Errorf("relative RMSE against the true mean %.3f: expected below 0.1", e)
	}
}

// TestCategoricalSet learns a target that depends only on whether a
// category lies in a set: one stump with learning rate 1 and no penalty
// must find exactly that set and predict exactly.
func TestCategoricalSet(t *testing.T) {
	in := map[int]bool{1: true, 3: true, 4: true, 8: true}
	n := 300
	X := data.NewMatrix(n, 2)
	y := make([]float64, n)
	rng := rand.New(rand.NewPCG(9, 9))
	for i := 0; i < n; i++ {
		c := i % 10
		X.Set(i, 0, rng.Float64()) // noise
		X.Set(i, 1, float64(c))
		if in[c] {
			y[i] = 5
		}
	}
	feats := []model.Feature{{Name: "noise"}, {Name: "cat", Categorical: true, Levels: 10}}
	ds := &model.Dataset{X: X, Y: y, Features: feats}
	m := mustTrain(t, ds, nil, Params{Rounds: 1, MaxLeaves: 2, LearningRate: 1, L2: -1})
	tr := m.Trees[0]
	if tr.Feature[0] != 1 || tr.CatSet[0] != 0 {
		t.Fatalf("root splits feature %d (set %d): expected a categorical split on feature 1", tr.Feature[0], tr.CatSet[0])
	}
	var left []int
	for c := 0; c < 10; c++ {
		if inCatSet(tr.CatSets[0], float64(c)) {
			left = append(left, c)
		}
	}
	if len(left) != 4 && len(left) != 6 {
		t.Fatalf("left categories %v: expected {1, 3, 4, 8} or its complement", left)
	}
	for _, c := range left {
		if in[c] != in[left[0]] {
			t.Fatalf("left categories %v mix the set {1, 3, 4, 8} with others", left)
		}
	}
	got := predict(t, m, X)
	for i := range got {
		if got[i] != y[i] {
			t.Fatalf("row %d: predicted %v, expected %v", i, got[i], y[i])
		}
	}
	// An unseen category goes right, with the rows of the right leaf.
	Xu := &data.Matrix{Rows: 1, Cols: 2, Values: []float64{0.5, 42}}
	if got, want := predict(t, m, Xu)[0], m.BaseScore+tr.Value[tr.Right[0]]; got != want {
		t.Errorf("unseen category predicted %v, expected the right leaf's %v", got, want)
	}
}

// TestMissingDirection learns a target that is high exactly when the
// feature is missing: the split must send NaN its own way.
func TestMissingDirection(t *testing.T) {
	n := 400
	X := data.NewMatrix(n, 1)
	y := make([]float64, n)
	for i := 0; i < n; i++ {
		x := float64(i%100) / 100
		X.Set(i, 0, x)
		y[i] = x
		if i%4 == 0 {
			X.Set(i, 0, math.NaN())
			y[i] = 10
		}
	}
	ds := &model.Dataset{X: X, Y: y, Features: numericFeatures(1)}
	m := mustTrain(t, ds, nil, Params{Rounds: 1, MaxLeaves: 2, LearningRate: 1, L2: -1})
	tr := m.Trees[0]
	nanLeaf := tr.Right[0]
	if tr.DefaultLeft[0] {
		nanLeaf = tr.Left[0]
	}
	other := tr.Left[0] + tr.Right[0] - nanLeaf
	if tr.Value[nanLeaf]+m.BaseScore != 10 || tr.Cover[nanLeaf] != 100 || tr.Cover[other] != 300 {
		t.Errorf("missing values reach a leaf of value %v and cover %v: expected 10 and 100",
			tr.Value[nanLeaf]+m.BaseScore, tr.Cover[nanLeaf])
	}
}

// TestMonotoneGrid checks on a dense grid of each constrained feature,
// around many rows, that predictions never move against the constraint.
func TestMonotoneGrid(t *testing.T) {
	ds := friedman(3000, 6, 1, 11)
	// x0 enters through sin(π x0 x1), so it is not monotone in the data.
	ds.Features[0].Monotone = -1
	ds.Features[3].Monotone = +1
	ds.Features[2].Monotone = +1 // a U shape forced upward
	m := mustTrain(t, ds, nil, Params{Rounds: 100, MaxLeaves: 31, Seed: 3, RowSubsample: 0.8})
	const grid = 201
	G := data.NewMatrix(grid, 6)
	out := make([]float64, grid)
	for r := 0; r < 100; r++ {
		base := ds.X.Row(r)
		for f, ft := range ds.Features {
			if ft.Monotone == 0 {
				continue
			}
			for k := 0; k < grid; k++ {
				copy(G.Row(k), base)
				G.Set(k, f, -0.05+1.1*float64(k)/(grid-1))
			}
			if err := m.Predict(G, out); err != nil {
				t.Fatal(err)
			}
			for k := 1; k < grid; k++ {
				if d := (out[k] - out[k-1]) * float64(ft.Monotone); d < 0 {
					t.Fatalf("row %d, feature %d: prediction moves by %v against its constraint %+d", r, f, d, ft.Monotone)
				}
			}
		}
	}
	// The constraint must not flatten the model: the free features still
	// carry it.
	test := friedman(2000, 6, 0, 12)
	if e := rmse(predict(t, m, test.X), test.Y); e > 3.5 {
		t.Errorf("constrained model test RMSE %.2f: expected below 3.5", e)
	}
}

// mixedData has numeric, missing and categorical features.
func mixedData(n int, seed uint64) *model.Dataset {
	ds := friedman(n, 6, 1, seed)
	rng := rand.New(rand.NewPCG(seed, 99))
	for i := 0; i < n; i++ {
		if rng.Float64() < 0.1 {
			ds.X.Set(i, 4, math.NaN())
		}
		c := rng.IntN(7)
		ds.X.Set(i, 5, float64(c))
		ds.Y[i] += float64(c%3) * 2
	}
	ds.Features[5] = model.Feature{Name: "cat", Categorical: true, Levels: 7}
	ds.Features[3].Monotone = 1
	return ds
}

func TestDeterministicAcrossThreads(t *testing.T) {
	ds := mixedData(20000, 21)
	p := Params{Rounds: 20, MaxLeaves: 63, MaxDepth: 8, RowSubsample: 0.7, ColSubsample: 0.8, Seed: 5}
	var outs [][]byte
	for _, th := range []int{1, 4} {
		p.Threads = th
		b, err := json.Marshal(mustTrain(t, ds, nil, p))
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, b)
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Fatal("models trained with 1 and 4 threads differ")
	}
	p.Seed = 6
	b, _ := json.Marshal(mustTrain(t, ds, nil, p))
	if bytes.Equal(b, outs[0]) {
		t.Error("another seed gave the same model: sampling ignores the seed")
	}
}

func TestJSONRoundTrip(t *testing.T) {
	ds := mixedData(3000, 31)
	m := mustTrain(t, ds, nil, Params{Objective: Tweedie, Rounds: 30})
	for i := range ds.Y {
		ds.Y[i] = math.Abs(ds.Y[i])
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back Model
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(&back)
	if !bytes.Equal(b, b2) {
		t.Error("a loaded model marshals to other bytes")
	}
	want, got := predict(t, m, ds.X), predict(t, &back, ds.X)
	for i := range want {
		if want[i] != got[i] {
			t.Fatalf("row %d: loaded model predicts %v, trained one %v", i, got[i], want[i])
		}
	}
	// A damaged file is an error, not a panic.
	bad := bytes.Replace(b, []byte(`"left":[1,`), []byte(`"left":[0,`), 1)
	if err := json.Unmarshal(bad, &back); err == nil {
		t.Error("a tree whose root is its own child loaded without error")
	}
}

func TestEarlyStopping(t *testing.T) {
	train := friedman(500, 10, 3, 41)
	valid := friedman(500, 10, 3, 42)
	p := Params{Rounds: 500, LearningRate: 0.5, MaxLeaves: 63, MaxDepth: -1, L2: -1, EarlyStoppingRounds: 10}
	m := mustTrain(t, train, valid, p)
	h := m.EvalHistory
	if len(m.Trees) >= p.Rounds || len(h) != len(m.Trees)+p.EarlyStoppingRounds {
		t.Fatalf("kept %d trees after %d rounds: expected to stop %d rounds after the best, before %d",
			len(m.Trees), len(h), p.EarlyStoppingRounds, p.Rounds)
	}
	best := len(m.Trees) - 1
	for r, v := range h {
		if v < h[best] {
			t.Errorf("round %d has validation loss %v below the kept round %d's %v", r, v, best, h[best])
		}
	}
	// The kept model scores the best round's loss.
	if got := rmse(predict(t, m, valid.X), valid.Y); math.Abs(got-h[best]) > 1e-9 {
		t.Errorf("kept model's validation RMSE %v, history says %v", got, h[best])
	}
	if _, err := Train(train, nil, p); err == nil {
		t.Error("early stopping without a validation set trained without error")
	}
}

func TestSHAPAdditivity(t *testing.T) {
	ds := mixedData(2000, 51)
	for _, obj := range []string{Squared, Logistic} {
		d := *ds
		if obj == Logistic {
			d.Y = make([]float64, len(ds.Y))
			for i, v := range ds.Y {
				if v > 15 {
					d.Y[i] = 1
				}
			}
		}
		m := mustTrain(t, &d, nil, Params{Objective: obj, Rounds: 30, MaxLeaves: 31, MaxDepth: 6})
		raw := make([]float64, d.X.Rows)
		if err := m.PredictRaw(d.X, raw); err != nil {
			t.Fatal(err)
		}
		w := d.X.Cols + 1
		phi := make([]float64, d.X.Rows*w)
		if err := m.SHAP(d.X, phi); err != nil {
			t.Fatal(err)
		}
		for i := range raw {
			var s float64
			for _, v := range phi[i*w : (i+1)*w] {
				s += v
			}
			if math.Abs(s-raw[i]) > 1e-9*math.Max(1, math.Abs(raw[i])) {
				t.Fatalf("%s row %d: contributions sum to %v, raw prediction %v", obj, i, s, raw[i])
			}
		}
	}
}

// TestSHAPExact compares TreeSHAP with Shapley values computed by brute
// force over every feature subset, with the path-dependent value function
// E[f(x) | x_S] that follows the tree for features in S and averages both
// children by cover otherwise.
func TestSHAPExact(t *testing.T) {
	ds := mixedData(500, 61)
	m := mustTrain(t, ds, nil, Params{Rounds: 3, MaxLeaves: 12, MaxDepth: 5})
	F := ds.X.Cols
	phi := make([]float64, ds.X.Rows*(F+1))
	if err := m.SHAP(ds.X, phi); err != nil {
		t.Fatal(err)
	}
	var cond func(tr *Tree, i int, row []float64, S uint) float64
	cond = func(tr *Tree, i int, row []float64, S uint) float64 {
		if tr.Feature[i] < 0 {
			return tr.Value[i]
		}
		f := tr.Feature[i]
		l, r := int(tr.Left[i]), int(tr.Right[i])
		if S>>f&1 == 1 {
			if tr.goesLeft(i, row[f]) {
				return cond(tr, l, row, S)
			}
			return cond(tr, r, row, S)
		}
		return (tr.Cover[l]*cond(tr, l, row, S) + tr.Cover[r]*cond(tr, r, row, S)) / (tr.Cover[l] + tr.Cover[r])
	}
	value := func(row []float64, S uint) float64 {
		v := m.BaseScore
		for k := range m.Trees {
			v += cond(&m.Trees[k], 0, row, S)
		}
		return v
	}
	fact := func(n int) float64 { return math.Gamma(float64(n) + 1) }
	for r := 0; r < 20; r++ {
		row := ds.X.Row(r)
		for j := 0; j < F; j++ {
			var want float64
			for S := uint(0); S < 1<<F; S++ {
				if S>>j&1 == 1 {
					continue
				}
				s := 0
				for k := 0; k < F; k++ {
					s += int(S >> k & 1)
				}
				want += fact(s) * fact(F-s-1) / fact(F) * (value(row, S|1<<j) - value(row, S))
			}
			if got := phi[r*(F+1)+j]; math.Abs(got-want) > 1e-9 {
				t.Fatalf("row %d feature %d: TreeSHAP %v, brute force %v", r, j, got, want)
			}
		}
	}
}

func TestImportance(t *testing.T) {
	ds := friedman(2000, 8, 0.5, 71)
	m := mustTrain(t, ds, nil, Params{Rounds: 50})
	gain, err := m.Importance(ImportanceGain)
	if err != nil {
		t.Fatal(err)
	}
	// x3 (10·x3) matters far more than the pure-noise features 5..7.
	for f := 5; f < 8; f++ {
		if gain[f] > gain[3]/20 {
			t.Errorf("noise feature %d has gain %v against x3's %v", f, gain[f], gain[3])
		}
	}
	splits, _ := m.Importance(ImportanceSplit)
	var total float64
	for _, v := range splits {
		total += v
	}
	var want int
	for k := range m.Trees {
		want += (m.Trees[k].Len() - 1) / 2
	}
	if int(total) != want {
		t.Errorf("split counts sum to %v, the trees have %d splits", total, want)
	}
	if _, err := m.Importance("weight"); err == nil {
		t.Error("an unknown importance kind gave no error")
	}
}

func TestBadInput(t *testing.T) {
	ds := friedman(100, 5, 1, 81)
	cases := map[string]func(*model.Dataset, *Params){
		"objective":  func(_ *model.Dataset, p *Params) { p.Objective = "huber" },
		"bins":       func(_ *model.Dataset, p *Params) { p.Bins = 300 },
		"subsample":  func(_ *model.Dataset, p *Params) { p.RowSubsample = 1.5 },
		"poisson y":  func(d *model.Dataset, p *Params) { p.Objective = Poisson; d.Y[3] = -1 },
		"logistic y": func(d *model.Dataset, p *Params) { p.Objective = Logistic },
		"category": func(d *model.Dataset, _ *Params) {
			d.Features[0] = model.Feature{Name: "c", Categorical: true, Levels: 3}
		},
		"weights":     func(d *model.Dataset, _ *Params) { d.W = make([]float64, 100); d.W[0] = -1 },
		"target size": func(d *model.Dataset, _ *Params) { d.Y = d.Y[:10] },
	}
	for name, mutate := range cases {
		d := *ds
		d.Y = append([]float64(nil), ds.Y...)
		d.Features = append([]model.Feature(nil), ds.Features...)
		var p Params
		mutate(&d, &p)
		if _, err := Train(&d, nil, p); err == nil {
			t.Errorf("%s: bad input trained without error", name)
		}
	}
	// No features at all is a constant model, not a crash.
	none := &model.Dataset{X: data.NewMatrix(20, 0), Y: ds.Y[:20]}
	if got := predict(t, mustTrain(t, none, nil, Params{Rounds: 3}), none.X); math.Abs(got[0]-weightedMean(none.Y, nil)) > 1e-12 {
		t.Errorf("a model without features predicts %v, expected the mean %v", got[0], weightedMean(none.Y, nil))
	}
	m := mustTrain(t, ds, nil, Params{Rounds: 2})
	if err := m.Predict(data.NewMatrix(2, 4), make([]float64, 2)); err == nil {
		t.Error("predicting a matrix with the wrong column count gave no error")
	}
	if err := m.Predict(ds.X, make([]float64, 3)); err == nil {
		t.Error("predicting into a short output gave no error")
	}
}

// TestPredictRowAloneMatchesBatch checks that a row scored alone (its
// trees walked eight at a time, the last three one by one) gets the bits
// it gets in a batch (rows walked in lanes), on rows with missing values
// and categories.
func TestPredictRowAloneMatchesBatch(t *testing.T) {
	ds := mixedData(3000, 41)
	m := mustTrain(t, ds, nil, Params{Rounds: 43, MaxLeaves: 31})
	X := &data.Matrix{Rows: 64, Cols: ds.X.Cols, Values: ds.X.Values[:64*ds.X.Cols]}
	batch := predict(t, m, X)
	for i := range X.Rows {
		one := predict(t, m, &data.Matrix{Rows: 1, Cols: X.Cols, Values: X.Row(i)})
		if math.Float64bits(one[0]) != math.Float64bits(batch[i]) {
			t.Fatalf("row %d: alone %v, in a batch %v", i, one[0], batch[i])
		}
	}
}
