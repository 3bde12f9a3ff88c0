package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/filter"

	"promocast/data"
	"promocast/dataset"
	"promocast/ensemble"
	"promocast/forecast"
	"promocast/learn"
	"promocast/learn/route"
	"promocast/model"
	"promocast/modelfile"
	"promocast/panel"
)

func init() {
	register.DoFn4x1[string, func(*[]byte) bool, func(*shardSchema) bool, func(string, []byte), error](&partitionFn{})
	register.DoFn5x1[string, func(*[]byte) bool, func(*shardSchema) bool, func(*string) bool, func(partModel), error](&trainFn{})
	register.DoFn2x1[int, func(*partModel) bool, error](&mergeFn{})
	register.Emitter1[partModel]()
	register.Iter1[partModel]()
}

// TrainConfig names a partitioned training run.
type TrainConfig struct {
	Spec      string   // dataset spec
	Data      []string // history shards, in order
	Model     string   // learner of every partition (package learn), e.g. gbdt
	Horizon   int      // periods forecast after the gap, ≥ 1
	Gap       int      // periods between the history's end and the first forecast
	Partition string   // static text attribute whose levels partition the series
	Out       string   // model file to write
}

// Train adds partitioned training to scope s: the history's series are
// split by the level of a static attribute, each partition's model is
// trained on one worker exactly as promocast would train a model on that
// partition alone (on the whole panel's period grid and static levels, so
// that codes mean the same in every partition), and the models are stored
// as one model file whose predictor (kind "partitioned", package
// learn/route) sends each row to its partition's model. The file loads in
// promocast forecast and the server unchanged.
//
// The partitions' models ship without the promotion-effect model and
// without calibrated intervals, which promocast train fits on the whole
// panel; their training ranges (the guard rails' warnings) are pooled.
func Train(s beam.Scope, cfg TrainConfig) error {
	if cfg.Spec == "" || len(cfg.Data) == 0 || cfg.Out == "" || cfg.Partition == "" || cfg.Model == "" {
		return errors.New("train needs a spec, history shards, a model, a partition attribute and an output")
	}
	if cfg.Horizon < 1 || cfg.Gap < 0 {
		return fmt.Errorf("--horizon %d and --gap %d: expected horizon ≥ 1 and gap ≥ 0", cfg.Horizon, cfg.Gap)
	}
	if _, err := ensemble.New(cfg.Model, learn.Options{}); err != nil {
		return err
	}
	ds, err := dataset.Open(cfg.Spec)
	if err != nil {
		return err
	}
	if !slices.Contains(ds.Spec.Static, cfg.Partition) {
		return fmt.Errorf("--partition %q: expected one of the spec's static attributes %v", cfg.Partition, ds.Spec.Static)
	}
	// The period grid (the time format, a week's weekday) is read from the
	// first shard, so that every partition shares it.
	first, err := ds.History(cfg.Data[0])
	if err != nil {
		return err
	}
	p0, err := panel.Build(first, ds.Spec, panel.Options{})
	if err != nil {
		return err
	}
	s = s.Scope("train")
	in := inputs{Spec: cfg.Spec}
	rows, schemas, _, values := beam.ParDo4(s.Scope("read history"), &readFn{In: in}, beam.CreateList(s, shards(cfg.Data)))
	parts := beam.ParDo(s.Scope("partition"), &partitionFn{Name: cfg.Partition}, beam.GroupByKey(s, rows), beam.SideInput{Input: schemas})
	models := beam.ParDo(s.Scope("fit"), &trainFn{Config: cfg, Grid: p0.Grid}, beam.GroupByKey(s, parts),
		beam.SideInput{Input: schemas}, beam.SideInput{Input: filter.Distinct(s, values)})
	beam.ParDo0(s.Scope("merge"), &mergeFn{Config: cfg}, beam.GroupByKey(s, beam.AddFixedKey(s, models)))
	return nil
}

// partitionFn keys a series' rows by its partition: its last non-missing
// level of the partition attribute in input order.
type partitionFn struct {
	Name string
}

func (fn *partitionFn) ProcessElement(id string, rows func(*[]byte) bool, schemas func(*shardSchema) bool, emit func(string, []byte)) error {
	h, level, err := seriesLevel(id, rows, schemas, fn.Name, "a partitioned model needs every series in a partition")
	if err != nil {
		return err
	}
	emit(level, bundle(h, nil))
	return nil
}

