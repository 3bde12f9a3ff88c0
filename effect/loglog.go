package effect

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/mat"

	"promocast/panel"
	"promocast/spec"
)

// Coef is one regression coefficient with its standard error.
type Coef struct {
	Name     string
	Estimate float64
	StdErr   float64
}

// Effect converts a lever's coefficient to the lift of moving the lever
// by step: exp(g·step) − 1.
func (c Coef) Effect(step float64) float64 { return math.Exp(c.Estimate*step) - 1 }

// Interval returns Effect(step) with the effects at the ends of the
// coefficient's band of ±2 standard errors (about 95%): lo at Estimate −
// 2·StdErr, hi at Estimate + 2·StdErr.
func (c Coef) Interval(step float64) (lift, lo, hi float64) {
	return c.Effect(step), Coef{Estimate: c.Estimate - 2*c.StdErr}.Effect(step), Coef{Estimate: c.Estimate + 2*c.StdErr}.Effect(step)
}

// LogLog fits ln(units) = a_series + e·ln(price) + Σ g·flag by ordinary
// least squares after removing each series' means (the within estimator),
// on history rows with positive units and price. The first coefficient is
// the price elasticity, then one per flag lever in spec order; a lever that
// moves within no series is left out of the fit and its coefficient is
// NaN.
func LogLog(p *panel.Panel) ([]Coef, int, error) {
	levers, err := p.Spec.Levers()
	if err != nil {
		return nil, 0, err
	}
	idx := map[string]int{}
	for k, name := range p.Spec.Known {
		idx[name] = k
	}
	price := p.Spec.PriceColumn()
	if price == "" {
		return nil, 0, fmt.Errorf("log-log regression needs a price column")
	}
	names := []string{"ln(" + price + ")"}
	cols := []int{idx[price]}
	for _, lv := range levers {
		if lv.Kind == spec.OffNumber {
			names = append(names, lv.Name)
			cols = append(cols, idx[lv.Name])
		}
	}
	k := len(cols)
	var rows [][]float64
	var ys []float64
	for _, s := range p.Series {
		start := len(ys)
		for i, y := range s.Y {
			if !(y > 0) {
				continue
			}
			row := make([]float64, k)
			ok := true
			for j, c := range cols {
				v := s.Known[c][i]
				if j == 0 {
					if !(v > 0) {
						ok = false
						break
					}
					v = math.Log(v)
				}
				if math.IsNaN(v) {
					ok = false
					break
				}
				row[j] = v
			}
			if ok {
				rows = append(rows, row)
				ys = append(ys, math.Log(y))
			}
		}
		demean(rows[start:], ys[start:])
	}
	n := len(ys)
	if n <= len(p.Series) {
		return nil, n, fmt.Errorf("log-log regression: %d usable rows (positive units and price) are too few for %d series", n, len(p.Series))
	}
	// A lever that moves within no series has no within estimate: it is
	// left out of the fit, its coefficient NaN.
	var varies []int
	for j := 0; j < k; j++ {
		ss := 0.0
		for _, r := range rows {
			ss += r[j] * r[j]
		}
		if ss > 1e-12*float64(n) {
			varies = append(varies, j)
		}
	}
	if len(varies) == 0 {
		return nil, n, fmt.Errorf("log-log regression: no lever (%s) varies within any series", strings.Join(names, ", "))
	}
	if n <= len(varies)+len(p.Series) {
		return nil, n, fmt.Errorf("log-log regression: %d usable rows are too few for %d series and %d effects", n, len(p.Series), len(varies))
	}
	X := mat.NewDense(n, len(varies), nil)
	for i, r := range rows {
		for a, j := range varies {
			X.Set(i, a, r[j])
		}
	}
	y := mat.NewVecDense(n, ys)
	var xtx mat.Dense
	xtx.Mul(X.T(), X)
	var xty mat.VecDense
	xty.MulVec(X.T(), y)
	var inv mat.Dense
	if err := inv.Inverse(&xtx); err != nil {
		return nil, n, fmt.Errorf("log-log regression: the levers restate one another within the series (%v)", err)
	}
	var beta mat.VecDense
	beta.MulVec(&inv, &xty)
	var fit mat.VecDense
	fit.MulVec(X, &beta)
	rss := 0.0
	for i := 0; i < n; i++ {
		d := ys[i] - fit.AtVec(i)
		rss += d * d
	}
	sigma2 := rss / float64(n-len(varies)-len(p.Series))
	out := make([]Coef, k)
	for j := range out {
		out[j] = Coef{Name: names[j], Estimate: math.NaN(), StdErr: math.NaN()}
	}
	for a, j := range varies {
		out[j].Estimate, out[j].StdErr = beta.AtVec(a), math.Sqrt(sigma2*inv.At(a, a))
	}
	return out, n, nil
}

// demean subtracts the column means of one series' rows and targets.
func demean(rows [][]float64, ys []float64) {
	if len(ys) == 0 {
		return
	}
	k := len(rows[0])
	means := make([]float64, k+1)
	for i, r := range rows {
		for j, v := range r {
			means[j] += v
		}
		means[k] += ys[i]
	}
	for j := range means {
		means[j] /= float64(len(ys))
	}
	for i, r := range rows {
		for j := range r {
			r[j] -= means[j]
		}
		ys[i] -= means[k]
	}
}
