package nn

import (
	"fmt"
	"runtime"
	"sync"

	"promocast/data"
	"promocast/model"
)

// Model is a trained network. It implements model.Predictor and
// marshals to JSON (see the package documentation for the layout). A Model
// is safe for concurrent use by Predict.
type Model struct {
	// Features are the columns Predict expects, as in the training set.
	Features []model.Feature
	// Params are the training params with defaults filled in.
	Params Params
	// Target maps the network's output to a prediction.
	Target Target
	// Info reports how training went.
	Info FitInfo

	cols  []column
	theta []float64
	enc   *encoder
	nt    *net
}

// Predict writes one prediction per row of X into out: the predicted
// target (the mean for the Poisson loss, the quantile for the quantile
// loss) or, for the logistic loss, the probability of 1.
func (m *Model) Predict(X *data.Matrix, out []float64) error {
	if m.nt == nil {
		return fmt.Errorf("nn: model is not trained")
	}
	if X == nil {
		return fmt.Errorf("nn: no feature matrix")
	}
	if err := X.Check(len(m.Features)); err != nil {
		return fmt.Errorf("nn: %w", err)
	}
	if len(out) != X.Rows {
		return fmt.Errorf("nn: %d rows but room for %d predictions", X.Rows, len(out))
	}
	chunks := (X.Rows + chunkRows - 1) / chunkRows
	threads := min(runtime.GOMAXPROCS(0), chunks)
	var wg sync.WaitGroup
	for t := 0; t < threads; t++ {
		wg.Go(func() {
			b := m.nt.newBuffers(chunkRows, false, false)
			for c := t; c < chunks; c += threads {
				m.predictChunk(b, X, c*chunkRows, min(X.Rows, (c+1)*chunkRows), out)
			}
		})
	}
	wg.Wait()
	return nil
}

// predictChunk predicts rows lo..hi-1 of X into out using scratch b.
func (m *Model) predictChunk(b *buffers, X *data.Matrix, lo, hi int, out []float64) {
	nt := m.nt
	in, ncat := nt.sizes[0], len(nt.levels)
	b.rows = hi - lo
	for r := 0; r < b.rows; r++ {
		m.enc.encode(X.Row(lo+r), b.codes[r*ncat:(r+1)*ncat], b.acts[0][r*in+nt.emb:(r+1)*in])
	}
	nt.forward(m.theta, b, nil, 0)
	for r := 0; r < b.rows; r++ {
		out[lo+r] = m.Target.predict(m.Params.Loss, b.score[r])
	}
}
