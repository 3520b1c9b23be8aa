package report_test

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/report"
)

var generated = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// orgRows returns two weeks of rows for groups of the given sizes; person
// ids are "pid-<group>-<n>", easy to look for in output.
func orgRows(sizes map[string]int) []dataset.PersonWeek {
	var rows []dataset.PersonWeek
	for _, org := range slices.Sorted(maps.Keys(sizes)) {
		n := sizes[org]
		for i := range n {
			for _, wk := range []string{"2026-W10", "2026-W11"} {
				r := week(fmt.Sprintf("pid-%s-%02d", org, i), org, wk, 0.3+0.05*float64(i), 0.6, 10+float64(i))
				r.CollaborationHours, r.FocusHours, r.AfterHoursCollaborationHours = 12+float64(i), 20, 2
				r.SmallAndShortMeetingHours, r.LargeAndLongMeetingHours, r.RecurringMeetingHours = 4, 1, 3
				rows = append(rows, r)
			}
		}
	}
	return rows
}

func hrOutputs(t *testing.T, rows []dataset.PersonWeek) (*report.HRReport, string, *excelize.File) {
	t.Helper()
	r := report.NewHRReport(report.HRInput{Rows: rows, Config: defaultConfig(t), GeneratedAt: generated,
		Excluded: map[string]int{analysis.RuleAlone: 3}, Included: 40})
	var html, xlsx bytes.Buffer
	if err := report.WriteHRHTML(&html, r); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteHRWorkbook(&xlsx, r, rows); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&xlsx)
	if err != nil {
		t.Fatalf("read the workbook back: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return r, html.String(), f
}

// sheetText returns every cell of a sheet, joined.
func sheetText(t *testing.T, f *excelize.File, sheet string) string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, "\t") + "\n")
	}
	return b.String()
}

func TestHRReport_Privacy(t *testing.T) {
	tests := []struct {
		name   string
		sizes  map[string]int
		hidden map[string]report.Suppression
	}{
		{"team of 4", map[string]int{"Sales": 10, "Ops": 6, "Legal": 4},
			map[string]report.Suppression{"Legal": report.SuppressedSmall, "Ops": report.SuppressedComplementary}},
		{"two small siblings", map[string]int{"Sales": 10, "Ops": 6, "Legal": 3, "HR": 2},
			map[string]report.Suppression{"Legal": report.SuppressedSmall, "HR": report.SuppressedSmall}},
		{"revealed by subtraction", map[string]int{"A": 9, "B": 7, "C": 5, "D": 1},
			map[string]report.Suppression{"D": report.SuppressedSmall, "C": report.SuppressedComplementary}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := orgRows(tt.sizes)
			r, html, f := hrOutputs(t, rows)
			for _, g := range r.Summary.Groups {
				if got := g.Suppressed; got != tt.hidden[g.Name] {
					t.Errorf("group %s: suppression %q, want %q", g.Name, got, tt.hidden[g.Name])
				}
			}
			if strings.Contains(html, "pid-") {
				t.Errorf("HR html shows a person id")
			}
			groups := sheetText(t, f, report.SheetGroups)
			for _, s := range []string{report.SheetSummary, report.SheetGroups, report.SheetWeeks, report.SheetValidation} {
				if strings.Contains(sheetText(t, f, s), "pid-") {
					t.Errorf("workbook sheet %s shows a person id", s)
				}
			}
			for name, why := range tt.hidden {
				line := groupLine(groups, name)
				if line != name+"\thidden: "+string(why) {
					t.Errorf("Groups sheet row of hidden %s = %q, want name and reason only", name, line)
				}
				if !strings.Contains(html, "<td>"+name+"</td><td class=\"hidden\"") {
					t.Errorf("HR html does not hide %s", name)
				}
			}
		})
	}
}

func groupLine(sheet, name string) string {
	for _, l := range strings.Split(sheet, "\n") {
		if strings.HasPrefix(l, name+"\t") {
			return l
		}
	}
	return ""
}

func TestHRReport_BelowFloor(t *testing.T) {
	rows := orgRows(map[string]int{"A": 2, "B": 2})
	r, html, f := hrOutputs(t, rows)
	if !r.Summary.Total.Hidden() || r.FocusBuckets != [4]int{} || len(r.ByWeek) != 0 {
		t.Errorf("below the floor the report holds figures: %+v", r.FocusBuckets)
	}
	if !strings.Contains(html, "Nothing to show") || strings.Contains(html, "Headline figures") {
		t.Errorf("HR html below the floor does not say so or shows figures")
	}
	if s := sheetText(t, f, report.SheetSummary); !strings.Contains(s, "All people\thidden") {
		t.Errorf("Summary sheet below the floor:\n%s", s)
	}
}

