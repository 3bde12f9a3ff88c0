package tune

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
)

// Dist is one dimension of a search space: it maps a uniform number u in
// [0, 1) to a value. Uniform, LogUniform, IntRange and Choice make them;
// any type with these methods can be a dimension too.
type Dist interface {
	// Value returns the value at quantile u ∈ [0, 1).
	Value(u float64) any
	// Check reports an error when the dimension cannot be sampled.
	Check() error
	// String describes the dimension, e.g. "log-uniform[0.02, 0.3]".
	String() string
}

// Space maps parameter names to their dimensions.
type Space map[string]Dist

// names returns the space's names sorted, the order values are drawn in.
func (s Space) names() []string {
	names := make([]string, 0, len(s))
	for n := range s {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Check reports the first dimension (in name order) that cannot be
// sampled, or an empty space.
func (s Space) Check() error {
	if len(s) == 0 {
		return fmt.Errorf("search space has no parameters")
	}
	for _, n := range s.names() {
		if s[n] == nil {
			return fmt.Errorf("search space: parameter %q has no distribution", n)
		}
		if err := s[n].Check(); err != nil {
			return fmt.Errorf("search space: parameter %q: %w", n, err)
		}
	}
	return nil
}

// sample draws one configuration, a value per name in name order.
func (s Space) sample(r *rng) Params {
	p := Params{}
	for _, n := range s.names() {
		p[n] = s[n].Value(r.float())
	}
	return p
}

type uniform struct{ lo, hi float64 }

// Uniform is a float64 drawn uniformly from [lo, hi].
func Uniform(lo, hi float64) Dist { return uniform{lo, hi} }

func (d uniform) Value(u float64) any { return d.lo + u*(d.hi-d.lo) }
func (d uniform) String() string      { return fmt.Sprintf("uniform[%g, %g]", d.lo, d.hi) }
func (d uniform) Check() error {
	if !finite(d.lo) || !finite(d.hi) || d.lo > d.hi {
		return fmt.Errorf("uniform range [%v, %v]: expected finite lo ≤ hi", d.lo, d.hi)
	}
	return nil
}

type logUniform struct{ lo, hi float64 }

// LogUniform is a float64 whose logarithm is uniform on [log lo, log hi]:
// for scales such as learning rates and penalties. It needs 0 < lo ≤ hi.
func LogUniform(lo, hi float64) Dist { return logUniform{lo, hi} }

func (d logUniform) Value(u float64) any {
	return math.Exp(math.Log(d.lo) + u*(math.Log(d.hi)-math.Log(d.lo)))
}
func (d logUniform) String() string { return fmt.Sprintf("log-uniform[%g, %g]", d.lo, d.hi) }
func (d logUniform) Check() error {
	if !finite(d.lo) || !finite(d.hi) || !(d.lo > 0) || d.lo > d.hi {
		return fmt.Errorf("log-uniform range [%v, %v]: expected finite 0 < lo ≤ hi", d.lo, d.hi)
	}
	return nil
}

type intRange struct{ lo, hi int }

// IntRange is an int drawn uniformly from lo..hi, both included.
func IntRange(lo, hi int) Dist { return intRange{lo, hi} }

func (d intRange) Value(u float64) any {
	v := d.lo + int(u*float64(d.hi-d.lo+1))
	return min(v, d.hi)
}
func (d intRange) String() string { return fmt.Sprintf("int[%d, %d]", d.lo, d.hi) }
func (d intRange) Check() error {
	if d.lo > d.hi {
		return fmt.Errorf("integer range [%d, %d]: expected lo ≤ hi", d.lo, d.hi)
	}
	return nil
}

type choice []any

// Choice is one of values, each equally likely.
func Choice(values ...any) Dist { return choice(values) }

func (d choice) Value(u float64) any { return d[min(int(u*float64(len(d))), len(d)-1)] }
func (d choice) String() string {
	s := make([]string, len(d))
	for i, v := range d {
		s[i] = fmt.Sprint(v)
	}
	return "choice{" + strings.Join(s, ", ") + "}"
}
func (d choice) Check() error {
	if len(d) == 0 {
		return fmt.Errorf("choice of no values")
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Params is one configuration: a value per parameter name (float64 from
// Uniform and LogUniform, int from IntRange, the given values from Choice).
type Params map[string]any

// String writes the configuration as name=value pairs in name order,
// numbers to four significant digits: "learning_rate=0.022, rounds=351".
func (p Params) String() string {
	names := slices.Sorted(maps.Keys(p))
	parts := make([]string, len(names))
	for i, n := range names {
		switch v := p[n].(type) {
		case float64:
			parts[i] = fmt.Sprintf("%s=%.4g", n, v)
		default:
			parts[i] = fmt.Sprintf("%s=%v", n, v)
		}
	}
	return strings.Join(parts, ", ")
}

// Float returns parameter name as a float64 (ints convert), or def when
// it is absent or not a number.
func (p Params) Float(name string, def float64) float64 {
	switch v := p[name].(type) {
	case float64:
		return v
	case int:
		return float64(v)
	}
	return def
}

// Int returns parameter name as an int, or def when it is absent or not
// an int.
func (p Params) Int(name string, def int) int {
	if v, ok := p[name].(int); ok {
		return v
	}
	return def
}

// Text returns parameter name as a string, or def when it is absent or
// not a string.
func (p Params) Text(name string, def string) string {
	if v, ok := p[name].(string); ok {
		return v
	}
	return def
}

// rng is a seeded generator with a fixed algorithm (a 64-bit linear
// congruential step mixed by MurmurHash3's finaliser), so that draws do not
// depend on the Go version.
type rng struct{ state uint64 }

func newRNG(seed uint64) *rng { return &rng{state: seed ^ 0x9e3779b97f4a7c15} }

func (r *rng) next() uint64 {
	r.state = r.state*6364136223846793005 + 1442695040888963407
	x := r.state
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// float returns a number in [0, 1) with 53 random bits.
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }
