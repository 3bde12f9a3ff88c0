// Package report renders self-contained HTML reports: headings, prose,
// tables and line charts drawn as inline SVG. A report needs no script, no
// font and no network, so it opens offline and prints as it shows.
//
//	r := report.New("Backtest")
//	r.Text("12 folds of horizon 2.")
//	r.Table([]string{"model", "WAPE"}, [][]string{{"ridge", "31.2%"}})
//	r.Chart(report.Chart{Title: "sku 1", X: labels, Lines: []report.Line{{Name: "actual", Y: ys}}})
//	err := r.Write(w)
//
// Output is deterministic: the same calls give the same bytes.
package report

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"strings"
)

// Report is an ordered list of blocks under a title.
type Report struct {
	title  string
	blocks []template.HTML
}

// New starts a report.
func New(title string) *Report { return &Report{title: title} }

// Heading adds a section heading.
func (r *Report) Heading(text string) {
	r.blocks = append(r.blocks, template.HTML("<h2>"+template.HTMLEscapeString(text)+"</h2>"))
}

// Text adds a paragraph.
func (r *Report) Text(text string) {
	r.blocks = append(r.blocks, template.HTML("<p>"+template.HTMLEscapeString(text)+"</p>"))
}

// Table adds a table; cells that look numeric are right-aligned.
func (r *Report) Table(header []string, rows [][]string) {
	var b strings.Builder
	b.WriteString("<table><thead><tr>")
	for _, h := range header {
		fmt.Fprintf(&b, "<th>%s</th>", template.HTMLEscapeString(h))
	}
	b.WriteString("</tr></thead><tbody>")
	for _, row := range rows {
		b.WriteString("<tr>")
		for _, c := range row {
			class := ""
			if numeric(c) {
				class = ` class="n"`
			}
			fmt.Fprintf(&b, "<td%s>%s</td>", class, template.HTMLEscapeString(c))
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table>")
	r.blocks = append(r.blocks, template.HTML(b.String()))
}

func numeric(s string) bool {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "+"), "%")
	if s == "" || s == "-" {
		return s == "-"
	}
	_, err := fmt.Sscanf(s, "%g", new(float64))
	return err == nil
}

// Line is one series of a chart; NaN values leave a break in the line.
type Line struct {
	Name  string
	Y     []float64
	Color string // CSS colour; empty picks from a palette
	Dash  bool   // draw dashed
}

// Chart is a line chart over shared x labels. Shade, when set, marks the
// x positions to highlight (e.g. promoted periods).
type Chart struct {
	Title string
	X     []string
	Lines []Line
	Shade []bool
}

var palette = []string{"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"}

// Chart adds a line chart.
func (r *Report) Chart(c Chart) {
	r.blocks = append(r.blocks, template.HTML(c.svg()))
}

