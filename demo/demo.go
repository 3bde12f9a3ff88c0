// Package demo is the built-in synthetic shop (package synth) with known
// promotion effects: Train trains the model 'promocast serve' answers with
// when its registry has none — gradient-boosted trees with intervals
// calibrated on a small backtest whose results are kept for the server's
// backtest view — and CheckUplift scores a forecast's uplift against the
// shop's truth, as 'promocast demo' prints it. TrainShop is the sequence
// both share: generate the shop, parse its spec, train and keep the
// backtest.
//
//	d, err := demo.Train(demo.Options{SKUs: 50})
//	_, err = store.Release(ctx, registry.Release{
//		Registration: registry.Registration{Name: "default", File: d.File,
//			DataSource: d.Source, DataFingerprint: d.Fingerprint},
//		Backtest: func() (results.Results, error) { return d.Backtest, nil }, Promote: true})
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
	t, err := TrainShop(Setup{Seed: 1, SKUs: opt.SKUs, Horizon: opt.Horizon, Label: "demo startup: " + source,
		Train: train.Options{Model: "gbdt", Learn: learn.Options{GBDT: gbdt.Params{Rounds: opt.Rounds}}, Folds: opt.Folds}})
	if err != nil {
		return nil, err
	}
	d := &Demo{Source: source, History: t.Shop.History, Plan: t.Shop.Plan, Backtest: t.Backtest, WAPE: t.Result.Chosen.Overall.WAPE}
	if d.Fingerprint, err = Fingerprint(t.Shop.History); err != nil {
		return nil, err
	}
	if d.File, err = modelfile.Encode(t.Result.File()); err != nil {
		return nil, err
	}
	return d, nil
}

// Setup says which synthetic shop TrainShop generates and how it trains on
// it.
type Setup struct {
	// Seed and SKUs pick the shop (see Source); its plan covers the
	// Horizon days after its history, which the model forecasts.
	Seed          uint64
	SKUs, Horizon int
	// Train holds the training settings; TrainShop sets the horizon and
	// breaks the backtest down by category.
	Train train.Options
	// Label names the backtest's results (see results.FromReports).
	Label string
	// Generated, when set, is called with the shop before training, e.g.
	// to write it out; an error stops TrainShop.
	Generated func(*synth.Panel) error
}

// Trained is a synthetic shop with the model trained on its history.
type Trained struct {
	Shop *synth.Panel
	// Result is the training's: the model, its panel and the backtest's
	// reports.
	Result *train.Result
	// Backtest is the calibration backtest, by fold and category.
	Backtest results.Results
}

// TrainShop generates the synthetic shop of s.Seed and s.SKUs with
// s.Horizon plan days and trains on its history with the shop's own spec:
// the steps 'promocast demo' and the server's demo model (Train) share.
func TrainShop(s Setup) (*Trained, error) {
	shop, err := synth.Generate(synth.Config{Seed: s.Seed, SKUs: s.SKUs, PlanDays: s.Horizon})
	if err != nil {
		return nil, err
	}
	sp, err := spec.Parse([]byte(synth.Spec()))
	if err != nil {
		return nil, err
	}
	if s.Generated != nil {
		if err := s.Generated(shop); err != nil {
			return nil, err
		}
	}
	opt := s.Train
	opt.Forecast.Horizon = s.Horizon
	opt.Segments = []string{"category"}
	tr, err := train.Run(shop.History, sp, opt)
	if err != nil {
		return nil, err
	}
	return &Trained{Shop: shop, Result: tr, Backtest: results.FromReports(tr.Panel, tr.Reports, s.Label)}, nil
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
