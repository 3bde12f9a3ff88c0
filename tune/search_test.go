package tune

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

// space and quadratic are a cheap synthetic problem with a known optimum:
// lr = 0.1, x = 1, n = 20, kind "b", where the score is 0.
var space = Space{
	"lr":   LogUniform(0.01, 1),
	"x":    Uniform(-5, 5),
	"n":    IntRange(1, 50),
	"kind": Choice("a", "b"),
}

func quadratic(p Params) float64 {
	s := math.Pow((math.Log10(p.Float("lr", 0))+1)/2, 2) + math.Pow((p.Float("x", 0)-1)/5, 2) +
		math.Pow(float64(p.Int("n", 0)-20)/49, 2)
	if p.Text("kind", "") == "a" {
		s += 0.3
	}
	return s
}

// noise is a deterministic pseudo-random number in [−1, 1) per
// configuration and budget.
func noise(p Params, budget float64) float64 {
	h := fnv.New64a()
	fmt.Fprint(h, p.Float("lr", 0), p.Float("x", 0), p.Int("n", 0), p.Text("kind", ""), budget)
	return float64(h.Sum64()>>11)/(1<<52) - 1
}

// noisy is the quadratic observed with an error that shrinks as the
// budget grows, like a model trained for fewer rounds.
func noisy(_ context.Context, p Params, budget float64) (float64, error) {
	return quadratic(p) + 0.1*(1-budget)*noise(p, budget), nil
}

