package synth

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"

	"promocast/calendar"
	"promocast/data"
)

// obs is one SKU-day with the levers that shape its expected demand.
type obs struct {
	sku                      int
	day                      calendar.Date
	price, regular           float64
	feature, display, coupon float64
}

// expected writes the expected units of each row into out: the SKU's
// lever-off mean times its own lift, cannibalised by the other rows of the
// same category and day, and on a day without a promotion times the
// post-promotion dip (Effects.PostDip) of the SKU's last promotion, read
// from the rows where they hold the days before and from the drawn
// schedule where not. Rows must not repeat a SKU-day.
func (p *Panel) expected(rows []obs, out []float64) {
	if len(rows) == 0 {
		return
	}
	lo, hi := rows[0].day, rows[0].day
	for _, r := range rows {
		lo, hi = min(lo, r.day), max(hi, r.day)
	}
	span := int(hi-lo) + 1
	nc := len(p.Categories)
	seasonal := make([]float64, nc*span)
	for c := range p.Categories {
		for t := 0; t < span; t++ {
			seasonal[c*span+t] = p.Effects.seasonal(&p.Categories[c], lo+calendar.Date(t))
		}
	}
	catBase := make([]float64, nc*span)
	catExtra := make([]float64, nc*span)
	base := make([]float64, len(rows))
	lift := make([]float64, len(rows))
	for k, r := range rows {
		s := &p.SKUs[r.sku]
		g := s.Category*span + int(r.day-lo)
		base[k] = p.Effects.baseMean(s, r.day, p.HistoryStart, seasonal[g])
		lift[k] = p.Effects.Lift(s.Elasticity, r.price, r.regular, r.feature, r.display, r.coupon)
		catBase[g] += base[k]
		catExtra[g] += base[k] * (lift[k] - 1)
	}
	for k, r := range rows {
		g := p.SKUs[r.sku].Category*span + int(r.day-lo)
		out[k] = p.Effects.cannibalised(base[k], lift[k], catBase[g], catExtra[g])
	}
	if p.Effects.PostDip == 0 {
		return
	}
	promoted := make(map[[2]int]bool, len(rows))
	for _, r := range rows {
		promoted[[2]int{r.sku, int(r.day)}] = r.promoted()
	}
	for k, r := range rows {
		if r.promoted() {
			continue
		}
		for since := 1; since <= PostDipDays; since++ {
			d := r.day - calendar.Date(since)
			on, ok := promoted[[2]int{r.sku, int(d)}]
			if !ok {
				on = p.scheduled(r.sku, d)
			}
			if on {
				out[k] *= p.Effects.dip(since)
				break
			}
		}
	}
}

// promoted says whether any of the row's levers is on.
func (r obs) promoted() bool {
	return r.price < r.regular || r.feature != 0 || r.display != 0 || r.coupon != 0
}

// scheduled says whether SKU sku had a lever on on day d by the drawn
// schedule (false outside the history and plan, and for a panel without
// one).
func (p *Panel) scheduled(sku int, d calendar.Date) bool {
	s := p.sched
	t := int(d - p.HistoryStart)
	if s == nil || t < 0 || t >= s.days {
		return false
	}
	j := s.at(sku, t)
	return s.depth[j] > 0 || s.feature[j] != 0 || s.display[j] != 0 || s.coup[j] != 0
}

// Expected returns the true expected units of every row of plan, a frame
// in the plan's format: columns date, sku, price, regular_price, feature,
// display and coupon (others are ignored; discount is implied by price and
// regular_price). It is the generator's ground truth for any what-if: pass
// a plan with the levers changed, or with every lever off for the true
// baseline. Cannibalisation acts among the plan's rows of the same category
// and day, so a plan that omits SKUs omits their promotions' effect on
// their peers. A SKU has zero demand on days it is not on sale. Expected
// reports rows with an unknown SKU, a bad date, a missing or non-finite
// lever, a non-positive price, or a SKU-day given twice.
func (p *Panel) Expected(plan *data.Frame) ([]float64, error) {
	rows, err := p.readPlan(plan)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(rows))
	p.expected(rows, out)
	return out, nil
}

// readPlan converts plan's rows to obs, checking each.
func (p *Panel) readPlan(plan *data.Frame) ([]obs, error) {
	dates, err := plan.Need("date", "time column")
	if err != nil {
		return nil, err
	}
	skuCol, err := plan.Need("sku", "key")
	if err != nil {
		return nil, err
	}
	var num [5]*data.Column
	for k, name := range [...]string{"price", "regular_price", "feature", "display", "coupon"} {
		if num[k], err = plan.NeedNumber(name, "known covariate"); err != nil {
			return nil, err
		}
	}
	index := make(map[string]int, len(p.SKUs))
	for i := range p.SKUs {
		index[p.SKUs[i].ID] = i
	}
	parsed := map[string]calendar.Date{} // dates repeat across SKUs
	rows := make([]obs, plan.Rows())
	for i := range rows {
		at := func(format string, a ...any) error {
			return fmt.Errorf("%s: row %d: %s", plan.Source, i+1, fmt.Sprintf(format, a...))
		}
		ds := dates.Text(i)
		if dates.Kind == data.Number && !dates.Missing(i) {
			ds = strconv.FormatFloat(dates.Num[i], 'f', -1, 64)
		}
		day, ok := parsed[ds]
		if !ok {
			if day, err = calendar.ParseDate(ds); err != nil {
				return nil, at("column date: %v", err)
			}
			parsed[ds] = day
		}
		sku, ok := index[skuCol.Text(i)]
		if !ok {
			return nil, at("column sku: %q is not a SKU of this panel", skuCol.Text(i))
		}
		var v [5]float64
		for k, c := range num {
			v[k] = c.Num[i]
			if math.IsNaN(v[k]) || math.IsInf(v[k], 0) {
				return nil, at("column %s: expected a finite number, got %q", c.Name, c.Text(i))
			}
		}
		if v[0] <= 0 || v[1] <= 0 {
			return nil, at("price %v and regular_price %v must be positive", v[0], v[1])
		}
		rows[i] = obs{sku: sku, day: day, price: v[0], regular: v[1], feature: v[2], display: v[3], coupon: v[4]}
	}
	// A SKU-day given twice would count twice in its category's totals.
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(rows[a].sku, rows[b].sku), cmp.Compare(rows[a].day, rows[b].day), cmp.Compare(a, b))
	})
	for k := 1; k < len(order); k++ {
		a, b := rows[order[k-1]], rows[order[k]]
		if a.sku == b.sku && a.day == b.day {
			return nil, fmt.Errorf("%s: row %d: SKU %s on %s already appears in row %d",
				plan.Source, order[k]+1, p.SKUs[b.sku].ID, b.day, order[k-1]+1)
		}
	}
	return rows, nil
}
