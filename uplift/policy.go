package uplift

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// PolicyConfig says what an outcome unit is worth, what each treatment
// costs and what may be spent. Budget and Count are alternatives; with
// neither, every customer gets the treatment of the largest positive net
// value.
type PolicyConfig struct {
	// Value is what one unit of the outcome is worth (e.g. the margin of a
	// visit, or 1 to count outcomes); 0 means 1. It must be positive.
	Value float64
	// Costs is the cost of giving a treatment to one customer, by
	// treatment name; treatments not named cost 0.
	Costs map[string]float64
	// Budget caps the total cost of the chosen treatments; 0 means no cap.
	Budget float64
	// Count caps the number of customers treated; 0 means no cap.
	Count int
	// Allow names the treatments the policy may use; empty means all.
	Allow []string
}

// ParseCosts reads "name=cost,name=cost" (spaces around names and
// numbers are ignored) and checks every name against treatments.
func ParseCosts(s string, treatments []string) (map[string]float64, error) {
	costs := map[string]float64{}
	if strings.TrimSpace(s) == "" {
		return costs, nil
	}
	for _, part := range strings.Split(s, ",") {
		eq := strings.LastIndex(part, "=")
		if eq < 0 {
			return nil, fmt.Errorf("cost %q: expected treatment=cost", strings.TrimSpace(part))
		}
		name, num := strings.TrimSpace(part[:eq]), strings.TrimSpace(part[eq+1:])
		v, err := strconv.ParseFloat(num, 64)
		if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, fmt.Errorf("cost of %q is %q: expected a number ≥ 0", name, num)
		}
		if _, dup := costs[name]; dup {
			return nil, fmt.Errorf("cost of %q is given twice", name)
		}
		costs[name] = v
	}
	return costs, checkNames("cost", costs, treatments)
}

func checkNames(what string, m map[string]float64, treatments []string) error {
	var names []string
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		known := false
		for _, t := range treatments {
			known = known || t == n
		}
		if !known {
			return fmt.Errorf("%s given for %q, which is not a treatment: the treatments are %s", what, n, quoteList(treatments))
		}
	}
	return nil
}

// Policy is a treatment (or none) for every customer.
type Policy struct {
	// Arm is each customer's arm: 0 for no treatment, k for Arms[k].
	Arm []int `json:"-"`
	// Arms names the arms, the control ("no treatment") first.
	Arms []string `json:"arms"`
	// Count is the number of customers given each arm.
	Count []int `json:"count"`
	// Cost is the total cost of the treatments given.
	Cost float64 `json:"cost"`
	// Gain is the model's expected incremental outcome of the policy:
	// the sum of the chosen treatments' predicted uplifts.
	Gain float64 `json:"gain"`
	// Net is Value·Gain − Cost.
	Net float64 `json:"net"`
	// Uplift is the predicted uplift the policy was chosen from, per
	// treatment and customer.
	Uplift [][]float64 `json:"-"`
}

// costVector returns the cost of each arm (0 for the control).
func costVector(arms []string, costs map[string]float64) []float64 {
	c := make([]float64, len(arms))
	for k := 1; k < len(arms); k++ {
		c[k] = costs[arms[k]]
	}
	return c
}

func (c PolicyConfig) validate(arms []string) (PolicyConfig, error) {
	if c.Value == 0 {
		c.Value = 1
	}
	if !(c.Value > 0) || math.IsInf(c.Value, 0) {
		return c, fmt.Errorf("uplift: value per outcome unit is %v: expected a positive number", c.Value)
	}
	if err := checkNames("cost", c.Costs, arms[1:]); err != nil {
		return c, fmt.Errorf("uplift: %w", err)
	}
	if c.Budget < 0 || math.IsNaN(c.Budget) {
		return c, fmt.Errorf("uplift: budget is %v: expected a number ≥ 0", c.Budget)
	}
	if c.Count < 0 {
		return c, fmt.Errorf("uplift: count is %d: expected a number ≥ 0", c.Count)
	}
	if c.Budget > 0 && c.Count > 0 {
		return c, fmt.Errorf("uplift: give a budget or a count, not both")
	}
	allow := map[string]float64{}
	for _, a := range c.Allow {
		allow[a] = 1
	}
	if err := checkNames("allowed treatment", allow, arms[1:]); err != nil {
		return c, fmt.Errorf("uplift: %w", err)
	}
	return c, nil
}

