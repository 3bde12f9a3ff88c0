package gbdt

import (
	"testing"

	"promocast/model"
)

// BenchmarkTrain trains 20 rounds on 100,000 × 20 with the settings of
// the XGBoost comparison (depth 8, 255 leaves, 255 bins) and reports the
// time per row per round.
func BenchmarkTrain(b *testing.B) {
	ds := friedman(100_000, 20, 1, 1)
	p := Params{Rounds: 20, MaxDepth: 8, MaxLeaves: 255, Bins: 255, LearningRate: 0.1}
	b.ResetTimer()
	for b.Loop() {
		if _, err := Train(ds, nil, p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(ds.X.Rows*p.Rounds), "ns/row/round")
}

func benchPredict(b *testing.B, rows int) {
	ds := friedman(20_000, 20, 1, 1)
	m, err := Train(ds, nil, Params{Rounds: 100, MaxDepth: 8, MaxLeaves: 255})
	if err != nil {
		b.Fatal(err)
	}
	X := friedman(rows, 20, 1, 2).X
	out := make([]float64, rows)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := m.Predict(X, out); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(rows), "ns/row")
}

// BenchmarkPredictRow scores one row at a time with 100 trees of 255
// leaves, as a server does; it allocates nothing.
func BenchmarkPredictRow(b *testing.B) { benchPredict(b, 1) }

// BenchmarkPredictBatch scores 1,000 rows with 100 trees of 255 leaves on
// one goroutine; it allocates nothing.
func BenchmarkPredictBatch(b *testing.B) { benchPredict(b, 1000) }

// BenchmarkPredictLarge scores 100,000 rows in parallel row blocks.
func BenchmarkPredictLarge(b *testing.B) { benchPredict(b, 100_000) }

// BenchmarkTrainWide trains 10 rounds on 200,000 × 50, the shape of the
// XGBoost comparison scaled down, on 2 threads.
func BenchmarkTrainWide(b *testing.B) {
	ds := friedman(200_000, 50, 1, 1)
	p := Params{Rounds: 10, MaxDepth: 8, MaxLeaves: 255, Threads: 2}
	for b.Loop() {
		if _, err := Train(ds, nil, p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(ds.X.Rows*p.Rounds), "ns/row/round")
}

// BenchmarkSHAPVersus attributes 1,000 rows against references that
// differ in 3 of 20 features, with 100 trees of 255 leaves, on one
// goroutine per block of rows.
func BenchmarkSHAPVersus(b *testing.B) {
	ds := friedman(20_000, 20, 1, 1)
	m, err := Train(ds, nil, Params{Rounds: 100, MaxDepth: 8, MaxLeaves: 255})
	if err != nil {
		b.Fatal(err)
	}
	X := friedman(1000, 20, 1, 2).X
	Z := friedman(1000, 20, 1, 2).X
	for i := range Z.Rows {
		for _, j := range []int{0, 3, 7} {
			Z.Set(i, j, 1-Z.At(i, j))
		}
	}
	out := make([]float64, X.Rows*X.Cols)
	b.ResetTimer()
	for b.Loop() {
		if err := m.SHAPVersus(X, Z, out); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(X.Rows), "ns/row")
}

// BenchmarkPredictCodes scores 100,000 held-out rows of 44 features, a
// categorical one among them, from their codes and from their values with
// 60 trees of depth 6 and 31 leaves: the effect model's cross-fitting.
func BenchmarkPredictCodes(b *testing.B) {
	ds := friedman(100_000, 44, 1, 1)
	ds.Features[43] = model.Feature{Name: "code", Categorical: true, Levels: 50}
	held := friedman(100_000, 44, 1, 2)
	for i := 0; i < ds.X.Rows; i++ {
		ds.X.Row(i)[43], held.X.Row(i)[43] = float64(i%50), float64((i*7)%50)
	}
	p := Params{Rounds: 60, MaxDepth: 6, MaxLeaves: 31, Seed: 7}
	bx, err := Bin(ds.X, ds.Features, p)
	if err != nil {
		b.Fatal(err)
	}
	m, err := TrainBinned(bx, ds, nil, p)
	if err != nil {
		b.Fatal(err)
	}
	codes, err := bx.Codes(held.X)
	if err != nil {
		b.Fatal(err)
	}
	out := make([]float64, held.X.Rows)
	b.Run("codes", func(b *testing.B) {
		for b.Loop() {
			if err := m.PredictCodes(codes, out); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(out)), "ns/row")
	})
	b.Run("values", func(b *testing.B) {
		for b.Loop() {
			if err := m.Predict(held.X, out); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(out)), "ns/row")
	})
}
