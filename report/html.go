package report

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
)

//go:embed templates/*.tmpl
var templates embed.FS

var summaryTemplate = template.Must(template.New("summary.html.tmpl").ParseFS(templates, "templates/summary.html.tmpl"))

// WriteOrgSummaryHTML writes s as one self-contained HTML page for an HR
// analyst: inline CSS and SVG, no scripts and no network requests. It shows
// group figures only (never a person's row), hidden groups by name only, and
// the sources and caveats of the references. The page is rendered in full
// before anything is written to w.
func WriteOrgSummaryHTML(w io.Writer, s *OrgSummary) error {
	var buf bytes.Buffer
	if err := summaryTemplate.Execute(&buf, newSummaryPage(s)); err != nil {
		return fmt.Errorf("write org summary html: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write org summary html: %w", err)
	}
	return nil
}

// summaryPage is the template's view of an OrgSummary: every number already
// formatted, every chart already laid out.
type summaryPage struct {
	Title, WeeksText, Generated string
	MinGroupSize                int
	AboveTypical, Overloaded    string // "57%", "85%"
	Creation                    string // "43%"
	EmailSend, EmailRead        string // minutes

	TotalHidden         bool
	People, PersonWeeks int
	CollabMedian        string
	CollabVerdict       string
	CollabClass         string
	CreationMedian      string
	CreationVerdict     string
	CreationClass       string
	Bands               []bandCell

	CollabChart, CreationChart chart

	GroupBy    string
	Groups     []groupRow
	Total      groupRow
	MetricRows []metricRow
}

type bandCell struct {
	Label, Class, Share, Rule string
	Count                     int
}

type groupRow struct {
	Name                                    string
	Hidden                                  bool
	HiddenText                              string
	People                                  int
	Overloaded, AboveTypical, Within        int
	CollabMedian, CollabP90, CreationMedian string
	CollabClass                             string
	Hours                                   []string // medians of hourMetrics
}

// hourMetrics are the columns of hours in the groups table.
var hourMetrics = []Metric{
	CollaborationHours, MeetingHours, EmailHours, ChatHours, FocusHours,
	AfterHoursCollaborationHours, ScheduledWorkingHours,
}

type metricRow struct {
	Label, Mean, Median, P90 string
	N                        int
}

