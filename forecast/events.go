package forecast

import (
	"fmt"

	"promocast/calendar"
)

// calendarEvents adapts a calendar to feature.Events; day numbers and
// calendar dates both count days from 1970-01-01.
type calendarEvents struct{ c *calendar.Calendar }

func (e calendarEvents) Names() []string { return e.c.FeatureNames() }

func (e calendarEvents) Features(first, last int, out []float64) {
	e.c.Features(calendar.Date(first), calendar.Date(last), out)
}

// newCalendar joins the built-in events (unless the spec says calendar:
// none) with the user's events.
func newCalendar(builtin bool, user []calendar.Event) (*calendar.Calendar, error) {
	var events []calendar.Event
	if builtin {
		events = calendar.Builtin()
	}
	events = append(events, user...)
	c, err := calendar.New(events)
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	return c, nil
}
