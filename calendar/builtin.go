package calendar

import "time"

// FirstYear and LastYear are the years the built-in events cover.
const (
	FirstYear = 2000
	LastYear  = 2040
)

// Names of the built-in events.
const (
	Double11       = "double11"
	Mid618         = "618"
	Double12       = "double12"
	SpringFestival = "spring_festival"
	BlackFriday    = "black_friday"
	CyberMonday    = "cyber_monday"
	Christmas      = "christmas"
	NewYear        = "new_year"
)

// Builtin returns the built-in events for FirstYear..LastYear (from the
// year each began: Double 11 in 2009, 618 in 2010, Double 12 in 2011,
// Cyber Monday in 2005), a fresh
// slice the caller may edit (for example to widen a window) before New:
//
//	name             days each year                      pre  post
//	double11         Nov 11                              22    3   pre-sale from Oct 20; the lull before the day
//	618              Jun 18                              17    2   the run-up from Jun 1
//	double12         Dec 12                               3    2
//	spring_festival  lunar new year's day + 6 days       14    8   couriers slow down before; post runs to the Lantern Festival
//	black_friday     day after the 4th Thursday of Nov    7    2
//	cyber_monday     Monday after Black Friday            0    1
//	christmas        Dec 25                               7    6   the gift run-up; post runs to New Year's Eve
//	new_year         Jan 1                                0    1
//
// Pre-sales start on different days in different years and on different
// platforms (Tmall opened on Oct 24 in 2022 and 2023, earlier in 2024); a
// user with exact dates replaces the event with their own.
func Builtin() []Event {
	type rule struct {
		name, title string
		pre, post   int
		days        func(year int) (start, end Date)
		since       int // the first year the event ran; 0: every year
	}
	fixed := func(m time.Month, d int) func(int) (Date, Date) {
		return func(y int) (Date, Date) { day := DateOf(y, m, d); return day, day }
	}
	rules := []rule{
		{Double11, "Double 11 (Singles' Day)", 22, 3, fixed(time.November, 11), 2009},
		{Mid618, "618 mid-year sale", 17, 2, fixed(time.June, 18), 2010},
		{Double12, "Double 12", 3, 2, fixed(time.December, 12), 2011},
		{SpringFestival, "Spring Festival (Chinese New Year)", 14, 8, func(y int) (Date, Date) {
			d, _ := LunarNewYear(y)
			return d, d + 6
		}, 0},
		{BlackFriday, "Black Friday", 7, 2, func(y int) (Date, Date) { d := BlackFridayOf(y); return d, d }, 0},
		{CyberMonday, "Cyber Monday", 0, 1, func(y int) (Date, Date) { d := BlackFridayOf(y) + 3; return d, d }, 2005},
		{Christmas, "Christmas", 7, 6, fixed(time.December, 25), 0},
		{NewYear, "New Year's Day", 0, 1, fixed(time.January, 1), 0},
	}
	events := make([]Event, len(rules))
	for i, r := range rules {
		spans := make([]Span, 0, LastYear-FirstYear+1)
		for y := max(FirstYear, r.since); y <= LastYear; y++ {
			s, e := r.days(y)
			spans = append(spans, Span{Start: s, End: e, Pre: r.pre, Post: r.post})
		}
		events[i] = Event{Name: r.name, Title: r.title, Spans: spans}
	}
	return events
}

// BlackFridayOf returns the day after US Thanksgiving (the fourth Thursday
// of November) in year.
func BlackFridayOf(year int) Date {
	nov1 := DateOf(year, time.November, 1)
	toThu := (int(time.Thursday) - int(nov1.Weekday()) + 7) % 7
	return nov1 + Date(toThu+21+1)
}

// LunarNewYear returns the first day of the Chinese lunar year (正月初一, the
// first day of the Spring Festival) that falls in year, as observed in
// China (UTC+8). It reports false outside FirstYear..LastYear.
func LunarNewYear(year int) (Date, bool) {
	if year < FirstYear || year > LastYear {
		return 0, false
	}
	md := lunarNewYear[year-FirstYear]
	return DateOf(year, time.Month(md[0]), int(md[1])), true
}

// lunarNewYear holds month and day of the lunar new year for FirstYear..
// LastYear, from the Chinese calendar as published by the Purple Mountain
// Observatory; builtin_test.go checks every entry against an independent
// astronomical computation of the new moon.
var lunarNewYear = [LastYear - FirstYear + 1][2]uint8{
	{2, 5}, {1, 24}, {2, 12}, {2, 1}, {1, 22}, // 2000-2004
	{2, 9}, {1, 29}, {2, 18}, {2, 7}, {1, 26}, // 2005-2009
	{2, 14}, {2, 3}, {1, 23}, {2, 10}, {1, 31}, // 2010-2014
	{2, 19}, {2, 8}, {1, 28}, {2, 16}, {2, 5}, // 2015-2019
	{1, 25}, {2, 12}, {2, 1}, {1, 22}, {2, 10}, // 2020-2024
	{1, 29}, {2, 17}, {2, 6}, {1, 26}, {2, 13}, // 2025-2029
	{2, 3}, {1, 23}, {2, 11}, {1, 31}, {2, 19}, // 2030-2034
	{2, 8}, {1, 28}, {2, 15}, {2, 4}, {1, 24}, // 2035-2039
	{2, 12}, // 2040
}
