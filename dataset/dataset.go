// Package dataset reads the files a dataset spec describes: the sales
// history (with the static attributes of the spec's attribute tables
// joined on), plans, stock tables and the user's event table. Every
// command and the server read their inputs through it, so a file means
// the same thing wherever it is read.
//
//	ds, err := dataset.Open("spec.yaml")
//	hist, err := ds.History("sales.csv.gz") // attributes joined
//	events, err := ds.Events()              // nil when the spec names none
//	opt, err := ds.TrainOptions(28, 0)      // horizon, gap and those events
//	plan, err := ds.Plan("plan.csv")
//
// Keys and the time column are read as text exactly as written (ids such
// as 1111009477 or 00042 stay as they are); the spec's type overrides
// apply to the columns a file has. Relative paths in the spec (attribute
// tables, the event table) start from Dir.
package dataset

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"promocast/calendar"
	"promocast/data"
	"promocast/forecast"
	"promocast/ingest"
	"promocast/spec"
)

// Dataset is a spec with the folder its relative paths start from.
type Dataset struct {
	Spec *spec.Spec
	// Dir is the folder relative paths in the spec start from.
	Dir string
	// Fallback, when set, is a second folder a relative path starts from
	// when it names no file from Dir.
	Fallback string
}

// ForModel is the dataset of a model's own spec, the one stored in its
// file, for the history at historyPath: with no spec file to start from,
// relative paths in the spec (attribute tables, the event table) start
// from the history's folder and, where they name no file there, from the
// working folder (the model file does not record the folder of the spec it
// was trained with, against which they were written). The commands that
// apply a model without --spec and the server (for a version registered
// without a spec file) both read the history through it, so a model's
// relative paths mean the same file in both.
func ForModel(sp *spec.Spec, historyPath string) *Dataset {
	return &Dataset{Spec: sp, Dir: filepath.Dir(historyPath), Fallback: "."}
}

// Open reads a spec file; its folder becomes Dir.
func Open(specPath string) (*Dataset, error) {
	sp, err := spec.Read(specPath)
	if err != nil {
		return nil, err
	}
	return &Dataset{Spec: sp, Dir: filepath.Dir(specPath)}, nil
}

// role is what a table holds: it decides which columns are typed and
// what a table must not hold.
type role int

const (
	history role = iota
	plan
	stock
)

// noun names what a table of the role holds, for messages.
func (r role) noun() string {
	return [...]string{"sales history", "plan", "stock table"}[r]
}

// History reads a sales history and joins the static attributes the spec
// lists from its attribute tables.
func (d *Dataset) History(path string) (*data.Frame, error) {
	f, err := d.read(path, history)
	if err != nil {
		return nil, err
	}
	if err := d.joinAttributes(f); err != nil {
		return nil, err
	}
	return f, nil
}

// Plan reads a plan: future rows of the series with their known
// covariates, not their outcome (a plan holding the target is refused).
func (d *Dataset) Plan(path string) (*data.Frame, error) { return d.read(path, plan) }

// Stock reads a stock table: keys and units on hand, without a time
// column.
func (d *Dataset) Stock(path string) (*data.Frame, error) { return d.read(path, stock) }

// read reads a table. Keys and the time column are read as text exactly
// as written; the target and the known covariates must hold finite
// numbers, so that a bad cell is reported with its line, column and text.
// A plan holding the target column, and a file with no rows, are refused.
func (d *Dataset) read(path string, r role) (*data.Frame, error) {
	types := map[string]data.Kind{}
	roles := map[string]string{}
	for _, k := range d.Spec.Keys {
		types[k], roles[k] = data.String, "series key"
	}
	if r != stock {
		types[d.Spec.Time.Column], roles[d.Spec.Time.Column] = data.String, "time column"
		for _, k := range d.Spec.Known {
			types[k], roles[k] = data.Number, d.Spec.KnownRole(k)
		}
	}
	if r == history {
		types[d.Spec.Target], roles[d.Spec.Target] = data.Number, "target"
	}
	f, err := ingest.Read(path, ingest.Options{Types: types, Roles: roles})
	if err != nil {
		return nil, err
	}
	if f.Rows() == 0 {
		return nil, fmt.Errorf("%s: no rows after the header: expected at least one row of the %s", f.Source, r.noun())
	}
	if r == plan && f.Column(d.Spec.Target) != nil {
		return nil, fmt.Errorf("%s: column %q is the target: a plan holds the coming periods' time, keys and known covariates, not their outcome; remove the column",
			f.Source, d.Spec.Target)
	}
	if err := d.retype(f); err != nil {
		return nil, err
	}
	return f, nil
}

