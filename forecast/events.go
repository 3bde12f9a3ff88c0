package forecast

import (
	"fmt"
	"slices"

	"promocast/calendar"
)

// calendarEvents adapts a calendar to feature.Events; day numbers and
// calendar dates both count days from 1970-01-01.
type calendarEvents struct{ c *calendar.Calendar }

func (e calendarEvents) Names() []string { return e.c.FeatureNames() }

// builtinWithin returns the names of the built-in events with a day of an
// occurrence, or of its pre- or post-window, in days first..last: the
// events a history can teach anything about. Double 11 is not a feature of
// a US history from the 1990s.
func builtinWithin(first, last int) []string {
	names := []string{}
	for _, e := range calendar.Builtin() {
		for _, s := range e.Spans {
			if int(s.PostEnd()) >= first && int(s.PreStart()) <= last {
				names = append(names, e.Name)
				break
			}
		}
	}
	return names
}

func (e calendarEvents) Features(first, last int, out []float64) {
	e.c.Features(calendar.Date(first), calendar.Date(last), out)
}

// newCalendar joins the built-in events (unless the spec says calendar:
// none) with the user's events. keep names the built-in events to use; nil
// means all of them.
func newCalendar(builtin bool, keep []string, user []calendar.Event) (*calendar.Calendar, error) {
	var events []calendar.Event
	if builtin {
		for _, e := range calendar.Builtin() {
			if keep == nil || slices.Contains(keep, e.Name) {
				events = append(events, e)
			}
		}
	}
	events = append(events, user...)
	c, err := calendar.New(events)
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	return c, nil
}
