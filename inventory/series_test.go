package inventory

import (
	"math"
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
}
