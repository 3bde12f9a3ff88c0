package uplift

import (
	"fmt"
	"math"
)

// PolicyValue is what a policy does on a set of customers: what the
// model expects of it and, when the customers' arms and outcomes are
// known (held-out campaign data), what inverse propensity weighting
// estimates it did.
type PolicyValue struct {
	// Name says which policy, e.g. "policy" or "treat everyone: Mens E-Mail".
	Name string `json:"name"`
	// Count is the number of customers given each arm, the control ("no
	// treatment") first.
	Count []int `json:"count"`
	// Cost is the total cost of the treatments given.
	Cost float64 `json:"cost"`
	// Predicted is the model's expected incremental outcome: the sum of
	// the given treatments' predicted uplifts.
	Predicted float64 `json:"predicted"`
	// Incremental is the IPW estimate of the total incremental outcome
	// against treating no one, with its 95% interval (Lo, Hi); NaN
	// without outcomes.
	Incremental   float64 `json:"incremental"`
	IncrementalLo float64 `json:"incremental_lo"`
	IncrementalHi float64 `json:"incremental_hi"`
	// Net is Value·Incremental − Cost, with its 95% interval.
	Net   float64 `json:"net"`
	NetLo float64 `json:"net_lo"`
	NetHi float64 `json:"net_hi"`
}

// ValuePolicy values the assignment arm (0 = no treatment) on customers
// with known arms t and outcomes y, whose propensities prop[a][i] come
// from Model.Propensities. Customer i contributes
//
//	ψi = yi·([ti = πi]/e_πi − [ti = 0]/e_0)
//
// (0 when πi is no treatment); ΣΨ estimates the total incremental outcome
// of the policy against treating no one and √n·sd(ψ) its standard error.
// Propensities are clipped to [clip, 1−clip]. y and t may be nil (no
// labels): only the counts, cost and Predicted (from tau) are filled.
func ValuePolicy(name string, arm []int, tau [][]float64, y []float64, t []int, prop [][]float64, value float64, costs []float64, clip float64) (PolicyValue, error) {
	v := PolicyValue{Name: name, Count: make([]int, len(costs))}
	for i, k := range arm {
		if k < 0 || k >= len(costs) {
			return v, fmt.Errorf("uplift: customer %d is assigned arm %d of %d", i+1, k, len(costs))
		}
		v.Count[k]++
		if k > 0 {
			v.Cost += costs[k]
			v.Predicted += tau[k-1][i]
		}
	}
	nan := math.NaN()
	v.Incremental, v.IncrementalLo, v.IncrementalHi, v.Net, v.NetLo, v.NetHi = nan, nan, nan, nan, nan, nan
	if y == nil {
		return v, nil
	}
	if len(y) != len(arm) || len(t) != len(arm) || len(prop) != len(costs) {
		return v, fmt.Errorf("uplift: %d assignments, %d outcomes, %d arms and %d propensity columns for %d arms", len(arm), len(y), len(t), len(prop), len(costs))
	}
	n := float64(len(arm))
	psi := make([]float64, len(arm))
	for i, k := range arm {
		if k == 0 {
			continue
		}
		if t[i] == k {
			psi[i] += y[i] / clamp(prop[k][i], clip)
		}
		if t[i] == 0 {
			psi[i] -= y[i] / clamp(prop[0][i], clip)
		}
	}
	mean, sd := meanSD(psi)
	se := math.Sqrt(n) * sd
	v.Incremental = mean * n
	v.IncrementalLo, v.IncrementalHi = v.Incremental-1.96*se, v.Incremental+1.96*se
	v.Net = value*v.Incremental - v.Cost
	v.NetLo, v.NetHi = value*v.IncrementalLo-v.Cost, value*v.IncrementalHi-v.Cost
	return v, nil
}

// Compare chooses the policy of cfg for the customers of d and values it
// beside its single-treatment versions (when there are several
// treatments), treating everyone with each treatment, and treating no
// one. With labelled data (d.T and d.Y set) each is valued by inverse
// propensity weighting; d must then be data the model was not fitted on.
func (m *Model) Compare(d *Data, cfg PolicyConfig) ([]PolicyValue, *Policy, error) {
	tau, err := m.Uplift(d.X)
	if err != nil {
		return nil, nil, err
	}
	policy, err := Choose(tau, m.Arms, cfg)
	if err != nil {
		return nil, nil, err
	}
	prop, err := m.Propensities(d.X)
	if err != nil {
		return nil, nil, err
	}
	value := cfg.Value
	if value == 0 {
		value = 1
	}
	costs := costVector(m.Arms, cfg.Costs)
	type named struct {
		name string
		arm  []int
	}
	list := []named{{"policy", policy.Arm}}
	if len(m.Arms) > 2 {
		for k := 1; k < len(m.Arms); k++ {
			c := cfg
			c.Allow = []string{m.Arms[k]}
			p, err := Choose(tau, m.Arms, c)
			if err != nil {
				return nil, nil, err
			}
			list = append(list, named{"policy with " + m.Arms[k] + " only", p.Arm})
		}
	}
	for k := 1; k < len(m.Arms); k++ {
		all := make([]int, d.Rows())
		for i := range all {
			all[i] = k
		}
		list = append(list, named{"treat everyone: " + m.Arms[k], all})
	}
	list = append(list, named{"treat no one", make([]int, d.Rows())})
	y, t := d.Y, d.T
	if len(y) == 0 || len(t) == 0 {
		y, t = nil, nil
	}
	var out []PolicyValue
	for _, l := range list {
		v, err := ValuePolicy(l.name, l.arm, tau, y, t, prop, value, costs, m.Clip)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, v)
	}
	return out, policy, nil
}
