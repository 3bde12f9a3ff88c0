package recommend

import (
	"testing"

	"promocast/internal/shareddata"
)

// BenchmarkFitTaFeng fits the re-ranker on the Ta-Feng history under a
// few settings and reports each one's validation scores: recall@10 and
// NDCG@10 on the validation customers' last history baskets, the only
// scores settings may be chosen on (the held-out next baskets stay unseen).
//
//	go test ./recommend -run '^$' -bench FitTaFeng -benchtime 1x
func BenchmarkFitTaFeng(b *testing.B) {
	path := shareddata.Path(b, "tafeng", "tafeng_history.json.gz")
	h, err := ReadJSONFile(path, NewCatalog())
	if err != nil {
		b.Fatal(err)
	}
	variants := []struct {
		name string
		set  func(*Settings)
	}{
		{"default", func(*Settings) {}},
		{"candidates-30-30-20", func(s *Settings) { s.Candidates = Candidates{FromEASE: 30, FromKNN: 30, Popular: 20} }},
		{"candidates-60-60-40", func(s *Settings) { s.Candidates = Candidates{FromEASE: 60, FromKNN: 60, Popular: 40} }},
		{"learning-rate-0.1", func(s *Settings) { s.Trees.LearningRate = 0.1 }},
		{"leaves-63", func(s *Settings) { s.Trees.MaxLeaves = 63 }},
	}
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			for range b.N {
				var s Settings
				v.set(&s)
				_, rep, err := Fit(h, s)
				if err != nil {
					b.Fatal(err)
				}
				for _, m := range rep.Validation {
					if m.Method == MethodRanker {
						b.ReportMetric(m.Scores[0].Recall, "recall@10")
						b.ReportMetric(m.Scores[0].NDCG, "ndcg@10")
					}
				}
				b.ReportMetric(float64(rep.Rounds), "trees")
			}
		})
	}
}
