// Package nn fits a multilayer perceptron with entity embeddings (the
// "deep global model") to a model.Dataset, in plain Go on flat slices.
//
// # Using it
//
//	m, err := nn.Fit(ds, nn.Params{Epochs: 20, Seed: 1}) // zero fields take defaults
//	if err != nil { ... }
//	out := make([]float64, X.Rows)
//	err = m.Predict(X, out)         // X has ds's feature columns
//	b, err := json.Marshal(m)       // and json.Unmarshal(b, &m2): same predictions
//	fmt.Println(m.Info.BestEpoch)   // the epoch whose weights the model kept
//
// Rows must come in time order (oldest first): the last Params.Validation
// of them (10% by default) are held out and training stops when their loss
// has not improved for Params.Patience epochs, keeping the best epoch's
// weights. Held-out rows are not trained on. Set Validation negative to
// train every row for Params.Epochs epochs.
//
// # The network
//
// Each row becomes an input vector:
//
//   - A categorical feature (codes 0..Levels-1) looks its code up in an
//     embedding table of min(MaxEmbedding, (Levels+1)/2) columns (at least
//     1) and Levels+1 rows; the last row is shared by missing (NaN),
//     non-integer and out-of-range codes, in training and prediction.
//   - A numeric feature is standardised, z = (x − mean)/sd, with the
//     weighted mean and population standard deviation of its finite values
//     in the training rows (sd 1 for a constant feature); a missing (NaN or
//     ±Inf) value becomes 0, and a feature that had missing values in the
//     training rows gets an extra input that is 1 when the value is missing.
//
// The inputs go through Params.Hidden dense ReLU layers (inverted dropout
// after each during training) and a dense layer to one output score s.
//
// # Losses
//
// Weighted by the dataset's weights, each batch minimises Σ wᵢ·ℓᵢ / Σ wᵢ:
//
//	squared   ℓ = ½(s − t)²,   t = (y − Shift)/Scale,  prediction Shift + Scale·s
//	quantile  ℓ = pinball_α(t − s), same t,            prediction Shift + Scale·s
//	poisson   ℓ = exp(s) − y·s,                        prediction exp(s)
//	logistic  ℓ = log(1 + exp(s)) − y·s,               prediction sigmoid(s)
//
// Shift and Scale (Model.Target) are the weighted mean and standard
// deviation of the training target, so that the network's output is of
// order 1 for any target units. The output bias starts at the constant
// best prediction. Forecasting panels train on y/scale with weight scale
// (package forecast), which this loss weighting respects.
//
// # Training
//
// Weights start He-normal (embeddings N(0, 0.01²)); AdamW (β = 0.9,
// 0.999) with decoupled weight decay of weights and embeddings (not
// biases) steps along mini-batches of a per-epoch shuffle, with a cosine,
// step or constant learning-rate schedule over Epochs.
//
// # Determinism
//
// The same data, Params and Seed give the same model, byte for byte: the
// package draws its random numbers from its own SplitMix64 streams (one
// for initialisation, one for shuffling, one per chunk of 64 rows of each
// step for dropout), and a batch's gradient is the sum of its chunks'
// gradients in chunk order, whichever goroutine (Params.Threads) computed
// them.
//
// # Speed
//
// Dense layers run as gonum Dgemm calls on chunks of 64 rows; a batch's
// chunks run on Params.Threads goroutines. Inputs are encoded per chunk
// from the dataset's matrix, so training holds no second copy of the data.
// BenchmarkEpoch (52 columns, 4 of them embedded; default network) reports
// rows per second of one epoch.
//
// The network is written here on gonum rather than on GoMLX because GoMLX
// v0.26's pure-Go backend (simplego) trained the same network 23–25×
// slower: bench/gomlx/run.sh measured 4,200–4,300 rows/s against this
// package's 107,000 on an idle 2-core machine (2,500–3,200 against
// 66,000–69,000 under load), about 2 minutes instead of 5 s per epoch of a
// 500,000-row panel. Its profile spent about 80% of
// the time in the broadcast multiply and sum that form dense-layer
// gradients, and 3% in matrix products.
//
// # Model file
//
// MarshalJSON writes one object, version 1:
//
//	kind      "mlp"
//	version   1
//	params    Params with defaults filled in
//	features  the model.Feature of each input column
//	columns   per feature: {mean, sd, missing} (numeric) or {dim} (categorical)
//	layers    layer widths: inputs, hidden..., 1
//	target    {shift, scale}
//	theta     every parameter, flat: the embedding tables in feature order
//	          (row-major, Levels+1 rows of dim), then per dense layer its
//	          weights (one row of fan-in values per output unit) and biases
//	fit       FitInfo: rows, epochs, best epoch, loss per epoch
//
// UnmarshalJSON checks that these parts agree and refuses a file whose
// sizes or values do not.
package nn
