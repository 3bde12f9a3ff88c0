package inventory

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"promocast/data"
	"promocast/forecast"
)

// Stock is one series' stock and, optionally, its own policy; nil fields
// take the default Input's.
type Stock struct {
	OnHand, OnOrder float64
	LeadTime        *int
	ServiceLevel    *float64
}

// Series is one series' inventory input gathered from a forecast.
type Series struct {
	ID string
	// Periods label the input's periods in order.
	Periods []string
	Input   Input
}

// FromForecast gathers, per series of a forecast (sorted by ID), its
// expected units (the mean demand, Result.Expected: the point of a
// log-target model is nearer a median, which falls short of what sells),
// P10 and P90 in period order with their labels, and its stock over def
// (series missing from stock have nothing on hand and def's policy). The
// forecast must carry the P10 and P90 levels.
func FromForecast(res *forecast.Result, stock map[string]Stock, def Input) ([]Series, error) {
	lo, hi := levelIndex(res.Levels, 0.1), levelIndex(res.Levels, 0.9)
	if lo < 0 || hi < 0 {
		return nil, fmt.Errorf("inventory: the forecast has levels %v, not P10 and P90: the model needs forecast intervals", res.Levels)
	}
	rows := map[string][]int{}
	for i, t := range res.Targets {
		id := res.Panel.Series[t.Series].ID
		rows[id] = append(rows[id], i)
	}
	ids := make([]string, 0, len(rows))
	for id := range rows {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]Series, len(ids))
	for k, id := range ids {
		idx := rows[id]
		sort.Slice(idx, func(a, b int) bool { return res.Targets[idx[a]].Period < res.Targets[idx[b]].Period })
		in := def
		if st, ok := stock[id]; ok {
			in.OnHand, in.OnOrder = st.OnHand, st.OnOrder
			if st.LeadTime != nil {
				in.LeadTime = *st.LeadTime
			}
			if st.ServiceLevel != nil {
				in.ServiceLevel = *st.ServiceLevel
			}
		}
		s := Series{ID: id}
		for _, i := range idx {
			in.Mean = append(in.Mean, res.Expected[i])
			in.P10 = append(in.P10, res.ForecastQ[lo][i])
			in.P90 = append(in.P90, res.ForecastQ[hi][i])
			in.Promo = append(in.Promo, res.Promoted[i])
			s.Periods = append(s.Periods, res.Period(i))
		}
		s.Input = in
		out[k] = s
	}
	return out, nil
}

