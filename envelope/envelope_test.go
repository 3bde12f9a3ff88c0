package envelope

import (
	"bytes"
	"strings"
	"testing"
)

var (
	models  = Format{Name: "promocast-model", Version: 1, Noun: "promocast model file"}
	tabular = Format{Name: "promocast-tabular", Version: 1, Noun: "promocast tabular model file"}
)

func TestSealOpenRoundTrip(t *testing.T) {
	b, err := models.Seal("forecast", []byte(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"format":"promocast-model","version":1,"kind":"forecast","checksum":"sha256:015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862","body":{"a":1}}` + "\n"
	if string(b) != want {
		t.Fatalf("sealed\n%s\nwant\n%s", b, want)
	}
	kind, version, body, err := models.Open(b, "m.json")
	if err != nil || kind != "forecast" || version != 1 || string(body) != `{"a":1}` {
		t.Fatalf("opened kind %q version %d body %s err %v", kind, version, body, err)
	}
	noKind, err := tabular.Seal("", []byte(`{}`))
	if err != nil || bytes.Contains(noKind, []byte("kind")) {
		t.Fatalf("an empty kind is written: %s (%v)", noKind, err)
	}
}

func TestOpenRefusesBadFiles(t *testing.T) {
	good, err := models.Seal("forecast", []byte(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		b    []byte
		want string
	}{
		"not json":       {[]byte("hello"), "m.json: not a promocast model file"},
		"other format":   {bytes.Replace(good, []byte(`promocast-model`), []byte(`other`), 1), `format is "other"`},
		"newer version":  {bytes.Replace(good, []byte(`"version":1`), []byte(`"version":2`), 1), "promocast model file version 2; this promocast reads versions 1..1"},
		"edited body":    {bytes.Replace(good, []byte(`"a":1`), []byte(`"a":2`), 1), "checksum mismatch"},
		"truncated file": {good[:len(good)/2], "not a promocast model file"},
	} {
		_, _, _, err := models.Open(c.b, "m.json")
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "m.json: ") {
			t.Errorf("%s: error %v, want one naming m.json and containing %q", name, err, c.want)
		}
	}
}