func TestHRReport_Kinds(t *testing.T) {
	team := teamFixture(6)
	var rows []dataset.PersonWeek
	for _, wm := range team.Members {
		rows = append(rows, wm.Row)
	}
	r := report.NewHRReport(report.HRInput{Rows: rows, People: team.People, Meetings: team.Members, Config: defaultConfig(t), GeneratedAt: generated})
	if r.Kinds == nil || r.KindsPeople != 6 {
		t.Fatalf("Kinds = %v over %d people, want 6", r.Kinds, r.KindsPeople)
	}
	// A week: 6 × (0.5 standup + 2 review) coordination, 6 × 0.5 1:1s collaboration.
	if r.Kinds.CoordinationHours != 15 || r.Kinds.CollaborationHours != 3 {
		t.Errorf("coordination %v, collaboration %v team hours a week, want 15 and 3", r.Kinds.CoordinationHours, r.Kinds.CollaborationHours)
	}
	if len(r.Kinds.AsyncCandidates) != 1 || r.Kinds.AsyncCandidates[0].SeriesID != "standup-series" {
		t.Errorf("async candidates = %+v, want the standup only", r.Kinds.AsyncCandidates)
	}
	var html bytes.Buffer
	if err := report.WriteHRHTML(&html, r); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Coordination or collaboration?", "series standu", "title class standup"} {
		if !strings.Contains(html.String(), s) {
			t.Errorf("HR html lacks %q", s)
		}
	}
	if strings.Contains(html.String(), "pid-") || strings.Contains(html.String(), "oneono") {
		t.Errorf("HR html shows a person id or a one-person series")
	}
}

func TestWriteHRWorkbook_RoundTrip(t *testing.T) {
	rows := orgRows(map[string]int{"Sales": 6, "Ops": 5})
	rows[0].HasShares, rows[0].OverloadBand = false, "" // a null share
	rows[0].MetricDate = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	_, _, f := hrOutputs(t, rows)
	if got, want := f.GetSheetList(), []string{"Summary", "Groups", "Weeks", "Validation", "person_week"}; !cmp.Equal(got, want) {
		t.Errorf("sheets = %v, want %v", got, want)
	}
	pw, err := f.GetRows(report.SheetPersonWeek)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(dataset.PersonWeekColumns(), pw[0]); d != "" {
		t.Errorf("person_week header is not the Viva columns (-want +got):\n%s", d)
	}
	if len(pw) != len(rows)+1 {
		t.Fatalf("person_week sheet has %d rows, want %d", len(pw), len(rows)+1)
	}
	col := map[string]int{}
	for i, c := range pw[0] {
		col[c] = i
	}
	cell := func(r []string, name string) string {
		if i := col[name]; i < len(r) {
			return r[i]
		}
		return ""
	}
	for i, r := range rows {
		got := pw[i+1]
		if cell(got, "PersonId") != r.PersonID || cell(got, "Organization") != r.Organization || cell(got, "Meeting_hours") != fmt.Sprint(r.MeetingHours) {
			t.Errorf("person_week row %d = %v, want %s %s %v", i, got[:4], r.PersonID, r.Organization, r.MeetingHours)
		}
	}
	if got := cell(pw[1], "MetricDate"); got != "2026-03-02" {
		t.Errorf("MetricDate = %q, want 2026-03-02", got)
	}
	if got := cell(pw[1], "Collaboration_share"); got != "" {
		t.Errorf("null Collaboration_share = %q, want an empty cell", got)
	}
	// Numbers stay numbers.
	typ, err := f.GetCellType(report.SheetPersonWeek, "L2")
	if err != nil || typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
		t.Errorf("hours cell type = %v (%v), want a number", typ, err)
	}
}

