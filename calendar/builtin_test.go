package calendar

import (
	"math"
	"testing"
	"time"
)

func TestKnownDates(t *testing.T) {
	for _, c := range []struct {
		what string
		got  Date
		want string
	}{
		{"spring festival 2023", mustLNY(t, 2023), "2023-01-22"},
		{"spring festival 2024", mustLNY(t, 2024), "2024-02-10"},
		{"spring festival 2025", mustLNY(t, 2025), "2025-01-29"},
		{"spring festival 2000", mustLNY(t, 2000), "2000-02-05"},
		{"spring festival 2040", mustLNY(t, 2040), "2040-02-12"},
		{"black friday 2024", BlackFridayOf(2024), "2024-11-29"},
		{"black friday 2025", BlackFridayOf(2025), "2025-11-28"},
		{"black friday 2023", BlackFridayOf(2023), "2023-11-24"},
		{"black friday 2018 (Nov 1 a Thursday)", BlackFridayOf(2018), "2018-11-23"},
		{"black friday 2019 (Nov 1 a Friday)", BlackFridayOf(2019), "2019-11-29"},
	} {
		if c.got.String() != c.want {
			t.Errorf("%s = %s, want %s", c.what, c.got, c.want)
		}
	}
	if _, ok := LunarNewYear(1999); ok {
		t.Error("LunarNewYear(1999) reported a date outside the table")
	}
	if _, ok := LunarNewYear(2041); ok {
		t.Error("LunarNewYear(2041) reported a date outside the table")
	}
}

func mustLNY(t *testing.T, y int) Date {
	t.Helper()
	d, ok := LunarNewYear(y)
	if !ok {
		t.Fatalf("LunarNewYear(%d) not in table", y)
	}
	return d
}

func TestBlackFridayIsFridayAfterFourthThursday(t *testing.T) {
	for y := FirstYear; y <= LastYear; y++ {
		bf := BlackFridayOf(y)
		_, m, d := bf.Civil()
		if bf.Weekday() != time.Friday || m != time.November || d < 23 || d > 29 {
			t.Errorf("Black Friday %d = %s (%s), want a Friday Nov 23..29", y, bf, bf.Weekday())
		}
	}
}

func TestBuiltinEvents(t *testing.T) {
	events := Builtin()
	want := map[string][2]int{ // pre, post
		Double11: {22, 3}, Mid618: {17, 2}, Double12: {3, 2},
		SpringFestival: {14, 8}, BlackFriday: {7, 2}, CyberMonday: {0, 1},
		Christmas: {7, 6}, NewYear: {0, 1},
	}
	// The first year each event ran (the calendar starts at FirstYear).
	since := map[string]int{Double11: 2009, Mid618: 2010, Double12: 2011, CyberMonday: 2005,
		SpringFestival: FirstYear, BlackFriday: FirstYear, Christmas: FirstYear, NewYear: FirstYear}
	if len(events) != len(want) {
		t.Fatalf("%d built-in events, want %d", len(events), len(want))
	}
	for _, e := range events {
		w, ok := want[e.Name]
		if !ok {
			t.Errorf("unexpected built-in event %q", e.Name)
			continue
		}
		if err := e.check(); err != nil {
			t.Error(err)
		}
		if len(e.Spans) != LastYear-since[e.Name]+1 {
			t.Errorf("%s has %d occurrences, want one per year since %d", e.Name, len(e.Spans), since[e.Name])
		}
		for i, s := range e.Spans {
			if s.Start.Year() != since[e.Name]+i || s.Pre != w[0] || s.Post != w[1] {
				t.Errorf("%s occurrence %d = %+v", e.Name, i, s)
			}
		}
	}
	// The Double 11 pre-sale window opens on Oct 20 and 618's run-up on Jun 1.
	for _, e := range events {
		s := e.Spans[2025-since[e.Name]]
		switch e.Name {
		case Double11:
			if s.PreStart().String() != "2025-10-20" || s.Start.String() != "2025-11-11" {
				t.Errorf("double11 2025: pre-sale from %s, day %s", s.PreStart(), s.Start)
			}
		case Mid618:
			if s.PreStart().String() != "2025-06-01" {
				t.Errorf("618 2025: run-up from %s, want 2025-06-01", s.PreStart())
			}
		case CyberMonday:
			if s.Start.String() != "2025-12-01" || s.Start.Weekday() != time.Monday {
				t.Errorf("cyber monday 2025 = %s", s.Start)
			}
		case SpringFestival:
			if s.Start.String() != "2025-01-29" || s.End.String() != "2025-02-04" {
				t.Errorf("spring festival 2025 = %s..%s", s.Start, s.End)
			}
		case Christmas:
			if s.PreStart().String() != "2025-12-18" || s.PostEnd().String() != "2025-12-31" {
				t.Errorf("christmas 2025: run-up from %s, after until %s", s.PreStart(), s.PostEnd())
			}
		case NewYear:
			if s.Start.String() != "2025-01-01" || s.PostEnd().String() != "2025-01-02" {
				t.Errorf("new year 2025 = %s, after until %s", s.Start, s.PostEnd())
			}
		}
	}
}

