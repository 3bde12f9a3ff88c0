package nn_test

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"promocast/data"
	"promocast/learn/linear"
	"promocast/learn/nn"
	"promocast/metric"
	"promocast/model"
)

// wave returns n rows of y = sin(x1)·x2 + effect of a five-level
// category + noise·N(0, 1), with x1 in (−3, 3), x2 in (−2, 2) and a
// useless third feature.
func wave(n int, noise float64, seed uint64) *model.Dataset {
	rng := rand.New(rand.NewPCG(seed, 1))
	effect := []float64{-1, -0.5, 0, 0.5, 1}
	ds := &model.Dataset{X: data.NewMatrix(n, 4), Y: make([]float64, n),
		Features: []model.Feature{{Name: "x1"}, {Name: "x2"}, {Name: "shop", Categorical: true, Levels: 5}, {Name: "junk"}}}
	for i := 0; i < n; i++ {
		r := ds.X.Row(i)
		r[0] = 6*rng.Float64() - 3
		r[1] = 4*rng.Float64() - 2
		r[2] = float64(rng.IntN(5))
		r[3] = rng.NormFloat64()
		ds.Y[i] = math.Sin(r[0])*r[1] + effect[int(r[2])] + noise*rng.NormFloat64()
	}
	return ds
}

func predict(t *testing.T, p model.Predictor, X *data.Matrix) []float64 {
	t.Helper()
	out := make([]float64, X.Rows)
	if err := p.Predict(X, out); err != nil {
		t.Fatal(err)
	}
	return out
}

func mse(y, f []float64) float64 {
	s := 0.0
	for i := range y {
		s += (y[i] - f[i]) * (y[i] - f[i])
	}
	return s / float64(len(y))
}

