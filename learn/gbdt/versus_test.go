package gbdt

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"promocast/data"
	"promocast/model"
)

// versusPairs returns n foreground rows of ds and a reference row for each:
// another row of ds in which each feature is, at random, copied from the
// foreground (so equal), set missing in both, set missing in one, or given
// a category no tree has seen.
func versusPairs(ds *model.Dataset, n int, seed uint64) (X, Z *data.Matrix) {
	rng := rand.New(rand.NewPCG(seed, 5))
	X, Z = data.NewMatrix(n, ds.X.Cols), data.NewMatrix(n, ds.X.Cols)
	for i := 0; i < n; i++ {
		x, z := X.Row(i), Z.Row(i)
		copy(x, ds.X.Row(i))
		copy(z, ds.X.Row(ds.X.Rows-1-i))
		for j := range x {
			switch u := rng.Float64(); {
			case u < 0.3:
				z[j] = x[j]
			case u < 0.4:
				x[j], z[j] = math.NaN(), math.NaN()
			case u < 0.5:
				x[j] = math.NaN()
			case u < 0.6 && ds.Features[j].Categorical:
				z[j] = 42
			}
		}
	}
	return X, Z
}

// rawScorer is a model's raw score: PredictRaw for boosting, Predict (the
// mean of the trees) for a forest.
type rawScorer interface {
	SHAPVersus(X, Z *data.Matrix, out []float64) error
}

