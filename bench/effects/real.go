package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"

	"gonum.org/v1/gonum/mat"

	"promocast/dataset"
	"promocast/effect"
	"promocast/forecast"
	"promocast/internal/shareddata"
	"promocast/panel"
	"promocast/spec"
	"promocast/train"
)

// realPanel is a real panel with no known truth: the effect model is
// checked for consistency with the within-series log-log regression.
type realPanel struct {
	name, data, spec string
	horizon, gap     int
	// derive, when set, writes the panel's data to a file of the given
	// path from the shared data (data is then where it reads them).
	derive func(out string) error
}

func realPanels(root string) []realPanel {
	d := shareddata.Find()
	if d == "" {
		return nil
	}
	return []realPanel{
		{"tuna", filepath.Join(d, "tuna", "tuna.csv"), filepath.Join(root, "bench", "accuracy", "tuna.yaml"), 2, 1, nil},
		{"cheese", filepath.Join(d, "cheese", "cheese.csv"), filepath.Join(root, "bench", "accuracy", "cheese.yaml"), 2, 1, nil},
		{"breakfast", filepath.Join(d, "breakfast_at_the_frat", "transaction.csv.gz"), filepath.Join(root, "examples", "breakfast", "spec.yaml"), 2, 1, nil},
		{"pizza", filepath.Join(d, "breakfast_at_the_frat", "transaction.csv.gz"), filepath.Join(root, "bench", "accuracy", "pizza.yaml"), 2, 1,
			func(out string) error { return derivePizza(filepath.Join(d, "breakfast_at_the_frat"), out) }},
	}
}

// runReal prints, per real panel, the median series elasticity of the
// effect model against the pooled within-series regression, and per
// series with a well-determined regression (≥ 30 promoted periods) whether
// the effect model's elasticity lies in the regression's 95% interval, or
// between it and the panel's pooled estimate; and each series' 20%-off
// lift against the empirical lift of its 15–25%-off periods.
func runReal(root string, only map[string]bool) error {
	for _, rp := range realPanels(root) {
		if len(only) > 0 && !only[rp.name] {
			continue
		}
		if _, err := os.Stat(rp.data); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %s is absent: skipped\n", rp.name, rp.data)
			continue
		}
		if rp.derive != nil {
			dir, err := os.MkdirTemp("", "promocast-effects-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			rp.data = filepath.Join(dir, rp.name+".csv")
			if err := rp.derive(rp.data); err != nil {
				return err
			}
		}
		ds, err := dataset.Open(rp.spec)
		if err != nil {
			return err
		}
		hist, err := ds.History(rp.data)
		if err != nil {
			return err
		}
		// The panel and features exactly as promocast train builds them.
		pr, err := train.Prepare(hist, ds.Spec, train.Options{Forecast: forecast.TrainOptions{Horizon: rp.horizon, Gap: rp.gap}})
		if err != nil {
			return err
		}
		p := pr.Panel
		e, err := effect.Fit(pr, p.Last, effect.Options{})
		if err != nil {
			return err
		}
		coefs, _, err := effect.LogLog(p)
		if err != nil {
			return err
		}
		kp := -1
		for k, c := range e.Columns {
			if c.LogPrice {
				kp = k
			}
		}
		var ours []float64
		for _, s := range e.Series {
			ours = append(ours, effect.Read(e.Columns[kp], s.Theta[kp], e.Offset))
		}
		sort.Float64s(ours)
		med := ours[len(ours)/2]
		reg := coefs[0]
		fmt.Printf("%-10s median series elasticity %.2f, panel %.2f; pooled within-series regression %.2f ± %.2f (median off by %+.0f%%)\n",
			rp.name, med, effect.Read(e.Columns[kp], e.Global[kp], e.Offset), reg.Estimate, reg.StdErr, 100*(med/reg.Estimate-1))
		checkSeries(p, e, kp)
		depthBands(pr, e, kp)
	}
	return nil
}

