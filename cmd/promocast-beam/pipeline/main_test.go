package pipeline

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
)

// shopDir holds the generated shop and its model (see demoShop) that the
// tests read and never change; TestMain makes it once, since training
// the model is most of the tests' time.
var shopDir string

// TestMain initialises Beam, as a Beam program's main does, before any
// test builds a pipeline.
func TestMain(m *testing.M) {
	flag.Parse()
	beam.Init()
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "promocast-beam-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if err := demoShop(dir); err != nil {
		fmt.Fprintln(os.Stderr, "demo shop:", err)
		return 1
	}
	shopDir = dir
	return m.Run()
}
