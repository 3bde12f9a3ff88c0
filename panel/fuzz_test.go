package panel

import (
	"bytes"
	"math"
	"testing"

	"promocast/data"
	"promocast/ingest"
)

// FuzzPlan feeds arbitrary CSV plans to Extend: it must return targets that
// lie in the future of known series, or an error — never panic.
func FuzzPlan(f *testing.F) {
	f.Add([]byte("week,sku,price\n2024-01-24,a,0.9\n2024-01-31,a,0.8\n"))
	f.Add([]byte("week,sku,price\n2024-01-10,a,1\n"))
	f.Add([]byte("week,sku,price\n2024-01-24,b,\n"))
	f.Add([]byte("sku,price\na,1\n"))
	f.Add([]byte("week,sku,price\n2099-12-31,a,1e308\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		hist, err := data.NewFrame("sales.csv", []*data.Column{
			{Name: "week", Kind: data.String, Str: []string{"2024-01-03", "2024-01-10"}},
			{Name: "sku", Kind: data.String, Str: []string{"a", "a"}},
			{Name: "category", Kind: data.String, Str: []string{"x", "x"}},
			{Name: "units", Kind: data.Number, Num: []float64{1, 2}},
			{Name: "price", Kind: data.Number, Num: []float64{1, 1}},
		})
		if err != nil {
			t.Fatal(err)
		}
		p, err := Build(hist, mustSpec(t, weekly), Options{})
		if err != nil {
			t.Fatal(err)
		}
		plan, err := ingest.ReadCSV(bytes.NewReader(b), "plan.csv", ingest.Options{Types: map[string]data.Kind{}})
		if err != nil {
			return
		}
		if c := plan.Column("week"); c != nil && c.Kind == data.Number {
			return // a history's time column is text; callers retype plans the same way
		}
		if c := plan.Column("sku"); c != nil && c.Kind == data.Number {
			return
		}
		targets, err := p.Extend(plan)
		if err != nil {
			return
		}
		for _, tg := range targets {
			s := p.Series[tg.Series]
			i := s.At(tg.Period)
			if tg.Period <= p.Last || i < 0 || math.IsNaN(s.Known[0][i]) || !math.IsNaN(s.Y[i]) {
				t.Fatalf("target %+v is not a future plan row with a price", tg)
			}
		}
	})
}
