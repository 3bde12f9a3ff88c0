package demo

import (
	"fmt"
	"math"
	"sort"

	"promocast/data"
	"promocast/forecast"
)

// UpliftCheck compares a plan's estimated effects with the shop's true
// ones.
type UpliftCheck struct {
	// Forecast and Baseline are the plan's estimated expected units with
	// and without its promotions (forecast.Result.Expected: the truth is
	// expected units too); TrueForecast and TrueBaseline the truth.
	Forecast, Baseline, TrueForecast, TrueBaseline float64
	// PromotedRows counts the plan's promoted rows and SKUs the SKUs with
	// a promotion.
	PromotedRows, SKUs int
	// Corr and WAPE score the estimated uplift per promoted SKU against
	// the true one: Pearson correlation and weighted absolute percentage
	// error.
	Corr, WAPE float64
	// UpliftCover is the share of promoted rows whose true uplift lies in
	// the estimated P10–P90 uplift interval (NaN without one).
	UpliftCover float64
	// PerSKU is the uplift per promoted SKU, by series index.
	PerSKU []SKUUplift
}

// SKUUplift is one promoted SKU's uplift over the plan, estimated and
// true.
type SKUUplift struct {
	Series     int
	Est, Truth float64
}

// CheckUplift sums estimated and true uplift per promoted SKU over the
// plan (a SKU's promotion is its promoted days) and scores the estimate.
// truth is the shop's Truth frame for the plan res forecast.
func CheckUplift(res *forecast.Result, truth *data.Frame) (*UpliftCheck, error) {
	exp, err := truth.NeedNumber("expected", "true expected units")
	if err != nil {
		return nil, err
	}
	base, err := truth.NeedNumber("baseline", "true baseline units")
	if err != nil {
		return nil, err
	}
	if truth.Rows() != len(res.Targets) {
		return nil, fmt.Errorf("truth has %d rows, the plan %d", truth.Rows(), len(res.Targets))
	}
	c := &UpliftCheck{UpliftCover: math.NaN()}
	covered := 0
	est, tru := map[int]float64{}, map[int]float64{}
	promoted := map[int]bool{}
	for i, t := range res.Targets {
		r := t.Row
		c.Forecast += res.Expected[i]
		c.Baseline += res.BaselineExpected[i]
		c.TrueForecast += exp.Num[r]
		c.TrueBaseline += base.Num[r]
		est[t.Series] += res.Expected[i] - res.BaselineExpected[i]
		tru[t.Series] += exp.Num[r] - base.Num[r]
		if res.Promoted[i] {
			promoted[t.Series] = true
			c.PromotedRows++
			if u := exp.Num[r] - base.Num[r]; res.UpliftQ != nil && u >= res.UpliftQ[0][i] && u <= res.UpliftQ[len(res.UpliftQ)-1][i] {
				covered++
			}
		}
	}
	var xs, ys []float64
	var absErr, absTrue float64
	for s := range promoted {
		c.PerSKU = append(c.PerSKU, SKUUplift{s, est[s], tru[s]})
	}
	sort.Slice(c.PerSKU, func(a, b int) bool { return c.PerSKU[a].Series < c.PerSKU[b].Series })
	for _, u := range c.PerSKU {
		xs, ys = append(xs, u.Est), append(ys, u.Truth)
		absErr += math.Abs(u.Est - u.Truth)
		absTrue += math.Abs(u.Truth)
	}
	if res.UpliftQ != nil && c.PromotedRows > 0 {
		c.UpliftCover = float64(covered) / float64(c.PromotedRows)
	}
	c.SKUs = len(xs)
	c.Corr = pearson(xs, ys)
	c.WAPE = absErr / absTrue
	return c, nil
}

func pearson(x, y []float64) float64 {
	n := float64(len(x))
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx, my = mx/n, my/n
	var sxy, sxx, syy float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
		syy += (y[i] - my) * (y[i] - my)
	}
	return sxy / math.Sqrt(sxx*syy)
}
