package modelfile

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"promocast/data"
	"promocast/feature"
	"promocast/forecast"
	"promocast/learn/naive"
	"promocast/model"
	"promocast/panel"
	"promocast/spec"
)

func sample(t *testing.T) *Forecast {
	t.Helper()
	sp, err := spec.Parse([]byte("time: {column: week, frequency: week}\nkeys: [sku]\ntarget: units\npromotion: {price: {off: regular}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	features := []model.Feature{{Name: "lag_year"}, {Name: "mean_52"}, {Name: "price_discount", Monotone: 1}}
	pred, err := naive.SeasonalNaive(features)
	if err != nil {
		t.Fatal(err)
	}
	return &Forecast{Model: &forecast.Model{Kind: "seasonal_naive", Spec: *sp, Grid: panel.Grid{Frequency: spec.Week, Anchor: 3},
		Levels: [][]string{}, Features: features, Horizon: 2, Gap: 1, TrainFirst: "2021-01-06", TrainLast: "2022-01-05",
		Rows: 100, Series: 2, Predictor: pred}, Metrics: map[string]float64{"backtest_wape": 0.25}}
}

func TestRoundTripIsByteIdentical(t *testing.T) {
	b, err := Encode(sample(t))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Decode(b, "m.json")
	if err != nil {
		t.Fatal(err)
	}
	b2, err := Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, b2) {
		t.Fatalf("re-encoding changed the bytes:\n%s\n%s", b, b2)
	}
	if f.Metrics["backtest_wape"] != 0.25 || f.Model.Predictor.(*naive.Model).Column != "lag_year" {
		t.Fatalf("decoded %+v", f)
	}
}

// TestVersion1StillLoads reads a model file written by version 1 of the
// format and checked in: later encoders must keep reading it (it is not
// rewritten: it is what an earlier build wrote). A file written now is
// version 4 and says so when read.
func TestVersion1StillLoads(t *testing.T) {
	f, err := Read(filepath.Join("testdata", "v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Version != 1 || f.Model.Kind != "seasonal_naive" || f.Model.Horizon != 2 || len(f.Model.Features) != 3 {
		t.Fatalf("loaded version %d: %+v", f.Version, f.Model)
	}
	b, err := Encode(sample(t))
	if err != nil {
		t.Fatal(err)
	}
	g, err := Decode(b, "new.json")
	if err != nil {
		t.Fatal(err)
	}
	if g.Version != Version || Version != 4 {
		t.Fatalf("a file written now reads as version %d (Version %d)", g.Version, Version)
	}
}

func TestDamagedFilesAreRefused(t *testing.T) {
	good, err := Encode(sample(t))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"edited body", bytes.Replace(good, []byte(`"horizon":2`), []byte(`"horizon":3`), 1), "checksum mismatch"},
		{"truncated", good[:len(good)/2], "not a promocast model file"},
		{"other format", bytes.Replace(good, []byte(`"promocast-model"`), []byte(`"onnx"`), 1), `format is "onnx"`},
		{"future version", bytes.Replace(good, []byte(fmt.Sprintf(`"version":%d`, Version)), []byte(`"version":9`), 1), "version 9"},
		{"empty", nil, "not a promocast model file"},
	}
	for _, c := range cases {
		_, err := Decode(c.b, "m.json")
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "m.json") {
			t.Errorf("%s: error %v, want one naming m.json and containing %q", c.name, err, c.want)
		}
	}
}

func TestWriteIsAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := sample(t)
	bad.Model.Predictor = unmarshalable{}
	if err := Write(path, bad); err == nil {
		t.Fatal("writing an unencodable model succeeded")
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Fatalf("a failed write changed the file to %q", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("a failed write left %d files", len(entries))
	}
}

type unmarshalable struct{}

func (unmarshalable) Predict(*data.Matrix, []float64) error { return nil }
func (unmarshalable) MarshalJSON() ([]byte, error)          { return nil, os.ErrInvalid }

// TestVersion4FieldsRoundTrip checks that what version 4 added — weeks
// dated by their last day, known columns read as missing in some series,
// each series' own price by name — is read back as written.
func TestVersion4FieldsRoundTrip(t *testing.T) {
	f := sample(t)
	f.Model.Grid.Ends = true
	f.Model.Config.Restated = map[string][]string{"rival": {"a", "b"}}
	f.Model.Config.OwnPrice = &feature.OwnPrice{Columns: []string{"price1", "price2"}, Key: 0, Prefix: "price"}
	b, err := Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	g, err := Decode(b, "v4.json")
	if err != nil {
		t.Fatal(err)
	}
	m := g.Model
	if !m.Grid.Ends || !slices.Equal(m.Config.Restated["rival"], []string{"a", "b"}) || m.Config.OwnPrice == nil ||
		m.Config.OwnPrice.Prefix != "price" || !slices.Equal(m.Config.OwnPrice.Columns, []string{"price1", "price2"}) {
		t.Errorf("read back grid %+v, restated %v, own price %+v", m.Grid, m.Config.Restated, m.Config.OwnPrice)
	}
}
