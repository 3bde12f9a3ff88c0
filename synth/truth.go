package synth

import (
	"math"

	"promocast/calendar"
)

// Category is one product category's ground truth.
type Category struct {
	Name   string
	Brands []string
	// PriceLevel is the median regular price of the category's SKUs.
	PriceLevel float64
	// YearlyAmplitude and YearlyPeak shape the yearly season: demand is
	// multiplied by exp(YearlyAmplitude·cos(2π(dayOfYear−YearlyPeak)/365.25)).
	YearlyAmplitude float64
	YearlyPeak      int
	// EventScale is the exponent on the platform's event traffic multiplier
	// (EventMultiplier): above 1 the category reacts more than average.
	EventScale float64
	// Elasticity is the mean price elasticity of the category's SKUs.
	Elasticity float64
}

// SKU is one product's ground truth.
type SKU struct {
	ID       string
	Category int // index into Panel.Categories
	Brand    string
	Tier     string // price tier within the category: low, mid, high
	// Base is the expected units per day at the regular price, on the
	// history's first day, before weekly, yearly and event multipliers.
	Base float64
	// Trend is the log growth of demand per year.
	Trend float64
	// Elasticity is the price elasticity: demand is multiplied by
	// (price/regular_price)^Elasticity.
	Elasticity float64
	// Dispersion is the negative binomial shape k of the daily noise:
	// variance = mean + mean²/k.
	Dispersion float64
	// RegularPrice holds until PriceChange, NewRegularPrice from then on
	// (the same value when the price never changes).
	RegularPrice, NewRegularPrice float64
	PriceChange                   calendar.Date
	// UnitCost is the cost of goods per unit.
	UnitCost float64
	// Launch and Last are the first and last day the SKU is on sale; it
	// has no rows outside them.
	Launch, Last calendar.Date
	// Ramp says the SKU launched during the history: its demand grows in
	// as 1 − exp(−age/Effects.RampDays), age in days since Launch plus one.
	Ramp bool
}

// RegularOn returns the SKU's regular price on day d.
func (s *SKU) RegularOn(d calendar.Date) float64 {
	if d >= s.PriceChange {
		return s.NewRegularPrice
	}
	return s.RegularPrice
}

// Effects are the demand multipliers shared by all SKUs.
type Effects struct {
	// Feature, Display and Coupon multiply demand when the flag is 1.
	Feature, Display, Coupon float64
	// Cannibalisation is κ: each SKU's demand is multiplied by
	// exp(−κ·(extra units of its category peers' promotions)/(category
	// demand without promotions)) on the same day.
	Cannibalisation float64
	// Weekday multiplies demand by day of the week (index time.Weekday).
	Weekday [7]float64
	// RampDays is the time constant of a new SKU's ramp-up.
	RampDays float64
	// PostDip is the post-promotion dip (shoppers stocked up during the
	// promotion): on the first PostDipDays days without a promotion after
	// one, demand is multiplied by 1 − PostDip·(PostDipDays+1−k)/PostDipDays
	// on the k-th. 0 means none.
	PostDip float64
}

// PostDipDays is how many days a post-promotion dip lasts.
const PostDipDays = 3

// dip returns the post-promotion multiplier of a day without a promotion
// whose last promoted day was since days before (0 or less: none within
// PostDipDays).
func (e *Effects) dip(since int) float64 {
	if e.PostDip == 0 || since < 1 || since > PostDipDays {
		return 1
	}
	return 1 - e.PostDip*float64(PostDipDays+1-since)/PostDipDays
}

// defaultEffects are the multipliers every generated panel uses.
func defaultEffects() Effects {
	return Effects{
		Feature: 1.35, Display: 1.2, Coupon: 1.15, Cannibalisation: 0.25,
		//         Sun   Mon   Tue   Wed   Thu   Fri   Sat
		Weekday:  [7]float64{1.10, 0.95, 0.95, 0.97, 0.98, 1.03, 1.12},
		RampDays: 30,
	}
}

// Lift returns a SKU's own promotion multiplier: (price/regular)^elasticity
// times the flag multipliers of the levers that are on (flags are 0 or 1).
func (e *Effects) Lift(elasticity, price, regular, feature, display, coupon float64) float64 {
	l := math.Pow(price/regular, elasticity)
	if feature != 0 {
		l *= e.Feature
	}
	if display != 0 {
		l *= e.Display
	}
	if coupon != 0 {
		l *= e.Coupon
	}
	return l
}