// checkSeries compares every series' elasticity and 20%-off lift with its
// own log-log regression and its empirical lift.
func checkSeries(p *panel.Panel, e *forecast.Effects, kp int) {
	price := p.Spec.PriceColumn()
	levers, _ := p.Spec.Levers()
	var flags []int
	kprice := -1
	for k, n := range p.Spec.Known {
		if n == price {
			kprice = k
		}
		for _, lv := range levers {
			if lv.Name == n && lv.Kind == spec.OffNumber {
				flags = append(flags, k)
			}
		}
	}
	determined, inside, between, over := 0, 0, 0, 0
	var regs, oursDet []float64 // the determined series' regressions and ours on them
	pooled := effect.Read(e.Columns[kp], e.Global[kp], e.Offset)
	for _, s := range p.Series {
		se, ok := e.Series[s.ID]
		if !ok {
			continue
		}
		ours := effect.Read(e.Columns[kp], se.Theta[kp], e.Offset)
		est, sd, promoted := seriesRegression(s, kprice, flags, e, p)
		// 20% off: the log of off over price is −ln 0.8, the lift in units
		// at the series' level as Read gives it.
		lift20 := (1 + e.Offset) * (math.Pow(0.8, -se.Theta[kp]) - 1)
		emp := empiricalLift(s, kprice)
		if !math.IsNaN(emp) && emp > 0 && lift20 > 2*emp {
			over++
		}
		if promoted < 30 || math.IsNaN(est) {
			if len(p.Series) <= 20 {
				fmt.Printf("    %-28s ours %6.2f   regression %6.2f ± %.2f (%d promoted periods: not determined)   20%%-off lift %+.0f%%, empirical %+.0f%%\n",
					s.ID, ours, est, sd, promoted, 100*lift20, 100*emp)
			}
			continue
		}
		determined++
		regs, oursDet = append(regs, est), append(oursDet, ours)
		lo, hi := est-1.96*sd, est+1.96*sd
		verdict := "outside"
		switch {
		case ours >= lo && ours <= hi:
			inside++
			verdict = "inside"
		case (ours-est)*(ours-pooled) <= 0:
			between++
			verdict = "between it and the pooled"
		}
		if len(p.Series) <= 20 {
			fmt.Printf("    %-28s ours %6.2f   regression %6.2f ± %.2f (%d promoted periods): %-26s 20%%-off lift %+.0f%%, empirical %+.0f%%\n",
				s.ID, ours, est, sd, promoted, verdict, 100*lift20, 100*emp)
		}
	}
	if len(regs) > 0 {
		// The pooled regression weighs series by their price variation; the
		// median of the series' own regressions is the like of our median.
		sort.Float64s(regs)
		sort.Float64s(oursDet)
		fmt.Printf("    on those series: median of their own regressions %.2f, of ours %.2f\n", regs[len(regs)/2], oursDet[len(oursDet)/2])
	}
	fmt.Printf("    %d series with ≥ 30 promoted periods: %d inside the regression's 95%% interval, %d between it and the pooled elasticity; %d of %d series with a 20%%-off lift above twice their empirical lift\n",
		determined, inside, between, over, len(p.Series))
}

// seriesRegression fits ln(units) = a + e·ln(price) + Σ g·flag on one
// series' rows with positive units and price, returning e, its standard
// error and the number of promoted periods (price 5% under its trailing
// maximum or a flag on).
func seriesRegression(s *panel.Series, kprice int, flags []int, e *forecast.Effects, p *panel.Panel) (est, sd float64, promoted int) {
	var X [][]float64
	var y []float64
	peak := 0.0
	for i, u := range s.Y {
		pr := s.Known[kprice][i]
		if math.IsNaN(pr) {
			continue
		}
		peak = math.Max(peak, pr)
		on := pr < 0.95*peak
		row := []float64{1, math.Log(pr)}
		for _, f := range flags {
			v := s.Known[f][i]
			if math.IsNaN(v) {
				v = 0
			}
			on = on || v > 0
			row = append(row, v)
		}
		if on {
			promoted++
		}
		if !(u > 0) || !(pr > 0) {
			continue
		}
		X, y = append(X, row), append(y, math.Log(u))
	}
	k := 2 + len(flags)
	if len(y) <= k+2 {
		return math.NaN(), math.NaN(), promoted
	}
	A := mat.NewDense(len(y), k, nil)
	for i, r := range X {
		A.SetRow(i, r)
	}
	b := mat.NewVecDense(len(y), y)
	var xtx mat.Dense
	xtx.Mul(A.T(), A)
	var inv mat.Dense
	if err := inv.Inverse(&xtx); err != nil {
		return math.NaN(), math.NaN(), promoted
	}
	var xty, beta mat.VecDense
	xty.MulVec(A.T(), b)
	beta.MulVec(&inv, &xty)
	var fit mat.VecDense
	fit.MulVec(A, &beta)
	sse := 0.0
	for i := range y {
		r := y[i] - fit.AtVec(i)
		sse += r * r
	}
	s2 := sse / float64(len(y)-k)
	return beta.AtVec(1), math.Sqrt(s2 * inv.At(1, 1)), promoted
}

