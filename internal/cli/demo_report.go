package cli

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"promocast/backtest"
	"promocast/data"
	"promocast/demo"
	"promocast/forecast"
	"promocast/panel"
	"promocast/report"
)

// leaderboard returns the header and rows of the model comparison table.
func leaderboard(reports []*backtest.Report) ([]string, [][]string) {
	head := []string{"model", "WAPE", "WAPE promo", "WAPE non-promo", "MAPE", "sMAPE", "RMSE", "RMSPE", "MASE", "bias", "P10–P90 cover", "rows"}
	var rows [][]string
	for _, r := range reports {
		o := r.Overall
		rows = append(rows, []string{r.Model, pct(o.WAPE), pct(r.Promo.WAPE), pct(r.NonPromo.WAPE), pct(o.MAPE), pct(o.SMAPE),
			num(o.RMSE), pct(o.RMSPE), num(o.MASE), pct(o.Bias), pct(r.Coverage), fmt.Sprint(o.N)})
	}
	return head, rows
}

// demoReport lays out the demo's HTML report.
func demoReport(p *panel.Panel, reports []*backtest.Report, best *backtest.Report, res *forecast.Result, truth *data.Frame, check *demo.UpliftCheck) *report.Report {
	r := report.New("promocast demo: a Double 11 plan on a synthetic shop")
	r.Text(fmt.Sprintf("%d SKUs, daily history %s .. %s. The plan covers %s .. %s; its true effects are known because the shop is simulated.",
		len(p.Series), p.Grid.Label(p.First), p.Grid.Label(p.Last), p.Grid.Label(p.Last+1), p.Grid.Label(p.Last+demoHorizon)))

	r.Heading("Backtest")
	head, rows := leaderboard(reports)
	r.Table(head, rows)
	r.Text(strings.ReplaceAll(maseNote, "\n", " "))
	var folds [][]string
	for _, fs := range best.Folds {
		folds = append(folds, []string{fs.Origin, fmt.Sprint(fs.TrainRows), pct(fs.Scores.WAPE), pct(fs.Scores.Bias), num(fs.Scores.MASE)})
	}
	r.Text("Folds of " + best.Model + " (origin = last day of training):")
	r.Table([]string{"origin", "training rows", "WAPE", "bias", "MASE"}, folds)
	var segs [][]string
	for _, s := range best.Segments {
		segs = append(segs, []string{s.Level, pct(s.Scores.WAPE), pct(s.Scores.Bias), fmt.Sprint(s.Scores.N)})
	}
	r.Text("By category (" + best.Model + "):")
	r.Table([]string{"category", "WAPE", "bias", "rows"}, segs)

	if len(best.Importance) > 0 {
		var imp [][]string
		for _, fi := range best.Importance[:min(15, len(best.Importance))] {
			imp = append(imp, []string{fi.Feature, pct(fi.Score)})
		}
		r.Text("Feature importance of " + best.Model + " (share of split gain, last fold):")
		r.Table([]string{"feature", "gain share"}, imp)
	}

	r.Heading("Actual vs predicted in the backtest")
	for _, si := range topSeries(p, 4) {
		if c, ok := backtestChart(p, reports, best, si); ok {
			r.Chart(c)
		}
	}

	r.Heading("Double 11 plan: forecast, baseline and truth")
	r.Text(fmt.Sprintf("Plan total: forecast %.0f units, baseline %.0f, uplift %+.0f; true %.0f, %.0f, %+.0f. Uplift per promoted SKU vs truth: correlation %.3f, WAPE %.1f%% over %d SKUs.",
		check.Forecast, check.Baseline, check.Forecast-check.Baseline, check.TrueForecast, check.TrueBaseline,
		check.TrueForecast-check.TrueBaseline, check.Corr, 100*check.WAPE, check.SKUs))
	if rows := moneyRows(res); rows != nil {
		r.Text("What the plan earns, by category (the model's forecast against its no-promotion baseline; ROI = incremental margin ÷ promotion cost):")
		r.Table([]string{"category", "promoted rows", "uplift (units)", "incremental revenue", "incremental margin", "promotion cost", "ROI"}, rows)
	}
	ups := append([]demo.SKUUplift(nil), check.PerSKU...)
	sort.SliceStable(ups, func(a, b int) bool { return ups[a].Truth > ups[b].Truth })
	exp, _ := truth.NeedNumber("expected", "")
	for _, u := range ups[:min(4, len(ups))] {
		r.Chart(planChart(p, res, exp, u.Series))
	}
	var urows [][]string
	for _, u := range ups[:min(20, len(ups))] {
		urows = append(urows, []string{p.Series[u.Series].ID, fmt.Sprintf("%+.0f", u.Est), fmt.Sprintf("%+.0f", u.Truth)})
	}
	r.Text("Largest true uplifts, estimated beside them:")
	r.Table([]string{"sku", "estimated uplift", "true uplift"}, urows)
	return r
}

