package effect

import (
	"fmt"
	"math"
	"sort"

	"promocast/data"
	"promocast/forecast"
	"promocast/spec"
)

// Discounts are the price-lever depths Probe sweeps.
var Discounts = []float64{0, 0.1, 0.2, 0.3}

// Probed is what the model says about one lever over all series.
type Probed struct {
	Lever string
	// Price levers: per-series elasticities (NaN dropped), their median
	// and the share that is negative.
	Elasticities  []float64
	Median        float64
	NegativeShare float64
	// Other levers: units with the lever at On over units with it at Off
	// (point forecasts: forecast.Point.PointUnits),
	// summed over series, minus one; and the median per-series lift. On is
	// the largest value the lever had in training (1 for a 0/1 flag), Off
	// the spec's off value: the lifts are of a step of On − Off.
	Lift, MedianLift float64
	On, Off          float64
	Series           int
	// Beyond counts the series for which the probe left what they (and
	// their group) had in training: a sweep deeper than their deepest
	// discount, a flag they never had on. Their effects are the model's
	// extrapolation. Warning is the first such series' warning.
	Beyond  int
	Warning string
}

// Probe asks the model how each lever moves units, one series at a time,
// at the first period after the history that the model forecasts.
func Probe(sc *forecast.Scorer) ([]Probed, error) {
	m := sc.Model()
	levers, err := m.Spec.Levers()
	if err != nil {
		return nil, err
	}
	base, err := probePlan(sc)
	if err != nil {
		return nil, err
	}
	var out []Probed
	for _, lv := range levers {
		switch {
		case lv.IsPrice():
			pts, err := sc.WhatIf(base, forecast.Sweep{Lever: lv.Name, Values: Discounts})
			if err != nil {
				return nil, err
			}
			curves := forecast.Curves(pts, true)
			pr := Probed{Lever: lv.Name, Series: len(curves)}
			pr.beyond(pts)
			neg := 0
			for _, c := range curves {
				e := c.Elasticity
				if math.IsNaN(e) {
					continue
				}
				pr.Elasticities = append(pr.Elasticities, e)
				if e < 0 {
					neg++
				}
			}
			if n := len(pr.Elasticities); n > 0 {
				pr.Median = median(pr.Elasticities)
				pr.NegativeShare = float64(neg) / float64(n)
			}
			out = append(out, pr)
		case lv.Kind == spec.OffNumber:
			on := lv.Number + 1
			if r := m.Ranges; r != nil {
				if mm, ok := r.Levers[lv.Name]; ok && mm[1] != lv.Number {
					on = mm[1]
				}
			}
			pts, err := sc.WhatIf(base, forecast.Sweep{Lever: lv.Name, Values: []float64{lv.Number, on}})
			if err != nil {
				return nil, err
			}
			var sumOn, sumOff float64
			var lifts []float64
			half := len(pts) / 2
			for i := 0; i < half; i++ {
				sumOff += pts[i].PointUnits
				sumOn += pts[half+i].PointUnits
				if pts[i].PointUnits > 0 {
					lifts = append(lifts, pts[half+i].PointUnits/pts[i].PointUnits-1)
				}
			}
			pr := Probed{Lever: lv.Name, Series: half, Lift: sumOn/sumOff - 1, MedianLift: math.NaN(), On: on, Off: lv.Number}
			pr.beyond(pts)
			if len(lifts) > 0 {
				pr.MedianLift = median(lifts)
			}
			out = append(out, pr)
		}
	}
	return out, nil
}

// beyond sets Beyond and Warning from the probe's points.
func (pr *Probed) beyond(pts []forecast.Point) {
	warned := map[string]bool{}
	for _, p := range pts {
		if p.Warning != "" && !warned[p.Series] {
			if len(warned) == 0 {
				pr.Warning = p.Series + ": " + p.Warning
			}
			warned[p.Series] = true
		}
	}
	pr.Beyond = len(warned)
}

// probePlan is one row per series at the model's first forecast period,
// with each known covariate at its last value in the history (empty where
// a covariate that is no lever, price or cost never had one) and every
// lever off.
func probePlan(sc *forecast.Scorer) (*data.Frame, error) {
	m, p := sc.Model(), sc.Panel()
	levers, err := m.Spec.Levers()
	if err != nil {
		return nil, err
	}
	period := p.Grid.Label(p.Last + m.Gap + 1)
	cols := make([]*data.Column, 0, len(m.Spec.Keys)+1+len(m.Spec.Known))
	for _, k := range m.Spec.Keys {
		cols = append(cols, &data.Column{Name: k, Kind: data.String})
	}
	tcol := &data.Column{Name: m.Spec.Time.Column, Kind: data.String}
	cols = append(cols, tcol)
	known := make([]*data.Column, len(m.Spec.Known))
	for k, name := range m.Spec.Known {
		known[k] = &data.Column{Name: name, Kind: data.Number}
		cols = append(cols, known[k])
	}
	offOf := map[string]spec.LeverRule{}
	// A plan must give the levers, their off columns, the price and the
	// costs; another covariate a series never had stays empty, as a plan
	// may leave it (a rival's price where the store never carried it).
	required := m.Spec.PlanColumns()
	for _, lv := range levers {
		offOf[lv.Name] = lv
	}
	idx := map[string]int{}
	for k, name := range m.Spec.Known {
		idx[name] = k
	}
	for _, s := range p.Series {
		last := make([]float64, len(s.Known))
		complete := true
		for k, name := range m.Spec.Known {
			last[k] = math.NaN()
			for i := len(s.Known[k]) - 1; i >= 0; i-- {
				if v := s.Known[k][i]; !math.IsNaN(v) {
					last[k] = v
					break
				}
			}
			complete = complete && (!math.IsNaN(last[k]) || !required[name])
		}
		if !complete {
			continue
		}
		for k, name := range m.Spec.Known {
			if lv, ok := offOf[name]; ok {
				switch lv.Kind {
				case spec.OffNumber:
					last[k] = lv.Number
				case spec.OffColumn:
					last[k] = last[idx[lv.Column]]
				}
			}
		}
		for i, key := range s.Key {
			cols[i].Str = append(cols[i].Str, key)
		}
		tcol.Str = append(tcol.Str, period)
		for k := range known {
			known[k].Num = append(known[k].Num, last[k])
		}
	}
	if len(tcol.Str) == 0 {
		return nil, fmt.Errorf("no series has every lever, price and cost in its history")
	}
	return data.NewFrame("probe plan", cols)
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
