// Command gomlx times GoMLX (pure-Go "simplego" backend) training the
// same MLP as promocast/learn/nn: 4 embedded categoricals (80, 60, 12, 7 levels;
// tables of levels+1 rows and min(50, (levels+1)/2) columns, i.e. 40, 30,
// 6, 4) concatenated with 48 standardised numeric inputs (128 inputs), dense
// ReLU 64 and 32 with inverted dropout 0.1, one linear output, weighted
// squared loss, AdamW (lr 1e-3, wd 0.01, cosine schedule to lr/100),
// batch 512, over synthetic rows generated like nn/bench_test.go panelLike.
package main

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/losses"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers/cosineschedule"
)

var (
	flagRows    = flag.Int("rows", 50000, "training rows")
	flagEpochs  = flag.Int("epochs", 3, "timed epochs")
	flagBatch   = flag.Int("batch", 512, "batch size")
	flagDType   = flag.String("dtype", "float64", "float64 (as promocast/learn/nn) or float32")
	flagDropout = flag.Float64("dropout", 0.1, "dropout rate (0 for none)")
	flagConfig  = flag.String("config", "", "simplego backend config string")
	flagProf    = flag.String("cpuprofile", "", "write a CPU profile of the timed epochs")
)

var levels = []int{80, 60, 12, 7}

const numeric = 48

func embDim(l int) int { return max(1, min(50, (l+1)/2)) }

// data holds host-side rows: standardised numeric inputs, codes, target, weight.
type data struct {
	n     int
	x     []float64 // n×48
	codes []int32   // n×4
	t, w  []float64
}

// panelLike mirrors promocast/learn/nn/bench_test.go panelLike (same RNG and draws).
func panelLike(n int) *data {
	rng := rand.New(rand.NewPCG(1, 1))
	d := &data{n: n, x: make([]float64, n*numeric), codes: make([]int32, n*len(levels)),
		t: make([]float64, n), w: make([]float64, n)}
	y := make([]float64, n)
	for i := 0; i < n; i++ {
		r := d.x[i*numeric : (i+1)*numeric]
		for j := range numeric {
			r[j] = rng.NormFloat64()
		}
		for k, l := range levels {
			d.codes[i*len(levels)+k] = int32(rng.IntN(l))
		}
		y[i] = 1 + 0.3*r[0] + 0.1*rng.NormFloat64()
		d.w[i] = 1 + rng.Float64()
	}
	// Standardise numeric columns (weighted mean, population sd) and target, like nn.
	var sw float64
	for _, w := range d.w {
		sw += w
	}
	for j := range numeric {
		var m, v float64
		for i := 0; i < n; i++ {
			m += d.w[i] * d.x[i*numeric+j]
		}
		m /= sw
		for i := 0; i < n; i++ {
			e := d.x[i*numeric+j] - m
			v += d.w[i] * e * e
		}
		sd := math.Sqrt(v / sw)
		for i := 0; i < n; i++ {
			d.x[i*numeric+j] = (d.x[i*numeric+j] - m) / sd
		}
	}
	var m, v float64
	for i := range y {
		m += d.w[i] * y[i]
	}
	m /= sw
	for i := range y {
		v += d.w[i] * (y[i] - m) * (y[i] - m)
	}
	sd := math.Sqrt(v / sw)
	for i := range y {
		d.t[i] = (y[i] - m) / sd
	}
	return d
}

func modelFn(dtype dtypes.DType, dropout float64) train.ModelFn {
	return func(ctx *context.Context, spec any, inputs []*Node) []*Node {
		num, codes := inputs[0], inputs[1]
		var parts []*Node
		for k, l := range levels {
			col := Slice(codes, AxisRange(), AxisRange(k, k+1)) // [B,1]
			// Gather from a variable table of levels+1 rows.
			parts = append(parts, layers.Embedding(ctx.In(fmt.Sprintf("emb%d", k)), col, dtype, l+1, embDim(l)))
		}
		parts = append(parts, num)
		x := Concatenate(parts, -1) // [B,128]
		for i, h := range []int{64, 32} {
			x = layers.Dense(ctx.In(fmt.Sprintf("h%d", i)), x, true, h)
			x = Max(x, ZerosLike(x)) // ReLU
			x = layers.DropoutStatic(ctx, x, dropout)
		}
		out := layers.Dense(ctx.In("out"), x, true, 1)          // [B,1]
		return []*Node{Reshape(out, out.Shape().Dimensions[0])} // [B], to match the [B] weights in MeanSquaredError
	}
}

