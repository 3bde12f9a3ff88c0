package tabular

import (
	"fmt"
	"math"
	"promocast/learn"
	"slices"
	"sort"
	"strings"

	"promocast/data"
	"promocast/model"
)

// Feature types as stored in Feature.Type.
const (
	// TypeNumber is a numeric column used as it is; a missing cell is NaN.
	TypeNumber = "number"
	// TypeBool is a text column holding only TRUE and FALSE (in any letter
	// case) and empty cells, coded 1, 0 and NaN.
	TypeBool = "bool"
	// TypeCategory is any other text column, coded by the index of its
	// value in Levels; empty cells and values outside Levels are NaN.
	TypeCategory = "category"
)

// Tasks as stored in Target.Task and accepted by Config.Task.
const (
	Regression     = learn.Regression
	Classification = learn.Classification
)

// Feature is one model input: a column of the table and how its cells
// become numbers.
type Feature struct {
	// Name is the column's name.
	Name string `json:"name"`
	// Type is TypeNumber, TypeBool or TypeCategory.
	Type string `json:"type"`
	// Levels are the sorted distinct values of a categorical column seen
	// in training; category code c stands for Levels[c].
	Levels []string `json:"levels,omitempty"`
}

// Target describes the predicted column.
type Target struct {
	// Name is the column's name.
	Name string `json:"name"`
	// Task is Regression or Classification.
	Task string `json:"task"`
	// Positive and Negative are the two class labels of a classifier, as
	// the table writes them; the model predicts the probability of
	// Positive. Both are empty for regression.
	Positive string `json:"positive,omitempty"`
	Negative string `json:"negative,omitempty"`
}

// Schema is how a table's columns become a feature matrix and a target:
// the features in column order and the target. It is stored in the model
// so that prediction encodes new tables exactly as training did.
type Schema struct {
	Features []Feature `json:"features"`
	Target   Target    `json:"target"`
}

// newSchema infers the schema of f for the given target and task ("" for
// auto: classification when the target holds text, else regression).
func newSchema(f *data.Frame, target, task string, drop []string) (*Schema, error) {
	tcol, err := f.Need(target, "target")
	if err != nil {
		return nil, err
	}
	skip := map[string]bool{target: true}
	for _, d := range drop {
		if f.Column(d) == nil {
			return nil, &data.MissingColumnError{Source: f.Source, Column: d, Role: "column to drop", Have: f.Names()}
		}
		if d == target {
			return nil, fmt.Errorf("%s: column %q is the target and cannot be dropped", f.Source, d)
		}
		skip[d] = true
	}
	if task == "" {
		task = Regression
		if tcol.Kind == data.String {
			task = Classification
		}
	}
	s := &Schema{Target: Target{Name: target, Task: task}}
	if task == Classification {
		if s.Target.Positive, s.Target.Negative, err = classLabels(f.Source, tcol); err != nil {
			return nil, err
		}
	} else if tcol.Kind == data.String {
		row, text := tcol.FirstNonNumber()
		return nil, fmt.Errorf("%s row %d, target column %q: %q is not a number: regression needs numbers (use a classification task for a two-valued text target)",
			f.Source, row, target, text)
	} else if v, ok := constant(tcol.Num); ok {
		return nil, fmt.Errorf("%s: target column %q is %v on every row: there is nothing to learn", f.Source, target, v)
	}
	for _, c := range f.Columns {
		if skip[c.Name] {
			continue
		}
		ft := inferFeature(c)
		if ft.Type == TypeCategory && len(ft.Levels) == 0 || c.Kind == data.Number && !slices.ContainsFunc(c.Num, func(v float64) bool { return !math.IsNaN(v) }) {
			return nil, fmt.Errorf("%s: column %q is empty on every row: drop it", f.Source, c.Name)
		}
		s.Features = append(s.Features, ft)
	}
	if len(s.Features) == 0 {
		return nil, fmt.Errorf("%s: no feature columns left besides the target %q", f.Source, target)
	}
	return s, nil
}

