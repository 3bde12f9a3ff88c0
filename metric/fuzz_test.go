package metric

import (
	"math"
	"testing"
)

// FuzzInvariants decodes bytes into rows, three bytes a row:
//
//	actual   = b0 / 8            (0 about 1 row in 8 ... always ≥ 0)
//	forecast = b1 − 64           (may be negative, as a linear model's can)
//	label    = b2 & 1
//	prob     = (b2 >> 1) / 127   (as a float64)
//	dyadic   = ((b2 >> 1) & 63) / 64, a probability whose 1 − p is exact
//
// and checks invariants that hold for any input: WAPE ≥ 0, SMAPE in
// [0, 2], MAPE, RMSE, MASE and pinball ≥ 0, AUC and average precision in
// [0, 1], AUC(1 − p) = 1 − AUC(p), coverage in [0, 1], and the Forecast
// accumulator reproducing the slice functions bit for bit.
func FuzzInvariants(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 64, 0})
	f.Add([]byte{80, 70, 3, 0, 64, 2, 16, 0, 255, 8, 64, 128})
	f.Add([]byte("promotion week sales and forecasts, with ties"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := len(data) / 3
		a := make([]float64, n)
		fc := make([]float64, n)
		y := make([]float64, n)
		p := make([]float64, n)
		q := make([]float64, n)
		for i := range n {
			b := data[3*i : 3*i+3]
			a[i] = float64(b[0]) / 8
			fc[i] = float64(b[1]) - 64
			y[i] = float64(b[2] & 1)
			p[i] = float64(b[2]>>1) / 127
			q[i] = float64((b[2]>>1)&63) / 64
		}

		if w, err := WAPE(a, fc); err != nil || w < 0 {
			t.Errorf("WAPE = %v, %v; want ≥ 0 or NaN", w, err)
		}
		if s, err := SMAPE(a, fc); err != nil || s < 0 || s > 2 || (n > 0 && math.IsNaN(s)) {
			t.Errorf("SMAPE = %v, %v; want in [0, 2]", s, err)
		}
		if m, _, err := MAPE(a, fc); err != nil || m < 0 {
			t.Errorf("MAPE = %v, %v; want ≥ 0 or NaN", m, err)
		}
		if r, err := RMSE(a, fc, nil); err != nil || r < 0 {
			t.Errorf("RMSE = %v, %v; want ≥ 0", r, err)
		}
		if l, err := Pinball(a, fc, 0.9); err != nil || l < 0 {
			t.Errorf("Pinball = %v, %v; want ≥ 0", l, err)
		}
		lo := make([]float64, n)
		hi := make([]float64, n)
		for i := range fc {
			lo[i], hi[i] = min(fc[i], fc[i]+40*p[i]-20), max(fc[i], fc[i]+40*p[i]-20)
		}
		if c, err := Coverage(a, lo, hi); err != nil || c < 0 || c > 1 {
			t.Errorf("Coverage = %v, %v; want in [0, 1]", c, err)
		}

		scale := MASEScale(a, 1)
		var acc Forecast
		for i := range a {
			if err := acc.Add(a[i], fc[i], scale); err != nil {
				t.Fatal(err)
			}
		}
		got := acc.Summary()
		if finite(scale) && scale > 0 {
			want := sliceScores(t, a, fc, scale)
			if !sameScores(got, want) {
				t.Errorf("accumulator %+v, slice functions %+v", got, want)
			}
		} else if got.Unscaled != n || !math.IsNaN(got.MASE) {
			t.Errorf("scale %v: Unscaled = %d, MASE = %v; want %d, NaN", scale, got.Unscaled, got.MASE, n)
		}

		auc, err := AUC(y, p, nil)
		if err != nil || auc < 0 || auc > 1 {
			t.Errorf("AUC = %v, %v; want in [0, 1] or NaN", auc, err)
		}
		if ap, err := AveragePrecision(y, p, nil); err != nil || ap < 0 || ap > 1+1e-15 {
			t.Errorf("AveragePrecision = %v, %v; want in [0, 1] or NaN", ap, err)
		}
		aucQ, _ := AUC(y, q, nil)
		flipped := make([]float64, n)
		for i, v := range q {
			flipped[i] = 1 - v
		}
		aucF, _ := AUC(y, flipped, nil)
		if !near(aucF, 1-aucQ, 1e-12) {
			t.Errorf("AUC(1−p) = %v, 1 − AUC(p) = %v", aucF, 1-aucQ)
		}
	})
}
