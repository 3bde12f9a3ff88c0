package solver

import "math"

// state is a plan (global option index per slot) with its row loads.
type state struct {
	c      *compiled
	choice []int
	load   []float64 // per global row
	stLoad []float64 // per stock row
	obj    float64
}

// newState computes loads and objective from scratch, in slot order.
func (c *compiled) newState(choice []int) *state {
	s := &state{c: c, choice: choice, load: make([]float64, len(c.rhs)), stLoad: make([]float64, len(c.stRhs))}
	for i, o := range choice {
		s.obj += c.obj[o]
		for _, r := range c.rowsOf(i) {
			if r >= 0 {
				s.load[r] += c.coef(i, o, r)
			}
		}
		if r := c.stRow[i]; r >= 0 {
			s.stLoad[r] += c.units[o]
		}
	}
	return s
}

// move switches slot i to option o.
func (s *state) move(i, o int) {
	c, old := s.c, s.choice[i]
	s.obj += c.obj[o] - c.obj[old]
	for _, r := range c.rowsOf(i) {
		if r >= 0 {
			s.load[r] += c.coef(i, o, r) - c.coef(i, old, r)
		}
	}
	if r := c.stRow[i]; r >= 0 {
		s.stLoad[r] += c.units[o] - c.units[old]
	}
	s.choice[i] = o
}

// fits reports whether moving slot i to option o keeps every row it touches
// within its limit or, for a row already over it, does not raise its load.
func (s *state) fits(i, o int) bool {
	c, old := s.c, s.choice[i]
	for _, r := range c.rowsOf(i) {
		if r < 0 {
			continue
		}
		d := c.coef(i, o, r) - c.coef(i, old, r)
		if d > 0 && s.load[r]+d > c.rhs[r]+c.tol[r] {
			return false
		}
	}
	if r := c.stRow[i]; r >= 0 {
		d := c.units[o] - c.units[old]
		if d > 0 && s.stLoad[r]+d > c.stRhs[r]+c.stTol[r] {
			return false
		}
	}
	return true
}

// violation is the total scaled excess over all rows (0 when feasible).
func (s *state) violation() float64 {
	c := s.c
	v := 0.0
	for r := range c.rhs {
		if ex := s.load[r] - c.rhs[r]; ex > c.tol[r] {
			v += ex / c.scale[r]
		}
	}
	for r := range c.stRhs {
		if ex := s.stLoad[r] - c.stRhs[r]; ex > c.stTol[r] {
			v += ex / math.Max(1, c.stRhs[r])
		}
	}
	return v
}
