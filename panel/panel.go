package panel

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"promocast/data"
	"promocast/spec"
)

// RowError is a problem with one cell of an input file. Row counts data rows
// from 1 (in a CSV file with a header, row N is on line N+1).
type RowError struct {
	File   string
	Row    int
	Column string
	Err    error
}

func (e *RowError) Error() string {
	return fmt.Sprintf("%s: row %d (line %d), column %s: %v", e.File, e.Row, e.Row+1, e.Column, e.Err)
}

func (e *RowError) Unwrap() error { return e.Err }

// Series is one product (or product×store, ...) on the period grid.
type Series struct {
	// Key holds the key columns' values, in spec order.
	Key []string
	// ID joins Key with "|", the series' name in outputs.
	ID string
	// Start is the period ordinal of index 0 of Y and Known.
	Start int
	// Y is the target per period from Start; NaN where no row exists.
	Y []float64
	// Known holds each known covariate (spec order) per period from Start;
	// NaN where no row exists.
	Known [][]float64
	// Static holds each static attribute: a level code for text attributes
	// (see Panel.StaticLevels), the value for numeric ones, NaN if missing.
	Static []float64
	// Row is the source row per period (-1 for none), for error messages
	// and for writing outputs in the input's order.
	Row []int
}

// End returns the last period ordinal the series covers.
func (s *Series) End() int { return s.Start + len(s.Y) - 1 }

// At returns the index of period p in the series' slices, or -1.
func (s *Series) At(p int) int {
	i := p - s.Start
	if i < 0 || i >= len(s.Y) {
		return -1
	}
	return i
}

// Panel is a set of series on one period grid.
type Panel struct {
	Spec   *spec.Spec
	Grid   Grid
	Series []*Series
	// Levels lists, per static attribute, the sorted text levels whose
	// index is the code stored in Series.Static (nil for numeric ones).
	Levels [][]string
	// First and Last are the smallest and largest period of the history.
	First, Last int
	// Unpriced lists the price columns in which Build read prices of 0 or
	// less as missing, the way a plan's are refused: a shelf price is
	// positive, and one of 0 would read as an endless discount.
	Unpriced []Unpriced
	// Outliers counts the history's targets far beyond their series'
	// usual sales (OutlierFactor), likely entry or unit errors; nil when
	// there are none. Build reads them as missing.
	Outliers *Outliers
	// rules are planRules of Spec, kept by Build so that scoring a plan
	// (a single row, on the server) does not work them out again; nil in
	// panels made otherwise, which work them out (planRules).
	rules map[string]planRule
}

// planRules returns the rules of the known covariates a plan must keep.
func (p *Panel) planRules() map[string]planRule {
	if p.rules != nil {
		return p.rules
	}
	return planRules(p.Spec)
}

// Unpriced counts the history cells of a price column with a price of 0
// or less, which Build reads as missing, and names the first.
type Unpriced struct {
	Column string
	Count
	Source string
}

func (u Unpriced) String() string {
	return fmt.Sprintf("%s, column %s: %d row(s) with a price of 0 or less (the first: row %d, %v) are read as missing prices: a shelf price is positive (leave the cell empty where the price is unknown)",
		u.Source, u.Column, u.Cells, u.FirstRow, u.First)
}

// Count counts a history column's cells of some kind and keeps the first
// by row.
type Count struct {
	Cells    int
	FirstRow int // 1-based, as RowError numbers rows; math.MaxInt before the first
	First    float64
}

// add counts one more cell, of 1-based row and value v, keeping it as the
// first when its row is the earliest so far; it reports whether it did.
func (c *Count) add(row int, v float64) bool {
	c.Cells++
	if row >= c.FirstRow {
		return false
	}
	c.FirstRow, c.First = row, v
	return true
}

// OutlierFactor is how many times a series' 90th percentile of sales (at
// least 1 unit) a target must exceed to be counted in Panel.Outliers and
// read as missing: one such cell, trained on, decides a model (a week of
// 4e12 units in tuna's Bumble Bee put the backtest's WAPE in the hundreds
// of thousands of percent, and its effect model's standard errors out of
// floating point). The
// check finds isolated errors, a few cells of a series; a series whose
// values are mostly off by the same factor sets its own percentile and is
// not flagged.
// Promotion weeks sell up to a few dozen times a quiet week's units (tuna's
// deepest cut sold 24 times its brand's median week); a thousand times the
// 90th percentile, which holds the promotion weeks of a series promoted
// one period in ten, is an extra digit or three, or units read as cents.
const OutlierFactor = 1000

// Outliers counts the history's targets beyond OutlierFactor times their
// series' 90th percentile, which Build reads as missing, and names the
// first by row.
type Outliers struct {
	Count
	Series string
	// Typical is the first's series' 90th percentile.
	Typical float64
	Column  string
	Source  string
}

