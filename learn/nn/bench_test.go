package nn_test

import (
	"math/rand/v2"
	"testing"

	"promocast/data"
	"promocast/learn/nn"
	"promocast/model"
)

// panelLike returns n rows shaped like a forecasting panel's features:
// 48 numeric columns and four categoricals (store 80, product 60, month 12,
// week day 7 levels), target around 1.
func panelLike(n int) *model.Dataset {
	rng := rand.New(rand.NewPCG(1, 1))
	levels := []int{80, 60, 12, 7}
	cols := 48 + len(levels)
	ds := &model.Dataset{X: data.NewMatrix(n, cols), Y: make([]float64, n), W: make([]float64, n)}
	for j := 0; j < 48; j++ {
		ds.Features = append(ds.Features, model.Feature{Name: "x"})
	}
	for _, l := range levels {
		ds.Features = append(ds.Features, model.Feature{Name: "c", Categorical: true, Levels: l})
	}
	for i := 0; i < n; i++ {
		r := ds.X.Row(i)
		for j := 0; j < 48; j++ {
			r[j] = rng.NormFloat64()
		}
		for k, l := range levels {
			r[48+k] = float64(rng.IntN(l))
		}
		ds.Y[i] = 1 + 0.3*r[0] + 0.1*rng.NormFloat64()
		ds.W[i] = 1 + rng.Float64()
	}
	return ds
}

// BenchmarkEpoch times one epoch over 50,000 rows with the default network
// and reports training rows per second.
func BenchmarkEpoch(b *testing.B) {
	ds := panelLike(50000)
	b.ResetTimer()
	for b.Loop() {
		if _, err := nn.Fit(ds, nn.Params{Epochs: 1, Validation: -1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(ds.X.Rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
