package ensemble

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"promocast/backtest"
)

func absErr(actual []float64, forecasts [][]float64, w []float64) float64 {
	s := 0.0
	for i, a := range actual {
		b := 0.0
		for m, f := range forecasts {
			b += w[m] * f[i]
		}
		s += math.Abs(a - b)
	}
	return s
}

func TestFitWeightsClosedForms(t *testing.T) {
	a := []float64{3, 5, 0, 8, 2}
	over := []float64{4, 6, 1, 9, 3}   // a + 1
	under := []float64{2, 4, -1, 7, 1} // a − 1
	bad := []float64{9, 9, 9, 9, 9}
	w, err := FitWeights(a, [][]float64{bad, over, under})
	if err != nil {
		t.Fatal(err)
	}
	if e := absErr(a, [][]float64{bad, over, under}, w); e > 1e-12 || math.Abs(w[1]-0.5) > 1e-12 || w[0] != 0 {
		t.Errorf("weights %v leave error %v: want 0, 0.5, 0.5", w, e)
	}
	w, err = FitWeights(a, [][]float64{bad, a, over})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(w, []float64{0, 1, 0}) {
		t.Errorf("weights %v with a perfect member 1", w)
	}
	w, err = FitWeights(nil, [][]float64{nil, nil})
	if err != nil || !reflect.DeepEqual(w, []float64{0.5, 0.5}) {
		t.Errorf("no rows: weights %v, %v", w, err)
	}
	if _, err := FitWeights(a, [][]float64{a[:2]}); err == nil {
		t.Error("a member with too few forecasts was accepted")
	}
	if _, err := FitWeights(a, [][]float64{{1, 2, math.NaN(), 4, 5}}); err == nil {
		t.Error("a NaN forecast was accepted")
	}
}

// TestFitWeightsNearOptimum compares the pairwise search with a brute-force
// grid over the 3-member simplex on random problems: it must never be
// worse than the best single member, and within 0.5% of the grid's best.
func TestFitWeightsNearOptimum(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	worst := 0.0
	for trial := 0; trial < 30; trial++ {
		n := 50
		a := make([]float64, n)
		fs := make([][]float64, 3)
		for m := range fs {
			fs[m] = make([]float64, n)
		}
		for i := range a {
			a[i] = 10 + 5*r.NormFloat64()
			common := r.NormFloat64()
			for m := range fs {
				fs[m][i] = a[i] + float64(m-1)*1.5 + common + (1+float64(m))*r.NormFloat64()
			}
		}
		w, err := FitWeights(a, fs)
		if err != nil {
			t.Fatal(err)
		}
		got := absErr(a, fs, w)
		best := math.Inf(1)
		for m := range fs {
			one := make([]float64, 3)
			one[m] = 1
			if e := absErr(a, fs, one); e < got-1e-9 {
				t.Fatalf("trial %d: weights %v error %v worse than member %d alone (%v)", trial, w, got, m, e)
			}
		}
		const steps = 200
		for i := 0; i <= steps; i++ {
			for j := 0; i+j <= steps; j++ {
				g := []float64{float64(i) / steps, float64(j) / steps, float64(steps-i-j) / steps}
				best = math.Min(best, absErr(a, fs, g))
			}
		}
		worst = math.Max(worst, (got-best)/best)
	}
	t.Logf("worst excess over the grid optimum: %.3g%%", 100*worst)
	if worst > 0.005 {
		t.Errorf("pairwise search is %.3g%% above the grid optimum", 100*worst)
	}
}

// reports builds aligned fake backtest reports: members forecast the
// actual with member-specific bias and noise that changes by fold.
func reports(seed uint64, members, folds, rows int) []*backtest.Report {
	r := rand.New(rand.NewPCG(seed, 9))
	out := make([]*backtest.Report, members)
	for m := range out {
		out[m] = &backtest.Report{Model: string(rune('a' + m))}
	}
	for k := 0; k < folds; k++ {
		out[0].Folds = append(out[0].Folds, backtest.FoldScores{})
		for i := 0; i < rows; i++ {
			a := 20 + 10*r.Float64()
			for m := range out {
				bias := float64(m-1) * (1 + float64(k%3))
				f := math.Max(0, a+bias+float64(m+1)*r.NormFloat64())
				out[m].Predictions = append(out[m].Predictions, backtest.Prediction{Series: i, Period: k, Fold: k, Actual: a, Forecast: f, Promoted: i%3 == 0})
			}
		}
	}
	for m := range out[1:] {
		out[m+1].Folds = out[0].Folds
	}
	return out
}

// nestedScheme is the blend's or the stack's weight choice, seen as weights
// per fold (the stack's two sets side by side) and blended forecasts.
type nestedScheme func(rs []*backtest.Report) (folds [][]float64, blended []float64, err error)

