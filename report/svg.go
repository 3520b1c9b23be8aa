package report

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// Inline SVG charts for the HR, team and personal pages. Every text is
// escaped here; the result is trusted template.HTML.

// A barItem is one bar of a bar chart.
type barItem struct {
	Label string
	Value float64
	Text  string // value label above the bar
	Class string // "" = bar
}

// barChart lays out vertical bars with category labels underneath.
func barChart(title, aria string, items []barItem) template.HTML {
	const w, h, left, right, top, bottom = 520, 250, 44, 504, 34, 206
	var b strings.Builder
	fmt.Fprintf(&b, `<svg viewBox="0 0 %d %d" role="img" aria-label="%s">`, w, h, esc(aria))
	fmt.Fprintf(&b, `<text class="title" x="%d" y="14">%s</text>`, left, esc(title))
	peak := 0.0
	for _, it := range items {
		peak = math.Max(peak, it.Value)
	}
	topV := niceCeil(peak)
	y := func(v float64) float64 { return bottom - v/topV*(bottom-top) }
	for i := 0; i <= 4; i++ {
		v := topV * float64(i) / 4
		fmt.Fprintf(&b, `<line class="grid" x1="%d" y1="%.1f" x2="%d" y2="%.1f"/>`, left, y(v), right, y(v))
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`, left-6, y(v)+4, esc(trimNum(v)))
	}
	n := max(1, len(items))
	slot := float64(right-left) / float64(n)
	for i, it := range items {
		x := float64(left) + slot*float64(i)
		cls := it.Class
		if cls == "" {
			cls = "bar"
		}
		bw := slot * 0.7
		fmt.Fprintf(&b, `<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %s</title></rect>`,
			cls, x+slot*0.15, y(it.Value), bw, float64(bottom)-y(it.Value), esc(it.Label), esc(it.Text))
		fmt.Fprintf(&b, `<text class="val" x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, x+slot/2, y(it.Value)-4, esc(it.Text))
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`, x+slot/2, bottom+16, esc(it.Label))
	}
	fmt.Fprintf(&b, `<line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/>`, left, bottom, right, bottom)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// A lineSeries is one line of a line chart; NaN values are gaps.
type lineSeries struct {
	Name   string
	Class  string // s1, s2, s3
	Values []float64
}

// lineChart lays out series over categories xs, with horizontal reference
// lines (value, label).
func lineChart(title, aria string, xs []string, series []lineSeries, format func(float64) string, refs []refLine) template.HTML {
	const w, h, left, right, top, bottom = 520, 250, 44, 504, 40, 206
	var b strings.Builder
	fmt.Fprintf(&b, `<svg viewBox="0 0 %d %d" role="img" aria-label="%s">`, w, h, esc(aria))
	fmt.Fprintf(&b, `<text class="title" x="%d" y="14">%s</text>`, left, esc(title))
	peak := 0.0
	for _, s := range series {
		for _, v := range s.Values {
			if !math.IsNaN(v) {
				peak = math.Max(peak, v)
			}
		}
	}
	for _, r := range refs {
		peak = math.Max(peak, r.Value)
	}
	topV := niceCeil(peak)
	y := func(v float64) float64 { return bottom - v/topV*(bottom-top) }
	for i := 0; i <= 4; i++ {
		v := topV * float64(i) / 4
		fmt.Fprintf(&b, `<line class="grid" x1="%d" y1="%.1f" x2="%d" y2="%.1f"/>`, left, y(v), right, y(v))
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`, left-6, y(v)+4, esc(format(v)))
	}
	n := len(xs)
	x := func(i int) float64 {
		if n <= 1 {
			return float64(left+right) / 2
		}
		return float64(left+16) + float64(i)*float64(right-left-32)/float64(n-1)
	}
	for i, lbl := range xs {
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`, x(i), bottom+16, esc(lbl))
	}
	for _, r := range refs {
		fmt.Fprintf(&b, `<line class="ref" x1="%d" y1="%.1f" x2="%d" y2="%.1f"/>`, left, y(r.Value), right, y(r.Value))
		fmt.Fprintf(&b, `<text class="ref-label" x="%d" y="%.1f" text-anchor="end">%s</text>`, right, y(r.Value)-4, esc(r.Label))
	}
	for _, s := range series {
		var pts []string
		for i, v := range s.Values {
			if math.IsNaN(v) {
				continue
			}
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(v)))
			fmt.Fprintf(&b, `<circle class="pt %s" cx="%.1f" cy="%.1f" r="3.5"><title>%s %s: %s</title></circle>`, s.Class, x(i), y(v), esc(s.Name), esc(xs[i]), esc(format(v)))
		}
		if len(pts) > 1 {
			fmt.Fprintf(&b, `<polyline class="line %s" points="%s"/>`, s.Class, strings.Join(pts, " "))
		}
	}
	// Legend.
	lx := float64(left)
	for _, s := range series {
		fmt.Fprintf(&b, `<rect class="key %s" x="%.1f" y="22" width="10" height="10"/><text x="%.1f" y="31">%s</text>`, s.Class, lx, lx+14, esc(s.Name))
		lx += 24 + 6.5*float64(len(s.Name))
	}
	fmt.Fprintf(&b, `<line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/>`, left, bottom, right, bottom)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// A segment is one part of a stacked bar.
type segment struct {
	Label string
	Value float64
	Class string
}

// stackedBar lays out one horizontal bar split into segments, with a
// legend that wraps onto as many lines as it needs.
func stackedBar(aria string, segs []segment, format func(float64) string) template.HTML {
	const w, left, right = 1000, 4, 996
	total := 0.0
	for _, s := range segs {
		total += s.Value
	}
	var bar, legend strings.Builder
	x := float64(left)
	for _, s := range segs {
		if total <= 0 || s.Value <= 0 {
			continue
		}
		sw := s.Value / total * float64(right-left)
		fmt.Fprintf(&bar, `<rect class="%s" x="%.1f" y="4" width="%.1f" height="30"><title>%s: %s</title></rect>`, s.Class, x, sw, esc(s.Label), esc(format(s.Value)))
		x += sw
	}
	lx, ly := float64(left), 56.0
	for _, s := range segs {
		label := s.Label + " " + format(s.Value)
		width := 30 + 7.2*float64(len([]rune(label)))
		if lx > left && lx+width > right {
			lx, ly = left, ly+20
		}
		fmt.Fprintf(&legend, `<rect class="%s" x="%.1f" y="%.1f" width="12" height="12"/><text class="legend" x="%.1f" y="%.1f">%s</text>`, s.Class, lx, ly-10, lx+17, ly, esc(label))
		lx += width
	}
	h := int(ly) + 8
	return template.HTML(fmt.Sprintf(`<svg class="stacked" viewBox="0 0 %d %d" role="img" aria-label="%s">%s%s</svg>`, w, h, esc(aria), bar.String(), legend.String()))
}

// histogramSVG renders an org-summary histogram chart with the summary
// template's "chart" definition.
func histogramSVG(c chart) template.HTML {
	var buf bytes.Buffer
	if err := summaryTemplate.ExecuteTemplate(&buf, "chart", c); err != nil {
		return template.HTML("<p>" + esc(err.Error()) + "</p>")
	}
	return template.HTML(buf.String())
}

func esc(s string) string { return html.EscapeString(s) }

// niceCeil returns a round number at or above v (at least 1).
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

func trimNum(v float64) string {
	s := fmt.Sprintf("%.1f", v)
	return strings.TrimSuffix(s, ".0")
}
