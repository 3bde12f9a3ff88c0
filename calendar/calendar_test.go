package calendar

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

func defaultCalendar(t testing.TB) *Calendar {
	t.Helper()
	c, err := New(Builtin())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// feature returns the named feature of the range from..to.
func feature(t *testing.T, c *Calendar, from, to Date, name string) float64 {
	t.Helper()
	i := slices.Index(c.FeatureNames(), name)
	if i < 0 {
		t.Fatalf("no feature %q in %v", name, c.FeatureNames())
	}
	out := make([]float64, c.NumFeatures())
	c.Features(from, to, out)
	return out[i]
}

func TestFeatureNames(t *testing.T) {
	c := defaultCalendar(t)
	names := c.FeatureNames()
	if len(names) != len(Builtin())*FeaturesPerEvent {
		t.Fatalf("%d names: %v", len(names), names)
	}
	want := []string{"event_double11", "pre_double11", "post_double11", "days_to_double11", "event_618"}
	if !slices.Equal(names[:5], want) {
		t.Errorf("names start %v, want %v", names[:5], want)
	}
}

func TestDailyDouble11(t *testing.T) {
	c := defaultCalendar(t)
	day := func(m time.Month, d int) Date { return DateOf(2025, m, d) }
	for _, tc := range []struct {
		d                   Date
		event, pre, post, n float64
	}{
		{day(10, 1), 0, 0, 0, 41},
		{day(10, 19), 0, 0, 0, 23},
		{day(10, 20), 0, 1, 0, 22},
		{day(11, 10), 0, 1, 0, 1},
		{day(11, 11), 1, 0, 0, 0},
		{day(11, 12), 0, 0, 1, MaxDistance}, // the next Double 11 is a year away
		{day(11, 14), 0, 0, 1, MaxDistance},
		{day(11, 15), 0, 0, 0, MaxDistance},
		{day(9, 1), 0, 0, 0, MaxDistance},  // 71 days before: capped
		{day(9, 12), 0, 0, 0, MaxDistance}, // exactly 60 days before
		{day(9, 13), 0, 0, 0, 59},
	} {
		got := [4]float64{
			feature(t, c, tc.d, tc.d, "event_double11"), feature(t, c, tc.d, tc.d, "pre_double11"),
			feature(t, c, tc.d, tc.d, "post_double11"), feature(t, c, tc.d, tc.d, "days_to_double11"),
		}
		if want := [4]float64{tc.event, tc.pre, tc.post, tc.n}; got != want {
			t.Errorf("%s: event, pre, post, days_to = %v, want %v", tc.d, got, want)
		}
	}
}

func TestWeekStraddlingDouble11(t *testing.T) {
	c := defaultCalendar(t)
	from := DateOf(2024, 11, 8) // Fri 8 .. Thu 14: 3 pre-sale days, the day, 3 post days
	to := from + 6
	for name, want := range map[string]float64{
		"event_double11": 1.0 / 7, "pre_double11": 3.0 / 7, "post_double11": 3.0 / 7, "days_to_double11": 3,
		"event_double12": 0, "pre_double12": 0, "days_to_double12": 34,
		"event_spring_festival": 0, "days_to_spring_festival": MaxDistance,
	} {
		if got := feature(t, c, from, to, name); got != want {
			t.Errorf("week %s..%s: %s = %v, want %v", from, to, name, got, want)
		}
	}
}

func TestMonthAndSpringFestival(t *testing.T) {
	c := defaultCalendar(t)
	// February 2024: lunar new year Feb 10, festival Feb 10..16, post Feb 17..24,
	// pre Jan 27..Feb 9 (9 of those days in February).
	from, to := DateOf(2024, 2, 1), DateOf(2024, 2, 29)
	for name, want := range map[string]float64{
		"event_spring_festival": 7.0 / 29, "pre_spring_festival": 9.0 / 29, "post_spring_festival": 8.0 / 29,
		"days_to_spring_festival": 9,
	} {
		if got := feature(t, c, from, to, name); got != want {
			t.Errorf("Feb 2024: %s = %v, want %v", name, got, want)
		}
	}
	if got := feature(t, c, DateOf(2024, 2, 13), DateOf(2024, 2, 13), "days_to_spring_festival"); got != 0 {
		t.Errorf("during the festival days_to = %v, want 0", got)
	}
	// Black Friday week 2024 and Cyber Monday 2024-12-02.
	if got := feature(t, c, DateOf(2024, 12, 2), DateOf(2024, 12, 2), "event_cyber_monday"); got != 1 {
		t.Errorf("event_cyber_monday on 2024-12-02 = %v", got)
	}
	if got := feature(t, c, DateOf(2024, 11, 22), DateOf(2024, 11, 22), "pre_black_friday"); got != 1 {
		t.Errorf("pre_black_friday on 2024-11-22 = %v", got)
	}
}

// TestFeaturesMatchBruteForce compares Features with a day-by-day
// evaluation straight from the spans, over random ranges and an event set
// with overlapping occurrences and windows.
func TestFeaturesMatchBruteForce(t *testing.T) {
	events := append(Builtin(), Event{Name: "overlap", Spans: []Span{
		{Start: DateOf(2024, 3, 10), End: DateOf(2024, 3, 20), Pre: 5, Post: 10},
		{Start: DateOf(2024, 3, 15), End: DateOf(2024, 3, 16), Pre: 30, Post: 2},
		{Start: DateOf(2024, 3, 25), End: DateOf(2024, 4, 2), Pre: 3, Post: 0},
		{Start: DateOf(2024, 1, 1), End: DateOf(2024, 6, 30), Pre: 0, Post: 0},
	}})
	c, err := New(events)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]float64, c.NumFeatures())
	for iter := 0; iter < 3000; iter++ {
		from := DateOf(1999, 6, 1) + Date(rng.IntN(43*366))
		to := from + Date(rng.IntN(40))
		c.Features(from, to, out)
		for k, e := range events {
			want := bruteForce(e, from, to)
			got := out[k*FeaturesPerEvent : (k+1)*FeaturesPerEvent]
			for j := range want {
				if d := got[j] - want[j]; d > 1e-12 || d < -1e-12 {
					t.Fatalf("%s %s..%s: got %v, want %v", e.Name, from, to, got, want)
				}
			}
		}
	}
}

