package report

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
)

var pageTemplates = template.Must(template.New("pages").ParseFS(templates,
	"templates/summary.html.tmpl", "templates/style.tmpl", "templates/hr.html.tmpl",
	"templates/team.html.tmpl", "templates/me.html.tmpl"))

// execute renders the template name with data in full, then writes it to w.
func execute(w io.Writer, name, what string, data any) error {
	var buf bytes.Buffer
	if err := pageTemplates.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("write %s: %w", what, err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write %s: %w", what, err)
	}
	return nil
}

// kv is one labelled figure.
type kv struct{ Label, Value, Note, Class string }

// ---- HR ----

type hrPage struct {
	summaryPage
	Validation    Validation
	WeekRows      []weekCheckRow
	ExcludedTotal int
	FocusChart    template.HTML
	CollabHist    template.HTML
	CreationHist  template.HTML
	TrendShare    template.HTML
	TrendHours    template.HTML
	AfterCards    []kv
	Matrix        [2][2]string // [small, large][short, long]: mean hours (share)
	HygieneCards  []kv
	Rule          string
	HasKinds      bool
	KindBar       template.HTML
	Async         []driverRow
	AsyncTotal    string
	KindsPeople   int
	Floor         int
}

type weekCheckRow struct {
	Week, Scheduled, OOO, Collab string
	People, Inactive             int
	Holiday                      bool
}

// WriteHRHTML writes r as one self-contained HTML page for HR analysts:
// inline CSS and SVG, no scripts, no network requests; group figures only.
func WriteHRHTML(w io.Writer, r *HRReport) error {
	p := hrPage{summaryPage: newSummaryPage(r.OrgSummary), Validation: r.Validation, Rule: ClassificationRule}
	for _, c := range r.Validation.Excluded {
		p.ExcludedTotal += c.Count
	}
	for _, wc := range r.Validation.Weeks {
		p.WeekRows = append(p.WeekRows, weekCheckRow{Week: wc.Week, People: wc.People, Scheduled: hours(wc.MeanScheduled),
			OOO: strings.TrimSuffix(fmt.Sprintf("%.2f", wc.MeanOOODays), "0"), Collab: hours(wc.MeanCollaboration), Inactive: wc.Inactive, Holiday: wc.Holiday})
	}
	if !p.TotalHidden {
		p.CollabHist = histogramSVG(p.CollabChart)
		p.CreationHist = histogramSVG(p.CreationChart)
		fb := r.FocusBuckets
		p.FocusChart = barChart("People by focus hours a week", "Number of people by their mean focus hours a week",
			[]barItem{{"0–10 h", float64(fb[0]), fmt.Sprint(fb[0]), "bar over"}, {"10–20 h", float64(fb[1]), fmt.Sprint(fb[1]), "bar above"},
				{"20–40 h", float64(fb[2]), fmt.Sprint(fb[2]), "bar within"}, {"40+ h", float64(fb[3]), fmt.Sprint(fb[3]), "bar within"}})
		var weeks []string
		var share, creation, focus, after, weekend []float64
		for _, g := range r.ByWeek {
			weeks = append(weeks, g.Name)
			share = append(share, medianOrNaN(g, CollaborationShare))
			creation = append(creation, medianOrNaN(g, CreationShare))
			focus = append(focus, medianOrNaN(g, FocusHours))
			after = append(after, medianOrNaN(g, AfterHoursCollaborationHours))
			weekend = append(weekend, medianOrNaN(g, WeekendCollaborationHours))
		}
		p.TrendShare = lineChart("Median shares by week", "Median collaboration and creation share by week", weeks,
			[]lineSeries{{"Collaboration share", "s1", share}, {"Creation share", "s2", creation}}, pct,
			[]refLine{{r.AboveTypicalShare, p.AboveTypical}, {r.OverloadedShare, p.Overloaded}, {r.CreationReference, p.Creation + " creation"}})
		p.TrendHours = lineChart("Median hours by week", "Median focus, after-hours and weekend hours by week", weeks,
			[]lineSeries{{"Focus", "s2", focus}, {"After-hours", "s3", after}, {"Weekend", "s1", weekend}}, hours, nil)
		t := &r.Hygiene
		p.AfterCards = []kv{
			{"Median after-hours collaboration", hours(t.Stat(AfterHoursCollaborationHours).Median) + " h", "p90 " + hours(t.Stat(AfterHoursCollaborationHours).P90) + " h a week", ""},
			{"Median weekend collaboration", hours(t.Stat(WeekendCollaborationHours).Median) + " h", "p90 " + hours(t.Stat(WeekendCollaborationHours).P90) + " h a week", ""},
			{"People with 5 h+ after hours", fmt.Sprint(r.AfterHoursHeavy), fmt.Sprintf("of %d, on average a week", t.People), ""},
			{"People with 1 h+ at weekends", fmt.Sprint(r.WeekendWorkers), fmt.Sprintf("of %d, on average a week", t.People), ""},
		}
		cells := [2][2]Metric{{SmallAndShortMeetingHours, SmallAndLongMeetingHours}, {LargeAndShortMeetingHours, LargeAndLongMeetingHours}}
		sumCells := 0.0
		for _, row := range cells {
			for _, m := range row {
				sumCells += t.Stat(m).Mean
			}
		}
		for i, row := range cells {
			for j, m := range row {
				v := t.Stat(m).Mean
				s := hours(v) + " h"
				if sumCells > 0 {
					s += " (" + pct(v/sumCells) + ")"
				}
				p.Matrix[i][j] = s
			}
		}
		p.HygieneCards = []kv{
			{"Recurring share of meeting hours", pct(r.RecurringShare), "all meeting hours of all people", ""},
			{"Conflicting meeting hours", hours(t.Stat(ConflictingMeetingHours).Mean) + " h", "mean a person a week: double-booked time", ""},
			{"Multitasking hours", hours(t.Stat(MultitaskingHours).Mean) + " h", "mean a person a week: mail or chat sent during meetings", ""},
			{"Meeting hours with manager", hours(t.Stat(MeetingHoursWithManager).Mean) + " h", "mean a person a week; 1:1 " + hours(t.Stat(MeetingHoursWithManager1On1).Mean) + " h", ""},
		}
	}
	if k := r.Kinds; k != nil && !p.TotalHidden && r.KindsPeople > 0 {
		n := float64(r.KindsPeople)
		p.HasKinds, p.KindsPeople, p.Floor = true, r.KindsPeople, k.Floor
		hfmt := func(v float64) string { return hours(v) + " h" }
		p.KindBar = stackedBar("Meeting hours a person a week: coordination and collaboration", []segment{
			{"Coordination", k.CoordinationHours / n, "seg-above"}, {"Collaboration", k.CollaborationHours / n, "seg-within"}}, hfmt)
		total := 0.0
		for i, d := range k.AsyncCandidates {
			total += d.ReturnPerWeek
			if i < 15 {
				p.Async = append(p.Async, newDriverRow(d))
			}
		}
		p.AsyncTotal = hours(total)
	}
	return execute(w, "hr.html.tmpl", "hr report html", p)
}

