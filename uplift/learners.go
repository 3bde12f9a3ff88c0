package uplift

import (
	"fmt"
	"math"

	"promocast/data"
	"promocast/model"
	"promocast/tabular"
)

// Meta-learner names accepted by Config.Learner and stored in models.
const (
	// LearnerS fits one outcome model with the arm as a feature; the uplift
	// is its prediction under each treatment minus under the control.
	LearnerS = "s"
	// LearnerT fits one outcome model per arm; the uplift is the
	// treatment's model minus the control's.
	LearnerT = "t"
	// LearnerX fits the T-learner, imputes each customer's effect from the
	// other arm's model, regresses the imputed effects on the features in
	// each arm, and blends the two effect models by the propensity.
	LearnerX = "x"
	// LearnerDR regresses the doubly robust (AIPW) pseudo-outcome, built
	// from cross-fitted outcome and propensity models, on the features.
	LearnerDR = "dr"
	// LearnerAuto chooses among the four by cross-validated Qini.
	LearnerAuto = "auto"
)

// Learners returns the meta-learner names Fit knows, in the order tables
// list them.
func Learners() []string { return []string{LearnerS, LearnerT, LearnerX, LearnerDR} }

// Model is a fitted uplift model: for each treatment, the expected change
// of the outcome against the control for a customer with given features.
// It is safe for concurrent use.
type Model struct {
	// Learner is the meta-learner, one of Learners().
	Learner string `json:"learner"`
	// Base is the base learner it is built from.
	Base Base `json:"base"`
	// Arms names the arms, the control first.
	Arms []string `json:"arms"`
	// Columns names the treatment, outcome and dropped columns of the
	// training table (empty when the data did not come from a table).
	Columns Columns `json:"columns"`
	// Binary is true when the outcome is 0/1.
	Binary bool `json:"binary"`
	// Features describes the columns of X the model takes.
	Features []model.Feature `json:"features"`
	// Schema encodes a table into X (nil when fitted on a matrix).
	Schema *tabular.Schema `json:"schema,omitempty"`
	// Rows is the number of training rows.
	Rows int `json:"rows"`
	// Clip bounds propensities to [Clip, 1−Clip].
	Clip float64 `json:"clip"`
	// Selection holds the cross-validated candidates when the learner was
	// chosen automatically, best first.
	Selection []Candidate `json:"selection,omitempty"`

	// Outcomes: S-learner one model (arm appended as a categorical
	// feature); T- and X-learner one per arm; none for DR.
	Outcomes []*component `json:"outcomes,omitempty"`
	// Effects: per treatment, X-learner [from treated, from control],
	// DR-learner [effect]; none for S and T.
	Effects [][]*component `json:"effects,omitempty"`
	// Propensity holds one-vs-rest models of each arm's probability.
	Propensity []*component `json:"propensity"`
}

// Treatments returns the treatment arms' names (all arms but the control).
func (m *Model) Treatments() []string { return m.Arms[1:] }

// dataset builds a training set from rows idx of d with targets y
// (indexed like d's rows).
func dataset(d *Data, idx []int, y []float64) *model.Dataset {
	X := data.NewMatrix(len(idx), d.X.Cols)
	ty := make([]float64, len(idx))
	for r, i := range idx {
		copy(X.Row(r), d.X.Row(i))
		ty[r] = y[i]
	}
	return &model.Dataset{X: X, Y: ty, Features: d.Features}
}

// rowsOf returns the indices of rows whose arm is one of arms.
func rowsOf(t []int, arms ...int) []int {
	var idx []int
	for i, a := range t {
		for _, b := range arms {
			if a == b {
				idx = append(idx, i)
				break
			}
		}
	}
	return idx
}

// withArm returns X with one more column holding arm a.
func withArm(X *data.Matrix, a int) *data.Matrix {
	Z := data.NewMatrix(X.Rows, X.Cols+1)
	for i := 0; i < X.Rows; i++ {
		row := Z.Row(i)
		copy(row, X.Row(i))
		row[X.Cols] = float64(a)
	}
	return Z
}

func armFeature(arms int) model.Feature {
	return model.Feature{Name: "arm", Categorical: true, Levels: arms}
}

// fitLearner fits meta-learner name on d with base learner f.
func fitLearner(d *Data, name string, f fitter, crossFit int, clip float64) (*Model, error) {
	m := &Model{Learner: name, Base: f.base, Arms: d.Arms, Columns: d.Columns, Binary: d.Binary(), Features: d.Features,
		Schema: d.Schema, Rows: d.Rows(), Clip: clip}
	var err error
	if m.Propensity, err = fitPropensity(d, allRows(d.Rows())); err != nil {
		return nil, fmt.Errorf("uplift: propensity model: %w", err)
	}
	switch name {
	case LearnerS:
		err = m.fitS(d, f)
	case LearnerT:
		err = m.fitT(d, f)
	case LearnerX:
		err = m.fitX(d, f)
	case LearnerDR:
		err = m.fitDR(d, f, crossFit)
	default:
		return nil, fmt.Errorf("uplift: unknown learner %q: expected s, t, x, dr or auto", name)
	}
	if err != nil {
		return nil, fmt.Errorf("uplift: %s-learner: %w", name, err)
	}
	return m, nil
}

