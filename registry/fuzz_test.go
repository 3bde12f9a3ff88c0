package registry

import (
	"bytes"
	"context"
	"testing"
)

// FuzzRegister registers arbitrary bytes under arbitrary names: a refused
// registration changes nothing; an accepted one stores the bytes exactly,
// and the version can be promoted and read back live.
func FuzzRegister(f *testing.F) {
	st := open(f)
	ctx := context.Background()
	good := modelFiles(f)
	f.Add("shop", good[0], "sha256:1")
	f.Add("shop", good[1], "")
	f.Add("a b", good[0], "sha256:2")
	f.Add("x", []byte(`{"format":"promocast-model","version":1}`), "")
	f.Fuzz(func(t *testing.T, name string, file []byte, fingerprint string) {
		before, err := st.List(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		m, existed, err := st.Register(ctx, Registration{Name: name, File: file, DataSource: "h.csv", DataFingerprint: fingerprint})
		if err != nil {
			if after, _ := st.List(ctx, ""); len(after) != len(before) {
				t.Fatalf("a refused registration (%v) added %d versions", err, len(after)-len(before))
			}
			return
		}
		if CheckName(name) != nil {
			t.Fatalf("registered under the bad name %q", name)
		}
		stored, err := st.File(ctx, m.Name, m.Version)
		if err != nil || !bytes.Equal(stored, file) {
			t.Fatalf("stored file differs (existed %v): %v", existed, err)
		}
		if _, err := st.Promote(ctx, m.Name, m.Version); err != nil {
			t.Fatalf("promote a registered version: %v", err)
		}
		if live, err := st.Live(ctx, m.Name); err != nil || live.Version != m.Version {
			t.Fatalf("live is %d (%v), want %d", live.Version, err, m.Version)
		}
	})
}
