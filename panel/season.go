package panel

import "math"

// Season detection thresholds: a lag is a season when its pooled
// autocorrelation is at least minSeasonACF and rises at least
// minSeasonRise above the lowest autocorrelation at a shorter lag (so a
// slowly decaying, trending or persistent series, whose autocorrelation
// only falls, has none).
const (
	minSeasonACF  = 0.2
	minSeasonRise = 0.1
	maxSeasonLag  = 400
)

// DetectSeason returns the length of the panel's main seasonal cycle in
// periods, read from the targets up to period until, or 1 when there is
// none. It is what a forecaster does by eye: take each series' log1p
// target, remove its own linear trend and mean, pool the autocorrelations
// of every series at each lag, and take the lag whose autocorrelation
// peaks highest — preferring a shorter lag when a multiple of it peaks
// about as high (7 rather than 14 days). A lag needs two full cycles of
// history in some series to be considered. Missing periods are skipped,
// not filled.
func DetectSeason(p *Panel, until int) int {
	maxLag := 0
	xs := make([][]float64, 0, len(p.Series))
	for _, s := range p.Series {
		x := detrended(s, until)
		if x == nil {
			continue
		}
		xs = append(xs, x)
		maxLag = max(maxLag, len(x)/2)
	}
	maxLag = min(maxLag, maxSeasonLag)
	if maxLag < 2 {
		return 1
	}
	acf := make([]float64, maxLag+1)
	for k := 1; k <= maxLag; k++ {
		var sxy, sxx, syy float64
		for _, x := range xs {
			for t := k; t < len(x); t++ {
				a, b := x[t-k], x[t]
				if math.IsNaN(a) || math.IsNaN(b) {
					continue
				}
				sxy += a * b
				sxx += a * a
				syy += b * b
			}
		}
		if sxx > 0 && syy > 0 {
			acf[k] = sxy / math.Sqrt(sxx*syy)
		}
	}
	best, bestACF := 1, minSeasonACF
	low := acf[1]
	for k := 2; k < maxLag; k++ {
		low = math.Min(low, acf[k])
		peak := acf[k] >= acf[k-1] && acf[k] >= acf[k+1]
		if peak && acf[k] >= bestACF && acf[k]-low >= minSeasonRise {
			best, bestACF = k, acf[k]
		}
	}
	// Prefer the shortest divisor of the best lag that peaks about as high.
	for d := 2; d < best; d++ {
		if best%d == 0 && acf[d] >= 0.9*bestACF && acf[d] >= acf[d-1] && acf[d] >= acf[d+1] {
			return d
		}
	}
	// Noise moves a broad peak by a period or two: take the calendar's
	// cycle next to it when it is about as strong (52 rather than 51).
	for _, c := range commonSeasons {
		if c != best && c <= maxLag && abs(c-best) <= max(1, c/50) && acf[c] >= 0.9*bestACF {
			return c
		}
	}
	return best
}

// commonSeasons are the cycles calendars make: weeks in a month and a
// quarter, days in a week, months and weeks in a year, days in a year.
var commonSeasons = []int{4, 7, 12, 13, 24, 52, 364, 365}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// detrended returns series s's log1p targets up to period until with their
// least-squares line removed, NaN where missing; nil when fewer than four
// periods are observed.
func detrended(s *Series, until int) []float64 {
	n := min(len(s.Y), until-s.Start+1)
	if n < 4 {
		return nil
	}
	x := make([]float64, n)
	var st, sy, stt, sty, cnt float64
	for t := 0; t < n; t++ {
		y := s.Y[t]
		if math.IsNaN(y) {
			x[t] = math.NaN()
			continue
		}
		v := math.Log1p(math.Max(y, 0))
		x[t] = v
		ft := float64(t)
		st, sy, stt, sty, cnt = st+ft, sy+v, stt+ft*ft, sty+ft*v, cnt+1
	}
	if cnt < 4 {
		return nil
	}
	slope := 0.0
	if d := cnt*stt - st*st; d > 0 {
		slope = (cnt*sty - st*sy) / d
	}
	icpt := (sy - slope*st) / cnt
	for t := range x {
		if !math.IsNaN(x[t]) {
			x[t] -= icpt + slope*float64(t)
		}
	}
	return x
}
