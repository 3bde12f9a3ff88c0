package synth

import (
	"math"

	"promocast/calendar"
	"promocast/data"
)

// Panel is a generated dataset with its ground truth.
type Panel struct {
	// History is the sales history in long format, one row per SKU and day
	// on sale, sorted by SKU then date, with columns date, sku, category,
	// brand, price_tier, units, price, regular_price, discount, feature,
	// display, coupon, unit_cost and stockout.
	History *data.Frame
	// Plan holds the known covariates for the days after the history, for
	// every SKU still on sale: the same columns as History without units
	// and stockout, sorted the same way.
	Plan *data.Frame
	// Truth is row-aligned with Plan: date, sku, units (one noisy draw of
	// the plan's outcome), expected (expected units under the plan),
	// baseline (expected units with every lever of every SKU off) and
	// uplift (expected − baseline).
	Truth *data.Frame
	// Categories, SKUs and Effects are the ground truth the data was
	// drawn from; Expected computes from them.
	Categories []Category
	SKUs       []SKU
	Effects    Effects
	// HistoryStart..HistoryEnd and PlanStart..PlanEnd are the days covered.
	HistoryStart, HistoryEnd, PlanStart, PlanEnd calendar.Date
	// sched is the drawn promotions of the history and plan, which the
	// post-promotion dip of a day reads where its rows do not hold the
	// days before it.
	sched *schedule
}