var schemes = map[string]nestedScheme{
	"blend": func(rs []*backtest.Report) ([][]float64, []float64, error) {
		nw, err := NestedWeights(rs)
		if err != nil {
			return nil, nil, err
		}
		f, err := nw.Blended(rs)
		return nw.Folds, f, err
	},
	"best-mean": func(rs []*backtest.Report) ([][]float64, []float64, error) {
		// A trim of 30% keeps more than one member in some folds of the
		// fake reports, so that the test sees weights move.
		nw, err := NestedBestMean(rs, 0.3)
		if err != nil {
			return nil, nil, err
		}
		f, err := nw.Blended(rs)
		return nw.Folds, f, err
	},
	// The best-mean calibrated for MAPE: each fold's weights times its
	// point scale, so the test sees the scales move too (RMSE's:
	// TestPointScalesNeverPeek).
	"best-mean mape": scaledBestMean(MetricMAPE),
	"stack": func(rs []*backtest.Report) ([][]float64, []float64, error) {
		sw, err := NestedStack(rs)
		if err != nil {
			return nil, nil, err
		}
		var folds [][]float64
		for j := range sw.Off.Folds {
			folds = append(folds, append(append([]float64{}, sw.Off.Folds[j]...), sw.On.Folds[j]...))
		}
		f, err := sw.Blended(rs)
		return folds, f, err
	},
}

// scaledBestMean is the best-mean ranked and calibrated by metric, its
// folds' weights multiplied by their point scales.
func scaledBestMean(metric string) nestedScheme {
	return func(rs []*backtest.Report) ([][]float64, []float64, error) {
		nw, err := NestedBestMeanBy(rs, 0.3, metric)
		if err != nil {
			return nil, nil, err
		}
		if len(nw.FoldScales) != len(nw.Folds) || nw.Scale == 0 {
			return nil, nil, fmt.Errorf("%s: %d fold scales for %d folds, final scale %v", metric, len(nw.FoldScales), len(nw.Folds), nw.Scale)
		}
		var folds [][]float64
		for j, w := range nw.Folds {
			sw := make([]float64, len(w))
			for m := range w {
				sw[m] = w[m] * nw.FoldScales[j]
			}
			folds = append(folds, sw)
		}
		f, err := nw.Blended(rs)
		return folds, f, err
	}
}

// scaledRows is the rows per fold of the nesting tests: enough that the
// folds from the third on choose a point scale (MinScaleRows).
const scaledRows = MinScaleRows / 2

// TestPointScalesNeverPeek checks the RMSE point scales are chosen on
// earlier folds only: absurd actuals in fold k leave the scales and
// blended forecasts of folds 0..k unchanged and move every later fold's.
func TestPointScalesNeverPeek(t *testing.T) {
	const folds, k = 6, 2
	base, changed := reports(3, 3, folds, scaledRows), reports(3, 3, folds, scaledRows)
	for _, r := range changed {
		for i := range r.Predictions {
			if r.Predictions[i].Fold == k {
				r.Predictions[i].Actual *= 3
			}
		}
	}
	var scales [2][][]float64
	var blended [2][]float64
	for j, rs := range [][]*backtest.Report{base, changed} {
		w, f, err := scaledBestMean(MetricRMSE)(rs)
		if err != nil {
			t.Fatal(err)
		}
		scales[j], blended[j] = w, f
	}
	for j := 0; j < folds; j++ {
		same := reflect.DeepEqual(scales[0][j], scales[1][j])
		if j <= k && !same {
			t.Errorf("fold %d's scaled weights changed with fold %d's actuals: %v → %v", j+1, k+1, scales[0][j], scales[1][j])
		}
		if j > k && same {
			t.Errorf("fold %d's scaled weights did not move with fold %d's actuals tripled", j+1, k+1)
		}
	}
	for i, p := range base[0].Predictions {
		if p.Fold <= k && blended[0][i] != blended[1][i] {
			t.Fatalf("row %d of fold %d: blended forecast changed", i, p.Fold+1)
		}
	}
}

