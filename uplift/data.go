package uplift

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"promocast/data"
	"promocast/model"
	"promocast/tabular"
)

// Columns names the parts of a campaign table.
type Columns struct {
	// Treatment names the column holding each customer's arm (text or
	// numbers). Required.
	Treatment string
	// Control is the value of the treatment column that means "no
	// treatment". Empty means the one value spelled control, none, no,
	// 0, or starting with "no " (any letter case), when exactly one is.
	Control string
	// Outcome names the numeric outcome column (0/1 for a binary outcome
	// such as a visit, any number for spend). Required.
	Outcome string
	// Drop names columns that are not features: ids and other outcomes,
	// which would leak.
	Drop []string
}

// Data is a campaign log encoded for the learners: one row per customer,
// its features, arm and outcome.
type Data struct {
	// X holds the features, one row per customer; NaN is missing.
	X *data.Matrix
	// Features describes the columns of X.
	Features []model.Feature
	// Y is the outcome of each row.
	Y []float64
	// T is each row's arm: an index into Arms, 0 for the control.
	T []int
	// Arms names the arms, the control first and then the treatments in
	// byte-wise order.
	Arms []string
	// Columns names the table's columns the data came from (zero when
	// built in code).
	Columns Columns
	// Schema, when the data came from a table, says how the table's
	// columns became X; a fitted model keeps it to encode new tables.
	Schema *tabular.Schema
}

// Rows returns the number of customers.
func (d *Data) Rows() int { return d.X.Rows }

// Treatments returns the number of treatment arms (all arms but the
// control).
func (d *Data) Treatments() int { return len(d.Arms) - 1 }

// Binary reports whether every outcome is 0 or 1.
func (d *Data) Binary() bool { return isBinary(d.Y) }

func isBinary(y []float64) bool {
	for _, v := range y {
		if v != 0 && v != 1 {
			return false
		}
	}
	return true
}

// Check reports parts that disagree in size, arms out of range, a
// non-finite outcome, or an arm without rows.
func (d *Data) Check() error {
	if d.X == nil {
		return fmt.Errorf("uplift: data has no feature matrix")
	}
	if err := d.X.Check(len(d.Features)); err != nil {
		return fmt.Errorf("uplift: %w", err)
	}
	if len(d.Y) != d.X.Rows || len(d.T) != d.X.Rows {
		return fmt.Errorf("uplift: data has %d rows but %d outcomes and %d arms", d.X.Rows, len(d.Y), len(d.T))
	}
	if len(d.Arms) < 2 {
		return fmt.Errorf("uplift: data has %d arms: expected a control and at least one treatment", len(d.Arms))
	}
	count := make([]int, len(d.Arms))
	for i, t := range d.T {
		if t < 0 || t >= len(d.Arms) {
			return fmt.Errorf("uplift: row %d has arm %d: expected 0 to %d", i+1, t, len(d.Arms)-1)
		}
		count[t]++
		if y := d.Y[i]; math.IsNaN(y) || math.IsInf(y, 0) {
			return fmt.Errorf("uplift: row %d: outcome is %v: expected a finite number", i+1, y)
		}
	}
	for a, n := range count {
		if n == 0 {
			return fmt.Errorf("uplift: arm %q has no rows", d.Arms[a])
		}
	}
	return nil
}

// Subset returns the rows idx of d (in that order), sharing nothing with d but Arms,
// Features and Schema.
func (d *Data) Subset(idx []int) *Data {
	s := &Data{X: data.NewMatrix(len(idx), d.X.Cols), Features: d.Features, Arms: d.Arms, Columns: d.Columns, Schema: d.Schema,
		Y: make([]float64, len(idx)), T: make([]int, len(idx))}
	for r, i := range idx {
		copy(s.X.Row(r), d.X.Row(i))
		s.Y[r], s.T[r] = d.Y[i], d.T[i]
	}
	return s
}

