package gbdt

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"promocast/data"
	"promocast/model"
)

// withOptional returns Friedman #1 data whose columns 3 and 4 (signal)
// are optional, followed by five optional noise columns, an optional copy
// of column 0 and an optional copy of column 3 times 100.
func withOptional(n int, seed uint64) (base, wide *model.Dataset) {
	base = friedman(n, 5, 1, seed)
	base.Features[3].Optional, base.Features[4].Optional = true, true
	rng := rand.New(rand.NewPCG(seed, 99))
	wide = &model.Dataset{X: data.NewMatrix(n, 12), Y: base.Y, Features: append([]model.Feature(nil), base.Features...)}
	for k := 0; k < 7; k++ {
		wide.Features = append(wide.Features, model.Feature{Name: "extra" + string(rune('0'+k)), Optional: true})
	}
	for i := 0; i < n; i++ {
		r, w := base.X.Row(i), wide.X.Row(i)
		copy(w, r)
		for k := 5; k < 10; k++ {
			w[k] = rng.NormFloat64()
		}
		w[10], w[11] = r[0], 100*r[3]
	}
	return base, wide
}

// TestScreenOptionalDropsNoiseAndCopies checks that the screen keeps the
// optional columns that carry signal and leaves out noise and copies, on
// several seeds.
func TestScreenOptionalDropsNoiseAndCopies(t *testing.T) {
	for seed := uint64(1); seed <= 8; seed++ {
		_, wide := withOptional(3000, seed)
		keep := screened(t, wide, Params{Rounds: 100, LearningRate: 0.1, MaxLeaves: 15, MaxDepth: 4, Seed: seed, Threads: 2})
		for f, ft := range wide.Features {
			if want := f < 5; keep[f] != want {
				t.Errorf("seed %d: feature %d (%s) kept %v, want %v", seed, f, ft.Name, keep[f], want)
			}
		}
	}
}

// TestScreenOptionalChangesNothingKept checks that trees trained with the
// noise and copied columns, screened, forecast exactly as trees trained
// without them, and that without the screen the extra columns do change
// the forecast.
func TestScreenOptionalChangesNothingKept(t *testing.T) {
	base, wide := withOptional(3000, 5)
	p := Params{Rounds: 60, LearningRate: 0.1, MaxLeaves: 15, MaxDepth: 4, RowSubsample: 0.8, ExactGradients: true, ScreenOptional: true, Seed: 3, Threads: 2}
	want := predict(t, mustTrain(t, base, nil, p), base.X)
	screened := mustTrain(t, wide, nil, p)
	if got, want := fmt.Sprint(screened.LeftOut), "[extra0 extra1 extra2 extra3 extra4 extra5 extra6]"; got != want {
		t.Errorf("left out %s, want %s", got, want)
	}
	got := predict(t, screened, wide.X)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("row %d: %v with the extra columns screened, %v without them", i, got[i], want[i])
		}
	}
	p.ScreenOptional = false
	loose := predict(t, mustTrain(t, wide, nil, p), wide.X)
	if rmse(loose, want) == 0 {
		t.Fatal("the extra columns changed nothing without the screen: the test cannot tell the screen works")
	}
}

// TestScreenOptionalDropsWhatOnlyNamesThePeriod checks the screen on rows
// in time order, as a forecast's training set is: 40 series over 150
// periods whose sales share a shock per period that nothing foretells. A
// covariate drawn afresh each period and the same for every series (a
// rival's price that moves nothing) names the period, so trees fitted on
// the period's other series read its shock from it: rows held out among
// the fit's own periods would keep it. It tells nothing about a later
// period, and is left out; a covariate that moves each row's sales is
// kept.
func TestScreenOptionalDropsWhatOnlyNamesThePeriod(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		const periods, series = 150, 40
		rng := rand.New(rand.NewPCG(seed, 7))
		ds := &model.Dataset{X: data.NewMatrix(periods*series, 3), Y: make([]float64, periods*series),
			Features: []model.Feature{{Name: "level"}, {Name: "period_code", Optional: true}, {Name: "own_signal", Optional: true}}}
		for t := 0; t < periods; t++ {
			shock, code := 2*rng.NormFloat64(), rng.Float64()
			for s := 0; s < series; s++ {
				i := t*series + s
				x := rng.NormFloat64()
				row := ds.X.Row(i)
				row[0], row[1], row[2] = float64(s), code, x
				ds.Y[i] = float64(s%5) + shock + x + 0.3*rng.NormFloat64()
			}
		}
		keep := screened(t, ds, Params{Rounds: 100, LearningRate: 0.1, MaxLeaves: 15, MaxDepth: 4, Seed: seed, Threads: 2})
		if !keep[0] || keep[1] || !keep[2] {
			t.Errorf("seed %d: kept level %v, period_code %v, own_signal %v; want true, false, true", seed, keep[0], keep[1], keep[2])
		}
	}
}

// TestScreenOptionalKeepsWhenTooFewRows checks that on too few rows to
// judge by (fewer than screenMinHeld held out) the optional features that
// are not copies are kept, and copies still go.
func TestScreenOptionalKeepsWhenTooFewRows(t *testing.T) {
	_, wide := withOptional(100, 3)
	keep := screened(t, wide, Params{Rounds: 20, LearningRate: 0.1, MaxLeaves: 7, MaxDepth: 3, Seed: 1, Threads: 1})
	for f, ft := range wide.Features {
		if want := f < 10; keep[f] != want {
			t.Errorf("feature %d (%s) kept %v, want %v", f, ft.Name, keep[f], want)
		}
	}
}

// screened bins ds with p and returns which features screenOptional keeps.
func screened(t *testing.T, ds *model.Dataset, p Params) []bool {
	t.Helper()
	p, err := p.validate()
	if err != nil {
		t.Fatal(err)
	}
	b, err := binDataset(ds, p.Bins, p.Seed, p.Threads)
	if err != nil {
		t.Fatal(err)
	}
	keep, err := screenOptional(ds, b, p)
	if err != nil {
		t.Fatal(err)
	}
	return keep
}
