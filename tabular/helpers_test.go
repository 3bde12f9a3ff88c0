package tabular

import (
	"math"
	"math/rand/v2"
	"testing"

	"promocast/data"
)

func num(name string, v ...float64) *data.Column {
	return &data.Column{Name: name, Kind: data.Number, Num: v}
}

func str(name string, v ...string) *data.Column {
	return &data.Column{Name: name, Kind: data.String, Str: v}
}

func mustFrame(t testing.TB, cols ...*data.Column) *data.Frame {
	t.Helper()
	f, err := data.NewFrame("test.csv", cols)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// synthetic returns a table with a numeric, a categorical and a bool
// feature (with some missing cells), a useless id-like noise column, and
// either a regression target y = 3·x1 + sin(6·x2) + effect(cat) + 2·flag +
// N(0, 0.1²) or, with classify, a "yes"/"no" label drawn with log-odds
// 8·(x1 − 0.5) + 3·flag − 1.5 + effect(cat).
func synthetic(t testing.TB, n int, classify bool, seed uint64) *data.Frame {
	rng := rand.New(rand.NewPCG(seed, 1))
	x1, x2, noise := make([]float64, n), make([]float64, n), make([]float64, n)
	cat, flag := make([]string, n), make([]string, n)
	y := make([]float64, n)
	label := make([]string, n)
	effect := map[string]float64{"north": -1, "south": 0.5, "west": 1.5}
	levels := []string{"north", "south", "west"}
	for i := 0; i < n; i++ {
		x1[i], x2[i], noise[i] = rng.Float64(), rng.Float64(), rng.Float64()
		cat[i] = levels[rng.IntN(3)]
		fl := 0.0
		if rng.IntN(2) == 1 {
			fl = 1
			flag[i] = "TRUE"
		} else {
			flag[i] = "FALSE"
		}
		y[i] = 3*x1[i] + math.Sin(6*x2[i]) + effect[cat[i]] + 2*fl + 0.1*rng.NormFloat64()
		eta := 8*(x1[i]-0.5) + 3*fl - 1.5 + effect[cat[i]]
		label[i] = "no"
		if rng.Float64() < 1/(1+math.Exp(-eta)) {
			label[i] = "yes"
		}
		if i%37 == 0 { // some missing cells
			x2[i] = math.NaN()
			cat[i] = ""
		}
	}
	target := num("y", y...)
	if classify {
		target = str("y", label...)
	}
	return mustFrame(t, num("x1", x1...), num("x2", x2...), str("cat", cat...), str("flag", flag...), num("noise", noise...), target)
}
