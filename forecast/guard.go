package forecast

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"promocast/data"
	"promocast/feature"
	"promocast/model"
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
	// EventGroupShare holds, per event and pre-event window feature
	// ("event_double11", "pre_double11"), the smallest share of a series'
	// group promoted in any training row inside it; absent in models
	// trained without events or groups.
	EventGroupShare map[string]float64 `json:"event_group_share,omitempty"`
}

// groupShareFeature is the feature holding the share of a series' group
// that is promoted (package feature).
const groupShareFeature = "group_promo_share"

// eventWindow reports whether a feature marks an event day or its
// pre-event window.
func eventWindow(name string) bool {
	return strings.HasPrefix(name, "event_") || strings.HasPrefix(name, "pre_")
}

// eventGroupShares returns Ranges.EventGroupShare from the training rows.
func eventGroupShares(ds *model.Dataset) map[string]float64 {
	share := -1
	for j, f := range ds.Features {
		if f.Name == groupShareFeature {
			share = j
		}
	}
	if share < 0 {
		return nil
	}
	out := map[string]float64{}
	for j, f := range ds.Features {
		if !eventWindow(f.Name) {
			continue
		}
		least := math.Inf(1)
		for i := 0; i < ds.X.Rows; i++ {
			if v := ds.X.At(i, share); ds.X.At(i, j) > 0 && !math.IsNaN(v) {
				least = math.Min(least, v)
			}
		}
		if !math.IsInf(least, 1) {
			out[f.Name] = least
		}
	}
	return out
}

// baselineWarnings adds to out, per row, where the baseline (matrix XB)
// asks about a state training never held: an event window whose every
// training row had at least minBaselineShare of the group promoted, while
// the baseline's row has under half that. The baseline there is the
// model's extrapolation, not something the history showed.
func (m *Model) baselineWarnings(XB *data.Matrix, out []string) {
	if m.Ranges == nil || len(m.Ranges.EventGroupShare) == 0 {
		return
	}
	col := map[string]int{}
	for j, f := range m.Features {
		col[f.Name] = j
	}
	share, ok := col[groupShareFeature]
	if !ok {
		return
	}
	names := make([]string, 0, len(m.Ranges.EventGroupShare))
	for n := range m.Ranges.EventGroupShare {
		names = append(names, n)
	}
	sort.Strings(names)
	for i := range out {
		for _, n := range names {
			j, ok := col[n]
			least := m.Ranges.EventGroupShare[n]
			if !ok || XB.At(i, j) <= 0 || least < minBaselineShare {
				continue
			}
			if v := XB.At(i, share); v < least/2 {
				w := fmt.Sprintf("%s: every %s period in training had at least %.0f%% of the group promoted, the baseline %.0f%%", BaselineExtrapolated, n, 100*least, 100*v)
				if out[i] != "" {
					out[i] += "; "
				}
				out[i] += w
			}
		}
	}
}

// BaselineExtrapolated starts the warning baselineWarnings gives.
const BaselineExtrapolated = "baseline extrapolated"

// minBaselineShare is the least group share in an event window, over all
// its training rows, that makes a baseline without promotions there an
// extrapolation worth a warning.
const minBaselineShare = 0.1

// SeriesRange is one series' promotion history in training.
type SeriesRange struct {
	MaxDiscount float64 `json:"max_discount"`
	Promoted    int     `json:"promoted"`
}

// ranges collects Ranges from the panel's periods up to until and the
// training rows ds.
func ranges(p *panel.Panel, b *feature.Builder, until int, ds *model.Dataset) *Ranges {
	r := &Ranges{Series: map[string]SeriesRange{}, Levers: map[string][2]float64{}, EventGroupShare: eventGroupShares(ds)}
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
