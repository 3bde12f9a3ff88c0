package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTabularExactGradients fits the same small table twice with quantised
// gradients and once with exact ones: the first two give the same bytes,
// the third other bytes, and the flag is refused for a learner it does not
// tune.
func TestTabularExactGradients(t *testing.T) {
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("a,b,y\n")
	for i := range 400 {
		a, b := float64(i%37)/37, float64(i*7%101)/101
		fmt.Fprintf(&csv, "%g,%g,%g\n", a, b, 3*a*a+b+0.01*float64(i%5))
	}
	data := filepath.Join(dir, "t.csv")
	if err := os.WriteFile(data, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var models [][]byte
	for _, extra := range [][]string{nil, nil, {"--exact-gradients"}} {
		out := filepath.Join(dir, fmt.Sprintf("m%d.json", len(models)))
		args := append([]string{"tabular", "fit", "--data", data, "--target", "y", "--rounds", "20", "--out", out}, extra...)
		if code, _, errs := run(t, args...); code != exitOK {
			t.Fatalf("%v exited %d: %s", args, code, errs)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		models = append(models, b)
	}
	if !bytes.Equal(models[0], models[1]) {
		t.Error("two fits of the same table gave different model files")
	}
	if bytes.Equal(models[0], models[2]) {
		t.Error("--exact-gradients gave the same model file as quantised gradients")
	}
	code, _, errs := run(t, "tabular", "fit", "--data", data, "--target", "y", "--model", "rf", "--exact-gradients", "--out", filepath.Join(dir, "rf.json"))
	if code != exitUsage || !strings.Contains(errs, "--exact-gradients does not apply") {
		t.Errorf("--exact-gradients with rf exited %d: %s", code, errs)
	}
}