// Unplanned returns the sorted IDs of stock's series that series (a
// plan's) does not hold: they get no order.
func Unplanned(stock map[string]Stock, series []Series) []string {
	planned := make(map[string]bool, len(series))
	for _, sr := range series {
		planned[sr.ID] = true
	}
	var out []string
	for id := range stock {
		if !planned[id] {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// Short is a series whose plan is shorter than its lead time + review:
// its order would cover periods the forecast does not hold.
type Short struct {
	ID string
	// Periods is how many periods the plan holds, Need how many the
	// series' lead time + review ask for.
	Periods, Need int
}

func (s Short) String() string {
	return fmt.Sprintf("series %s: %d period(s) of %d", s.ID, s.Periods, s.Need)
}

// Covered splits series into those whose plan covers their lead time +
// review, which can be planned, and those it does not (short). A whole
// panel's plan often holds series with fewer periods (a history that
// omits weeks without sales ends some series early), which are left out
// with a warning rather than failing every other series' order. A short
// series' policy and stock are checked all the same: a *SeriesError
// reports the first that is invalid, as PlanAll would.
func Covered(series []Series) (covered []Series, short []Short, err error) {
	for _, sr := range series {
		need := sr.Input.LeadTime + sr.Input.Review
		if n := len(sr.Input.Mean); n < need {
			if err := sr.Input.checkPolicy(); err != nil {
				return nil, nil, &SeriesError{ID: sr.ID, Err: err}
			}
			short = append(short, Short{ID: sr.ID, Periods: n, Need: need})
			continue
		}
		covered = append(covered, sr)
	}
	return covered, short, nil
}

// Planned is one series' stock decision with the input it was made from.
type Planned struct {
	Series
	// Demand is the expected units over the plan: the sum of Input.Mean.
	Demand   float64
	Decision Decision
}

// SeriesError reports the series whose input Plan refused.
type SeriesError struct {
	ID  string
	Err error // an *InputError from Plan
}

// Error reads "series ID: column: message" for an *InputError, with the
// column as Column names it.
func (e *SeriesError) Error() string {
	var ie *InputError
	if errors.As(e.Err, &ie) {
		if ie.Period >= 0 {
			return fmt.Sprintf("series %s: %s[%d]: %s", e.ID, ie.Column(), ie.Period, ie.Msg)
		}
		return fmt.Sprintf("series %s: %s: %s", e.ID, ie.Column(), ie.Msg)
	}
	return fmt.Sprintf("series %s: %v", e.ID, e.Err)
}

// Unwrap returns the error Plan returned.
func (e *SeriesError) Unwrap() error { return e.Err }

// PlanAll makes the stock decision of every series, in order, as
// FromForecast gathers them. The first series Plan refuses stops it with a
// *SeriesError.
func PlanAll(series []Series) ([]Planned, error) {
	out := make([]Planned, len(series))
	for i, sr := range series {
		d, err := Plan(sr.Input)
		if err != nil {
			return nil, &SeriesError{ID: sr.ID, Err: err}
		}
		demand := 0.0
		for _, v := range sr.Input.Mean {
			demand += v
		}
		out[i] = Planned{Series: sr, Demand: demand, Decision: d}
	}
	return out, nil
}

// levelIndex is the index of quantile level l in levels, or -1.
func levelIndex(levels []float64, l float64) int {
	for k, v := range levels {
		if math.Abs(v-l) < 1e-9 {
			return k
		}
	}
	return -1
}

// ReadStock reads a stock table: the series keys, on_hand and optionally
// on_order, lead_time and service_level (empty cells take the default
// policy). Errors name the table, row, column and value.
func ReadStock(t *data.Frame, keys []string) (map[string]Stock, error) {
	onHand, err := t.NeedNumber("on_hand", "stock on hand")
	if err != nil {
		return nil, err
	}
	var keyCols []*data.Column
	for _, k := range keys {
		c, err := t.Need(k, "series key")
		if err != nil {
			return nil, err
		}
		keyCols = append(keyCols, c)
	}
	opt := func(name string) *data.Column {
		if c := t.Column(name); c != nil && c.Kind == data.Number {
			return c
		}
		return nil
	}
	onOrder, lead, service := opt("on_order"), opt("lead_time"), opt("service_level")
	out := map[string]Stock{}
	seen := map[string]int{}
	for r := 0; r < t.Rows(); r++ {
		id := ""
		for i, k := range keyCols {
			if i > 0 {
				id += "|"
			}
			id += k.Text(r)
		}
		if prev, ok := seen[id]; ok {
			return nil, fmt.Errorf("%s row %d: series %q already has a stock row (row %d): expected one row per series", t.Source, r+1, id, prev+1)
		}
		seen[id] = r
		bad := func(c *data.Column, expected string) error {
			if c.Missing(r) {
				return fmt.Errorf("%s row %d, column %s: empty: expected %s", t.Source, r+1, c.Name, expected)
			}
			return fmt.Errorf("%s row %d, column %s: %q is not %s", t.Source, r+1, c.Name, c.Text(r), expected)
		}
		st := Stock{OnHand: onHand.Num[r]}
		if !(st.OnHand >= 0) {
			return nil, bad(onHand, "a quantity ≥ 0")
		}
		if onOrder != nil && !onOrder.Missing(r) {
			if st.OnOrder = onOrder.Num[r]; st.OnOrder < 0 {
				return nil, bad(onOrder, "a quantity ≥ 0")
			}
		}
		if lead != nil && !lead.Missing(r) {
			v := lead.Num[r]
			if v < 0 || v != math.Trunc(v) {
				return nil, bad(lead, "a whole number of periods ≥ 0")
			}
			n := int(v)
			st.LeadTime = &n
		}
		if service != nil && !service.Missing(r) {
			v := service.Num[r]
			if !(v > 0 && v < 1) {
				return nil, bad(service, "a probability between 0 and 1 (exclusive)")
			}
			st.ServiceLevel = &v
		}
		out[id] = st
	}
	return out, nil
}
