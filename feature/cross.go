package feature

import (
	"math"
	"slices"
	"sort"

	"promocast/panel"
)

// sellingPrice returns the first price lever: the one a relative price is
// built for.
func (b *Builder) sellingPrice() (lever, bool) {
	for _, lv := range b.levers {
		if lv.IsPrice() {
			return lv, true
		}
	}
	return lever{}, false
}

// relCross is price over the mean of the cross prices present at the
// view's index; NaN when the price or every cross price is missing.
func relCross(price float64, v *view, cross []int) float64 {
	sum, n := 0.0, 0
	for _, k := range cross {
		if x := v.known(k, v.i); !math.IsNaN(x) && x > 0 {
			sum += x
			n++
		}
	}
	if n == 0 || math.IsNaN(price) {
		return math.NaN()
	}
	return price / (sum / float64(n))
}

// DetectCrossPrices returns the known covariates of a history that hold
// other products' prices: numeric columns that are not a promotion lever,
// a lever's off column or a cost, take more than two distinct values, and
// whose median lies within a factor of four of the selling price's median.
// They are what a relative-price feature compares the price with
// (Config.CrossPrices). It returns nil without a price lever.
func DetectCrossPrices(p *panel.Panel) []string {
	rules, err := p.Spec.Levers()
	if err != nil {
		return nil
	}
	skip := p.Spec.PlanColumns()
	price := ""
	for _, r := range rules {
		if price == "" && r.IsPrice() {
			price = r.Name
		}
	}
	if price == "" {
		return nil
	}
	col := slices.Index(p.Spec.Known, price)
	own := columnMedian(p, col)
	var out []string
	for k, name := range p.Spec.Known {
		if skip[name] || !(own > 0) {
			continue
		}
		med := columnMedian(p, k)
		if med > own/4 && med < own*4 && distinctAtLeast(p, k, 3) {
			out = append(out, name)
		}
	}
	return out
}

// columnMedian is the median of known column k over the panel's rows.
func columnMedian(p *panel.Panel, k int) float64 {
	var vs []float64
	for _, s := range p.Series {
		for _, v := range s.Known[k] {
			if !math.IsNaN(v) {
				vs = append(vs, v)
			}
		}
	}
	if len(vs) == 0 {
		return math.NaN()
	}
	sort.Float64s(vs)
	return vs[len(vs)/2]
}

// distinctAtLeast reports whether known column k takes n distinct values.
func distinctAtLeast(p *panel.Panel, k, n int) bool {
	seen := map[float64]bool{}
	for _, s := range p.Series {
		for _, v := range s.Known[k] {
			if !math.IsNaN(v) {
				seen[v] = true
				if len(seen) >= n {
					return true
				}
			}
		}
	}
	return false
}