func newSummaryPage(s *OrgSummary) summaryPage {
	sum := s.Summary
	if sum == nil {
		sum = &Summary{MinGroupSize: DefaultMinGroupSize, Total: Group{Name: TotalName, Suppressed: SuppressedSmall}}
	}
	p := summaryPage{
		Title:        s.Title,
		WeeksText:    weeksText(s.Weeks),
		Generated:    s.GeneratedAt.Format("2 January 2006 15:04 MST"),
		MinGroupSize: sum.MinGroupSize,
		AboveTypical: pct(s.AboveTypicalShare),
		Overloaded:   pct(s.OverloadedShare),
		Creation:     pct(s.CreationReference),
		EmailSend:    minutes(s.EmailSendMinutes),
		EmailRead:    minutes(s.EmailReadMinutes),
		TotalHidden:  sum.Total.Hidden(),
		GroupBy:      s.GroupBy,
	}
	if p.Title == "" {
		p.Title = DefaultTitle
	}
	if s.GeneratedAt.IsZero() {
		p.Generated = "unknown time"
	}
	if p.GroupBy == "" {
		p.GroupBy = "Group"
	}
	th := thresholds{s.AboveTypicalShare, s.OverloadedShare, s.CreationReference, sum.MinGroupSize}
	p.Total = newGroupRow(&sum.Total, th)
	for i := range sum.Groups {
		p.Groups = append(p.Groups, newGroupRow(&sum.Groups[i], th))
	}
	if p.TotalHidden {
		return p
	}

	t := &sum.Total
	p.People, p.PersonWeeks = t.People, t.PersonWeeks
	collab, creation := t.Stat(CollaborationShare), t.Stat(CreationShare)
	p.CollabMedian, p.CreationMedian = "–", "–"
	p.CollabVerdict = "No week with scheduled working hours"
	p.CreationVerdict = p.CollabVerdict
	if collab.N > 0 {
		p.CollabMedian = pct1(collab.Median)
		p.CollabClass = bandClass(th.band(collab.Median))
		switch th.band(collab.Median) {
		case "overloaded":
			p.CollabVerdict = fmt.Sprintf("At or above the %s overload level", p.Overloaded)
		case "above_typical":
			p.CollabVerdict = fmt.Sprintf("Above the %s typical level, below the %s overload level", p.AboveTypical, p.Overloaded)
		default:
			p.CollabVerdict = fmt.Sprintf("Below the %s typical level", p.AboveTypical)
		}
	}
	if creation.N > 0 {
		p.CreationMedian = pct1(creation.Median)
		if creation.Median < s.CreationReference {
			p.CreationClass = "above"
			p.CreationVerdict = fmt.Sprintf("Below the %s creation reference", p.Creation)
		} else {
			p.CreationClass = "within"
			p.CreationVerdict = fmt.Sprintf("At or above the %s creation reference", p.Creation)
		}
	}
	b := t.Bands
	withShare := b.Overloaded + b.AboveTypical + b.Within
	share := func(n int) string {
		if withShare == 0 {
			return "–"
		}
		return pct(float64(n) / float64(withShare))
	}
	p.Bands = []bandCell{
		{"Overloaded", "over", share(b.Overloaded), "≥ " + p.Overloaded, b.Overloaded},
		{"Above typical", "above", share(b.AboveTypical), p.AboveTypical + "–" + p.Overloaded, b.AboveTypical},
		{"Within", "within", share(b.Within), "< " + p.AboveTypical, b.Within},
	}
	if b.Undefined > 0 {
		p.Bands = append(p.Bands, bandCell{"No scheduled hours", "none", "", "no share", b.Undefined})
	}
	for _, m := range Metrics() {
		st := t.Stat(m)
		f := hours
		if m.IsShare() {
			f = pct1
		}
		row := metricRow{Label: m.Label(), N: st.N, Mean: "–", Median: "–", P90: "–"}
		if st.N > 0 {
			row.Mean, row.Median, row.P90 = f(st.Mean), f(st.Median), f(st.P90)
		}
		p.MetricRows = append(p.MetricRows, row)
	}
	p.CollabChart = newChart(s.CollaborationShares, "Collaboration share",
		fmt.Sprintf("Shaded: %s to %s (above typical) and %s or more (overloaded). The last bar counts %s and more.", p.AboveTypical, p.Overloaded, p.Overloaded, pct(float64(len(s.CollaborationShares.Counts)-1)*s.CollaborationShares.BinWidth)),
		[]refLine{{Value: s.AboveTypicalShare, Label: p.AboveTypical + " typical"}, {Value: s.OverloadedShare, Label: p.Overloaded + " overload"}},
		[]zone{{From: s.AboveTypicalShare, To: s.OverloadedShare, Class: "zone-above"}, {From: s.OverloadedShare, To: math.Inf(1), Class: "zone-over"}})
	p.CreationChart = newChart(s.CreationShares, "Creation share",
		fmt.Sprintf("Shaded: below the %s creation reference.", p.Creation),
		[]refLine{{Value: s.CreationReference, Label: p.Creation + " creation"}},
		[]zone{{From: 0, To: s.CreationReference, Class: "zone-above"}})
	return p
}

func newGroupRow(g *Group, th thresholds) groupRow {
	r := groupRow{Name: g.Name, Hidden: g.Hidden()}
	switch g.Suppressed {
	case SuppressedSmall:
		r.HiddenText = fmt.Sprintf("< %d people", th.minGroupSize)
		return r
	case SuppressedComplementary:
		r.HiddenText = "hidden so that a smaller group cannot be worked out from the total"
		return r
	}
	r.People = g.People
	r.Overloaded, r.AboveTypical, r.Within = g.Bands.Overloaded, g.Bands.AboveTypical, g.Bands.Within
	r.CollabMedian, r.CollabP90, r.CreationMedian = "–", "–", "–"
	if st := g.Stat(CollaborationShare); st.N > 0 {
		r.CollabMedian, r.CollabP90 = pct1(st.Median), pct1(st.P90)
		r.CollabClass = bandClass(th.band(st.Median))
	}
	if st := g.Stat(CreationShare); st.N > 0 {
		r.CreationMedian = pct1(st.Median)
	}
	for _, m := range hourMetrics {
		r.Hours = append(r.Hours, hours(g.Stat(m).Median))
	}
	return r
}

func bandClass(band string) string {
	switch band {
	case "overloaded":
		return "over"
	case "above_typical":
		return "above"
	}
	return "within"
}