func medianOrNaN(g Group, m Metric) float64 {
	if g.Hidden() || g.Stat(m).N == 0 {
		return math.NaN()
	}
	return g.Stat(m).Median
}

// ---- Team ----

type teamPage struct {
	*TeamReport
	WeeksText, Generated                     string
	AboveTypical, Overloaded, Creation       string
	CollabMedian, CollabClass, CollabVerdict string
	CreationMedian                           string
	FocusMedian, AfterMedian                 string
	BandBar, TrendShare, TrendHours          template.HTML
	RoleBar, KindBar                         template.HTML
	Drivers, Async                           []driverRow
	Roles                                    []roleRow
	Other, TotalMeeting, Coord, Collab       string
	AsyncTotal                               string
	Rule                                     string
}

type driverRow struct {
	Label, Kind, Why, Class, Role, Minutes, Hours, Return string
	Invitees                                              int32
	Members, Occurrences                                  int
}

type roleRow struct{ Role, Hours, Share string }

func newTeamPage(r *TeamReport) teamPage {
	th := thresholds{r.AboveTypicalShare, r.OverloadedShare, r.CreationReference, r.Floor}
	p := teamPage{TeamReport: r, WeeksText: weeksText(r.Weeks), Generated: r.GeneratedAt.Format("2 January 2006 15:04 MST"),
		AboveTypical: pct(r.AboveTypicalShare), Overloaded: pct(r.OverloadedShare), Creation: pct(r.CreationReference), Rule: ClassificationRule}
	if r.Hidden {
		return p
	}
	t := &r.Team
	p.CollabMedian, p.CreationMedian = "–", "–"
	if st := t.Stat(CollaborationShare); st.N > 0 {
		p.CollabMedian = pct1(st.Median)
		p.CollabClass = bandClass(th.band(st.Median))
		p.CollabVerdict = verdict(th, st.Median)
	}
	if st := t.Stat(CreationShare); st.N > 0 {
		p.CreationMedian = pct1(st.Median)
	}
	p.FocusMedian = hours(t.Stat(FocusHours).Median)
	p.AfterMedian = hours(t.Stat(AfterHoursCollaborationHours).Median)
	b := t.Bands
	count := func(v float64) string { return fmt.Sprintf("%.0f", v) }
	p.BandBar = stackedBar("Team members by band", []segment{
		{"Within", float64(b.Within), "seg-within"}, {"Above typical", float64(b.AboveTypical), "seg-above"},
		{"Overloaded", float64(b.Overloaded), "seg-over"}, {"No scheduled hours", float64(b.Undefined), "seg-none"}}, count)
	var weeks []string
	var share, focus, after []float64
	for _, g := range r.ByWeek {
		weeks = append(weeks, g.Name)
		share = append(share, medianOrNaN(g, CollaborationShare))
		focus = append(focus, medianOrNaN(g, FocusHours))
		after = append(after, medianOrNaN(g, AfterHoursCollaborationHours))
	}
	p.TrendShare = lineChart("Median collaboration share by week", "Team median collaboration share by week", weeks,
		[]lineSeries{{"Collaboration share", "s1", share}}, pct,
		[]refLine{{r.AboveTypicalShare, p.AboveTypical}, {r.OverloadedShare, p.Overloaded}})
	p.TrendHours = lineChart("Median focus and after-hours by week", "Team median focus hours and after-hours collaboration by week", weeks,
		[]lineSeries{{"Focus hours", "s2", focus}, {"After-hours collaboration", "s3", after}}, hours, nil)
	for i, d := range r.Drivers {
		if i == 10 {
			break
		}
		p.Drivers = append(p.Drivers, newDriverRow(d))
	}
	asyncTotal := 0.0
	for _, d := range r.AsyncCandidates {
		p.Async = append(p.Async, newDriverRow(d))
		asyncTotal += d.ReturnPerWeek
	}
	p.AsyncTotal = hours(asyncTotal)
	var segs []segment
	for i, ro := range r.Roles {
		p.Roles = append(p.Roles, roleRow{ro.Role, hours(ro.HoursPerWeek), pct(ro.Share)})
		segs = append(segs, segment{ro.Role, ro.HoursPerWeek, fmt.Sprintf("seg-%d", i%5)})
	}
	hfmt := func(v float64) string { return hours(v) + " h" }
	p.RoleBar = stackedBar("Team meeting hours a week by organizer role", segs, hfmt)
	p.KindBar = stackedBar("Team meeting hours a week: coordination and collaboration", []segment{
		{"Coordination", r.CoordinationHours, "seg-above"}, {"Collaboration", r.CollaborationHours, "seg-within"}}, hfmt)
	p.Other, p.TotalMeeting = hours(r.OtherHours), hours(r.TotalMeetingHours)
	p.Coord, p.Collab = hours(r.CoordinationHours), hours(r.CollaborationHours)
	return p
}