// TestLearnsNonLinearFunction fits y = sin(x1)·x2 + shop effect, which a
// linear model cannot represent, and compares test errors: the noise
// variance is 0.01, ridge's error is near the variance of sin(x1)·x2
// (about 0.6), the network's must be far below.
func TestLearnsNonLinearFunction(t *testing.T) {
	train, test := wave(6000, 0.1, 1), wave(2000, 0.1, 2)
	m, err := nn.Fit(train, nn.Params{Epochs: 60, LearningRate: 3e-3, BatchSize: 128, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	lin, err := linear.Fit(train, linear.Params{})
	if err != nil {
		t.Fatal(err)
	}
	got, base := mse(test.Y, predict(t, m, test.X)), mse(test.Y, predict(t, lin, test.X))
	t.Logf("test MSE: mlp %.4f (best epoch %d of %d), ridge %.4f", got, m.Info.BestEpoch, m.Info.Epochs, base)
	if !(base > 0.4) {
		t.Fatalf("ridge MSE %v, expected the linear model to miss the interaction (> 0.4)", base)
	}
	if !(got < 0.1) || !(got < base/5) {
		t.Fatalf("mlp MSE %v, expected < 0.1 and below a fifth of ridge's %v", got, base)
	}
}

// TestClassifies fits the logistic loss to labels drawn from a non-linear
// boundary (a ring) and checks the test AUC and that predictions are
// probabilities.
func TestClassifies(t *testing.T) {
	make := func(n int, seed uint64) *model.Dataset {
		rng := rand.New(rand.NewPCG(seed, 2))
		ds := &model.Dataset{X: data.NewMatrix(n, 3), Y: make([]float64, n),
			Features: []model.Feature{{Name: "u"}, {Name: "v"}, {Name: "colour", Categorical: true, Levels: 3}}}
		for i := 0; i < n; i++ {
			r := ds.X.Row(i)
			r[0], r[1], r[2] = rng.NormFloat64(), rng.NormFloat64(), float64(rng.IntN(3))
			score := r[0]*r[0] + r[1]*r[1] - 1.4 + 0.8*(r[2]-1) + 0.3*rng.NormFloat64()
			if score > 0 {
				ds.Y[i] = 1
			}
		}
		return ds
	}
	train, test := make(4000, 1), make(2000, 2)
	m, err := nn.Fit(train, nn.Params{Loss: nn.LossLogistic, Epochs: 40, LearningRate: 3e-3, BatchSize: 128, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	p := predict(t, m, test.X)
	for i, v := range p {
		if !(v > 0 && v < 1) {
			t.Fatalf("prediction %d is %v, expected a probability", i, v)
		}
	}
	auc, err := metric.AUC(test.Y, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("test AUC %.4f", auc)
	if !(auc > 0.9) {
		t.Fatalf("AUC %v, expected > 0.9", auc)
	}
}

// TestSameSeedSameBytes fits twice, and with a different thread count,
// and expects identical model files; another seed must differ.
func TestSameSeedSameBytes(t *testing.T) {
	ds := wave(1500, 0.1, 3)
	fit := func(p nn.Params) []byte {
		m, err := nn.Fit(ds, p)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	p := nn.Params{Epochs: 4, BatchSize: 200, Seed: 5, Threads: 1}
	a := fit(p)
	if b := fit(p); !bytes.Equal(a, b) {
		t.Fatal("two fits with the same seed differ")
	}
	p.Threads = 3
	if b := fit(p); !bytes.Equal(a, b) {
		t.Fatal("fits with 1 and 3 threads differ")
	}
	p.Seed = 6
	if b := fit(p); bytes.Equal(a, b) {
		t.Fatal("fits with seeds 5 and 6 are identical")
	}
}

// TestStopsEarlyOnNoise trains on a target that is pure noise: the
// validation loss stops improving and training ends well before the epoch
// limit, keeping an earlier epoch's weights.
func TestStopsEarlyOnNoise(t *testing.T) {
	ds := wave(2000, 0, 4)
	rng := rand.New(rand.NewPCG(9, 9))
	for i := range ds.Y {
		ds.Y[i] = rng.NormFloat64()
	}
	m, err := nn.Fit(ds, nn.Params{Epochs: 200, Patience: 3, LearningRate: 1e-2, BatchSize: 64, Schedule: nn.ScheduleConstant, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	info := m.Info
	t.Logf("stopped after %d epochs, kept epoch %d, validation losses %.4f", info.Epochs, info.BestEpoch, info.ValidLoss)
	if !info.Stopped || info.Epochs >= 50 || info.Epochs != info.BestEpoch+3 {
		t.Fatalf("ran %d epochs (best %d, stopped %v), expected to stop 3 epochs after the best, well before 200", info.Epochs, info.BestEpoch, info.Stopped)
	}
	if info.TrainRows != 1800 || info.ValidRows != 200 || len(info.ValidLoss) != info.Epochs {
		t.Fatalf("info %+v, expected 1800 training and 200 validation rows and a loss per epoch", info)
	}
	best := info.ValidLoss[info.BestEpoch-1]
	for e, l := range info.ValidLoss {
		if l < best {
			t.Fatalf("epoch %d has validation loss %v below the kept epoch's %v", e+1, l, best)
		}
	}
}

// TestJSONRoundTrip checks that a reloaded model predicts the same values
// and writes the same bytes, for every loss, including rows with missing
// and unseen values.
func TestJSONRoundTrip(t *testing.T) {
	ds := wave(800, 0.1, 5)
	ds.X.Set(0, 0, math.NaN()) // x1 gets a missing indicator
	probe := wave(50, 0.1, 6)
	probe.X.Set(1, 2, 17)         // unseen category
	probe.X.Set(2, 2, math.NaN()) // missing category
	probe.X.Set(3, 0, math.NaN())
	for _, loss := range []string{nn.LossSquared, nn.LossPoisson, nn.LossQuantile, nn.LossLogistic} {
		d := *ds
		d.Y = make([]float64, len(ds.Y))
		for i, y := range ds.Y {
			switch loss {
			case nn.LossPoisson:
				d.Y[i] = math.Round(math.Exp(y / 2))
			case nn.LossLogistic:
				d.Y[i] = math.Max(0, math.Copysign(1, y))
			default:
				d.Y[i] = y
			}
		}
		m, err := nn.Fit(&d, nn.Params{Loss: loss, Epochs: 3, Seed: 1})
		if err != nil {
			t.Fatalf("%s: %v", loss, err)
		}
		raw, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var back nn.Model
		if err := json.Unmarshal(raw, &back); err != nil {
			t.Fatalf("%s: %v", loss, err)
		}
		a, b := predict(t, m, probe.X), predict(t, &back, probe.X)
		for i := range a {
			if a[i] != b[i] || math.IsNaN(a[i]) {
				t.Fatalf("%s: prediction %d is %v before and %v after a round trip", loss, i, a[i], b[i])
			}
		}
		again, err := json.Marshal(&back)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(raw, again) {
			t.Fatalf("%s: re-encoding a decoded model changed its bytes", loss)
		}
	}
}

// TestRejectsBadInput checks that bad params, data and files give errors
// that say what was wrong.
func TestRejectsBadInput(t *testing.T) {
	ds := wave(100, 0.1, 7)
	bad := func(name string, ds *model.Dataset, p nn.Params, want string) {
		t.Helper()
		_, err := nn.Fit(ds, p)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, expected one mentioning %q", name, err, want)
		}
	}
	bad("nil dataset", nil, nn.Params{}, "no dataset")
	bad("loss", ds, nn.Params{Loss: "hinge"}, "hinge")
	bad("alpha", ds, nn.Params{Loss: nn.LossQuantile, Alpha: 1.5}, "alpha")
	bad("alpha without quantile", ds, nn.Params{Alpha: 0.5}, "alpha")
	bad("hidden", ds, nn.Params{Hidden: []int{8, 0}}, "hidden layer 1")
	bad("dropout", ds, nn.Params{Dropout: 1}, "dropout")
	bad("schedule", ds, nn.Params{Schedule: "linear"}, "schedule")
	bad("validation", ds, nn.Params{Validation: 1}, "validation")
	bad("no features", &model.Dataset{X: data.NewMatrix(20, 0), Y: make([]float64, 20)}, nn.Params{}, "no features")
	bad("too few rows", wave(5, 0, 1), nn.Params{}, "rows leave 0 for validation")
	withY := func(i int, y float64) *model.Dataset {
		d := *ds
		d.Y = make([]float64, len(ds.Y)) // valid for every loss
		d.Y[i] = y
		return &d
	}
	bad("negative count", withY(3, -1), nn.Params{Loss: nn.LossPoisson}, "row 3")
	bad("label 2", withY(4, 2), nn.Params{Loss: nn.LossLogistic}, "row 4")
	bad("NaN target", withY(5, math.NaN()), nn.Params{}, "row 5")
	d := *ds
	d.W = make([]float64, 100)
	d.W[7] = math.Inf(1)
	bad("infinite weight", &d, nn.Params{}, "row 7")
	d.W[7] = 0
	bad("zero weights", &d, nn.Params{}, "weigh 0")

	m, err := nn.Fit(ds, nn.Params{Epochs: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Predict(data.NewMatrix(3, 5), make([]float64, 3)); err == nil || !strings.Contains(err.Error(), "5 feature columns") {
		t.Errorf("wrong width: error %v", err)
	}
	if err := m.Predict(data.NewMatrix(3, 4), make([]float64, 2)); err == nil {
		t.Error("short output: no error")
	}
	if err := new(nn.Model).Predict(ds.X, make([]float64, 100)); err == nil {
		t.Error("untrained model predicted")
	}
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ from, to, want string }{
		{`"kind":"mlp"`, `"kind":"gbdt"`, "kind"},
		{`"version":1`, `"version":9`, "version"},
		{`"layers":[6,`, `"layers":[7,`, "layers"},
		{`"theta":[`, `"theta":[1,`, "parameters"},
		{`"shift":`, `"shift":"x","old":`, "nn:"},
	} {
		damaged := strings.Replace(string(raw), c.from, c.to, 1)
		if damaged == string(raw) {
			t.Fatalf("%s not found in the model file", c.from)
		}
		var back nn.Model
		if err := json.Unmarshal([]byte(damaged), &back); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("file with %s: error %v, expected one mentioning %q", c.to, err, c.want)
		}
	}
}