// teamFixture is a manager m with n reports (r0…) and an outsider o; every
// report attends a weekly standup organized by m and has a 1:1 with m.
func teamFixture(n int) report.TeamInput {
	people := []dataset.Person{{PersonID: "pid-m", IsInternal: true}, {PersonID: "pid-o", IsInternal: true}}
	var members []analysis.WeekMeetings
	weeks := []dataset.Week{{Year: 2026, Num: 10}, {Year: 2026, Num: 11}}
	for i := range n {
		id := fmt.Sprintf("pid-r%d", i)
		people = append(people, dataset.Person{PersonID: id, ManagerID: "pid-m", IsInternal: true})
		for wi, w := range weeks {
			start := time.Date(2026, 3, 2+7*wi, 9, 0, 0, 0, time.UTC)
			row := week(id, "Eng", w.String(), 0.4+0.1*float64(i), 0.6, 3)
			row.FocusHours, row.AfterHoursCollaborationHours = 20, 1
			members = append(members, analysis.WeekMeetings{Row: row, Meetings: []analysis.Meeting{
				{EventID: fmt.Sprintf("standup-%d", wi), SeriesID: "standup-series", Start: start, End: start.Add(30 * time.Minute), ClippedHours: 0.5,
					Invitees: int32(n + 1), AttendeesNotDeclined: int32(n + 1), Recurring: true, TitleClass: "standup", OrganizerID: "pid-m"},
				{EventID: fmt.Sprintf("oneonone-%d-%d", i, wi), SeriesID: fmt.Sprintf("oneonone-%d", i), Start: start.Add(time.Hour), End: start.Add(90 * time.Minute),
					ClippedHours: 0.5, Invitees: 2, AttendeesNotDeclined: 2, Recurring: true, OrganizerID: "pid-m"},
				{EventID: fmt.Sprintf("w%d-review", wi), Start: start.Add(3 * time.Hour), End: start.Add(5 * time.Hour), ClippedHours: 2,
					Invitees: 12, AttendeesNotDeclined: 12, OrganizerID: "pid-o"},
			}})
		}
	}
	return report.TeamInput{People: people, ManagerID: "pid-m", Weeks: weeks, Members: members, Config: analysis.Config{}, GeneratedAt: generated}
}

func teamOutputs(t *testing.T, r *report.TeamReport) (string, string) {
	t.Helper()
	var html, md bytes.Buffer
	if err := report.WriteTeamHTML(&html, r); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteTeamMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]string{"html": html.String(), "markdown": md.String()} {
		if strings.Contains(s, "pid-") {
			t.Errorf("team %s shows a person id", name)
		}
	}
	return html.String(), md.String()
}

func TestTeamReport_BelowFloor(t *testing.T) {
	r := report.NewTeamReport(teamFixture(4))
	if !r.Hidden || r.TeamSize != 0 || len(r.Drivers) != 0 || len(r.Roles) != 0 || r.Team.People != 0 || len(r.ByWeek) != 0 {
		t.Errorf("team of 4: report holds figures: %+v", r)
	}
	html, md := teamOutputs(t, r)
	for name, s := range map[string]string{"html": html, "markdown": md} {
		if !strings.Contains(s, "fewer than 5 people") {
			t.Errorf("team of 4 %s does not say it is below the floor", name)
		}
		for _, leak := range []string{"Median", "standup", "series ", "Team hours a week", "<svg", "Within"} {
			if strings.Contains(s, leak) {
				t.Errorf("team of 4 %s shows %q", name, leak)
			}
		}
	}
}