func rawScores(t *testing.T, m rawScorer, X *data.Matrix) []float64 {
	t.Helper()
	out := make([]float64, X.Rows)
	var err error
	switch m := m.(type) {
	case *Model:
		err = m.PredictRaw(X, out)
	case *Forest:
		err = m.Predict(X, out)
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// versusModels trains boosted models of several objectives, deep enough
// that features recur on a path, and a forest, on numeric, missing and
// categorical features.
func versusModels(t *testing.T, ds *model.Dataset, rounds, leaves, depth int) map[string]rawScorer {
	t.Helper()
	ms := map[string]rawScorer{}
	for _, obj := range []string{Squared, Poisson, Logistic} {
		d := *ds
		d.Y = make([]float64, len(ds.Y))
		for i, v := range ds.Y {
			switch obj {
			case Squared:
				d.Y[i] = v
			case Poisson:
				d.Y[i] = math.Max(0, math.Round(v/4))
			case Logistic:
				if v > 15 {
					d.Y[i] = 1
				}
			}
		}
		ms[obj] = mustTrain(t, &d, nil, Params{Objective: obj, Rounds: rounds, MaxLeaves: leaves, MaxDepth: depth, Seed: 3})
	}
	f, err := TrainForest(ds, ForestParams{Trees: max(2, rounds/3), MaxDepth: depth, MaxLeaves: leaves, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	ms["forest"] = f
	return ms
}

func shapVersus(t *testing.T, m rawScorer, X, Z *data.Matrix) []float64 {
	t.Helper()
	phi := make([]float64, X.Rows*X.Cols)
	if err := m.SHAPVersus(X, Z, phi); err != nil {
		t.Fatal(err)
	}
	return phi
}

// TestSHAPVersusAdditivityAndDummy checks that each row's attributions add
// up to f(x) − f(z) and that features equal in x and z get exactly 0.
func TestSHAPVersusAdditivityAndDummy(t *testing.T) {
	ds := mixedData(3000, 71)
	X, Z := versusPairs(ds, 300, 72)
	for name, m := range versusModels(t, ds, 40, 63, 9) {
		fx, fz := rawScores(t, m, X), rawScores(t, m, Z)
		phi := shapVersus(t, m, X, Z)
		equal, moved := 0, 0
		for i := 0; i < X.Rows; i++ {
			var sum float64
			for j := 0; j < X.Cols; j++ {
				v := phi[i*X.Cols+j]
				sum += v
				if x, z := X.At(i, j), Z.At(i, j); x == z || x != x && z != z {
					equal++
					if v != 0 {
						t.Fatalf("%s row %d: feature %d is %v in both rows but gets %v", name, i, j, x, v)
					}
				}
			}
			diff := fx[i] - fz[i]
			if diff != 0 {
				moved++
			}
			if math.Abs(sum-diff) > 1e-9*math.Max(1, math.Abs(diff)) {
				t.Fatalf("%s row %d: attributions sum to %v, f(x) − f(z) = %v", name, i, sum, diff)
			}
		}
		if equal < X.Rows || moved < X.Rows/2 {
			t.Fatalf("%s: %d equal features and %d rows that differ in prediction: the pairs test too little", name, equal, moved)
		}
	}
}

// TestSHAPVersusBruteForce compares the attributions with Shapley values
// computed by enumerating every coalition S and scoring the hybrid row
// that takes S from x and the rest from z.
func TestSHAPVersusBruteForce(t *testing.T) {
	ds := mixedData(600, 81)
	F := ds.X.Cols
	X, Z := versusPairs(ds, 25, 82)
	fact := func(n int) float64 { return math.Gamma(float64(n) + 1) }
	for name, m := range versusModels(t, ds, 6, 16, 6) {
		phi := shapVersus(t, m, X, Z)
		H := data.NewMatrix(1<<F, F)
		for i := 0; i < X.Rows; i++ {
			for S := 0; S < 1<<F; S++ {
				h := H.Row(S)
				for j := range h {
					h[j] = Z.At(i, j)
					if S>>j&1 == 1 {
						h[j] = X.At(i, j)
					}
				}
			}
			v := rawScores(t, m, H)
			for j := 0; j < F; j++ {
				var want float64
				for S := 0; S < 1<<F; S++ {
					if S>>j&1 == 1 {
						continue
					}
					s := 0
					for k := 0; k < F; k++ {
						s += S >> k & 1
					}
					want += fact(s) * fact(F-s-1) / fact(F) * (v[S|1<<j] - v[S])
				}
				if got := phi[i*F+j]; math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
					t.Fatalf("%s row %d feature %d: interventional TreeSHAP %v, brute force %v", name, i, j, got, want)
				}
			}
		}
	}
}

// TestSHAPVersusDeterministic checks that the attributions are the same
// bits whether rows are computed alone or in a parallel batch, and from
// one call to the next.
func TestSHAPVersusDeterministic(t *testing.T) {
	ds := mixedData(2000, 91)
	m := mustTrain(t, ds, nil, Params{Rounds: 30, MaxLeaves: 31, MaxDepth: 7})
	X, Z := versusPairs(ds, 200, 92)
	prev := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(prev)
	a, b := shapVersus(t, m, X, Z), shapVersus(t, m, X, Z)
	for i := 0; i < X.Rows; i++ {
		x := &data.Matrix{Rows: 1, Cols: X.Cols, Values: X.Row(i)}
		z := &data.Matrix{Rows: 1, Cols: Z.Cols, Values: Z.Row(i)}
		one := shapVersus(t, m, x, z)
		for j := range one {
			k := i*X.Cols + j
			if a[k] != b[k] || a[k] != one[j] {
				t.Fatalf("row %d feature %d: %v, %v in batches and %v alone", i, j, a[k], b[k], one[j])
			}
		}
	}
}

func TestSHAPVersusBadInput(t *testing.T) {
	ds := mixedData(200, 1)
	m := mustTrain(t, ds, nil, Params{Rounds: 2, MaxLeaves: 4})
	X, Z := versusPairs(ds, 3, 2)
	for name, call := range map[string]func() error{
		"no reference":    func() error { return m.SHAPVersus(X, nil, make([]float64, 18)) },
		"fewer refs":      func() error { return m.SHAPVersus(X, data.NewMatrix(2, 6), make([]float64, 18)) },
		"short output":    func() error { return m.SHAPVersus(X, Z, make([]float64, 17)) },
		"other columns":   func() error { return m.SHAPVersus(X, data.NewMatrix(3, 5), make([]float64, 18)) },
		"matrix too wide": func() error { return m.SHAPVersus(data.NewMatrix(3, 7), Z, make([]float64, 21)) },
	} {
		if err := call(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
