package report_test

import (
	"bytes"
	"testing"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/report"
)

// TestPagesGolden pins every user-visible output of the HR, team and
// personal reports on crafted inputs (go test -update rewrites them).
func TestPagesGolden(t *testing.T) {
	cfg := defaultConfig(t)
	hr := report.NewHRReport(report.HRInput{Rows: orgRows(map[string]int{"Sales": 10, "Ops": 6, "Legal": 4}), Config: cfg,
		GeneratedAt: generated, Excluded: map[string]int{analysis.RuleAlone: 3, analysis.RuleResponse: 7}, Included: 40})
	team := report.NewTeamReport(teamFixture(6))
	small := report.NewTeamReport(teamFixture(4))
	in := teamFixture(5)
	var weeks []analysis.WeekMeetings
	for _, wm := range in.Members {
		if wm.Row.PersonID == "pid-r0" {
			wm.Row.TimeZone = "Europe/Paris"
			wm.Meetings[1].FocusReturned = 2
			weeks = append(weeks, wm)
		}
	}
	me := report.NewPersonalReport(weeks, cfg, generated)

	tests := []struct {
		golden string
		write  func(*bytes.Buffer) error
	}{
		{"hr.golden.html", func(b *bytes.Buffer) error { return report.WriteHRHTML(b, hr) }},
		{"team.golden.html", func(b *bytes.Buffer) error { return report.WriteTeamHTML(b, team) }},
		{"team.golden.md", func(b *bytes.Buffer) error { return report.WriteTeamMarkdown(b, team) }},
		{"team_below_floor.golden.md", func(b *bytes.Buffer) error { return report.WriteTeamMarkdown(b, small) }},
		{"me.golden.html", func(b *bytes.Buffer) error { return report.WritePersonalHTML(b, me) }},
		{"me.golden.txt", func(b *bytes.Buffer) error { return report.WritePersonalText(b, me) }},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.write(&b); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.golden, b.Bytes())
		})
	}
}
