// Command promocast-beam runs promocast's per-series stages on Apache Beam,
// for panels that outgrow one machine: the same spec, the same model file
// and the same outputs as the promocast command, on the Prism runner
// locally or on Flink, Spark or Dataflow.
//
//	promocast-beam forecast --runner prism --model model.json \
//	    --data 'history-*.csv' --plan 'plan-*.csv' --out forecast.csv
//	promocast-beam backtest --runner prism --spec spec.yaml \
//	    --data 'history-*.csv' --folds 4 --horizon 4 --out bt/
//
// It is a module of its own so that the promocast binary, and the main
// module's tests, never build Beam.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	"promocast/backtest/results"
	"promocast/cmd/promocast-beam/pipeline"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "promocast-beam:", err)
		os.Exit(1)
	}
}

const usage = `usage: promocast-beam COMMAND [flags]

commands:
  forecast   score a plan with a model file (like promocast forecast)
  train      train one model per partition (e.g. category) in parallel,
             stored as one model file that promocast loads unchanged; or
             (--sample) one global model on a stratified sample of series
  backtest   backtest models on rolling origins, each fit on a worker
             (like promocast backtest --out)
  generate   write a large sharded weekly panel, for scale tests

Beam's own flags (--runner prism|flink|spark|dataflow, --endpoint,
--environment_type, --project, --region, ...) go with the command's flags;
'promocast-beam forecast -h' lists them all.
`

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		return nil
	}
	if strings.HasPrefix(args[0], "-") {
		// A runner's worker: the SDK harness is started with flags only.
		if err := flag.CommandLine.Parse(args); err != nil {
			return err
		}
		beam.Init()
		return errors.New("expected a command first:\n" + usage)
	}
	switch args[0] {
	case "forecast":
		return runForecast(args[1:], stdout, stderr)
	case "train":
		return runTrain(args[1:], stdout, stderr)
	case "backtest":
		return runBacktest(args[1:], stdout, stderr)
	case "generate":
		return runGenerate(args[1:], stdout, stderr)
	}
	return fmt.Errorf("unknown command %q\n%s", args[0], usage)
}

func runForecast(args []string, stdout, stderr io.Writer) error {
	fs := flag.CommandLine
	fs.SetOutput(stderr)
	var cfg pipeline.ForecastConfig
	var data, plan string
	fs.StringVar(&cfg.Model, "model", "", "model file from 'promocast train'")
	fs.StringVar(&cfg.Spec, "spec", "", "dataset spec (default: the model's)")
	fs.StringVar(&data, "data", "", "history shards: comma-separated files or glob patterns, read in the order given (a glob's matches sorted)")
	fs.StringVar(&plan, "plan", "", "plan shards, like --data")
	fs.StringVar(&cfg.Out, "out", "", "forecast file to write (.csv), rows sorted")
	if err := fs.Parse(args); err != nil {
		return err
	}
	beam.Init()
	var err error
	if cfg.Data, err = expand("data", data); err != nil {
		return err
	}
	if cfg.Plan, err = expand("plan", plan); err != nil {
		return err
	}
	took, err := execute(func(s beam.Scope) error { return pipeline.Forecast(s, cfg) })
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "forecast of %d history and %d plan shards: wrote %s in %s\n", len(cfg.Data), len(cfg.Plan), cfg.Out, took)
	return nil
}

func runTrain(args []string, stdout, stderr io.Writer) error {
	fs := flag.CommandLine
	fs.SetOutput(stderr)
	var cfg pipeline.TrainConfig
	var data, strata string
	var fraction float64
	var seed uint64
	fs.StringVar(&cfg.Spec, "spec", "", "dataset spec (YAML)")
	fs.StringVar(&data, "data", "", "history shards: comma-separated files or glob patterns, read in the order given (a glob's matches sorted)")
	fs.StringVar(&cfg.Model, "model", "gbdt", "learner (a name promocast train --model takes)")
	fs.IntVar(&cfg.Horizon, "horizon", 4, "periods to forecast after the gap")
	fs.IntVar(&cfg.Gap, "gap", 0, "periods between the history's end and the first forecast period")
	fs.StringVar(&cfg.Partition, "partition", "", "static text attribute whose levels partition the series: one model per level (e.g. category)")
	fs.Float64Var(&fraction, "sample", 0, "instead of partitions, one global model on this share of each stratum's series (e.g. 0.05)")
	fs.StringVar(&strata, "strata", "", "with --sample: the static attribute whose levels stratify the sample")
	fs.Uint64Var(&seed, "seed", 1, "with --sample: the hash seed that picks the series")
	fs.StringVar(&cfg.Out, "out", "", "model file to write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	beam.Init()
	var err error
	if cfg.Data, err = expand("data", data); err != nil {
		return err
	}
	what := fmt.Sprintf("one %s model per %s", cfg.Model, cfg.Partition)
	build := func(s beam.Scope) error { return pipeline.Train(s, cfg) }
	switch {
	case fraction != 0 && cfg.Partition != "":
		return errors.New("--partition and --sample are two ways to train: give one")
	case fraction != 0:
		what = fmt.Sprintf("one %s model on %g of each %s's series", cfg.Model, fraction, strata)
		build = func(s beam.Scope) error {
			return pipeline.TrainSample(s, pipeline.SampleConfig{Spec: cfg.Spec, Data: cfg.Data, Model: cfg.Model, Horizon: cfg.Horizon, Gap: cfg.Gap,
				Strata: strata, Fraction: fraction, Seed: seed, Out: cfg.Out})
		}
	}
	took, err := execute(build)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "trained %s on %d history shards: wrote %s in %s\n", what, len(cfg.Data), cfg.Out, took)
	return nil
}