// TestPointScale checks the point scales against their closed forms: for
// RMSE the least-squares factor, for MAPE the weighted median of
// actual/forecast (weights forecast/actual), bounded to [0.5, 2], and 1
// for WAPE or without usable rows.
func TestPointScale(t *testing.T) {
	a := []float64{10, 20, 0, 40}
	h := []float64{20, 20, 5, 20}
	// RMSE: Σah/Σh² = (200+400+0+800)/(400+400+25+400) = 1400/1225.
	if got, want := PointScale(a, h, MetricRMSE), 1400.0/1225; math.Abs(got-want) > 1e-12 {
		t.Errorf("rmse scale %v, want %v", got, want)
	}
	// MAPE: ratios 0.5 (weight 2), 1 (weight 1), 2 (weight 0.5); the zero
	// actual is left out. Half the weight (1.75) is reached at 0.5.
	if got := PointScale(a, h, MetricMAPE); got != 0.5 {
		t.Errorf("mape scale %v, want 0.5", got)
	}
	// Moving weight to the upper ratios moves the median: ratios 0.8 (weight
	// 1.25), 1.25 (weight 0.8), 1.5 (weight 0.667, twice).
	if got := PointScale([]float64{8, 10, 30, 30}, []float64{10, 8, 20, 20}, MetricMAPE); got != 1.25 {
		t.Errorf("mape scale %v, want 1.25", got)
	}
	// The MAPE-optimal scale is no worse than its neighbours.
	mape := func(c float64) (s float64) {
		for i := range a {
			if a[i] > 0 {
				s += math.Abs(a[i]-c*h[i]) / a[i]
			}
		}
		return s
	}
	if c := PointScale(a, h, MetricMAPE); mape(c) > mape(c*1.01) || mape(c) > mape(c*0.99) {
		t.Errorf("mape at scale %v is %v, not below its neighbours %v, %v", c, mape(c), mape(c*0.99), mape(c*1.01))
	}
	if got := PointScale([]float64{100}, []float64{1}, MetricRMSE); got != MaxPointScale {
		t.Errorf("rmse scale of a 100× under-forecast %v, want the bound %v", got, MaxPointScale)
	}
	if got := PointScale(a, h, MetricWAPE); got != 1 {
		t.Errorf("wape scale %v, want 1", got)
	}
	if got := PointScale(nil, nil, MetricMAPE); got != 1 {
		t.Errorf("mape scale without rows %v, want 1", got)
	}
}

// TestPointScaleBalanced checks the balanced metric's scale on median
// forecasts of skewed actuals (log-normal around the forecast, as the
// log-target trees forecast them): it lies between MAPE's scale and 1,
// and the sum of WAPE and MAPE relative to the unscaled forecasts' is
// lowest there, against a fine grid.
func TestPointScaleBalanced(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n := 4000
	a, h := make([]float64, n), make([]float64, n)
	for i := range n {
		h[i] = 1 + 50*rng.Float64()
		a[i] = math.Round(h[i] * math.Exp(0.7*rng.NormFloat64()))
	}
	sums := func(c float64) (abs, ape float64) {
		for i := range a {
			e := math.Abs(a[i] - c*h[i])
			abs += e
			if a[i] > 0 {
				ape += e / a[i]
			}
		}
		return abs, ape
	}
	abs1, ape1 := sums(1)
	score := func(c float64) float64 { abs, ape := sums(c); return abs/abs1 + ape/ape1 }
	c, cm := PointScale(a, h, MetricBalanced), PointScale(a, h, MetricMAPE)
	if !(cm < c && c < 1) {
		t.Errorf("balanced scale %v, want between the mape scale %v and 1", c, cm)
	}
	for g := 0.5; g <= 1.5; g += 0.001 {
		if score(g) < score(c)-1e-12 {
			t.Fatalf("balanced score %.6f at %v is below its %.6f at the chosen %v", score(g), g, score(c), c)
		}
	}
	t.Logf("balanced scale %.3f (mape %.3f): score %.4f against 2 unscaled", c, cm, score(c))
}

// TestNestedNeverPeeks proves the blend and the stack are honest: making
// fold k's actuals absurd, or changing any member's fold-k forecasts,
// leaves the weights of folds 0..k and their blended forecasts
// bit-for-bit unchanged, and changes weights only of later folds.
func TestNestedNeverPeeks(t *testing.T) {
	const folds, k = 6, 2
	for scheme, nested := range schemes {
		base := reports(3, 3, folds, scaledRows)
		weights, blended, err := nested(base)
		if err != nil {
			t.Fatal(err)
		}
		third := 1.0 / 3
		if w := weights[0]; w[0] != third || w[1] != third || w[len(w)-1] != third {
			t.Errorf("%s: fold 1 weights %v: want equal weights", scheme, w)
		}
		edits := map[string]func([]*backtest.Report){
			"absurd actuals": func(rs []*backtest.Report) {
				for _, r := range rs {
					for i := range r.Predictions {
						if r.Predictions[i].Fold == k {
							r.Predictions[i].Actual = 1e6 + 1000*r.Predictions[i].Actual
						}
					}
				}
			},
			"member forecasts": func(rs []*backtest.Report) {
				for i := range rs[2].Predictions {
					if rs[2].Predictions[i].Fold == k {
						rs[2].Predictions[i].Forecast = rs[2].Predictions[i].Actual // perfect on fold k
					}
				}
			},
		}
		for name, edit := range edits {
			changed := reports(3, 3, folds, scaledRows)
			edit(changed)
			weights2, b2, err := nested(changed)
			if err != nil {
				t.Fatal(err)
			}
			for j := 0; j <= k; j++ {
				if !reflect.DeepEqual(weights[j], weights2[j]) {
					t.Errorf("%s: %s in fold %d changed fold %d's weights: %v → %v", scheme, name, k+1, j+1, weights[j], weights2[j])
				}
			}
			later := false
			for j := k + 1; j < folds; j++ {
				later = later || !reflect.DeepEqual(weights[j], weights2[j])
			}
			if !later {
				t.Errorf("%s: %s in fold %d changed no later fold's weights: the test cannot see leaks", scheme, name, k+1)
			}
			for i, p := range base[0].Predictions {
				if p.Fold < k && b2[i] != blended[i] {
					t.Fatalf("%s: %s: blended forecast of row %d (fold %d) changed", scheme, name, i, p.Fold+1)
				}
			}
		}
	}
}

