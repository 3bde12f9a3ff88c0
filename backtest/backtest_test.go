package backtest

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"

	"promocast/data"
	"promocast/forecast"
	"promocast/interval"
	"promocast/learn/naive"
	"promocast/metric"
	"promocast/model"
	"promocast/panel"
	"promocast/spec"
)

func TestOrigins(t *testing.T) {
	got := Origins(100, Options{Folds: 3, Horizon: 2, Gap: 1})
	want := []int{93, 95, 97} // scored: 95-96, 97-98, 99-100
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("origins %v, want %v", got, want)
		}
	}
}

func prepared(t *testing.T, horizon, gap int) *forecast.Prepared {
	t.Helper()
	var day, sku, cat []string
	var units, price, reg []float64
	g := panel.Grid{Frequency: spec.Day}
	for s := 0; s < 6; s++ {
		for d := 0; d < 120; d++ {
			day = append(day, g.Label(19000+d))
			sku = append(sku, fmt.Sprintf("s%d", s))
			cat = append(cat, fmt.Sprintf("c%d", s%2))
			p := 10.0
			if (d+s)%9 == 0 {
				p = 8
			}
			price, reg = append(price, p), append(reg, 10)
			units = append(units, float64(5+s+(d%7)+int(20-2*p)))
		}
	}
	f, err := data.NewFrame("h.csv", []*data.Column{
		{Name: "day", Kind: data.String, Str: day}, {Name: "sku", Kind: data.String, Str: sku},
		{Name: "cat", Kind: data.String, Str: cat}, {Name: "units", Kind: data.Number, Num: units},
		{Name: "price", Kind: data.Number, Num: price}, {Name: "regular", Kind: data.Number, Num: reg},
	})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := spec.Parse([]byte("time: {column: day, frequency: day}\nkeys: [sku]\ntarget: units\nstatic: [cat]\npromotion: {price: {off: regular}}\ncalendar: none\n"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := panel.Build(f, sp, panel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pr, err := forecast.Prepare(p, forecast.TrainOptions{Horizon: horizon, Gap: gap})
	if err != nil {
		t.Fatal(err)
	}
	return pr
}

// TestRunScoresWhatItPredicts checks that folds score exactly their windows,
// that the summaries equal metrics recomputed from the predictions, and
// that promotion and segment splits partition the rows.
func TestRunScoresWhatItPredicts(t *testing.T) {
	pr := prepared(t, 3, 1)
	var trained []int
	fit := func(ds *model.Dataset) (model.Predictor, error) {
		trained = append(trained, ds.X.Rows)
		return naive.SeasonalNaive(ds.Features)
	}
	opt := Options{Folds: 4, Horizon: 3, Gap: 1, Segments: []string{"cat", "sku"}}
	reps, err := Run(pr, opt, []Candidate{{Name: "sn", Fit: fit}})
	if err != nil {
		t.Fatal(err)
	}
	r := reps[0]
	origins := Origins(pr.Panel.Last, opt)
	var all metric.Forecast
	perFold := make([]int, opt.Folds)
	promo := 0
	for _, p := range r.Predictions {
		o := origins[p.Fold]
		if p.Period < o+2 || p.Period > o+4 {
			t.Fatalf("fold %d (origin %d) scored period %d", p.Fold, o, p.Period)
		}
		perFold[p.Fold]++
		all.Add(p.Actual, p.Forecast, 1)
		if p.Promoted {
			promo++
		}
	}
	for k, n := range perFold {
		if n != 6*3 || r.Folds[k].Scores.N != n {
			t.Errorf("fold %d scored %d rows (report says %d), want 18", k, n, r.Folds[k].Scores.N)
		}
		if k > 0 && trained[k] <= trained[k-1] {
			t.Errorf("fold %d trained on %d rows, no more than fold %d's %d", k, trained[k], k-1, trained[k-1])
		}
	}
	if w := all.Summary().WAPE; math.Abs(w-r.Overall.WAPE) > 1e-12 {
		t.Errorf("overall WAPE %v, recomputed %v", r.Overall.WAPE, w)
	}
	if r.Promo.N != promo || r.Promo.N+r.NonPromo.N != r.Overall.N || promo == 0 {
		t.Errorf("promo %d + non-promo %d rows vs overall %d (counted %d promoted)", r.Promo.N, r.NonPromo.N, r.Overall.N, promo)
	}
	byCol := map[string]int{}
	for _, s := range r.Segments {
		byCol[s.Column] += s.Scores.N
	}
	if byCol["cat"] != r.Overall.N || byCol["sku"] != r.Overall.N {
		t.Errorf("segments cover %v rows, want %d each", byCol, r.Overall.N)
	}
	if !(r.Coverage >= 0 && r.Coverage <= 1) || r.CoverageN != 3*18 {
		t.Errorf("coverage %v over %d rows, want a share over folds 2..4 (54 rows)", r.Coverage, r.CoverageN)
	}
	// A row's expected units are its forecast times the ratio of actuals
	// to forecasts of the folds before its own in its promotion state,
	// shrunk towards all their rows' by ten rows of the state's mean
	// forecast; none in the first fold.
	clamp := func(v float64) float64 { return math.Min(math.Max(v, interval.MinRatio), interval.MaxRatio) }
	var sumA, sumF float64
	var stateA, stateF, stateN [2]float64
	for k := 0; k < opt.Folds; k++ {
		all := clamp(sumA / sumF)
		for _, p := range r.Predictions {
			if p.Fold != k {
				continue
			}
			if k == 0 && !math.IsNaN(p.Expected) {
				t.Fatalf("first fold row with expected units %v", p.Expected)
			}
			g := 0
			if p.Promoted {
				g = 1
			}
			ratio := all
			if stateN[g] > 0 {
				prior := 10 * stateF[g] / stateN[g]
				ratio = clamp((stateA[g] + all*prior) / (stateF[g] + prior))
			}
			if k > 0 && math.Abs(p.Expected-p.Forecast*ratio) > 1e-9*(1+p.Expected) {
				t.Fatalf("fold %d: expected %v, want forecast %v × earlier folds' ratio %v", k, p.Expected, p.Forecast, ratio)
			}
		}
		for _, p := range r.Predictions {
			if p.Fold == k {
				g := 0
				if p.Promoted {
					g = 1
				}
				sumA, sumF = sumA+p.Actual, sumF+p.Forecast
				stateA[g], stateF[g], stateN[g] = stateA[g]+p.Actual, stateF[g]+p.Forecast, stateN[g]+1
			}
		}
	}
}

func TestRunErrors(t *testing.T) {
	pr := prepared(t, 3, 1)
	fit := seasonalNaive
	if _, err := Run(pr, Options{Folds: 4, Horizon: 2, Gap: 1}, []Candidate{{"sn", fit}}); err == nil {
		t.Error("a backtest with another horizon than the features' was accepted")
	}
	if _, err := Run(pr, Options{Folds: 100, Horizon: 3, Gap: 1}, []Candidate{{"sn", fit}}); err == nil {
		t.Error("more folds than history was accepted")
	}
	if _, err := Run(pr, Options{Folds: 2, Horizon: 3, Gap: 1, Segments: []string{"colour"}}, []Candidate{{"sn", fit}}); err == nil {
		t.Error("an unknown segment column was accepted")
	}
	// Folds that fit in the history but leave the first origin too little
	// of it to build features from: the error says what to change.
	_, err := Run(pr, Options{Folds: 39, Horizon: 3, Gap: 1}, []Candidate{{"sn", fit}})
	if !errors.Is(err, ErrShortHistory) || !strings.Contains(err.Error(), "has no training rows: the 2 period(s) of history up to it are too few") {
		t.Errorf("first origin without training rows: error %v", err)
	}
	if _, err := Run(pr, Options{Folds: 100, Horizon: 3, Gap: 1}, []Candidate{{"sn", fit}}); !errors.Is(err, ErrShortHistory) {
		t.Errorf("more folds than history: error %v, want ErrShortHistory", err)
	}
}

type gains []float64

func (g gains) Importance(string) ([]float64, error) { return g, nil }

func TestImportanceRanksAndNormalises(t *testing.T) {
	got := importance(gains{1, 3, 0, 4}, []string{"a", "b", "c", "d"})
	want := []FeatureScore{{"d", 0.5}, {"b", 0.375}, {"a", 0.125}, {"c", 0}}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("importance %v, want %v", got, want)
		}
	}
	if importance(struct{}{}, nil) != nil || importance(gains{0, 0}, []string{"a", "b"}) != nil {
		t.Fatal("importance of a model without gains should be empty")
	}
}

// TestSinceRescoresLaterFolds checks that keeping the last folds gives the
// report a backtest of only those folds would give.
func TestSinceRescoresLaterFolds(t *testing.T) {
	pr := prepared(t, 3, 1)
	fit := seasonalNaive
	opt := Options{Folds: 4, Horizon: 3, Gap: 1, Segments: []string{"cat"}}
	full, err := Run(pr, opt, []Candidate{{"sn", fit}})
	if err != nil {
		t.Fatal(err)
	}
	later, err := full[0].Since(pr, opt, 1)
	if err != nil {
		t.Fatal(err)
	}
	short := opt
	short.Folds = 3
	want, err := Run(pr, short, []Candidate{{"sn", fit}})
	if err != nil {
		t.Fatal(err)
	}
	w := want[0]
	if later.Overall != w.Overall || later.Promo != w.Promo || len(later.Folds) != 3 || len(later.Segments) != len(w.Segments) {
		t.Fatalf("Since(1) overall %+v, a 3-fold backtest %+v", later.Overall, w.Overall)
	}
	for i := range w.Segments {
		if later.Segments[i] != w.Segments[i] {
			t.Fatalf("segment %d: %+v vs %+v", i, later.Segments[i], w.Segments[i])
		}
	}
	if later.Coverage != w.Coverage {
		t.Fatalf("coverage %v vs %v", later.Coverage, w.Coverage)
	}
	if _, err := full[0].Since(pr, opt, 4); err == nil {
		t.Fatal("keeping no folds was accepted")
	}
}

// seasonalNaive fits the seasonal naive forecast, the backtests' cheap
// candidate.
func seasonalNaive(ds *model.Dataset) (model.Predictor, error) {
	return naive.SeasonalNaive(ds.Features)
}

// TestRunConcurrentFolds: folds fitted side by side give the same reports
// as folds fitted one at a time, every fold reported to Progress once, and
// a failing fold is named.
func TestRunConcurrentFolds(t *testing.T) {
	pr := prepared(t, 3, 1)
	opt := Options{Folds: 4, Horizon: 3, Gap: 1, Segments: []string{"cat"}}
	one, err := Run(pr, opt, []Candidate{{"sn", seasonalNaive}})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []int
	opt.Concurrent = 3
	opt.Progress = func(_ string, fold, folds int) {
		mu.Lock()
		defer mu.Unlock()
		if folds != opt.Folds {
			t.Errorf("progress of %d folds, want %d", folds, opt.Folds)
		}
		seen = append(seen, fold)
	}
	three, err := Run(pr, opt, []Candidate{{"sn", seasonalNaive}})
	if err != nil {
		t.Fatal(err)
	}
	// Printed, as the first fold's NaN bounds never compare equal; the
	// wall time aside.
	text := func(r *Report) string {
		cp := *r
		cp.Model, cp.Seconds = "", 0
		return fmt.Sprintf("%+v", cp)
	}
	if a, b := text(one[0]), text(three[0]); a != b || len(one[0].Predictions) == 0 {
		t.Errorf("folds fitted three at a time differ from one at a time:\n%s\n%s", a, b)
	}
	if !reflect.DeepEqual(seen, []int{1, 2, 3, 4}) {
		t.Errorf("progress reported %v, want 1 to 4 in turn", seen)
	}
	// Two candidates' folds share the pool: the second's first folds are
	// fitted beside the first's last, and each report is its own.
	opt.Progress = nil
	two, err := Run(pr, opt, []Candidate{{"a", seasonalNaive}, {"b", seasonalNaive}})
	if err != nil {
		t.Fatal(err)
	}
	if len(two) != 2 || two[0].Model != "a" || two[1].Model != "b" || text(two[0]) != text(one[0]) || text(two[1]) != text(one[0]) {
		t.Errorf("two candidates in one pool: reports differ from one candidate's")
	}
	first := Origins(pr.Panel.Last, opt)[0]
	failing := func(ds *model.Dataset) (model.Predictor, error) {
		if len(ds.Y) == len(pr.Dataset(first).Y) {
			return nil, fmt.Errorf("no fit here")
		}
		return seasonalNaive(ds)
	}
	if _, err := Run(pr, opt, []Candidate{{"sn", failing}}); err == nil || !strings.Contains(err.Error(), "sn, fold 1: no fit here") {
		t.Errorf("a failing first fold: %v", err)
	}
	fits := 0
	counted := func(ds *model.Dataset) (model.Predictor, error) {
		fits++
		return failing(ds)
	}
	opt.Concurrent = 1
	if _, err := Run(pr, opt, []Candidate{{"sn", counted}}); err == nil || fits != 1 {
		t.Errorf("one at a time, a failing first fold: %v after %d fits, want an error after 1", err, fits)
	}
}