// empiricalLift is the series' mean units in periods 15–25% under its
// trailing 13-period maximum price over its mean in periods within 2% of
// it, minus one; NaN without both.
func empiricalLift(s *panel.Series, kprice int) float64 {
	var on, off, non, noff float64
	for i, u := range s.Y {
		pr := s.Known[kprice][i]
		if math.IsNaN(pr) || math.IsNaN(u) {
			continue
		}
		peak := pr
		for j := max(0, i-12); j < i; j++ {
			if v := s.Known[kprice][j]; v > peak {
				peak = v
			}
		}
		switch d := 1 - pr/peak; {
		case d >= 0.15 && d <= 0.25:
			on, non = on+u, non+1
		case d < 0.02:
			off, noff = off+u, noff+1
		}
	}
	if non == 0 || noff == 0 || off == 0 {
		return math.NaN()
	}
	return (on/non)/(off/noff) - 1
}

// depthBands prints, per band of discount depth, how much the history's
// discounted periods sold against their series' quiet periods nearby, and
// how much the effect model says they should have. A period is quiet when
// no own lever is on (a discount under 3% counts as none); a discounted
// period's reference is the mean units of its series' quiet periods within
// 13 either side (at least 3 of them). The history's lift is read two
// ways: the band's units over its references' (a ratio of sums, what the
// model's expected units are to match) and the median of the periods' own
// ratios (what a typical period sold). The model's is its expected units
// at each period's levers, (reference + κ·scale)·e^{θ·d} − κ·scale,
// summed over the references; θ·d is the series' own levers' log effect.
func depthBands(pr *forecast.Prepared, e *forecast.Effects, kp int) {
	type obs struct {
		units, lin, depth, scale float64
		quiet                    bool
	}
	const window, quietDepth = 13, 0.03
	// One row per series and period (the training rows repeat a period
	// for each lag they read from; the levers do not depend on it).
	per := map[[2]int]obs{}
	var keys [][2]int
	for r, ref := range pr.Refs {
		key := [2]int{ref.Series, ref.Period}
		if _, seen := per[key]; seen {
			continue
		}
		s := pr.Panel.Series[ref.Series]
		u := s.Y[ref.Period-s.Start]
		se, ok := e.Series[s.ID]
		if math.IsNaN(u) || !ok {
			continue
		}
		row := pr.Row(r)
		o := obs{units: u, scale: pr.Scales[r], depth: -math.Expm1(-e.Columns[kp].Value(row))}
		o.quiet = o.depth < quietDepth
		for k, c := range e.Columns {
			if !c.Own {
				continue
			}
			v := c.Value(row)
			o.lin += se.Theta[k] * v
			if k != kp && v > 1e-9 {
				o.quiet = false
			}
		}
		per[key] = o
		keys = append(keys, key)
	}
	edges := []float64{0.03, 0.10, 0.15, 0.20, 0.25, 0.30, 0.40, 0.60, 1}
	n := len(edges) - 1
	sumU, sumRef, sumModel := make([]float64, n), make([]float64, n), make([]float64, n)
	ratios := make([][]float64, n)
	for _, key := range keys {
		o := per[key]
		if o.quiet {
			continue
		}
		ref, quiet := 0.0, 0
		for p := key[1] - window; p <= key[1]+window; p++ {
			if q, ok := per[[2]int{key[0], p}]; ok && q.quiet {
				ref += q.units
				quiet++
			}
		}
		if quiet < 3 || ref <= 0 {
			continue
		}
		ref /= float64(quiet)
		b := sort.SearchFloat64s(edges, o.depth+1e-12) - 1
		if b < 0 || b >= n {
			continue
		}
		k := e.Offset * o.scale
		sumU[b] += o.units
		sumRef[b] += ref
		sumModel[b] += (ref+k)*math.Exp(o.lin) - k
		ratios[b] = append(ratios[b], o.units/ref)
	}
	fmt.Printf("    by discount depth (periods with a discount of at least 3%%, against their series' quiet periods within %d either side):\n", window)
	fmt.Printf("    %-12s %8s %14s %14s %14s\n", "depth", "periods", "history sum", "history median", "model")
	for b := 0; b < n; b++ {
		if len(ratios[b]) == 0 {
			continue
		}
		sort.Float64s(ratios[b])
		fmt.Printf("    %3.0f–%3.0f%%     %8d %13.2f× %13.2f× %13.2f×\n", 100*edges[b], 100*edges[b+1], len(ratios[b]),
			sumU[b]/sumRef[b], ratios[b][len(ratios[b])/2], sumModel[b]/sumRef[b])
	}
}
