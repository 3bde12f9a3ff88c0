package gbdt

import "fmt"

// Importance kinds accepted by Model.Importance and Forest.Importance.
const (
	// ImportanceGain sums the loss reduction of every split on a feature.
	ImportanceGain = "gain"
	// ImportanceSplit counts the splits on a feature.
	ImportanceSplit = "split"
	// ImportanceCover sums the hessian (row weight) covered by the splits
	// on a feature.
	ImportanceCover = "cover"
)

// Importance returns one value per feature: the total gain, split count
// or cover of the splits on it.
func (m *Model) Importance(kind string) ([]float64, error) {
	return importance(m.Trees, len(m.Features), kind)
}

func importance(trees []Tree, nfeat int, kind string) ([]float64, error) {
	switch kind {
	case ImportanceGain, ImportanceSplit, ImportanceCover:
	default:
		return nil, fmt.Errorf("gbdt: unknown importance kind %q: expected gain, split or cover", kind)
	}
	imp := make([]float64, nfeat)
	for ti := range trees {
		t := &trees[ti]
		for i, f := range t.Feature {
			if f < 0 {
				continue
			}
			switch kind {
			case ImportanceGain:
				imp[f] += t.Gain[i]
			case ImportanceSplit:
				imp[f]++
			case ImportanceCover:
				imp[f] += t.Cover[i]
			}
		}
	}
	return imp, nil
}
