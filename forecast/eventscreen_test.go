package forecast

import (
	"math"
	"slices"
	"testing"
	"time"

	"promocast/calendar"
	"promocast/data"
	"promocast/feature"
	"promocast/panel"
)

// withChristmas returns weeklyFrame's history with the units of every
// week holding Christmas Day multiplied by lift.
func withChristmas(t testing.TB, f *data.Frame, lift float64) *data.Frame {
	t.Helper()
	week, units := f.Column("week"), f.Column("units")
	out := make([]float64, len(units.Num))
	for r, u := range units.Num {
		d, err := calendar.ParseDate(week.Str[r])
		if err != nil {
			t.Fatal(err)
		}
		out[r] = u
		if y, _, _ := d.Civil(); calendar.DateOf(y, time.December, 25) >= d && calendar.DateOf(y, time.December, 25) <= d+6 {
			out[r] = math.Round(u * lift)
		}
	}
	cols := make([]*data.Column, 0, len(f.Columns))
	for _, c := range f.Columns {
		if c.Name == "units" {
			c = &data.Column{Name: c.Name, Kind: data.Number, Num: out}
		}
		cols = append(cols, c)
	}
	g, err := data.NewFrame(f.Source, cols)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// screen runs the event screen on the panel of hist up to period until.
func screen(t testing.TB, hist *data.Frame, until int) []string {
	t.Helper()
	p, err := panel.Build(hist, mustSpec(t), panel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := feature.New(p, feature.Config{MinLag: 1, FirstLag: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := p.Grid.Days(p.First)
	_, last, _ := p.Grid.Days(until)
	return builtinThatMove(p, until, builtinWithin(first, last), b.Promoted)
}

// TestEventScreenKeepsTheEventsThatMoveSales checks the screen on a weekly
// history of two years and a bit whose only event is Christmas (sales
// ×2.5): Christmas is kept and the events that do nothing there (Double
// 11, 618, Black Friday, the Spring Festival) are not; without the lift
// Christmas goes too.
func TestEventScreenKeepsTheEventsThatMoveSales(t *testing.T) {
	base := weeklyFrame(t, 4, 112, 7) // 2021-01-04 .. 2023-02-20
	p, _ := panel.Build(base, mustSpec(t), panel.Options{})
	got := screen(t, withChristmas(t, base, 2.5), p.Last)
	if !slices.Contains(got, calendar.Christmas) {
		t.Errorf("kept %v: Christmas, which lifts sales 2.5×, is not among them", got)
	}
	for _, n := range []string{calendar.Double11, calendar.Mid618, calendar.BlackFriday, calendar.SpringFestival} {
		if slices.Contains(got, n) {
			t.Errorf("kept %v: %s does nothing in this history", got, n)
		}
	}
	if got := screen(t, base, p.Last); slices.Contains(got, calendar.Christmas) {
		t.Errorf("without a Christmas lift the screen kept %v", got)
	}
}

// TestEventScreenReadsUpToItsPeriod checks that the screen reads no target
// after until: every later week's units scrambled, the events kept are the
// same.
func TestEventScreenReadsUpToItsPeriod(t *testing.T) {
	base := withChristmas(t, weeklyFrame(t, 4, 112, 7), 2.5)
	p, _ := panel.Build(base, mustSpec(t), panel.Options{})
	until := p.Last - 20 // 2022-10-03: before Double 11 and Christmas 2022
	want := screen(t, base, until)

	changed := withChristmas(t, base, 1) // a copy
	week, units := changed.Column("week"), changed.Column("units")
	for r := range units.Num {
		d, _ := calendar.ParseDate(week.Str[r])
		if _, lastDay, _ := p.Grid.Days(until); int(d) > lastDay {
			units.Num[r] = float64((r * 7919) % 97)
		} else {
			units.Num[r] = base.Column("units").Num[r]
		}
	}
	if got := screen(t, changed, until); !slices.Equal(got, want) {
		t.Errorf("changing the targets after the screen's period changed its events: %v, was %v", got, want)
	}
}

// TestEventScreenKeepsAllOnAShortHistory checks that a history too short
// to place enough placebo dates keeps every event that falls inside it.
func TestEventScreenKeepsAllOnAShortHistory(t *testing.T) {
	hist := weeklyFrame(t, 3, 20, 2) // 2021-01-04 .. 2021-05-17
	p, _ := panel.Build(hist, mustSpec(t), panel.Options{})
	first, _, _ := p.Grid.Days(p.First)
	_, last, _ := p.Grid.Days(p.Last)
	within := builtinWithin(first, last)
	if got := screen(t, hist, p.Last); len(within) == 0 || !slices.Equal(got, within) {
		t.Errorf("a 20-week history kept %v of %v", got, within)
	}
}
