package report_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/report"
)

// TestTrend checks that stored rows of earlier weeks (HRInput.Trend,
// TeamInput.Trend) add points to the weekly trend only.
func TestTrend(t *testing.T) {
	cfg := defaultConfig(t)
	var people []dataset.Person
	var rows, trend []dataset.PersonWeek
	people = append(people, dataset.Person{PersonID: "boss", IsInternal: true})
	for i := range 6 {
		id := fmt.Sprintf("p%d", i)
		people = append(people, dataset.Person{PersonID: id, ManagerID: "boss", IsInternal: true})
		rows = append(rows, week(id, "Sales", "2026-W47", 0.5, 0.5, 10))
		trend = append(trend, week(id, "Sales", "2026-W45", 0.9, 0.1, 30), week(id, "Sales", "2026-W46", 0.6, 0.4, 20))
	}
	// Someone outside the team, and a stored copy of the current week that
	// must not count twice.
	trend = append(trend, week("other", "Ops", "2026-W46", 0.2, 0.8, 1), week("p0", "Sales", "2026-W47", 1, 0, 40))

	weeksOf := func(gs []report.Group) []string {
		var out []string
		for _, g := range gs {
			out = append(out, fmt.Sprintf("%s:%d", g.Name, g.People))
		}
		return out
	}
	hr := report.NewHRReport(report.HRInput{Rows: rows, People: people, Config: cfg, Trend: trend})
	if d := cmp.Diff([]string{"2026-W45:6", "2026-W46:7", "2026-W47:6"}, weeksOf(hr.ByWeek)); d != "" {
		t.Errorf("HR weeks (-want +got):\n%s", d)
	}
	if got := hr.Summary.Total.People; got != 6 {
		t.Errorf("HR headline people = %d, want 6 (the current week only)", got)
	}
	if got := hr.Summary.Total.Stat(report.CollaborationShare).Median; got != 0.5 {
		t.Errorf("HR median collaboration share = %v, want 0.5 (the current week only)", got)
	}

	var members []analysis.WeekMeetings
	for _, r := range rows {
		members = append(members, analysis.WeekMeetings{Row: r})
	}
	w47, _ := dataset.ParseWeek("2026-W47")
	team := report.NewTeamReport(report.TeamInput{People: people, ManagerID: "boss", Weeks: []dataset.Week{w47},
		Members: members, Config: cfg, Trend: trend})
	if d := cmp.Diff([]string{"2026-W45:6", "2026-W46:6", "2026-W47:6"}, weeksOf(team.ByWeek)); d != "" {
		t.Errorf("team weeks (-want +got):\n%s", d)
	}
	if got := team.Team.Stat(report.CollaborationShare).Median; got != 0.5 {
		t.Errorf("team median collaboration share = %v, want 0.5 (the current week only)", got)
	}
}