// constant returns the value every non-missing x holds, and whether there
// is one (false when they differ or all are missing).
func constant(x []float64) (float64, bool) {
	v := math.NaN()
	for _, y := range x {
		switch {
		case math.IsNaN(y):
		case math.IsNaN(v):
			v = y
		case y != v:
			return 0, false
		}
	}
	return v, !math.IsNaN(v)
}

// inferFeature decides how column c is encoded.
func inferFeature(c *data.Column) Feature {
	if c.Kind == data.Number {
		return Feature{Name: c.Name, Type: TypeNumber}
	}
	seen := map[string]bool{}
	for _, v := range c.Str {
		if v != "" {
			seen[v] = true
		}
	}
	isBool := len(seen) > 0
	for v := range seen {
		if _, ok := parseBool(v); !ok {
			isBool = false
			break
		}
	}
	if isBool {
		return Feature{Name: c.Name, Type: TypeBool}
	}
	levels := make([]string, 0, len(seen))
	for v := range seen {
		levels = append(levels, v)
	}
	sort.Strings(levels)
	return Feature{Name: c.Name, Type: TypeCategory, Levels: levels}
}

// parseBool reads TRUE or FALSE in any letter case.
func parseBool(s string) (float64, bool) {
	switch {
	case strings.EqualFold(s, "true"):
		return 1, true
	case strings.EqualFold(s, "false"):
		return 0, true
	}
	return 0, false
}

// classLabels returns the positive and negative labels of a two-valued
// target column.
func classLabels(source string, c *data.Column) (pos, neg string, err error) {
	seen := map[string]bool{}
	var values []string
	var rows []int // the first row holding each value
	for i := 0; i < c.Len(); i++ {
		v := c.Text(i)
		if v == "" || seen[v] {
			continue
		}
		seen[v] = true
		values = append(values, v)
		rows = append(rows, i)
	}
	if n := len(values); n > 2 {
		more := ""
		if n > 3 {
			more = fmt.Sprintf(", ... %d in all", n)
		}
		return "", "", fmt.Errorf("%s: target column %q holds more than two values (%q, %q, %q%s): classification needs exactly two",
			source, c.Name, values[0], values[1], values[2], more)
	}
	if len(values) < 2 {
		return "", "", fmt.Errorf("%s: target column %q holds %d distinct value(s) %q: classification needs exactly two", source, c.Name, len(values), values)
	}
	a, b := values[0], values[1]
	if c.Kind == data.Number {
		// Numbers: the larger value is the positive class.
		if c.Num[rows[0]] > c.Num[rows[1]] {
			return a, b, nil
		}
		return b, a, nil
	}
	pa, pb := isPositiveWord(a), isPositiveWord(b)
	switch {
	case pa && !pb:
		return a, b, nil
	case pb && !pa:
		return b, a, nil
	case a > b:
		return a, b, nil
	}
	return b, a, nil
}

// isPositiveWord reports whether a class label conventionally means yes.
func isPositiveWord(s string) bool {
	return strings.EqualFold(s, "true") || s == "1" || strings.EqualFold(s, "yes")
}

// ModelFeatures returns the features as learners see them: categorical
// features with their level count.
func (s *Schema) ModelFeatures() []model.Feature {
	out := make([]model.Feature, len(s.Features))
	for j, ft := range s.Features {
		out[j] = model.Feature{Name: ft.Name}
		if ft.Type == TypeCategory {
			out[j].Categorical = true
			out[j].Levels = len(ft.Levels)
		}
	}
	return out
}

// Matrix encodes the feature columns of f, found by name in any order,
// into a feature matrix. Columns the schema does not use are ignored.
// Unseen categories and cells that are not TRUE or FALSE in a bool
// feature become NaN (missing). It fails when f lacks a feature column or
// a numeric feature's column holds text.
func (s *Schema) Matrix(f *data.Frame) (*data.Matrix, error) {
	cols := make([]*data.Column, len(s.Features))
	for j, ft := range s.Features {
		var err error
		if ft.Type == TypeNumber {
			cols[j], err = f.NeedNumber(ft.Name, "numeric feature")
		} else {
			cols[j], err = f.Need(ft.Name, ft.Type+" feature")
		}
		if err != nil {
			return nil, err
		}
	}
	X := data.NewMatrix(f.Rows(), len(cols))
	for j, ft := range s.Features {
		encodeColumn(X, j, cols[j], ft)
	}
	return X, nil
}

