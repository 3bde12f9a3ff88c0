// Package pipeline builds the Apache Beam pipelines of promocast-beam: the
// per-series stages of promocast (scoring a plan, backtesting) run on any
// Beam runner, with outputs identical, row for row, to the single-machine
// commands on the same data.
//
// # Forecast
//
// Forecast reads the history and the plan as shards (files whose
// concatenation, in the order given, is the table the single-machine
// command reads), and scores the plan in four stages:
//
//	read      each shard, with the spec's attribute tables joined; rows keyed by series
//	series    history and plan rows of a series meet (CoGroupByKey); a series the
//	          plan does not name is dropped; the rest are keyed by the series'
//	          cannibalisation group
//	score     each group's history and plan become frames in input order and are
//	          scored with the model file (forecast.Model's Scorer)
//	write     the output rows, sorted by their text, into one CSV file
//
// Why a group, and not a series, is the unit of work: a model with a
// cannibalisation group has features that count the promotions of a
// series' peers (the other series of its group that the plan names), so
// every series of a group must be scored together. A model without a
// group has only per-series features, and each series is its own key.
// The scoring stage also needs the whole history's last period (the plan
// must start after it, and peers are counted from it on): the read stage
// emits each shard's last period and their maximum reaches every group as a
// side input.
//
// # Backtest
//
// Backtest runs promocast backtest with its fits (a learner at a rolling
// origin) spread over the workers, and scores them with the
// single-machine code on one worker; see Backtest.
package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/filter"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"

	"promocast/data"
	"promocast/export"
	"promocast/feature"
	"promocast/forecast"
	"promocast/panel"
)

func init() {
	// Beam finds a pipeline's functions on its workers through this
	// registry; registering at start-up is how every Beam program does it.
	register.DoFn5x1[shard, func(string, []byte), func(shardSchema), func(int), func(string), error](&readFn{})
	register.DoFn5x1[string, func(*[]byte) bool, func(*[]byte) bool, func(*shardSchema) bool, func(string, []byte), error](&seriesFn{})
	register.DoFn7x1[string, func(*[]byte) bool, func(*shardSchema) bool, func(*shardSchema) bool, int, func(string), func(string), error](&scoreFn{})
	register.DoFn3x1[int, func(*string) bool, func(*string) bool, error](&writeFn{})
	register.Emitter1[string]()
	register.Emitter1[int]()
	register.Emitter1[shardSchema]()
	register.Emitter2[string, []byte]()
	register.Iter1[[]byte]()
	register.Iter1[string]()
	register.Iter1[shardSchema]()
}

// ForecastConfig names a forecast's inputs and output.
type ForecastConfig struct {
	Model string   // model file from promocast train
	Spec  string   // dataset spec; empty: the model's own
	Data  []string // history shards, in order
	Plan  []string // plan shards, in order
	Out   string   // output CSV file
}

// Forecast adds the forecast pipeline to scope s.
func Forecast(s beam.Scope, cfg ForecastConfig) error {
	if cfg.Model == "" || cfg.Out == "" || len(cfg.Data) == 0 || len(cfg.Plan) == 0 {
		return errors.New("forecast needs a model, history and plan shards, and an output")
	}
	if !strings.HasSuffix(cfg.Out, ".csv") {
		return fmt.Errorf("--out %s: promocast-beam writes CSV; name a .csv file", cfg.Out)
	}
	in := inputs{Model: cfg.Model, Spec: cfg.Spec}
	m, _, err := in.open()
	if err != nil {
		return err
	}
	group, err := feature.GroupAttribute(&panel.Panel{Spec: &m.Spec, Levels: m.Levels})
	if err != nil {
		return err
	}
	s = s.Scope("forecast")
	hrows, hschemas, hlast, _ := beam.ParDo4(s.Scope("read history"), &readFn{In: in}, beam.CreateList(s, shards(cfg.Data)))
	prows, pschemas, _, _ := beam.ParDo4(s.Scope("read plan"), &readFn{In: in, Plan: true}, beam.CreateList(s, shards(cfg.Plan)))
	last := stats.Max(s, hlast)
	series := beam.CoGroupByKey(s, hrows, prows)
	groups := beam.ParDo(s.Scope("series"), &seriesFn{Group: group, Name: groupName(m, group), Levels: groupLevels(m, group)}, series, beam.SideInput{Input: hschemas})
	lines, headers := beam.ParDo2(s.Scope("score"), &scoreFn{In: in, Out: cfg.Out}, beam.GroupByKey(s, groups),
		beam.SideInput{Input: hschemas}, beam.SideInput{Input: pschemas}, beam.SideInput{Input: last})
	beam.ParDo0(s.Scope("write"), &writeFn{Out: cfg.Out}, beam.GroupByKey(s, beam.AddFixedKey(s, lines)), beam.SideInput{Input: filter.Distinct(s, headers)})
	return nil
}

