package nn

import (
	"math"
	"math/bits"
)

// splitMix is the SplitMix64 generator: tiny, fast and fully specified
// here, so that a seed gives the same stream on every platform and Go
// release.
type splitMix struct{ s uint64 }

// newRNG returns a generator for the stream named by seed and the given
// sub-stream numbers (e.g. step and chunk), so that each chunk of each
// step has its own stream whatever goroutine runs it.
func newRNG(seed uint64, sub ...uint64) *splitMix {
	r := &splitMix{s: seed}
	for _, v := range sub {
		r.s = r.next() ^ v
	}
	return r
}

func (r *splitMix) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// float64 returns a uniform number in [0, 1).
func (r *splitMix) float64() float64 { return float64(r.next()>>11) / (1 << 53) }

// normal returns a standard normal number (Box–Muller).
func (r *splitMix) normal() float64 {
	u := 1 - r.float64() // (0, 1]
	v := r.float64()
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*v)
}

// intN returns a uniform integer in [0, n) (n ≥ 1), by Lemire's
// multiply-shift without rejection; the bias is below 2⁻³² for the row
// counts a fit sees.
func (r *splitMix) intN(n int) int {
	hi, _ := bits.Mul64(r.next(), uint64(n))
	return int(hi)
}

// shuffle permutes idx in place (Fisher–Yates).
func (r *splitMix) shuffle(idx []int) {
	for i := len(idx) - 1; i > 0; i-- {
		j := r.intN(i + 1)
		idx[i], idx[j] = idx[j], idx[i]
	}
}
