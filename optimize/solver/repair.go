package solver

import (
	"math"
	"slices"
)

// candidate is a proposed move of one slot to option o.
type candidate struct {
	slot, o int
	score   float64 // ordering key, higher first
	gain    float64 // objective change
}

func sortCandidates(cs []candidate) {
	slices.SortFunc(cs, func(a, b candidate) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		case a.gain > b.gain:
			return -1
		case a.gain < b.gain:
			return 1
		}
		return a.slot - b.slot
	})
}

// reduction is how much moving slot i to o lowers the scaled excess of the
// violated rows; ok is false when the move raises a violated row or pushes
// another row over its limit.
func (s *state) reduction(i, o int) (red float64, ok bool) {
	c, cur := s.c, s.choice[i]
	for _, r := range c.rowsOf(i) {
		if r < 0 {
			continue
		}
		d := c.coef(i, o, r) - c.coef(i, cur, r)
		ex := s.load[r] - c.rhs[r]
		switch {
		case ex > c.tol[r]:
			if d > 0 {
				return 0, false
			}
			red += math.Min(-d, ex) / c.scale[r]
		case d > 0 && s.load[r]+d > c.rhs[r]+c.tol[r]:
			return 0, false
		}
	}
	if r := c.stRow[i]; r >= 0 {
		d := c.units[o] - c.units[cur]
		ex := s.stLoad[r] - c.stRhs[r]
		switch {
		case ex > c.stTol[r]:
			if d > 0 {
				return 0, false
			}
			red += math.Min(-d, ex) / math.Max(1, c.stRhs[r])
		case d > 0 && s.stLoad[r]+d > c.stRhs[r]+c.stTol[r]:
			return 0, false
		}
	}
	return red, true
}

// repair moves slots to options that lower the excess of violated rows,
// cheapest objective loss per unit of excess removed first, until the plan
// is feasible or no such move remains. It reports feasibility.
func (s *state) repair(maxRounds int) bool {
	c := s.c
	var cs []candidate
	for round := 0; round < maxRounds; round++ {
		if s.violation() == 0 {
			return true
		}
		cs = cs[:0]
		for i := 0; i < c.n; i++ {
			best := candidate{slot: -1}
			for o := c.start[i]; o < c.start[i+1]; o++ {
				if o == s.choice[i] {
					continue
				}
				red, ok := s.reduction(i, o)
				if !ok || red <= 0 {
					continue
				}
				gain := c.obj[o] - c.obj[s.choice[i]]
				cand := candidate{i, o, gain / red, gain}
				if best.slot < 0 || cand.score > best.score {
					best = cand
				}
			}
			if best.slot >= 0 {
				cs = append(cs, best)
			}
		}
		sortCandidates(cs)
		applied := 0
		for _, m := range cs {
			if red, ok := s.reduction(m.slot, m.o); ok && red > 0 {
				s.move(m.slot, m.o)
				applied++
			}
		}
		if applied == 0 {
			break
		}
	}
	return s.violation() == 0
}

// improve makes objective-raising moves that keep every row within its
// limit, best gain per priced resource first (resources priced at the dual
// multipliers lam and shadow prices sig), until none is left.
func (s *state) improve(lam, sig []float64, maxRounds int) {
	c := s.c
	var cs []candidate
	for round := 0; round < maxRounds; round++ {
		cs = cs[:0]
		for i := 0; i < c.n; i++ {
			cur := s.choice[i]
			best := candidate{slot: -1}
			for o := c.start[i]; o < c.start[i+1]; o++ {
				gain := c.obj[o] - c.obj[cur]
				if gain <= 1e-12*math.Max(1, math.Abs(c.obj[cur])) || !s.fits(i, o) {
					continue
				}
				price := 0.0
				for _, r := range c.rowsOf(i) {
					if r >= 0 {
						price += lam[r] * math.Max(0, c.coef(i, o, r)-c.coef(i, cur, r))
					}
				}
				if r := c.stRow[i]; r >= 0 {
					price += sig[r] * math.Max(0, c.units[o]-c.units[cur])
				}
				score := math.Inf(1)
				if price > 0 {
					score = gain / price
				}
				cand := candidate{i, o, score, gain}
				if best.slot < 0 || cand.score > best.score || (cand.score == best.score && cand.gain > best.gain) {
					best = cand
				}
			}
			if best.slot >= 0 {
				cs = append(cs, best)
			}
		}
		sortCandidates(cs)
		applied := 0
		for _, m := range cs {
			if s.fits(m.slot, m.o) {
				s.move(m.slot, m.o)
				applied++
			}
		}
		if applied == 0 {
			return
		}
	}
}
