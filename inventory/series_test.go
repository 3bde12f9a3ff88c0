package inventory

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"promocast/data"
)

// TestReadStock checks that a stock table's empty policy cells take the
// default and that a bad cell is named with its row and column.
func TestReadStock(t *testing.T) {
	frame := func(lead float64) *data.Frame {
		f, err := data.NewFrame("stock.csv", []*data.Column{
			{Name: "sku", Kind: data.String, Str: []string{"A", "B"}},
			{Name: "on_hand", Kind: data.Number, Num: []float64{5, 0}},
			{Name: "lead_time", Kind: data.Number, Num: []float64{2, lead}},
		})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	st, err := ReadStock(frame(math.NaN()), []string{"sku"})
	if err != nil {
		t.Fatal(err)
	}
	if a := st["A"]; a.OnHand != 5 || a.LeadTime == nil || *a.LeadTime != 2 || a.ServiceLevel != nil {
		t.Errorf("A = %+v", a)
	}
	if b := st["B"]; b.LeadTime != nil {
		t.Errorf("B's empty lead time read as %d", *b.LeadTime)
	}
	if _, err := ReadStock(frame(1.5), []string{"sku"}); err == nil || !strings.Contains(err.Error(), `stock.csv row 2, column lead_time: "1.5" is not a whole number`) {
		t.Errorf("fractional lead time: %v", err)
	}
	// A series given twice, and an empty on_hand, are named.
	twice, _ := data.NewFrame("stock.csv", []*data.Column{
		{Name: "sku", Kind: data.String, Str: []string{"A", "A"}},
		{Name: "on_hand", Kind: data.Number, Num: []float64{5, 3}},
	})
	if _, err := ReadStock(twice, []string{"sku"}); err == nil || err.Error() != `stock.csv row 2: series "A" already has a stock row (row 1): expected one row per series` {
		t.Errorf("a series given twice: %v", err)
	}
	empty, _ := data.NewFrame("stock.csv", []*data.Column{
		{Name: "sku", Kind: data.String, Str: []string{"A"}},
		{Name: "on_hand", Kind: data.Number, Num: []float64{math.NaN()}},
	})
	if _, err := ReadStock(empty, []string{"sku"}); err == nil || err.Error() != "stock.csv row 1, column on_hand: empty: expected a quantity ≥ 0" {
		t.Errorf("an empty on_hand: %v", err)
	}
}

// TestPlanAll checks that every series is planned in order with its
// demand over the plan, and that a refused input names its series.
func TestPlanAll(t *testing.T) {
	a := Input{Mean: []float64{10, 20, 30}, SD: 2, LeadTime: 1, Review: 1, ServiceLevel: 0.95, OnHand: 5}
	b := Input{Mean: []float64{4, 4}, LeadTime: 1, Review: 1, ServiceLevel: 0.9, OnHand: 100}
	got, err := PlanAll([]Series{{ID: "A", Periods: []string{"w1", "w2", "w3"}, Input: a}, {ID: "B", Periods: []string{"w1", "w2"}, Input: b}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != "A" || got[1].ID != "B" {
		t.Fatalf("planned %+v: want A then B", got)
	}
	if got[0].Demand != 60 || got[1].Demand != 8 {
		t.Errorf("demand %v and %v, want 60 and 8", got[0].Demand, got[1].Demand)
	}
	// A: L+R = 2 periods of demand 30 and σ 2·√2, z(0.95) = 1.645.
	da := got[0].Decision
	if want := 1.6448536269514722 * 2 * math.Sqrt2; math.Abs(da.SafetyStock-want) > 1e-9 {
		t.Errorf("A's safety stock %v, want %v", da.SafetyStock, want)
	}
	if want := 30 + da.SafetyStock - 5; math.Abs(da.OrderQty-want) > 1e-9 || !da.Reorder {
		t.Errorf("A orders %v (reorder %v), want %v now", da.OrderQty, da.Reorder, want)
	}
	if db := got[1].Decision; db.SafetyStock != 0 || db.OrderQty != 0 || db.Reorder || db.StockoutProb != 0 {
		t.Errorf("B (certain demand of 8, 100 on hand): %+v, want no safety stock, order or risk", db)
	}
	if want, _ := Plan(a); !reflect.DeepEqual(got[0].Decision, want) {
		t.Errorf("A's decision %+v, want Plan's %+v", got[0].Decision, want)
	}

	bad := b
	bad.LeadTime = -1
	_, err = PlanAll([]Series{{ID: "A", Input: a}, {ID: "B", Input: bad}})
	var se *SeriesError
	var ie *InputError
	if !errors.As(err, &se) || se.ID != "B" || !errors.As(err, &ie) || ie.Field != "LeadTime" {
		t.Fatalf("negative lead time of B: %v, want a *SeriesError for B wrapping LeadTime's *InputError", err)
	}
	if want := "series B: lead_time: must be ≥ 0"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	// A forecast field names its period.
	bad = b
	bad.Mean = []float64{4, math.NaN()}
	_, err = PlanAll([]Series{{ID: "B", Input: bad}})
	if err == nil || !strings.Contains(err.Error(), "series B: mean[1]: ") {
		t.Errorf("NaN mean in B's second period: %v, want an error naming series B and mean[1]", err)
	}
}

func TestCovered(t *testing.T) {
	in := func(periods, lead, review int) Input {
		return Input{Mean: make([]float64, periods), LeadTime: lead, Review: review, ServiceLevel: 0.95}
	}
	series := []Series{{ID: "a", Input: in(3, 2, 1)}, {ID: "b", Input: in(2, 2, 1)}, {ID: "c", Input: in(5, 0, 1)}}
	covered, short, err := Covered(series)
	if err != nil {
		t.Fatal(err)
	}
	if len(covered) != 2 || covered[0].ID != "a" || covered[1].ID != "c" {
		t.Errorf("covered %+v, want a and c", covered)
	}
	if len(short) != 1 || short[0] != (Short{ID: "b", Periods: 2, Need: 3}) || short[0].String() != "series b: 2 period(s) of 3" {
		t.Errorf("short %+v", short)
	}
	// A short series' policy is still checked.
	bad := in(1, 2, 1)
	bad.ServiceLevel = 1.5
	var se *SeriesError
	if _, _, err := Covered([]Series{{ID: "d", Input: bad}}); !errors.As(err, &se) || se.ID != "d" || !strings.Contains(err.Error(), "service") {
		t.Errorf("a short series with service level 1.5: %v", err)
	}
}
