package cli

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeBasketsCSV writes a small long-format basket history: customers
// who favour a few items and buy popular ones besides.
func writeBasketsCSV(t *testing.T, path string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(4, 2))
	var b strings.Builder
	b.WriteString("customer,date,sku\n")
	for c := range 150 {
		fav := []int{rng.IntN(30), rng.IntN(30)}
		for d := range 3 + rng.IntN(4) {
			for range 1 + rng.IntN(4) {
				it := fav[rng.IntN(2)]
				if rng.Float64() < 0.5 {
					it = int(30 * rng.Float64() * rng.Float64())
				}
				fmt.Fprintf(&b, "cust%d,2024-01-%02d,sku%d\n", c, 1+3*d, it)
			}
		}
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRecommendFitPredictEvaluate(t *testing.T) {
	dir := t.TempDir()
	hist := filepath.Join(dir, "baskets.csv")
	writeBasketsCSV(t, hist)
	model := filepath.Join(dir, "rec.json")
	cols := []string{"--history", hist, "--basket-col", "date", "--item-col", "sku"}
	code, out, errs := run(t, append([]string{"recommend", "fit", "--out", model}, cols...)...)
	if code != exitOK || !strings.Contains(out, "gbdt-ranker") || !strings.Contains(out, "wrote") {
		t.Fatalf("fit exited %d:\n%s\n%s", code, out, errs)
	}
	recs := filepath.Join(dir, "next.csv")
	code, out, errs = run(t, append([]string{"recommend", "predict", "--model", model, "--k", "3", "--out", recs}, cols...)...)
	if code != exitOK || !strings.Contains(out, "to each of 150 customers") {
		t.Fatalf("predict exited %d:\n%s\n%s", code, out, errs)
	}
	b, err := os.ReadFile(recs)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if lines[0] != "customer,rank,item,probability,kind" || len(lines) != 1+3*150 {
		t.Fatalf("predictions: header %q and %d lines, want 451", lines[0], len(lines))
	}
	code, out, errs = run(t, append([]string{"recommend", "evaluate", "--model", model, "--k", "5"}, cols...)...)
	if code != exitOK || !strings.Contains(out, "150 customers with a next basket") || !strings.Contains(out, "reliability") {
		t.Fatalf("evaluate exited %d:\n%s\n%s", code, out, errs)
	}
	if code, _, errs := run(t, "recommend", "evaluate", "--history", hist, "--k", "0"); code != exitUsage || !strings.Contains(errs, "--k") {
		t.Errorf("--k 0 exited %d: %s", code, errs)
	}
	if code, _, errs := run(t, "recommend", "evaluate", "--history", hist); code != exitFailure || !strings.Contains(errs, "baskets.csv") {
		t.Errorf("missing basket column exited %d: %s", code, errs)
	}
}
