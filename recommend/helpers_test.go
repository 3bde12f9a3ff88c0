package recommend

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// synthJSON writes a basket-sequence JSON document of n customers over
// items 0..nItems-1: each customer has a few favourite items they buy
// again and again, and some items drawn from a popularity skew.
func synthJSON(seed uint64, n, nItems int) string {
	rng := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	b.WriteString("{")
	for c := range n {
		if c > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q: [[-1]", fmt.Sprintf("c%d", c))
		fav := []int{rng.IntN(nItems), rng.IntN(nItems), rng.IntN(nItems)}
		for range 2 + rng.IntN(6) {
			b.WriteString(", [")
			size := 1 + rng.IntN(6)
			for i := range size {
				if i > 0 {
					b.WriteString(", ")
				}
				it := fav[rng.IntN(len(fav))]
				if rng.Float64() < 0.5 {
					it = int(float64(nItems) * rng.Float64() * rng.Float64())
				}
				fmt.Fprintf(&b, "%d", it)
			}
			b.WriteString("]")
		}
		b.WriteString(", [-1]]")
	}
	b.WriteString("}")
	return b.String()
}

// synthBaskets parses synthJSON's output.
func synthBaskets(seed uint64, n, nItems int) *Baskets {
	b, err := ReadJSON([]byte(synthJSON(seed, n, nItems)), "synth.json", NewCatalog())
	if err != nil {
		panic(err)
	}
	return b
}

// smallSettings keeps the models small so tests run in milliseconds.
func smallSettings() Settings {
	s := Settings{EASE: EASE{MaxItems: 40, Lambda: 10}, KNN: KNN{Neighbours: 10}}
	s.Candidates = Candidates{FromEASE: 5, FromKNN: 5, Popular: 5}
	s.Trees.Rounds = 20
	s.Trees.MinChildWeight = 1
	s.NewNegatives = 0.5
	return s
}
