package uplift

import (
	"fmt"
	"math"
	"sort"

	"promocast/tabular"
)

// BalanceThreshold is the largest absolute standardised mean difference a
// feature may show between a treatment and the control before the check
// calls the data unbalanced (the usual rule of thumb in the matching
// literature).
const BalanceThreshold = 0.1

// BalanceRow compares one feature (or one level of a categorical feature,
// or a feature's missing rate) between a treatment and the control.
type BalanceRow struct {
	// Feature is the feature's name, "name=level" for a level of a
	// categorical feature and "name=missing" for its missing rate.
	Feature string `json:"feature"`
	// Arm is the treatment compared with the control.
	Arm string `json:"arm"`
	// Control and Treated are the means in the two arms (shares for
	// levels and missing rates).
	Control float64 `json:"control"`
	Treated float64 `json:"treated"`
	// SMD is the standardised mean difference, (treated − control) over
	// the square root of the mean of the two variances; 0 when both are 0
	// and the means agree.
	SMD float64 `json:"smd"`
}

// Balance is the randomisation check of a campaign log: in a randomised
// test every feature has the same distribution in every arm, up to
// chance.
type Balance struct {
	// Shares is each arm's share of the customers, the control first.
	Shares []float64 `json:"shares"`
	// Rows compares every feature in every treatment with the control,
	// largest |SMD| first.
	Rows []BalanceRow `json:"rows"`
	// MaxAbsSMD is the largest |SMD| over Rows.
	MaxAbsSMD float64 `json:"max_abs_smd"`
	// Randomised is MaxAbsSMD ≤ BalanceThreshold.
	Randomised bool `json:"randomised"`
	// Warnings explain, in a sentence each, what fails the check.
	Warnings []string `json:"warnings,omitempty"`
}

// CheckBalance compares each treatment arm's features with the control's.
func CheckBalance(d *Data) *Balance {
	b := &Balance{Shares: make([]float64, len(d.Arms))}
	for _, a := range d.T {
		b.Shares[a] += 1 / float64(d.Rows())
	}
	for k := 1; k < len(d.Arms); k++ {
		for j, f := range d.Features {
			name := func(l int) string { return levelName(d.Schema, j, f.Name, l) }
			if f.Categorical {
				for l := 0; l < f.Levels; l++ {
					b.add(d, k, j, name(l), func(v float64) (float64, bool) { return b2f(v == float64(l)), true })
				}
			} else {
				b.add(d, k, j, f.Name, func(v float64) (float64, bool) { return v, !math.IsNaN(v) })
			}
			if hasMissing(d, j) {
				b.add(d, k, j, f.Name+"=missing", func(v float64) (float64, bool) { return b2f(math.IsNaN(v)), true })
			}
		}
	}
	sort.SliceStable(b.Rows, func(x, y int) bool { return math.Abs(b.Rows[x].SMD) > math.Abs(b.Rows[y].SMD) })
	for _, r := range b.Rows {
		b.MaxAbsSMD = math.Max(b.MaxAbsSMD, math.Abs(r.SMD))
		if math.Abs(r.SMD) > BalanceThreshold && len(b.Warnings) < 5 {
			b.Warnings = append(b.Warnings, fmt.Sprintf("%s differs between %q and the control: mean %.4g against %.4g (standardised difference %.2f, above %.1f)",
				r.Feature, r.Arm, r.Treated, r.Control, r.SMD, BalanceThreshold))
		}
	}
	b.Randomised = b.MaxAbsSMD <= BalanceThreshold
	if !b.Randomised {
		b.Warnings = append(b.Warnings, "the arms differ in their customers, so this does not look like a randomised test: "+
			"the X- and DR-learners and the policy values correct for it through the propensity model only as far as these features explain who was treated; "+
			"Qini curves and uplift@k compare unlike customers")
	}
	return b
}

// levelName names level l of feature j from the table's schema when known.
func levelName(s *tabular.Schema, j int, name string, l int) string {
	if s != nil && j < len(s.Features) && l < len(s.Features[j].Levels) {
		return name + "=" + s.Features[j].Levels[l]
	}
	return fmt.Sprintf("%s=%d", name, l)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func hasMissing(d *Data, j int) bool {
	for i := 0; i < d.Rows(); i++ {
		if math.IsNaN(d.X.At(i, j)) {
			return true
		}
	}
	return false
}

// add compares value(x) of feature column j between arm k and the
// control, as a row named feature; value reports false for cells to leave
// out.
func (b *Balance) add(d *Data, k, j int, feature string, value func(v float64) (float64, bool)) {
	var s [2]struct{ n, sum, sq float64 }
	for i, a := range d.T {
		if a != 0 && a != k {
			continue
		}
		v, ok := value(d.X.At(i, j))
		if !ok {
			continue
		}
		g := &s[b2i(a == k)]
		g.n++
		g.sum += v
		g.sq += v * v
	}
	var mean, vr [2]float64
	for g := range s {
		if s[g].n > 0 {
			mean[g] = s[g].sum / s[g].n
			vr[g] = math.Max(s[g].sq/s[g].n-mean[g]*mean[g], 0)
		}
	}
	smd := 0.0
	if sd := math.Sqrt((vr[0] + vr[1]) / 2); sd > 0 {
		smd = (mean[1] - mean[0]) / sd
	} else if mean[1] != mean[0] {
		smd = math.Copysign(math.Inf(1), mean[1]-mean[0])
	}
	b.Rows = append(b.Rows, BalanceRow{Feature: feature, Arm: d.Arms[k], Control: mean[0], Treated: mean[1], SMD: smd})
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