func newDriverRow(d Driver) driverRow {
	cls := "within"
	if d.Kind == Coordination {
		cls = "above"
	}
	label := d.Label
	if d.TitleClass != "" {
		label += " · " + d.TitleClass
	}
	return driverRow{Label: label, Kind: string(d.Kind), Why: d.Why, Class: cls, Role: d.Role, Minutes: fmt.Sprintf("%.0f", d.Minutes),
		Hours: hours(d.HoursPerWeek), Return: hours(d.ReturnPerWeek), Invitees: d.Invitees, Members: d.TeamMembers, Occurrences: d.Occurrences}
}

func verdict(th thresholds, share float64) string {
	switch th.band(share) {
	case "overloaded":
		return fmt.Sprintf("At or above the %s overload level", pct(th.overloaded))
	case "above_typical":
		return fmt.Sprintf("Above the %s typical level, below the %s overload level", pct(th.aboveTypical), pct(th.overloaded))
	}
	return fmt.Sprintf("Below the %s typical level", pct(th.aboveTypical))
}

// WriteTeamHTML writes r as one self-contained HTML page for the manager:
// the team as one group, never an individual.
func WriteTeamHTML(w io.Writer, r *TeamReport) error {
	return execute(w, "team.html.tmpl", "team report html", newTeamPage(r))
}