// EventMultiplier returns the platform-wide traffic multiplier of day d,
// before a category raises it to its EventScale. It is the product of the
// profiles below (offsets in days from the event day of d's year):
//
//	Double 11 (Nov 11)     Oct 20..Oct 31 1.05 (pre-sale opens); Nov 1..7 0.85, Nov 8..10 0.75
//	                       (the lull: shoppers wait); Nov 11 3.0; Nov 12, 13, 14: 0.70, 0.80, 0.90
//	                       (pull-forward)
//	618 (Jun 18)           Jun 1 1.4 (opening); Jun 13..17 0.88; Jun 18 2.2; Jun 19, 20: 0.80, 0.90
//	Double 12 (Dec 12)     Dec 9..11 0.95; Dec 12 1.5; Dec 13 0.90
//	Spring Festival (S,    S−14..S−8 0.90; S−7..S−1 0.65 (couriers stop); S..S+6 0.45;
//	lunar new year's day)  S+7..S+14 0.75
//
// and 1 on every other day. Years outside the calendar's table have no
// Spring Festival effect.
func EventMultiplier(d calendar.Date) float64 {
	y := d.Year()
	m := 1.0
	switch off := d - calendar.DateOf(y, 11, 11); {
	case off >= -22 && off <= -11:
		m *= 1.05
	case off >= -10 && off <= -4:
		m *= 0.85
	case off >= -3 && off <= -1:
		m *= 0.75
	case off == 0:
		m *= 3.0
	case off >= 1 && off <= 3:
		m *= [...]float64{0.70, 0.80, 0.90}[off-1]
	}
	switch off := d - calendar.DateOf(y, 6, 18); {
	case off == -17:
		m *= 1.4
	case off >= -5 && off <= -1:
		m *= 0.88
	case off == 0:
		m *= 2.2
	case off >= 1 && off <= 2:
		m *= [...]float64{0.80, 0.90}[off-1]
	}
	switch off := d - calendar.DateOf(y, 12, 12); {
	case off >= -3 && off <= -1:
		m *= 0.95
	case off == 0:
		m *= 1.5
	case off == 1:
		m *= 0.90
	}
	if s, ok := calendar.LunarNewYear(y); ok {
		switch off := d - s; {
		case off >= -14 && off <= -8:
			m *= 0.90
		case off >= -7 && off <= -1:
			m *= 0.65
		case off >= 0 && off <= 6:
			m *= 0.45
		case off >= 7 && off <= 14:
			m *= 0.75
		}
	}
	return m
}

// seasonal returns the multiplier of category c on day d from weekday,
// yearly season and events, without trend or promotions.
func (e *Effects) seasonal(c *Category, d calendar.Date) float64 {
	doy := float64(d-calendar.DateOf(d.Year(), 1, 1)) + 1
	yearly := math.Exp(c.YearlyAmplitude * math.Cos(2*math.Pi*(doy-float64(c.YearlyPeak))/365.25))
	return e.Weekday[d.Weekday()] * yearly * math.Pow(EventMultiplier(d), c.EventScale)
}

// baseMean returns SKU s's expected units on day d with every lever off
// and no cannibalisation, given its category's seasonal multiplier; 0 when
// the SKU is not on sale. start is the history's first day.
func (e *Effects) baseMean(s *SKU, d, start calendar.Date, seasonal float64) float64 {
	if d < s.Launch || d > s.Last {
		return 0
	}
	mu := s.Base * math.Exp(s.Trend*float64(d-start)/365) * seasonal
	if s.Ramp {
		mu *= 1 - math.Exp(-float64(d-s.Launch+1)/e.RampDays)
	}
	return mu
}

// cannibalised returns the expected units of a SKU whose lever-off mean is
// base and own lift is lift, on a day when its category's lever-off means
// sum to catBase and its members' extra units base·(lift−1) sum to catExtra.
func (e *Effects) cannibalised(base, lift, catBase, catExtra float64) float64 {
	if catBase <= 0 {
		return base * lift
	}
	peers := catExtra - base*(lift-1)
	return base * lift * math.Exp(-e.Cannibalisation*peers/catBase)
}
