package feature

import (
	"math"
	"sort"

	"promocast/panel"
)

// restateCorrelation is the least correlation, within a series, between a
// known covariate and one of the series' own levers for the covariate to
// restate the lever there (DetectRestated). A copy of the lever reads 1; a
// regular price, which stays put while the price dips, reads near 0.
const restateCorrelation = 0.99

// DetectRestated returns, per known covariate that is neither a promotion
// lever nor a lever's off column nor a cost, the IDs (sorted) of the
// series in which it restates one of their own levers: over the periods
// where both are present (at least three), both vary and their correlation
// is at least restateCorrelation. A panel that gives every brand's price
// beside each row holds each brand's own price among them, so that column
// restates the price in that brand's series and in no other (see
// Config.Restated). It returns an empty map when no column does, nil
// without levers.
func DetectRestated(p *panel.Panel) map[string][]string {
	rules, err := p.Spec.Levers()
	if err != nil || len(rules) == 0 {
		return nil
	}
	index := map[string]int{}
	for k, name := range p.Spec.Known {
		index[name] = k
	}
	skip := map[string]bool{p.Spec.Cost.UnitCost: true, p.Spec.Cost.FixedCost: true}
	var levers []int
	for _, r := range rules {
		skip[r.Name] = true
		if r.Column != "" {
			skip[r.Column] = true
		}
		if k, ok := index[r.Name]; ok {
			levers = append(levers, k)
		}
	}
	out := map[string][]string{}
	for k, name := range p.Spec.Known {
		if skip[name] {
			continue
		}
		for _, s := range p.Series {
			for _, l := range levers {
				if correlation(s.Known[k], s.Known[l]) >= restateCorrelation {
					out[name] = append(out[name], s.ID)
					break
				}
			}
		}
		sort.Strings(out[name])
	}
	for name, ids := range out {
		if len(ids) == 0 {
			delete(out, name)
		}
	}
	return out
}

// correlation is the Pearson correlation of x and y over the indexes where
// both are present; NaN with fewer than three such indexes or where either
// does not vary there.
func correlation(x, y []float64) float64 {
	var n, sx, sy float64
	for i := range min(len(x), len(y)) {
		if !math.IsNaN(x[i]) && !math.IsNaN(y[i]) {
			n, sx, sy = n+1, sx+x[i], sy+y[i]
		}
	}
	if n < 3 {
		return math.NaN()
	}
	mx, my := sx/n, sy/n
	var cxy, cxx, cyy float64
	for i := range min(len(x), len(y)) {
		if !math.IsNaN(x[i]) && !math.IsNaN(y[i]) {
			dx, dy := x[i]-mx, y[i]-my
			cxy, cxx, cyy = cxy+dx*dy, cxx+dx*dx, cyy+dy*dy
		}
	}
	if !(cxx > 0) || !(cyy > 0) {
		return math.NaN()
	}
	return cxy / math.Sqrt(cxx*cyy)
}
