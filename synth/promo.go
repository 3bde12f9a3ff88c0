package synth

import (
	"math/rand/v2"
	"time"

	"promocast/calendar"
)

// schedule holds every SKU's promotion levers for every day of the history
// and the plan, flattened as [sku*days + day index].
type schedule struct {
	days                   int
	depth                  []float64 // discount depth 0..0.5
	feature, display, coup []uint8
}

func (s *schedule) at(sku, t int) int { return sku*s.days + t }

// eventPromo is how SKUs that take part in a platform event promote it.
// Offsets are days relative to the event day.
type eventPromo struct {
	month       time.Month
	day         int
	share       float64 // share of SKUs taking part when the event is in the history
	planShare   float64 // share relative to Config.PlanShare when the event is in the plan
	depths      []int   // depth on the event day in percent, drawn uniformly
	couponFrom  int     // first day of coupons (pre-sale), 1 for none
	halfDepthOn []int   // days at half depth, with probability halfProb
	halfProb    float64
	featureProb float64 // feature on the event day
	displayFrom int     // display from this offset to the event day, with probability displayProb
	displayProb float64
	window      [2]int // days around the event with no regular promotions
}

// eventPromos returns the platform events the generator promotes.
func eventPromos() []eventPromo {
	return []eventPromo{
		{month: 11, day: 11, share: 0.45, planShare: 1, depths: []int{20, 25, 30, 35, 40, 45, 50},
			couponFrom: -22, halfDepthOn: []int{1, 2}, halfProb: 0.5, featureProb: 0.3, displayFrom: -2, displayProb: 0.5,
			window: [2]int{-25, 5}},
		{month: 6, day: 18, share: 0.35, planShare: 0.8, depths: []int{15, 20, 25, 30, 35, 40},
			couponFrom: -17, halfDepthOn: []int{-17}, halfProb: 1, featureProb: 0.25, displayFrom: -2, displayProb: 0.4,
			window: [2]int{-20, 4}},
		{month: 12, day: 12, share: 0.2, planShare: 0.5, depths: []int{10, 15, 20, 25, 30},
			couponFrom: 1, featureProb: 0, displayFrom: 0, displayProb: 0.3,
			window: [2]int{-4, 3}},
	}
}

// newSchedule draws the promotions: for each SKU, regular promotion
// episodes during the history, then the platform events of the history and
// the plan for the SKUs that take part.
func newSchedule(st settings, skus []SKU) *schedule {
	days := int(st.planEnd-st.start) + 1
	n := len(skus) * days
	s := &schedule{days: days, depth: make([]float64, n), feature: make([]uint8, n), display: make([]uint8, n), coup: make([]uint8, n)}
	quiet := make([]bool, days) // days near an event: no regular episodes
	type occurrence struct {
		promo *eventPromo
		day   calendar.Date
	}
	var events []occurrence
	promos := eventPromos()
	for y := st.start.Year(); y <= st.planEnd.Year(); y++ {
		for k := range promos {
			e := &promos[k]
			d := calendar.DateOf(y, e.month, e.day)
			for o := e.window[0]; o <= e.window[1]; o++ {
				if t := int(d-st.start) + o; t >= 0 && t < days {
					quiet[t] = true
				}
			}
			if d+calendar.Date(e.window[1]) >= st.start && d+calendar.Date(e.window[0]) <= st.planEnd {
				events = append(events, occurrence{e, d})
			}
		}
	}
	history := int(st.end-st.start) + 1
	for i := range skus {
		r := newRand(st.seed, streamPromo, i)
		s.regular(r, i, &skus[i], st, history, quiet)
		er := newRand(st.seed, streamEvent, i)
		for _, ev := range events {
			share := ev.promo.share
			if ev.day > st.end {
				share = min(1, st.planShare*ev.promo.planShare)
			}
			if ev.day < skus[i].Launch || ev.day > skus[i].Last || er.Float64() >= share {
				continue
			}
			s.event(er, i, ev.promo, int(ev.day-st.start))
		}
	}
	return s
}

// regular writes SKU i's ordinary promotion episodes into the history:
// every ~55 days on average an episode of 3..10 days with a discount of
// 10–35% (three times in four), a coupon, a display and a feature on its
// first days, each with its own probability.
func (s *schedule) regular(r *rand.Rand, i int, sku *SKU, st settings, history int, quiet []bool) {
	if st.regularGap < 0 {
		return
	}
	t := int(r.ExpFloat64() * st.regularGap)
	for t < history {
		length := 3 + r.IntN(8)
		depth := 0.0
		if r.Float64() < 0.75 {
			depth = float64(10+5*r.IntN(6)) / 100
		}
		coupon := r.Float64() < 0.3 || depth == 0
		display := r.Float64() < 0.35
		feature := r.Float64() < 0.25
		for k := t; k < t+length && k < history; k++ {
			d := st.start + calendar.Date(k)
			if quiet[k] || d < sku.Launch || d > sku.Last {
				continue
			}
			j := s.at(i, k)
			s.depth[j] = depth
			s.coup[j] = b2u(coupon)
			s.display[j] = b2u(display)
			s.feature[j] = b2u(feature && k < t+3)
		}
		t += length + 7 + int(r.ExpFloat64()*(st.regularGap-7))
	}
}

// event writes one platform event's promotion for SKU i whose event day has
// index t0.
func (s *schedule) event(r *rand.Rand, i int, e *eventPromo, t0 int) {
	set := func(off int, f func(j int)) {
		if t := t0 + off; t >= 0 && t < s.days {
			f(s.at(i, t))
		}
	}
	pct := e.depths[r.IntN(len(e.depths))]
	depth := float64(pct) / 100
	for o := e.couponFrom; o <= 0; o++ {
		set(o, func(j int) { s.coup[j] = 1 })
	}
	set(0, func(j int) { s.depth[j] = depth })
	if r.Float64() < e.halfProb {
		half := float64(max(10, pct/2/5*5)) / 100
		for _, o := range e.halfDepthOn {
			set(o, func(j int) { s.depth[j] = half })
		}
	}
	if r.Float64() < e.featureProb {
		set(0, func(j int) { s.feature[j] = 1 })
	}
	if r.Float64() < e.displayProb {
		for o := e.displayFrom; o <= 0; o++ {
			set(o, func(j int) { s.display[j] = 1 })
		}
	}
}

func b2u(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}
