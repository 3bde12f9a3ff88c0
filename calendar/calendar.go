package calendar

import (
	"fmt"
	"sort"
)

// MaxDistance caps the days_to_<event> feature: an occurrence further away
// than MaxDistance days, or none at all, reads as MaxDistance.
const MaxDistance = 60

// FeaturesPerEvent is the number of features each event contributes, in
// this order: event_<name>, pre_<name>, post_<name>, days_to_<name> (the
// first three without the distance: Calendar.WithoutDistance).
const FeaturesPerEvent = 4

// Calendar answers, for any range of days, where the range lies relative to
// a set of events. It is immutable after New and safe for concurrent use.
//
// New precomputes a day-indexed table over the days the events can touch,
// with running counts of event, pre- and post-window days and the distance
// to the next start, so that Features costs a few loads per event whatever
// the range's length.
type Calendar struct {
	events []Event
	names  []string
	// perEvent is the number of values Features writes per event:
	// FeaturesPerEvent, or one fewer without the distance (WithoutDistance).
	perEvent int
	lo       Date    // the day of table row 0
	days     int     // days covered; the table has days+1 rows
	stride   int     // int32 values per row: FeaturesPerEvent per event
	table    []int32 // row i: per event, days in event / pre / post before lo+i, and days to next start from lo+i
}

// New builds a calendar over events, which keep their order. It fails when
// an event is malformed or two events share a name. Its table takes 16
// bytes per event per day from the earliest pre-window to the latest
// post-window: 1.4 MB for the built-in events.
func New(events []Event) (*Calendar, error) {
	c := &Calendar{events: make([]Event, len(events)), stride: FeaturesPerEvent * len(events), perEvent: FeaturesPerEvent}
	seen := map[string]bool{}
	first, last := Latest, Earliest
	for i, e := range events {
		if err := e.check(); err != nil {
			return nil, err
		}
		if seen[e.Name] {
			return nil, fmt.Errorf("two events are named %q; give each a distinct name", e.Name)
		}
		seen[e.Name] = true
		spans := append([]Span(nil), e.Spans...)
		sort.Slice(spans, func(a, b int) bool { return spans[a].Start < spans[b].Start })
		c.events[i] = Event{Name: e.Name, Title: e.Title, Spans: spans}
		for _, s := range spans {
			first = min(first, s.PreStart())
			last = max(last, s.PostEnd())
		}
		c.names = append(c.names, "event_"+e.Name, "pre_"+e.Name, "post_"+e.Name, "days_to_"+e.Name)
	}
	if len(events) == 0 {
		return c, nil
	}
	// Before lo every next start is more than MaxDistance days away; after
	// the last window nothing is flagged and no start follows.
	c.lo = first - MaxDistance
	c.days = int(last-c.lo) + 1
	c.table = make([]int32, (c.days+1)*c.stride)
	flags := make([]uint8, c.days)
	for k := range c.events {
		c.fill(k, flags)
	}
	return c, nil
}

// Day states, in precedence order: a day in an occurrence is not also in a
// window, and a day in a pre-window is not also in a post-window.
const (
	stateNone uint8 = iota
	statePost
	statePre
	stateIn
)

// fill writes event k's columns of the table; flags is scratch of c.days.
func (c *Calendar) fill(k int, flags []uint8) {
	clear(flags)
	spans := c.events[k].Spans
	mark := func(from, to Date, state uint8) {
		for d := from; d <= to; d++ {
			if i := int(d - c.lo); flags[i] < state {
				flags[i] = state
			}
		}
	}
	for _, s := range spans {
		mark(s.PreStart(), s.Start-1, statePre)
		mark(s.Start, s.End, stateIn)
		mark(s.End+1, s.PostEnd(), statePost)
	}
	var in, pre, post int32
	next := 0 // index into spans of the first span not yet ended
	for i := 0; i <= c.days; i++ {
		row := c.table[i*c.stride+k*FeaturesPerEvent:]
		row[0], row[1], row[2] = in, pre, post
		d := c.lo + Date(i)
		for next < len(spans) && spans[next].End < d {
			next++
		}
		dist := int32(MaxDistance)
		// Spans are sorted by start, so the first unended span starts
		// soonest among those after it; an earlier-starting long span may
		// still be running, which the scan below catches.
		for j := next; j < len(spans) && spans[j].Start-d < MaxDistance; j++ {
			if spans[j].End >= d {
				dist = min(dist, int32(max(spans[j].Start-d, 0)))
			}
		}
		row[3] = dist
		if i == c.days {
			break
		}
		switch flags[i] {
		case stateIn:
			in++
		case statePre:
			pre++
		case statePost:
			post++
		}
	}
}

