package solver

import (
	"math"
	"math/rand/v2"
)

// genOptions makes a slot's options the way a planner's forecast would:
// off sells the baseline at the regular price; promotion j sells more at a
// discount, pays a fee, and its objective is its net incremental margin.
func genOptions(rng *rand.Rand, nopt int, base, price, unitCost float64) []Option {
	off := Option{Name: "off", Units: base, Revenue: base * price, Margin: base * (price - unitCost)}
	opts := []Option{off}
	for j := 1; j < nopt; j++ {
		d := 0.05 + 0.35*rng.Float64()
		units := base * (1 + (1+3*rng.Float64())*d*3)
		p := price * (1 - d)
		fee := 5 * rng.Float64() * base / 10
		margin := units * (p - unitCost)
		opts = append(opts, Option{
			Name:      "promo",
			Objective: margin - off.Margin - fee,
			Cost:      fee + units*price*d*0.5,
			Units:     units,
			Revenue:   units * p,
			Margin:    margin,
		})
	}
	return opts
}

// genSmall makes a random problem with up to maxSlots slots and up to
// maxOpt options each, with every kind of constraint usually active.
func genSmall(rng *rand.Rand, maxSlots, maxOpt int) *Problem {
	n := 1 + rng.IntN(maxSlots)
	nSeries, nGroups := 1+rng.IntN(3), 1+rng.IntN(3)
	p := &Problem{Stock: map[int]float64{}}
	price, cost := make([]float64, nSeries), make([]float64, nSeries)
	for s := range price {
		price[s] = 5 + 15*rng.Float64()
		cost[s] = price[s] * (0.4 + 0.3*rng.Float64())
	}
	offUnits := make([]float64, nSeries)
	var maxCost float64
	groupCost := make([]float64, nGroups)
	groupSlots := make([]int, nGroups)
	for i := 0; i < n; i++ {
		s, g := rng.IntN(nSeries), rng.IntN(nGroups)
		opts := genOptions(rng, 1+rng.IntN(maxOpt), 1+9*rng.Float64(), price[s], cost[s])
		p.Slots = append(p.Slots, Slot{Series: s, Group: g, Options: opts})
		offUnits[s] += opts[0].Units
		mc := 0.0
		for _, o := range opts {
			mc = math.Max(mc, o.Cost)
		}
		maxCost += mc
		groupCost[g] += mc
		groupSlots[g]++
	}
	p.Budget = maxCost * (0.2 + 0.6*rng.Float64())
	if rng.IntN(6) == 0 {
		p.Budget = math.Inf(1)
	}
	for g := 0; g < nGroups; g++ {
		gl := GroupLimit{Group: g, MaxCost: math.Inf(1), MaxPromoted: NoLimit}
		if rng.IntN(3) > 0 {
			gl.MaxCost = groupCost[g] * (0.2 + 0.8*rng.Float64())
		}
		if rng.IntN(3) > 0 {
			gl.MaxPromoted = rng.IntN(groupSlots[g]/2 + 1)
		}
		p.Groups = append(p.Groups, gl)
	}
	var rev, mar float64
	for _, s := range p.Slots {
		rev += s.Options[0].Revenue
		mar += s.Options[0].Margin
	}
	p.MinMarginRate = mar/rev - 0.15*rng.Float64() + 0.01
	if rng.IntN(6) == 0 {
		p.MinMarginRate = math.Inf(-1)
	}
	for s := 0; s < nSeries; s++ {
		if rng.IntN(4) > 0 {
			p.Stock[s] = offUnits[s] * (0.95 + 0.8*rng.Float64())
		}
	}
	return p
}

// genLarge makes a planner-sized problem: series × periods slots with opts
// options each, in 20 categories, with a budget, per-category cost and count
// caps, a minimum margin rate and stock that binds for many series.
func genLarge(seed uint64, series, periods, opts int) *Problem {
	rng := rand.New(rand.NewPCG(seed, 1))
	const groups = 20
	p := &Problem{Stock: map[int]float64{}}
	var totalCost float64
	groupCost := make([]float64, groups)
	groupSlots := make([]int, groups)
	var rev, mar float64
	for s := 0; s < series; s++ {
		g := rng.IntN(groups)
		price := 5 + 45*rng.Float64()
		unitCost := price * (0.4 + 0.3*rng.Float64())
		base := 5 + 95*rng.Float64()
		var offUnits float64
		for t := 0; t < periods; t++ {
			o := genOptions(rng, opts, base*(0.8+0.4*rng.Float64()), price, unitCost)
			p.Slots = append(p.Slots, Slot{Series: s, Group: g, Options: o})
			offUnits += o[0].Units
			mc := 0.0
			for _, x := range o {
				mc = math.Max(mc, x.Cost)
			}
			totalCost += mc
			groupCost[g] += mc
			groupSlots[g]++
			rev += o[0].Revenue
			mar += o[0].Margin
		}
		if rng.IntN(3) > 0 {
			p.Stock[s] = offUnits * (1.1 + 0.9*rng.Float64())
		}
	}
	p.Budget = 0.25 * totalCost
	for g := 0; g < groups; g++ {
		p.Groups = append(p.Groups, GroupLimit{Group: g, MaxCost: 0.35 * groupCost[g], MaxPromoted: groupSlots[g] / 2})
	}
	p.MinMarginRate = mar/rev - 0.04
	return p
}
