package gbdt

import (
	"math"
	"math/rand/v2"
	"testing"

	"promocast/data"
)

// TestEncodeMatchesLinearSearch checks the branch-free bin search against
// a linear scan, on values equal to bounds, between them, beyond both
// ends and infinite, with a bound of −Inf among the cut points.
func TestEncodeMatchesLinearSearch(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, nb := range []int{2, 3, 7, 16, 17, 200, 255} {
		up := []float64{math.Inf(-1), -3}
		for len(up) < nb-1 {
			up = append(up, up[len(up)-1]+rng.Float64()+1e-9)
		}
		up = append(up[:nb-1], math.Inf(1))
		vals := []float64{math.Inf(-1), math.Inf(1), -1e308, 1e308, 0}
		for _, u := range up[1 : nb-1] {
			vals = append(vals, u, math.Nextafter(u, math.Inf(1)), math.Nextafter(u, math.Inf(-1)))
		}
		X := data.NewMatrix(len(vals), 1)
		copy(X.Values, vals)
		b := &binned{rows: len(vals), cols: 1, codes: make([]uint8, len(vals)),
			nbins: []int{nb + 1}, upper: [][]float64{up}, cat: []bool{false}}
		encode(X, b, 1)
		for i, v := range vals {
			want := 0
			for up[want] < v {
				want++
			}
			if got := int(b.codes[i]) - 1; got != want {
				t.Fatalf("%d bounds: %v got bin %d, want %d", nb, v, got, want)
			}
		}
	}
}

// TestFloatKeyOrder checks that float keys sort as their floats and map
// back to them.
func TestFloatKeyOrder(t *testing.T) {
	vals := []float64{math.Inf(-1), -math.MaxFloat64, -2.5, -1, -5e-324, 0, 5e-324, 1e-300, 1, 3.25, math.MaxFloat64, math.Inf(1)}
	for i, v := range vals {
		if back := keyFloat(floatKey(v)); back != v {
			t.Errorf("%v comes back as %v", v, back)
		}
		if i > 0 && floatKey(vals[i-1]) >= floatKey(v) {
			t.Errorf("key of %v is not below key of %v", vals[i-1], v)
		}
	}
	if floatKey(math.Copysign(0, -1)) >= floatKey(5e-324) {
		t.Error("key of -0 is not below the smallest positive float's")
	}
}
