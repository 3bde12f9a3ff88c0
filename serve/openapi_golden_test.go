package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"promocast/data"
	"promocast/registry"
)

var update = flag.Bool("update", false, "rewrite testdata/openapi.json from the current routes")

// TestOpenAPIGolden pins the API document: a change to a route, a request
// or a response type shows up as a diff of testdata/openapi.json, made on
// purpose with 'go test ./serve -run OpenAPIGolden -update'.
func TestOpenAPIGolden(t *testing.T) {
	st, err := registry.Open(context.Background(), filepath.Join(t.TempDir(), "registry.db"), registry.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	load := func(context.Context, registry.Model) (*data.Frame, error) { return nil, nil }
	s, err := New(st, load, Options{Version: "golden"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(s.OpenAPI(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "openapi.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (write it with -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the API document differs from %s; if the change is meant, run 'go test ./serve -run OpenAPIGolden -update' and review the diff", golden)
	}
}
