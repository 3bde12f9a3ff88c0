package linear

import (
	"math"
	"math/rand/v2"
	"testing"

	"promocast/data"
	"promocast/model"
)

// benchData is the size the package is tuned for: 100,000 rows of 60
// features, 6 of them with 5% NaN and 4 categorical with 8 levels; the
// target is linear in a third of the features plus noise.
func benchData(binary bool) *model.Dataset {
	const n, p = 100_000, 60
	rng := rand.New(rand.NewPCG(42, 42))
	ds := &model.Dataset{X: data.NewMatrix(n, p), Y: make([]float64, n), W: make([]float64, n)}
	for j := 0; j < p; j++ {
		f := model.Feature{Name: "f" + string(rune('A'+j/26)) + string(rune('a'+j%26))}
		if j >= p-4 {
			f.Categorical, f.Levels = true, 8
		}
		ds.Features = append(ds.Features, f)
	}
	for i := 0; i < n; i++ {
		eta := 0.0
		row := ds.X.Row(i)
		for j := range row {
			v := rng.NormFloat64()
			if ds.Features[j].Categorical {
				v = float64(rng.IntN(8))
			}
			if j%3 == 0 {
				eta += v * 0.3
			}
			if j < 6 && rng.Float64() < 0.05 {
				v = math.NaN()
			}
			row[j] = v
		}
		ds.Y[i] = eta + rng.NormFloat64()
		if binary {
			ds.Y[i] = 0
			if rng.Float64() < sigmoid(eta) {
				ds.Y[i] = 1
			}
		}
		ds.W[i] = 0.5 + rng.Float64()
	}
	return ds
}

func BenchmarkFit(b *testing.B) {
	reg, cls := benchData(false), benchData(true)
	b.Run("ridge", func(b *testing.B) {
		for b.Loop() {
			if _, err := Fit(reg, Params{Penalty: "ridge", Alpha: 0.01}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("lasso", func(b *testing.B) {
		for b.Loop() {
			if _, err := Fit(reg, Params{Penalty: "lasso", Alpha: 0.01}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("logistic", func(b *testing.B) {
		for b.Loop() {
			if _, err := FitLogistic(cls, LogisticParams{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("logistic_l1", func(b *testing.B) {
		for b.Loop() {
			if _, err := FitLogistic(cls, LogisticParams{Penalty: "l1", C: 0.001}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("poisson", func(b *testing.B) {
		pois := &model.Dataset{X: cls.X, Y: cls.Y, W: cls.W, Features: cls.Features}
		for b.Loop() {
			if _, err := FitPoisson(pois, PoissonParams{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkPredict(b *testing.B) {
	ds := benchData(false)
	m, err := Fit(ds, Params{})
	if err != nil {
		b.Fatal(err)
	}
	out := make([]float64, ds.X.Rows)
	b.ReportAllocs()
	for b.Loop() {
		if err := m.Predict(ds.X, out); err != nil {
			b.Fatal(err)
		}
	}
}
