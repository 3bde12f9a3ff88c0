package pipeline

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"promocast/data"
	"promocast/dataset"
	"promocast/export"
	"promocast/forecast"
	"promocast/learn"
	"promocast/learn/route"
	"promocast/modelfile"
	"promocast/panel"
	"promocast/synth"
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
	// partition alone (on the whole panel's grid and levels): same bytes.
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
	opt := forecast.TrainOptions{Kind: "gbdt", Horizon: 14}
	pr, err := forecast.Prepare(p, opt)
	if err != nil {
		t.Fatal(err)
	}
	fit, _ := learn.New("gbdt", learn.Options{})
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
