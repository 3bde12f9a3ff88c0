package uplift

import (
	"fmt"
	"math/rand/v2"

	"promocast/data"
	"promocast/learn/linear"
)

// fitPropensity fits, on rows idx of d, one logistic regression per arm
// of the probability that a customer is in that arm (one against the
// rest). In a randomised test they come out flat at the arms' shares.
func fitPropensity(d *Data, idx []int) ([]*component, error) {
	var out []*component
	for a := range d.Arms {
		m, err := fitArmProbability(d, idx, a)
		if err != nil {
			return nil, fmt.Errorf("arm %q: %w", d.Arms[a], err)
		}
		out = append(out, &component{Kind: kindLogistic, p: m})
	}
	return out, nil
}

// fitArmProbability fits, on rows idx of d, a logistic regression of the
// probability that a customer is in arm a.
func fitArmProbability(d *Data, idx []int, a int) (*linear.LogisticModel, error) {
	y := make([]float64, d.Rows())
	for _, i := range idx {
		if d.T[i] == a {
			y[i] = 1
		}
	}
	return linear.FitLogistic(dataset(d, idx, y), linear.LogisticParams{})
}

// Propensities returns, for each arm (control first) and every row of X,
// the modelled probability that a customer with those features was in
// that arm; each row's probabilities sum to 1.
func (m *Model) Propensities(X *data.Matrix) ([][]float64, error) {
	out := make([][]float64, len(m.Propensity))
	for a, c := range m.Propensity {
		p, err := c.predict(X)
		if err != nil {
			return nil, err
		}
		out[a] = p
	}
	for i := 0; i < X.Rows; i++ {
		s := 0.0
		for a := range out {
			s += out[a][i]
		}
		for a := range out {
			out[a][i] /= s
		}
	}
	return out, nil
}

// pairPropensity fits, on the rows of train in the control or arm k, the
// probability of arm k, and predicts it for X.
func pairPropensity(d *Data, train []int, k int, X *data.Matrix) ([]float64, error) {
	m, err := fitArmProbability(d, train, k)
	if err != nil {
		return nil, err
	}
	out := make([]float64, X.Rows)
	return out, m.Predict(X, out)
}

// assignFolds deals rows (indices into d) into k folds, shuffled by seed
// and stratified by arm and by whether the outcome is positive, so that
// every fold holds every arm. It returns each row's fold, indexed like
// rows.
func assignFolds(d *Data, rows []int, k int, seed uint64) []int {
	rng := rand.New(rand.NewPCG(seed, 0x75706c696674))
	strata := map[int][]int{}
	for r, i := range rows {
		key := d.T[i] * 2
		if d.Y[i] > 0 {
			key++
		}
		strata[key] = append(strata[key], r)
	}
	fold := make([]int, len(rows))
	next := 0
	for key := 0; key <= 2*len(d.Arms); key++ {
		members, ok := strata[key]
		if !ok {
			continue
		}
		rng.Shuffle(len(members), func(a, b int) { members[a], members[b] = members[b], members[a] })
		for _, r := range members {
			fold[r] = next % k
			next++
		}
	}
	return fold
}