// Generate draws a panel as cfg describes. It is deterministic: the same
// cfg gives the same panel, byte for byte.
func Generate(cfg Config) (*Panel, error) {
	st, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	p := &Panel{
		Categories:   newCategories(st),
		Effects:      defaultEffects(),
		HistoryStart: st.start, HistoryEnd: st.end,
		PlanStart: st.end + 1, PlanEnd: st.planEnd,
	}
	p.Effects.Cannibalisation, p.Effects.PostDip = st.cannibalisation, st.postDip
	p.SKUs = newSKUs(st, p.Categories)
	sched := newSchedule(st, p.SKUs)
	p.sched = sched

	// The history: expected units, then noise and stockouts per SKU.
	hist := p.rows(sched, st.start, st.end, func(s *SKU) bool { return true })
	mu := make([]float64, len(hist))
	p.expected(hist, mu)
	units := make([]float64, len(hist))
	stockout := make([]float64, len(hist))
	peak := make([]bool, st.end-st.start+1) // event days that can empty the shelves
	for t := range peak {
		peak[t] = EventMultiplier(st.start+calendar.Date(t)) > 1.4
	}
	for lo := 0; lo < len(hist); {
		hi := lo
		for hi < len(hist) && hist[hi].sku == hist[lo].sku {
			hi++
		}
		p.drawHistory(st, sched, peak, hist[lo:hi], mu[lo:hi], units[lo:hi], stockout[lo:hi])
		lo = hi
	}
	p.History, err = p.frame("synth history", hist, sched, st.start, units, stockout)
	if err != nil {
		return nil, err
	}

	// The plan, its expected outcome, the baseline and one draw.
	plan := p.rows(sched, p.PlanStart, p.PlanEnd, func(s *SKU) bool { return s.Last > st.end })
	if p.Plan, err = p.frame("synth plan", plan, sched, st.start, nil, nil); err != nil {
		return nil, err
	}
	expected := make([]float64, len(plan))
	p.expected(plan, expected)
	off := make([]obs, len(plan))
	for k, r := range plan {
		off[k] = obs{sku: r.sku, day: r.day, price: r.regular, regular: r.regular}
	}
	baseline := make([]float64, len(plan))
	p.expected(off, baseline)
	draw := make([]float64, len(plan))
	uplift := make([]float64, len(plan))
	for k := range plan {
		if k == 0 || plan[k].sku != plan[k-1].sku {
			// One stream per SKU, so a draw does not depend on other SKUs.
			r := newRand(st.seed, streamPlanNoise, plan[k].sku)
			for j := k; j < len(plan) && plan[j].sku == plan[k].sku; j++ {
				draw[j] = negBinomial(r, expected[j], p.SKUs[plan[j].sku].Dispersion)
			}
		}
		uplift[k] = expected[k] - baseline[k]
	}
	p.Truth, err = data.NewFrame("synth truth", []*data.Column{
		p.Plan.Column("date"), p.Plan.Column("sku"),
		{Name: "units", Kind: data.Number, Num: draw},
		{Name: "expected", Kind: data.Number, Num: expected},
		{Name: "baseline", Kind: data.Number, Num: baseline},
		{Name: "uplift", Kind: data.Number, Num: uplift},
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// rows lists, SKU by SKU, the days from..to each selected SKU is on sale,
// with the scheduled levers.
func (p *Panel) rows(sched *schedule, from, to calendar.Date, keep func(*SKU) bool) []obs {
	n := 0
	for i := range p.SKUs {
		if s := &p.SKUs[i]; keep(s) {
			n += max(0, int(min(to, s.Last)-max(from, s.Launch))+1)
		}
	}
	rows := make([]obs, 0, n)
	for i := range p.SKUs {
		s := &p.SKUs[i]
		if !keep(s) {
			continue
		}
		for d := max(from, s.Launch); d <= min(to, s.Last); d++ {
			j := sched.at(i, int(d-p.HistoryStart))
			regular := s.RegularOn(d)
			rows = append(rows, obs{
				sku: i, day: d, regular: regular,
				price:   math.Round(regular*(1-sched.depth[j])*100) / 100,
				feature: float64(sched.feature[j]), display: float64(sched.display[j]), coupon: float64(sched.coup[j]),
			})
		}
	}
	return rows
}

// drawHistory draws one SKU's units from their expected values mu, with
// stockout spells: a spell of 1..5 days starts on a day with probability
// 0.3%, or 15% the day after the SKU sold at a discount of 20% or more on
// a peak event day (peak, indexed by day of the history). On a spell day the stock is a uniform 0..60% of the
// expected units, rounded down; units are the lesser of demand and stock,
// and stockout is 1.
func (p *Panel) drawHistory(st settings, sched *schedule, peak []bool, rows []obs, mu, units, stockout []float64) {
	i := rows[0].sku
	noise := newRand(st.seed, streamNoise, i)
	stock := newRand(st.seed, streamStock, i)
	spell := 0
	for k, r := range rows {
		demand := negBinomial(noise, mu[k], p.SKUs[i].Dispersion)
		chance := 0.003
		if t := int(r.day - st.start); k > 0 && peak[t-1] && sched.depth[sched.at(i, t-1)] >= 0.2 {
			chance = 0.15
		}
		if spell == 0 && stock.Float64() < chance {
			spell = 1 + stock.IntN(5)
		}
		if spell > 0 {
			spell--
			demand = min(demand, math.Floor(0.6*stock.Float64()*mu[k]))
			stockout[k] = 1
		}
		units[k] = demand
	}
}

// frame builds the history (with units and stockout) or plan frame.
func (p *Panel) frame(source string, rows []obs, sched *schedule, start calendar.Date, units, stockout []float64) (*data.Frame, error) {
	n := len(rows)
	str := func(name string) *data.Column {
		return &data.Column{Name: name, Kind: data.String, Str: make([]string, n)}
	}
	num := func(name string) *data.Column {
		return &data.Column{Name: name, Kind: data.Number, Num: make([]float64, n)}
	}
	date, sku, cat, brand, tier := str("date"), str("sku"), str("category"), str("brand"), str("price_tier")
	price, regular, discount := num("price"), num("regular_price"), num("discount")
	feature, display, coupon, cost := num("feature"), num("display"), num("coupon"), num("unit_cost")
	days := make([]string, p.PlanEnd-start+1) // one string per day, shared by its rows
	for k, r := range rows {
		s := &p.SKUs[r.sku]
		ds := days[r.day-start]
		if ds == "" {
			ds = r.day.String()
			days[r.day-start] = ds
		}
		date.Str[k], sku.Str[k], cat.Str[k] = ds, s.ID, p.Categories[s.Category].Name
		brand.Str[k], tier.Str[k] = s.Brand, s.Tier
		price.Num[k], regular.Num[k] = r.price, r.regular
		discount.Num[k] = sched.depth[sched.at(r.sku, int(r.day-start))]
		feature.Num[k], display.Num[k], coupon.Num[k] = r.feature, r.display, r.coupon
		cost.Num[k] = s.UnitCost
	}
	cols := []*data.Column{date, sku, cat, brand, tier}
	if units != nil {
		cols = append(cols, &data.Column{Name: "units", Kind: data.Number, Num: units})
	}
	cols = append(cols, price, regular, discount, feature, display, coupon, cost)
	if stockout != nil {
		cols = append(cols, &data.Column{Name: "stockout", Kind: data.Number, Num: stockout})
	}
	return data.NewFrame(source, cols)
}
