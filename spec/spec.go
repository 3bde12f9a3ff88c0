// Package spec reads and checks dataset specs: the YAML file that tells
// promocast which column of a sales history is the time, which are the series
// keys, the target, the known covariates, the static attributes, and which
// known covariates are promotion levers with the value each takes when there
// is no promotion.
//
// A spec for weekly sales with promotions:
//
//	time: {column: week, frequency: week}
//	keys: [store, sku]
//	target: units
//	known: [price, regular_price, feature, display]
//	static: [category]
//	group: category                 # peers for cannibalisation and halo
//	promotion:
//	  price: {off: regular_price}   # a column, a number, or infer
//	  feature: {off: 0}
//	  display: {off: 0}
//
// Group names the static attribute whose levels are a series' peers: the
// series whose promotions cannibalise (or lift) its sales, and the group a
// series with little promotion history is compared with. A spec without
// group keeps the rule of specs written before it existed, the first static
// attribute holding text; `group: none` declares that series have no peers.
//
// Parsing is strict: an unknown key anywhere is an error that names it.
package spec

import (
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Frequencies a time column may have.
const (
	Day    = "day"
	Week   = "week"
	Month  = "month"
	Period = "period" // plain integers 1, 2, 3, ...
)

// NoGroup is the Group that declares series without peers.
const NoGroup = "none"

// DefaultInferWindow is how many periods `off: infer` looks back for the
// trailing maximum price when the spec gives no window.
const DefaultInferWindow = 13

// Spec describes a long-format sales history. The zero value is not valid;
// build one with Parse or Read, which call Validate.
type Spec struct {
	// Time names the time column and the grid it lies on.
	Time Time `yaml:"time" json:"time"`
	// Keys are the columns that together identify a series (e.g. store, sku).
	// No keys means the file holds one series.
	Keys []string `yaml:"keys" json:"keys"`
	// Target is the non-negative quantity to forecast, units by default.
	Target string `yaml:"target" json:"target"`
	// Known are covariates whose future values the plan supplies: price,
	// regular price, promotion flags, events. Promotion levers and the
	// columns they name as off values are added here when missing.
	Known []string `yaml:"known" json:"known"`
	// Static are per-series constants such as category or brand.
	Static []string `yaml:"static" json:"static"`
	// Group is the static attribute whose levels group peers (the
	// cannibalisation group), NoGroup for none, or empty for the first
	// static attribute that holds text.
	Group string `yaml:"group" json:"group,omitempty"`
	// Promotion maps each lever (a known covariate) to its off value.
	Promotion map[string]Lever `yaml:"promotion" json:"promotion"`
	// Price is the column that holds the selling price, used for revenue.
	// Empty means the lever whose off value is a column or infer, if one.
	Price string `yaml:"price" json:"price,omitempty"`
	// Cost names optional money columns of the plan.
	Cost Cost `yaml:"cost" json:"cost"`
	// Types overrides type inference: column name → "number" or "string".
	Types map[string]string `yaml:"types" json:"types,omitempty"`
	// Events is an optional CSV of user events (name,start,end[,pre,post]),
	// relative to the spec file's folder, added to the built-in calendar.
	Events string `yaml:"events" json:"events,omitempty"`
	// Attributes are tables of static attributes joined to the history
	// on a key column, e.g. a product table with each product's category.
	Attributes []Attribute `yaml:"attributes" json:"attributes,omitempty"`
	// Calendar is "builtin" (the default: Double 11, 618, Double 12, Spring
	// Festival, Black Friday, Cyber Monday, Christmas, New Year's Day) or
	// "none" (user events only).
	Calendar string `yaml:"calendar" json:"calendar,omitempty"`
}

// Time names the time column and its frequency.
type Time struct {
	Column    string `yaml:"column" json:"column"`
	Frequency string `yaml:"frequency" json:"frequency"`
	// Format is a Go time layout for dates; empty accepts 2006-01-02,
	// 2006/01/02, 20060102 and RFC 3339 timestamps.
	Format string `yaml:"format" json:"format,omitempty"`
	// Season is the length of the main seasonal cycle in periods, e.g. 52
	// for weekly data numbered by integers. Zero means the frequency's own
	// (7 days, 52 weeks, 12 months) or, for plain periods, one detected
	// from the history when a model is trained (package panel's
	// DetectSeason); 1 means no season.
	Season int `yaml:"season" json:"season,omitempty"`
	// Label says which day of a week its date gives on a weekly grid:
	// "start" (the default: a week covers its date and the six days after
	// it) or "end" (a week_end_date column: the six days before its date
	// and the date). Events and holidays fall in the weeks whose days
	// hold them, so a history of week-ending dates read as starts puts
	// New Year's Day in the week before the one that sold it.
	Label string `yaml:"label" json:"label,omitempty"`
}

// The values of Time.Label.
const (
	LabelStart = "start"
	LabelEnd   = "end"
)

// LabelHint returns a warning for a weekly spec that leaves time.label
// unset while its time column's name says its dates end their weeks (it
// holds "end", as week_end_date does); "" otherwise.
func (s *Spec) LabelHint() string {
	t := s.Time
	if t.Frequency != Week || t.Label != "" || !strings.Contains(strings.ToLower(t.Column), "end") {
		return ""
	}
	return fmt.Sprintf("time column %s: each week is read as starting on its date; if the dates are the weeks' last days, set time.label: end in the spec, or events and holidays fall a week late", t.Column)
}

// Attribute is a table of per-series attributes (CSV or Parquet) joined to
// the history: each history row takes the columns of the attribute row whose
// On column equals its own On column.
type Attribute struct {
	// File is the table's path, relative to the spec file's folder.
	File string `yaml:"file" json:"file"`
	// On is the key column both tables share, e.g. upc_id.
	On string `yaml:"on" json:"on"`
}

// Cost names the plan's money columns. Each is a column name or a number.
type Cost struct {
	// UnitCost is the cost of goods per unit; with it, outputs carry margin.
	UnitCost string `yaml:"unit_cost" json:"unit_cost,omitempty"`
	// FixedCost is a fixed promotion cost per row (coupon budget, slotting
	// fee), added to the discount cost in ROI.
	FixedCost string `yaml:"fixed_cost" json:"fixed_cost,omitempty"`
}

// Lever is one promotion lever's value when there is no promotion.
type Lever struct {
	// Off is a number, the name of a column, or "infer".
	Off any `yaml:"off" json:"off"`
	// Window is the look-back of `off: infer` in periods.
	Window int `yaml:"window" json:"window,omitempty"`
}

// OffKind says how a lever's off value is given.
type OffKind int

const (
	OffNumber OffKind = iota // a constant, e.g. 0 for a flag
	OffColumn                // another column, e.g. regular_price
	OffInfer                 // trailing maximum of the lever over Window periods
)

// LeverRule is a lever with its off value resolved.
type LeverRule struct {
	Name   string
	Kind   OffKind
	Number float64 // for OffNumber
	Column string  // for OffColumn
	Window int     // for OffInfer
}

// IsPrice reports whether the lever is a price: its off value is a column or
// inferred, and a promotion lowers it below that value.
func (r LeverRule) IsPrice() bool { return r.Kind != OffNumber }

// Read parses and validates the spec file at path.
func Read(path string) (*Spec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read spec: %w", err)
	}
	s, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("spec %s: %w", path, err)
	}
	return s, nil
}

