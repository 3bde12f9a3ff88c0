package inventory

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func near(t *testing.T, name string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %.15g, want %.15g", name, got, want)
	}
}

// Constant per-period SD, no promotion marked.
func TestPlanConstantSD(t *testing.T) {
	d, err := Plan(Input{
		Mean:         []float64{100, 100, 100, 100, 100, 100},
		SD:           20,
		LeadTime:     2,
		Review:       1,
		ServiceLevel: 0.95,
		OnHand:       150,
		OnOrder:      50,
	})
	if err != nil {
		t.Fatal(err)
	}
	// z = Φ⁻¹(0.95) = 1.6448536269514715
	// ProtectionSD = 20·sqrt(2+1) = 34.64101615137755
	// SafetyStock = 1.6448536269514715 · 34.64101615137755 = 56.97940105787786
	// LeadTimeDemand = 100+100 = 200; ProtectionDemand = 300
	// ReorderPoint = 200 + 56.979… = 256.97940105787786
	// OrderUpTo = 300 + 56.979… = 356.97940105787786
	// Position = 150 + 50 = 200; OrderQty = 356.979… − 200 = 156.97940105787786
	near(t, "Z", d.Z, 1.6448536269514715)
	near(t, "ProtectionSD", d.ProtectionSD, 34.64101615137755)
	near(t, "SafetyStock", d.SafetyStock, 56.97940105787786)
	near(t, "LeadTimeDemand", d.LeadTimeDemand, 200)
	near(t, "ProtectionDemand", d.ProtectionDemand, 300)
	near(t, "ReorderPoint", d.ReorderPoint, 256.97940105787786)
	near(t, "OrderUpTo", d.OrderUpTo, 356.97940105787786)
	near(t, "Position", d.Position, 200)
	near(t, "OrderQty", d.OrderQty, 156.97940105787786)
	if !d.Reorder {
		t.Error("Reorder = false with position 200 below reorder point 256.98")
	}
	// Period 0: P(N(100, 20²) > 200) = 1 − Φ(5) = 2.866515718125129e-07.
	// Period 1: P(N(200, 2·20²) > 200) = 0.5 exactly.
	near(t, "CumStockoutProb[0]", d.CumStockoutProb[0], 2.866515718125129e-07)
	near(t, "CumStockoutProb[1]", d.CumStockoutProb[1], 0.5)
	// No Promo marks: evaluated at the last period, mean 600 against 200.
	if d.StockoutPeriod != 5 || d.StockoutProb < 1-1e-12 || !d.StockoutRisk {
		t.Errorf("stockout at %d: prob %g risk %v, want period 5, ≈1, true", d.StockoutPeriod, d.StockoutProb, d.StockoutRisk)
	}
}

// Quantile forecast with a promotion in periods 1–2.
func TestPlanQuantilesPromo(t *testing.T) {
	d, err := Plan(Input{
		Mean:         []float64{50, 150, 150, 50},
		P10:          []float64{40, 140, 140, 40},
		P90:          []float64{60, 160, 160, 60},
		LeadTime:     1,
		Review:       1,
		ServiceLevel: 0.9,
		OnHand:       300,
		Promo:        []bool{false, true, true, false},
	})
	if err != nil {
		t.Fatal(err)
	}
	// σ_t = (60−40)/(2·z₀.₉) = 20/(2·1.2815515655446004) = 7.803041460723788.
	// z = Φ⁻¹(0.9) = z₀.₉, so SafetyStock = z₀.₉·σ·sqrt(2) = 10·sqrt(2) = 14.142135623730951.
	// ReorderPoint = 50 + 14.142… = 64.14213562373095
	// OrderUpTo = 50+150 + 14.142… = 214.14213562373095; Position 300 → OrderQty 0.
	near(t, "ProtectionSD", d.ProtectionSD, 7.803041460723788*math.Sqrt2)
	near(t, "SafetyStock", d.SafetyStock, 10*math.Sqrt2)
	near(t, "ReorderPoint", d.ReorderPoint, 50+10*math.Sqrt2)
	near(t, "OrderUpTo", d.OrderUpTo, 200+10*math.Sqrt2)
	near(t, "OrderQty", d.OrderQty, 0)
	if d.Reorder {
		t.Error("Reorder = true with position 300 above reorder point 64")
	}
	// Through the last promotion period (2): mean 50+150+150 = 350,
	// sd = 7.803…·sqrt(3) = 13.515264263540068,
	// P(D > 300) = 1 − Φ((300−350)/13.515…) = 0.9998919964915765.
	if d.StockoutPeriod != 2 {
		t.Errorf("StockoutPeriod = %d, want 2", d.StockoutPeriod)
	}
	near(t, "StockoutProb", d.StockoutProb, 0.9998919964915765)
	if !d.StockoutRisk {
		t.Error("StockoutRisk = false with P(stockout) ≈ 1")
	}
	// Period 1: mean 200, sd 7.803·√2 = 11.04; (300−200)/11.04 ≈ 9.06 sd: ≈ 0.
	if p := d.CumStockoutProb[1]; p > 1e-15 {
		t.Errorf("CumStockoutProb[1] = %g, want ≈ 0", p)
	}
}

