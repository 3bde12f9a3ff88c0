package forecast

import (
	"math"
	"testing"
)

func TestROI(t *testing.T) {
	if got := ROI(30, 20); got != 1.5 {
		t.Errorf("ROI(30, 20) = %v, want 1.5", got)
	}
	if got := ROI(-10, 40); got != -0.25 {
		t.Errorf("ROI(-10, 40) = %v, want -0.25", got)
	}
	if got := ROI(30, 0); !math.IsNaN(got) {
		t.Errorf("ROI(30, 0) = %v, want NaN", got)
	}
	// Totals, rows and sweep points read the same figures the same way.
	tot := Total{Margin: 130, BaselineMargin: 100, PromotionCost: 20}
	row := Money{Margin: 130, BaselineMargin: 100, PromotionCost: 20}
	pt := Point{Margin: 130, BaselineMargin: 100, PromotionCost: 20}
	if tot.ROI() != 1.5 || row.ROI() != 1.5 || pt.ROI() != 1.5 {
		t.Errorf("ROI of total %v, row %v, point %v: want 1.5 each", tot.ROI(), row.ROI(), pt.ROI())
	}
	if got := (Point{Margin: 130, BaselineMargin: 100}).ROI(); !math.IsNaN(got) {
		t.Errorf("ROI of a point without promotion cost = %v, want NaN", got)
	}
}
