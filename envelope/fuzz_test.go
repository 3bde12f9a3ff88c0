package envelope

import (
	"bytes"
	"testing"
)

// FuzzOpen opens arbitrary bytes as an envelope: no panic, and what opens
// seals again to an envelope that opens to the same kind and body.
func FuzzOpen(f *testing.F) {
	ft := Format{Name: "promocast-model", Version: 2, Noun: "promocast model file"}
	good, _ := ft.Seal("forecast", []byte(`{"a":[1,2,{"b":null}]}`))
	f.Add(good)
	f.Add([]byte(`{"format":"promocast-model","version":1,"checksum":"sha256:","body":1}`))
	f.Add([]byte(`{"format":"promocast-model","version":99}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, b []byte) {
		kind, _, body, err := ft.Open(b, "f.json")
		if err != nil {
			return
		}
		again, err := ft.Seal(kind, body)
		if err != nil {
			t.Fatalf("an opened body does not seal: %v", err)
		}
		k2, _, b2, err := ft.Open(again, "f.json")
		if err != nil || k2 != kind || !bytes.Equal(b2, body) {
			t.Fatalf("resealed envelope: kind %q body %q err %v; want %q %q", k2, b2, err, kind, body)
		}
	})
}