func groupName(m *forecast.Model, group int) string {
	if group < 0 {
		return ""
	}
	return m.Spec.Static[group]
}

func groupLevels(m *forecast.Model, group int) []string {
	if group < 0 || group >= len(m.Levels) {
		return nil
	}
	return m.Levels[group]
}

// seriesFn keys a series' rows by its cannibalisation group: the level of
// the model's group attribute in the series' last history row that has
// one (as the panel takes static attributes). A series without a level, or
// with one the model never saw, has no peers and is its own key, as is
// every series when the model has no group.
type seriesFn struct {
	Group  int      // index of the group attribute among the spec's statics; -1: none
	Levels []string // the model's levels of the group attribute
	Name   string   // the group attribute's name
}

func (fn *seriesFn) ProcessElement(id string, hist, plan func(*[]byte) bool, hschemas func(*shardSchema) bool, emit func(string, []byte)) error {
	var h, p [][]byte
	var b []byte
	for plan(&b) {
		p = append(p, b)
	}
	if len(p) == 0 {
		return nil // not in the plan: the single-machine scorer skips it too
	}
	for hist(&b) {
		h = append(h, b)
	}
	key := "s\x00" + id
	if fn.Group >= 0 && len(h) > 0 {
		sc, err := sameSchema("history", collect(hschemas))
		if err != nil {
			return err
		}
		if level, ok, err := fn.level(sc, h); err != nil {
			return err
		} else if ok {
			key = "g\x00" + level
		}
	}
	emit(key, bundle(h, p))
	return nil
}

// level returns the series' group level, if it has one the model knows.
func (fn *seriesFn) level(sc schema, h [][]byte) (string, bool, error) {
	level, ok, err := lastLevel(sc, h, fn.Name)
	if err != nil || !ok {
		return "", false, err
	}
	if _, err := strconv.ParseFloat(level, 64); err == nil && sc.kinds[slices.Index(sc.names, fn.Name)] == data.Number {
		return level, true, nil
	}
	_, found := slices.BinarySearch(fn.Levels, level)
	return level, found, nil
}

// lastLevel returns a series' value of a static attribute as the panel
// takes it: the last non-missing value in input order; a number as the
// integer code the panel groups by. ok is false without one.
func lastLevel(sc schema, h [][]byte, name string) (level string, ok bool, err error) {
	f, _, err := decodeFrame("history", sc, h)
	if err != nil {
		return "", false, err
	}
	c := f.Column(name)
	if c == nil {
		return "", false, nil
	}
	for r := f.Rows() - 1; r >= 0; r-- {
		if c.Missing(r) {
			continue
		}
		if c.Kind == data.Number {
			return strconv.Itoa(int(c.Num[r])), true, nil
		}
		return c.Str[r], true, nil
	}
	return "", false, nil
}

func collect[T any](iter func(*T) bool) []T {
	var out []T
	var v T
	for iter(&v) {
		out = append(out, v)
	}
	return out
}

// scoreFn scores one group: its series' history and plan rows, in input
// order, through the model's scorer, with the whole history's last period.
// It emits the output's CSV lines and its header.
type scoreFn struct {
	In  inputs
	Out string

	m *forecast.Model
}

