// Package demo is the built-in synthetic shop (package synth) with known
// promotion effects: Train trains the model 'promocast serve' answers with
// when its registry has none — gradient-boosted trees with intervals
// calibrated on a small backtest whose results are kept for the server's
// backtest view — and CheckUplift scores a forecast's uplift against the
// shop's truth, as 'promocast demo' prints it.
//
//	d, err := demo.Train(demo.Options{SKUs: 50})
//	m, _, err := store.Register(ctx, registry.Registration{Name: "default", File: d.File,
//		DataSource: d.Source, DataFingerprint: d.Fingerprint})
//	err = store.SetBacktest(ctx, m.Name, m.Version, d.Backtest)
//
// The synthetic history is deterministic, so it is not stored: Source
// names it ("synth:seed=1,skus=50,plan_days=31") and Load regenerates it
// and checks its fingerprint.
package demo

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"promocast/backtest/results"
	"promocast/data"
	"promocast/export"
	"promocast/forecast"
	"promocast/learn"
	"promocast/learn/gbdt"
	"promocast/modelfile"
	"promocast/spec"
	"promocast/synth"
	"promocast/train"
)

// Options say what to train. The zero value trains the demo that
// 'promocast serve' trains.
type Options struct {
	// SKUs is the number of products of the synthetic shop; 0 means 50.
	SKUs int
	// Horizon is the days the model forecasts; 0 means 31.
	Horizon int
	// Folds is the backtest folds (of Horizon days) the intervals are
	// calibrated on and the backtest view shows; 0 means 2.
	Folds int
	// Rounds is the boosting rounds; 0 means the learner's default.
	Rounds int
}

func (o Options) withDefaults() (Options, error) {
	if o.SKUs == 0 {
		o.SKUs = 50
	}
	if o.Horizon == 0 {
		o.Horizon = 31
	}
	if o.Folds == 0 {
		o.Folds = 2
	}
	if o.SKUs < 1 || o.Horizon < 1 || o.Folds < 2 || o.Rounds < 0 {
		return o, fmt.Errorf("demo: SKUs and Horizon must be positive, Folds at least 2 (intervals need them), Rounds not negative: %+v", o)
	}
	return o, nil
}

// Demo is a trained demo model ready to register.
type Demo struct {
	// File is the model file's bytes.
	File []byte
	// Source names the synthetic history and Fingerprint is its sha256
	// written as CSV; register them as the version's data source.
	Source, Fingerprint string
	// Backtest is the calibration backtest, by fold and category.
	Backtest results.Results
	// History is the synthetic history the model scores against and Plan
	// the shop's own promotion plan for the days after it.
	History, Plan *data.Frame
	// WAPE is the backtest's overall weighted absolute percentage error.
	WAPE float64
}

// Train trains the demo model.
func Train(opt Options) (*Demo, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	source := Source(1, opt.SKUs, opt.Horizon)
	cfg, err := ParseSource(source)
	if err != nil {
		return nil, err
	}
	shop, err := synth.Generate(cfg)
	if err != nil {
		return nil, err
	}
	d := &Demo{Source: source, History: shop.History, Plan: shop.Plan}
	if d.Fingerprint, err = Fingerprint(shop.History); err != nil {
		return nil, err
	}
	sp, err := spec.Parse([]byte(synth.Spec()))
	if err != nil {
		return nil, err
	}
	tr, err := train.Run(shop.History, sp, train.Options{Forecast: forecast.TrainOptions{Horizon: opt.Horizon}, Model: "gbdt",
		Learn: learn.Options{GBDT: gbdt.Params{Rounds: opt.Rounds}}, Folds: opt.Folds, Segments: []string{"category"}})
	if err != nil {
		return nil, err
	}
	d.WAPE = tr.Chosen.Overall.WAPE
	if d.File, err = modelfile.Encode(tr.File()); err != nil {
		return nil, err
	}
	p, reports := tr.Panel, tr.Reports
	d.Backtest = results.FromReports(p, reports, "demo startup: "+source)
	return d, nil
}

// Source names the synthetic history of a seed, a number of SKUs and plan
// days.
func Source(seed uint64, skus, planDays int) string {
	return fmt.Sprintf("synth:seed=%d,skus=%d,plan_days=%d", seed, skus, planDays)
}

// ParseSource reads a Source name back into the generator's settings.
func ParseSource(src string) (synth.Config, error) {
	rest, ok := strings.CutPrefix(src, "synth:")
	if !ok {
		return synth.Config{}, fmt.Errorf("%q is not a synthetic history", src)
	}
	var cfg synth.Config
	for _, kv := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.Atoi(v)
		if err != nil {
			return cfg, fmt.Errorf("synthetic history %q: %s=%q is not a number", src, k, v)
		}
		switch k {
		case "seed":
			cfg.Seed = uint64(n)
		case "skus":
			cfg.SKUs = n
		case "plan_days":
			cfg.PlanDays = n
		default:
			return cfg, fmt.Errorf("synthetic history %q: unknown setting %q", src, k)
		}
	}
	return cfg, nil
}

// IsSource reports whether a registered data source names a synthetic
// history.
func IsSource(src string) bool { return strings.HasPrefix(src, "synth:") }

// Load regenerates the synthetic history of source (see Source) and checks
// that its fingerprint is fingerprint, the one it was registered with.
func Load(source, fingerprint string) (*data.Frame, error) {
	cfg, err := ParseSource(source)
	if err != nil {
		return nil, err
	}
	shop, err := synth.Generate(cfg)
	if err != nil {
		return nil, err
	}
	fp, err := Fingerprint(shop.History)
	if err != nil {
		return nil, err
	}
	if fp != fingerprint {
		return nil, fmt.Errorf("synthetic history %s no longer matches its registration (fingerprint %s, registered %s): the generator changed; remove the version or register a new demo",
			source, fp, fingerprint)
	}
	return shop.History, nil
}

// Fingerprint is the sha256 of a frame written as CSV: the fingerprint of
// a history that exists only in memory.
func Fingerprint(f *data.Frame) (string, error) {
	h := sha256.New()
	if err := export.WriteCSV(h, f); err != nil {
		return "", err
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}
