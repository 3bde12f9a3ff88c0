package forecast

import (
	"fmt"
	"math"

	"promocast/data"
)

// Frame returns the result as a table, one row per plan row in plan order:
// the keys, the period, forecast, baseline, uplift, promoted, the uplift's
// parts (own_lift, post_promotion_dip, pre_promotion_lull, cannibalisation,
// halo: see Parts; they add up to the uplift), the expected units
// (expected, expected_baseline, expected_uplift: see Result.Expected), the calibrated
// quantiles forecast_p10 .. baseline_p90 when the model has them, warnings
// (what in the row lies outside the training history), and the money
// columns the spec allows — price, baseline_price, revenue,
// baseline_revenue, incremental_revenue, and with a unit cost margin,
// baseline_margin, incremental_margin, promotion_cost and roi.
//
// The money is on the expected units. promotion_cost is the discount
// given away on the expected units,
// (baseline_price − price) × forecast, plus the fixed cost; roi is
// incremental_margin ÷ promotion_cost, empty when the cost is zero.
func (r *Result) Frame(source string) (*data.Frame, error) {
	sp := r.Panel.Spec
	n := len(r.Targets)
	var cols []*data.Column
	for k, name := range sp.Keys {
		c := &data.Column{Name: name, Kind: data.String, Str: make([]string, n)}
		for i, t := range r.Targets {
			c.Str[i] = r.Panel.Series[t.Series].Key[k]
		}
		cols = append(cols, c)
	}
	period := &data.Column{Name: sp.Time.Column, Kind: data.String, Str: make([]string, n)}
	for i := range r.Targets {
		period.Str[i] = r.Period(i)
	}
	cols = append(cols, period)
	num := func(name string, f func(i int) float64) {
		c := &data.Column{Name: name, Kind: data.Number, Num: make([]float64, n)}
		for i := range c.Num {
			c.Num[i] = f(i)
		}
		cols = append(cols, c)
	}
	num("forecast", func(i int) float64 { return r.Forecast[i] })
	num("baseline", func(i int) float64 { return r.Baseline[i] })
	num("uplift", func(i int) float64 { return r.Forecast[i] - r.Baseline[i] })
	num("promoted", func(i int) float64 { return boolf(r.Promoted[i]) })
	num("own_lift", func(i int) float64 { return r.Parts.Own[i] })
	num("post_promotion_dip", func(i int) float64 { return r.Parts.History[i] })
	num("pre_promotion_lull", func(i int) float64 { return r.Parts.Next[i] })
	num("cannibalisation", func(i int) float64 { return math.Min(0, r.Parts.Peers[i]) })
	num("halo", func(i int) float64 { return math.Max(0, r.Parts.Peers[i]) })
	num("expected", func(i int) float64 { return r.Expected[i] })
	num("expected_baseline", func(i int) float64 { return r.BaselineExpected[i] })
	num("expected_uplift", func(i int) float64 { return r.Expected[i] - r.BaselineExpected[i] })
	for k, lv := range r.Levels {
		name := fmt.Sprintf("p%g", 100*lv)
		num("forecast_"+name, func(i int) float64 { return r.ForecastQ[k][i] })
		num("baseline_"+name, func(i int) float64 { return r.BaselineQ[k][i] })
	}
	for k, lv := range r.Levels {
		if r.UpliftQ == nil {
			break
		}
		num(fmt.Sprintf("uplift_p%g", 100*lv), func(i int) float64 { return r.UpliftQ[k][i] })
	}
	cols = append(cols, &data.Column{Name: "warnings", Kind: data.String, Str: r.Warnings})
	if sp.PriceColumn() == "" {
		return data.NewFrame(source, cols)
	}
	m := r.Money()
	num("price", func(i int) float64 { return r.Price[i] })
	num("baseline_price", func(i int) float64 { return r.BasePrice[i] })
	num("revenue", func(i int) float64 { return m[i].Revenue })
	num("baseline_revenue", func(i int) float64 { return m[i].BaselineRevenue })
	num("incremental_revenue", func(i int) float64 { return m[i].Revenue - m[i].BaselineRevenue })
	if sp.Cost.UnitCost != "" {
		num("margin", func(i int) float64 { return m[i].Margin })
		num("baseline_margin", func(i int) float64 { return m[i].BaselineMargin })
		num("incremental_margin", func(i int) float64 { return m[i].Margin - m[i].BaselineMargin })
		num("promotion_cost", func(i int) float64 { return m[i].PromotionCost })
		num("roi", func(i int) float64 { return m[i].ROI() })
	}
	return data.NewFrame(source, cols)
}

// Money is one row's revenue and margin under the plan and the baseline.
type Money struct {
	Revenue, BaselineRevenue float64
	Margin, BaselineMargin   float64 // NaN without a unit cost
	PromotionCost            float64 // discount given away plus fixed cost
}

// ROI is the row's incremental margin ÷ promotion cost, NaN without cost.
func (m Money) ROI() float64 { return ROI(m.Margin-m.BaselineMargin, m.PromotionCost) }

// Money computes each row's money figures on its expected units.
func (r *Result) Money() []Money {
	out := make([]Money, len(r.Targets))
	for i := range out {
		f, b := r.Expected[i], r.BaselineExpected[i]
		p, bp := r.Price[i], r.BasePrice[i]
		fixed := r.FixedCost[i]
		if math.IsNaN(fixed) {
			fixed = 0
		}
		out[i] = Money{
			Revenue: f * p, BaselineRevenue: b * bp,
			Margin: f * (p - r.UnitCost[i]), BaselineMargin: b * (bp - r.UnitCost[i]),
			PromotionCost: math.Max(0, bp-p)*f + fixed,
		}
	}
	return out
}

func boolf(v bool) float64 {
	if v {
		return 1
	}
	return 0
}
