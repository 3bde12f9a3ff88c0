package report

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func TestReportEscapesAndDraws(t *testing.T) {
	r := New("Backtest <1>")
	r.Heading("Metrics & more")
	r.Table([]string{"model", "WAPE"}, [][]string{{"ridge<script>", "31.2%"}})
	r.Chart(Chart{Title: "sku", X: []string{"a", "b", "c"}, Shade: []bool{false, true, false},
		Lines: []Line{{Name: "actual", Y: []float64{1, math.NaN(), 3}}, {Name: "forecast", Y: []float64{2, 2, 2}, Dash: true}}})
	var a, b bytes.Buffer
	if err := r.Write(&a); err != nil {
		t.Fatal(err)
	}
	if err := r.Write(&b); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Fatal("two renders differ")
	}
	out := a.String()
	for _, want := range []string{"Backtest &lt;1&gt;", "Metrics &amp; more", "ridge&lt;script&gt;", `<td class="n">31.2%</td>`, `class="shade"`, `stroke-dasharray`} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(out, "<script>") {
		t.Error("report contains an unescaped script tag")
	}
	// The NaN breaks the actual line into two moves.
	if !strings.Contains(out, "M708.0") || !strings.Contains(out, "L708.0") {
		t.Errorf("line paths not broken at the gap:\n%s", out)
	}
}