func TestRandomFindsOptimum(t *testing.T) {
	var calls int
	res, err := Random(context.Background(), space, func(_ context.Context, p Params, b float64) (float64, error) {
		calls++
		if b != 1 {
			t.Errorf("random search passed budget %v", b)
		}
		return quadratic(p), nil
	}, Options{Trials: 300, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	best, ok := res.Best()
	t.Logf("best %.4f at %v", best.Score, best.Params)
	if !ok || calls != 300 || len(res.Trials) != 300 || res.Spent != 300 {
		t.Fatalf("%d calls, %d trials, spent %v", calls, len(res.Trials), res.Spent)
	}
	if best.Score > 0.05 || best.Params.Text("kind", "") != "b" || math.Abs(best.Params.Float("lr", 0)-0.1) > 0.05 {
		t.Errorf("best %v at %v: want near lr 0.1, x 1, n 20, kind b", best.Score, best.Params)
	}
	for _, tr := range res.Trials {
		if tr.Score < best.Score {
			t.Fatalf("trial %d scored %v below the best %v", tr.ID, tr.Score, best.Score)
		}
	}
}

// TestHalvingSpendsLess runs successive halving and random search over the
// same 81 configurations (same seed): halving spends 5 full evaluations
// instead of 81 and still ends near the optimum.
func TestHalvingSpendsLess(t *testing.T) {
	ctx := context.Background()
	rnd, err := Random(ctx, space, noisy, Options{Trials: 81, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	hal, err := Halving(ctx, space, noisy, HalvingOptions{Options: Options{Trials: 81, Seed: 4}})
	if err != nil {
		t.Fatal(err)
	}
	rb, _ := rnd.Best()
	hb, _ := hal.Best()
	t.Logf("random: best %.4f, spent %.3g over %d trials; halving: best %.4f, spent %.3g over %d trials",
		rb.Score, rnd.Spent, len(rnd.Trials), hb.Score, hal.Spent, len(hal.Trials))
	if math.Abs(hal.Spent-5) > 1e-9 || len(hal.Trials) != 81+27+9+3+1 {
		t.Errorf("halving spent %v over %d trials, want 5 over 121", hal.Spent, len(hal.Trials))
	}
	if hb.Budget != 1 || hb.Rung != 4 {
		t.Errorf("halving's best was at budget %v, rung %d", hb.Budget, hb.Rung)
	}
	// Both saw the same configurations; the noise at low budgets may cost
	// halving the very best, but not by much.
	if !reflect.DeepEqual(rnd.Trials[10].Params, hal.Trials[10].Params) {
		t.Error("the same seed drew different configurations")
	}
	if hb.Score > rb.Score+0.05 || hb.Score > 0.1 {
		t.Errorf("halving's best %v, random's %v", hb.Score, rb.Score)
	}
	// Rungs are sorted survivors: every config at rung s+1 scored in the
	// best third of rung s.
	byRung := map[int][]Trial{}
	for _, tr := range hal.Trials {
		byRung[tr.Rung] = append(byRung[tr.Rung], tr)
	}
	for s := 0; s < 4; s++ {
		cut := math.Inf(-1)
		for _, tr := range byRung[s+1] {
			for _, prev := range byRung[s] {
				if prev.Config == tr.Config {
					cut = math.Max(cut, prev.Score)
				}
			}
		}
		worse := 0
		for _, prev := range byRung[s] {
			if prev.Score > cut {
				worse++
			}
		}
		if kept := len(byRung[s]) - worse; kept != len(byRung[s+1]) {
			t.Errorf("rung %d kept %d configurations with scores ≤ the promoted cut, %d promoted", s, kept, len(byRung[s+1]))
		}
	}
}

func TestDeterministic(t *testing.T) {
	run := func(seed uint64) []byte {
		res, err := Halving(context.Background(), space, noisy, HalvingOptions{Options: Options{Trials: 30, Seed: seed}})
		if err != nil {
			t.Fatal(err)
		}
		for i := range res.Trials {
			res.Trials[i].Seconds = 0
		}
		var b bytes.Buffer
		if err := res.WriteCSV(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	a, b, c := run(7), run(7), run(8)
	if !bytes.Equal(a, b) {
		t.Error("the same seed gave different results")
	}
	if bytes.Equal(a, c) {
		t.Error("different seeds gave the same results")
	}
	recs, err := csv.NewReader(bytes.NewReader(a)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "trial,config,rung,budget,score,seconds,error,kind,lr,n,x" || len(recs) != 1+30+10+4+2 {
		t.Errorf("CSV header %v with %d records", recs[0], len(recs))
	}
}

func TestTimeBudgetAndProgress(t *testing.T) {
	var seen []int
	res, err := Random(context.Background(), space, func(context.Context, Params, float64) (float64, error) {
		time.Sleep(20 * time.Millisecond)
		return 1, nil
	}, Options{Trials: 1000, Time: 100 * time.Millisecond, Progress: func(done, best Trial) {
		seen = append(seen, done.ID)
		if best.ID != 1 {
			t.Errorf("best is trial %d; equal scores keep the first", best.ID)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(res.Trials); n < 2 || n > 10 || len(seen) != n || seen[n-1] != n {
		t.Errorf("%d trials in 100 ms of 20 ms each, progress saw %v", n, seen)
	}
}

func TestFailures(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("boom")
	res, err := Random(ctx, space, func(_ context.Context, p Params, _ float64) (float64, error) {
		if p.Text("kind", "") == "a" {
			return 0, boom
		}
		if p.Int("n", 0) < 5 {
			return math.NaN(), nil
		}
		return quadratic(p), nil
	}, Options{Trials: 40})
	if err != nil {
		t.Fatal(err)
	}
	best, _ := res.Best()
	fails := 0
	for _, tr := range res.Trials {
		if tr.Err != "" {
			fails++
			if !math.IsInf(tr.Score, 1) {
				t.Errorf("failed trial %d scored %v", tr.ID, tr.Score)
			}
		}
	}
	if fails == 0 || best.Err != "" || best.Params.Text("kind", "") != "b" {
		t.Errorf("%d failures, best %+v", fails, best)
	}
	_, err = Halving(ctx, space, func(context.Context, Params, float64) (float64, error) { return 0, boom }, HalvingOptions{})
	if err == nil || !strings.Contains(err.Error(), "every trial failed; first: trial 1: boom") {
		t.Errorf("all failing: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	res, err = Random(cctx, space, func(context.Context, Params, float64) (float64, error) {
		cancel()
		return 1, nil
	}, Options{Trials: 10})
	if !errors.Is(err, context.Canceled) || len(res.Trials) != 1 {
		t.Errorf("cancelled: %v after %d trials", err, len(res.Trials))
	}
	for _, bad := range []Space{
		{},
		{"a": Uniform(2, 1)},
		{"a": LogUniform(0, 1)},
		{"a": IntRange(3, 2)},
		{"a": Choice()},
		{"a": nil},
	} {
		if _, err := Random(ctx, bad, noisy, Options{}); err == nil {
			t.Errorf("space %v accepted", bad)
		}
	}
	if _, err := Halving(ctx, space, noisy, HalvingOptions{Eta: 1}); err == nil {
		t.Error("eta 1 accepted")
	}
	if _, err := Halving(ctx, space, noisy, HalvingOptions{MinBudget: 2}); err == nil {
		t.Error("minimum budget 2 accepted")
	}
}

func TestDistributions(t *testing.T) {
	if v := IntRange(3, 5).Value(0); v != 3 {
		t.Errorf("int low end %v", v)
	}
	if v := IntRange(3, 5).Value(0.9999999); v != 5 {
		t.Errorf("int high end %v", v)
	}
	if v := LogUniform(0.01, 1).Value(0.5).(float64); math.Abs(v-0.1) > 1e-12 {
		t.Errorf("log-uniform midpoint %v, want 0.1", v)
	}
	if v := Choice("a", "b", "c").Value(0.5); v != "b" {
		t.Errorf("choice midpoint %v", v)
	}
	if s := (Space{"x": Uniform(0, 1)}).sample(newRNG(1)); s.Float("x", -1) < 0 || s.Float("x", -1) >= 1 {
		t.Errorf("uniform draw %v", s)
	}
}
