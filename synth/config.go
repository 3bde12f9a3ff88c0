package synth

import (
	"fmt"
	"time"

	"promocast/calendar"
)

// Config says what panel to generate. The zero value generates the default
// panel: 300 SKUs in 8 categories, daily history 2023-10-01..2025-10-15,
// and a 31-day plan 2025-10-16..2025-11-15 around Double 11, seed 0.
type Config struct {
	// Seed selects the random draws; the same Config gives the same panel.
	Seed uint64
	// SKUs is the number of products; 0 means 300.
	SKUs int
	// Categories is the number of categories, at most 16; 0 means 8.
	Categories int
	// Start and End are the first and last day of the history (their UTC
	// civil dates); zero means 2023-10-01 and 2025-10-15.
	Start, End time.Time
	// PlanDays is the number of days after End that the plan covers; 0
	// means 31.
	PlanDays int
	// PlanShare is the share of the SKUs still on sale at the end of the
	// history that take part in platform events (Double 11, 618, Double
	// 12) during the plan; 0 means 0.4.
	PlanShare float64
	// RegularGap is the mean number of days between a SKU's ordinary
	// promotion episodes outside platform events; 0 means 55, and a
	// negative value means none: every promotion of the history then
	// coincides with a platform event.
	RegularGap float64
	// Cannibalisation is κ of Effects; 0 means 0.25.
	Cannibalisation float64
	// PostDip is Effects.PostDip, the share of demand lost the day after
	// a promotion ends; 0 means none.
	PostDip float64
}

// Defaults of Config's zero fields.
const (
	DefaultSKUs       = 300
	DefaultCategories = 8
	DefaultPlanDays   = 31
	DefaultPlanShare  = 0.4
	DefaultStart      = "2023-10-01"
	DefaultEnd        = "2025-10-15"
)

// settings is a validated Config with defaults filled in.
type settings struct {
	seed                uint64
	skus, categories    int
	start, end, planEnd calendar.Date
	planShare           float64
	regularGap          float64
	cannibalisation     float64
	postDip             float64
}

// validate fills defaults and rejects impossible configurations.
func (c Config) validate() (settings, error) {
	s := settings{seed: c.Seed, skus: c.SKUs, categories: c.Categories, planShare: c.PlanShare}
	if s.skus == 0 {
		s.skus = DefaultSKUs
	}
	if s.categories == 0 {
		s.categories = DefaultCategories
	}
	if s.planShare == 0 {
		s.planShare = DefaultPlanShare
	}
	s.regularGap, s.cannibalisation, s.postDip = c.RegularGap, c.Cannibalisation, c.PostDip
	if s.regularGap == 0 {
		s.regularGap = 55
	}
	if s.cannibalisation == 0 {
		s.cannibalisation = defaultEffects().Cannibalisation
	}
	planDays := c.PlanDays
	if planDays == 0 {
		planDays = DefaultPlanDays
	}
	s.start, _ = calendar.ParseDate(DefaultStart)
	s.end, _ = calendar.ParseDate(DefaultEnd)
	if !c.Start.IsZero() {
		s.start = utcDate(c.Start)
	}
	if !c.End.IsZero() {
		s.end = utcDate(c.End)
	}
	s.planEnd = s.end + calendar.Date(planDays)
	switch {
	case s.skus < 1 || s.skus > 100000:
		return s, fmt.Errorf("synth: SKUs is %d: expected 1..100000", c.SKUs)
	case s.categories < 1 || s.categories > len(categoryNames):
		return s, fmt.Errorf("synth: Categories is %d: expected 1..%d", c.Categories, len(categoryNames))
	case s.categories > s.skus:
		return s, fmt.Errorf("synth: %d categories need at least as many SKUs, have %d", s.categories, s.skus)
	case planDays < 1 || planDays > 366:
		return s, fmt.Errorf("synth: PlanDays is %d: expected 1..366", c.PlanDays)
	case s.regularGap > 0 && s.regularGap < 8:
		return s, fmt.Errorf("synth: RegularGap is %v: expected at least 8 days, or negative for none", c.RegularGap)
	case s.cannibalisation < 0 || s.cannibalisation > 5:
		return s, fmt.Errorf("synth: Cannibalisation is %v: expected 0..5", c.Cannibalisation)
	case s.postDip < 0 || s.postDip >= 1:
		return s, fmt.Errorf("synth: PostDip is %v: expected 0 up to but not including 1", c.PostDip)
	case s.planShare < 0 || s.planShare > 1:
		return s, fmt.Errorf("synth: PlanShare is %v: expected 0..1", c.PlanShare)
	case s.end-s.start < 27:
		return s, fmt.Errorf("synth: history %s..%s is shorter than 28 days", s.start, s.end)
	case s.end-s.start > 20*366:
		return s, fmt.Errorf("synth: history %s..%s is longer than 20 years", s.start, s.end)
	case s.start.Year() < calendar.FirstYear || s.planEnd.Year() > calendar.LastYear:
		return s, fmt.Errorf("synth: history and plan %s..%s must lie in %d..%d, the years the event calendar covers",
			s.start, s.planEnd, calendar.FirstYear, calendar.LastYear)
	}
	return s, nil
}

func utcDate(t time.Time) calendar.Date { return calendar.FromTime(t.UTC()) }
