package gbdt

import (
	"math"
	"math/rand/v2"
	"testing"

	"promocast/data"
	"promocast/model"
)

// friedman returns the Friedman #1 regression problem with n rows, cols ≥ 5
// features (the extra ones are noise) and Gaussian noise of sd noise.
func friedman(n, cols int, noise float64, seed uint64) *model.Dataset {
	rng := rand.New(rand.NewPCG(seed, 7))
	X := data.NewMatrix(n, cols)
	y := make([]float64, n)
	for i := 0; i < n; i++ {
		r := X.Row(i)
		for j := range r {
			r[j] = rng.Float64()
		}
		y[i] = 10*math.Sin(math.Pi*r[0]*r[1]) + 20*(r[2]-0.5)*(r[2]-0.5) + 10*r[3] + 5*r[4] + noise*rng.NormFloat64()
	}
	return &model.Dataset{X: X, Y: y, Features: numericFeatures(cols)}
}

func numericFeatures(cols int) []model.Feature {
	fs := make([]model.Feature, cols)
	for j := range fs {
		fs[j] = model.Feature{Name: "x" + string(rune('a'+j%26)) + string(rune('0'+j/26))}
	}
	return fs
}

func rmse(a, b []float64) float64 {
	var s float64
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return math.Sqrt(s / float64(len(a)))
}

func mustTrain(t testing.TB, train, valid *model.Dataset, p Params) *Model {
	t.Helper()
	m, err := Train(train, valid, p)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func predict(t testing.TB, m interface {
	Predict(*data.Matrix, []float64) error
}, X *data.Matrix) []float64 {
	t.Helper()
	out := make([]float64, X.Rows)
	if err := m.Predict(X, out); err != nil {
		t.Fatal(err)
	}
	return out
}
