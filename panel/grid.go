package panel

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"promocast/spec"
)

// Grid maps a time column's values to integer period ordinals and back.
// Day ordinals count days since 1970-01-01; week ordinals count 7-day steps
// from Anchor (the day number of the history's first date, so any weekday
// works, and every date must fall on that weekday); month ordinals are year*12+month-1; plain periods are the integers
// themselves.
type Grid struct {
	Frequency string `json:"frequency"`
	Format    string `json:"format,omitempty"`
	Anchor    int    `json:"anchor"` // day number of week ordinal 0's date
	// Ends says that a week's date is its last day (spec.Time.Label end):
	// week p covers the six days before Anchor + 7p and that day. Without
	// it the date is the week's first day.
	Ends bool `json:"ends,omitempty"`
}

// dateLayouts are tried in order when a spec gives no time format.
var dateLayouts = []string{"2006-01-02", "2006/01/02", "20060102", time.RFC3339, "2006-01-02 15:04:05", "2006-01"}

// parseDay parses text as a date and returns its day number.
func (g *Grid) parseDay(text string) (int, error) {
	layouts := dateLayouts
	if g.Format != "" {
		layouts = []string{g.Format}
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, text); err == nil {
			return int(math.Floor(float64(t.Unix()) / 86400)), nil
		}
	}
	return 0, fmt.Errorf("%q is not a date (expected %s)", text, strings.Join(layouts, " or "))
}

// Ordinal converts a time cell's text to a period ordinal.
func (g *Grid) Ordinal(text string) (int, error) {
	text = strings.TrimSpace(text)
	if g.Frequency == spec.Period {
		v, err := strconv.ParseFloat(text, 64)
		if err != nil || v != math.Trunc(v) || math.Abs(v) > 1e12 {
			return 0, fmt.Errorf("%q is not an integer period", text)
		}
		return int(v), nil
	}
	d, err := g.parseDay(text)
	if err != nil {
		return 0, err
	}
	switch g.Frequency {
	case spec.Day:
		return d, nil
	case spec.Week:
		return g.week(d, text)
	default: // month
		t := dayTime(d)
		return t.Year()*12 + int(t.Month()) - 1, nil
	}
}

// week returns the ordinal of day d, the date text, on a weekly grid.
func (g *Grid) week(d int, text string) (int, error) {
	o := floorDiv(d-g.Anchor, 7)
	if d != g.Anchor+7*o {
		// Moving the date to its week's start would answer for another
		// date than the one asked about.
		before := dayTime(g.Anchor + 7*o).Format("2006-01-02")
		after := dayTime(g.Anchor + 7*o + 7).Format("2006-01-02")
		return 0, fmt.Errorf("%q is a %s, off the weekly grid of %ss (%s or %s)", text, dayTime(d).Weekday(), dayTime(g.Anchor).Weekday(), before, after)
	}
	return o, nil
}

// Days returns the first and last day numbers a period covers. Plain
// periods cover no days and return ok=false.
func (g *Grid) Days(p int) (first, last int, ok bool) {
	switch g.Frequency {
	case spec.Day:
		return p, p, true
	case spec.Week:
		first = g.Anchor + 7*p
		if g.Ends {
			first -= 6
		}
		return first, first + 6, true
	case spec.Month:
		y, m := p/12, time.Month(p%12+1)
		start := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
		end := start.AddDate(0, 1, -1)
		return int(start.Unix() / 86400), int(end.Unix() / 86400), true
	}
	return 0, 0, false
}

// Label formats a period for output: 2006-01-02 for days and weeks (the
// week's date on the history's weekday: its first day, or its last with
// Ends), 2006-01 for months, the integer for plain periods.
func (g *Grid) Label(p int) string {
	switch g.Frequency {
	case spec.Period:
		return strconv.Itoa(p)
	case spec.Month:
		return fmt.Sprintf("%04d-%02d", p/12, p%12+1)
	case spec.Week:
		return dayTime(g.Anchor + 7*p).Format("2006-01-02")
	}
	return dayTime(p).Format("2006-01-02")
}

// YearPeriods returns how many periods make a year: 364 days (52 whole
// weeks, so weekdays line up), 52 weeks, 12 months; 0 for plain periods.
func (g *Grid) YearPeriods() int {
	switch g.Frequency {
	case spec.Day:
		return 364
	case spec.Week:
		return 52
	case spec.Month:
		return 12
	}
	return 0
}

func dayTime(d int) time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
