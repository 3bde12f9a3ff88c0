// Package calendar knows the platform events and holidays that move
// e-commerce demand — Double 11, 618, Double 12, the Spring Festival, Black
// Friday, Cyber Monday, Christmas, New Year's Day — plus any events a user lists in a CSV file, and
// turns them into features for any period grid.
//
// Days are civil dates of type Date, an int32 count of days since
// 1970-01-01, so that date arithmetic is integer arithmetic:
//
//	d := calendar.DateOf(2025, time.November, 11)
//	d.Weekday()      // Tuesday
//	(d + 1).String() // "2025-11-12"
//
// An Event is a name and its occurrences (Span: Start..End inclusive, with a
// pre-window of Pre days before and a post-window of Post days after).
// Builtin returns the built-in events for 2000–2040; ReadEvents reads a
// user's; New combines any list of them into a Calendar:
//
//	user, err := calendar.ReadEvents(f, "events.csv")
//	cal, err := calendar.New(append(calendar.Builtin(), user...))
//	out := make([]float64, cal.NumFeatures())
//	cal.Features(weekStart, weekStart+6, out) // one row of a weekly grid
//
// For each event, in the order given to New, Features writes four values
// named by FeatureNames:
//
//	event_<name>    fraction of the range's days inside an occurrence
//	pre_<name>      fraction in a pre-window (and not inside)
//	post_<name>     fraction in a post-window (and in neither)
//	days_to_<name>  days from the range's first day to the next start,
//	                0 while an occurrence runs, capped at MaxDistance
//
// WithoutDistance gives a calendar of the same events without the
// days_to_ values, for grids of weeks or months.
//
// A daily grid passes from == to, and the fractions are 0/1 flags. The three
// fractions of one event add up to at most 1. The contract a feature
// builder relies on: the values depend only on the dates and the events,
// never on the data, so they are known for future periods; Features runs in
// constant time per event for any range length (New precomputes running
// counts over a day-indexed table) and does not allocate; a Calendar is
// immutable and safe for concurrent use.
//
// The built-in Spring Festival dates come from a table of lunar new year
// days in China, tested against an astronomical new-moon computation; Black
// Friday is computed as the day after the fourth Thursday of November.
package calendar