func TestTeamReport_Drivers(t *testing.T) {
	r := report.NewTeamReport(teamFixture(6))
	if r.Hidden || r.TeamSize != 6 {
		t.Fatalf("team of 6: Hidden %v, TeamSize %d", r.Hidden, r.TeamSize)
	}
	// The standup (6 members) and the two reviews (6 members) are listed;
	// each 1:1 series has one team member and is not.
	var labels []string
	for _, d := range r.Drivers {
		labels = append(labels, d.Label)
	}
	if d := cmp.Diff([]string{"meeting w0-rev", "meeting w1-rev", "series standu"}, labels); d != "" {
		t.Errorf("drivers (-want +got):\n%s", d)
	}
	if got, want := r.OtherHours, 6*0.5; got != want {
		t.Errorf("OtherHours = %v, want the 1:1s' %v team hours a week", got, want)
	}
	if len(r.AsyncCandidates) != 1 || r.AsyncCandidates[0].SeriesID != "standup-series" {
		t.Fatalf("async candidates = %+v, want the standup", r.AsyncCandidates)
	}
	if got, want := r.AsyncCandidates[0].ReturnPerWeek, 6*(0.5-5.0/60); abs(got-want) > 1e-9 {
		t.Errorf("standup returns %v h a week, want %v", got, want)
	}
	// Review: 12 invitees, organized outside the team: coordination (broadcast).
	if r.Drivers[0].Kind != report.Coordination || r.Drivers[0].Role != report.RoleOrg || r.Drivers[0].HoursPerWeek != 6 {
		t.Errorf("review driver = %+v", r.Drivers[0])
	}
	// Roles: the manager organizes standups and 1:1s, 6 members attend them.
	roles := map[string]float64{}
	for _, ro := range r.Roles {
		roles[ro.Role] = ro.HoursPerWeek
	}
	if d := cmp.Diff(map[string]float64{report.RoleManager: 6, report.RoleOrg: 12}, roles); d != "" {
		t.Errorf("roles (-want +got):\n%s", d)
	}
	if r.Team.Bands.Within+r.Team.Bands.AboveTypical+r.Team.Bands.Overloaded != 6 {
		t.Errorf("bands = %+v, want 6 people", r.Team.Bands)
	}
	html, md := teamOutputs(t, r)
	for _, s := range []string{"series standu · standup", "Candidates for an asynchronous update", "<svg"} {
		if !strings.Contains(html, s) {
			t.Errorf("team html lacks %q", s)
		}
	}
	if !strings.Contains(md, "| series standu · standup | title class standup | 6 |") {
		t.Errorf("team markdown lacks the async candidate:\n%s", md)
	}
}

func abs(f float64) float64 { return max(f, -f) }

func TestClassify(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	m := func(minutes int, invitees int32, recurring bool, class string) analysis.Meeting {
		return analysis.Meeting{Start: start, End: start.Add(time.Duration(minutes) * time.Minute), Invitees: invitees, Recurring: recurring, TitleClass: class}
	}
	tests := []struct {
		name  string
		m     analysis.Meeting
		want  report.MeetingKind
		async bool
	}{
		{"1:1", m(30, 2, true, ""), report.Collaboration, false},
		{"workshop", m(30, 20, true, "workshop"), report.Collaboration, false},
		{"standup", m(15, 6, true, "standup"), report.Coordination, true},
		{"broadcast", m(120, 40, false, ""), report.Coordination, false},
		{"weekly status", m(45, 6, true, ""), report.Coordination, true},
		{"recurring working session", m(120, 6, true, ""), report.Collaboration, false},
		{"one-off", m(60, 5, false, ""), report.Collaboration, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, why := report.Classify(tt.m); got != tt.want || why == "" {
				t.Errorf("Classify = %s (%q), want %s", got, why, tt.want)
			}
			if got := report.AsyncCandidate(tt.m); got != tt.async {
				t.Errorf("AsyncCandidate = %v, want %v", got, tt.async)
			}
		})
	}
}

func TestPersonalReport(t *testing.T) {
	in := teamFixture(5)
	var weeks []analysis.WeekMeetings
	for _, wm := range in.Members {
		if wm.Row.PersonID != "pid-r0" {
			continue
		}
		wm.Row.TimeZone = "Europe/Paris"
		wm.Meetings[1].FocusReturned = 2 // the 1:1 broke a block
		weeks = append(weeks, wm)
	}
	r := report.NewPersonalReport(weeks, defaultConfig(t), generated)
	if len(r.Breakers) != 1 || r.Breakers[0].FocusReturned != 4 || !strings.Contains(r.Breakers[0].Label, "11:00 CET") {
		t.Errorf("breakers = %+v, want the 1:1 with 4 h, in local time", r.Breakers)
	}
	actions := map[string]bool{}
	for _, s := range r.Suggestions {
		actions[s.Action] = true
	}
	for _, a := range []string{"make async", "decline", "move"} {
		if !actions[a] {
			t.Errorf("no %q suggestion in %+v", a, r.Suggestions)
		}
	}
	var html, text bytes.Buffer
	if err := report.WritePersonalHTML(&html, r); err != nil {
		t.Fatal(err)
	}
	if err := report.WritePersonalText(&text, r); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Meetings that broke the most 2-hour blocks", "What you could change", "<svg"} {
		if !strings.Contains(html.String(), s) {
			t.Errorf("personal html lacks %q", s)
		}
	}
	for _, s := range []string{"Collaboration share", "2026-W10", "MAKE ASYNC", "focus returned"} {
		if !strings.Contains(text.String(), s) {
			t.Errorf("personal text lacks %q:\n%s", s, text.String())
		}
	}
}
