package panel

import (
	"fmt"
	"math"
	"sort"

	"promocast/data"
)

// Target is one series×period the caller wants forecast.
type Target struct {
	Series int // index into Panel.Series
	Period int // period ordinal
	Row    int // source row in the plan (0-based)
}

// Extend appends a plan — future rows of the known covariates, keyed like the
// history — to the panel and returns the rows to forecast in plan order.
// Every plan period must lie after its series' last history period (a
// series that ended before the others gets its own next periods), every
// plan series must have history, and no series may appear twice in one
// period.
// Periods between the history and the plan stay gaps.
func (p *Panel) Extend(plan *data.Frame) ([]Target, error) {
	cols, err := lookup(plan, p.Spec, false, p.planRules())
	if err != nil {
		return nil, err
	}
	ords, err := p.planOrdinals(plan, cols.time)
	if err != nil {
		return nil, err
	}
	index := make(map[string]int, len(p.Series))
	for i, s := range p.Series {
		index[s.ID] = i
	}
	groups, order := groupRows(plan.Rows(), cols.keys)
	targets := make([]Target, 0, plan.Rows())
	for _, id := range order {
		si, ok := index[id]
		if !ok {
			r := groups[id][0]
			return nil, &RowError{File: plan.Source, Row: r + 1, Column: keyNames(p), Err: p.noHistory(id)}
		}
		s := p.Series[si]
		end := s.End()
		last := end // the series' own last period: one that ended early gets its own next periods
		for _, r := range groups[id] {
			if ords[r] <= last {
				return nil, &RowError{File: plan.Source, Row: r + 1, Column: cols.time.Name,
					Err: fmt.Errorf("period %s is not after series %q's last period %s: a plan holds future periods only", cols.time.Text(r), id, p.Grid.Label(last))}
			}
			end = max(end, ords[r])
		}
		s.grow(end)
		for _, r := range groups[id] {
			i := ords[r] - s.Start
			if s.Row[i] >= 0 {
				return nil, &RowError{File: plan.Source, Row: r + 1, Column: cols.time.Name,
					Err: fmt.Errorf("series %q already has a plan row for %s (row %d)", id, cols.time.Text(r), s.Row[i]+1)}
			}
			s.Row[i] = r
			for k, col := range cols.known {
				v, err := planKnown(plan, col, cols.rules[k], r)
				if err != nil {
					return nil, err
				}
				s.Known[k][i] = v
			}
			targets = append(targets, Target{Series: si, Period: ords[r], Row: r})
		}
	}
	sort.Slice(targets, func(a, b int) bool { return targets[a].Row < targets[b].Row })
	return targets, nil
}

// planKnown returns a known covariate at plan row r, keeping its rule. A
// plan must give every lever, price and cost; a plain known covariate it
// leaves empty is missing there, as an empty history cell is (another
// product's price in a store that never carried it).
func planKnown(plan *data.Frame, col *data.Column, rule planRule, r int) (float64, error) {
	if col.Missing(r) {
		if rule.kind == anyNumber {
			return math.NaN(), nil
		}
		return 0, &RowError{File: plan.Source, Row: r + 1, Column: col.Name,
			Err: fmt.Errorf("missing (empty, NA, N/A, NaN or null): a plan must give every lever, price and cost a value")}
	}
	if err := checkKnown(plan, col, r); err != nil {
		return 0, err
	}
	switch v := col.Num[r]; {
	case rule.kind == priceColumn && !(v > 0):
		return 0, &RowError{File: plan.Source, Row: r + 1, Column: col.Name,
			Err: fmt.Errorf("price is %v: expected a positive price", v)}
	case rule.kind == costColumn && !(v >= 0):
		return 0, &RowError{File: plan.Source, Row: r + 1, Column: col.Name,
			Err: fmt.Errorf("cost is %v: expected 0 or more", v)}
	case rule.kind == leverColumn && !(v >= rule.off):
		return 0, &RowError{File: plan.Source, Row: r + 1, Column: col.Name,
			Err: fmt.Errorf("lever is %v: expected %v (off) or more: the lever is on above its off value", v, rule.off)}
	}
	return col.Num[r], nil
}

func (p *Panel) planOrdinals(plan *data.Frame, tc *data.Column) ([]int, error) {
	ords := make([]int, plan.Rows())
	for r := range ords {
		if tc.Missing(r) {
			return nil, &RowError{File: plan.Source, Row: r + 1, Column: tc.Name, Err: fmt.Errorf("time is empty")}
		}
		o, err := p.Grid.Ordinal(tc.Text(r))
		if err != nil {
			return nil, &RowError{File: plan.Source, Row: r + 1, Column: tc.Name, Err: err}
		}
		ords[r] = o
	}
	return ords, nil
}

// grow extends the series' slices with gaps up to period end.
func (s *Series) grow(end int) {
	n := end - s.Start + 1
	for len(s.Y) < n {
		s.Y = append(s.Y, nan)
		s.Row = append(s.Row, -1)
		for k := range s.Known {
			s.Known[k] = append(s.Known[k], nan)
		}
	}
}

func keyNames(p *Panel) string {
	if len(p.Spec.Keys) == 0 {
		return "(no keys)"
	}
	return fmt.Sprint(p.Spec.Keys)
}

