package ensemble_test

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"promocast/backtest"
	"promocast/data"
	"promocast/ensemble"
	"promocast/forecast"
	"promocast/learn"
	"promocast/metric"
	"promocast/model"
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
		fit, err := ensemble.New(n, learn.Options{})
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
	if len(res.Board) != 7 || len(res.Reports) != 7 || res.Winner != res.Board[0].Model {
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
	// The best-mean averages its fold's chosen members equally.
	best, bm := res.Reports[5], res.BestMean
	if best.Model != "best_mean" || len(bm.Folds) != opt.Folds+1 {
		t.Fatalf("best-mean report %s with %d weight folds", best.Model, len(bm.Folds))
	}
	for i, p := range best.Predictions {
		want := 0.0
		for m, r := range res.Reports[:4] {
			want += bm.Folds[p.Fold+1][m] * r.Predictions[i].Forecast
		}
		if math.Abs(p.Forecast-want) > 1e-12*math.Max(1, want) {
			t.Fatalf("best-mean row %d: forecast %v, weights give %v", i, p.Forecast, want)
		}
	}
	// The stack blends each row with its fold's weights for the row's
	// promotion state.
	stack, sw := res.Reports[6], res.Stack
	if stack.Model != "stack" || len(sw.On.Folds) != opt.Folds+1 || len(sw.Off.Folds) != opt.Folds+1 {
		t.Fatalf("stack report %s with %d and %d weight folds", stack.Model, len(sw.Off.Folds), len(sw.On.Folds))
	}
	var promoted, differ int
	for i, p := range stack.Predictions {
		w := sw.Off.Folds[p.Fold+1]
		if p.Promoted {
			w = sw.On.Folds[p.Fold+1]
			promoted++
		}
		want := 0.0
		for m, r := range res.Reports[:4] {
			want += w[m] * r.Predictions[i].Forecast
		}
		if math.Abs(p.Forecast-want) > 1e-12*math.Max(1, want) {
			t.Fatalf("stack row %d: forecast %v, weights give %v", i, p.Forecast, want)
		}
		if p.Forecast != blend.Predictions[i].Forecast {
			differ++
		}
	}
	if promoted == 0 || differ == 0 {
		t.Errorf("%d promoted rows, %d stack forecasts differ from the blend's: the test data should exercise the gate", promoted, differ)
	}
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
// reads it back through Decode and predicts the same.
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
	back, err := ensemble.Decode(ensemble.Kind, raw)
	if err != nil {
		t.Fatal(err)
	}
	raw2, _ := json.Marshal(back)
	if string(raw) != string(raw2) {
		t.Error("blend JSON changed in a round trip")
	}
	X := prX(pr)
	p1, p2 := make([]float64, X.Rows), make([]float64, X.Rows)
	parts := make([][]float64, 2)
	if err := b.Predict(X, p1); err != nil {
		t.Fatal(err)
	}
	if err := back.Predict(X, p2); err != nil {
		t.Fatal(err)
	}
	for k, mem := range b.Members {
		parts[k] = make([]float64, X.Rows)
		if err := mem.Predictor.Predict(X, parts[k]); err != nil {
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
		if _, err := ensemble.Decode(ensemble.Kind, []byte(bad)); err == nil {
			t.Errorf("decoded %s", bad)
		}
	}
}

// TestScaledBlendDeploy trains a best-mean with a point scale
// (ScaledBlend): its forecasts are the unscaled blend's times the scale,
// the scale survives a JSON round trip, and a file with a scale outside
// [MinPointScale, MaxPointScale] is refused.
func TestScaledBlendDeploy(t *testing.T) {
	pr := prepared(t, 7, 0)
	members := []ensemble.Weighted{
		{Kind: "ridge", Fit: candidates(t, "ridge")[0].Fit, Weight: 0.5},
		{Kind: "gbdt", Fit: candidates(t, "gbdt")[0].Fit, Weight: 0.5},
	}
	topt := forecast.TrainOptions{Kind: ensemble.Kind, Horizon: 7}
	plain, err := pr.Train(topt, pr.Panel.Last, ensemble.FitBlend(members, true))
	if err != nil {
		t.Fatal(err)
	}
	scaled, err := pr.Train(topt, pr.Panel.Last, ensemble.ScaledBlend(ensemble.FitBlend(members, true), 0.8))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(scaled.Predictor)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"scale":0.8`) {
		t.Fatalf("scaled blend's JSON has no scale: %.200s", raw)
	}
	back, err := ensemble.Decode(ensemble.Kind, raw)
	if err != nil {
		t.Fatal(err)
	}
	X := prX(pr)
	p0, p1, p2 := make([]float64, X.Rows), make([]float64, X.Rows), make([]float64, X.Rows)
	for _, x := range []struct {
		p   model.Predictor
		out []float64
	}{{plain.Predictor, p0}, {scaled.Predictor, p1}, {back, p2}} {
		if err := x.p.Predict(X, x.out); err != nil {
			t.Fatal(err)
		}
	}
	for i := range p0 {
		if p1[i] != p2[i] || math.Abs(p1[i]-0.8*p0[i]) > 1e-9*(1+p0[i]) {
			t.Fatalf("row %d: scaled %v, decoded %v, unscaled %v × 0.8 = %v", i, p1[i], p2[i], p0[i], 0.8*p0[i])
		}
	}
	for _, scale := range []string{"0.2", "3", "-1"} {
		bad := strings.Replace(string(raw), `"scale":0.8`, `"scale":`+scale, 1)
		if _, err := ensemble.Decode(ensemble.Kind, []byte(bad)); err == nil || !strings.Contains(err.Error(), "scale "+scale) {
			t.Errorf("scale %s: %v, want a refusal naming it", scale, err)
		}
	}
}

// TestStackDeploy trains a stack with FitStack, checks each row takes the
// weights of its promotion state, and round-trips it through JSON.
func TestStackDeploy(t *testing.T) {
	pr := prepared(t, 7, 0)
	fit := ensemble.FitStack([]ensemble.Weighted{
		{Kind: "ridge", Fit: candidates(t, "ridge")[0].Fit, Weight: 1},
		{Kind: "gbdt", Fit: candidates(t, "gbdt")[0].Fit, Weight: 0},
		{Kind: "svr", Fit: candidates(t, "svr")[0].Fit, Weight: 0},
	}, []float64{0.25, 0, 0.75}, true)
	m, err := pr.Train(forecast.TrainOptions{Kind: ensemble.Kind, Horizon: 7}, pr.Panel.Last, fit)
	if err != nil {
		t.Fatal(err)
	}
	s := m.Predictor.(*ensemble.Blend)
	if len(s.Members) != 2 || s.Gate == nil || s.Gate.Feature != "promo" || s.Gate.On[1] != 0.75 || s.Members[1].Weight != 0 {
		t.Fatalf("stack %+v, gate %+v: want ridge and svr, gated on promo", s.Members, s.Gate)
	}
	raw, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ensemble.Decode(ensemble.Kind, raw)
	if err != nil {
		t.Fatal(err)
	}
	X := prX(pr)
	got, again := make([]float64, X.Rows), make([]float64, X.Rows)
	if err := s.Predict(X, got); err != nil {
		t.Fatal(err)
	}
	if err := back.Predict(X, again); err != nil {
		t.Fatal(err)
	}
	ridge, svr := make([]float64, X.Rows), make([]float64, X.Rows)
	s.Members[0].Predictor.Predict(X, ridge)
	s.Members[1].Predictor.Predict(X, svr)
	promoted := 0
	for i := range got {
		want := math.Max(0, ridge[i])
		if X.At(i, s.Gate.Column) > 0.5 {
			want = 0.25*math.Max(0, ridge[i]) + 0.75*math.Max(0, svr[i])
			promoted++
		}
		if got[i] != again[i] || math.Abs(got[i]-want) > 1e-12 {
			t.Fatalf("row %d: stack %v, decoded %v, members give %v", i, got[i], again[i], want)
		}
	}
	if promoted == 0 {
		t.Fatal("no promoted row: the test does not exercise the gate")
	}
	for _, bad := range []string{
		strings.Replace(string(raw), `"version":2`, `"version":1`, 1),
		strings.Replace(string(raw), `"on":[0.25,0.75]`, `"on":[0.25,0.5]`, 1),
		strings.Replace(string(raw), `"on":[0.25,0.75]`, `"on":[1]`, 1),
	} {
		if bad == string(raw) {
			t.Fatalf("the edit did not apply to %s", raw)
		}
		if _, err := ensemble.Decode(ensemble.Kind, []byte(bad)); err == nil {
			t.Errorf("decoded a bad stack: %s", bad[len(bad)-120:])
		}
	}
	if _, err := ensemble.FitStack([]ensemble.Weighted{{Kind: "ridge", Fit: candidates(t, "ridge")[0].Fit, Weight: 1}}, []float64{1}, true)(
		&model.Dataset{X: data.NewMatrix(1, 1), Y: []float64{1}, Features: []model.Feature{{Name: "x"}}}); err == nil || !strings.Contains(err.Error(), `"promo"`) {
		t.Errorf("a stack on a dataset without a promo feature: %v", err)
	}
}

// TestBlendSHAP checks a blend of trees explains as the weighted sum of its
// members' SHAP values and interventional attributions, and that a stack or a blend with a member that
// cannot explain declines.
func TestBlendSHAP(t *testing.T) {
	pr := prepared(t, 7, 0)
	members := []ensemble.Weighted{
		{Kind: "gbdt", Fit: candidates(t, "gbdt")[0].Fit, Weight: 0.5},
		{Kind: "gbdt_poisson", Fit: candidates(t, "gbdt_poisson")[0].Fit, Weight: 0.5},
	}
	m, err := pr.Train(forecast.TrainOptions{Kind: ensemble.Kind, Horizon: 7}, pr.Panel.Last, ensemble.FitBlend(members, true))
	if err != nil {
		t.Fatal(err)
	}
	b := m.Predictor.(*ensemble.Blend)
	if !forecast.CanExplain(b) {
		t.Fatal("a blend of two gbdt models does not explain")
	}
	// Z holds each row's reference row for SHAPVersus: the next row.
	X := prX(pr)
	Z := data.NewMatrix(X.Rows, X.Cols)
	for i := range Z.Rows {
		copy(Z.Row(i), X.Row((i+1)%X.Rows))
	}
	if !forecast.CanExplainVersus(b) {
		t.Fatal("a blend of two gbdt models does not attribute differences")
	}
	w := X.Cols + 1
	for _, c := range []struct {
		name string
		size int
		attr func(p model.Predictor, out []float64) error
	}{
		{"SHAP", X.Rows * w, func(p model.Predictor, out []float64) error {
			return p.(forecast.Explainer).SHAP(X, out)
		}},
		{"SHAPVersus", X.Rows * X.Cols, func(p model.Predictor, out []float64) error {
			return p.(forecast.VersusExplainer).SHAPVersus(X, Z, out)
		}},
	} {
		got, want, part := make([]float64, c.size), make([]float64, c.size), make([]float64, c.size)
		if err := c.attr(b, got); err != nil {
			t.Fatal(err)
		}
		for _, mem := range b.Members {
			if err := c.attr(mem.Predictor, part); err != nil {
				t.Fatal(err)
			}
			for i, v := range part {
				want[i] += mem.Weight * v
			}
		}
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-12 {
				t.Fatalf("%s value %d: blend %v, weighted members %v", c.name, i, got[i], want[i])
			}
		}
	}
	b.Gate = &ensemble.Gate{Feature: "promo", On: []float64{1, 0}}
	if forecast.CanExplain(b) || forecast.CanExplainVersus(b) || b.SHAP(X, make([]float64, X.Rows*w)) == nil || b.SHAPVersus(X, Z, make([]float64, X.Rows*X.Cols)) == nil {
		t.Error("a stack explains")
	}
	ridge, err := pr.Train(forecast.TrainOptions{Kind: ensemble.Kind, Horizon: 7}, pr.Panel.Last, ensemble.FitBlend([]ensemble.Weighted{
		members[0], {Kind: "ridge", Fit: candidates(t, "ridge")[0].Fit, Weight: 0.5}}, true))
	if err != nil {
		t.Fatal(err)
	}
	if forecast.CanExplain(ridge.Predictor) || forecast.CanExplainVersus(ridge.Predictor) {
		t.Error("a blend with a ridge member explains")
	}
}

// prX returns the features of the prepared panel's training rows.
func prX(pr *forecast.Prepared) *data.Matrix { return pr.Dataset(pr.Panel.Last).X }
