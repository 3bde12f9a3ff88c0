package forecast

import (
	"math"
	"slices"
	"testing"
)

func TestGrid(t *testing.T) {
	// 0.1 steps accumulate rounding error; the grid still ends at 0.3 and
	// holds the decimal values.
	if got, want := Grid(0, 0.3, 0.1), []float64{0, 0.1, 0.2, 0.3}; !slices.Equal(got, want) {
		t.Errorf("Grid(0, 0.3, 0.1) = %v, want %v", got, want)
	}
	if got, want := Grid(0, 1, 1), []float64{0, 1}; !slices.Equal(got, want) {
		t.Errorf("Grid(0, 1, 1) = %v, want %v", got, want)
	}
	if got, want := Grid(0.05, 0.2, 0.1), []float64{0.05, 0.15}; !slices.Equal(got, want) {
		t.Errorf("Grid(0.05, 0.2, 0.1) = %v, want %v", got, want)
	}
	if got, want := Grid(2, 2, 0.5), []float64{2}; !slices.Equal(got, want) {
		t.Errorf("Grid(2, 2, 0.5) = %v, want %v", got, want)
	}
	// Bounds that would never end the grid give none.
	nan, inf := math.NaN(), math.Inf(1)
	for _, c := range [][3]float64{{0, 1, 0}, {0, 1, -0.1}, {1, 0, 0.1}, {nan, 1, 0.1}, {0, nan, 0.1}, {0, 1, nan}, {0, inf, 0.1}, {-inf, 0, 0.1}} {
		if got := Grid(c[0], c[1], c[2]); got != nil {
			t.Errorf("Grid(%v, %v, %v) = %v, want none", c[0], c[1], c[2], got)
		}
	}
}

func TestCurves(t *testing.T) {
	// Two series swept over three discounts, points in sweep order as
	// WhatIf returns them. Series b's deepest discount gains most but is
	// beyond its history.
	at := func(series string, v, units, margin float64, warning string) Point {
		return Point{Series: series, Value: v, Units: units, PointUnits: units, Baseline: 100, Margin: margin, BaselineMargin: 50, RefMargin: 50, Warning: warning}
	}
	points := []Point{
		at("b", 0, 100, 50, ""), at("a", 0, 100, 50, ""),
		at("b", 0.1, 130, 60, ""), at("a", 0.1, 120, 70, ""),
		at("b", 0.2, 170, 80, "deeper than its deepest discount"), at("a", 0.2, 150, 65, ""),
	}
	curves := Curves(points, true)
	if len(curves) != 2 || curves[0].Series != "b" || curves[1].Series != "a" {
		t.Fatalf("curves %+v: want series b then a, in the order they appear", curves)
	}
	b, a := curves[0], curves[1]
	if got := []float64{b.Points[0].Value, b.Points[1].Value, b.Points[2].Value}; !slices.Equal(got, []float64{0, 0.1, 0.2}) {
		t.Errorf("series b's values %v, want 0, 0.1, 0.2", got)
	}
	if b.Best.Value != 0.2 || b.Best.Gain() != 30 || b.Within == nil || b.Within.Value != 0.1 || b.Within.Gain() != 10 {
		t.Errorf("series b: best %v (gain %v), within %+v; want 0.2 (30) and 0.1 (10)", b.Best.Value, b.Best.Gain(), b.Within)
	}
	if a.Best.Value != 0.1 || a.Best.Gain() != 20 || a.Within == nil || a.Within.Value != 0.1 {
		t.Errorf("series a: best %v (gain %v), within %+v; want 0.1 (20) and 0.1", a.Best.Value, a.Best.Gain(), a.Within)
	}
	// a's units are 100, 120, 150 at prices 1, 0.9, 0.8 of the off price.
	if want := Elasticity(a.Points); a.Elasticity != want || !(want < -1) {
		t.Errorf("series a's elasticity %v, want %v (below -1)", a.Elasticity, want)
	}
	for _, c := range Curves(points, false) {
		if !math.IsNaN(c.Elasticity) {
			t.Errorf("series %s: elasticity %v for a lever that is not a price, want NaN", c.Series, c.Elasticity)
		}
	}
	if got := Curves(nil, true); len(got) != 0 {
		t.Errorf("Curves of no points = %v, want none", got)
	}
}

// A curve's best point gains most over one reference, the first point's
// baseline: points measured from their own, moving baselines ranked the
// deepest discount first while its margin fell.
func TestBestEarnsMostFromOneReference(t *testing.T) {
	c := Curves([]Point{
		{Series: "a", Value: 0, Margin: 790, BaselineMargin: 790, RefMargin: 790},
		{Series: "a", Value: 0.1, Margin: 709, BaselineMargin: 600, RefMargin: 790},
		{Series: "a", Value: 0.2, Margin: 648, BaselineMargin: 500, RefMargin: 790},
		{Series: "a", Value: 0.3, Margin: 245, BaselineMargin: 70, RefMargin: 790, Warning: "beyond"},
	}, true)[0]
	if c.Best.Value != 0 || c.Best.Gain() != 0 || c.Points[2].Gain() != 648-790 {
		t.Errorf("best %v gaining %v, the third point %v: want 0 gaining 0, the third -142", c.Best.Value, c.Best.Gain(), c.Points[2].Gain())
	}
	if c.Within == nil || c.Within.Value != 0 {
		t.Errorf("best within history %+v, want the point at 0", c.Within)
	}
}