// seriesLevel collects a series' rows and returns them with the series'
// level of the static attribute name (lastLevel); need says, for the
// error, why a series without one cannot go on.
func seriesLevel(id string, rows func(*[]byte) bool, schemas func(*shardSchema) bool, name, need string) ([][]byte, string, error) {
	h := collect(rows)
	sc, err := sameSchema("history", collect(schemas))
	if err != nil {
		return nil, "", err
	}
	level, ok, err := lastLevel(sc, h, name)
	if err != nil {
		return nil, "", err
	}
	if !ok {
		return nil, "", fmt.Errorf("history: series %q has no %s: %s", strings.ReplaceAll(id, "\x1f", "|"), name, need)
	}
	return h, level, nil
}

// partModel is one partition's trained model: the forecast model's JSON
// and its predictor's.
type partModel struct {
	Level     string
	Model     []byte
	Predictor []byte
}

// trainFn trains one partition's model.
type trainFn struct {
	Config TrainConfig
	Grid   panel.Grid

	ds *dataset.Dataset
}

func (fn *trainFn) Setup() error {
	var err error
	fn.ds, err = dataset.Open(fn.Config.Spec)
	return err
}

func (fn *trainFn) ProcessElement(level string, bundles func(*[]byte) bool, schemas func(*shardSchema) bool, values func(*string) bool, emit func(partModel)) error {
	var h [][]byte
	var b []byte
	var err error
	for bundles(&b) {
		if h, _, err = unbundle(b, h, nil); err != nil {
			return err
		}
	}
	sc, err := sameSchema("history", collect(schemas))
	if err != nil {
		return err
	}
	hist, _, err := decodeFrame("history", sc, h)
	if err != nil {
		return err
	}
	p, err := panel.Build(hist, fn.ds.Spec, panel.Options{Grid: &fn.Grid, Levels: staticLevels(fn.ds.Spec.Static, sc, collect(values))})
	if err != nil {
		return fmt.Errorf("partition %s=%s: %w", fn.Config.Partition, level, err)
	}
	opt, err := fn.ds.TrainOptions(fn.Config.Horizon, fn.Config.Gap)
	if err != nil {
		return err
	}
	// Every partition reads the events inside the history's dates: which
	// of them move sales is a question about the whole panel, which no
	// partition holds.
	opt.Kind, opt.NoEventScreen = fn.Config.Model, true
	pr, err := forecast.Prepare(p, opt)
	if err != nil {
		return fmt.Errorf("partition %s=%s: %w", fn.Config.Partition, level, err)
	}
	fit, err := ensemble.New(fn.Config.Model, learn.Options{})
	if err != nil {
		return err
	}
	m, err := pr.Train(opt, p.Last, fit)
	if err != nil {
		return fmt.Errorf("partition %s=%s: %w", fn.Config.Partition, level, err)
	}
	body, err := json.Marshal(m)
	if err != nil {
		return err
	}
	pred, err := json.Marshal(m.Predictor)
	if err != nil {
		return err
	}
	emit(partModel{Level: level, Model: body, Predictor: pred})
	return nil
}

// staticLevels returns the whole history's levels of each static
// attribute, as panel.Build finds them: the sorted distinct values of a
// text column, nil for a number column.
func staticLevels(static []string, sc schema, values []string) [][]string {
	levels := make([][]string, len(static))
	for i, name := range static {
		k := slices.Index(sc.names, name)
		if k < 0 || sc.kinds[k] != data.String {
			continue
		}
		levels[i] = []string{}
		for _, v := range values {
			if attr, level, _ := strings.Cut(v, "\x1f"); attr == name {
				levels[i] = append(levels[i], level)
			}
		}
		slices.Sort(levels[i])
	}
	return levels
}

// mergeFn stores the partitions' models as one model file.
type mergeFn struct {
	Config TrainConfig
}

func (fn *mergeFn) ProcessElement(_ int, parts func(*partModel) bool) error {
	all := collect(parts)
	slices.SortFunc(all, func(a, b partModel) int { return strings.Compare(a.Level, b.Level) })
	m, err := mergeModels(fn.Config.Partition, all)
	if err != nil {
		return err
	}
	return modelfile.Write(fn.Config.Out, &modelfile.Forecast{Model: m})
}

