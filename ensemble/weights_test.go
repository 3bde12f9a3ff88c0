package ensemble

import (
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

// TestNestedNeverPeeks proves the blend and the stack are honest: making
// fold k's actuals absurd, or changing any member's fold-k forecasts,
// leaves the weights of folds 0..k and their blended forecasts
// bit-for-bit unchanged, and changes weights only of later folds.
func TestNestedNeverPeeks(t *testing.T) {
	const folds, k = 6, 2
	for scheme, nested := range schemes {
		base := reports(3, 3, folds, 40)
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
			changed := reports(3, 3, folds, 40)
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