// Quantiles built from a constant SD give the same decision as the SD.
func TestQuantilesMatchSD(t *testing.T) {
	mean := []float64{10, 20, 30, 40, 50}
	p10, p90 := make([]float64, 5), make([]float64, 5)
	for i, m := range mean {
		p10[i], p90[i] = m-z90*4, m+z90*4
	}
	base := Input{Mean: mean, LeadTime: 3, Review: 2, ServiceLevel: 0.98, OnHand: 70, OnOrder: 5}
	a, b := base, base
	a.SD = 4
	a.P10, a.P90 = nil, nil
	b.P10, b.P90 = p10, p90
	da, err := Plan(a)
	if err != nil {
		t.Fatal(err)
	}
	db, err := Plan(b)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "SafetyStock", db.SafetyStock, da.SafetyStock)
	near(t, "OrderQty", db.OrderQty, da.OrderQty)
	near(t, "StockoutProb", db.StockoutProb, da.StockoutProb)
}

func TestZeroDemand(t *testing.T) {
	d, err := Plan(Input{Mean: []float64{0, 0, 0}, LeadTime: 1, Review: 1, ServiceLevel: 0.95})
	if err != nil {
		t.Fatal(err)
	}
	if d.SafetyStock != 0 || d.ReorderPoint != 0 || d.OrderUpTo != 0 || d.OrderQty != 0 || d.Reorder {
		t.Errorf("zero demand gave %+v, want all zero and no reorder", d)
	}
	if d.StockoutProb != 0 || d.StockoutRisk {
		t.Errorf("zero demand: StockoutProb %g risk %v, want 0 false", d.StockoutProb, d.StockoutRisk)
	}
}

// P50 stands in for Mean; a service level below one half clamps safety stock
// at zero instead of making it negative.
func TestMedianAndLowService(t *testing.T) {
	d, err := Plan(Input{P50: []float64{10, 10}, SD: 5, LeadTime: 1, Review: 1, ServiceLevel: 0.3, OnHand: 4})
	if err != nil {
		t.Fatal(err)
	}
	// z = Φ⁻¹(0.3) < 0 → SafetyStock 0; ReorderPoint 10; OrderUpTo 20; OrderQty 20 − 4 = 16.
	if d.Z >= 0 || d.SafetyStock != 0 {
		t.Errorf("Z %g SafetyStock %g, want Z < 0 and SafetyStock 0", d.Z, d.SafetyStock)
	}
	near(t, "ReorderPoint", d.ReorderPoint, 10)
	near(t, "OrderQty", d.OrderQty, 16)
}

func TestErrors(t *testing.T) {
	ok := Input{Mean: []float64{1, 2, 3}, SD: 1, LeadTime: 1, Review: 1, ServiceLevel: 0.95}
	cases := []struct {
		name  string
		edit  func(*Input)
		field string
	}{
		{"service 0", func(in *Input) { in.ServiceLevel = 0 }, "ServiceLevel"},
		{"service 1", func(in *Input) { in.ServiceLevel = 1 }, "ServiceLevel"},
		{"service 95", func(in *Input) { in.ServiceLevel = 95 }, "ServiceLevel"},
		{"service NaN", func(in *Input) { in.ServiceLevel = math.NaN() }, "ServiceLevel"},
		{"lead time", func(in *Input) { in.LeadTime = -1 }, "LeadTime"},
		{"review", func(in *Input) { in.Review = -2 }, "Review"},
		{"on hand", func(in *Input) { in.OnHand = -1 }, "OnHand"},
		{"on order", func(in *Input) { in.OnOrder = math.Inf(1) }, "OnOrder"},
		{"sd", func(in *Input) { in.SD = -1 }, "SD"},
		{"no forecast", func(in *Input) { in.Mean = nil }, "Mean"},
		{"negative demand", func(in *Input) { in.Mean = []float64{1, -2, 3} }, "Mean[1]"},
		{"NaN demand", func(in *Input) { in.Mean = []float64{1, 2, math.NaN()} }, "Mean[2]"},
		{"short horizon", func(in *Input) { in.LeadTime = 3 }, "Mean"},
		{"promo length", func(in *Input) { in.Promo = []bool{true} }, "Promo"},
		{"P10 alone", func(in *Input) { in.SD = 0; in.P10 = []float64{0, 1, 2} }, "P10/P90"},
		{"SD and quantiles", func(in *Input) { in.P10 = []float64{0, 1, 2}; in.P90 = []float64{2, 3, 4} }, "SD"},
		{"crossed quantiles", func(in *Input) { in.SD = 0; in.P10 = []float64{0, 1, 2}; in.P90 = []float64{2, 0.5, 4} }, "P90[1]"},
		{"quantile length", func(in *Input) { in.SD = 0; in.P10 = []float64{0, 1}; in.P90 = []float64{2, 3} }, "P10"},
	}
	for _, c := range cases {
		in := ok
		c.edit(&in)
		_, err := Plan(in)
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Errorf("%s: error %v, want *InputError", c.name, err)
			continue
		}
		if !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s: error %q does not name %s", c.name, err, c.field)
		}
	}
	if _, err := Plan(ok); err != nil {
		t.Fatalf("valid input: %v", err)
	}
}

func TestInputErrorColumn(t *testing.T) {
	_, err := Plan(Input{Mean: []float64{1}, SD: 1, ServiceLevel: 0.9, LeadTime: -1})
	var ie *InputError
	if !errors.As(err, &ie) || ie.Column() != "lead_time" {
		t.Errorf("negative lead time: %v", err)
	}
}