func bruteForce(e Event, from, to Date) [4]float64 {
	var r [4]float64
	for d := from; d <= to; d++ {
		var in, pre, post bool
		for _, s := range e.Spans {
			in = in || d >= s.Start && d <= s.End
			pre = pre || d >= s.PreStart() && d < s.Start
			post = post || d > s.End && d <= s.PostEnd()
		}
		switch {
		case in:
			r[0]++
		case pre:
			r[1]++
		case post:
			r[2]++
		}
	}
	n := float64(to-from) + 1
	r[0], r[1], r[2] = r[0]/n, r[1]/n, r[2]/n
	r[3] = MaxDistance
	for _, s := range e.Spans {
		if s.End >= from {
			r[3] = min(r[3], float64(max(s.Start-from, 0)))
		}
	}
	return r
}

func TestNewRejects(t *testing.T) {
	d := DateOf(2025, 1, 1)
	for _, tc := range []struct {
		events []Event
		want   string
	}{
		{[]Event{{Name: "Brand Day", Spans: []Span{{Start: d, End: d}}}}, `"brand_day"`},
		{[]Event{{Name: "x"}}, "no occurrences"},
		{[]Event{{Name: "x", Spans: []Span{{Start: d, End: d - 1}}}}, "before it starts"},
		{[]Event{{Name: "x", Spans: []Span{{Start: d, End: d, Pre: -1}}}}, "pre-window"},
		{[]Event{{Name: "x", Spans: []Span{{Start: DateOf(1800, 1, 1), End: d}}}}, "outside"},
		{[]Event{{Name: "x", Spans: []Span{{Start: d, End: d}}}, {Name: "x", Spans: []Span{{Start: d, End: d}}}}, "two events"},
	} {
		_, err := New(tc.events)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) error %v, want it to mention %s", tc.events, err, tc.want)
		}
	}
	c, err := New(nil)
	if err != nil || c.NumFeatures() != 0 {
		t.Fatalf("New(nil) = %v, %v", c, err)
	}
	c.Features(d, d, nil)
}

// TestWithoutDistance checks that a calendar without the distance writes
// each event's three fractions exactly as the full calendar does, and
// nothing else.
func TestWithoutDistance(t *testing.T) {
	c := defaultCalendar(t)
	w := c.WithoutDistance()
	if w.NumFeatures() != len(c.Events())*(FeaturesPerEvent-1) {
		t.Fatalf("%d features without the distance, want %d", w.NumFeatures(), len(c.Events())*(FeaturesPerEvent-1))
	}
	full, short := make([]float64, c.NumFeatures()), make([]float64, w.NumFeatures())
	for _, from := range []Date{DateOf(2024, 11, 4), DateOf(2024, 12, 23), DateOf(1999, 1, 1), DateOf(2050, 6, 1)} {
		c.Features(from, from+6, full)
		w.Features(from, from+6, short)
		o := 0
		for k, name := range c.FeatureNames() {
			if strings.HasPrefix(name, "days_to_") {
				continue
			}
			if w.FeatureNames()[o] != name || short[o] != full[k] {
				t.Errorf("week from %s: value %d is %s = %v, want %s = %v", from, o, w.FeatureNames()[o], short[o], name, full[k])
			}
			o++
		}
	}
	if c.NumFeatures() != len(c.Events())*FeaturesPerEvent {
		t.Errorf("WithoutDistance changed the calendar it was called on")
	}
	if again := w.WithoutDistance(); !slices.Equal(again.FeatureNames(), w.FeatureNames()) {
		t.Errorf("WithoutDistance twice gives %v", again.FeatureNames())
	}
}

func TestFeaturesDoesNotAllocate(t *testing.T) {
	c := defaultCalendar(t)
	out := make([]float64, c.NumFeatures())
	from := DateOf(2024, 11, 4)
	if n := testing.AllocsPerRun(100, func() { c.Features(from, from+6, out) }); n != 0 {
		t.Errorf("Features allocates %v times", n)
	}
}

func BenchmarkFeaturesDay(b *testing.B) {
	c := defaultCalendar(b)
	out := make([]float64, c.NumFeatures())
	from := DateOf(2023, 1, 1)
	for i := 0; b.Loop(); i++ {
		d := from + Date(i%1000)
		c.Features(d, d, out)
	}
}

func BenchmarkNewBuiltin(b *testing.B) {
	events := Builtin()
	for b.Loop() {
		if _, err := New(events); err != nil {
			b.Fatal(err)
		}
	}
}
