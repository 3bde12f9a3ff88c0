package forecast

import (
	"fmt"
	"math"
	"strings"

	"promocast/feature"
	"promocast/panel"
)

// Ranges records what the training history held, so forecasts can warn
// when a plan asks about something the model never saw.
type Ranges struct {
	// MaxDiscount is the deepest price discount in training, over all series.
	MaxDiscount float64 `json:"max_discount"`
	// Series holds per series (by ID) its deepest discount and how many
	// promoted periods it had.
	Series map[string]SeriesRange `json:"series"`
	// Levers holds each lever's smallest and largest value in training.
	Levers map[string][2]float64 `json:"levers"`
}

// SeriesRange is one series' promotion history in training.
type SeriesRange struct {
	MaxDiscount float64 `json:"max_discount"`
	Promoted    int     `json:"promoted"`
}

// ranges collects Ranges from the panel's periods up to until.
func ranges(p *panel.Panel, b *feature.Builder, until int) *Ranges {
	r := &Ranges{Series: map[string]SeriesRange{}, Levers: map[string][2]float64{}}
	levers, _ := p.Spec.Levers()
	known := map[string]int{}
	for k, n := range p.Spec.Known {
		known[n] = k
	}
	for si, s := range p.Series {
		var sr SeriesRange
		for i := range s.Y {
			t := s.Start + i
			if t > until || s.Row[i] < 0 {
				continue
			}
			d := b.Discount(si, t)
			sr.MaxDiscount = math.Max(sr.MaxDiscount, d)
			if b.Promoted(si, t) {
				sr.Promoted++
			}
			for _, lv := range levers {
				v := s.Known[known[lv.Name]][i]
				if math.IsNaN(v) {
					continue
				}
				mm, ok := r.Levers[lv.Name]
				if !ok {
					mm = [2]float64{v, v}
				}
				r.Levers[lv.Name] = [2]float64{math.Min(mm[0], v), math.Max(mm[1], v)}
			}
		}
		r.MaxDiscount = math.Max(r.MaxDiscount, sr.MaxDiscount)
		r.Series[s.ID] = sr
	}
	return r
}

// warnings returns, per plan row, what in it lies outside the training
// history: "" when nothing does.
func (m *Model) warnings(p *panel.Panel, b *feature.Builder, targets []panel.Target) []string {
	out := make([]string, len(targets))
	r := m.Ranges
	if r == nil {
		return out
	}
	levers, _ := p.Spec.Levers()
	known := map[string]int{}
	for k, n := range p.Spec.Known {
		known[n] = k
	}
	for i, t := range targets {
		s := p.Series[t.Series]
		var w []string
		sr := r.Series[s.ID]
		d := b.Discount(t.Series, t.Period)
		if b.Promoted(t.Series, t.Period) && sr.Promoted == 0 {
			w = append(w, "series never promoted in training")
		}
		if d > r.MaxDiscount+1e-9 {
			w = append(w, fmt.Sprintf("discount %.0f%% deeper than any in training (max %.0f%%)", 100*d, 100*r.MaxDiscount))
		} else if d > sr.MaxDiscount+1e-9 && d >= m.Config.PromoThreshold {
			w = append(w, fmt.Sprintf("discount %.0f%% deeper than this series ever had (max %.0f%%)", 100*d, 100*sr.MaxDiscount))
		}
		for _, lv := range levers {
			mm, ok := r.Levers[lv.Name]
			v := s.Known[known[lv.Name]][t.Period-s.Start]
			if ok && !lv.IsPrice() && (v < mm[0] || v > mm[1]) {
				w = append(w, fmt.Sprintf("%s = %v outside training range [%v, %v]", lv.Name, v, mm[0], mm[1]))
			}
		}
		out[i] = strings.Join(w, "; ")
	}
	return out
}
