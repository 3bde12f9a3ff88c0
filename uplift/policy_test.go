package uplift

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestChooseWithoutCap(t *testing.T) {
	// Customer 0: a nets 0.5−0.1, b 0.3−0.2 → a. Customer 1: both negative
	// → none. Customer 2: b nets 0.9−0.2 → b.
	tau := [][]float64{{0.5, 0.05, 0.2}, {0.3, 0.1, 0.9}}
	p, err := Choose(tau, []string{"none", "a", "b"}, PolicyConfig{Costs: map[string]float64{"a": 0.1, "b": 0.2}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Arm[0] != 1 || p.Arm[1] != 0 || p.Arm[2] != 2 {
		t.Fatalf("arms %v, want [1 0 2]", p.Arm)
	}
	if math.Abs(p.Cost-0.3) > 1e-12 || math.Abs(p.Gain-1.4) > 1e-12 || math.Abs(p.Net-1.1) > 1e-12 {
		t.Errorf("cost %v gain %v net %v, want 0.3, 1.4, 1.1", p.Cost, p.Gain, p.Net)
	}
	// Value 0.5 halves the gains: customer 0's a nets 0.15, b −0.05;
	// customer 2's b nets 0.25.
	p, _ = Choose(tau, []string{"none", "a", "b"}, PolicyConfig{Value: 0.5, Costs: map[string]float64{"a": 0.1, "b": 0.2}})
	if p.Arm[0] != 1 || p.Arm[1] != 0 || p.Arm[2] != 2 {
		t.Errorf("value 0.5: arms %v", p.Arm)
	}
}

func TestChooseCount(t *testing.T) {
	tau := [][]float64{{0.1, 0.4, 0.3, 0.2}}
	p, err := Choose(tau, []string{"none", "a"}, PolicyConfig{Count: 2})
	if err != nil {
		t.Fatal(err)
	}
	if p.Arm[1] != 1 || p.Arm[2] != 1 || p.Count[1] != 2 {
		t.Errorf("arms %v: want the two largest uplifts treated", p.Arm)
	}
}

func TestChooseBudgetHull(t *testing.T) {
	// One customer, a costs 1 and nets 0.5, b costs 2 and nets 2: b is the
	// better use of a budget of 2, a the only one that fits a budget of 1.
	tau := [][]float64{{1.5}, {4}}
	cfg := PolicyConfig{Costs: map[string]float64{"a": 1, "b": 2}}
	for _, c := range []struct {
		budget float64
		want   int
	}{{2, 2}, {1, 1}, {0.5, 0}} {
		cfg.Budget = c.budget
		p, err := Choose(tau, []string{"none", "a", "b"}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if p.Arm[0] != c.want {
			t.Errorf("budget %v: arm %d, want %d", c.budget, p.Arm[0], c.want)
		}
	}
}

// TestBudgetRespected draws random uplifts and costs and checks that the
// total cost never exceeds the budget, that the money left cannot buy any
// switch that adds value, and that a larger budget never earns less.
func TestBudgetRespected(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	arms := []string{"none", "a", "b", "c"}
	for trial := 0; trial < 50; trial++ {
		n := 200
		tau := make([][]float64, 3)
		for k := range tau {
			tau[k] = make([]float64, n)
			for i := range tau[k] {
				tau[k][i] = rng.NormFloat64()*0.1 + 0.05*float64(k)
			}
		}
		costs := map[string]float64{"a": 0.01 + rng.Float64()*0.1, "b": 0.05 + rng.Float64()*0.1, "c": 0.1 + rng.Float64()*0.2}
		cost := costVector(arms, costs)
		prevNet := math.Inf(-1)
		for _, budget := range []float64{0.3, 1, 2.5, 7} {
			p, err := Choose(tau, arms, PolicyConfig{Costs: costs, Budget: budget})
			if err != nil {
				t.Fatal(err)
			}
			spent := 0.0
			for _, k := range p.Arm {
				spent += cost[k]
			}
			if spent > budget*(1+1e-9) || p.Cost > budget*(1+1e-9) {
				t.Fatalf("trial %d budget %v: spent %v (reported %v)", trial, budget, spent, p.Cost)
			}
			for i, cur := range p.Arm {
				for k := 1; k < len(arms); k++ {
					gain := tau[k-1][i] - cost[k]
					curNet := 0.0
					if cur > 0 {
						curNet = tau[cur-1][i] - cost[cur]
					}
					if gain > curNet+1e-12 && p.Cost+cost[k]-cost[cur] <= budget*(1-1e-9) {
						t.Fatalf("trial %d budget %v: customer %d could switch from %d to %d within budget", trial, budget, i, cur, k)
					}
				}
			}
			if p.Net < prevNet-1e-9 {
				t.Errorf("trial %d: budget %v nets %v, less than a smaller budget's %v", trial, budget, p.Net, prevNet)
			}
			prevNet = p.Net
		}
	}
}

func TestPolicyInputErrors(t *testing.T) {
	arms := []string{"No E-Mail", "Mens E-Mail", "Womens E-Mail"}
	if _, err := ParseCosts("Womens E-Mail=0.1, Kids E-Mail=0.2", arms[1:]); err == nil ||
		!strings.Contains(err.Error(), `"Kids E-Mail"`) || !strings.Contains(err.Error(), `"Mens E-Mail", "Womens E-Mail"`) {
		t.Errorf("unknown treatment: %v", err)
	}
	if _, err := ParseCosts("Womens E-Mail=cheap", arms[1:]); err == nil || !strings.Contains(err.Error(), `"cheap"`) {
		t.Errorf("bad number: %v", err)
	}
	if _, err := ParseCosts("Womens E-Mail", arms[1:]); err == nil {
		t.Error("no '=': no error")
	}
	c, err := ParseCosts(" Mens E-Mail = 0.1 ,Womens E-Mail=0.2", arms[1:])
	if err != nil || c["Mens E-Mail"] != 0.1 || c["Womens E-Mail"] != 0.2 {
		t.Errorf("costs %v, %v", c, err)
	}
	tau := [][]float64{{1}, {1}}
	for _, cfg := range []PolicyConfig{{Budget: 1, Count: 1}, {Value: -1}, {Budget: -2}, {Allow: []string{"x"}}, {Costs: map[string]float64{"No E-Mail": 1}}} {
		if _, err := Choose(tau, arms, cfg); err == nil {
			t.Errorf("config %+v: no error", cfg)
		}
	}
}

func TestValuePolicyByHand(t *testing.T) {
	// Four customers, propensities 1/2 each for control and treatment.
	// The policy treats customers 0 and 1. Customer 0 was treated and
	// responded: ψ = 1/0.5 = 2. Customer 1 was a control and responded:
	// ψ = −2. Customers 2, 3 are not treated by the policy: ψ = 0.
	// Total 0; sd of (2, −2, 0, 0) is √2, so se = √4·√2 and the interval
	// is ±1.96·2√2.
	arm := []int{1, 1, 0, 0}
	y := []float64{1, 1, 1, 0}
	tr := []int{1, 0, 1, 0}
	prop := [][]float64{{.5, .5, .5, .5}, {.5, .5, .5, .5}}
	tau := [][]float64{{0.2, 0.1, 0.3, 0}}
	v, err := ValuePolicy("p", arm, tau, y, tr, prop, 2, []float64{0, 0.25}, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	half := 1.96 * 2 * math.Sqrt2
	if v.Incremental != 0 || math.Abs(v.IncrementalHi-half) > 1e-12 || v.Cost != 0.5 || math.Abs(v.Predicted-0.3) > 1e-12 {
		t.Errorf("value %+v", v)
	}
	if v.Net != -0.5 || math.Abs(v.NetHi-(2*half-0.5)) > 1e-12 {
		t.Errorf("net %v [%v, %v]", v.Net, v.NetLo, v.NetHi)
	}
}

// TestPolicyBeatsTreatingEveryone fits a model on generated data where
// treatment "b" hurts half the customers and checks that the chosen
// policy's IPW value on fresh data is above treating everyone with b.
func TestPolicyBeatsTreatingEveryone(t *testing.T) {
	train, _ := synth(8000, true, 11, false)
	test, _ := synth(8000, true, 12, false)
	m, err := Fit(train, Config{Learner: LearnerT, Bases: []Base{small}})
	if err != nil {
		t.Fatal(err)
	}
	vals, p, err := m.Compare(test, PolicyConfig{Costs: map[string]float64{"a": 0.01, "b": 0.01}})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]PolicyValue{}
	for _, v := range vals {
		byName[v.Name] = v
	}
	if p.Count[0] == 0 || p.Count[0] == test.Rows() {
		t.Fatalf("policy counts %v: expected some treated and some not", p.Count)
	}
	if pol, all := byName["policy"], byName["treat everyone: b"]; pol.Net <= all.Net {
		t.Errorf("policy nets %v, treating everyone with b %v", pol.Net, all.Net)
	}
	if none := byName["treat no one"]; none.Net != 0 || none.Cost != 0 {
		t.Errorf("treat no one: %+v", none)
	}
	if _, ok := byName["policy with a only"]; !ok {
		t.Errorf("no single-treatment policy among %v", vals)
	}
}

func TestBudgetBuysWholeTreatments(t *testing.T) {
	tau := [][]float64{make([]float64, 1000)}
	for i := range tau[0] {
		tau[0][i] = 1
	}
	p, err := Choose(tau, []string{"none", "mail"}, PolicyConfig{Costs: map[string]float64{"mail": 0.05}, Budget: 20})
	if err != nil {
		t.Fatal(err)
	}
	if p.Count[1] != 400 {
		t.Errorf("a budget of 20 at 0.05 each treats %d, want 400", p.Count[1])
	}
}

// TestIPWCorrectsConfounding values "treat everyone with a" on a log in
// which customers with a high base outcome were given a more often: the
// difference in means overstates the effect, the propensity-weighted
// value does not.
func TestIPWCorrectsConfounding(t *testing.T) {
	train, _ := synth(8000, false, 21, true)
	test, tau := synth(20000, false, 22, true)
	m, err := Fit(train, Config{Learner: LearnerDR, Bases: []Base{small}})
	if err != nil {
		t.Fatal(err)
	}
	vals, _, err := m.Compare(test, PolicyConfig{})
	if err != nil {
		t.Fatal(err)
	}
	truth := 0.0
	for _, v := range tau[0] {
		truth += v
	}
	var all PolicyValue
	for _, v := range vals {
		if v.Name == "treat everyone: a" {
			all = v
		}
	}
	var yt, nt, yc, nc float64
	for i, a := range test.T {
		switch a {
		case 1:
			yt, nt = yt+test.Y[i], nt+1
		case 0:
			yc, nc = yc+test.Y[i], nc+1
		}
	}
	naive := (yt/nt - yc/nc) * float64(test.Rows())
	t.Logf("truth %.0f, IPW %.0f [%.0f, %.0f], difference in means %.0f, model %.0f", truth, all.Incremental, all.IncrementalLo, all.IncrementalHi, naive, all.Predicted)
	if truth < all.IncrementalLo || truth > all.IncrementalHi {
		t.Errorf("IPW interval [%.0f, %.0f] misses the true %.0f", all.IncrementalLo, all.IncrementalHi, truth)
	}
	if naive < all.IncrementalHi {
		t.Errorf("the difference in means %.0f is not above the IPW interval: the test data are not confounded enough to mean anything", naive)
	}
	if math.Abs(all.Predicted-truth) > 0.15*math.Abs(truth) {
		t.Errorf("the DR-learner's total %.0f is more than 15%% from the true %.0f", all.Predicted, truth)
	}
}

func FuzzParseCosts(f *testing.F) {
	for _, s := range []string{"Mens E-Mail=0.1,Womens E-Mail=0.2", "a=1", "=", "a=-1", "a=1,a=2", "a=NaN", ",,", "a==1"} {
		f.Add(s)
	}
	treatments := []string{"Mens E-Mail", "Womens E-Mail", "a"}
	f.Fuzz(func(t *testing.T, s string) {
		costs, err := ParseCosts(s, treatments)
		if err != nil {
			return
		}
		for name, c := range costs {
			if !(c >= 0) || math.IsInf(c, 0) {
				t.Errorf("%q: cost %v of %q accepted", s, c, name)
			}
			known := false
			for _, tr := range treatments {
				known = known || tr == name
			}
			if !known {
				t.Errorf("%q: unknown treatment %q accepted", s, name)
			}
		}
	})
}
