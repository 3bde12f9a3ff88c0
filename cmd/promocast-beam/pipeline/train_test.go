package pipeline

import (
	"bytes"
	"cmp"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"promocast/data"
	"promocast/dataset"
	"promocast/ensemble"
	"promocast/export"
	"promocast/forecast"
	"promocast/learn"
	"promocast/learn/route"
	"promocast/model"
	"promocast/modelfile"
	"promocast/panel"
	"promocast/synth"
	"promocast/train"
)

// keepRows returns f's rows where ok holds.
func keepRows(t *testing.T, f *data.Frame, ok func(r int) bool) *data.Frame {
	t.Helper()
	cols := make([]*data.Column, len(f.Columns))
	for k, c := range f.Columns {
		cols[k] = &data.Column{Name: c.Name, Kind: c.Kind}
		for r := range f.Rows() {
			if !ok(r) {
				continue
			}
			if c.Kind == data.String {
				cols[k].Str = append(cols[k].Str, c.Str[r])
			} else {
				cols[k].Num = append(cols[k].Num, c.Num[r])
			}
		}
	}
	out, err := data.NewFrame(f.Source, cols)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPartitionedTraining(t *testing.T) {
	dir, shop := t.TempDir(), shopDir
	spec := filepath.Join(dir, "spec.yaml")
	if err := export.WriteBytes(spec, []byte(synth.Spec())); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "partitioned.json")
	cfg := TrainConfig{Spec: spec, Data: split(t, filepath.Join(shop, "history.csv"), 3, dir), Model: "gbdt", Horizon: 14, Partition: "category", Out: out}
	if err := runPipeline(t, func(s beam.Scope) error { return Train(s, cfg) }); err != nil {
		t.Fatal(err)
	}

	// promocast forecast reads the file and scores the plan with it.
	mf, err := modelfile.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	r, ok := mf.Model.Predictor.(*route.Model)
	if !ok || mf.Model.Kind != route.Kind || len(r.Parts) != 3 {
		t.Fatalf("model kind %q, predictor %T: expected a partitioned model of 3 categories", mf.Model.Kind, mf.Model.Predictor)
	}
	ds, _ := dataset.Open(spec)
	hist, err := ds.History(filepath.Join(shop, "history.csv"))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := ds.Plan(filepath.Join(shop, "plan.csv"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := mf.Model.Forecast(hist, plan)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Forecast) != plan.Rows() {
		t.Fatalf("%d forecasts for %d plan rows", len(res.Forecast), plan.Rows())
	}

	// Each partition's model is the one promocast trains on that
	// partition alone (on the whole panel's grid and levels, with every
	// built-in event inside its dates): same bytes.
	whole, err := panel.Build(hist, ds.Spec, panel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	part := r.Parts[1]
	cat := hist.Column("category")
	alone := keepRows(t, hist, func(i int) bool { return cat.Str[i] == part.Level })
	p, err := panel.Build(alone, ds.Spec, panel.Options{Grid: &whole.Grid, Levels: whole.Levels})
	if err != nil {
		t.Fatal(err)
	}
	opt := forecast.TrainOptions{Kind: "gbdt", Horizon: 14, NoEventScreen: true}
	pr, err := forecast.Prepare(p, opt)
	if err != nil {
		t.Fatal(err)
	}
	fit, _ := ensemble.New("gbdt", learn.Options{})
	m, err := pr.Train(opt, p.Last, fit)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(m.Predictor)
	got, _ := json.Marshal(part.Predictor)
	if !bytes.Equal(want, got) {
		t.Errorf("partition %q: the routed model's part differs from the model trained on the partition alone", part.Level)
	}
	// The file is deterministic.
	b1, _ := os.ReadFile(out)
	cfg.Out = filepath.Join(dir, "again.json")
	if err := runPipeline(t, func(s beam.Scope) error { return Train(s, cfg) }); err != nil {
		t.Fatal(err)
	}
	if b2, _ := os.ReadFile(cfg.Out); !bytes.Equal(b1, b2) {
		t.Error("two runs wrote different model files")
	}
}

func TestSampledTraining(t *testing.T) {
	dir, shop := t.TempDir(), shopDir
	spec := filepath.Join(dir, "spec.yaml")
	if err := export.WriteBytes(spec, []byte(synth.Spec())); err != nil {
		t.Fatal(err)
	}
	cfg := SampleConfig{Spec: spec, Data: split(t, filepath.Join(shop, "history.csv"), 3, dir), Model: "ridge", Horizon: 14,
		Strata: "category", Fraction: 0.3, Seed: 5, Out: filepath.Join(dir, "sampled.json")}
	if err := runPipeline(t, func(s beam.Scope) error { return TrainSample(s, cfg) }); err != nil {
		t.Fatal(err)
	}
	mf, err := modelfile.Read(cfg.Out)
	if err != nil {
		t.Fatal(err)
	}
	ds, _ := dataset.Open(spec)
	hist, err := ds.History(filepath.Join(shop, "history.csv"))
	if err != nil {
		t.Fatal(err)
	}
	// The sample, recomputed here: per category the round(0.3·n) series
	// whose keys hash lowest.
	cat, sku := hist.Column("category"), hist.Column("sku")
	byCat := map[string][]string{}
	seen := map[string]bool{}
	for r := range hist.Rows() {
		if !seen[sku.Str[r]] {
			seen[sku.Str[r]] = true
			byCat[cat.Str[r]] = append(byCat[cat.Str[r]], sku.Str[r])
		}
	}
	chosen := map[string]bool{}
	for _, ids := range byCat {
		slices.SortFunc(ids, func(a, b string) int { return cmp.Compare(sampleHash(5, a), sampleHash(5, b)) })
		for _, id := range ids[:max(1, int(math.Round(0.3*float64(len(ids)))))] {
			chosen[id] = true
		}
	}
	s := mf.Model.Sample
	if s == nil || s.Series != len(chosen) || s.Of != len(seen) || s.Strata != "category" || s.Seed != 5 || mf.Model.Series != len(chosen) {
		t.Fatalf("sample recorded as %+v for %d series (model: %d series); expected %d of %d", s, len(chosen), mf.Model.Series, len(chosen), len(seen))
	}
	// The model is the one promocast train fits on those series' rows.
	sample := keepRows(t, hist, func(r int) bool { return chosen[sku.Str[r]] })
	tr, err := train.Run(sample, ds.Spec, train.Options{Forecast: forecast.TrainOptions{Horizon: 14}, Model: "ridge"})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(tr.Model.Predictor)
	got, _ := json.Marshal(mf.Model.Predictor)
	if !bytes.Equal(want, got) {
		t.Error("the sampled model differs from promocast train on the sample")
	}
}

// TestSameShapeNamesWhatDiffers checks that partitions whose models read
// different features are refused naming that, that their restated columns
// are merged rather than compared, and the union sorted without repeats.
func TestSameShapeNamesWhatDiffers(t *testing.T) {
	a := &forecast.Model{Horizon: 2, Features: []model.Feature{{Name: "lag_1"}, {Name: "price"}}}
	b := *a
	b.Config.Restated = map[string][]string{"rival": {"s2"}}
	if err := sameShape(a, &b, "x"); err != nil {
		t.Errorf("restated columns alone differ: %v", err)
	}
	b.Features = []model.Feature{{Name: "lag_1"}, {Name: "own_price"}}
	if err := sameShape(a, &b, "x"); err == nil || !strings.Contains(err.Error(), `partition "x": its model's features differ`) {
		t.Errorf("features differ: error %v", err)
	}
	got := mergeRestated(map[string][]string{"rival": {"s3", "s1"}}, map[string][]string{"rival": {"s1", "s2"}, "other": {"s9"}})
	if !slices.Equal(got["rival"], []string{"s1", "s2", "s3"}) || !slices.Equal(got["other"], []string{"s9"}) {
		t.Errorf("merged restated %v", got)
	}
}