func (o *Outliers) String() string {
	return fmt.Sprintf("%s, column %s: %d target(s) over %d times their series' 90th percentile of sales (the first: row %d, %v in series %s, whose 90th percentile is %v): check for an entry or unit error; they are read as missing, as if the cells were blank",
		o.Source, o.Column, o.Cells, OutlierFactor, o.FirstRow, o.First, o.Series, o.Typical)
}

// addSeries counts series s's targets beyond OutlierFactor times its 90th
// percentile, keeping the first by row, and sets them to NaN (missing).
func (o *Outliers) addSeries(s *Series) {
	var ys []float64
	for _, y := range s.Y {
		if !math.IsNaN(y) {
			ys = append(ys, y)
		}
	}
	if len(ys) < 2 {
		return
	}
	sort.Float64s(ys)
	typical := ys[int(0.9*float64(len(ys)-1))]
	limit := OutlierFactor * math.Max(1, typical)
	if ys[len(ys)-1] <= limit {
		return
	}
	for i, y := range s.Y {
		if y <= limit {
			continue
		}
		if o.add(s.Row[i]+1, y) {
			o.Series, o.Typical = s.ID, typical
		}
		s.Y[i] = math.NaN()
	}
}

// Options tunes Build.
type Options struct {
	// Grid fixes the period grid (week anchor) and static levels, as stored
	// in a trained model, so that a plan lines up with the history the
	// model saw. Nil derives them from the frame.
	Grid *Grid
	// Levels fixes the static attributes' level codes (from a model).
	Levels [][]string
}

// MaxTarget is the largest target Build accepts, and the largest magnitude
// of a known covariate in a history or plan: sums of larger quantities in
// float64 lose whole units, and products such as revenue overflow.
const MaxTarget = 1e15

// checkKnown refuses a known covariate whose magnitude exceeds MaxTarget.
func checkKnown(f *data.Frame, col *data.Column, r int) error {
	if v := col.Num[r]; math.Abs(v) > MaxTarget {
		return &RowError{File: f.Source, Row: r + 1, Column: col.Name,
			Err: fmt.Errorf("%s is %v: expected a magnitude below %g", col.Name, v, MaxTarget)}
	}
	return nil
}

// Build reads a history frame into a panel. It checks that every column the
// spec names exists with the right type, that times parse, that the target is
// non-negative and at most MaxTarget, and that no series has two rows for
// one period; prices of 0 or less it reads as missing (Panel.Unpriced).
func Build(f *data.Frame, sp *spec.Spec, opt Options) (*Panel, error) {
	p := &Panel{Spec: sp, rules: planRules(sp)}
	cols, err := lookup(f, sp, true, nil)
	if err != nil {
		return nil, err
	}
	ords, err := p.ordinals(f, cols.time, opt.Grid)
	if err != nil {
		return nil, err
	}
	p.Levels = opt.Levels
	if p.Levels == nil {
		p.Levels = staticLevels(cols.static)
	}
	if err := checkKeySeparator(f, cols.keys); err != nil {
		return nil, err
	}
	groups, order := groupRows(f.Rows(), cols.keys)
	p.First, p.Last = math.MaxInt, math.MinInt
	for _, o := range ords {
		p.First, p.Last = min(p.First, o), max(p.Last, o)
	}
	unpriced := map[int]*Unpriced{}
	outliers := &Outliers{Count: Count{FirstRow: math.MaxInt}, Column: sp.Target, Source: f.Source}
	for _, id := range order {
		rows := groups[id]
		s, err := newSeries(f, id, rows, ords, cols, p.Levels)
		if err != nil {
			return nil, err
		}
		for k, col := range cols.known {
			if p.rules[col.Name].kind != priceColumn {
				continue
			}
			for i, v := range s.Known[k] {
				if !(v <= 0) {
					continue
				}
				s.Known[k][i] = math.NaN()
				u := unpriced[k]
				if u == nil {
					u = &Unpriced{Column: col.Name, Count: Count{FirstRow: math.MaxInt}, Source: f.Source}
					unpriced[k] = u
				}
				u.add(s.Row[i]+1, v)
			}
		}
		for _, r := range rows {
			i := ords[r] - s.Start
			y := cols.target.Num[r]
			if y < 0 || y > MaxTarget {
				return nil, &RowError{File: f.Source, Row: r + 1, Column: sp.Target,
					Err: fmt.Errorf("target is %v: expected a non-negative quantity below %g", y, MaxTarget)}
			}
			s.Y[i] = y
		}
		outliers.addSeries(s)
		p.Series = append(p.Series, s)
	}
	if outliers.Cells > 0 {
		p.Outliers = outliers
	}
	for k := range cols.known {
		if u := unpriced[k]; u != nil {
			p.Unpriced = append(p.Unpriced, *u)
		}
	}
	return p, nil
}