// Parse decodes a spec from YAML and validates it. YAML tags (`!foo`) are
// refused with their line and column: a spec has no use for them, and the
// YAML library does not decode every tagged node safely.
func Parse(b []byte) (*Spec, error) {
	if err := refuseTags(b); err != nil {
		return nil, err
	}
	s, err := decode(b)
	if err != nil {
		return nil, err
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// decode unmarshals strictly. A panic inside the YAML library becomes an
// error, so that no input can crash a command or the server.
func decode(b []byte) (s *Spec, err error) {
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("the spec could not be read as YAML (the YAML decoder failed: %v)", r)
		}
	}()
	var out Spec
	if err := yaml.UnmarshalWithOptions(b, &out, yaml.Strict()); err != nil {
		return nil, errors.New(yaml.FormatError(err, false, true))
	}
	return &out, nil
}

// refuseTags reports the first YAML tag in b with its position.
func refuseTags(b []byte) error {
	f, err := parser.ParseBytes(b, 0)
	if err != nil {
		return errors.New(yaml.FormatError(err, false, true))
	}
	var found tagFinder
	for _, doc := range f.Docs {
		ast.Walk(&found, doc)
		if found.tag != nil {
			pos := found.tag.GetToken().Position
			return fmt.Errorf("line %d, column %d: YAML tag %s is not supported in a spec: remove it", pos.Line, pos.Column, found.tag.Start.Value)
		}
	}
	return nil
}

// tagFinder is an ast.Visitor that stops at the first tag node.
type tagFinder struct{ tag *ast.TagNode }

