package cli

import (
	"os"
	"testing"
)

func TestZZProfTrain(t *testing.T) {
	if os.Getenv("ZZPROF") == "" {
		t.Skip()
	}
	code := Run([]string{"train", "--data", "../../../shared/data/breakfast_at_the_frat/transaction.csv.gz", "--spec", "../../examples/breakfast/spec.yaml", "--horizon", "2", "--gap", "1", "--out", "/tmp/bfprof.json"}, os.Stdout, os.Stderr)
	if code != 0 {
		t.Fatal(code)
	}
}
