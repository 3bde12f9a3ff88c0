package solver

import (
	"fmt"
	"math"
	"slices"
)

// Option is one way to run a slot: no promotion (a slot's first option) or
// one promotion. The caller computes every number from a forecast; this
// package only adds them up.
type Option struct {
	// Name labels the option in reports ("off", "20% off + feature").
	Name string
	// Objective is what the plan maximises, summed over slots: net
	// incremental margin, GMV, or anything additive. Any finite value.
	Objective float64
	// Cost is the promotion spend, ≥ 0. It counts against Problem.Budget
	// and GroupLimit.MaxCost. The off option's Cost must be 0.
	Cost float64
	// Units is the stock the option consumes (units sold, baseline
	// included), ≥ 0. It counts against Problem.Stock of the slot's series.
	Units float64
	// Revenue (≥ 0) and Margin (any sign) enter the margin-rate constraint
	// Σ Margin ≥ MinMarginRate·Σ Revenue. Give totals, baseline included,
	// so that the rate is the plan's real margin rate.
	Revenue, Margin float64
}

// Slot is one series×period decision: exactly one of Options is chosen.
// Options[0] is "off" (no promotion) and must have Cost 0; a slot with a
// chosen option other than 0 counts as promoted.
type Slot struct {
	// Series identifies the product; slots of a series share its stock.
	Series int
	// Group identifies the slot's category (or any grouping) for
	// GroupLimits; groups without a limit are unconstrained.
	Group int
	// Options are the allowed choices, off first. At least one.
	Options []Option
}

// NoLimit as GroupLimit.MaxPromoted means the group has no limit on the
// number of promoted slots.
const NoLimit = -1

// GroupLimit caps the promotions of one group.
type GroupLimit struct {
	// Group is the Slot.Group this limit applies to.
	Group int
	// MaxCost caps Σ Cost over the group's slots; math.Inf(1) for no cap.
	MaxCost float64
	// MaxPromoted caps the number of the group's slots with an option other
	// than off; NoLimit (or any negative value) for no cap.
	MaxPromoted int
}

// Problem is a promotion plan to optimise: choose one option per slot to
// maximise Σ Objective subject to every constraint. Note that the zero values
// of Budget and MinMarginRate are real constraints (no spend; non-negative
// total margin): set math.Inf(1) and math.Inf(−1) to switch them off.
type Problem struct {
	// Slots are the decisions, in any order; Solution.Choice follows it.
	Slots []Slot
	// Budget caps Σ Cost over all slots, ≥ 0; math.Inf(1) for no budget.
	Budget float64
	// Groups are per-group limits, at most one per group.
	Groups []GroupLimit
	// MinMarginRate requires Σ Margin ≥ MinMarginRate·Σ Revenue over the
	// plan (a margin rate of at least MinMarginRate when revenue is
	// positive); math.Inf(−1) for no such constraint.
	MinMarginRate float64
	// Stock caps Σ Units over each series' slots, ≥ 0 or math.Inf(1).
	// Series missing from the map have unlimited stock.
	Stock map[int]float64
	// GroupNames[g] and SeriesNames[s], when given, name group g and
	// series s in violations, which otherwise give their numbers.
	GroupNames  []string
	SeriesNames map[int]string
}

// groupName is group g as violations name it.
func (p *Problem) groupName(g int) string {
	if g >= 0 && g < len(p.GroupNames) {
		return p.GroupNames[g]
	}
	return fmt.Sprint(g)
}

// seriesName is series s as violations name it.
func (p *Problem) seriesName(s int) string {
	if n, ok := p.SeriesNames[s]; ok {
		return n
	}
	return fmt.Sprint(s)
}

// InputError reports an invalid Problem or choice. Slot and Option are −1
// when the error is not about one slot or option.
type InputError struct {
	Slot, Option int
	Field        string
	Msg          string
}

func (e *InputError) Error() string {
	switch {
	case e.Option >= 0:
		return fmt.Sprintf("optimize: slot %d option %d: %s %s", e.Slot, e.Option, e.Field, e.Msg)
	case e.Slot >= 0:
		return fmt.Sprintf("optimize: slot %d: %s %s", e.Slot, e.Field, e.Msg)
	}
	return fmt.Sprintf("optimize: %s %s", e.Field, e.Msg)
}

