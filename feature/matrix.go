package feature

import (
	"runtime"
	"sync"

	"promocast/data"
	"promocast/panel"
)

// Ref names one series×period row.
type Ref struct {
	Series int // index into the panel's series
	Period int // period ordinal
	// Lag is the lag the row reads targets from, its distance from its
	// forecast origin (Builder.LagFrom, TrainingLag); 0 means MinLag.
	Lag int
}

// Matrix builds the feature rows of refs, in order, and the scale of each.
// A row whose series has no target history at or before its lag cut gets
// scale 0 and NaN features: callers drop such rows from training and report
// them when forecasting. Rows are built in parallel; each row's values do not
// depend on the split, so the result is the same on any number of cores.
func (b *Builder) Matrix(refs []Ref) (*data.Matrix, []float64) {
	X := data.NewMatrix(len(refs), len(b.features))
	scales := make([]float64, len(refs))
	rows := func(lo, hi int) {
		for r := lo; r < hi; r++ {
			row := X.Row(r)
			scale, ok := b.RefRow(refs[r], row)
			if !ok {
				for j := range row {
					row[j] = nan
				}
				scale = 0
			}
			scales[r] = scale
		}
	}
	workers := min(runtime.GOMAXPROCS(0), 1+len(refs)/4096)
	if workers == 1 {
		rows(0, len(refs)) // a plan's few rows: no goroutine to start
		return X, scales
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := w*len(refs)/workers, (w+1)*len(refs)/workers
		wg.Go(func() { rows(lo, hi) })
	}
	wg.Wait()
	return X, scales
}

// Observed lists every series×period of the panel with an observed target,
// series by series in period order.
func Observed(p *panel.Panel) []Ref {
	var refs []Ref
	for si, s := range p.Series {
		for i, y := range s.Y {
			if y == y { // not NaN
				refs = append(refs, Ref{Series: si, Period: s.Start + i})
			}
		}
	}
	return refs
}
