package demo

import (
	"errors"
	"strings"
	"testing"

	"promocast/synth"
	"promocast/train"
)

func TestSourceRoundTrip(t *testing.T) {
	src := Source(3, 40, 31)
	cfg, err := ParseSource(src)
	if err != nil || cfg.Seed != 3 || cfg.SKUs != 40 || cfg.PlanDays != 31 || !IsSource(src) {
		t.Errorf("%s → %+v %v", src, cfg, err)
	}
	for _, bad := range []string{"history.csv", "synth:skus=x", "synth:colour=1"} {
		if _, err := ParseSource(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := Train(Options{Folds: 1}); err == nil {
		t.Error("one fold accepted: intervals need two")
	}
}

func TestLoadChecksFingerprint(t *testing.T) {
	src := Source(2, 8, 7)
	cfg, _ := ParseSource(src)
	shop, err := synth.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	fp, err := Fingerprint(shop.History)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Load(src, fp)
	if err != nil || f.Rows() != shop.History.Rows() {
		t.Fatalf("load: %v", err)
	}
	if _, err := Load(src, "sha256:other"); err == nil || !strings.Contains(err.Error(), "no longer matches") {
		t.Errorf("changed fingerprint: %v", err)
	}
}

// TestTrainShop checks that TrainShop hands the generated shop over before
// training, forecasts its plan's days and breaks the labelled backtest
// down by category.
func TestTrainShop(t *testing.T) {
	var generated *synth.Panel
	tr, err := TrainShop(Setup{Seed: 2, SKUs: 8, Horizon: 7, Label: "test", Train: train.Options{Model: "ridge", NoEffects: true},
		Generated: func(p *synth.Panel) error { generated = p; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if generated != tr.Shop || tr.Shop.Plan.Rows() != 8*7 {
		t.Errorf("generated %p, trained on %p with %d plan rows, want 8 SKUs × 7 days", generated, tr.Shop, tr.Shop.Plan.Rows())
	}
	if tr.Result.Model.Horizon != 7 || tr.Result.Model.Kind != "ridge" || tr.Backtest.Source != "test" {
		t.Errorf("horizon %d, kind %s, backtest source %q", tr.Result.Model.Horizon, tr.Result.Model.Kind, tr.Backtest.Source)
	}
	segments := 0
	for _, m := range tr.Backtest.Metrics {
		if m.Scope == "segment category" {
			segments++
		}
	}
	if segments == 0 {
		t.Error("the backtest is not broken down by category")
	}
	stop := errors.New("stop")
	if _, err := TrainShop(Setup{Seed: 2, SKUs: 8, Horizon: 7, Generated: func(*synth.Panel) error { return stop }}); !errors.Is(err, stop) {
		t.Errorf("a failing Generated gave %v", err)
	}
}
