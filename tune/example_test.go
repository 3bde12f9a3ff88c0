package tune_test

import (
	"context"
	"fmt"
	"math"

	"promocast/tune"
)

// Random search finds the minimum of a bowl: x near 2 and the "b" branch.
func ExampleRandom() {
	space := tune.Space{"x": tune.Uniform(-10, 10), "branch": tune.Choice("a", "b")}
	bowl := func(_ context.Context, p tune.Params, _ float64) (float64, error) {
		s := math.Pow(p.Float("x", 0)-2, 2)
		if p.Text("branch", "") == "a" {
			s += 1
		}
		return s, nil
	}
	res, err := tune.Random(context.Background(), space, bowl, tune.Options{Trials: 200, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	best, _ := res.Best()
	fmt.Printf("x ≈ %.0f, branch %s, %d trials\n", best.Params.Float("x", 0), best.Params.Text("branch", ""), len(res.Trials))
	// Output: x ≈ 2, branch b, 200 trials
}