// batchTensors copies rows idx into input and label tensors.
func batchTensors[T float32 | float64](d *data, idx []int) (inputs, labels []*tensors.Tensor) {
	b := len(idx)
	x := make([]T, b*numeric)
	c := make([]int32, b*len(levels))
	t := make([]T, b)
	w := make([]T, b)
	for r, i := range idx {
		for j := range numeric {
			x[r*numeric+j] = T(d.x[i*numeric+j])
		}
		copy(c[r*len(levels):], d.codes[i*len(levels):(i+1)*len(levels)])
		t[r] = T(d.t[i])
		w[r] = T(d.w[i])
	}
	return []*tensors.Tensor{tensors.FromFlatDataAndDimensions(x, b, numeric), tensors.FromFlatDataAndDimensions(c, b, len(levels))},
		[]*tensors.Tensor{tensors.FromFlatDataAndDimensions(t, b), tensors.FromFlatDataAndDimensions(w, b)}
}

func main() {
	flag.Parse()
	var backend backends.Backend
	backend, err := simplego.New(*flagConfig)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	dtype := dtypes.Float64
	mk := batchTensors[float64]
	if *flagDType == "float32" {
		dtype = dtypes.Float32
		mk = batchTensors[float32]
	}
	fmt.Printf("backend %s (%s), GOMAXPROCS %d, dtype %s, rows %d, batch %d, dropout %g\n",
		backend.Name(), backend.Description(), runtime.GOMAXPROCS(0), dtype, *flagRows, *flagBatch, *flagDropout)

	t0 := time.Now()
	d := panelLike(*flagRows)
	fmt.Printf("data generated in %v\n", time.Since(t0))

	n, bs := d.n, *flagBatch
	steps := (n + bs - 1) / bs
	totalSteps := (*flagEpochs + 1) * steps

	ctx := context.New()
	ctx.SetRNGStateFromSeed(1)
	ctx.SetParam(optimizers.ParamLearningRate, 1e-3)
	opt := optimizers.Adam().LearningRate(1e-3).Betas(0.9, 0.999).Epsilon(1e-8).WeightDecay(0.01).Done()
	mf := modelFn(dtype, *flagDropout)
	wrapped := func(ctx *context.Context, spec any, inputs []*Node) []*Node {
		cosineschedule.New(ctx, inputs[0].Graph(), dtype).LearningRate(1e-3).MinLearningRate(1e-5).PeriodSteps(totalSteps).Done()
		return mf(ctx, spec, inputs)
	}
	trainer := train.NewTrainer(backend, ctx, wrapped, losses.MeanSquaredError, opt, nil, nil)

	rng := rand.New(rand.NewPCG(2, 2))
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}

	// Warm-up: one step with each batch shape (full and the last partial
	// batch) compiles the graphs; these steps are not in the epoch timings.
	warm := []int{bs}
	if n%bs != 0 {
		warm = append(warm, n%bs)
	}
	for _, b := range warm {
		in, lb := mk(d, order[:b])
		t := time.Now()
		if _, err := trainer.TrainStep(nil, in, lb); err != nil {
			fmt.Fprintf(os.Stderr, "train step: %+v\n", err)
			os.Exit(1)
		}
		fmt.Printf("first step, batch %d (graph build + compile + 1 step): %.3fs\n", b, time.Since(t).Seconds())
		in, lb = mk(d, order[:b])
		t = time.Now()
		trainer.TrainStep(nil, in, lb)
		fmt.Printf("second step, batch %d (1 step, already compiled):       %.3fs\n", b, time.Since(t).Seconds())
	}

	if *flagProf != "" {
		f, _ := os.Create(*flagProf)
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	for e := 1; e <= *flagEpochs; e++ {
		rng.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
		var sl, sw float64
		var host time.Duration
		t := time.Now()
		for s := 0; s < steps; s++ {
			idx := order[s*bs : min(n, (s+1)*bs)]
			th := time.Now()
			in, lb := mk(d, idx)
			host += time.Since(th)
			m, err := trainer.TrainStep(nil, in, lb)
			if err != nil {
				fmt.Fprintf(os.Stderr, "train step: %+v\n", err)
				os.Exit(1)
			}
			var l float64
			if dtype == dtypes.Float32 {
				l = float64(tensors.ToScalar[float32](m[0]))
			} else {
				l = tensors.ToScalar[float64](m[0])
			}
			sl += l * float64(len(idx))
			sw += float64(len(idx))
		}
		el := time.Since(t).Seconds()
		fmt.Printf("epoch %d: %.3fs, %.0f rows/s (host batch assembly %.3fs), mean batch loss (mean w·(s−t)²) %.5f\n",
			e, el, float64(n)/el, host.Seconds(), sl/sw)
	}
}
