package cli

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"promocast/calendar"
	"promocast/data"
	"promocast/ingest"
	"promocast/modelfile"
	"promocast/spec"
)

// dataset is a spec with the folder its relative paths start from.
type dataset struct {
	spec *spec.Spec
	dir  string
}

func readSpec(path string) (*dataset, error) {
	if path == "" {
		return nil, usagef("--spec is required: the dataset spec (YAML) that names the columns")
	}
	sp, err := spec.Read(path)
	if err != nil {
		return nil, err
	}
	return &dataset{spec: sp, dir: filepath.Dir(path)}, nil
}

// readTable reads a history ("data"), plan or stock file. Keys and the
// time column are read as text exactly as written (ids such as 1111009477
// or 00042 stay as they are); the target and the known covariates must hold
// finite numbers, so that a bad cell is reported with its line, column and
// text. A plan holding the target column, and a file with no rows, are
// refused.
func (d *dataset) readTable(path, role string) (*data.Frame, error) {
	if path == "" {
		return nil, usagef("--%s is required", role)
	}
	types := map[string]data.Kind{}
	roles := map[string]string{}
	for _, k := range d.spec.Keys {
		types[k], roles[k] = data.String, "series key"
	}
	if role != "stock" {
		types[d.spec.Time.Column], roles[d.spec.Time.Column] = data.String, "time column"
		for _, k := range d.spec.Known {
			types[k], roles[k] = data.Number, "known covariate"
		}
	}
	if role == "data" {
		types[d.spec.Target], roles[d.spec.Target] = data.Number, "target"
	}
	f, err := ingest.Read(path, ingest.Options{Types: types, Roles: roles})
	if err != nil {
		return nil, err
	}
	if f.Rows() == 0 {
		return nil, fmt.Errorf("%s: no rows after the header: expected at least one row of the %s", f.Source, tableNoun(role))
	}
	if role == "plan" && f.Column(d.spec.Target) != nil {
		return nil, fmt.Errorf("%s: column %q is the target: a plan holds the coming periods' time, keys and known covariates, not their outcome; remove the column",
			f.Source, d.spec.Target)
	}
	if err := d.retype(f); err != nil {
		return nil, err
	}
	if role == "data" {
		if err := d.joinAttributes(f); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// tableNoun names what a table of a readTable role holds, for messages.
func tableNoun(role string) string {
	switch role {
	case "data":
		return "sales history"
	case "stock":
		return "stock table"
	}
	return role
}

// retype applies the spec's type overrides to the columns the file has.
func (d *dataset) retype(f *data.Frame) error {
	for name, t := range d.spec.Types {
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

// joinAttributes adds the static attributes the spec lists from its
// attribute tables to the history frame.
func (d *dataset) joinAttributes(f *data.Frame) error {
	for _, a := range d.spec.Attributes {
		path := a.File
		if !filepath.IsAbs(path) {
			path = filepath.Join(d.dir, path)
		}
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
		for _, name := range d.spec.Static {
			src := t.Column(name)
			if src == nil || f.Column(name) != nil {
				continue
			}
			col := &data.Column{Name: name, Kind: src.Kind}
			n := f.Rows()
			if src.Kind == data.String {
				col.Str = make([]string, n)
			} else {
				col.Num = make([]float64, n)
			}
			for i := 0; i < n; i++ {
				r, ok := row[keyF.Text(i)]
				switch {
				case src.Kind == data.String && ok:
					col.Str[i] = src.Str[r]
				case src.Kind == data.Number && ok:
					col.Num[i] = src.Num[r]
				case src.Kind == data.Number:
					col.Num[i] = math.NaN()
				}
			}
			if err := f.Add(col); err != nil {
				return err
			}
		}
	}
	return nil
}

// readEvents reads the spec's user event table, if any.
func (d *dataset) readEvents() ([]calendar.Event, error) {
	if d.spec.Events == "" {
		return nil, nil
	}
	path := d.spec.Events
	if !filepath.IsAbs(path) {
		path = filepath.Join(d.dir, path)
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	defer fh.Close()
	return calendar.ReadEvents(fh, path)
}

func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// modelInputs is what the commands that apply a model read: the model,
// the dataset spec (the model's own unless --spec names one), the history
// and, when asked for, the plan.
type modelInputs struct {
	file *modelfile.Forecast
	ds   *dataset
	hist *data.Frame
	plan *data.Frame
}

// loadModelInputs reads a model, its history and (when planPath is not
// "-") a plan. specPath may be empty.
func loadModelInputs(modelPath, specPath, dataPath, planPath string) (*modelInputs, error) {
	if modelPath == "" {
		return nil, usagef("--model is required")
	}
	mf, err := modelfile.Read(modelPath)
	if err != nil {
		return nil, err
	}
	in := &modelInputs{file: mf, ds: &dataset{spec: &mf.Model.Spec, dir: "."}}
	if specPath != "" {
		if in.ds, err = readSpec(specPath); err != nil {
			return nil, err
		}
	}
	if in.hist, err = in.ds.readTable(dataPath, "data"); err != nil {
		return nil, err
	}
	if planPath != "-" {
		if in.plan, err = in.ds.readTable(planPath, "plan"); err != nil {
			return nil, err
		}
	}
	return in, nil
}
