package serve

import (
	"fmt"
	"math"
	"net/http"
	"sort"
	"strings"

	"promocast/data"
	"promocast/spec"
)

// planColumns says which plan columns a spec takes and of what kind.
type planColumns struct {
	text    []string // time and keys
	number  []string // known covariates
	ignored map[string]bool
	kind    map[string]data.Kind
	// price marks the price levers and their off columns, whose cells
	// must be numbers (elsewhere true and false stand for 1 and 0).
	price map[string]bool
	// plain marks the known covariates that are no lever, off column or
	// cost: a null there is a missing value, as an empty cell of a plan
	// file is (a rival's price where the store never carried it).
	plain map[string]bool
	names string // the accepted columns, for messages
}

func newPlanColumns(sp *spec.Spec) *planColumns {
	pc := &planColumns{ignored: map[string]bool{}, kind: map[string]data.Kind{}, price: map[string]bool{}, plain: map[string]bool{}}
	required := sp.PlanColumns()
	for _, c := range sp.Known {
		pc.plain[c] = !required[c]
	}
	if levers, err := sp.Levers(); err == nil {
		for _, l := range levers {
			if l.IsPrice() {
				pc.price[l.Name] = true
				if l.Kind == spec.OffColumn {
					pc.price[l.Column] = true
				}
			}
		}
	}
	pc.text = append([]string{sp.Time.Column}, sp.Keys...)
	pc.number = append(pc.number, sp.Known...)
	for _, c := range pc.text {
		pc.kind[c] = data.String
	}
	for _, c := range pc.number {
		pc.kind[c] = data.Number
	}
	for _, c := range sp.Static {
		if _, ok := pc.kind[c]; !ok {
			pc.ignored[c] = true
		}
	}
	all := append(append([]string(nil), pc.text...), pc.number...)
	pc.names = strings.Join(all, ", ")
	return pc
}

// frame converts JSON plan rows into a plan frame, checking every cell.
func (pc *planColumns) frame(rows []PlanRow) (*data.Frame, error) {
	n := len(rows)
	if n == 0 {
		return nil, Errorf(http.StatusBadRequest, "rows", "no plan rows: expected at least one row with %s", pc.names)
	}
	cols := make([]*data.Column, 0, len(pc.text)+len(pc.number))
	for _, name := range pc.text {
		cols = append(cols, &data.Column{Name: name, Kind: data.String, Str: make([]string, n)})
	}
	for _, name := range pc.number {
		cols = append(cols, &data.Column{Name: name, Kind: data.Number, Num: make([]float64, n)})
	}
	for r, row := range rows {
		if row == nil {
			return nil, Errorf(http.StatusBadRequest, rowField(r, ""), "expected a JSON object with %s, got null", pc.names)
		}
		for name := range row {
			if _, ok := pc.kind[name]; !ok && !pc.ignored[name] {
				return nil, Errorf(http.StatusBadRequest, rowField(r, name), "unknown column: a plan row has %s (and may repeat static attributes)", pc.names)
			}
		}
		for _, c := range cols {
			v, ok := row[c.Name]
			if ok && v == nil && pc.plain[c.Name] {
				c.Num[r] = math.NaN()
				continue
			}
			if !ok || v == nil {
				return nil, Errorf(http.StatusBadRequest, rowField(r, c.Name), "missing: every plan row needs %s", pc.names)
			}
			if c.Kind == data.String {
				s, err := text(v)
				if err != nil {
					return nil, Errorf(http.StatusBadRequest, rowField(r, c.Name), "%v", err)
				}
				c.Str[r] = s
				continue
			}
			x, err := number(v, !pc.price[c.Name])
			if err != nil {
				return nil, Errorf(http.StatusBadRequest, rowField(r, c.Name), "%v", err)
			}
			c.Num[r] = x
		}
	}
	return data.NewFrame("request", cols)
}

func text(v any) (string, error) {
	switch x := v.(type) {
	case string:
		if x == "" {
			return "", fmt.Errorf("empty: expected a non-empty string")
		}
		return x, nil
	case float64:
		return data.FormatFloat(x), nil
	}
	return "", fmt.Errorf("expected a string or a number, got %s", jsonKind(v))
}

// number reads a plan cell of a number column; flag says whether true and
// false may stand for 1 and 0 (any column but a price's).
func number(v any, flag bool) (float64, error) {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, fmt.Errorf("expected a finite number")
		}
		return x, nil
	case bool:
		if !flag {
			return 0, fmt.Errorf("expected a number, got %v (true and false stand for 1 and 0, but not for a price)", x)
		}
		if x {
			return 1, nil
		}
		return 0, nil
	case string:
		return 0, fmt.Errorf("expected a number, got text %q", x)
	}
	return 0, fmt.Errorf("expected a number, got %s", jsonKind(v))
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// sortedNames returns a map's keys sorted, for deterministic output.
func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
