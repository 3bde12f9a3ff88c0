package tune

import (
	"context"
	"fmt"
	"math"
	"sort"
)

// HalvingOptions configure Halving. The zero value keeps the best third
// at every rung and starts at the budget that brings one configuration to
// the full budget.
type HalvingOptions struct {
	Options
	// Eta is the reduction factor: each rung keeps the best ⌈n/Eta⌉
	// configurations and gives them Eta times the budget; 0 means 3.
	Eta int
	// MinBudget is the first rung's budget in (0, 1]; 0 means Eta^−(R−1)
	// with R = 1 + ⌊log_Eta Trials⌋ rungs, so that about one configuration
	// reaches budget 1.
	MinBudget float64
}

// Halving runs successive halving (Jamieson and Talwalkar 2016): it draws
// opt.Trials configurations as Random does (the same seed draws the same
// ones), evaluates them all at MinBudget, keeps the best ⌈n/Eta⌉,
// evaluates those at Eta times the budget, and so on until the survivors
// have been evaluated at budget 1. With n = Eta^k configurations it spends
// k+1 full evaluations where random search spends n. Failed trials never
// survive a rung; ties keep the earlier configuration. Time and ctx stop
// it as they stop Random; Best then reports the highest rung reached.
func Halving(ctx context.Context, space Space, obj Objective, opt HalvingOptions) (*Results, error) {
	r, o, err := newRunner(ctx, space, obj, opt.Options)
	if err != nil {
		return nil, err
	}
	eta := opt.Eta
	if eta == 0 {
		eta = 3
	}
	if eta < 2 {
		return nil, fmt.Errorf("search: halving factor eta is %d, expected at least 2", eta)
	}
	minBudget := opt.MinBudget
	if minBudget == 0 {
		rungs := 1
		for k := eta; k <= o.Trials; k *= eta {
			rungs++
		}
		minBudget = math.Pow(float64(eta), -float64(rungs-1))
	}
	if !(minBudget > 0 && minBudget <= 1) {
		return nil, fmt.Errorf("search: halving minimum budget %v, expected a number in (0, 1]", minBudget)
	}
	g := newRNG(o.Seed)
	type config struct {
		id     int
		params Params
		score  float64
	}
	live := make([]config, o.Trials)
	for i := range live {
		live[i] = config{id: i + 1, params: space.sample(g)}
	}
	for rung := 0; len(live) > 0; rung++ {
		budget := minBudget * math.Pow(float64(eta), float64(rung))
		if budget > 1-1e-9 {
			budget = 1
		}
		var done []config
		for _, c := range live {
			if r.expired() {
				return r.finish()
			}
			t := r.run(c.id, rung, c.params, budget)
			if t.Err == "" {
				c.score = t.Score
				done = append(done, c)
			}
		}
		if budget == 1 {
			break
		}
		sort.SliceStable(done, func(a, b int) bool { return done[a].score < done[b].score })
		live = done[:min(len(done), (len(live)+eta-1)/eta)]
	}
	return r.finish()
}
