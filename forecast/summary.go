package forecast

import (
	"fmt"
	"math"
	"sort"

	"promocast/data"
)

// Total sums a group of plan rows: its expected units (Result.Expected),
// the uplift's parts scaled row by row to the expected uplift, and money.
type Total struct {
	Group                                 string // the group's level; "all" for the whole plan
	Rows, Promoted                        int
	Forecast, Baseline                    float64
	Own, History, Next, Cannibal, Halo    float64
	Revenue, BaselineRevenue              float64
	Margin, BaselineMargin, PromotionCost float64
}

// ROI is the return on a promotion: its incremental margin ÷ its
// promotion cost, NaN when the cost is zero. Totals, rows and sweep points
// all compute theirs here.
func ROI(incrementalMargin, promotionCost float64) float64 {
	if promotionCost == 0 {
		return math.NaN()
	}
	return incrementalMargin / promotionCost
}

// ROI is the totals' incremental margin ÷ promotion cost, NaN without cost.
func (t Total) ROI() float64 { return ROI(t.Margin-t.BaselineMargin, t.PromotionCost) }

// Summarise totals the result by a key or static column ("" totals the
// whole plan), groups sorted by name.
func (r *Result) Summarise(by string) ([]Total, error) {
	level, err := r.Grouper(by)
	if err != nil {
		return nil, err
	}
	var money []Money
	if r.Panel.Spec.PriceColumn() != "" {
		money = r.Money()
	}
	totals := map[string]*Total{}
	for i, t := range r.Targets {
		g := level(t.Series)
		tot := totals[g]
		if tot == nil {
			tot = &Total{Group: g}
			totals[g] = tot
		}
		tot.Rows++
		if r.Promoted[i] {
			tot.Promoted++
		}
		tot.Forecast += r.Expected[i]
		tot.Baseline += r.BaselineExpected[i]
		k := 1.0 // the parts, scaled to the expected uplift
		if d := r.Forecast[i] - r.Baseline[i]; d != 0 {
			k = (r.Expected[i] - r.BaselineExpected[i]) / d
		}
		tot.Own += k * r.Parts.Own[i]
		tot.History += k * r.Parts.History[i]
		tot.Next += k * r.Parts.Next[i]
		tot.Cannibal += k * math.Min(0, r.Parts.Peers[i])
		tot.Halo += k * math.Max(0, r.Parts.Peers[i])
		if money != nil {
			m := money[i]
			tot.Revenue += m.Revenue
			tot.BaselineRevenue += m.BaselineRevenue
			tot.Margin += m.Margin
			tot.BaselineMargin += m.BaselineMargin
			tot.PromotionCost += m.PromotionCost
		}
	}
	names := make([]string, 0, len(totals))
	for g := range totals {
		names = append(names, g)
	}
	sort.Strings(names)
	out := make([]Total, len(names))
	for i, g := range names {
		out[i] = *totals[g]
	}
	return out, nil
}

// Grouper returns a function naming the level of a key or static column
// ("" names every series "all") of each series of the result's panel.
func (r *Result) Grouper(by string) (func(series int) string, error) {
	p := r.Panel
	if by == "" {
		return func(int) string { return "all" }, nil
	}
	for k, name := range p.Spec.Keys {
		if name == by {
			return func(si int) string { return p.Series[si].Key[k] }, nil
		}
	}
	for k, name := range p.Spec.Static {
		if name == by {
			return func(si int) string {
				v := p.Series[si].Static[k]
				switch {
				case math.IsNaN(v):
					return "(missing)"
				case p.Levels[k] != nil:
					return p.Levels[k][int(v)]
				}
				return data.FormatFloat(v)
			}, nil
		}
	}
	return nil, fmt.Errorf("cannot group by %q: it is neither a key %v nor a static attribute %v", by, p.Spec.Keys, p.Spec.Static)
}

// TotalsFrame lays totals out as a table.
func TotalsFrame(by string, totals []Total) *data.Frame {
	if by == "" {
		by = "group"
	}
	cols := []*data.Column{{Name: by, Kind: data.String}}
	names := []string{"rows", "promoted", "forecast", "baseline", "uplift", "own_lift", "post_promotion_dip", "pre_promotion_lull",
		"cannibalisation", "halo", "revenue", "baseline_revenue", "incremental_revenue", "margin", "baseline_margin",
		"incremental_margin", "promotion_cost", "roi"}
	for _, n := range names {
		cols = append(cols, &data.Column{Name: n, Kind: data.Number})
	}
	for _, t := range totals {
		cols[0].Str = append(cols[0].Str, t.Group)
		vals := []float64{float64(t.Rows), float64(t.Promoted), t.Forecast, t.Baseline, t.Forecast - t.Baseline, t.Own, t.History,
			t.Next, t.Cannibal, t.Halo, t.Revenue, t.BaselineRevenue, t.Revenue - t.BaselineRevenue, t.Margin, t.BaselineMargin,
			t.Margin - t.BaselineMargin, t.PromotionCost, t.ROI()}
		for k, v := range vals {
			cols[k+1].Num = append(cols[k+1].Num, v)
		}
	}
	f, _ := data.NewFrame("summary", cols)
	return f
}
