package forecast

import (
	"math"
	"slices"

	"promocast/calendar"
	"promocast/panel"
)

// eventScreenDays is the half-width, in days, of the window around a
// period whose median is that period's local level in the event screen:
// six weeks each side, wide enough that a three-week pre-sale does not set
// its own level, narrow enough to follow the seasons.
const eventScreenDays = 42

// eventScreenLevel is the placebo quantile an event's statistic must pass
// to be kept: a one-sided test at 5%.
const eventScreenLevel = 0.95

// eventScreenMinShifts is the fewest placebo shifts the screen judges
// with; on a shorter history every event that falls inside it is kept.
const eventScreenMinShifts = 19

// builtinThatMove returns those of the built-in events names whose days
// move the panel's sales in the periods up to until, in the built-in
// calendar's order: the
// events a history shows doing something. Double 11 falls inside every
// history that spans a November, and on a US grocery panel its features
// only give the trees days to fit noise on.
//
// It reads the panel's sales as one signal: per period, the mean over the
// series' rows without a promotion then (promoted(si, t) false) of
// log(1 + units) less the series' own mean over such rows, less the
// signal's median over the periods within eventScreenDays (the local
// level).
// An event's statistic is, over its three phases (the event's days, its
// pre-window, its post-window, each period weighted by the share of its
// days in the phase, as the features are), the largest absolute weighted
// mean of that signal. The event is kept when the statistic exceeds the
// eventScreenLevel quantile of the same statistic with the event's
// windows shifted by every whole number of periods that lands them on
// periods no candidate event touches (placebo dates, which carry the
// weekday and the seasons' turns by chance, as the real dates would
// without an effect; an event beside one that moves sales, Cyber Monday
// beside Black Friday, may borrow some of its neighbour's deviation, so
// the screen errs towards keeping such an event). With fewer than eventScreenMinShifts such shifts
// the history is too short to judge, and every event is kept.
func builtinThatMove(p *panel.Panel, until int, names []string, promoted func(si, t int) bool) []string {
	if len(names) == 0 {
		return names
	}
	sig, ok := screenSignal(p, until, promoted)
	if !ok {
		return names
	}
	n := len(sig)
	cal, err := newCalendar(true, names, nil, false)
	if err != nil {
		return names // the built-in events are well formed
	}
	// w[f][t]: the share of period t's days in feature f (event_, pre_,
	// post_ per event, in the calendar's order of its events).
	nf := cal.NumFeatures()
	w := make([][]float64, nf)
	for f := range w {
		w[f] = make([]float64, n)
	}
	out := make([]float64, nf)
	for t := range n {
		first, last, ok := p.Grid.Days(p.First + t)
		if !ok {
			return names
		}
		cal.Features(calendar.Date(first), calendar.Date(last), out)
		for f, v := range out {
			w[f][t] = v
		}
	}
	events := cal.Events()
	perEvent := nf / len(events)
	// busy holds the periods some event's phases touch: a placebo date is
	// one none of them does.
	busy := map[int]bool{}
	for _, ph := range w {
		for t, v := range ph {
			if v > 0 {
				busy[t] = true
			}
		}
	}
	var keep []string
	for e, ev := range events {
		name := ev.Name
		phases := w[e*perEvent : (e+1)*perEvent]
		var touched []int // the periods this event's phases touch
		for t := range n {
			for _, ph := range phases {
				if ph[t] > 0 {
					touched = append(touched, t)
					break
				}
			}
		}
		if len(touched) == 0 {
			continue // no day of the event inside the history
		}
		real := shiftedStat(phases, sig, 0)
		var placebo []float64
		for d := -(n - 1); d <= n-1; d++ {
			if d == 0 || overlaps(touched, busy, d) {
				continue
			}
			if s := shiftedStat(phases, sig, d); !math.IsNaN(s) {
				placebo = append(placebo, s)
			}
		}
		if len(placebo) < eventScreenMinShifts || math.IsNaN(real) {
			keep = append(keep, name)
			continue
		}
		slices.Sort(placebo)
		// The smallest placebo value at or above the level's quantile.
		q := placebo[min(len(placebo)-1, int(math.Ceil(eventScreenLevel*float64(len(placebo))))-1)]
		if real > q {
			keep = append(keep, name)
		}
	}
	if keep == nil {
		keep = []string{}
	}
	return keep
}

// overlaps reports whether moving the periods touched d later lands one
// of them on a busy period: on an event's days, the shifted event's own
// included (another occurrence, a year on).
func overlaps(touched []int, busy map[int]bool, d int) bool {
	for _, t := range touched {
		if busy[t+d] {
			return true
		}
	}
	return false
}

// shiftedStat is the event screen's statistic with the event's phases
// moved d periods later: the largest absolute mean of sig weighted by a
// phase's shares. A phase that the shift moves more than half out of the
// history does not count; NaN when none counts.
func shiftedStat(phases [][]float64, sig []float64, d int) float64 {
	best := math.NaN()
	n := len(sig)
	for _, ph := range phases {
		var all, in, sum float64
		for t, v := range ph {
			if v == 0 {
				continue
			}
			all += v
			if u := t + d; u >= 0 && u < n && !math.IsNaN(sig[u]) {
				in += v
				sum += v * sig[u]
			}
		}
		if all == 0 || in < all/2 {
			continue
		}
		if s := math.Abs(sum / in); math.IsNaN(best) || s > best {
			best = s
		}
	}
	return best
}

// screenSignal returns the event screen's signal for periods p.First..until
// (see builtinThatMove), NaN where no series is observed; false when no
// period has a grid date.
func screenSignal(p *panel.Panel, until int, promoted func(si, t int) bool) ([]float64, bool) {
	n := until - p.First + 1
	if n < 1 {
		return nil, false
	}
	sum, cnt := make([]float64, n), make([]float64, n)
	for si, s := range p.Series {
		var mean float64
		var k int
		for i, y := range s.Y {
			if t := s.Start + i; t <= until && y >= 0 && !promoted(si, t) {
				mean += math.Log1p(y)
				k++
			}
		}
		if k == 0 {
			continue
		}
		mean /= float64(k)
		for i, y := range s.Y {
			if t := s.Start + i - p.First; t >= 0 && t < n && y >= 0 && !promoted(si, s.Start+i) {
				sum[t] += math.Log1p(y) - mean
				cnt[t]++
			}
		}
	}
	m := make([]float64, n)
	for t := range m {
		m[t] = math.NaN()
		if cnt[t] > 0 {
			m[t] = sum[t] / cnt[t]
		}
	}
	first, last, ok := p.Grid.Days(p.First)
	if !ok {
		return nil, false
	}
	half := max(1, eventScreenDays/(last-first+1))
	sig := make([]float64, n)
	win := make([]float64, 0, 2*half+1)
	for t := range m {
		sig[t] = math.NaN()
		if math.IsNaN(m[t]) {
			continue
		}
		win = win[:0]
		for u := max(0, t-half); u <= min(n-1, t+half); u++ {
			if !math.IsNaN(m[u]) {
				win = append(win, m[u])
			}
		}
		slices.Sort(win)
		sig[t] = m[t] - median(win)
	}
	return sig, true
}

// median returns the median of sorted xs (not empty).
func median(xs []float64) float64 {
	k := len(xs) / 2
	if len(xs)%2 == 1 {
		return xs[k]
	}
	return (xs[k-1] + xs[k]) / 2
}
