package inventory

import (
	"math"
	"strconv"
)

// checkPolicy validates in's policy and stock: everything but the
// forecast.
func (in *Input) checkPolicy() error {
	if !(in.ServiceLevel > 0 && in.ServiceLevel < 1) {
		return &InputError{"ServiceLevel", -1, "must be in (0, 1), got " + fmtf(in.ServiceLevel)}
	}
	if in.LeadTime < 0 {
		return &InputError{"LeadTime", -1, "must be ≥ 0"}
	}
	if in.Review < 0 {
		return &InputError{"Review", -1, "must be ≥ 0"}
	}
	if err := nonNegative("OnHand", in.OnHand); err != nil {
		return err
	}
	if err := nonNegative("OnOrder", in.OnOrder); err != nil {
		return err
	}
	return nonNegative("SD", in.SD)
}

// demand validates in and returns the per-period mean and standard deviation.
func demand(in *Input) (mean, sigma []float64, err error) {
	if err := in.checkPolicy(); err != nil {
		return nil, nil, err
	}

	mean, field := in.Mean, "Mean"
	if mean == nil {
		mean, field = in.P50, "P50"
	}
	if len(mean) == 0 {
		return nil, nil, &InputError{"Mean", -1, "no forecast: give Mean or P50 for at least one period"}
	}
	h := len(mean)
	for _, s := range []struct {
		name string
		n    int
	}{{"Mean", len(in.Mean)}, {"P10", len(in.P10)}, {"P50", len(in.P50)}, {"P90", len(in.P90)}, {"Promo", len(in.Promo)}} {
		if s.n != 0 && s.n != h {
			return nil, nil, &InputError{s.name, -1, "has " + itoa(s.n) + " periods, the forecast has " + itoa(h)}
		}
	}
	for t, v := range mean {
		if !(v >= 0) || math.IsInf(v, 1) {
			return nil, nil, &InputError{field, t, "demand must be finite and ≥ 0, got " + fmtf(v)}
		}
	}
	if in.LeadTime+in.Review > h {
		return nil, nil, &InputError{field, -1, "forecast has " + itoa(h) + " periods, lead time + review needs " + itoa(in.LeadTime+in.Review)}
	}

	sigma = make([]float64, h)
	switch {
	case (in.P10 == nil) != (in.P90 == nil):
		return nil, nil, &InputError{"P10/P90", -1, "give both or neither"}
	case in.P10 != nil && in.SD != 0:
		return nil, nil, &InputError{"SD", -1, "give either SD or P10/P90, not both"}
	case in.P10 != nil:
		for t := range sigma {
			lo, hi := in.P10[t], in.P90[t]
			if math.IsNaN(lo) || math.IsInf(lo, 0) {
				return nil, nil, &InputError{"P10", t, "must be finite, got " + fmtf(lo)}
			}
			if math.IsNaN(hi) || math.IsInf(hi, 0) || hi < lo {
				return nil, nil, &InputError{"P90", t, "must be finite and ≥ P10 (" + fmtf(lo) + "), got " + fmtf(hi)}
			}
			sigma[t] = (hi - lo) / (2 * z90)
		}
	default:
		for t := range sigma {
			sigma[t] = in.SD
		}
	}
	return mean, sigma, nil
}

func nonNegative(field string, v float64) error {
	if !(v >= 0) || math.IsInf(v, 1) {
		return &InputError{field, -1, "must be finite and ≥ 0, got " + fmtf(v)}
	}
	return nil
}

func fmtf(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func itoa(n int) string { return strconv.Itoa(n) }