// compiled is a validated Problem in flat arrays. Constraints are rows
// "load ≤ rhs": the global rows (budget, group cost, group count, margin)
// are few and numbered 0..nrow−1; stock rows are one per limited series,
// in increasing series order.
type compiled struct {
	n     int
	start []int // options of slot i are start[i] ≤ o < start[i+1]; start[i] is off

	obj, cost, units, mrg []float64 // per option; mrg = MinMarginRate·Revenue − Margin

	budgetRow, marginRow int   // −1 when inactive
	gcRow, gnRow         []int // per slot: group cost / count row, −1 when none
	stRow                []int // per slot: stock row, −1 when unlimited

	rhs, tol, scale []float64 // per global row
	rowName         []string

	stRhs, stTol []float64 // per stock row
	stSeries     []int     // series of each stock row
	stSlots      [][]int   // slots of each stock row, increasing
	freeSlots    []int     // slots with unlimited stock, increasing

	byUnits []int // per option, the slot's options ordered by units then index (global indices)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func compile(p *Problem) (*compiled, error) {
	if math.IsNaN(p.Budget) || p.Budget < 0 || math.IsInf(p.Budget, -1) {
		return nil, &InputError{-1, -1, "Budget", fmt.Sprintf("= %g, must be ≥ 0 (math.Inf(1) for none)", p.Budget)}
	}
	if math.IsNaN(p.MinMarginRate) || math.IsInf(p.MinMarginRate, 1) {
		return nil, &InputError{-1, -1, "MinMarginRate", fmt.Sprintf("= %g, must be finite (math.Inf(-1) for none)", p.MinMarginRate)}
	}
	c := &compiled{n: len(p.Slots), budgetRow: -1, marginRow: -1}
	c.start = make([]int, c.n+1)
	for i, s := range p.Slots {
		if len(s.Options) == 0 {
			return nil, &InputError{i, -1, "Options", "is empty: every slot needs at least its off option"}
		}
		c.start[i+1] = c.start[i] + len(s.Options)
	}
	m := c.start[c.n]
	c.obj, c.cost, c.units, c.mrg = make([]float64, m), make([]float64, m), make([]float64, m), make([]float64, m)
	marginOn := !math.IsInf(p.MinMarginRate, -1)
	for i, s := range p.Slots {
		for j, o := range s.Options {
			k := c.start[i] + j
			for _, f := range []struct {
				name   string
				v      float64
				nonNeg bool
			}{{"Objective", o.Objective, false}, {"Cost", o.Cost, true}, {"Units", o.Units, true}, {"Revenue", o.Revenue, true}, {"Margin", o.Margin, false}} {
				if !finite(f.v) || (f.nonNeg && f.v < 0) {
					want := "finite"
					if f.nonNeg {
						want = "finite and ≥ 0"
					}
					return nil, &InputError{i, j, f.name, fmt.Sprintf("= %g, must be %s", f.v, want)}
				}
			}
			if j == 0 && o.Cost != 0 {
				return nil, &InputError{i, 0, "Cost", fmt.Sprintf("= %g: option 0 is off (no promotion) and must cost 0", o.Cost)}
			}
			c.obj[k], c.cost[k], c.units[k] = o.Objective, o.Cost, o.Units
			if marginOn {
				c.mrg[k] = p.MinMarginRate*o.Revenue - o.Margin
				if !finite(c.mrg[k]) {
					return nil, &InputError{i, j, "Revenue", "overflows MinMarginRate·Revenue − Margin"}
				}
			}
		}
	}

	// Global rows.
	addRow := func(name string, rhs float64) int {
		c.rhs = append(c.rhs, rhs)
		c.rowName = append(c.rowName, name)
		return len(c.rhs) - 1
	}
	if !math.IsInf(p.Budget, 1) {
		c.budgetRow = addRow("budget", p.Budget)
	}
	c.gcRow, c.gnRow = make([]int, c.n), make([]int, c.n)
	for i := range c.gcRow {
		c.gcRow[i], c.gnRow[i] = -1, -1
	}
	seen := map[int]bool{}
	for gi, g := range p.Groups {
		if seen[g.Group] {
			return nil, &InputError{-1, -1, fmt.Sprintf("Groups[%d]", gi), fmt.Sprintf("repeats group %d", g.Group)}
		}
		seen[g.Group] = true
		if math.IsNaN(g.MaxCost) || g.MaxCost < 0 {
			return nil, &InputError{-1, -1, fmt.Sprintf("Groups[%d].MaxCost", gi), fmt.Sprintf("= %g, must be ≥ 0 (math.Inf(1) for none)", g.MaxCost)}
		}
		gc, gn := -1, -1
		if !math.IsInf(g.MaxCost, 1) {
			gc = addRow(fmt.Sprintf("group %s cost", p.groupName(g.Group)), g.MaxCost)
		}
		if g.MaxPromoted >= 0 {
			gn = addRow(fmt.Sprintf("group %s promoted", p.groupName(g.Group)), float64(g.MaxPromoted))
		}
		for i, s := range p.Slots {
			if s.Group == g.Group {
				c.gcRow[i], c.gnRow[i] = gc, gn
			}
		}
	}
	if marginOn {
		c.marginRow = addRow("margin rate", 0)
	}

	// Stock rows, in increasing series order.
	series := make([]int, 0, len(p.Stock))
	for s, v := range p.Stock {
		if math.IsNaN(v) || v < 0 {
			return nil, &InputError{-1, -1, fmt.Sprintf("Stock[%d]", s), fmt.Sprintf("= %g, must be ≥ 0 (math.Inf(1) or absent for none)", v)}
		}
		if !math.IsInf(v, 1) {
			series = append(series, s)
		}
	}
	slices.Sort(series)
	rowOf := make(map[int]int, len(series))
	for r, s := range series {
		rowOf[s] = r
		c.stRhs = append(c.stRhs, p.Stock[s])
	}
	c.stSeries = series
	c.stSlots = make([][]int, len(series))
	c.stRow = make([]int, c.n)
	for i, s := range p.Slots {
		r, ok := rowOf[s.Series]
		if !ok {
			c.stRow[i] = -1
			c.freeSlots = append(c.freeSlots, i)
			continue
		}
		c.stRow[i] = r
		c.stSlots[r] = append(c.stSlots[r], i)
	}

	c.tolerances()
	c.byUnits = make([]int, m)
	for i := 0; i < c.n; i++ {
		ord := c.byUnits[c.start[i]:c.start[i+1]]
		for j := range ord {
			ord[j] = c.start[i] + j
		}
		slices.SortStableFunc(ord, func(a, b int) int {
			switch {
			case c.units[a] < c.units[b]:
				return -1
			case c.units[a] > c.units[b]:
				return 1
			}
			return a - b
		})
	}
	return c, nil
}