func weeksText(weeks []string) string {
	switch len(weeks) {
	case 0:
		return "no weeks"
	case 1:
		return "week " + weeks[0]
	}
	return fmt.Sprintf("weeks %s to %s (%d weeks)", weeks[0], weeks[len(weeks)-1], len(weeks))
}

func pct(f float64) string  { return strconv.FormatFloat(100*f, 'f', 0, 64) + "%" }
func pct1(f float64) string { return strconv.FormatFloat(100*f, 'f', 1, 64) + "%" }
func hours(f float64) string {
	return strconv.FormatFloat(f, 'f', 1, 64)
}
func minutes(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// A chart is a laid-out SVG histogram.
type chart struct {
	Title, Label, Note       string
	Width, Height            int
	Left, Right, Top, Bottom string
	Bars                     []chartBar
	Zones                    []chartZone
	Refs                     []chartRef
	XTicks, YTicks           []chartTick
	Empty                    bool
}

type chartBar struct{ X, Y, W, H, Tip string }
type chartZone struct{ X, W, Y, H, Class string }
type chartRef struct{ X, Y1, Y2, LabelY, Label string }
type chartTick struct{ X, Y, Label string }

// refLine and zone are a chart's reference lines and shaded ranges, in shares.
type refLine struct {
	Value float64
	Label string
}
type zone struct {
	From, To float64
	Class    string
}

// Chart geometry, in SVG user units.
const (
	chartWidth  = 520
	chartHeight = 250
	chartLeft   = 44
	chartRight  = 504
	chartTop    = 34
	chartBottom = 206
)

func newChart(h Histogram, title, note string, refs []refLine, zones []zone) chart {
	c := chart{
		Title: title, Note: note, Width: chartWidth, Height: chartHeight,
		Left: num(chartLeft), Right: num(chartRight), Top: num(chartTop), Bottom: num(chartBottom),
		Label: "Number of people by their mean " + lowerFirst(title) + " over the weeks covered",
	}
	n := len(h.Counts)
	if n == 0 || h.BinWidth <= 0 {
		c.Empty = true
		return c
	}
	peak := 0
	for _, v := range h.Counts {
		peak = max(peak, v)
	}
	c.Empty = peak == 0
	step := max(1, (peak+3)/4)
	top := max(step, step*((peak+step-1)/step))
	binW := float64(chartRight-chartLeft) / float64(n)
	domain := h.BinWidth * float64(n) // share at the right edge
	x := func(v float64) float64 { return chartLeft + min(v, domain)/h.BinWidth*binW }
	y := func(count int) float64 {
		return chartBottom - float64(count)/float64(top)*float64(chartBottom-chartTop)
	}
	for _, z := range zones {
		x0, x1 := x(max(0, z.From)), x(z.To)
		if x1 > x0 {
			c.Zones = append(c.Zones, chartZone{X: num(x0), W: num(x1 - x0), Y: num(chartTop), H: num(chartBottom - chartTop), Class: z.Class})
		}
	}
	for i, v := range h.Counts {
		if v == 0 {
			continue
		}
		lo := float64(i) * h.BinWidth
		rng := pct(lo) + "–" + pct(lo+h.BinWidth)
		if h.Open && i == n-1 {
			rng = pct(lo) + " and more"
		}
		people := "people"
		if v == 1 {
			people = "person"
		}
		c.Bars = append(c.Bars, chartBar{
			X: num(x(lo) + 1), W: num(binW - 2), Y: num(y(v)), H: num(chartBottom - y(v)),
			Tip: fmt.Sprintf("%s: %d %s", rng, v, people),
		})
	}
	for _, r := range refs {
		c.Refs = append(c.Refs, chartRef{X: num(x(r.Value)), Y1: num(chartTop - 4), Y2: num(chartBottom), LabelY: num(chartTop - 10), Label: r.Label})
	}
	for _, v := range []float64{0, 0.25, 0.5, 0.75, 1} {
		if v <= domain+1e-9 {
			c.XTicks = append(c.XTicks, chartTick{X: num(x(v)), Y: num(chartBottom + 16), Label: pct(v)})
		}
	}
	if h.Open {
		c.XTicks[len(c.XTicks)-1].Label += "+"
	}
	for v := 0; v <= top; v += step {
		c.YTicks = append(c.YTicks, chartTick{X: num(chartLeft - 6), Y: num(y(v) + 4), Label: strconv.Itoa(v)})
	}
	return c
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	if 'A' <= b[0] && b[0] <= 'Z' {
		b[0] += 'a' - 'A'
	}
	return string(b)
}
