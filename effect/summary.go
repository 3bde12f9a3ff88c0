package effect

import (
	"math"
	"sort"

	"promocast/data"
	"promocast/forecast"
)

// Summary is one lever column of an effect model over the panel.
type Summary struct {
	Column forecast.EffectColumn
	// Panel is the panel's effect with its 95% interval, as Read gives it:
	// an elasticity for a price lever, a lift of one step otherwise, in
	// units at a series' level.
	Panel, Low, High float64
	// Median, P10 and P90 summarise the series' effects, read the same way.
	Median, P10, P90 float64
	// Series counts the series with an effect; Promoted those whose history
	// had the lever on (the others take their group's response).
	Series, Promoted int
}

// Read turns an effect θ into what a planner reads at a series' recent
// level: the elasticity of units to price for a price lever, the lift of a
// unit step for another. The effects multiply units plus κ·(1 + level)
// (forecast.Effects.Offset, κ = offset: 0 in the models Fit returns, 0.1
// in older files), so at the level a change of θ is a change (1 + κ)
// times as large relative to units (for a level well above one unit): the
// elasticity is −(1+κ)·θ and the lift (1+κ)·(exp θ − 1), never below
// −100%: units do not fall below none.
func Read(c forecast.EffectColumn, theta, offset float64) float64 {
	if c.LogPrice {
		return -(1 + offset) * theta
	}
	return math.Max(-1, (1+offset)*(math.Exp(theta)-1))
}

// Summarise reads every column of an effect model.
func Summarise(e *forecast.Effects) []Summary {
	ids := sortedIDs(e)
	out := make([]Summary, len(e.Columns))
	for k, c := range e.Columns {
		s := Summary{Column: c, Panel: Read(c, e.Global[k], e.Offset)}
		a, b := Read(c, e.Global[k]-1.96*e.GlobalSE[k], e.Offset), Read(c, e.Global[k]+1.96*e.GlobalSE[k], e.Offset)
		s.Low, s.High = math.Min(a, b), math.Max(a, b)
		var vals []float64
		for _, id := range ids {
			se := e.Series[id]
			vals = append(vals, Read(c, se.Theta[k], e.Offset))
			if c.Own && se.Max[k] > 1e-9 {
				s.Promoted++
			}
		}
		sort.Float64s(vals)
		s.Series = len(vals)
		if len(vals) > 0 {
			s.Median, s.P10, s.P90 = quantile(vals, 0.5), quantile(vals, 0.1), quantile(vals, 0.9)
		}
		out[k] = s
	}
	return out
}

// Frame lists every series' effect on every own lever column with its 95%
// interval, for a CSV: series, lever, kind (elasticity or lift), effect,
// low, high, promoted periods, and whether the series' history had the
// lever on.
func Frame(e *forecast.Effects) *data.Frame {
	var series, lever, kind []string
	var eff, lo, hi, promoted, seen []float64
	for _, id := range sortedIDs(e) {
		se := e.Series[id]
		for k, c := range e.Columns {
			if !c.Own {
				continue
			}
			a, b := Read(c, se.Theta[k]-1.96*se.SE[k], e.Offset), Read(c, se.Theta[k]+1.96*se.SE[k], e.Offset)
			kd := "lift"
			if c.LogPrice {
				kd = "elasticity"
			}
			series, lever, kind = append(series, id), append(lever, c.Name), append(kind, kd)
			eff, lo, hi = append(eff, Read(c, se.Theta[k], e.Offset)), append(lo, math.Min(a, b)), append(hi, math.Max(a, b))
			promoted = append(promoted, float64(se.Promoted))
			on := 0.0
			if se.Max[k] > 1e-9 {
				on = 1
			}
			seen = append(seen, on)
		}
	}
	f, _ := data.NewFrame("effects.csv", []*data.Column{
		{Name: "series", Kind: data.String, Str: series},
		{Name: "lever", Kind: data.String, Str: lever},
		{Name: "kind", Kind: data.String, Str: kind},
		{Name: "effect", Kind: data.Number, Num: eff},
		{Name: "low", Kind: data.Number, Num: lo},
		{Name: "high", Kind: data.Number, Num: hi},
		{Name: "promoted_periods", Kind: data.Number, Num: promoted},
		{Name: "lever_seen", Kind: data.Number, Num: seen},
	})
	return f
}

func sortedIDs(e *forecast.Effects) []string {
	ids := make([]string, 0, len(e.Series))
	for id := range e.Series {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// quantile returns the q-quantile of sorted values by linear interpolation.
func quantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(sorted)-1)
	return sorted[lo] + (pos-float64(lo))*(sorted[hi]-sorted[lo])
}