// Unseen is a text column whose cells hold levels the model never saw in
// training: the model reads them as missing.
type Unseen struct {
	Column string
	Cells  int
	// Row (1-based, not counting the header) and Value are the first.
	Row   int
	Value string
}

// Unseen lists, in feature order, the category columns of f with non-empty
// cells whose level training never saw, and the true/false columns with
// non-empty cells that are neither.
func (s *Schema) Unseen(f *data.Frame) []Unseen {
	var out []Unseen
	for _, ft := range s.Features {
		c := f.Column(ft.Name)
		if ft.Type == TypeNumber || c == nil {
			continue
		}
		u := Unseen{Column: ft.Name}
		for i := range f.Rows() {
			v := c.Text(i)
			known := false
			if ft.Type == TypeBool {
				_, known = parseBool(v)
			} else {
				_, known = slices.BinarySearch(ft.Levels, v)
			}
			if known || v == "" {
				continue
			}
			if u.Cells == 0 {
				u.Row, u.Value = i+1, v
			}
			u.Cells++
		}
		if u.Cells > 0 {
			out = append(out, u)
		}
	}
	return out
}

// encodeColumn fills column j of X from c as feature ft describes.
func encodeColumn(X *data.Matrix, j int, c *data.Column, ft Feature) {
	v, n := X.Values, X.Cols
	switch ft.Type {
	case TypeNumber:
		for i, x := range c.Num {
			v[i*n+j] = x
		}
	case TypeBool:
		for i := 0; i < X.Rows; i++ {
			x, ok := parseBool(c.Text(i))
			if !ok {
				x = math.NaN()
			}
			v[i*n+j] = x
		}
	default:
		code := make(map[string]float64, len(ft.Levels))
		for k, l := range ft.Levels {
			code[l] = float64(k)
		}
		for i := 0; i < X.Rows; i++ {
			x, ok := code[c.Text(i)]
			if !ok {
				x = math.NaN()
			}
			v[i*n+j] = x
		}
	}
}

// Targets encodes the target column of f: the values of a regression
// target, 1 for the positive and 0 for the negative class of a classifier.
// A missing cell or, for a classifier, a third value is an error naming
// the row (1-based, not counting the header).
func (s *Schema) Targets(f *data.Frame) ([]float64, error) {
	t := s.Target
	c, err := f.Need(t.Name, "target")
	if err != nil {
		return nil, err
	}
	y := make([]float64, f.Rows())
	if t.Task == Regression {
		if c.Kind != data.Number {
			row, text := c.FirstNonNumber()
			return nil, fmt.Errorf("%s row %d, target column %q: %q is not a number: regression needs numbers", f.Source, row, t.Name, text)
		}
		for i, v := range c.Num {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%s: row %d: target column %q is %s: expected a finite number", f.Source, i+1, t.Name, describe(c.Text(i)))
			}
			y[i] = v
		}
		return y, nil
	}
	for i := range y {
		switch v := c.Text(i); v {
		case t.Positive:
			y[i] = 1
		case t.Negative:
			y[i] = 0
		default:
			return nil, fmt.Errorf("%s: row %d: target column %q is %s: expected %q or %q", f.Source, i+1, t.Name, describe(v), t.Positive, t.Negative)
		}
	}
	return y, nil
}

func describe(cell string) string {
	if cell == "" {
		return "empty"
	}
	return fmt.Sprintf("%q", cell)
}

// Dataset encodes f into a training set: Matrix and Targets together.
func (s *Schema) Dataset(f *data.Frame) (*model.Dataset, error) {
	y, err := s.Targets(f)
	if err != nil {
		return nil, err
	}
	X, err := s.Matrix(f)
	if err != nil {
		return nil, err
	}
	return &model.Dataset{X: X, Y: y, Features: s.ModelFeatures()}, nil
}
