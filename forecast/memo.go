package forecast

import (
	"math"
	"sync/atomic"

	"promocast/data"
	"promocast/model"
)

// baselineMemo remembers the predictor's output for the latest baseline
// row of each series and period. Plans that differ only in their levers —
// what-if sweeps, an optimiser's candidates, one row asked again — share
// their baseline rows, and a row's prediction depends on that row alone
// (as decompose also relies on), so a remembered output is used when the
// row holds the same bits and the result is that of predicting again.
// It holds a fixed number of slots, one entry each, so memory stays flat
// however many plans are scored; it is safe for concurrent use.
type baselineMemo struct {
	slots []atomic.Pointer[memoEntry]
	first int // the first period a plan row may have
	span  int // periods a plan row may be ahead of the history
}

// memoEntry is one remembered prediction; entries are never changed.
type memoEntry struct {
	series, period int
	row            []float64
	raw            float64 // the predictor's output, before the scale
}

// maxMemoSlots bounds the memo: with 60 features a full memo holds about
// 2 MB.
const maxMemoSlots = 1 << 12

// newBaselineMemo returns a memo for plans of series series whose rows lie
// in periods first .. first+span-1; other rows are predicted every time.
func newBaselineMemo(series, first, span int) *baselineMemo {
	n := 1
	for n < series*span && n < maxMemoSlots {
		n *= 2
	}
	return &baselineMemo{slots: make([]atomic.Pointer[memoEntry], n), first: first, span: span}
}

// slot returns the slot of a series and period, nil for a period the memo
// does not cover.
func (bm *baselineMemo) slot(series, period int) *atomic.Pointer[memoEntry] {
	ahead := period - bm.first
	if ahead < 0 || ahead >= bm.span {
		return nil
	}
	return &bm.slots[(series*bm.span+ahead)&(len(bm.slots)-1)]
}

// predict returns Predict(pred, X, scales) for baseline rows of the given
// series and periods, predicting only the rows the memo does not hold and
// that differ from their plan row: the plan's features XF with the same
// scales predicted as forecast (a plan row with its levers off is its own
// baseline row).
func (bm *baselineMemo) predict(pred model.Predictor, series, periods []int, X *data.Matrix, scales []float64, XF *data.Matrix, forecast []float64) ([]float64, error) {
	out := make([]float64, X.Rows)
	var miss []int
	for i := range out {
		if sameBits(X.Row(i), XF.Row(i)) {
			out[i] = forecast[i]
			continue
		}
		if e := bm.slot(series[i], periods[i]); e != nil {
			if h := e.Load(); h != nil && h.series == series[i] && h.period == periods[i] && sameBits(h.row, X.Row(i)) {
				out[i] = math.Max(0, h.raw*scales[i])
				continue
			}
		}
		miss = append(miss, i)
	}
	if len(miss) == 0 {
		return out, nil
	}
	sub := X
	if len(miss) < X.Rows {
		sub = data.NewMatrix(len(miss), X.Cols)
		for j, i := range miss {
			copy(sub.Row(j), X.Row(i))
		}
	}
	raw := make([]float64, len(miss))
	if err := pred.Predict(sub, raw); err != nil {
		return nil, err
	}
	for j, i := range miss {
		out[i] = math.Max(0, raw[j]*scales[i])
		if e := bm.slot(series[i], periods[i]); e != nil {
			e.Store(&memoEntry{series: series[i], period: periods[i], row: append([]float64(nil), X.Row(i)...), raw: raw[j]})
		}
	}
	return out, nil
}