// columns holds the frame columns a spec names.
type columns struct {
	time   *data.Column
	target *data.Column
	keys   []*data.Column
	known  []*data.Column
	// rules say what a plan must give in each known covariate
	// (planRules).
	rules  []planRule
	static []*data.Column
}

// planRule says what a plan must give in a known covariate: a price, a
// positive number; a cost, 0 or more; a lever off at a number (a flag, a
// display share), that number or more, since such a lever is on above
// it; any other covariate, any number.
type planRule struct {
	kind ruleKind
	off  float64 // a lever's off value
}

// ruleKind is the kind of a planRule.
type ruleKind uint8

const (
	anyNumber ruleKind = iota
	priceColumn
	costColumn
	leverColumn
)

// planRules returns the rules of the known covariates a plan must keep
// (planRule): the spec's selling price, every price lever (its off value
// a column or inferred) and every column a lever's off value names are
// prices; the spec's cost columns are costs; every other lever is off at
// its number.
func planRules(sp *spec.Spec) map[string]planRule {
	out := map[string]planRule{sp.Cost.UnitCost: {kind: costColumn}, sp.Cost.FixedCost: {kind: costColumn}}
	delete(out, "")
	levers, _ := sp.Levers() // a validated spec's levers parse
	for _, l := range levers {
		if !l.IsPrice() {
			out[l.Name] = planRule{kind: leverColumn, off: l.Number}
		}
	}
	if c := sp.PriceColumn(); c != "" {
		out[c] = planRule{kind: priceColumn}
	}
	for _, l := range levers {
		if l.IsPrice() {
			out[l.Name] = planRule{kind: priceColumn}
		}
		if l.Kind == spec.OffColumn {
			out[l.Column] = planRule{kind: priceColumn}
		}
	}
	return out
}

// lookup finds the columns spec sp names in frame f, each known covariate
// with its plan rule (none with rules nil).
func lookup(f *data.Frame, sp *spec.Spec, withTarget bool, rules map[string]planRule) (*columns, error) {
	var c columns
	var err error
	if c.time, err = f.Need(sp.Time.Column, "time column"); err != nil {
		return nil, err
	}
	if withTarget {
		if c.target, err = f.NeedNumber(sp.Target, "target"); err != nil {
			return nil, err
		}
	}
	for _, k := range sp.Keys {
		col, err := f.Need(k, "series key")
		if err != nil {
			return nil, err
		}
		c.keys = append(c.keys, col)
	}
	for _, k := range sp.Known {
		col, err := f.NeedNumber(k, "known covariate")
		if err != nil {
			// Say what the column is for, working it out only here: a
			// plan is looked up on every request the server scores.
			_, err = f.NeedNumber(k, sp.KnownRole(k))
			return nil, err
		}
		c.known = append(c.known, col)
		c.rules = append(c.rules, rules[k])
	}
	for _, k := range sp.Static {
		col := f.Column(k)
		if col == nil && !withTarget {
			// A plan need not repeat static attributes: the history has them.
			c.static = append(c.static, nil)
			continue
		}
		if col == nil {
			return nil, &data.MissingColumnError{Source: f.Source, Column: k, Role: "static attribute", Have: f.Names()}
		}
		c.static = append(c.static, col)
	}
	return &c, nil
}

func (p *Panel) ordinals(f *data.Frame, tc *data.Column, fixed *Grid) ([]int, error) {
	if fixed != nil {
		p.Grid = *fixed
	} else {
		p.Grid = Grid{Frequency: p.Spec.Time.Frequency, Format: p.Spec.Time.Format, Ends: p.Spec.Time.Label == spec.LabelEnd}
	}
	// A weekly history's grid falls on its dates' common weekday: they are
	// parsed once, for the weekday and then for their weeks.
	var days []int
	if fixed == nil && p.Grid.Frequency == spec.Week {
		var err error
		if p.Grid.Anchor, days, err = p.Grid.commonWeekday(f, tc); err != nil {
			return nil, err
		}
	}
	ords := make([]int, f.Rows())
	for r := range ords {
		if tc.Missing(r) {
			return nil, &RowError{File: f.Source, Row: r + 1, Column: tc.Name, Err: fmt.Errorf("time is empty")}
		}
		var o int
		var err error
		if days != nil {
			o, err = p.Grid.week(days[r], strings.TrimSpace(tc.Text(r)))
		} else {
			o, err = p.Grid.Ordinal(tc.Text(r))
		}
		if err != nil {
			return nil, &RowError{File: f.Source, Row: r + 1, Column: tc.Name, Err: err}
		}
		ords[r] = o
	}
	return ords, nil
}