// mergeModels combines the partitions' models (sorted by level) into one
// whose predictor routes each row by the partition attribute's code.
func mergeModels(partition string, all []partModel) (*forecast.Model, error) {
	if len(all) == 0 {
		return nil, errors.New("no partitions: the history has no rows")
	}
	var out *forecast.Model
	var routes []route.Part
	for _, pm := range all {
		var m forecast.Model
		if err := json.Unmarshal(pm.Model, &m); err != nil {
			return nil, fmt.Errorf("partition %q: %w", pm.Level, err)
		}
		pred, err := ensemble.Decode(m.Kind, pm.Predictor)
		if err != nil {
			return nil, fmt.Errorf("partition %q: %w", pm.Level, err)
		}
		attr := slices.Index(m.Spec.Static, partition)
		code, found := slices.BinarySearch(m.Levels[attr], pm.Level)
		if !found {
			return nil, fmt.Errorf("partition %q is not a level of %s", pm.Level, partition)
		}
		routes = append(routes, route.Part{Level: pm.Level, Code: float64(code), Kind: m.Kind, Predictor: pred})
		if out == nil {
			out = &m
			continue
		}
		if err := sameShape(out, &m, pm.Level); err != nil {
			return nil, err
		}
		out.Rows += m.Rows
		out.Series += m.Series
		out.Config.Restated = mergeRestated(out.Config.Restated, m.Config.Restated)
		if o, err := m.Grid.Ordinal(m.TrainFirst); err == nil {
			if have, err := out.Grid.Ordinal(out.TrainFirst); err == nil && o < have {
				out.TrainFirst = m.TrainFirst
			}
		}
		if o, err := m.Grid.Ordinal(m.TrainLast); err == nil {
			if have, err := out.Grid.Ordinal(out.TrainLast); err == nil && o > have {
				out.TrainLast = m.TrainLast
			}
		}
		if m.Ranges != nil {
			if out.Ranges == nil {
				out.Ranges = &forecast.Ranges{}
			}
			out.Ranges.Merge(m.Ranges)
		}
	}
	column := slices.IndexFunc(out.Features, func(f model.Feature) bool { return f.Name == partition })
	r, err := route.New(partition, column, routes)
	if err != nil {
		return nil, err
	}
	out.Predictor, out.Kind = r, route.Kind
	out.Effects, out.Calibration = nil, nil
	return out, nil
}

// mergeRestated returns the union of two partitions' restated columns
// (feature.Config.Restated): each names series of its own partition.
func mergeRestated(a, b map[string][]string) map[string][]string {
	if len(b) == 0 {
		return a
	}
	out := map[string][]string{}
	for _, m := range []map[string][]string{a, b} {
		for name, ids := range m {
			out[name] = append(out[name], ids...)
		}
	}
	for name := range out {
		slices.Sort(out[name])
		out[name] = slices.Compact(out[name])
	}
	return out
}

// sameShape checks that two partitions' models read the same features the
// same way, so that one routing model can stand for both, and names what
// differs. The restated columns name each partition's own series and are
// merged, not compared.
func sameShape(a, b *forecast.Model, level string) error {
	ca, cb := a.Config, b.Config
	ca.Restated, cb.Restated = nil, nil
	parts := []struct {
		what string
		a, b any
	}{
		{"spec", a.Spec, b.Spec}, {"period grid", a.Grid, b.Grid}, {"category levels", a.Levels, b.Levels},
		{"feature settings (windows, cross prices, own prices, outages)", ca, cb}, {"features", a.Features, b.Features},
		{"horizon and gap", []int{a.Horizon, a.Gap}, []int{b.Horizon, b.Gap}},
		{"events (built-in events its history does not span?)", []any{a.Events, a.BuiltinEvents, a.NoEventDistance}, []any{b.Events, b.BuiltinEvents, b.NoEventDistance}},
	}
	for _, p := range parts {
		ja, _ := json.Marshal(p.a)
		jb, _ := json.Marshal(p.b)
		if string(ja) != string(jb) {
			return fmt.Errorf("partition %q: its model's %s differ from the first partition's: one routing model cannot stand for both; partitions must cover the same periods and columns", level, p.what)
		}
	}
	return nil
}
