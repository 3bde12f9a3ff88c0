package recommend

import (
	"fmt"
	"os"

	"promocast/data"
	"promocast/export"
)

// WriteModel writes m to path as JSON, atomically.
func WriteModel(path string, m *Model) error {
	b, err := MarshalModel(m)
	if err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	return export.WriteBytes(path, b)
}

// ReadModel reads a model file written by WriteModel.
func ReadModel(path string) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	return UnmarshalModel(b, path)
}

// RecommendationFrame lays recommendations out as a table, one row per
// customer and item: customer, rank (1 = most likely), item, probability
// and kind ("repeat" or "new").
func RecommendationFrame(recs []Recommendation) (*data.Frame, error) {
	cust := &data.Column{Name: "customer", Kind: data.String}
	rank := &data.Column{Name: "rank", Kind: data.Number}
	item := &data.Column{Name: "item", Kind: data.String}
	prob := &data.Column{Name: "probability", Kind: data.Number}
	kind := &data.Column{Name: "kind", Kind: data.String}
	for _, r := range recs {
		for i, p := range r.Items {
			cust.Str = append(cust.Str, r.Customer)
			rank.Num = append(rank.Num, float64(i+1))
			item.Str = append(item.Str, p.Item)
			prob.Num = append(prob.Num, p.Probability)
			k := "new"
			if p.Repeat {
				k = "repeat"
			}
			kind.Str = append(kind.Str, k)
		}
	}
	return data.NewFrame("recommendations", []*data.Column{cust, rank, item, prob, kind})
}

// WriteRecommendations writes recommendations to path (.csv, .csv.gz,
// .parquet or .json, as export.Write), atomically.
func WriteRecommendations(path string, recs []Recommendation) error {
	f, err := RecommendationFrame(recs)
	if err != nil {
		return err
	}
	return export.Write(path, f)
}