// Visit implements ast.Visitor.
func (t *tagFinder) Visit(n ast.Node) ast.Visitor {
	if t.tag != nil {
		return nil
	}
	if tag, ok := n.(*ast.TagNode); ok {
		t.tag = tag
		return nil
	}
	return t
}

// Validate fills defaults and rejects specs that cannot describe a history:
// missing required fields, an unknown frequency, a column in two roles, or a
// lever whose off value is neither a number, a column nor infer.
func (s *Spec) Validate() error {
	if s.Time.Column == "" {
		return errors.New("time.column is required: name the column that holds the date or period")
	}
	switch s.Time.Frequency {
	case Day, Week, Month, Period:
	case "":
		return errors.New("time.frequency is required: one of day, week, month, period")
	default:
		return fmt.Errorf("time.frequency %q: expected one of day, week, month, period", s.Time.Frequency)
	}
	switch s.Time.Label {
	case "", LabelStart:
	case LabelEnd:
		if s.Time.Frequency != Week {
			return fmt.Errorf("time.label: end applies to weekly grids (time.frequency: week), not %s: a day is its own date and a month's date may be any of its days", s.Time.Frequency)
		}
	default:
		return fmt.Errorf("time.label %q: expected start (a week's date is its first day) or end (its last day, as in a week_end_date column)", s.Time.Label)
	}
	if s.Target == "" {
		return errors.New("target is required: name the column to forecast, e.g. units")
	}
	rules, err := s.Levers()
	if err != nil {
		return err
	}
	for _, r := range rules {
		s.Known = appendMissing(s.Known, r.Name)
		if r.Kind == OffColumn {
			s.Known = appendMissing(s.Known, r.Column)
		}
	}
	if s.Price != "" && !contains(s.Known, s.Price) {
		s.Known = append(s.Known, s.Price)
	}
	for _, c := range []struct{ field, col string }{{"cost.unit_cost", s.Cost.UnitCost}, {"cost.fixed_cost", s.Cost.FixedCost}} {
		if c.col == "" {
			continue
		}
		if _, err := strconv.ParseFloat(c.col, 64); err == nil {
			continue
		}
		if !contains(s.Known, c.col) && !contains(s.Static, c.col) {
			s.Known = append(s.Known, c.col)
		}
	}
	role := map[string]string{}
	claim := func(col, what string) error {
		if col == "" {
			return fmt.Errorf("%s: empty column name", what)
		}
		if prev, ok := role[col]; ok {
			return fmt.Errorf("column %q is both %s and %s; a column has one role", col, prev, what)
		}
		role[col] = what
		return nil
	}
	if err := claim(s.Time.Column, "the time column"); err != nil {
		return err
	}
	if err := claim(s.Target, "the target"); err != nil {
		return err
	}
	for _, group := range []struct {
		what string
		cols []string
	}{{"a key", s.Keys}, {"a known covariate", s.Known}, {"a static attribute", s.Static}} {
		for _, c := range group.cols {
			if group.what == "a static attribute" && role[c] == "a key" {
				continue // a key is constant per series: it may be an attribute too
			}
			if err := claim(c, group.what); err != nil {
				return err
			}
		}
	}
	for i, a := range s.Attributes {
		if a.File == "" || a.On == "" {
			return fmt.Errorf("attributes[%d] needs both file and on (the key column both tables share)", i)
		}
		if !contains(s.Keys, a.On) {
			return fmt.Errorf("attributes[%d].on is %q: expected one of the keys %v", i, a.On, s.Keys)
		}
	}
	if s.Group != "" && s.Group != NoGroup && !contains(s.Static, s.Group) {
		return fmt.Errorf("group %q: expected one of the static attributes %v (or none)", s.Group, s.Static)
	}
	if s.Time.Season < 0 {
		return fmt.Errorf("time.season is %d: expected the periods of one seasonal cycle (1 for none)", s.Time.Season)
	}
	switch s.Calendar {
	case "":
		s.Calendar = "builtin"
	case "builtin", "none":
	default:
		return fmt.Errorf("calendar %q: expected builtin or none", s.Calendar)
	}
	for col, t := range s.Types {
		if t != "number" && t != "string" {
			return fmt.Errorf("types.%s: %q is not a type; expected number or string", col, t)
		}
	}
	if s.PriceColumn() == "" && (s.Cost.UnitCost != "" || s.Cost.FixedCost != "") {
		return errors.New("cost columns need a price: name it with `price:` or give a price lever with `off: COLUMN` or `off: infer`")
	}
	return nil
}

