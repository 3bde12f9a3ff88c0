package ensemble_test

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"promocast/backtest"
	"promocast/data"
	"promocast/ensemble"
	"promocast/forecast"
	"promocast/learner"
	"promocast/metric"
	"promocast/panel"
	"promocast/spec"
)

// prepared builds a small daily panel: six series with a weekly pattern
// and price promotions.
func prepared(t *testing.T, horizon, gap int) *forecast.Prepared {
	t.Helper()
	var day, sku, cat []string
	var units, price, reg []float64
	g := panel.Grid{Frequency: spec.Day}
	for s := 0; s < 6; s++ {
		for d := 0; d < 120; d++ {
			day = append(day, g.Label(19000+d))
			sku = append(sku, fmt.Sprintf("s%d", s))
			cat = append(cat, fmt.Sprintf("c%d", s%2))
			p := 10.0
			if (d+s)%9 == 0 {
				p = 8
			}
			price, reg = append(price, p), append(reg, 10)
			units = append(units, float64(5+s+(d%7)+int(20-2*p)+(d*s)%5))
		}
	}
	f, err := data.NewFrame("h.csv", []*data.Column{
		{Name: "day", Kind: data.String, Str: day}, {Name: "sku", Kind: data.String, Str: sku},
		{Name: "cat", Kind: data.String, Str: cat}, {Name: "units", Kind: data.Number, Num: units},
		{Name: "price", Kind: data.Number, Num: price}, {Name: "regular", Kind: data.Number, Num: reg},
	})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := spec.Parse([]byte("time: {column: day, frequency: day}\nkeys: [sku]\ntarget: units\nstatic: [cat]\npromotion: {price: {off: regular}}\ncalendar: none\n"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := panel.Build(f, sp, panel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pr, err := forecast.Prepare(p, forecast.TrainOptions{Horizon: horizon, Gap: gap})
	if err != nil {
		t.Fatal(err)
	}
	return pr
}

func candidates(t *testing.T, names ...string) []ensemble.Candidate {
	var cs []ensemble.Candidate
	for _, n := range names {
		fit, err := learner.New(n, learner.Options{})
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, ensemble.Candidate{Name: n, Fit: fit})
	}
	return cs
}

// TestAuto checks the leaderboard against the reports, the blend's
// forecasts against its nested weights, and the blend's metrics against
// a recomputation.
func TestAuto(t *testing.T) {
	pr := prepared(t, 7, 0)
	opt := backtest.Options{Folds: 5, Horizon: 7}
	cs := candidates(t, "seasonal_naive", "moving_average", "ridge", "svr")
	res, err := ensemble.Auto(pr, opt, cs)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Board) != 5 || len(res.Reports) != 5 || res.Winner != res.Board[0].Model {
		t.Fatalf("board %+v, winner %s", res.Board, res.Winner)
	}
	for i, e := range res.Board {
		t.Logf("%-15s WAPE %.4f promo %.4f non-promo %.4f MASE %.3f bias %+.4f %.3fs", e.Model, e.WAPE, e.WAPEPromo, e.WAPENonPromo, e.MASE, e.Bias, e.Seconds)
		if i > 0 && e.WAPE < res.Board[i-1].WAPE {
			t.Errorf("board not sorted by WAPE at %d", i)
		}
	}
	byName := map[string]ensemble.Entry{}
	for _, e := range res.Board {
		byName[e.Model] = e
	}
	for _, r := range res.Reports[:4] {
		if e := byName[r.Model]; e.WAPE != r.Overall.WAPE || e.MASE != r.Overall.MASE || e.WAPEPromo != r.Promo.WAPE {
			t.Errorf("%s: board %+v, report %+v", r.Model, e, r.Overall)
		}
	}
	blend := res.Reports[4]
	nw := res.Weights
	// Auto ran one unscored warm-up fold: scored fold k used the weights
	// of fold k+1, fitted on the folds up to and including the warm-up.
	if len(nw.Folds) != opt.Folds+1 || len(blend.Folds) != opt.Folds {
		t.Fatalf("%d weight folds and %d scored folds, want %d and %d", len(nw.Folds), len(blend.Folds), opt.Folds+1, opt.Folds)
	}
	var acc metric.Forecast
	for i, p := range blend.Predictions {
		want := 0.0
		for m, r := range res.Reports[:4] {
			want += nw.Folds[p.Fold+1][m] * r.Predictions[i].Forecast
		}
		if math.Abs(p.Forecast-want) > 1e-12*math.Max(1, want) {
			t.Fatalf("blend row %d: forecast %v, weights give %v", i, p.Forecast, want)
		}
		acc.Add(p.Actual, p.Forecast, 1)
	}
	if w := acc.Summary().WAPE; math.Abs(w-byName["blend"].WAPE) > 1e-12 {
		t.Errorf("blend WAPE %v, recomputed %v", byName["blend"].WAPE, w)
	}
	for k, w := range nw.Folds {
		t.Logf("fold %d weights %.3f", k+1, w)
	}
	t.Logf("final weights %.3f", nw.Final)
	// A single candidate has no blend.
	one, err := ensemble.Auto(pr, opt, cs[:1])
	if err != nil || len(one.Board) != 1 || one.Weights != nil || one.Winner != "seasonal_naive" {
		t.Errorf("one candidate: %+v, %v", one, err)
	}
	if _, err := ensemble.Auto(pr, opt, append(cs, cs[0])); err == nil {
		t.Error("repeated candidate names were accepted")
	}
}

// TestBlendDeploy trains a blend with Deploy's fit, writes it as JSON,
// reads it back through the learner registry and predicts the same.
func TestBlendDeploy(t *testing.T) {
	pr := prepared(t, 7, 0)
	fit := ensemble.FitBlend([]ensemble.Weighted{
		{Kind: "ridge", Fit: candidates(t, "ridge")[0].Fit, Weight: 0.6},
		{Kind: "gbdt", Fit: candidates(t, "gbdt")[0].Fit, Weight: 0},
		{Kind: "svr", Fit: candidates(t, "svr")[0].Fit, Weight: 0.4},
	}, true)
	m, err := pr.Train(forecast.TrainOptions{Kind: ensemble.Kind, Horizon: 7}, pr.Panel.Last, fit)
	if err != nil {
		t.Fatal(err)
	}
	b := m.Predictor.(*ensemble.Blend)
	if len(b.Members) != 2 || b.Members[0].Weight != 0.6 || b.Members[1].Kind != "svr" {
		t.Fatalf("members %+v: want ridge 0.6 and svr 0.4 (gbdt of weight 0 untrained)", b.Members)
	}
	raw, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	back, err := learner.Decode(ensemble.Kind, raw)
	if err != nil {
		t.Fatal(err)
	}
	raw2, _ := json.Marshal(back)
	if string(raw) != string(raw2) {
		t.Error("blend JSON changed in a round trip")
	}
	p1, p2 := make([]float64, pr.X.Rows), make([]float64, pr.X.Rows)
	parts := make([][]float64, 2)
	if err := b.Predict(pr.X, p1); err != nil {
		t.Fatal(err)
	}
	if err := back.Predict(pr.X, p2); err != nil {
		t.Fatal(err)
	}
	for k, mem := range b.Members {
		parts[k] = make([]float64, pr.X.Rows)
		if err := mem.Predictor.Predict(pr.X, parts[k]); err != nil {
			t.Fatal(err)
		}
	}
	for i := range p1 {
		want := 0.6*math.Max(0, parts[0][i]) + 0.4*math.Max(0, parts[1][i])
		if p1[i] != p2[i] || math.Abs(p1[i]-want) > 1e-12 {
			t.Fatalf("row %d: blend %v, decoded %v, members give %v", i, p1[i], p2[i], want)
		}
	}
	for _, bad := range []string{
		`{"kind":"blend","version":1,"non_negative":true,"members":[]}`,
		`{"kind":"blend","version":2,"non_negative":true,"members":[]}`,
		`{"kind":"blend","version":1,"non_negative":true,"members":[{"kind":"nope","weight":1,"model":{}}]}`,
		`{"kind":"blend","version":1,"non_negative":true,"members":[{"kind":"blend","weight":1,"model":{}}]}`,
	} {
		if _, err := learner.Decode(ensemble.Kind, []byte(bad)); err == nil {
			t.Errorf("decoded %s", bad)
		}
	}
}