func runBacktest(args []string, stdout, stderr io.Writer) error {
	fs := flag.CommandLine
	fs.SetOutput(stderr)
	var cfg pipeline.BacktestConfig
	var data, models, candidates, segments string
	fs.StringVar(&cfg.Spec, "spec", "", "dataset spec (YAML)")
	fs.StringVar(&data, "data", "", "history shards: comma-separated files or glob patterns, read in the order given (a glob's matches sorted)")
	fs.StringVar(&cfg.Out, "out", "", "folder for metrics.csv and predictions.csv")
	fs.StringVar(&models, "models", "seasonal_naive,ridge,default", "comma-separated models to compare, or auto (as promocast backtest --models)")
	fs.StringVar(&candidates, "candidates", "", "with --models auto: the comma-separated models auto compares and combines")
	fs.IntVar(&cfg.Folds, "folds", 4, "number of rolling origins")
	fs.IntVar(&cfg.Horizon, "horizon", 4, "periods scored per fold")
	fs.IntVar(&cfg.Gap, "gap", 0, "periods between each origin and its first scored period")
	fs.StringVar(&segments, "segment", "", "comma-separated key or static columns to break metrics down by")
	fs.Float64Var(&cfg.Alpha, "alpha", 0, "penalty strength of ridge, lasso and elasticnet (0: the default, 0.001)")
	fs.Float64Var(&cfg.L1Ratio, "l1-ratio", 0, "L1 share of the elasticnet penalty (0: the default, 0.5)")
	fs.StringVar(&cfg.Metric, "metric", "balanced", "what the default model chooses its candidates by: balanced, wape, mape or rmse")
	if err := fs.Parse(args); err != nil {
		return err
	}
	beam.Init()
	cfg.Models, cfg.Candidates, cfg.Segments = list(models), list(candidates), list(segments)
	var err error
	if cfg.Data, err = expand("data", data); err != nil {
		return err
	}
	took, err := execute(func(s beam.Scope) error { return pipeline.Backtest(s, cfg) })
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backtest of %s on %d history shards, %d folds × horizon %d, gap %d: wrote %s and %s in %s\n",
		strings.Join(cfg.Models, ","), len(cfg.Data), cfg.Folds, cfg.Horizon, cfg.Gap,
		filepath.Join(cfg.Out, results.MetricsFile), filepath.Join(cfg.Out, results.PredictionsFile), took)
	return nil
}

// execute builds a pipeline with build and runs it on the runner Beam's
// flags name, returning the run's wall time.
func execute(build func(beam.Scope) error) (time.Duration, error) {
	p, s := beam.NewPipelineWithRoot()
	if err := build(s); err != nil {
		return 0, err
	}
	start := time.Now()
	if err := beamx.Run(context.Background(), p); err != nil {
		return 0, err
	}
	return time.Since(start).Round(time.Millisecond), nil
}

// list splits a comma-separated flag value, dropping blanks.
func list(value string) []string {
	var out []string
	for _, v := range strings.Split(value, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// expand turns a flag's comma-separated files and glob patterns into the
// list of shards, in order.
func expand(flagName, value string) ([]string, error) {
	if value == "" {
		return nil, fmt.Errorf("--%s is required", flagName)
	}
	var out []string
	for _, part := range strings.Split(value, ",") {
		part = strings.TrimSpace(part)
		if !strings.ContainsAny(part, "*?[") {
			out = append(out, part)
			continue
		}
		matches, err := filepath.Glob(part)
		if err != nil {
			return nil, fmt.Errorf("--%s %q: %w", flagName, part, err)
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("--%s %q: no file matches", flagName, part)
		}
		slices.Sort(matches)
		out = append(out, matches...)
	}
	return out, nil
}