// Events returns the calendar's events in feature order, each with its
// occurrences sorted by start. The caller must not modify them.
func (c *Calendar) Events() []Event { return c.events }

// FeatureNames returns the names of the values Features writes, in order:
// for each event in the order given to New, "event_<name>", "pre_<name>",
// "post_<name>" and (unless WithoutDistance) "days_to_<name>". The caller
// must not modify the slice.
func (c *Calendar) FeatureNames() []string { return c.names }

// NumFeatures returns len(c.FeatureNames()).
func (c *Calendar) NumFeatures() int { return len(c.names) }

// WithoutDistance returns a calendar of the same events whose features
// leave out days_to_<name>: three values per event. On a grid of weeks or
// months the distance from a period's first day to the next occurrence
// restates the period's place in the year, which the grid's own calendar
// features already give, and a learner splits on it to tell years apart.
func (c *Calendar) WithoutDistance() *Calendar {
	if c.perEvent < FeaturesPerEvent {
		return c
	}
	d := *c
	d.perEvent = FeaturesPerEvent - 1
	d.names = make([]string, 0, len(c.names)/FeaturesPerEvent*d.perEvent)
	for k := 0; k < len(c.names); k += FeaturesPerEvent {
		d.names = append(d.names, c.names[k:k+d.perEvent]...)
	}
	return &d
}

// Features writes, for each event, four values (three without the distance:
// WithoutDistance) describing the days from..to inclusive (one day, a week,
// a month: any range) into out[:c.NumFeatures()]:
//
//	event_<name>    fraction of the days inside an occurrence
//	pre_<name>      fraction in a pre-window and not in an occurrence
//	post_<name>     fraction in a post-window and in neither of the above
//	days_to_<name>  days from `from` to the start of the next occurrence
//	                that has not ended by `from` (0 while one runs),
//	                capped at MaxDistance
//
// A day counts once per event even where occurrences or windows of the
// same event overlap. It runs in constant time per event, whatever the
// length of the range, and does not allocate. It panics if to is before
// from or out is shorter than NumFeatures, both programming errors.
func (c *Calendar) Features(from, to Date, out []float64) {
	if to < from {
		panic(fmt.Sprintf("calendar: Features range %s..%s ends before it starts", from, to))
	}
	if len(out) < len(c.names) {
		panic(fmt.Sprintf("calendar: Features needs %d outputs, got %d", len(c.names), len(out)))
	}
	if c.stride == 0 {
		return
	}
	n := float64(to-from) + 1
	a := c.row(int64(from))
	b := c.row(int64(to) + 1)
	dist := int32(MaxDistance)
	inTable := from >= c.lo && int(from-c.lo) < c.days
	out = out[:len(c.names)]
	for k, o := 0, 0; o < len(out); k, o = k+FeaturesPerEvent, o+c.perEvent {
		out[o] = float64(b[k]-a[k]) / n
		out[o+1] = float64(b[k+1]-a[k+1]) / n
		out[o+2] = float64(b[k+2]-a[k+2]) / n
		if c.perEvent < FeaturesPerEvent {
			continue
		}
		if inTable {
			dist = a[k+3]
		}
		out[o+3] = float64(dist)
	}
}

// row returns the table row of day d, clamped to the table.
func (c *Calendar) row(d int64) []int32 {
	i := d - int64(c.lo)
	i = min(max(i, 0), int64(c.days))
	return c.table[int(i)*c.stride : int(i+1)*c.stride]
}
