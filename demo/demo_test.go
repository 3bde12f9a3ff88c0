package demo

import (
	"strings"
	"testing"

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
	f, err := Load(src, fp)
	if err != nil || f.Rows() != shop.History.Rows() {
		t.Fatalf("load: %v", err)
	}
	if _, err := Load(src, "sha256:other"); err == nil || !strings.Contains(err.Error(), "no longer matches") {
		t.Errorf("changed fingerprint: %v", err)
	}
}
