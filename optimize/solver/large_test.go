package solver

import (
	"math"
	"slices"
	"testing"
	"time"
)

// The planner-sized problem: 10,000 series × 4 periods × 6 options.
func TestLargeFeasibleWithSmallGap(t *testing.T) {
	series := 10000
	if testing.Short() {
		series = 1000
	}
	p := genLarge(1, series, 4, 6)
	start := time.Now()
	sol, err := Solve(p, Settings{})
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	if !sol.Feasible {
		t.Fatalf("no feasible plan: %v", sol.Eval.Violations)
	}
	if obj, ok := check(p, sol.Choice); !ok || math.Abs(obj-sol.Objective) > 1e-6*math.Abs(obj) {
		t.Fatalf("plan independently checks as feasible=%v objective %g (reported %g)", ok, obj, sol.Objective)
	}
	off, err := Evaluate(p, AllOff(p))
	if err != nil {
		t.Fatal(err)
	}
	greedy, err := Evaluate(p, greedyPlan(p))
	if err != nil {
		t.Fatal(err)
	}
	if greedy.Feasible {
		t.Error("the unconstrained plan is feasible: the instance does not test the constraints")
	}
	t.Logf("%d slots: objective %.7g, bound %.7g, gap %.3g%%, %d iterations, %v; unconstrained plan %.7g (violates %d constraints); promoted %d, margin rate %.4f (min %.4f)",
		len(p.Slots), sol.Objective, sol.Bound, 100*sol.Gap(), sol.Iterations, elapsed, greedy.Objective, len(greedy.Violations), sol.Eval.Promoted, sol.Eval.MarginRate, p.MinMarginRate)
	if sol.Gap() > 0.005 {
		t.Errorf("gap %.3g%% above 0.5%%", 100*sol.Gap())
	}
	if sol.Objective <= off.Objective {
		t.Errorf("objective %g not above no promotion (%g)", sol.Objective, off.Objective)
	}
}

// The plan does not depend on the number of workers, and repeats exactly.
func TestDeterministic(t *testing.T) {
	p := genLarge(3, 600, 4, 6)
	a, err := Solve(p, Settings{Workers: 1, Iterations: 80})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []int{2, 3} {
		b, err := Solve(p, Settings{Workers: w, Iterations: 80})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a.Choice, b.Choice) || a.Objective != b.Objective || a.Bound != b.Bound {
			t.Errorf("workers %d: objective %v bound %v, with 1 worker %v %v", w, b.Objective, b.Bound, a.Objective, a.Bound)
		}
	}
}

func BenchmarkSolveLarge(b *testing.B) {
	p := genLarge(1, 10000, 4, 6)
	var sol Solution
	for b.Loop() {
		var err error
		if sol, err = Solve(p, Settings{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(100*sol.Gap(), "gap%")
}