func (fn *scoreFn) Setup() error {
	var err error
	fn.m, _, err = fn.In.open()
	return err
}

func (fn *scoreFn) ProcessElement(key string, bundles func(*[]byte) bool, hschemas, pschemas func(*shardSchema) bool, last int,
	lines, headers func(string)) error {
	var h, p [][]byte
	var b []byte
	var err error
	for bundles(&b) {
		if h, p, err = unbundle(b, h, p); err != nil {
			return err
		}
	}
	hs, ps := collect(hschemas), collect(pschemas)
	hsc, err := sameSchema("history", hs)
	if err != nil {
		return err
	}
	psc, err := sameSchema("plan", ps)
	if err != nil {
		return err
	}
	hist, horig, err := decodeFrame("history", hsc, h)
	if err != nil {
		return err
	}
	plan, porig, err := decodeFrame("plan", psc, p)
	if err != nil {
		return err
	}
	out, err := fn.score(hist, plan, last)
	if err != nil {
		return locate(err, hs, horig, ps, porig)
	}
	var buf bytes.Buffer
	if err := export.WriteCSV(&buf, out); err != nil {
		return err
	}
	text := strings.TrimSuffix(buf.String(), "\n")
	all := strings.Split(text, "\n")
	if len(all) != out.Rows()+1 {
		return fmt.Errorf("forecast of group %q: a cell holds a line break; promocast-beam writes one line per row", strings.TrimPrefix(key, "g\x00"))
	}
	headers(all[0])
	for _, l := range all[1:] {
		lines(l)
	}
	return nil
}

func (fn *scoreFn) score(hist, plan *data.Frame, last int) (*data.Frame, error) {
	if hist.Rows() == 0 {
		// Every plan series lacks history: the scorer names the first.
		hist = nil
	}
	var p *panel.Panel
	var err error
	if hist != nil {
		if p, err = fn.m.Panel(hist); err != nil {
			return nil, err
		}
		p.Last = last
	} else {
		p = &panel.Panel{Spec: &fn.m.Spec, Grid: fn.m.Grid, Levels: fn.m.Levels, Last: last}
	}
	sc, err := fn.m.PanelScorer(p)
	if err != nil {
		return nil, err
	}
	res, err := sc.Forecast(plan)
	if err != nil {
		return nil, err
	}
	return res.Frame(fn.Out)
}

// locate rewrites a row error of a group's frame to name the shard and
// row the row came from.
func locate(err error, hs []shardSchema, horig []origin, ps []shardSchema, porig []origin) error {
	var re *panel.RowError
	if !errors.As(err, &re) || re.Row < 1 {
		return err
	}
	paths := func(list []shardSchema) map[int]string {
		m := map[int]string{}
		for _, s := range list {
			m[s.Shard] = s.Path
		}
		return m
	}
	orig, names := horig, paths(hs)
	if re.File == "plan" {
		orig, names = porig, paths(ps)
	}
	if re.Row > len(orig) {
		return err
	}
	o := orig[re.Row-1]
	located := *re
	located.File, located.Row = names[o.shard], o.row+1
	return &located
}

// writeFn writes every output line, sorted, under the one header all
// groups wrote, atomically.
type writeFn struct {
	Out string
}

func (fn *writeFn) ProcessElement(_ int, lines func(*string) bool, headers func(*string) bool) error {
	all := collect(lines)
	slices.Sort(all)
	hs := collect(headers)
	if len(hs) == 0 {
		return errors.New("no forecast rows")
	}
	for _, h := range hs[1:] {
		if h != hs[0] {
			return fmt.Errorf("groups wrote different columns: %q and %q", hs[0], h)
		}
	}
	var buf bytes.Buffer
	buf.Grow(len(hs[0]) + 1 + len(all)*(len(hs[0])+1))
	buf.WriteString(hs[0])
	buf.WriteByte('\n')
	for _, l := range all {
		buf.WriteString(l)
		buf.WriteByte('\n')
	}
	return export.WriteBytes(fn.Out, buf.Bytes())
}
