package pipeline

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"promocast/dataset"
	"promocast/forecast"
	"promocast/modelfile"
	"promocast/train"
)

func init() {
	register.DoFn4x1[string, func(*[]byte) bool, func(*shardSchema) bool, func(string, seriesRows), error](&stratumFn{})
	register.DoFn4x1[string, func(*seriesRows) bool, func(seriesRows), func(int), error](&sampleFn{})
	register.DoFn4x1[int, func(*seriesRows) bool, func(*shardSchema) bool, func(*int) bool, error](&fitSampleFn{})
	register.Emitter2[string, seriesRows]()
	register.Emitter1[seriesRows]()
	register.Iter1[seriesRows]()
	register.Iter1[int]()
}

// SampleConfig names a sampled global training run: one model, trained as
// promocast train trains it, on a deterministic stratified sample of the
// history's series.
type SampleConfig struct {
	Spec     string   // dataset spec
	Data     []string // history shards, in order
	Model    string   // learner (package learn or train's names), e.g. gbdt
	Horizon  int      // periods forecast after the gap, ≥ 1
	Gap      int      // periods between the history's end and the first forecast
	Strata   string   // static attribute whose levels stratify the sample
	Fraction float64  // share of each stratum's series to keep, in (0, 1]
	Seed     uint64   // hash seed: another seed, another sample
	Out      string   // model file to write
}

// TrainSample adds sampled training to scope s: each series is keyed by
// its stratum, each stratum keeps the round(Fraction × n) series (at least
// one) whose keys hash lowest (forecast.Sample), and one worker trains the
// model on the sample's rows, in input order, with promocast train's
// pipeline (calibration and the effect model included). The model file
// records the sample.
func TrainSample(s beam.Scope, cfg SampleConfig) error {
	if cfg.Spec == "" || len(cfg.Data) == 0 || cfg.Out == "" || cfg.Strata == "" || cfg.Model == "" {
		return fmt.Errorf("a sampled training run needs a spec, history shards, a model, a strata attribute and an output")
	}
	if !(cfg.Fraction > 0 && cfg.Fraction <= 1) {
		return fmt.Errorf("--sample %v: expected a share of the series in (0, 1]", cfg.Fraction)
	}
	ds, err := dataset.Open(cfg.Spec)
	if err != nil {
		return err
	}
	if !slices.Contains(ds.Spec.Static, cfg.Strata) {
		return fmt.Errorf("--strata %q: expected one of the spec's static attributes %v", cfg.Strata, ds.Spec.Static)
	}
	s = s.Scope("sample")
	rows, schemas, _, _ := beam.ParDo4(s.Scope("read history"), &readFn{In: inputs{Spec: cfg.Spec}}, beam.CreateList(s, shards(cfg.Data)))
	strata := beam.ParDo(s.Scope("stratum"), &stratumFn{Name: cfg.Strata}, beam.GroupByKey(s, rows), beam.SideInput{Input: schemas})
	chosen, counts := beam.ParDo2(s.Scope("choose"), &sampleFn{Fraction: cfg.Fraction, Seed: cfg.Seed}, beam.GroupByKey(s, strata))
	beam.ParDo0(s.Scope("fit"), &fitSampleFn{Config: cfg}, beam.GroupByKey(s, beam.AddFixedKey(s, chosen)),
		beam.SideInput{Input: schemas}, beam.SideInput{Input: counts})
	return nil
}

// seriesRows is one series' identity (its key values joined by "|") and
// its history rows, bundled.
type seriesRows struct {
	ID     string
	Bundle []byte
}

// stratumFn keys a series by its stratum, as partitionFn keys it by its
// partition.
type stratumFn struct {
	Name string
}

func (fn *stratumFn) ProcessElement(id string, rows func(*[]byte) bool, schemas func(*shardSchema) bool, emit func(string, seriesRows)) error {
	h, level, err := seriesLevel(id, rows, schemas, fn.Name, "a stratified sample needs every series in a stratum")
	if err != nil {
		return err
	}
	emit(level, seriesRows{ID: strings.ReplaceAll(id, "\x1f", "|"), Bundle: bundle(h, nil)})
	return nil
}

// sampleHash is the series' hash under the seed (see forecast.Sample).
func sampleHash(seed uint64, id string) uint64 {
	h := fnv.New64a()
	h.Write(binary.LittleEndian.AppendUint64(nil, seed))
	h.Write([]byte(id))
	return h.Sum64()
}

// sampleFn keeps a stratum's round(Fraction × n) lowest-hashing series (at
// least one) and emits the stratum's size.
type sampleFn struct {
	Fraction float64
	Seed     uint64
}

func (fn *sampleFn) ProcessElement(_ string, series func(*seriesRows) bool, emit func(seriesRows), count func(int)) error {
	all := collect(series)
	slices.SortFunc(all, func(a, b seriesRows) int {
		ha, hb := sampleHash(fn.Seed, a.ID), sampleHash(fn.Seed, b.ID)
		switch {
		case ha < hb:
			return -1
		case ha > hb:
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
	k := max(1, int(math.Round(fn.Fraction*float64(len(all)))))
	for _, sr := range all[:min(k, len(all))] {
		emit(sr)
	}
	count(len(all))
	return nil
}

// fitSampleFn trains the model on the sampled series and writes it.
type fitSampleFn struct {
	Config SampleConfig
}

func (fn *fitSampleFn) ProcessElement(_ int, series func(*seriesRows) bool, schemas func(*shardSchema) bool, counts func(*int) bool) error {
	cfg := fn.Config
	ds, err := dataset.Open(cfg.Spec)
	if err != nil {
		return err
	}
	var h [][]byte
	n := 0
	for _, sr := range collect(series) {
		if h, _, err = unbundle(sr.Bundle, h, nil); err != nil {
			return err
		}
		n++
	}
	sc, err := sameSchema("history", collect(schemas))
	if err != nil {
		return err
	}
	hist, _, err := decodeFrame("history", sc, h)
	if err != nil {
		return err
	}
	fopt, err := ds.TrainOptions(cfg.Horizon, cfg.Gap)
	if err != nil {
		return err
	}
	res, err := train.Run(hist, ds.Spec, train.Options{Forecast: fopt, Model: cfg.Model})
	if err != nil {
		return fmt.Errorf("sample of %d series: %w", n, err)
	}
	of := 0
	for _, c := range collect(counts) {
		of += c
	}
	file := res.File()
	file.Model.Sample = &forecast.Sample{Strata: cfg.Strata, Fraction: cfg.Fraction, Seed: cfg.Seed, Series: n, Of: of}
	return modelfile.Write(cfg.Out, file)
}
