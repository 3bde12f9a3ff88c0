package demo

import (
	"context"
	"strings"
	"testing"

	"promocast/registry"
	"promocast/synth"
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
	m := registry.Model{Name: "demo", Version: 1, DataSource: src, DataFingerprint: fp}
	f, err := Load(context.Background(), m)
	if err != nil || f.Rows() != shop.History.Rows() {
		t.Fatalf("load: %v", err)
	}
	m.DataFingerprint = "sha256:other"
	if _, err := Load(context.Background(), m); err == nil || !strings.Contains(err.Error(), "no longer matches") {
		t.Errorf("changed fingerprint: %v", err)
	}
}