// TestStackWeighsPromotionsApart checks the stack fits its two weight sets
// on their own rows: a member perfect on promoted rows only takes all the
// promoted-period weight and little of the other (it is three times the
// actual there).
func TestStackWeighsPromotionsApart(t *testing.T) {
	rs := reports(5, 3, 4, 60)
	for i := range rs[1].Predictions {
		p := &rs[1].Predictions[i]
		if p.Promoted {
			p.Forecast = p.Actual
		} else {
			p.Forecast = 3 * p.Actual
		}
	}
	sw, err := NestedStack(rs)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(sw.On.Final, []float64{0, 1, 0}) || sw.Off.Final[1] > 0.1 {
		t.Errorf("final weights: promoted %v, not promoted %v; want member b alone when promoted and little otherwise", sw.On.Final, sw.Off.Final)
	}
}

// TestBestMean checks which members the best-mean averages: those within
// the trim of the lowest error on the folds so far.
func TestBestMean(t *testing.T) {
	for _, c := range []struct {
		errs []float64
		trim float64
		data bool
		want []float64
	}{
		{[]float64{0, 0, 0}, 0.03, false, []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}},
		{[]float64{100, 102, 110}, 0.03, true, []float64{0.5, 0.5, 0}},
		{[]float64{100, 104, 110}, 0.03, true, []float64{1, 0, 0}},
		{[]float64{120, 100, 100}, 0, true, []float64{0, 0.5, 0.5}},
		{[]float64{100, 104, 110}, 0.5, true, []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}},
	} {
		if got := bestMean(c.errs, c.trim, c.data); !reflect.DeepEqual(got, c.want) {
			t.Errorf("errors %v, trim %v: weights %v, want %v", c.errs, c.trim, got, c.want)
		}
	}
	if _, err := NestedBestMean(reports(1, 2, 3, 5), math.NaN()); err == nil {
		t.Error("a NaN trim was accepted")
	}
}

func TestNestedErrors(t *testing.T) {
	rs := reports(1, 2, 3, 5)
	rs[1].Predictions = rs[1].Predictions[1:]
	if _, err := NestedWeights(rs); err == nil {
		t.Error("reports of different lengths were blended")
	}
	rs = reports(1, 2, 3, 5)
	rs[1].Predictions[4].Period = 99
	if _, err := NestedWeights(rs); err == nil {
		t.Error("reports of different rows were blended")
	}
	if _, err := NestedWeights(nil); err == nil {
		t.Error("no reports were blended")
	}
}

// TestBestMeanByRMSE checks that the squared-error metric prefers a member
// with small errors everywhere to one exact on most rows and far off on
// one, which WAPE prefers; and that an unknown metric is refused by name.
func TestBestMeanByRMSE(t *testing.T) {
	rs := reports(2, 2, 3, 40)
	for i := range rs[0].Predictions {
		p0, p1 := &rs[0].Predictions[i], &rs[1].Predictions[i]
		p0.Forecast, p1.Forecast = p0.Actual, p1.Actual+5
		if i%40 == 0 {
			p0.Forecast = p0.Actual + 100
		}
	}
	for metric, want := range map[string][]float64{MetricWAPE: {1, 0}, MetricRMSE: {0, 1}} {
		n, err := NestedBestMeanBy(rs, BestTrim, metric)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(n.Final, want) {
			t.Errorf("%s: final weights %v, want %v", metric, n.Final, want)
		}
	}
	if _, err := NestedBestMeanBy(rs, BestTrim, "r2"); err == nil || !strings.Contains(err.Error(), `"r2"`) || !strings.Contains(err.Error(), MetricRMSE) {
		t.Errorf("unknown metric: %v", err)
	}
}