// tolerances sets each row's feasibility tolerance (1e-9 of its scale, so
// that sums in a different order agree) and its scale (mean spread of a
// slot's coefficient), used to balance the multipliers.
func (c *compiled) tolerances() {
	nr := len(c.rhs)
	absSum, spread, count := make([]float64, nr), make([]float64, nr), make([]float64, nr)
	stAbs := make([]float64, len(c.stRhs))
	for i := 0; i < c.n; i++ {
		for _, r := range c.rowsOf(i) {
			if r < 0 {
				continue
			}
			lo, hi := math.Inf(1), math.Inf(-1)
			for o := c.start[i]; o < c.start[i+1]; o++ {
				a := c.coef(i, o, r)
				lo, hi = math.Min(lo, a), math.Max(hi, a)
			}
			absSum[r] += math.Max(math.Abs(lo), math.Abs(hi))
			spread[r] += hi - lo
			count[r]++
		}
		if r := c.stRow[i]; r >= 0 {
			mx := 0.0
			for o := c.start[i]; o < c.start[i+1]; o++ {
				mx = math.Max(mx, c.units[o])
			}
			stAbs[r] += mx
		}
	}
	c.tol, c.scale = make([]float64, nr), make([]float64, nr)
	for r := range c.rhs {
		c.tol[r] = 1e-9 * (1 + math.Abs(c.rhs[r]) + absSum[r])
		c.scale[r] = 1
		if count[r] > 0 && spread[r] > 0 {
			c.scale[r] = spread[r] / count[r]
		}
	}
	c.stTol = make([]float64, len(c.stRhs))
	for r := range c.stRhs {
		c.stTol[r] = 1e-9 * (1 + c.stRhs[r] + stAbs[r])
	}
}

// rowsOf returns the global rows slot i touches (−1 entries are absent):
// budget, group cost, group count, margin.
func (c *compiled) rowsOf(i int) [4]int {
	return [4]int{c.budgetRow, c.gcRow[i], c.gnRow[i], c.marginRow}
}

// coef is option o's (of slot i) coefficient in global row r, where r is
// one of rowsOf(i).
func (c *compiled) coef(i, o, r int) float64 {
	switch r {
	case c.marginRow:
		return c.mrg[o]
	case c.gnRow[i]:
		if o == c.start[i] {
			return 0
		}
		return 1
	}
	return c.cost[o]
}
