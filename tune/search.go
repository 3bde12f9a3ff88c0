package tune

import (
	"context"
	"fmt"
	"math"
	"time"
)

// Objective scores one configuration; lower is better (a backtest WAPE, a
// cross-validated loss). budget ∈ (0, 1] is the share of the full
// resources to spend — boosting rounds, training rows, folds — which
// successive halving lowers for its early rungs; random search always
// passes 1. An error or a NaN score marks the trial failed and the search
// goes on; the context is the search's, for objectives that can stop
// early.
type Objective func(ctx context.Context, p Params, budget float64) (float64, error)

// Options configure Random and Halving. The zero value runs 20
// configurations with seed 0 and no time limit.
type Options struct {
	// Trials is the number of configurations drawn (for Halving, the
	// number in its first rung); 0 means 20.
	Trials int
	// Time, when positive, stops the search from starting new trials once
	// it has run this long; the trials run so far are returned. With a
	// time limit the number of trials depends on the machine, but the
	// configurations and their order do not.
	Time time.Duration
	// Seed chooses the configurations: the same seed and space give the
	// same configurations in the same order.
	Seed uint64
	// Progress, when set, is called after every trial with it and the
	// best trial so far (see Results.Best).
	Progress func(done, best Trial)
}

func (o Options) validate() (Options, error) {
	if o.Trials == 0 {
		o.Trials = 20
	}
	if o.Trials < 0 {
		return o, fmt.Errorf("search: %d trials, expected at least 1", o.Trials)
	}
	if o.Time < 0 {
		return o, fmt.Errorf("search: time budget %v is negative", o.Time)
	}
	return o, nil
}

// Trial is one evaluation of one configuration at one budget.
type Trial struct {
	// ID numbers trials from 1 in the order they ran.
	ID int
	// Config numbers configurations from 1 in the order they were drawn;
	// Halving evaluates a configuration once per rung it reaches.
	Config int
	// Rung is the successive-halving rung, from 0; 0 for random search.
	Rung int
	// Params is the configuration.
	Params Params
	// Budget is the share of resources the objective was given.
	Budget float64
	// Score is the objective's value; +Inf when the trial failed.
	Score float64
	// Seconds is the trial's wall time.
	Seconds float64
	// Err is the objective's error message; empty on success.
	Err string
}

// Results are the trials of a search, in the order they ran.
type Results struct {
	Trials []Trial
	// Spent is the sum of the trials' budgets: the cost of the search in
	// full evaluations.
	Spent float64
	// Space is the searched space, for reports.
	Space Space
}

// Best returns the successful trial with the lowest score among those at
// the highest budget any successful trial reached (a low-budget score is
// not comparable to a full one); the earliest wins ties. ok is false when
// no trial succeeded.
func (r *Results) Best() (best Trial, ok bool) {
	for _, t := range r.Trials {
		switch {
		case t.Err != "":
		case !ok, t.Budget > best.Budget, t.Budget == best.Budget && t.Score < best.Score:
			best, ok = t, true
		}
	}
	return best, ok
}

// runner evaluates trials and keeps the books.
type runner struct {
	ctx   context.Context
	obj   Objective
	opt   Options
	start time.Time
	res   *Results
	fails int
	first string
}

// expired reports whether the time budget is used up or the context done.
func (r *runner) expired() bool {
	if r.ctx.Err() != nil {
		return true
	}
	return r.opt.Time > 0 && time.Since(r.start) >= r.opt.Time
}

// run evaluates one configuration at one budget and records it.
func (r *runner) run(config, rung int, p Params, budget float64) Trial {
	t0 := time.Now()
	score, err := r.obj(r.ctx, p, budget)
	t := Trial{ID: len(r.res.Trials) + 1, Config: config, Rung: rung, Params: p, Budget: budget,
		Score: score, Seconds: time.Since(t0).Seconds()}
	if err == nil && math.IsNaN(score) {
		err = fmt.Errorf("score is NaN")
	}
	if err != nil {
		t.Score, t.Err = math.Inf(1), err.Error()
		r.fails++
		if r.first == "" {
			r.first = fmt.Sprintf("trial %d: %v", t.ID, err)
		}
	}
	r.res.Trials = append(r.res.Trials, t)
	r.res.Spent += budget
	if r.opt.Progress != nil {
		best, _ := r.res.Best()
		r.opt.Progress(t, best)
	}
	return t
}

// finish returns the results with an error when the context ended the
// search or no trial succeeded.
func (r *runner) finish() (*Results, error) {
	if err := r.ctx.Err(); err != nil {
		return r.res, fmt.Errorf("search stopped after %d trials: %w", len(r.res.Trials), err)
	}
	if len(r.res.Trials) > 0 && r.fails == len(r.res.Trials) {
		return r.res, fmt.Errorf("search: every trial failed; first: %s", r.first)
	}
	return r.res, nil
}

func newRunner(ctx context.Context, space Space, obj Objective, opt Options) (*runner, Options, error) {
	if err := space.Check(); err != nil {
		return nil, opt, err
	}
	if obj == nil {
		return nil, opt, fmt.Errorf("search: no objective")
	}
	opt, err := opt.validate()
	if err != nil {
		return nil, opt, err
	}
	return &runner{ctx: ctx, obj: obj, opt: opt, start: time.Now(), res: &Results{Space: space}}, opt, nil
}

// Random evaluates opt.Trials configurations drawn from space at full
// budget, one after another, and returns every trial. It stops early when
// opt.Time runs out (no error) or ctx ends (with the results so far and an
// error). It returns an error, with the results, when every trial failed.
func Random(ctx context.Context, space Space, obj Objective, opt Options) (*Results, error) {
	r, opt, err := newRunner(ctx, space, obj, opt)
	if err != nil {
		return nil, err
	}
	g := newRNG(opt.Seed)
	for c := 1; c <= opt.Trials && !r.expired(); c++ {
		r.run(c, 0, space.sample(g), 1)
	}
	return r.finish()
}
