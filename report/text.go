package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteTeamMarkdown writes r as Markdown that pastes into a mail or a wiki:
// the same figures as WriteTeamHTML, without charts.
func WriteTeamMarkdown(w io.Writer, r *TeamReport) error {
	p := newTeamPage(r)
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\nYour team (direct and indirect reports) as one group. Covers %s. Generated %s. No individual is shown.\n\n", r.Title, p.WeeksText, p.Generated)
	if r.Hidden {
		fmt.Fprintf(&b, "**Nothing to show.** Your team has fewer than %d people with data, the smallest group this report shows, so no figure is shown.\n", r.Floor)
		_, err := io.WriteString(w, b.String())
		return err
	}
	t := &r.Team
	fmt.Fprintf(&b, "## Headline\n\n| | |\n|---|---|\n")
	fmt.Fprintf(&b, "| Team members | %d |\n| Median collaboration share | %s (%s) |\n| Median creation share | %s (reference %s) |\n| Median focus hours a week | %s |\n| Median after-hours collaboration a week | %s h |\n\n",
		r.TeamSize, p.CollabMedian, p.CollabVerdict, p.CreationMedian, p.Creation, p.FocusMedian, p.AfterMedian)
	fmt.Fprintf(&b, "Team members by band: **%d within** (< %s), **%d above typical** (%s–%s), **%d overloaded** (≥ %s)",
		t.Bands.Within, p.AboveTypical, t.Bands.AboveTypical, p.AboveTypical, p.Overloaded, t.Bands.Overloaded, p.Overloaded)
	if t.Bands.Undefined > 0 {
		fmt.Fprintf(&b, ", %d without scheduled hours", t.Bands.Undefined)
	}
	b.WriteString(".\n\n## Trends\n\n| Week | Median collaboration share | Median focus hours | Median after-hours hours |\n|---|---:|---:|---:|\n")
	for _, g := range r.ByWeek {
		if g.Hidden() {
			fmt.Fprintf(&b, "| %s | hidden | hidden | hidden |\n", g.Name)
			continue
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", g.Name, pct1(g.Stat(CollaborationShare).Median), hours(g.Stat(FocusHours).Median), hours(g.Stat(AfterHoursCollaborationHours).Median))
	}
	fmt.Fprintf(&b, "\n## What drives the load\n\nTeam hours a week; only series and meetings attended by at least %d team members are listed (%s team hours a week unlisted, of %s).\n\n", r.Floor, p.Other, p.TotalMeeting)
	b.WriteString("| Series or meeting | Kind | Length (min) | Invitees | Team members | Team hours a week | Organized by |\n|---|---|---:|---:|---:|---:|---|\n")
	for _, d := range p.Drivers {
		fmt.Fprintf(&b, "| %s | %s | %s | %d | %d | %s | %s |\n", mdEsc(d.Label), d.Kind, d.Minutes, d.Invitees, d.Members, d.Hours, d.Role)
	}
	b.WriteString("\n**Who organizes the team's meetings** (roles, never names):\n\n")
	for _, ro := range p.Roles {
		fmt.Fprintf(&b, "- %s: %s h a week (%s)\n", ro.Role, ro.Hours, ro.Share)
	}
	fmt.Fprintf(&b, "\n## Coordination or collaboration?\n\nTeam meeting hours a week: coordination %s h, collaboration %s h.\n\n", p.Coord, p.Collab)
	if len(p.Async) > 0 {
		fmt.Fprintf(&b, "Candidates for an asynchronous update (%s h a week returned in all):\n\n| Recurring series | Why | Team members | Team hours a week | Returned a week |\n|---|---|---:|---:|---:|\n", p.AsyncTotal)
		for _, d := range p.Async {
			fmt.Fprintf(&b, "| %s | %s | %d | %s | %s |\n", mdEsc(d.Label), mdEsc(d.Why), d.Members, d.Hours, d.Return)
		}
	} else {
		fmt.Fprintf(&b, "No recurring coordination series is attended by %d or more team members.\n", r.Floor)
	}
	fmt.Fprintf(&b, "\n_%s_\n\n_Sources: Microsoft Work Trend Index 2023 (57%% communicating, 43%% creating); Cross et al., HBR 2021 (85%%+ of the week in collaborative work). Email time is modelled; calendar time is not attention._\n", ClassificationRule)
	_, err := io.WriteString(w, b.String())
	return err
}

func mdEsc(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// WritePersonalText writes r for a terminal: the same content as
// WritePersonalHTML, as aligned plain text.
func WritePersonalText(w io.Writer, r *PersonalReport) error {
	p := newMePage(r)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "%s: %s\n\n", r.Title, p.WeeksText)
	fmt.Fprintf(tw, "Collaboration share\t%s\t%s (references: %s typical, %s overload)\n", p.CollabShare, p.Verdict, p.AboveTypical, p.Overloaded)
	fmt.Fprintf(tw, "Creation share\t%s\treference %s creating\n", p.CreationShare, p.Creation)
	fmt.Fprintf(tw, "Focus hours a week\t%s\tmeeting-free blocks of 2 h or more\n", p.Focus)
	fmt.Fprintf(tw, "After hours a week\t%s\tweekends %s h\n", p.After, p.Weekend)
	fmt.Fprintf(tw, "\nWeek\tshare\tband\tcollab h\tmeeting h\tfocus h\tafter-hours h\n")
	for _, wr := range p.WeekRows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", wr.Week, wr.Share, wr.Band, wr.Collab, wr.Meeting, wr.Focus, wr.After)
	}
	fmt.Fprintf(tw, "\nWhere your working time went (hours a week)\n")
	fmt.Fprintf(tw, "  meetings\t%s\n  meeting-free pieces under 1 h\t%s\n  pieces of 1–2 h\t%s\n  focus blocks of 2 h+\t%s\n",
		hours(r.TimeMeetings), hours(r.TimeFragments), hours(r.TimeMidBlocks), hours(r.TimeFocusBlocks))
	fmt.Fprintf(tw, "\nMeetings that broke the most 2-hour blocks\n  meeting or series\tkind\tmeeting h\tfocus returned h\n")
	for _, b := range p.Breakers {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", b.Label, b.Kind, b.Hours, b.Focus)
	}
	if len(p.Breakers) == 0 {
		fmt.Fprintf(tw, "  none\n")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nWhat you could change\n")
	for _, s := range p.Suggestions {
		fmt.Fprintf(w, "  - %s: %s — about %s h a week back\n", strings.ToUpper(s.Action), s.What, s.Hours)
	}
	if len(p.Suggestions) == 0 {
		fmt.Fprintf(w, "  nothing stands out\n")
	}
	_, err := fmt.Fprintf(w, "\nMeetings a week: coordination %s h, collaboration %s h (classified by shape only; see the HTML report for the rule).\n", p.Coord, p.Collab)
	return err
}
