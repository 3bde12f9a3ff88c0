// Package solver chooses which promotion to run in each series×period
// slot so that the total objective (net incremental margin, GMV, …) is as
// large as possible within a budget, per-group limits, a minimum margin rate
// and the stock of each series.
//
// # Using it
//
// The caller forecasts every option and hands the numbers over; this package
// only adds them up. Option 0 of every slot is "off": no promotion, no cost.
//
//	p := &solver.Problem{
//		Slots: []solver.Slot{
//			{Series: 7, Group: 2, Options: []solver.Option{
//				{Name: "off", Units: 100, Revenue: 1000, Margin: 300},
//				{Name: "20% off", Objective: 80, Cost: 150, Units: 190, Revenue: 1520, Margin: 380},
//			}},
//			// … one Slot per series×period
//		},
//		Budget:        5000,                                  // Σ Cost ≤ 5000 (math.Inf(1): none)
//		Groups:        []solver.GroupLimit{{Group: 2, MaxCost: 2000, MaxPromoted: 10}},
//		MinMarginRate: 0.2,                                   // Σ Margin ≥ 0.2·Σ Revenue (math.Inf(-1): none)
//		Stock:         map[int]float64{7: 350},               // Σ Units of series 7 ≤ 350
//	}
//	sol, err := solver.Solve(p, solver.Settings{})
//	// sol.Choice[i] is the option for slot i; sol.Objective its total;
//	// sol.Bound − sol.Objective the most any plan could add (0 when
//	// sol.Exact); sol.Eval the slack of every constraint.
//	off, err := solver.Evaluate(p, solver.AllOff(p)) // the no-promotion plan
//	mine, err := solver.Evaluate(p, userChoice)         // the user's own plan
//	// Gain over no promotion: sol.Objective − off.Objective;
//	// over the user's plan: sol.Objective − mine.Objective (if mine.Feasible).
//
// Mind the zero values: Budget 0 forbids all spending and MinMarginRate 0
// requires a non-negative total margin. Use math.Inf(1) and math.Inf(−1) to
// switch them off. Series without a Stock entry have unlimited stock; groups
// without a GroupLimit are unlimited.
//
// # The model
//
// Choose x_io ∈ {0,1} with Σ_o x_io = 1 for every slot i, to maximise
// Σ Objective_io·x_io subject to
//
//	Σ Cost·x                       ≤ Budget
//	Σ_{i∈g} Cost·x                 ≤ MaxCost_g         for each group limit
//	Σ_{i∈g} [o ≠ off]·x            ≤ MaxPromoted_g
//	Σ (MinMarginRate·Revenue − Margin)·x ≤ 0           (margin rate, as a linear constraint: exact)
//	Σ_{i∈s} Units·x                ≤ Stock_s           for each limited series
//
// Constraints hold to a relative tolerance of 1e-9.
//
// # How it is solved, and what is exact
//
// Solve always runs a Lagrangian heuristic. The budget, group and margin
// constraints are priced by multipliers λ ≥ 0; what remains splits by
// series: pick each slot's option to maximise its priced value, subject to
// the series' stock. The multipliers are found by projected subgradient
// steps with Polyak step lengths: for the first three quarters of the
// iterations the stock subproblems are solved as linear programs (a greedy
// on convex hulls, very fast), then, restarting from the best multipliers,
// exactly over integers by a small depth-first search per series. Every
// dual value is an upper bound on the optimum (weak duality); Bound is the
// lowest one seen. Plans from the dual are repaired (slots moved to
// cheaper options, least objective lost per unit of violation removed first,
// until feasible) and improved (objective-raising moves that stay feasible,
// best gain per priced resource first); the best feasible plan is kept.
//
// Problems with at most Settings.ExactMaxSlots slots (default 64) are then
// solved by branch and bound, which bounds each node by both the plain
// "best remaining option" sum and the Lagrangian with the heuristic's
// multipliers, and cuts branches that cannot meet some constraint. When it
// finishes within Settings.NodeLimit, the plan is proved optimal
// (Solution.Exact; Bound = Objective), or the problem is proved infeasible.
// A test checks it against brute-force enumeration on 2,000 random problems
// of up to 8 slots × 3 options with every kind of constraint binding.
//
// Larger problems get the heuristic's plan with the gap Bound − Objective.
// On 10,000 series × 4 periods × 6 options (40,000 slots, 20 groups with
// cost and count limits, a binding margin rate, stock binding for a third
// of the series) the gap is below 0.01% after about 4 s of CPU time (two
// workers). The gap is a proof: no plan beats Objective by more than it.
//
// # Determinism
//
// The same Problem and Settings give the same Solution, bit for bit, for any
// number of workers: ties go to the lower index, and parallel partial sums
// are added in a fixed order.
package solver
