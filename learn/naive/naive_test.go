package naive

import (
	"math"
	"testing"

	"promocast/data"
	"promocast/model"
)

func TestSeasonalNaiveFallsBack(t *testing.T) {
	features := []model.Feature{{Name: "lag_3"}, {Name: "lag_year"}, {Name: "mean_4"}, {Name: "mean_13"}, {Name: "mean_52"}}
	m, err := SeasonalNaive(features)
	if err != nil {
		t.Fatal(err)
	}
	nan := math.NaN()
	X := &data.Matrix{Rows: 3, Cols: 5, Values: []float64{
		1, 2, 3, 4, 5,
		1, nan, 3, 4, 5,
		1, nan, 3, 4, nan,
	}}
	out := make([]float64, 3)
	if err := m.Predict(X, out); err != nil {
		t.Fatal(err)
	}
	if want := []float64{2, 5, 1}; out[0] != want[0] || out[1] != want[1] || out[2] != want[2] {
		t.Fatalf("predictions %v, want %v", out, want)
	}
	ma, err := MovingAverage(features)
	if err != nil {
		t.Fatal(err)
	}
	if err := ma.Predict(X, out); err != nil {
		t.Fatal(err)
	}
	if out[0] != 4 {
		t.Fatalf("moving average reads %s: got %v, want 4", ma.Column, out[0])
	}
	if err := m.Predict(&data.Matrix{Rows: 1, Cols: 2, Values: []float64{1, 2}}, out[:1]); err == nil {
		t.Fatal("a matrix with the wrong width was accepted")
	}
}

func TestSeasonalNaiveWithoutSeasonIsNaive(t *testing.T) {
	m, err := SeasonalNaive([]model.Feature{{Name: "lag_3"}, {Name: "lag_4"}, {Name: "mean_4"}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Column != "lag_3" {
		t.Fatalf("without a seasonal lag the seasonal naive reads %s, want the latest lag lag_3", m.Column)
	}
	if _, err := SeasonalNaive([]model.Feature{{Name: "mean_4"}}); err == nil {
		t.Fatal("expected an error without a seasonal lag or any lag")
	}
}
