package forecast

import (
	"fmt"
	"slices"

	"promocast/calendar"
	"promocast/spec"
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

// firstBuiltin names the built-in events of the model files written before
// a model recorded the ones it uses: a file without builtin_events used
// every one of these and no other.
var firstBuiltin = []string{calendar.Double11, calendar.Mid618, calendar.Double12,
	calendar.SpringFestival, calendar.BlackFriday, calendar.CyberMonday}

// builtinInUse returns the built-in events a model with BuiltinEvents keep
// uses: keep, or firstBuiltin when it is nil.
func builtinInUse(keep []string) []string {
	if keep == nil {
		return firstBuiltin
	}
	return keep
}

// newCalendar joins the built-in events (unless the spec says calendar:
// none) with the user's events. keep names the built-in events to use; nil
// means firstBuiltin. Without distance the events give no days_to_
// features (Model.NoEventDistance).
func newCalendar(builtin bool, keep []string, user []calendar.Event, distance bool) (*calendar.Calendar, error) {
	keep = builtinInUse(keep)
	var events []calendar.Event
	if builtin {
		for _, e := range calendar.Builtin() {
			if slices.Contains(keep, e.Name) {
				events = append(events, e)
			}
		}
	}
	events = append(events, user...)
	c, err := calendar.New(events)
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	if !distance {
		c = c.WithoutDistance()
	}
	return c, nil
}

// eventDistance reports whether a model trained now on a grid of freq
// gives its events days_to_ features: on every grid but weeks and months
// (plain periods have no events at all). On weeks and months the distance
// from a period's first day to the next occurrence restates week_of_year
// or month (see calendar.Calendar.WithoutDistance); on Breakfast at the
// Frat, leaving it out while adding Christmas and New Year kept the
// feature count and improved the backtest's WAPE and MAPE.
func eventDistance(freq string) bool { return freq != spec.Week && freq != spec.Month }

// EventNames names the events the model's features read, the built-in
// ones in use first, then the user's; none on a grid of plain periods,
// which has no calendar.
func (m *Model) EventNames() []string {
	if m.Grid.Frequency == spec.Period {
		return nil
	}
	var names []string
	if m.Spec.Calendar != "none" {
		names = append(names, builtinInUse(m.BuiltinEvents)...)
	}
	for _, e := range m.Events {
		names = append(names, e.Name)
	}
	return names
}
