package solver

import (
	"fmt"
	"math"
)

// Evaluation is what a plan achieves and how much room each constraint has
// left. Slack ("Left") values are negative when a constraint is violated.
type Evaluation struct {
	// Objective, Cost, Revenue, Margin and Units are sums over the plan.
	Objective, Cost, Revenue, Margin, Units float64
	// Promoted counts slots with an option other than off.
	Promoted int
	// BudgetLeft is Budget − Cost (+Inf without a budget).
	BudgetLeft float64
	// MarginRate is Margin / Revenue (NaN when Revenue is 0).
	MarginRate float64
	// MarginLeft is Margin − MinMarginRate·Revenue: ≥ 0 when the margin-rate
	// constraint holds (+Inf without one).
	MarginLeft float64
	// Groups has one entry per Problem.Groups, in the same order.
	Groups []GroupUsage
	// Stock has one entry per limited series, in increasing series order.
	Stock []StockUsage
	// Violations describes each violated constraint; empty when feasible.
	Violations []string
	// Feasible reports that every constraint holds (to a relative
	// tolerance of 1e-9).
	Feasible bool
}

// GroupUsage is a group's use of its GroupLimit.
type GroupUsage struct {
	Group    int
	Cost     float64
	Promoted int
	// CostLeft is MaxCost − Cost (+Inf without a cost cap).
	CostLeft float64
	// PromotedLeft is MaxPromoted − Promoted (NoLimit without a count cap).
	PromotedLeft int
}

// StockUsage is a series' use of its stock.
type StockUsage struct {
	Series int
	Units  float64
	// Left is Stock − Units.
	Left float64
}

// Evaluate checks a plan against the problem: choice[i] is the index of the
// option chosen for slot i (0 is off). Use it to compare Solve's plan with a
// user's own plan and with no promotion at all (AllOff).
func Evaluate(p *Problem, choice []int) (Evaluation, error) {
	c, err := compile(p)
	if err != nil {
		return Evaluation{}, err
	}
	g, err := c.global(choice)
	if err != nil {
		return Evaluation{}, err
	}
	return c.evaluate(p, g), nil
}

// AllOff returns the plan with no promotion: a choice of 0 for each slot.
func AllOff(p *Problem) []int { return make([]int, len(p.Slots)) }

// global converts a per-slot local choice to global option indices.
func (c *compiled) global(choice []int) ([]int, error) {
	if len(choice) != c.n {
		return nil, &InputError{-1, -1, "choice", fmt.Sprintf("has %d entries, the problem has %d slots", len(choice), c.n)}
	}
	g := make([]int, c.n)
	for i, j := range choice {
		if j < 0 || c.start[i]+j >= c.start[i+1] {
			return nil, &InputError{i, -1, "choice", fmt.Sprintf("= %d, the slot has options 0..%d", j, c.start[i+1]-c.start[i]-1)}
		}
		g[i] = c.start[i] + j
	}
	return g, nil
}

// evaluate reports on a plan given as global option indices.
func (c *compiled) evaluate(p *Problem, g []int) Evaluation {
	st := c.newState(g)
	var e Evaluation
	e.Objective = st.obj
	for i, o := range g {
		opt := p.Slots[i].Options[o-c.start[i]]
		e.Cost += opt.Cost
		e.Revenue += opt.Revenue
		e.Margin += opt.Margin
		e.Units += opt.Units
		if o != c.start[i] {
			e.Promoted++
		}
	}
	e.BudgetLeft = math.Inf(1)
	if c.budgetRow >= 0 {
		e.BudgetLeft = c.rhs[c.budgetRow] - st.load[c.budgetRow]
	}
	e.MarginRate = math.NaN()
	if e.Revenue != 0 {
		e.MarginRate = e.Margin / e.Revenue
	}
	e.MarginLeft = math.Inf(1)
	if c.marginRow >= 0 {
		e.MarginLeft = -st.load[c.marginRow]
	}
	for r := range c.rhs {
		over := st.load[r] - c.rhs[r]
		switch {
		case over <= c.tol[r]:
		case r == c.marginRow: // rate·revenue − margin ≤ 0: over is margin missing
			e.Violations = append(e.Violations, fmt.Sprintf("margin %.6g short of the minimum margin rate's", over))
		default:
			e.Violations = append(e.Violations, fmt.Sprintf("%s exceeded by %.6g", c.rowName[r], over))
		}
	}
	for _, gl := range p.Groups {
		u := GroupUsage{Group: gl.Group, CostLeft: math.Inf(1), PromotedLeft: NoLimit}
		for i, o := range g {
			if p.Slots[i].Group == gl.Group {
				u.Cost += c.cost[o]
				if o != c.start[i] {
					u.Promoted++
				}
			}
		}
		if !math.IsInf(gl.MaxCost, 1) {
			u.CostLeft = gl.MaxCost - u.Cost
		}
		if gl.MaxPromoted >= 0 {
			u.PromotedLeft = gl.MaxPromoted - u.Promoted
		}
		e.Groups = append(e.Groups, u)
	}
	for r, s := range c.stSeries {
		u := StockUsage{Series: s, Units: st.stLoad[r], Left: c.stRhs[r] - st.stLoad[r]}
		if -u.Left > c.stTol[r] {
			e.Violations = append(e.Violations, fmt.Sprintf("stock of series %s exceeded by %g units", p.seriesName(s), -u.Left))
		}
		e.Stock = append(e.Stock, u)
	}
	e.Feasible = len(e.Violations) == 0
	return e
}
