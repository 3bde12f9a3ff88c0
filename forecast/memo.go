package forecast

import (
	"math"
	"sync/atomic"

	"promocast/data"
	"promocast/model"
)

// predictionMemo remembers a predictor's output for recent feature rows,
// keyed by the rows' values. Plans that differ only in their levers —
// what-if sweeps, an optimiser's candidates, a pricing system asking for
// one row at several prices — share their baseline rows, and a row's
// prediction depends on that row alone (as decompose also relies on), so a
// remembered output is used when a row holds the same bits and the result
// is that of predicting again. It holds a fixed number of slots, one entry
// each, so memory stays flat however many plans are scored; it is safe
// for concurrent use. A nil memo remembers nothing.
type predictionMemo struct {
	slots []atomic.Pointer[memoEntry]
}

// memoEntry is one remembered prediction; entries are never changed.
type memoEntry struct {
	row []float64
	raw float64 // the predictor's output
}

// memoSlots is the number of rows a memo holds: with 60 features a full
// memo holds about 2 MB.
const memoSlots = 1 << 12

func newPredictionMemo() *predictionMemo {
	return &predictionMemo{slots: make([]atomic.Pointer[memoEntry], memoSlots)}
}

// slot returns the slot of a row: the top bits of a hash of its values.
func (pm *predictionMemo) slot(row []float64) *atomic.Pointer[memoEntry] {
	h := uint64(0x9e3779b97f4a7c15)
	for _, v := range row {
		h = mix(h ^ math.Float64bits(v))
	}
	return &pm.slots[h>>52] // memoSlots = 1 << 12
}

// mix is the finaliser of MurmurHash3: every bit of x moves about half of
// the result's bits.
func mix(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	return x ^ x>>33
}

// predict writes pred's output for each row of X into out, predicting
// only the rows the memo does not hold, in one batch.
func (pm *predictionMemo) predict(pred model.Predictor, X *data.Matrix, out []float64) error {
	if pm == nil {
		return pred.Predict(X, out)
	}
	var miss []int
	var slots []*atomic.Pointer[memoEntry] // the missed rows' slots
	for i := range out {
		slot := pm.slot(X.Row(i))
		if h := slot.Load(); h != nil && len(h.row) == X.Cols && sameBits(h.row, X.Row(i)) {
			out[i] = h.raw
			continue
		}
		miss, slots = append(miss, i), append(slots, slot)
	}
	if len(miss) == 0 {
		return nil
	}
	sub, raw := X, out
	if len(miss) < X.Rows {
		sub, raw = data.NewMatrix(len(miss), X.Cols), make([]float64, len(miss))
		for j, i := range miss {
			copy(sub.Row(j), X.Row(i))
		}
	}
	if err := pred.Predict(sub, raw); err != nil {
		return err
	}
	for j, i := range miss {
		out[i] = raw[j]
		slots[j].Store(&memoEntry{row: append([]float64(nil), X.Row(i)...), raw: raw[j]})
	}
	return nil
}

// baseline returns Predict(pred, X, scales) for baseline rows X through
// the memo, taking a row the same as its plan row of XF from the plan's
// forecast (a plan row with its levers off is its own baseline row).
func (pm *predictionMemo) baseline(pred model.Predictor, X *data.Matrix, scales []float64, XF *data.Matrix, forecast []float64) ([]float64, error) {
	out := make([]float64, X.Rows)
	var rows []int
	for i := range out {
		if sameBits(X.Row(i), XF.Row(i)) {
			out[i] = forecast[i]
		} else {
			rows = append(rows, i)
		}
	}
	if len(rows) == 0 {
		return out, nil
	}
	sub := data.NewMatrix(len(rows), X.Cols)
	for j, i := range rows {
		copy(sub.Row(j), X.Row(i))
	}
	raw := make([]float64, len(rows))
	if err := pm.predict(pred, sub, raw); err != nil {
		return nil, err
	}
	for j, i := range rows {
		out[i] = math.Max(0, raw[j]*scales[i])
	}
	return out, nil
}
