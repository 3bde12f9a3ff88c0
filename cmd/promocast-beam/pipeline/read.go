package pipeline

import (
	"fmt"
	"strings"

	"promocast/data"
	"promocast/dataset"
	"promocast/forecast"
	"promocast/modelfile"
)

// shard is one input file and its place in the order the files were
// given: the shards of an input, concatenated in that order, are the table
// the single-machine command reads.
type shard struct {
	Index int
	Path  string
}

func shards(paths []string) []shard {
	out := make([]shard, len(paths))
	for i, p := range paths {
		out[i] = shard{i, p}
	}
	return out
}

// shardSchema is the schema a shard was read with.
type shardSchema struct {
	Shard  int
	Path   string
	Schema string
}

// inputs is what every stage that reads or scores needs: the model file
// and the dataset spec (the model's own when Spec is empty).
type inputs struct {
	Model string
	Spec  string
}

// open reads the model and the dataset. Without a model (a training run)
// it reads the spec alone. With a model and no spec file, relative paths in
// the model's own spec start from the working folder: the history comes in
// shards with no one folder, where the single-machine commands start from
// the history's (dataset.ForModel); pass --spec when they differ.
func (in inputs) open() (*forecast.Model, *dataset.Dataset, error) {
	if in.Model == "" {
		ds, err := dataset.Open(in.Spec)
		return nil, ds, err
	}
	mf, err := modelfile.Read(in.Model)
	if err != nil {
		return nil, nil, err
	}
	ds := &dataset.Dataset{Spec: &mf.Model.Spec, Dir: "."}
	if in.Spec != "" {
		if ds, err = dataset.Open(in.Spec); err != nil {
			return nil, nil, err
		}
	}
	return mf.Model, ds, nil
}

// seriesKey is a row's series identity, used only to route rows.
func seriesKey(keys []*data.Column, r int) string {
	var sb strings.Builder
	for i, k := range keys {
		if i > 0 {
			sb.WriteByte('\x1f')
		}
		sb.WriteString(k.Text(r))
	}
	return sb.String()
}

func keyColumns(f *data.Frame, names []string) ([]*data.Column, error) {
	cols := make([]*data.Column, len(names))
	for i, n := range names {
		if cols[i] = f.Column(n); cols[i] == nil {
			return nil, fmt.Errorf("%s: no column %q (a series key)", f.Source, n)
		}
	}
	return cols, nil
}

// readFn reads one shard of the history (with the spec's attribute tables
// joined) or of the plan, and emits each row keyed by its series, the
// shard's schema, (for the history, given a model) the shard's last
// period, and (for the history) each static attribute's text values, as
// "attribute\x1fvalue".
type readFn struct {
	In   inputs
	Plan bool

	m  *forecast.Model
	ds *dataset.Dataset
}

func (fn *readFn) Setup() error {
	var err error
	fn.m, fn.ds, err = fn.In.open()
	return err
}

func (fn *readFn) ProcessElement(sh shard, rows func(string, []byte), schemas func(shardSchema), last func(int), values func(string)) error {
	read := fn.ds.History
	if fn.Plan {
		read = fn.ds.Plan
	}
	f, err := read(sh.Path)
	if err != nil {
		return err
	}
	schemas(shardSchema{sh.Index, sh.Path, schemaOf(f)})
	keys, err := keyColumns(f, fn.ds.Spec.Keys)
	if err != nil {
		return err
	}
	for r := range f.Rows() {
		rows(seriesKey(keys, r), encodeRow(f, r, origin{sh.Index, r}))
	}
	if fn.Plan {
		return nil
	}
	for _, name := range fn.ds.Spec.Static {
		c := f.Column(name)
		if c == nil || c.Kind != data.String {
			continue
		}
		seen := map[string]bool{}
		for _, v := range c.Str {
			if v != "" && !seen[v] {
				seen[v] = true
				values(name + "\x1f" + v)
			}
		}
	}
	if fn.m == nil {
		return nil
	}
	// The history's last period: a period the grid cannot read is left to
	// the scoring stage, which reports it with its row.
	tc := f.Column(fn.ds.Spec.Time.Column)
	if tc == nil {
		return fmt.Errorf("%s: no column %q (the time column)", f.Source, fn.ds.Spec.Time.Column)
	}
	hi, ok := 0, false
	for r := range f.Rows() {
		if o, err := fn.m.Grid.Ordinal(tc.Text(r)); err == nil && (!ok || o > hi) {
			hi, ok = o, true
		}
	}
	if ok {
		last(hi)
	}
	return nil
}