// Select returns a panel with deep copies of the series a plan names (in
// the panel's order), sharing the grid, levels and history span, so that a
// plan can be scored and its levers switched without touching p. Features of
// the plan's periods are the same in the selection as in the whole panel:
// series outside the plan have no rows in its periods. A plan series the
// panel lacks is an error naming its first row.
func (p *Panel) Select(plan *data.Frame, index map[string]int) (*Panel, error) {
	cols, err := lookup(plan, p.Spec, false, nil)
	if err != nil {
		return nil, err
	}
	groups, order := groupRows(plan.Rows(), cols.keys)
	picked := make([]int, 0, len(order))
	for _, id := range order {
		si, ok := index[id]
		if !ok {
			return nil, &RowError{File: plan.Source, Row: groups[id][0] + 1, Column: keyNames(p), Err: p.noHistory(id)}
		}
		picked = append(picked, si)
	}
	sort.Ints(picked)
	sub := &Panel{Spec: p.Spec, Grid: p.Grid, Levels: p.Levels, First: p.First, Last: p.Last, Series: make([]*Series, len(picked)), rules: p.rules}
	for i, si := range picked {
		sub.Series[i] = p.Series[si].clone()
	}
	return sub, nil
}

// Index maps series IDs to their positions in the panel.
func (p *Panel) Index() map[string]int {
	index := make(map[string]int, len(p.Series))
	for i, s := range p.Series {
		index[s.ID] = i
	}
	return index
}

// clone returns a deep copy of the series.
func (s *Series) clone() *Series {
	c := *s
	c.Y = append([]float64(nil), s.Y...)
	c.Row = append([]int(nil), s.Row...)
	c.Known = make([][]float64, len(s.Known))
	for k := range s.Known {
		c.Known[k] = append([]float64(nil), s.Known[k]...)
	}
	return &c
}

// PlanRow is one plan row read against a panel (see Panel.PlanRows).
type PlanRow struct {
	// Series indexes the panel's series, Period is the row's period and
	// Row its row in the plan (0-based).
	Series, Period, Row int
	// Known holds the row's known covariates in the spec's order.
	Known []float64
}

// PlanRows reads a plan's rows against the panel, in plan order, without
// copying the history: the cheap start of scoring a plan whose rows each
// name a different series. It refuses what Extend refuses, with the same
// errors (though not always the same row's first), except a series planned
// twice for one period, which it leaves to its caller. index maps series
// IDs to their positions (Index).
func (p *Panel) PlanRows(plan *data.Frame, index map[string]int) ([]PlanRow, error) {
	cols, err := lookup(plan, p.Spec, false, p.planRules())
	if err != nil {
		return nil, err
	}
	n := plan.Rows()
	rows := make([]PlanRow, n)
	known := make([]float64, n*len(cols.known))
	var key []byte
	for r := range rows {
		tc := cols.time
		if tc.Missing(r) {
			return nil, &RowError{File: plan.Source, Row: r + 1, Column: tc.Name, Err: fmt.Errorf("time is empty")}
		}
		o, err := p.Grid.Ordinal(tc.Text(r))
		if err != nil {
			return nil, &RowError{File: plan.Source, Row: r + 1, Column: tc.Name, Err: err}
		}
		key = key[:0]
		for i, k := range cols.keys {
			if i > 0 {
				key = append(key, '|')
			}
			key = append(key, k.Text(r)...)
		}
		si, ok := index[string(key)]
		if !ok {
			return nil, &RowError{File: plan.Source, Row: r + 1, Column: keyNames(p), Err: p.noHistory(string(key))}
		}
		s := p.Series[si]
		if o <= s.End() {
			return nil, &RowError{File: plan.Source, Row: r + 1, Column: tc.Name,
				Err: fmt.Errorf("period %s is not after series %q's last period %s: a plan holds future periods only", tc.Text(r), s.ID, p.Grid.Label(s.End()))}
		}
		kn := known[r*len(cols.known) : (r+1)*len(cols.known) : (r+1)*len(cols.known)]
		for k, col := range cols.known {
			if kn[k], err = planKnown(plan, col, cols.rules[k], r); err != nil {
				return nil, err
			}
		}
		rows[r] = PlanRow{Series: si, Period: o, Row: r, Known: kn}
	}
	return rows, nil
}

// noHistory is the error of a plan series the panel lacks, naming the
// panel's series whose ID is closest to it when one is close (a typo, a
// missing space: "Star Kist 6oz" for "Star Kist 6 oz").
func (p *Panel) noHistory(id string) error {
	ids := make([]string, len(p.Series))
	for i, s := range p.Series {
		ids[i] = s.ID
	}
	if best := Closest(id, ids); best != "" {
		return fmt.Errorf("series %q has no history: promocast forecasts series it has seen (did you mean %q?)", id, best)
	}
	return fmt.Errorf("series %q has no history: promocast forecasts series it has seen", id)
}

// Closest returns the ID among ids closest to id when it is close enough
// to be what was meant (a typo, a missing space: "Star Kist 6oz" for
// "Star Kist 6 oz"), within two edits or a quarter of id's length; ""
// otherwise.
func Closest(id string, ids []string) string {
	best, dist := "", math.MaxInt
	for _, c := range ids {
		if d := editDistance(id, c); d < dist {
			best, dist = c, d
		}
	}
	if best != "" && dist <= max(2, len([]rune(id))/4) {
		return best
	}
	return ""
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev, cur := make([]int, len(rb)+1), make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
