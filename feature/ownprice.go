package feature

import (
	"math"
	"slices"
	"sort"
	"strings"

	"promocast/panel"
)

// OwnPrice says, for a history that gives several products' prices as
// known columns and declares no price lever, which of them is each
// series' own (Config.OwnPrice): a panel with every brand's price beside
// each row, specified by a newcomer without naming the own one.
type OwnPrice struct {
	// Columns are the known columns holding prices, in the spec's order.
	Columns []string `json:"columns"`
	// Key (an index into the spec's keys) and Prefix name a series' own:
	// the column Prefix followed by its value of that key, when that is
	// one of Columns. The rule, not a list of series, is kept, so that a
	// series the training history lacked reads its own price too.
	Key    int    `json:"key"`
	Prefix string `json:"prefix"`
}

// OwnPriceFeatures are the features Config.OwnPrice adds.
var OwnPriceFeatures = []string{"own_price", "own_price_rel"}

// Of returns the column holding the price of a series with key values
// key, "" for none.
func (o *OwnPrice) Of(key []string) string {
	if o == nil || o.Key < 0 || o.Key >= len(key) {
		return ""
	}
	if c := o.Prefix + key[o.Key]; slices.Contains(o.Columns, c) {
		return c
	}
	return ""
}

// DetectOwnPrice returns, for a history with no price lever, the known
// columns that hold prices and each series' own among them, nil when there
// is a price lever, fewer than two such columns or no way to tell a
// series' own. A column holds prices when it is no lever, off column or
// cost, all its values are positive, it takes more than two distinct
// values and its median lies within a factor of four of the median of
// those columns' medians. A series' own is found by name, as a
// practitioner maps them: the price columns are one prefix followed by the
// values of one key (price1 .. price11 beside brand 1 .. 11), and a
// series' own is the prefix and its value of that key. The key and prefix
// chosen are those that name the most price columns, at least two; where
// two namings tie, none is chosen (stores and brands both numbered 1..N).
// Reading the columns' correlation with each series' sales instead picked
// the wrong one for over half of the series of Breakfast's frozen pizzas,
// whose prices move together.
func DetectOwnPrice(p *panel.Panel) *OwnPrice {
	rules, err := p.Spec.Levers()
	if err != nil {
		return nil
	}
	for _, r := range rules {
		if r.IsPrice() {
			return nil
		}
	}
	skip := p.Spec.PlanColumns()
	var cands []int
	var medians []float64
	for k, name := range p.Spec.Known {
		if skip[name] || !positive(p, k) || !distinctAtLeast(p, k, 3) {
			continue
		}
		cands, medians = append(cands, k), append(medians, columnMedian(p, k))
	}
	if len(cands) < 2 {
		return nil
	}
	all := slices.Clone(medians)
	sort.Float64s(all)
	mid := all[len(all)/2]
	isPrice := map[string]bool{}
	var columns []string
	for a, k := range cands {
		if medians[a] > mid/4 && medians[a] < mid*4 {
			isPrice[p.Spec.Known[k]] = true
			columns = append(columns, p.Spec.Known[k])
		}
	}
	if len(columns) < 2 {
		return nil
	}
	// Count, per key and prefix, the price columns named prefix + value.
	type naming struct {
		key    int
		prefix string
	}
	named := map[naming]map[string]bool{}
	for key := range p.Spec.Keys {
		values := map[string]bool{}
		for _, s := range p.Series {
			values[s.Key[key]] = true
		}
		for v := range values {
			for _, c := range columns {
				if v != "" && strings.HasSuffix(c, v) {
					n := naming{key, strings.TrimSuffix(c, v)}
					if named[n] == nil {
						named[n] = map[string]bool{}
					}
					named[n][c] = true
				}
			}
		}
	}
	best, most, tie := naming{}, 1, false
	for n, cs := range named {
		switch {
		case len(cs) > most:
			best, most, tie = n, len(cs), false
		case len(cs) == most:
			tie = true
		}
	}
	if most < 2 || tie {
		return nil
	}
	return &OwnPrice{Columns: columns, Key: best.key, Prefix: best.prefix}
}

// positive reports whether known column k holds no value of 0 or less.
func positive(p *panel.Panel, k int) bool {
	for _, s := range p.Series {
		for _, v := range s.Known[k] {
			if v <= 0 {
				return false
			}
		}
	}
	return true
}

// ownPrice writes own_price, the series' own price at the view's index
// (NaN for a series without one), and own_price_rel, that price over the
// mean of the other price columns present there.
func (b *Builder) ownPrice(v *view, out []float64) {
	out[0], out[1] = math.NaN(), math.NaN()
	own := v.st.own
	if own < 0 {
		return
	}
	x := v.known(own, v.i)
	out[0] = x
	sum, n := 0.0, 0
	for _, k := range b.ownCols {
		if k == own {
			continue
		}
		if y := v.known(k, v.i); !math.IsNaN(y) && y > 0 {
			sum, n = sum+y, n+1
		}
	}
	if n > 0 && !math.IsNaN(x) {
		out[1] = x / (sum / float64(n))
	}
}
