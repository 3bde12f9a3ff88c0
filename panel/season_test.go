package panel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// seasonalPanel returns n series of length T with a cycle of the given
// period (none when period is 0), a trend and noise.
func seasonalPanel(n, T, period int, noise float64, seed uint64) *Panel {
	rng := rand.New(rand.NewPCG(seed, 1))
	p := &Panel{}
	for s := 0; s < n; s++ {
		y := make([]float64, T)
		level := 20 + 10*rng.Float64()
		phase := rng.Float64() * 2 * math.Pi
		for t := range y {
			v := level * (1 + 0.002*float64(t))
			if period > 0 {
				v *= 1 + 0.5*math.Sin(2*math.Pi*float64(t)/float64(period)+phase)
			}
			y[t] = math.Max(0, math.Round(v*math.Exp(noise*rng.NormFloat64())))
		}
		p.Series = append(p.Series, &Series{Y: y})
	}
	return p
}

func TestDetectSeasonFindsKnownPeriods(t *testing.T) {
	for _, period := range []int{4, 7, 12, 13, 52} {
		for seed := uint64(1); seed <= 3; seed++ {
			p := seasonalPanel(10, 3*period+20, period, 0.3, seed)
			if got := DetectSeason(p, 1<<30); got != period {
				t.Errorf("period %d, seed %d: detected %d", period, seed, got)
			}
		}
	}
}

func TestDetectSeasonNoneInNoiseOrRandomWalk(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		if got := DetectSeason(seasonalPanel(10, 150, 0, 0.4, seed), 1<<30); got != 1 {
			t.Errorf("white noise, seed %d: detected season %d", seed, got)
		}
		rng := rand.New(rand.NewPCG(seed, 2))
		p := &Panel{}
		for s := 0; s < 10; s++ {
			y, v := make([]float64, 150), 50.0
			for i := range y {
				v = math.Max(1, v+3*rng.NormFloat64())
				y[i] = v
			}
			p.Series = append(p.Series, &Series{Y: y})
		}
		if got := DetectSeason(p, 1<<30); got != 1 {
			t.Errorf("random walk, seed %d: detected season %d", seed, got)
		}
	}
}

func TestDetectSeasonReadsNothingAfterUntil(t *testing.T) {
	p := seasonalPanel(10, 200, 12, 0.2, 4)
	want := DetectSeason(p, 99)
	for _, s := range p.Series {
		for t := 100; t < len(s.Y); t++ {
			s.Y[t] = float64(1000 * (t % 5)) // a different cycle after period 99
		}
	}
	if got := DetectSeason(p, 99); got != want {
		t.Fatalf("changing targets after period 99 changed the season: %d then %d", want, got)
	}
}

func TestDetectSeasonSkipsHoles(t *testing.T) {
	p := seasonalPanel(10, 120, 12, 0.2, 5)
	for _, s := range p.Series {
		for t := 30; t < 40; t++ {
			s.Y[t] = math.NaN()
		}
	}
	if got := DetectSeason(p, 1<<30); got != 12 {
		t.Fatalf("with a 10-period hole in every series: detected %d, want 12", got)
	}
}
