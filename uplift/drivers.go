package uplift

import (
	"math"
	"math/rand/v2"
	"sort"

	"promocast/data"
	"promocast/learn/gbdt"
	"promocast/model"
)

// Driver is one feature's share in a treatment's predicted uplift.
type Driver struct {
	// Feature is the feature's name.
	Feature string `json:"feature"`
	// MeanAbs is the mean absolute SHAP value: by how much, on average,
	// the feature moves a customer's predicted uplift away from the
	// average customer's, in outcome units.
	MeanAbs float64 `json:"mean_abs"`
	// Direction is the correlation between the feature's value and its
	// SHAP value for a numeric feature (+1: higher values, more uplift);
	// NaN for categorical features.
	Direction float64 `json:"direction"`
}

// Drivers is what drives one treatment's predicted uplift.
type Drivers struct {
	// Arm is the treatment.
	Arm string `json:"arm"`
	// Fidelity is the R² of the surrogate against the model's uplift.
	Fidelity float64 `json:"fidelity"`
	// Features are the drivers, largest MeanAbs first.
	Features []Driver `json:"features"`
}

// Drivers explains, for each treatment, which features drive the model's
// predicted uplift on the customers in X. Whatever the meta-learner (whose
// uplift may be a difference or a blend of several models), it fits one
// boosted-tree surrogate of the predicted uplift on X by squared loss and
// takes its exact TreeSHAP values, which are in outcome units and sum, per
// customer, to the surrogate's prediction; Fidelity says how closely the
// surrogate follows the model. TreeSHAP is costly, so at most maxRows
// customers (drawn by seed; 0 means 2000) are used.
func (m *Model) Drivers(X *data.Matrix, maxRows int, seed uint64) ([]Drivers, error) {
	if maxRows == 0 {
		maxRows = 2000
	}
	if X.Rows > maxRows {
		idx := rand.New(rand.NewPCG(seed, 3)).Perm(X.Rows)[:maxRows]
		sort.Ints(idx)
		S := data.NewMatrix(maxRows, X.Cols)
		for r, i := range idx {
			copy(S.Row(r), X.Row(i))
		}
		X = S
	}
	tau, err := m.Uplift(X)
	if err != nil {
		return nil, err
	}
	var out []Drivers
	for k, t := range tau {
		ds := &model.Dataset{X: X, Y: t, Features: m.Features}
		s, err := gbdt.Train(ds, nil, gbdt.Params{Rounds: 100, LearningRate: 0.2, MaxDepth: 4, MaxLeaves: 15, MinChildWeight: 20, Seed: seed})
		if err != nil {
			return nil, err
		}
		fit := make([]float64, X.Rows)
		if err := s.Predict(X, fit); err != nil {
			return nil, err
		}
		phi := make([]float64, X.Rows*(X.Cols+1))
		if err := s.SHAP(X, phi); err != nil {
			return nil, err
		}
		dr := Drivers{Arm: m.Arms[k+1], Fidelity: rSquared(t, fit)}
		for j, f := range m.Features {
			col := make([]float64, X.Rows)
			d := Driver{Feature: f.Name, Direction: math.NaN()}
			for i := range col {
				col[i] = phi[i*(X.Cols+1)+j]
				d.MeanAbs += math.Abs(col[i]) / float64(X.Rows)
			}
			if !f.Categorical {
				vals := make([]float64, X.Rows)
				for i := range vals {
					vals[i] = X.At(i, j)
				}
				d.Direction = correlation(vals, col)
			}
			dr.Features = append(dr.Features, d)
		}
		sort.SliceStable(dr.Features, func(a, b int) bool { return dr.Features[a].MeanAbs > dr.Features[b].MeanAbs })
		out = append(out, dr)
	}
	return out, nil
}

// rSquared is 1 − SSE/SST of fit against y.
func rSquared(y, fit []float64) float64 {
	mean, _ := meanSD(y)
	var sse, sst float64
	for i, v := range y {
		sse += (v - fit[i]) * (v - fit[i])
		sst += (v - mean) * (v - mean)
	}
	if sst == 0 {
		return 1
	}
	return 1 - sse/sst
}

// correlation is Pearson's r over the rows where x is not missing; NaN
// when either side is constant.
func correlation(x, y []float64) float64 {
	var n, sx, sy, sxx, syy, sxy float64
	for i, v := range x {
		if math.IsNaN(v) {
			continue
		}
		n++
		sx += v
		sy += y[i]
		sxx += v * v
		syy += y[i] * y[i]
		sxy += v * y[i]
	}
	cov := sxy/n - sx/n*sy/n
	vx, vy := sxx/n-sx/n*sx/n, syy/n-sy/n*sy/n
	if !(vx > 0 && vy > 0) {
		return math.NaN()
	}
	return cov / math.Sqrt(vx*vy)
}
