package tabular

import (
	"bytes"
	"testing"

	"promocast/ingest"
)

// FuzzPrepare reads arbitrary CSV text as a table whose first column is the
// target and prepares it for learning: no panic, and a prepared dataset has
// one target and one matrix row per table row.
func FuzzPrepare(f *testing.F) {
	f.Add([]byte("y,a,b\n1,2,x\n0,3,y\n1,,x\n"))
	f.Add([]byte("bought,age,city\nTRUE,31,NY\nFALSE,40,SF\n"))
	f.Add([]byte("y,a\n+Inf,1\nNaN,2\n"))
	f.Add([]byte("y\n1\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := ingest.ReadCSV(bytes.NewReader(b), "t.csv", ingest.Options{})
		if err != nil || len(fr.Columns) == 0 {
			return
		}
		_, ds, err := Prepare(fr, Config{Target: fr.Columns[0].Name})
		if err != nil {
			return
		}
		if len(ds.Y) != fr.Rows() || ds.X.Rows != fr.Rows() {
			t.Fatalf("%d targets and %d matrix rows for %d table rows", len(ds.Y), ds.X.Rows, fr.Rows())
		}
	})
}

// FuzzDecode reads arbitrary bytes as a tabular model file: no panic.
func FuzzDecode(f *testing.F) {
	fr, err := ingest.ReadCSV(bytes.NewReader([]byte("y,a,b\n1,2,x\n0,3,y\n1,4,x\n0,1,y\n")), "t.csv", ingest.Options{})
	if err != nil {
		f.Fatal(err)
	}
	for _, l := range []string{LearnerLinear, LearnerTree} {
		m, err := Fit(fr, Config{Target: "y", Learner: l})
		if err != nil {
			f.Fatal(err)
		}
		b, err := Encode(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"format":"promocast-model","version":1,"kind":"tabular","checksum":"sha256:x","body":{}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		Decode(b, "m.json")
	})
}