// Levers returns the promotion levers sorted by name, with off values resolved.
func (s *Spec) Levers() ([]LeverRule, error) {
	names := make([]string, 0, len(s.Promotion))
	for n := range s.Promotion {
		names = append(names, n)
	}
	sort.Strings(names)
	rules := make([]LeverRule, 0, len(names))
	for _, n := range names {
		l := s.Promotion[n]
		r := LeverRule{Name: n}
		switch v := l.Off.(type) {
		case nil:
			return nil, fmt.Errorf("promotion.%s.off is required: a number (e.g. 0), a column (e.g. regular_price) or infer", n)
		case int:
			r.Number = float64(v)
		case int64:
			r.Number = float64(v)
		case uint64:
			r.Number = float64(v)
		case float64:
			r.Number = v
		case string:
			if v == "infer" {
				r.Kind, r.Window = OffInfer, l.Window
				if r.Window == 0 {
					r.Window = DefaultInferWindow
				}
				if r.Window < 1 {
					return nil, fmt.Errorf("promotion.%s.window is %d: expected a positive number of periods", n, l.Window)
				}
			} else if strings.TrimSpace(v) == "" {
				return nil, fmt.Errorf("promotion.%s.off is empty: expected a number, a column or infer", n)
			} else {
				r.Kind, r.Column = OffColumn, v
			}
		default:
			return nil, fmt.Errorf("promotion.%s.off is %v: expected a number, a column or infer", n, v)
		}
		if r.Kind != OffInfer && l.Window != 0 {
			return nil, fmt.Errorf("promotion.%s.window only applies to off: infer", n)
		}
		if math.IsNaN(r.Number) || math.IsInf(r.Number, 0) {
			return nil, fmt.Errorf("promotion.%s.off is not a finite number", n)
		}
		rules = append(rules, r)
	}
	return rules, nil
}

// Lever returns the lever rule named name, and false when the spec has no
// such lever (or its levers do not parse).
func (s *Spec) Lever(name string) (LeverRule, bool) {
	rules, err := s.Levers()
	if err != nil {
		return LeverRule{}, false
	}
	for _, r := range rules {
		if r.Name == name {
			return r, true
		}
	}
	return LeverRule{}, false
}

// PriceColumn returns the column that holds the selling price: Price when
// set, else the price lever first by name (one whose off is a column or
// infer), else "". It reads the levers as a validated spec has them,
// without allocating: it runs for every forecast the server answers.
func (s *Spec) PriceColumn() string {
	if s.Price != "" {
		return s.Price
	}
	first := ""
	for n, l := range s.Promotion {
		if v, ok := l.Off.(string); ok && strings.TrimSpace(v) != "" && (first == "" || n < first) {
			first = n
		}
	}
	return first
}

// PlanColumns returns the known columns a plan must give a value: every
// promotion lever, a lever's off column, the selling price and the costs.
// The others are plain covariates, which a plan may leave empty (read as
// missing) and which may hold other products' prices.
func (s *Spec) PlanColumns() map[string]bool {
	out := map[string]bool{s.Cost.UnitCost: true, s.Cost.FixedCost: true, s.PriceColumn(): true}
	rules, _ := s.Levers() // a validated spec's levers parse
	for _, r := range rules {
		out[r.Name] = true
		if r.Kind == OffColumn {
			out[r.Column] = true
		}
	}
	delete(out, "")
	return out
}

// Season returns the number of periods in the main seasonal cycle: the
// spec's time.season when set, else 7 days, 52 weeks, 12 months, or 1 (none)
// for plain periods.
func (s *Spec) Season() int {
	if s.Time.Season > 0 {
		return s.Time.Season
	}
	switch s.Time.Frequency {
	case Day:
		return 7
	case Week:
		return 52
	case Month:
		return 12
	}
	return 1
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func appendMissing(list []string, s string) []string {
	if contains(list, s) {
		return list
	}
	return append(list, s)
}

// KnownRole names what known column name is for, for messages about a
// plan or history that lacks it: the spec's cost column, a promotion
// lever, a lever's off column, the price, or a known covariate.
func (s *Spec) KnownRole(name string) string {
	switch name {
	case s.Cost.UnitCost:
		return "known covariate: the spec's cost.unit_cost, which money and margins need in every row"
	case s.Cost.FixedCost:
		return "known covariate: the spec's cost.fixed_cost, which money and margins need in every row"
	}
	if rules, err := s.Levers(); err == nil {
		for _, r := range rules {
			switch {
			case r.Name == name:
				return "known covariate: a promotion lever"
			case r.Kind == OffColumn && r.Column == name:
				return "known covariate: the off value of the promotion lever " + r.Name
			}
		}
	}
	return "known covariate"
}
