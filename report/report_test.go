package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
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

// TestChartSpike keeps one spike from flattening the other lines: the axis
// ends near the bulk of the values and says what it cut.
func TestChartSpike(t *testing.T) {
	y := make([]float64, 60)
	x := make([]string, 60)
	for i := range y {
		y[i], x[i] = 10+float64(i%5), fmt.Sprint(i)
	}
	y[30] = 1000
	svg := Chart{Title: "spike", X: x, Lines: []Line{{Name: "units", Y: y}}}.svg()
	if !strings.Contains(svg, "values above 21 drawn at the top (largest 1.0k)") {
		t.Errorf("no clipping note:\n%s", svg)
	}
	flat := Chart{Title: "flat", X: x, Lines: []Line{{Name: "units", Y: y[:30]}}}.svg()
	if strings.Contains(flat, "drawn at the top") {
		t.Errorf("a chart without spikes was clipped")
	}
}

func TestChartSVGIsAStandaloneDocument(t *testing.T) {
	c := Chart{Title: "Qini <curve> & more", X: []string{"0%", "50%", "100%"}, Lines: []Line{{Name: "model", Y: []float64{0, 3, 2}}, {Name: "random", Y: []float64{0, 1, 2}, Dash: true}}}
	s := c.SVG()
	if !strings.HasPrefix(s, `<svg xmlns="http://www.w3.org/2000/svg" `) || !strings.Contains(s, "<style>") || !strings.HasSuffix(s, "</svg>\n") {
		t.Fatalf("not a standalone SVG: %.200s", s)
	}
	dec := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
	}
}