// topSeries returns the n series with the most units.
func topSeries(p *panel.Panel, n int) []int {
	type tot struct {
		i int
		v float64
	}
	var t []tot
	for i, s := range p.Series {
		sum := 0.0
		for _, y := range s.Y {
			if !math.IsNaN(y) {
				sum += y
			}
		}
		t = append(t, tot{i, sum})
	}
	sort.SliceStable(t, func(a, b int) bool { return t[a].v > t[b].v })
	out := make([]int, 0, n)
	for _, x := range t[:min(n, len(t))] {
		out = append(out, x.i)
	}
	return out
}

// backtestChart draws a series' actuals over the scored windows with the
// best model's and seasonal naive's predictions; ok is false when the
// series was not scored.
func backtestChart(p *panel.Panel, reports []*backtest.Report, best *backtest.Report, si int) (c report.Chart, ok bool) {
	s := p.Series[si]
	first := math.MaxInt
	for _, pr := range best.Predictions {
		if pr.Series == si {
			first = min(first, pr.Period)
		}
	}
	if first == math.MaxInt {
		return c, false
	}
	first = max(first, s.Start)
	n := p.Last - first + 1
	c = report.Chart{Title: s.ID + " (backtest)", X: make([]string, n), Shade: make([]bool, n)}
	actual := nans(n)
	for i := 0; i < n; i++ {
		c.X[i] = p.Grid.Label(first + i)
		if j := s.At(first + i); j >= 0 {
			actual[i] = s.Y[j]
		}
	}
	c.Lines = append(c.Lines, report.Line{Name: "actual", Y: actual, Color: "#222"})
	for _, rep := range reports {
		if rep != best && rep.Model != "seasonal_naive" {
			continue
		}
		y := nans(n)
		for _, pr := range rep.Predictions {
			if pr.Series == si && pr.Period >= first {
				y[pr.Period-first] = pr.Forecast
				c.Shade[pr.Period-first] = pr.Promoted
			}
		}
		c.Lines = append(c.Lines, report.Line{Name: rep.Model, Y: y, Dash: rep != best})
	}
	return c, true
}

// planChart draws the last 60 days of a series with the plan's forecast,
// baseline and true expected units.
func planChart(p *panel.Panel, res *forecast.Result, expected *data.Column, si int) report.Chart {
	s := p.Series[si]
	first := p.Last - 59
	last := first
	for _, t := range res.Targets {
		if t.Series == si {
			last = max(last, t.Period)
		}
	}
	n := last - first + 1
	c := report.Chart{Title: s.ID + " (Double 11 plan; shaded = promoted)", X: make([]string, n), Shade: make([]bool, n)}
	actual, fc, base, tru := nans(n), nans(n), nans(n), nans(n)
	for i := 0; i < n; i++ {
		c.X[i] = p.Grid.Label(first + i)
		if j := s.At(first + i); j >= 0 && first+i <= p.Last {
			actual[i] = s.Y[j]
		}
	}
	for k, t := range res.Targets {
		if t.Series != si {
			continue
		}
		i := t.Period - first
		fc[i], base[i], tru[i] = res.Expected[k], res.BaselineExpected[k], expected.Num[t.Row]
		c.Shade[i] = res.Promoted[k]
	}
	c.Lines = []report.Line{{Name: "history", Y: actual, Color: "#222"}, {Name: "expected forecast", Y: fc, Color: "#1f77b4"},
		{Name: "expected baseline", Y: base, Color: "#7f7f7f", Dash: true}, {Name: "true expected", Y: tru, Color: "#2ca02c"}}
	return c
}

// moneyRows totals the plan's money by category and for the whole plan;
// nil when the spec names no price.
func moneyRows(res *forecast.Result) [][]string {
	if res.Panel.Spec.PriceColumn() == "" {
		return nil
	}
	by := ""
	if slices.Contains(res.Panel.Spec.Static, "category") {
		by = "category"
	}
	groups, err := res.Summarise(by)
	if err != nil {
		return nil
	}
	all, _ := res.Summarise("")
	var rows [][]string
	for _, t := range append(groups, all...) {
		if t.Promoted == 0 && t.Group != "all" {
			continue
		}
		rows = append(rows, []string{t.Group, fmt.Sprint(t.Promoted), fmt.Sprintf("%+.0f", t.Forecast-t.Baseline),
			money(t.Revenue - t.BaselineRevenue), money(t.Margin - t.BaselineMargin), fmt.Sprintf("%.0f", t.PromotionCost), ratioText(t.ROI())})
	}
	return rows
}

func nans(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = math.NaN()
	}
	return s
}