// svg draws the chart 720×220 with axes, min/max labels and a legend.
func (c Chart) svg() string {
	const w, h, left, right, top, bottom = 720.0, 220.0, 48.0, 12.0, 24.0, 28.0
	var vals []float64
	for _, l := range c.Lines {
		for _, y := range l.Y {
			if !math.IsNaN(y) && !math.IsInf(y, 0) {
				vals = append(vals, y)
			}
		}
	}
	lo, hi, top0 := scale(vals)
	clipped := top0 > hi
	n := len(c.X)
	xAt := func(i int) float64 {
		if n < 2 {
			return left
		}
		return left + float64(i)*(w-left-right)/float64(n-1)
	}
	yAt := func(v float64) float64 { return top + (hi-math.Min(v, hi))/(hi-lo)*(h-top-bottom) }
	var b strings.Builder
	fmt.Fprintf(&b, `<figure><svg viewBox="0 0 %g %g" width="%g" height="%g" role="img">`, w, h, w, h)
	fmt.Fprintf(&b, `<text x="%g" y="14" class="t">%s</text>`, left, template.HTMLEscapeString(c.Title))
	step := (w - left - right) / math.Max(1, float64(n-1))
	for i, s := range c.Shade {
		if s && i < n {
			fmt.Fprintf(&b, `<rect x="%.1f" y="%g" width="%.1f" height="%g" class="shade"/>`, xAt(i)-step/2, top, step, h-top-bottom)
		}
	}
	fmt.Fprintf(&b, `<line x1="%g" y1="%g" x2="%g" y2="%g" class="axis"/>`, left, h-bottom, w-right, h-bottom)
	fmt.Fprintf(&b, `<line x1="%g" y1="%g" x2="%g" y2="%g" class="axis"/>`, left, top, left, h-bottom)
	fmt.Fprintf(&b, `<text x="%g" y="%.1f" class="l" text-anchor="end">%s</text>`, left-4, yAt(hi)+4, short(hi))
	fmt.Fprintf(&b, `<text x="%g" y="%.1f" class="l" text-anchor="end">%s</text>`, left-4, yAt(lo)+4, short(lo))
	if clipped {
		fmt.Fprintf(&b, `<text x="%g" y="%g" class="l">values above %s drawn at the top (largest %s)</text>`, left+4, top+10, short(hi), short(top0))
	}
	if n > 0 {
		fmt.Fprintf(&b, `<text x="%g" y="%g" class="l">%s</text>`, left, h-8, template.HTMLEscapeString(c.X[0]))
		fmt.Fprintf(&b, `<text x="%g" y="%g" class="l" text-anchor="end">%s</text>`, w-right, h-8, template.HTMLEscapeString(c.X[n-1]))
	}
	legendX := w - right
	for k := len(c.Lines) - 1; k >= 0; k-- {
		l := c.Lines[k]
		color := l.Color
		if color == "" {
			color = palette[k%len(palette)]
		}
		dash := ""
		if l.Dash {
			dash = ` stroke-dasharray="5 3"`
		}
		var path strings.Builder
		pen := false
		for i, y := range l.Y {
			if i >= n || math.IsNaN(y) {
				pen = false
				continue
			}
			cmd := "L"
			if !pen {
				cmd = "M"
			}
			fmt.Fprintf(&path, "%s%.1f %.1f", cmd, xAt(i), yAt(y))
			pen = true
		}
		fmt.Fprintf(&b, `<path d="%s" fill="none" stroke="%s" stroke-width="1.5"%s/>`, path.String(), color, dash)
		legendX -= 9 + 7*float64(len(l.Name)) + 14
		fmt.Fprintf(&b, `<line x1="%.1f" y1="8" x2="%.1f" y2="8" stroke="%s" stroke-width="2"%s/><text x="%.1f" y="12" class="l">%s</text>`,
			legendX, legendX+12, color, dash, legendX+14, template.HTMLEscapeString(l.Name))
	}
	b.WriteString("</svg></figure>")
	return b.String()
}

// scale returns the y axis range of a chart's values: from min(0, lowest)
// to the highest value, unless the highest values are spikes (above three
// times the 98th percentile), in which case the axis ends at 1.5 times that
// percentile so that one spike does not flatten every other line; top is
// the largest value either way.
func scale(vals []float64) (lo, hi, top float64) {
	if len(vals) == 0 {
		return 0, 1, 1
	}
	sorted := slices.Clone(vals)
	slices.Sort(sorted)
	lo, top = math.Min(sorted[0], 0), sorted[len(sorted)-1]
	hi = top
	if q := sorted[int(0.98*float64(len(sorted)-1))]; q > 0 && top > 3*q {
		hi = 1.5 * q
	}
	if hi <= lo {
		hi = lo + 1
	}
	return lo, hi, math.Max(top, hi)
}

// svgStyle is the page's chart styles, for standalone SVG documents.
const svgStyle = `.axis{stroke:#999}.l{font:11px sans-serif;fill:#555}.t{font:600 12px sans-serif;fill:#222}.shade{fill:#fbe3c8;opacity:.7}`

// SVG returns the chart as a standalone SVG document, its styles and a
// white background inside, e.g. to show as an image in a README.
func (c Chart) SVG() string {
	s := strings.TrimSuffix(strings.TrimPrefix(c.svg(), "<figure>"), "</figure>")
	s = strings.Replace(s, "<svg ", `<svg xmlns="http://www.w3.org/2000/svg" `, 1)
	i := strings.Index(s, ">") + 1
	return s[:i] + "<style>" + svgStyle + `</style><rect width="100%" height="100%" fill="#fff"/>` + s[i:] + "\n"
}

// short formats an axis value compactly.
func short(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e6:
		return fmt.Sprintf("%.1fM", v/1e6)
	case a >= 1e3:
		return fmt.Sprintf("%.1fk", v/1e3)
	case a >= 10 || v == 0:
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.2g", v)
}

var page = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:960px;color:#222}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5em 0}th,td{padding:3px 10px;border-bottom:1px solid #eee}
th{text-align:left;background:#f6f6f6}td.n{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:.5em 0}svg .axis{stroke:#999}svg .l{font-size:11px;fill:#555}svg .t{font-size:12px;fill:#222;font-weight:600}
svg .shade{fill:#fbe3c8;opacity:.7}
</style></head><body><h1>{{.Title}}</h1>
{{range .Blocks}}{{.}}
{{end}}</body></html>
`))

// Write renders the report as one HTML page.
func (r *Report) Write(w io.Writer) error {
	return page.Execute(w, struct {
		Title  string
		Blocks []template.HTML
	}{r.title, r.blocks})
}