// Choose assigns each customer the arm that maximises Value·uplift − cost
// (no treatment when none is positive). tau[k-1][i] is treatment k's
// predicted uplift for customer i, arms names the arms (control first).
//
// Under a Count, the customers with the largest best net value are
// treated. Under a Budget, Choose solves the multiple-choice knapsack
// greedily on each customer's upper convex hull of (cost, net value)
// options: upgrades (none → cheaper treatment → dearer treatment) are taken
// in order of net value per unit of cost, skipping any that would overrun
// the budget; a last pass then makes, largest gain first, any other switch
// that adds net value and still fits. The total cost never exceeds the
// budget (up to one part in 10⁹ for rounding: 400 treatments at 0.05 fit
// a budget of 20). Ties go to the earlier customer and the cheaper arm.
func Choose(tau [][]float64, arms []string, cfg PolicyConfig) (*Policy, error) {
	cfg, err := cfg.validate(arms)
	if err != nil {
		return nil, err
	}
	if len(tau) != len(arms)-1 {
		return nil, fmt.Errorf("uplift: %d uplift columns for %d treatments", len(tau), len(arms)-1)
	}
	n := len(tau[0])
	cost := costVector(arms, cfg.Costs)
	allowed := make([]bool, len(arms))
	for k := 1; k < len(arms); k++ {
		allowed[k] = len(cfg.Allow) == 0
		for _, a := range cfg.Allow {
			allowed[k] = allowed[k] || a == arms[k]
		}
	}
	net := func(i, k int) float64 { return cfg.Value*tau[k-1][i] - cost[k] }
	p := &Policy{Arm: make([]int, n), Arms: arms, Count: make([]int, len(arms)), Uplift: tau}
	spent := math.NaN()
	switch {
	case cfg.Budget > 0:
		spent = chooseBudget(p, n, allowed, cost, net, cfg.Budget)
	default:
		best := make([]float64, n)
		for i := 0; i < n; i++ {
			for k := 1; k < len(arms); k++ {
				if allowed[k] && net(i, k) > best[i] {
					best[i], p.Arm[i] = net(i, k), k
				}
			}
		}
		if cfg.Count > 0 {
			idx := allRows(n)
			sort.SliceStable(idx, func(a, b int) bool { return best[idx[a]] > best[idx[b]] })
			for r, i := range idx {
				if r >= cfg.Count {
					p.Arm[i] = 0
				}
			}
		}
	}
	for i, k := range p.Arm {
		p.Count[k]++
		if k > 0 {
			p.Cost += cost[k]
			p.Gain += tau[k-1][i]
		}
	}
	if !math.IsNaN(spent) {
		p.Cost = spent // the sum the budget was checked against
	}
	p.Net = cfg.Value*p.Gain - p.Cost
	return p, nil
}

// step is one upgrade of a customer's treatment on its convex hull.
type step struct {
	i, to      int
	cost, gain float64 // increments
	rank       int     // position on the customer's hull
}

// chooseBudget fills p.Arm under the budget and returns the total spent.
func chooseBudget(p *Policy, n int, allowed []bool, cost []float64, net func(i, k int) float64, budget float64) float64 {
	var steps []step
	for i := 0; i < n; i++ {
		steps = append(steps, hull(i, allowed, cost, net)...)
	}
	ratio := func(s step) float64 {
		if s.cost == 0 {
			return math.Inf(1)
		}
		return s.gain / s.cost
	}
	sort.SliceStable(steps, func(a, b int) bool {
		ra, rb := ratio(steps[a]), ratio(steps[b])
		if ra != rb {
			return ra > rb
		}
		if steps[a].i != steps[b].i {
			return steps[a].i < steps[b].i
		}
		return steps[a].rank < steps[b].rank
	})
	// Costs such as 0.05 are not exact in binary, so 400 of them sum to a
	// hair over 20: the budget allows for one part in 10⁹ of rounding.
	budget += 1e-9 * math.Max(budget, 1)
	next := make([]int, n) // the hull position each customer is at
	blocked := make([]bool, n)
	spent := 0.0
	for _, s := range steps {
		if blocked[s.i] || next[s.i] != s.rank {
			continue
		}
		if spent+s.cost > budget {
			blocked[s.i] = true
			continue
		}
		spent += s.cost
		p.Arm[s.i] = s.to
		next[s.i]++
	}
	return fill(p, allowed, cost, net, budget, spent)
}

// fill makes, largest net gain first, any switch of a customer's arm that
// adds net value and still fits the budget: the hull greedy can leave
// money that an option off the hull (cheaper, less efficient) would use.
func fill(p *Policy, allowed []bool, cost []float64, net func(i, k int) float64, budget, spent float64) float64 {
	value := func(i, k int) float64 {
		if k == 0 {
			return 0
		}
		return net(i, k)
	}
	var moves []step
	for i, cur := range p.Arm {
		for k := 1; k < len(allowed); k++ {
			if allowed[k] && value(i, k) > value(i, cur) && spent+cost[k]-cost[cur] <= budget {
				moves = append(moves, step{i: i, to: k, cost: cost[k] - cost[cur], gain: value(i, k) - value(i, cur)})
			}
		}
	}
	sort.SliceStable(moves, func(a, b int) bool { return moves[a].gain > moves[b].gain })
	moved := map[int]bool{}
	for _, m := range moves {
		if moved[m.i] || spent+m.cost > budget {
			continue
		}
		spent += m.cost
		p.Arm[m.i] = m.to
		moved[m.i] = true
	}
	return spent
}

// hull returns customer i's upgrades along the upper convex hull of its
// options (cost, net value), starting from no treatment at (0, 0) and
// keeping only options that add net value.
func hull(i int, allowed []bool, cost []float64, net func(i, k int) float64) []step {
	type opt struct {
		arm        int
		cost, gain float64
	}
	var opts []opt
	for k := 1; k < len(allowed); k++ {
		if allowed[k] && net(i, k) > 0 {
			opts = append(opts, opt{k, cost[k], net(i, k)})
		}
	}
	sort.SliceStable(opts, func(a, b int) bool {
		if opts[a].cost != opts[b].cost {
			return opts[a].cost < opts[b].cost
		}
		return opts[a].gain > opts[b].gain
	})
	h := []opt{{0, 0, 0}}
	for _, o := range opts {
		last := h[len(h)-1]
		if o.gain <= last.gain {
			continue // dominated: costs at least as much, gains no more
		}
		// Drop hull points that lie on or below the segment to o.
		for len(h) >= 2 {
			a, b := h[len(h)-2], h[len(h)-1]
			if (b.gain-a.gain)*(o.cost-a.cost) <= (o.gain-a.gain)*(b.cost-a.cost) {
				h = h[:len(h)-1]
				continue
			}
			break
		}
		h = append(h, o)
	}
	steps := make([]step, 0, len(h)-1)
	for r := 1; r < len(h); r++ {
		steps = append(steps, step{i: i, to: h[r].arm, cost: h[r].cost - h[r-1].cost, gain: h[r].gain - h[r-1].gain, rank: r - 1})
	}
	return steps
}