// ---- Personal ----

type mePage struct {
	*PersonalReport
	Generated, WeeksText               string
	AboveTypical, Overloaded, Creation string
	CollabShare, CollabClass, Verdict  string
	CreationShare, CreationClass       string
	Focus, After, Weekend, Meeting     string
	TimeBar, WeekChart                 template.HTML
	WeekRows                           []meWeekRow
	Breakers                           []breakerRow
	Suggestions                        []suggestionRow
	Coord, Collab                      string
	Rule                               string
}

type meWeekRow struct{ Week, Share, Class, Band, Collab, Meeting, Focus, After, Weekend string }
type breakerRow struct{ Label, Kind, Hours, Focus string }
type suggestionRow struct{ Action, What, Hours string }

func newMePage(r *PersonalReport) mePage {
	th := thresholds{r.AboveTypicalShare, r.OverloadedShare, r.CreationReference, 0}
	var weeks []string
	for _, w := range r.Weeks {
		weeks = append(weeks, w.Week)
	}
	p := mePage{PersonalReport: r, Generated: r.GeneratedAt.Format("2 January 2006 15:04 MST"), WeeksText: weeksText(weeks),
		AboveTypical: pct(r.AboveTypicalShare), Overloaded: pct(r.OverloadedShare), Creation: pct(r.CreationReference),
		CollabShare: "–", CreationShare: "–", Verdict: "No scheduled working hours in these weeks", Rule: ClassificationRule}
	m := r.Mean
	if r.HasShares {
		p.CollabShare, p.CollabClass, p.Verdict = pct1(m.CollaborationShare), bandClass(r.Band), verdict(th, m.CollaborationShare)
		p.CreationShare = pct1(m.CreationShare)
		p.CreationClass = "within"
		if m.CreationShare < r.CreationReference {
			p.CreationClass = "above"
		}
	}
	p.Focus, p.After, p.Weekend, p.Meeting = hours(m.FocusHours), hours(m.AfterHoursCollaborationHours), hours(m.WeekendCollaborationHours), hours(m.MeetingHours)
	hfmt := func(v float64) string { return hours(v) + " h" }
	p.TimeBar = stackedBar("Your working hours a week", []segment{
		{"Meetings", r.TimeMeetings, "seg-over"}, {"Pieces under 1 h", r.TimeFragments, "seg-above"},
		{"1–2 h pieces", r.TimeMidBlocks, "seg-none"}, {"Focus blocks", r.TimeFocusBlocks, "seg-within"}}, hfmt)
	var share, focus []float64
	for _, w := range r.Weeks {
		row := w.Row
		wr := meWeekRow{Week: w.Week, Share: "–", Band: "no scheduled hours", Collab: hours(row.CollaborationHours), Meeting: hours(row.MeetingHours),
			Focus: hours(row.FocusHours), After: hours(row.AfterHoursCollaborationHours), Weekend: hours(row.WeekendCollaborationHours)}
		if row.HasShares {
			wr.Share, wr.Class, wr.Band = pct1(row.CollaborationShare), bandClass(row.OverloadBand), strings.ReplaceAll(row.OverloadBand, "_", " ")
			share = append(share, row.CollaborationShare)
		} else {
			share = append(share, math.NaN())
		}
		focus = append(focus, row.FocusHours)
		p.WeekRows = append(p.WeekRows, wr)
	}
	p.WeekChart = lineChart("Your collaboration share by week", "Your collaboration share by week against the references", weeks,
		[]lineSeries{{"Collaboration share", "s1", share}}, pct,
		[]refLine{{r.AboveTypicalShare, p.AboveTypical}, {r.OverloadedShare, p.Overloaded}})
	for _, b := range r.Breakers {
		p.Breakers = append(p.Breakers, breakerRow{b.Label, string(b.Kind), hours(b.Hours), hours(b.FocusReturned)})
	}
	for _, s := range r.Suggestions {
		p.Suggestions = append(p.Suggestions, suggestionRow{s.Action, s.What, hours(s.Hours)})
	}
	p.Coord, p.Collab = hours(r.CoordinationHrs), hours(r.CollabHrs)
	return p
}

// WritePersonalHTML writes r as one self-contained HTML page for the
// person it is about.
func WritePersonalHTML(w io.Writer, r *PersonalReport) error {
	return execute(w, "me.html.tmpl", "personal report html", newMePage(r))
}
