package panel

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestKeyAttributes checks which keys become attributes: a key of a few
// values does, as a text attribute whose levels the panel codes; a single
// series' key and a key of more values than a categorical feature holds
// do not; the user's spec is not changed; and without static attributes
// of their own the added keys do not become the peer group.
func TestKeyAttributes(t *testing.T) {
	weeks := []string{"2024-01-03", "2024-01-03", "2024-01-10", "2024-01-10"}
	f := frame(t, weeks, []string{"b", "a", "b", "a"}, []string{"x", "x", "x", "x"}, []float64{1, 2, 3, 4}, []float64{1, 1, 1, 1})
	sp := mustSpec(t, weekly)
	got := KeyAttributes(f, sp)
	if !slices.Equal(got.Static, []string{"category", "sku"}) || got.Types["sku"] != "string" || got.Group != "" {
		t.Errorf("static %v, types %v, group %q: want sku added as a text attribute, the group unchanged", got.Static, got.Types, got.Group)
	}
	if !slices.Equal(sp.Static, []string{"category"}) || sp.Types != nil {
		t.Errorf("the user's spec changed: static %v, types %v", sp.Static, sp.Types)
	}
	if err := got.Validate(); err != nil {
		t.Fatalf("the spec with key attributes is refused: %v", err)
	}
	p, err := Build(f, got, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if lv := p.Levels[1]; !slices.Equal(lv, []string{"a", "b"}) || p.Series[0].Static[1] != 0 || p.Series[1].Static[1] != 1 {
		t.Errorf("sku levels %v, codes %v and %v", lv, p.Series[0].Static[1], p.Series[1].Static[1])
	}

	bare := mustSpec(t, strings.Replace(weekly, "static: [category]\n", "", 1))
	if g := KeyAttributes(f, bare); g.Group != "none" || !slices.Equal(g.Static, []string{"sku"}) {
		t.Errorf("without attributes of its own: group %q, static %v; want sku added and no peer group", g.Group, g.Static)
	}

	one := frame(t, weeks[:2], []string{"a", "a"}, []string{"x", "x"}, []float64{1, 2}, []float64{1, 1})
	if g := KeyAttributes(one, sp); g != sp {
		t.Errorf("one series: static %v, want the spec itself", g.Static)
	}
	n := MaxKeyLevels + 1
	w, s, c, u := make([]string, n), make([]string, n), make([]string, n), make([]float64, n)
	for i := range w {
		w[i], s[i], c[i], u[i] = "2024-01-03", fmt.Sprint("sku", i), "x", 1
	}
	if g := KeyAttributes(frame(t, w, s, c, u, u), sp); g != sp {
		t.Errorf("%d series: static %v, want the spec itself", n, g.Static)
	}
}
