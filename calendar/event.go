package calendar

import (
	"fmt"
	"strings"
)

// MaxWindow is the longest pre- or post-window, in days, an occurrence may
// have.
const MaxWindow = 366

// Earliest (1900-01-01) and Latest (2199-12-31) bound the dates an
// occurrence may have; they keep the calendar's day table a sensible size.
const (
	Earliest Date = -25567
	Latest   Date = 84005
)

// Event is a named platform event or holiday with its occurrences. Name is
// an identifier of lower-case letters, digits and underscores (see Slug); it
// names the event's features, e.g. "event_double11".
type Event struct {
	Name  string
	Title string // human-readable name, e.g. "Double 11 (Singles' Day)"; may be empty
	Spans []Span // the occurrences, in any order
}

// Span is one occurrence of an event: the days Start..End inclusive, with a
// pre-window of Pre days before Start and a post-window of Post days after
// End.
type Span struct {
	Start, End Date
	Pre, Post  int
}

// PreStart returns the first day of the span's pre-window (Start when Pre
// is 0).
func (s Span) PreStart() Date { return s.Start - Date(s.Pre) }

// PostEnd returns the last day of the span's post-window (End when Post is
// 0).
func (s Span) PostEnd() Date { return s.End + Date(s.Post) }

// Check reports what is wrong with the span, or nil.
func (s Span) Check() error {
	switch {
	case s.End < s.Start:
		return fmt.Errorf("ends %s before it starts %s", s.End, s.Start)
	case s.Start < Earliest || s.End > Latest:
		return fmt.Errorf("%s..%s lies outside %s..%s", s.Start, s.End, Earliest, Latest)
	case s.Pre < 0 || s.Pre > MaxWindow:
		return fmt.Errorf("pre-window of %d days: expected 0..%d", s.Pre, MaxWindow)
	case s.Post < 0 || s.Post > MaxWindow:
		return fmt.Errorf("post-window of %d days: expected 0..%d", s.Post, MaxWindow)
	}
	return nil
}

// Slug turns a display name into an event name: lower case, every run of
// characters other than ASCII letters and digits replaced by one
// underscore, no leading or trailing underscore. "Double 11" becomes
// "double_11"; it returns "" when nothing is left.
func Slug(s string) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			gap = false
			b.WriteRune(r)
			continue
		}
		gap = true
	}
	return b.String()
}

// check reports what is wrong with the event, or nil.
func (e *Event) check() error {
	if e.Name == "" || Slug(e.Name) != e.Name {
		return fmt.Errorf("event name %q: expected lower-case letters, digits and single underscores, such as %q", e.Name, Slug(e.Name))
	}
	if len(e.Spans) == 0 {
		return fmt.Errorf("event %q has no occurrences", e.Name)
	}
	for _, s := range e.Spans {
		if err := s.Check(); err != nil {
			return fmt.Errorf("event %q: occurrence %s: %w", e.Name, s.Start, err)
		}
	}
	return nil
}
