package nn

import (
	"fmt"
	"math"
	"testing"

	"promocast/data"
	"promocast/model"
)

// tinyDataset has two numeric features (one with missing values) and two
// categorical ones (one with a missing and an out-of-range code), weights,
// and a target that suits every loss: counts in {0, 1, 2, 3}, turned into
// 0/1 for the logistic loss.
func tinyDataset(n int, binary bool) *model.Dataset {
	rng := newRNG(7)
	ds := &model.Dataset{X: data.NewMatrix(n, 4), Y: make([]float64, n), W: make([]float64, n),
		Features: []model.Feature{{Name: "a"}, {Name: "b"}, {Name: "c", Categorical: true, Levels: 3},
			{Name: "d", Categorical: true, Levels: 5}}}
	for i := 0; i < n; i++ {
		r := ds.X.Row(i)
		r[0] = rng.normal()
		r[1] = 3 + 2*rng.normal()
		if i%5 == 0 {
			r[1] = math.NaN()
		}
		r[2] = float64(rng.intN(3))
		r[3] = float64(rng.intN(5))
		if i%7 == 0 {
			r[3] = math.NaN()
		}
		if i%11 == 0 {
			r[2] = 9
		}
		ds.Y[i] = float64(rng.intN(4))
		if binary {
			ds.Y[i] = float64(rng.intN(2))
		}
		ds.W[i] = 0.5 + rng.float64()
	}
	return ds
}

// TestGradientMatchesFiniteDifferences checks the backward pass against
// central finite differences of the mean weighted loss, for every loss, on
// a small network with embeddings, a missing indicator and two hidden
// layers.
func TestGradientMatchesFiniteDifferences(t *testing.T) {
	for _, tc := range []struct {
		loss    string
		alpha   float64
		dropout float64
	}{{LossSquared, 0, -1}, {LossPoisson, 0, -1}, {LossQuantile, 0.3, -1}, {LossLogistic, 0, -1}, {LossSquared, 0, 0.3}} {
		t.Run(fmt.Sprintf("%s/dropout=%v", tc.loss, tc.dropout), func(t *testing.T) {
			// 150 rows make three chunks on two goroutines.
			ds := tinyDataset(150, tc.loss == LossLogistic)
			p, err := Params{Hidden: []int{5, 3}, Loss: tc.loss, Alpha: tc.alpha, Dropout: tc.dropout, Validation: -1, Threads: 2}.validate()
			if err != nil {
				t.Fatal(err)
			}
			tr, _, n, err := newTrainer(ds, p)
			if err != nil {
				t.Fatal(err)
			}
			if tr.nt.emb != 2+3 || tr.enc.inputs != 3 { // (3+1)/2 + (5+1)/2; a, b, b missing
				t.Fatalf("embedding width %d and numeric inputs %d, expected 5 and 3", tr.nt.emb, tr.enc.inputs)
			}
			// Spread the weights so that embeddings matter and few ReLUs sit near 0.
			rng := newRNG(3)
			for i := range tr.theta {
				tr.theta[i] = 0.5 * rng.normal()
			}
			rows := make([]int, n)
			for i := range rows {
				rows[i] = i
			}
			// With dropout the loss is that of the step's fixed masks.
			train := tc.dropout > 0
			loss := func() float64 {
				sw, sl := tr.gradient(rows, 0, train)
				return sl / sw
			}
			tr.gradient(rows, 0, true)
			g := append([]float64{}, tr.grad...)
			const h = 1e-6
			var num, den, worst float64
			for i := range tr.theta {
				v := tr.theta[i]
				tr.theta[i] = v + h
				up := loss()
				tr.theta[i] = v - h
				down := loss()
				tr.theta[i] = v
				fd := (up - down) / (2 * h)
				num += (g[i] - fd) * (g[i] - fd)
				den += g[i]*g[i] + fd*fd
				worst = math.Max(worst, math.Abs(g[i]-fd))
			}
			rel := math.Sqrt(num / den)
			t.Logf("%s: %d parameters, relative error %.2e, largest absolute difference %.2e", tc.loss, len(g), rel, worst)
			if !(rel < 1e-5) {
				t.Fatalf("relative error %v of the gradient, expected < 1e-5", rel)
			}
			// The unknown row of table d (missing codes) must get gradient.
			nt := tr.nt
			unknown := g[nt.embOff[1]+5*nt.dims[1] : nt.embOff[1]+6*nt.dims[1]]
			if unknown[0] == 0 && unknown[1] == 0 {
				t.Fatal("missing codes of feature d got no embedding gradient")
			}
		})
	}
}