// commonWeekday returns the weekday most of the history's dates fall on
// (the first row's on a tie), the anchor of a weekly grid: a row off it is
// then the one named, not the many on it; and each row's day number (0
// for an empty cell). A date that does not parse is an error naming its
// row.
func (g Grid) commonWeekday(f *data.Frame, tc *data.Column) (anchor int, days []int, err error) {
	var count [7]int
	first := -1
	days = make([]int, f.Rows())
	for r := range days {
		if tc.Missing(r) {
			continue
		}
		d, err := g.parseDay(strings.TrimSpace(tc.Text(r)))
		if err != nil {
			return 0, nil, &RowError{File: f.Source, Row: r + 1, Column: tc.Name, Err: err}
		}
		days[r] = d
		wd := ((d % 7) + 7) % 7
		if first < 0 {
			first = wd
		}
		count[wd]++
	}
	anchor = max(first, 0)
	for wd, n := range count {
		if n > count[anchor] {
			anchor = wd
		}
	}
	return anchor, days, nil
}

// staticLevels returns, per text column, its sorted distinct values.
func staticLevels(cols []*data.Column) [][]string {
	levels := make([][]string, len(cols))
	for i, c := range cols {
		if c == nil || c.Kind != data.String {
			continue
		}
		seen := map[string]bool{}
		for _, v := range c.Str {
			if v != "" && !seen[v] {
				seen[v] = true
				levels[i] = append(levels[i], v)
			}
		}
		sort.Strings(levels[i])
		if levels[i] == nil {
			levels[i] = []string{}
		}
	}
	return levels
}

// checkKeySeparator refuses a key value holding "|" when a series has
// more than one key: series IDs join the keys with "|", so (a|b, c) and
// (a, b|c) would be one series.
func checkKeySeparator(f *data.Frame, keys []*data.Column) error {
	if len(keys) < 2 {
		return nil
	}
	for _, k := range keys {
		for r := 0; r < f.Rows(); r++ {
			if v := k.Text(r); strings.Contains(v, "|") {
				return &RowError{File: f.Source, Row: r + 1, Column: k.Name,
					Err: fmt.Errorf("key value %q holds \"|\", which joins a series' keys into its ID: expected key values without it", v)}
			}
		}
	}
	return nil
}

// groupRows groups row indexes by series ID; order lists IDs sorted.
func groupRows(n int, keys []*data.Column) (map[string][]int, []string) {
	groups := map[string][]int{}
	var sb strings.Builder
	for r := 0; r < n; r++ {
		sb.Reset()
		for i, k := range keys {
			if i > 0 {
				sb.WriteByte('|')
			}
			sb.WriteString(k.Text(r))
		}
		id := sb.String()
		groups[id] = append(groups[id], r)
	}
	order := make([]string, 0, len(groups))
	for id := range groups {
		order = append(order, id)
	}
	sort.Strings(order)
	return groups, order
}

func newSeries(f *data.Frame, id string, rows []int, ords []int, c *columns, levels [][]string) (*Series, error) {
	lo, hi := math.MaxInt, math.MinInt
	for _, r := range rows {
		lo, hi = min(lo, ords[r]), max(hi, ords[r])
	}
	n := hi - lo + 1
	s := &Series{ID: id, Start: lo, Y: nanSlice(n), Row: make([]int, n)}
	for i := range s.Row {
		s.Row[i] = -1
	}
	for _, k := range c.keys {
		s.Key = append(s.Key, k.Text(rows[0]))
	}
	s.Known = make([][]float64, len(c.known))
	for k := range s.Known {
		s.Known[k] = nanSlice(n)
	}
	for _, r := range rows {
		i := ords[r] - lo
		if prev := s.Row[i]; prev >= 0 {
			return nil, &RowError{File: f.Source, Row: r + 1, Column: c.time.Name,
				Err: fmt.Errorf("series %q already has a row for %s (row %d): expected one row per series and period", id, c.time.Text(r), prev+1)}
		}
		s.Row[i] = r
		for k, col := range c.known {
			if err := checkKnown(f, col, r); err != nil {
				return nil, err
			}
			s.Known[k][i] = col.Num[r]
		}
	}
	s.Static = staticValues(rows, c.static, levels)
	return s, nil
}

// staticValues takes each static attribute's most recent non-missing value
// among rows (which are in file order).
func staticValues(rows []int, cols []*data.Column, levels [][]string) []float64 {
	out := nanSlice(len(cols))
	for i, c := range cols {
		if c == nil {
			continue
		}
		for j := len(rows) - 1; j >= 0; j-- {
			r := rows[j]
			if c.Missing(r) {
				continue
			}
			if c.Kind == data.Number {
				out[i] = c.Num[r]
			} else if code := sort.SearchStrings(levels[i], c.Str[r]); code < len(levels[i]) && levels[i][code] == c.Str[r] {
				out[i] = float64(code)
			}
			break
		}
	}
	return out
}

var nan = math.NaN()

func nanSlice(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = math.NaN()
	}
	return s
}
