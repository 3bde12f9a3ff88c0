package effect

import (
	"fmt"
	"math"
	"testing"

	"promocast/data"
	"promocast/forecast"
	"promocast/model"
	"promocast/panel"
	"promocast/spec"
)

// history returns a weekly panel where units = level_s · price^−2 ·
// e^{0.3·feature} exactly, with prices and features varying.
func history(t *testing.T) *data.Frame {
	t.Helper()
	g := panel.Grid{Frequency: spec.Day}
	var week, sku []string
	var units, price, reg, feat []float64
	for s := 0; s < 4; s++ {
		level := 50 * float64(s+1)
		for w := 0; w < 60; w++ {
			p := 2.0
			if (w+s)%5 == 0 {
				p = 1.6
			}
			f := float64((w + 2*s) % 7 / 6)
			week = append(week, g.Label(18631+7*w))
			sku = append(sku, fmt.Sprintf("s%d", s))
			price, reg, feat = append(price, p), append(reg, 2), append(feat, f)
			units = append(units, level*math.Pow(p, -2)*math.Exp(0.3*f))
		}
	}
	f, err := data.NewFrame("h.csv", []*data.Column{
		{Name: "week", Kind: data.String, Str: week}, {Name: "sku", Kind: data.String, Str: sku},
		{Name: "units", Kind: data.Number, Num: units}, {Name: "price", Kind: data.Number, Num: price},
		{Name: "regular", Kind: data.Number, Num: reg}, {Name: "feature", Kind: data.Number, Num: feat},
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func mustPanel(t *testing.T) (*panel.Panel, *data.Frame) {
	return mustPanelOff(t, "regular")
}

// mustPanelOff builds the history's panel with the price lever's off value
// given as off: a column or infer.
func mustPanelOff(t *testing.T, off string) (*panel.Panel, *data.Frame) {
	t.Helper()
	return mustPanelPromotion(t, "{price: {off: "+off+"}, feature: {off: 0}}")
}

// mustPanelPromotion builds the history's panel with the spec's promotion
// levers as given.
func mustPanelPromotion(t *testing.T, promotion string) (*panel.Panel, *data.Frame) {
	t.Helper()
	sp, err := spec.Parse([]byte("time: {column: week, frequency: week}\nkeys: [sku]\ntarget: units\npromotion: " + promotion + "\ncalendar: none\n"))
	if err != nil {
		t.Fatal(err)
	}
	h := history(t)
	p, err := panel.Build(h, sp, panel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p, h
}

func TestLogLogRecoversEffects(t *testing.T) {
	p, _ := mustPanel(t)
	coefs, n, err := LogLog(p)
	if err != nil {
		t.Fatal(err)
	}
	if n != 240 || len(coefs) != 2 {
		t.Fatalf("%d rows, coefs %+v", n, coefs)
	}
	if math.Abs(coefs[0].Estimate+2) > 1e-9 || math.Abs(coefs[1].Estimate-0.3) > 1e-9 {
		t.Fatalf("coefficients %+v, want −2 and 0.3", coefs)
	}
	if math.Abs(coefs[1].Effect(1)-(math.Exp(0.3)-1)) > 1e-9 {
		t.Fatalf("feature effect %v", coefs[1].Effect(1))
	}
}

// A lever that never moves within a series is left out of the
// regression with a NaN coefficient, the others still fitted; with no
// lever that moves, the regression is an error that says so.
func TestLogLogLeavesOutConstantLevers(t *testing.T) {
	p, _ := mustPanelPromotion(t, "{price: {off: infer}, regular: {off: 0}}")
	coefs, _, err := LogLog(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(coefs) != 2 || coefs[1].Name != "regular" || !math.IsNaN(coefs[1].Estimate) || !math.IsNaN(coefs[1].StdErr) ||
		math.IsNaN(coefs[0].Estimate) || math.Abs(coefs[0].Estimate+2) > 0.5 {
		t.Fatalf("coefficients %+v: want the price's near −2 and regular's NaN", coefs)
	}
	p, _ = mustPanelPromotion(t, "{regular: {off: infer}}")
	if _, _, err := LogLog(p); err == nil || err.Error() != "log-log regression: no lever (ln(regular)) varies within any series" {
		t.Fatalf("no lever varies: error %v", err)
	}
}

// discountModel predicts (1 + 2·discount)(1 + feature) in scaled units.
type discountModel struct{ disc, feat int }

func (d discountModel) Predict(X *data.Matrix, out []float64) error {
	for i := range out {
		out[i] = (1 + 2*X.At(i, d.disc)) * (1 + X.At(i, d.feat))
	}
	return nil
}

// TestProbe probes with the off price as a column and inferred as the
// trailing maximum price (both 2 here): the price row must be there and
// agree.
func TestProbe(t *testing.T) {
	for _, off := range []string{"regular", "infer"} {
		t.Run(off, func(t *testing.T) { testProbe(t, off) })
	}
}

func testProbe(t *testing.T, off string) {
	p, h := mustPanelOff(t, off)
	probed := probe(t, p, h)
	if len(probed) != 2 || probed[0].Lever != "feature" || probed[1].Lever != "price" {
		t.Fatalf("probed %+v", probed)
	}
	if math.Abs(probed[0].Lift-1) > 1e-12 || probed[0].Series != 4 {
		t.Errorf("feature lift %v over %d series, want 1 (doubling) over 4", probed[0].Lift, probed[0].Series)
	}
	// ln(1+2d) against ln(1−d) over d = 0, 0.1, 0.2, 0.3: slope ≈ −1.31.
	if pr := probed[1]; pr.NegativeShare != 1 || !(pr.Median < -1.25 && pr.Median > -1.37) {
		t.Errorf("price elasticity median %v, negative share %v", pr.Median, pr.NegativeShare)
	}
}

// TestProbeReadsTheOffValue probes a flag whose off value is 1: it is
// switched from 1 to 2, a step of 1, and the model's (1 + feature) makes
// that 50% more units.
func TestProbeReadsTheOffValue(t *testing.T) {
	p, h := mustPanelPromotion(t, "{price: {off: regular}, feature: {off: 1}}")
	probed := probe(t, p, h)
	if len(probed) != 2 || probed[0].Lever != "feature" {
		t.Fatalf("probed %+v", probed)
	}
	if pr := probed[0]; pr.Off != 1 || pr.On != 2 || math.Abs(pr.Lift-0.5) > 1e-12 {
		t.Errorf("feature probed from %v to %v with lift %v, want from 1 to 2 with lift 0.5", pr.Off, pr.On, pr.Lift)
	}
}

// probe trains discountModel on the panel and probes it.
func probe(t *testing.T, p *panel.Panel, h *data.Frame) []Probed {
	t.Helper()
	opt := forecast.TrainOptions{Kind: "test", Horizon: 2}
	pr, err := forecast.Prepare(p, opt)
	if err != nil {
		t.Fatal(err)
	}
	m, err := pr.Train(opt, p.Last, func(ds *model.Dataset) (model.Predictor, error) {
		d := discountModel{-1, -1}
		for j, f := range ds.Features {
			switch f.Name {
			case "price_discount":
				d.disc = j
			case "feature":
				d.feat = j
			}
		}
		return d, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := m.NewScorer(h)
	if err != nil {
		t.Fatal(err)
	}
	probed, err := Probe(sc)
	if err != nil {
		t.Fatal(err)
	}
	return probed
}

func TestCoefInterval(t *testing.T) {
	c := Coef{Estimate: 0.3, StdErr: 0.05}
	lift, lo, hi := c.Interval(1)
	if want := math.Exp(0.3) - 1; math.Abs(lift-want) > 1e-12 || lift != c.Effect(1) {
		t.Errorf("lift %v, want e^0.3 − 1 = %v", lift, want)
	}
	if want := math.Exp(0.2) - 1; math.Abs(lo-want) > 1e-12 {
		t.Errorf("low end %v, want e^0.2 − 1 = %v", lo, want)
	}
	if want := math.Exp(0.4) - 1; math.Abs(hi-want) > 1e-12 {
		t.Errorf("high end %v, want e^0.4 − 1 = %v", hi, want)
	}
	// A step of 2 doubles the exponent of the lift and of both ends.
	if lift, lo, hi := c.Interval(2); math.Abs(lift-(math.Exp(0.6)-1)) > 1e-12 || math.Abs(lo-(math.Exp(0.4)-1)) > 1e-12 || math.Abs(hi-(math.Exp(0.8)-1)) > 1e-12 {
		t.Errorf("step 2: %v (%v .. %v), want e^0.6 − 1 (e^0.4 − 1 .. e^0.8 − 1)", lift, lo, hi)
	}
}

// A lift reads as no less than −100%, however far below none the effect's
// band reaches: units do not fall below zero.
func TestReadLiftNeverBelowNone(t *testing.T) {
	flag := forecast.EffectColumn{Name: "display"}
	for _, theta := range []float64{-0.5, -3, -40} {
		if got := Read(flag, theta, DefaultOffset); got < -1 || got > 0 {
			t.Errorf("θ %v: lift %v, want within −100%% .. 0", theta, got)
		}
	}
	if got := Read(flag, -40, DefaultOffset); got != -1 {
		t.Errorf("θ −40: lift %v, want −100%%", got)
	}
	if got := Read(forecast.EffectColumn{LogPrice: true}, 2, DefaultOffset); got != -2.2 {
		t.Errorf("price θ 2: elasticity %v, want −2.2", got)
	}
}

// TestProbeKeepsSeriesWithoutAPlainCovariate probes a panel with a rival's
// price that one series never had (the store never carried it): the probe
// plan leaves it empty there, as a plan may, and probes every series.
func TestProbeKeepsSeriesWithoutAPlainCovariate(t *testing.T) {
	h := history(t)
	sku := h.Column("sku").Str
	rival := make([]float64, h.Rows())
	for i := range rival {
		rival[i] = 3 + 0.1*float64(i%4)
		if sku[i] == "s0" {
			rival[i] = math.NaN()
		}
	}
	if err := h.Add(&data.Column{Name: "rival", Kind: data.Number, Num: rival}); err != nil {
		t.Fatal(err)
	}
	sp, err := spec.Parse([]byte("time: {column: week, frequency: week}\nkeys: [sku]\ntarget: units\nknown: [rival]\n" +
		"promotion: {price: {off: regular}, feature: {off: 0}}\ncalendar: none\n"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := panel.Build(h, sp, panel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if probed := probe(t, p, h); len(probed) != 2 || probed[0].Series != 4 {
		t.Errorf("probed %+v, want both levers over all 4 series", probed)
	}
}