// retype applies the spec's type overrides to the columns the file has.
func (d *Dataset) retype(f *data.Frame) error {
	for name, t := range d.Spec.Types {
		c := f.Column(name)
		if c == nil {
			continue
		}
		switch {
		case t == "string" && c.Kind == data.Number:
			c.Str = make([]string, len(c.Num))
			for i, v := range c.Num {
				if !math.IsNaN(v) {
					c.Str[i] = strconv.FormatFloat(v, 'f', -1, 64)
				}
			}
			c.Kind, c.Num = data.String, nil
		case t == "number" && c.Kind == data.String:
			row, text := c.FirstNonNumber()
			return fmt.Errorf("%s row %d, column %q: %q is not a number (the spec types the column number)", f.Source, row, name, text)
		}
	}
	return nil
}

// path resolves a path named in the spec against Dir, or against
// Fallback when it names no file from Dir but one from there.
func (d *Dataset) path(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	first := filepath.Join(d.Dir, p)
	if d.Fallback == "" || fileExists(first) {
		return first
	}
	if alt := filepath.Join(d.Fallback, p); fileExists(alt) {
		return alt
	}
	return first
}

// fileExists reports whether path names something that can be stat'ed.
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// joinAttributes adds the static attributes the spec lists from its
// attribute tables to the history frame.
func (d *Dataset) joinAttributes(f *data.Frame) error {
	for _, a := range d.Spec.Attributes {
		path := d.path(a.File)
		t, err := ingest.Read(path, ingest.Options{Types: map[string]data.Kind{a.On: data.String}})
		if err != nil {
			return fmt.Errorf("attributes: %w", err)
		}
		keyT, err := t.Need(a.On, "join key")
		if err != nil {
			return fmt.Errorf("attributes: %w", err)
		}
		keyF, err := f.Need(a.On, "join key")
		if err != nil {
			return err
		}
		row := make(map[string]int, t.Rows())
		for r := 0; r < t.Rows(); r++ {
			if prev, dup := row[keyT.Str[r]]; dup {
				return fmt.Errorf("%s: row %d (line %d), column %s: %q already appears on row %d: an attribute table has one row per key",
					path, r+1, r+2, a.On, keyT.Str[r], prev+1)
			}
			row[keyT.Str[r]] = r
		}
		for _, name := range d.Spec.Static {
			src := t.Column(name)
			if src == nil || f.Column(name) != nil {
				continue
			}
			if err := f.Add(joined(name, src, keyF, row, f.Rows())); err != nil {
				return err
			}
		}
	}
	return nil
}

// joined is the attribute column src looked up for every history row by
// its key: empty text or NaN where the key has no attribute row.
func joined(name string, src, key *data.Column, row map[string]int, n int) *data.Column {
	col := &data.Column{Name: name, Kind: src.Kind}
	if src.Kind == data.String {
		col.Str = make([]string, n)
	} else {
		col.Num = make([]float64, n)
	}
	for i := 0; i < n; i++ {
		r, ok := row[key.Text(i)]
		switch {
		case src.Kind == data.String && ok:
			col.Str[i] = src.Str[r]
		case src.Kind == data.Number && ok:
			col.Num[i] = src.Num[r]
		case src.Kind == data.Number:
			col.Num[i] = math.NaN()
		}
	}
	return col
}

// Events reads the spec's user event table; nil when the spec names none.
func (d *Dataset) Events() ([]calendar.Event, error) {
	if d.Spec.Events == "" {
		return nil, nil
	}
	path := d.path(d.Spec.Events)
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	defer fh.Close()
	return calendar.ReadEvents(fh, path)
}

// TrainOptions are the forecasting settings of a horizon and gap with the
// spec's user events (Events): what every command that trains reads the
// event table into.
func (d *Dataset) TrainOptions(horizon, gap int) (forecast.TrainOptions, error) {
	events, err := d.Events()
	if err != nil {
		return forecast.TrainOptions{}, err
	}
	return forecast.TrainOptions{Horizon: horizon, Gap: gap, Events: events}, nil
}
