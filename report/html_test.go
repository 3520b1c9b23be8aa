package report_test

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/report"
)

var generatedAt = time.Date(2026, 3, 23, 8, 30, 0, 0, time.UTC)

// summaryRows is a small organization over three weeks: Engineering 9,
// Sales 7, Support 6, Legal 3 and Finance 2 people. Legal and Finance are
// hidden (5 people together, so Sales stays visible). Values come from a
// fixed formula, so the golden file is stable.
func summaryRows() []dataset.PersonWeek {
	orgs := []struct {
		name string
		n    int
		load float64 // typical collaboration hours
	}{{"Engineering", 9, 20}, {"Sales", 7, 42}, {"Support", 6, 30}, {"Legal", 3, 12}, {"Finance", 2, 35}}
	var rows []dataset.PersonWeek
	k := 0
	for _, o := range orgs {
		for i := range o.n {
			k++
			id := fmt.Sprintf("p-%06x", 0x9e3779*k&0xffffff)
			for w := range 3 {
				wk := dataset.Week{Year: 2026, Num: 10 + w}
				r := dataset.PersonWeek{
					PersonID: id, MetricDate: wk.Monday(), Week: wk.String(),
					Organization: o.name, SupervisorIndicator: dataset.SupervisorIC, TimeZone: "Europe/Berlin",
				}
				if i == 0 && w == 2 && o.name == "Engineering" {
					r.OOODays = 5 // a week off: no scheduled hours, no shares
					rows = append(rows, r)
					continue
				}
				sched := 40.0
				vary := float64((k*7+w*5)%11) - 5 // -5..5
				meeting := o.load*0.8 + vary
				email := 4 + float64((k+w)%4)
				chat := 1 + float64((k*3+w)%3)*0.5
				collab := meeting + email + chat - 1.5
				after := float64((k+2*w)%5) * 0.75
				working := min(collab-after, 0.95*sched)
				after = collab - working
				r.ScheduledWorkingHours = sched
				r.MeetingHours, r.EmailHours, r.ChatHours = meeting, email, chat
				r.CollaborationHours, r.AfterHoursCollaborationHours, r.WorkingHoursCollaborationHours = collab, after, working
				r.FocusHours = max(0, (sched-working)*0.5-float64(k%3))
				r.HasShares = true
				r.CollaborationShare = collab / sched
				r.CreationShare = (sched - working) / sched
				rows = append(rows, r)
			}
		}
	}
	return rows
}

func writeSummary(t *testing.T, rows []dataset.PersonWeek) string {
	t.Helper()
	s := report.NewOrgSummary(rows, defaultConfig(t), generatedAt)
	var buf bytes.Buffer
	if err := report.WriteOrgSummaryHTML(&buf, s); err != nil {
		t.Fatalf("WriteOrgSummaryHTML: %v", err)
	}
	return buf.String()
}

func TestWriteOrgSummaryHTML(t *testing.T) {
	rows := summaryRows()
	html := writeSummary(t, rows)
	checkGolden(t, "summary.golden.html", []byte(html))
	checkSelfContained(t, html)
	checkNoPersonIDs(t, html, rows)

	for _, want := range []string{
		"weeks 2026-W10 to 2026-W12 (3 weeks)",
		"23 March 2026 08:30 UTC",
		"<td>Legal</td><td class=\"hidden\" colspan=\"14\">&lt; 5 people</td>",
		"<td>Finance</td><td class=\"hidden\" colspan=\"14\">&lt; 5 people</td>",
		"<td>Sales</td><td>7</td>",
		"57% typical", "85% overload", "43% creation",
		"Work Trend Index 2023", "Collaboration Overload Is Sinking Productivity", "Collaborative Overload",
		"5 minutes per email sent and 1.5 minutes per email read",
		"Calendar time is not attention",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("summary HTML does not contain %q", want)
		}
	}
}

func TestWriteOrgSummaryHTML_Complementary(t *testing.T) {
	rows := org(map[string]int{"Sales": 10, "Ops": 6, "Legal": 4})
	html := writeSummary(t, rows)
	checkSelfContained(t, html)
	checkNoPersonIDs(t, html, rows)
	for _, want := range []string{
		"<td>Legal</td><td class=\"hidden\" colspan=\"14\">&lt; 5 people</td>",
		"<td>Ops</td><td class=\"hidden\" colspan=\"14\">hidden so that a smaller group cannot be worked out from the total</td>",
		"<td>Sales</td><td>10</td>",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("summary HTML does not contain %q", want)
		}
	}
}

func TestWriteOrgSummaryHTML_BelowFloor(t *testing.T) {
	rows := org(map[string]int{"Sales": 2, "Ops": 2})
	html := writeSummary(t, rows)
	checkSelfContained(t, html)
	checkNoPersonIDs(t, html, rows)
	if !strings.Contains(html, "Nothing to show") {
		t.Errorf("summary of 4 people does not say there is nothing to show")
	}
	for _, bad := range []string{"Headline figures", "<svg", "<td>4</td>", "<td>2</td>", "person-weeks"} {
		if strings.Contains(html, bad) {
			t.Errorf("summary of 4 people contains %q", bad)
		}
	}
}

// checkSelfContained fails if html could make a network request or run script.
func checkSelfContained(t *testing.T, html string) {
	t.Helper()
	lower := strings.ToLower(html)
	for _, bad := range []string{"http://", "https://", "<script", "<link", "<iframe", "<img", "@import", "url("} {
		if strings.Contains(lower, bad) {
			t.Errorf("summary HTML contains %q", bad)
		}
	}
	if m := regexp.MustCompile(`(?i)<[^>]*\s(src|href|srcset|action|xlink:href|formaction|poster|data)\s*=`).FindString(html); m != "" {
		t.Errorf("summary HTML has a resource attribute %q", m)
	}
}

// checkNoPersonIDs fails if any person or manager id of rows appears in html.
func checkNoPersonIDs(t *testing.T, html string, rows []dataset.PersonWeek) {
	t.Helper()
	for _, r := range rows {
		for _, id := range []string{r.PersonID, r.ManagerID} {
			if id != "" && strings.Contains(html, id) {
				t.Errorf("summary HTML contains person id %q", id)
			}
		}
	}
}

func TestWriteOrgSummaryHTML_EscapesNames(t *testing.T) {
	rows := org(map[string]int{`<script>alert("x")</script>`: 5, `R&D <a href="//evil">`: 5})
	html := writeSummary(t, rows)
	checkSelfContained(t, html)
	if !strings.Contains(html, "&lt;script&gt;") || !strings.Contains(html, "R&amp;D &lt;a") {
		t.Errorf("group names are not escaped")
	}
}