func allRows(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

func (m *Model) fitS(d *Data, f fitter) error {
	ds := &model.Dataset{X: data.NewMatrix(d.Rows(), d.X.Cols+1), Y: d.Y,
		Features: append(append([]model.Feature(nil), d.Features...), armFeature(len(d.Arms)))}
	for i := 0; i < d.Rows(); i++ {
		row := ds.X.Row(i)
		copy(row, d.X.Row(i))
		row[d.X.Cols] = float64(d.T[i])
	}
	c, err := f.outcome(ds, m.Binary)
	if err != nil {
		return err
	}
	m.Outcomes = []*component{c}
	return nil
}

func (m *Model) fitT(d *Data, f fitter) error {
	for a := range d.Arms {
		c, err := f.outcome(dataset(d, rowsOf(d.T, a), d.Y), m.Binary)
		if err != nil {
			return fmt.Errorf("arm %q: %w", d.Arms[a], err)
		}
		m.Outcomes = append(m.Outcomes, c)
	}
	return nil
}

func (m *Model) fitX(d *Data, f fitter) error {
	if err := m.fitT(d, f); err != nil {
		return err
	}
	mu0, err := m.Outcomes[0].predict(d.X)
	if err != nil {
		return err
	}
	for k := 1; k < len(d.Arms); k++ {
		muk, err := m.Outcomes[k].predict(d.X)
		if err != nil {
			return err
		}
		imputed := make([]float64, d.Rows())
		for i, y := range d.Y {
			switch d.T[i] {
			case k:
				imputed[i] = y - mu0[i]
			case 0:
				imputed[i] = muk[i] - y
			}
		}
		fromTreated, err := f.regression(dataset(d, rowsOf(d.T, k), imputed))
		if err != nil {
			return err
		}
		fromControl, err := f.regression(dataset(d, rowsOf(d.T, 0), imputed))
		if err != nil {
			return err
		}
		m.Effects = append(m.Effects, []*component{fromTreated, fromControl})
	}
	return nil
}

// fitDR fits, for each treatment, the regression of the AIPW
// pseudo-outcome on the features. The outcome and propensity models that
// make a row's pseudo-outcome never saw that row (crossFit folds).
func (m *Model) fitDR(d *Data, f fitter, crossFit int) error {
	for k := 1; k < len(d.Arms); k++ {
		rows := rowsOf(d.T, 0, k)
		fold := assignFolds(d, rows, crossFit, f.seed+uint64(k))
		pseudo := make([]float64, d.Rows())
		for j := 0; j < crossFit; j++ {
			var train, test []int
			for r, i := range rows {
				if fold[r] == j {
					test = append(test, i)
				} else {
					train = append(train, i)
				}
			}
			sub := d.Subset(test)
			mu := make([][]float64, 2)
			for s, a := range []int{0, k} {
				c, err := f.outcome(dataset(d, armRows(d.T, train, a), d.Y), m.Binary)
				if err != nil {
					return err
				}
				if mu[s], err = c.predict(sub.X); err != nil {
					return err
				}
			}
			e, err := pairPropensity(d, train, k, sub.X)
			if err != nil {
				return fmt.Errorf("propensity: %w", err)
			}
			for r, i := range test {
				p := clamp(e[r], m.Clip)
				v := mu[1][r] - mu[0][r]
				if d.T[i] == k {
					v += (d.Y[i] - mu[1][r]) / p
				} else {
					v -= (d.Y[i] - mu[0][r]) / (1 - p)
				}
				pseudo[i] = v
			}
		}
		c, err := f.regression(dataset(d, rows, pseudo))
		if err != nil {
			return err
		}
		m.Effects = append(m.Effects, []*component{c})
	}
	return nil
}

// armRows returns the rows of idx whose arm is a.
func armRows(t []int, idx []int, a int) []int {
	var out []int
	for _, i := range idx {
		if t[i] == a {
			out = append(out, i)
		}
	}
	return out
}

func clamp(p, clip float64) float64 {
	return math.Min(math.Max(p, clip), 1-clip)
}

// Uplift predicts, for each treatment (in Treatments order), the expected
// change of the outcome against the control for every row of X.
func (m *Model) Uplift(X *data.Matrix) ([][]float64, error) {
	if err := X.Check(len(m.Features)); err != nil {
		return nil, fmt.Errorf("uplift: %w", err)
	}
	K := len(m.Arms) - 1
	out := make([][]float64, K)
	switch m.Learner {
	case LearnerS:
		mu0, err := m.Outcomes[0].predict(withArm(X, 0))
		if err != nil {
			return nil, err
		}
		for k := 1; k <= K; k++ {
			muk, err := m.Outcomes[0].predict(withArm(X, k))
			if err != nil {
				return nil, err
			}
			out[k-1] = sub(muk, mu0)
		}
	case LearnerT:
		mu0, err := m.Outcomes[0].predict(X)
		if err != nil {
			return nil, err
		}
		for k := 1; k <= K; k++ {
			muk, err := m.Outcomes[k].predict(X)
			if err != nil {
				return nil, err
			}
			out[k-1] = sub(muk, mu0)
		}
	case LearnerX:
		prop, err := m.Propensities(X)
		if err != nil {
			return nil, err
		}
		for k := 1; k <= K; k++ {
			t1, err := m.Effects[k-1][0].predict(X)
			if err != nil {
				return nil, err
			}
			t0, err := m.Effects[k-1][1].predict(X)
			if err != nil {
				return nil, err
			}
			for i := range t1 {
				e := clamp(prop[k][i]/(prop[k][i]+prop[0][i]), m.Clip)
				t1[i] = e*t0[i] + (1-e)*t1[i]
			}
			out[k-1] = t1
		}
	case LearnerDR:
		for k := 1; k <= K; k++ {
			tau, err := m.Effects[k-1][0].predict(X)
			if err != nil {
				return nil, err
			}
			out[k-1] = tau
		}
	default:
		return nil, fmt.Errorf("uplift: unknown learner %q", m.Learner)
	}
	return out, nil
}

func sub(a, b []float64) []float64 {
	for i := range a {
		a[i] -= b[i]
	}
	return a
}
