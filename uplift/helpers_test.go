package uplift

import (
	"math"
	"math/rand/v2"

	"promocast/data"
	"promocast/model"
)

// synth generates n customers with four uniform features, randomised into
// a control and two treatments (shares 1/3 each unless propensity is set),
// and known effects: treatment "a" helps customers with a high x0,
// treatment "b" helps those with a low x1 and hurts the others. A binary
// outcome draws y from the probability base + effect; a continuous one
// adds Gaussian noise. tau holds the true effects, per treatment.
func synth(n int, binary bool, seed uint64, confounded bool) (d *Data, tau [][]float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	X := data.NewMatrix(n, 4)
	d = &Data{X: X, Y: make([]float64, n), T: make([]int, n), Arms: []string{"none", "a", "b"}}
	for j := 0; j < 4; j++ {
		d.Features = append(d.Features, model.Feature{Name: string(rune('p' + j))})
	}
	tau = [][]float64{make([]float64, n), make([]float64, n)}
	for i := 0; i < n; i++ {
		row := X.Row(i)
		for j := range row {
			row[j] = rng.Float64()
		}
		tau[0][i] = 0.5 * math.Max(row[0]-0.4, 0)
		tau[1][i] = 0.2 - 0.4*row[1]
		base := 0.2 + 0.2*row[2] + 0.1*row[3]
		arm := rng.IntN(3)
		if confounded && rng.Float64() < 0.6*row[2] {
			arm = 1 // high x2 (and so a high base outcome) is treated more often
		}
		d.T[i] = arm
		mu := base
		if arm > 0 {
			mu += tau[arm-1][i]
		}
		if binary {
			if rng.Float64() < mu {
				d.Y[i] = 1
			}
		} else {
			d.Y[i] = 10*mu + rng.NormFloat64()
			tau[0][i] *= 10
			tau[1][i] *= 10
		}
	}
	return d, tau
}

func ftoa(v float64) string { return data.FormatFloat(v) }