// FromFrame encodes a campaign table: every column but the treatment, the
// outcome and cols.Drop is a feature, encoded as package tabular does
// (numbers as they are, text as categories). It fails, naming the column
// and the value, when the treatment column has one value only, the control
// value is absent, or the outcome is not numeric.
func FromFrame(f *data.Frame, cols Columns) (*Data, error) {
	if cols.Treatment == "" {
		return nil, fmt.Errorf("uplift: no treatment column given")
	}
	if cols.Outcome == "" {
		return nil, fmt.Errorf("uplift: no outcome column given")
	}
	if cols.Treatment == cols.Outcome {
		return nil, fmt.Errorf("uplift: column %q cannot be both the treatment and the outcome", cols.Treatment)
	}
	tc, err := f.Need(cols.Treatment, "treatment")
	if err != nil {
		return nil, err
	}
	oc, err := f.Need(cols.Outcome, "outcome")
	if err != nil {
		return nil, err
	}
	arms, err := armNames(f.Source, tc, cols.Control)
	if err != nil {
		return nil, err
	}
	t, err := armsOf(f.Source, tc, arms)
	if err != nil {
		return nil, err
	}
	y, err := outcomes(f.Source, oc)
	if err != nil {
		return nil, err
	}
	drop := append([]string{cols.Treatment}, cols.Drop...)
	schema, ds, err := tabular.Prepare(f, tabular.Config{Target: cols.Outcome, Task: tabular.Regression, Drop: drop})
	if err != nil {
		return nil, fmt.Errorf("uplift: %w", err)
	}
	d := &Data{X: ds.X, Features: ds.Features, Y: y, T: t, Arms: arms, Columns: cols, Schema: schema}
	return d, d.Check()
}

// armNames returns the arms of treatment column c, the control first.
func armNames(source string, c *data.Column, control string) ([]string, error) {
	seen := map[string]bool{}
	for i := 0; i < c.Len(); i++ {
		v := c.Text(i)
		if v == "" {
			return nil, fmt.Errorf("%s: row %d: treatment column %q is empty: every customer needs an arm", source, i+1, c.Name)
		}
		seen[v] = true
	}
	var values []string
	for v := range seen {
		values = append(values, v)
	}
	sort.Strings(values)
	if len(values) < 2 {
		only := ""
		if len(values) == 1 {
			only = values[0]
		}
		return nil, fmt.Errorf("%s: treatment column %q holds only the value %q: uplift needs a control arm and at least one treatment", source, c.Name, only)
	}
	if control == "" {
		var cands []string
		for _, v := range values {
			if looksLikeControl(v) {
				cands = append(cands, v)
			}
		}
		if len(cands) != 1 {
			return nil, fmt.Errorf("%s: treatment column %q holds %s: name the control value (--control)", source, c.Name, quoteList(values))
		}
		control = cands[0]
	}
	if !seen[control] {
		return nil, fmt.Errorf("%s: treatment column %q has no value %q for the control: it holds %s", source, c.Name, control, quoteList(values))
	}
	arms := []string{control}
	for _, v := range values {
		if v != control {
			arms = append(arms, v)
		}
	}
	return arms, nil
}

func looksLikeControl(v string) bool {
	l := strings.ToLower(strings.TrimSpace(v))
	switch l {
	case "control", "none", "no", "0":
		return true
	}
	return strings.HasPrefix(l, "no ")
}

func quoteList(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}

// armsOf maps every cell of c to its index in arms.
func armsOf(source string, c *data.Column, arms []string) ([]int, error) {
	idx := make(map[string]int, len(arms))
	for a, v := range arms {
		idx[v] = a
	}
	t := make([]int, c.Len())
	for i := range t {
		v := c.Text(i)
		a, ok := idx[v]
		if !ok {
			return nil, fmt.Errorf("%s: row %d: treatment column %q is %q, an arm the model does not know: expected one of %s", source, i+1, c.Name, v, quoteList(arms))
		}
		t[i] = a
	}
	return t, nil
}

// outcomes reads a numeric outcome column.
func outcomes(source string, c *data.Column) ([]float64, error) {
	if c.Kind != data.Number {
		for i, v := range c.Str {
			if v != "" {
				return nil, fmt.Errorf("%s: row %d: outcome column %q holds %q: expected a number (0/1 for a response, an amount for spend)", source, i+1, c.Name, v)
			}
		}
		return nil, fmt.Errorf("%s: outcome column %q is empty on every row: expected numbers", source, c.Name)
	}
	y := make([]float64, len(c.Num))
	for i, v := range c.Num {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%s: row %d: outcome column %q is %q: expected a finite number", source, i+1, c.Name, c.Text(i))
		}
		y[i] = v
	}
	return y, nil
}