// TestLunarNewYearAstronomical checks every table entry against an
// independent computation: the lunar new year is the day, in China (UTC+8),
// of the first new moon on or after January 21. That rule holds for every
// year of the table (it sidesteps the leap-month rules, including the
// 2033 case, because the second new moon after the winter solstice always
// falls in Jan 21..Feb 20 there). New moons come from Meeus, Astronomical
// Algorithms, ch. 49, accurate to well under a minute here; the test also
// requires that no deciding new moon lies within 2 minutes of Beijing
// midnight, so that the computed day is unambiguous. The closest calls are
// 2030-02-03 00:07, 2007-02-18 00:14 and 2027-02-06 23:56 Beijing time.
func TestLunarNewYearAstronomical(t *testing.T) {
	for y := FirstYear; y <= LastYear; y++ {
		jan21 := DateOf(y, time.January, 21)
		// k = 0 is the new moon of 2000-01-06.
		k := math.Floor((float64(jan21-DateOf(2000, time.January, 6)))/29.530588861) - 1
		var got Date
		for ; ; k++ {
			jd := newMoonJDE(k) - 69.0/86400       // TT to UT, ΔT ≈ 69 s in 2000–2040
			local := jd + 0.5 + 8.0/24 - 2440588.0 // days since 1970-01-01 00:00 in UTC+8
			d := Date(math.Floor(local))
			frac := local - math.Floor(local)
			if d >= jan21-1 && (frac < 2.0/1440 || frac > 1-2.0/1440) {
				t.Errorf("%d: new moon of %s within 2 min of midnight (%.4f); check by hand", y, d, frac)
			}
			if d >= jan21 {
				got = d
				break
			}
		}
		want, _ := LunarNewYear(y)
		if got != want {
			t.Errorf("lunar new year %d: table %s, astronomy %s", y, want, got)
		}
	}
}

// newMoonJDE returns the Julian Ephemeris Day of mean-phase-corrected new
// moon k (Meeus ch. 49, without the planetary terms of < 30 s).
func newMoonJDE(k float64) float64 {
	T := k / 1236.85
	rad := math.Pi / 180
	jde := 2451550.09766 + 29.530588861*k + 0.00015437*T*T - 0.000000150*T*T*T + 0.00000000073*T*T*T*T
	E := 1 - 0.002516*T - 0.0000074*T*T
	M := (2.5534 + 29.10535670*k - 0.0000014*T*T - 0.00000011*T*T*T) * rad
	Mp := (201.5643 + 385.81693528*k + 0.0107582*T*T + 0.00001238*T*T*T - 0.000000058*T*T*T*T) * rad
	F := (160.7108 + 390.67050284*k - 0.0016118*T*T - 0.00000227*T*T*T + 0.000000011*T*T*T*T) * rad
	Om := (124.7746 - 1.56375588*k + 0.0020672*T*T + 0.00000215*T*T*T) * rad
	s := math.Sin
	jde += -0.40720*s(Mp) + 0.17241*E*s(M) + 0.01608*s(2*Mp) + 0.01039*s(2*F) +
		0.00739*E*s(Mp-M) - 0.00514*E*s(Mp+M) + 0.00208*E*E*s(2*M) - 0.00111*s(Mp-2*F) -
		0.00057*s(Mp+2*F) + 0.00056*E*s(2*Mp+M) - 0.00042*s(3*Mp) + 0.00042*E*s(M+2*F) +
		0.00038*E*s(M-2*F) - 0.00024*E*s(2*Mp-M) - 0.00017*s(Om) - 0.00007*s(Mp+2*M) +
		0.00004*s(2*Mp-2*F) + 0.00004*s(3*M) + 0.00003*s(Mp+M-2*F) + 0.00003*s(2*Mp+2*F) -
		0.00003*s(Mp+M+2*F) + 0.00003*s(Mp-M+2*F) - 0.00002*s(Mp-M-2*F) - 0.00002*s(3*Mp+M) +
		0.00002*s(4*Mp)
	return jde
}
