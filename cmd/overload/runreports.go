package main

// The reports of `overload run`.

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/report"
)

// writeReports writes every configured report of the week.
func (b *batchRun) writeReports(ctx context.Context, t *dataset.Tables, res *analysis.Result) error {
	cfg := b.cfg.analysis
	trend, err := b.readTrend(ctx)
	if err != nil {
		return err
	}
	fixed := *b.env
	fixed.Now = func() time.Time { return b.genAt }
	rel := func(p string) string {
		r, _ := filepath.Rel(b.dir, p)
		return filepath.ToSlash(r)
	}
	b.man.Reports = append(b.man.Reports, "person_week/week="+b.week.String()+"/")
	if hr := b.cfg.Reports.HR; hr != nil {
		files, err := writeBatchHR(ctx, t, res, cfg, orDefault(hr.By, "Organization"), trend, b.genAt, b.dir)
		if err != nil {
			return err
		}
		for _, f := range files {
			b.man.Reports = append(b.man.Reports, rel(f))
		}
	}
	people := map[string]bool{}
	for _, p := range t.People {
		people[p.PersonID] = true
	}
	for _, id := range b.managers(t.People, people) {
		files, err := writeBatchManager(ctx, t, []dataset.Week{b.week}, cfg, id, trend, b.genAt, filepath.Join(b.dir, "manager", id))
		if err != nil {
			return err
		}
		for _, f := range files {
			b.man.Reports = append(b.man.Reports, rel(f))
		}
		b.man.Managers = append(b.man.Managers, id)
	}
	if me := b.cfg.Reports.Me; me != nil {
		for i, e := range me.Emails {
			id := b.ps.PersonID(e)
			if !people[id] {
				b.man.Warnings = append(b.man.Warnings, fmt.Sprintf("reports.me.emails[%d]: not in the people table, no report written", i))
				continue
			}
			path, _, err := writePersonalReport(ctx, &fixed, t, []dataset.Week{b.week}, cfg, id, filepath.Join(b.dir, "me", id))
			if err != nil {
				return err
			}
			b.man.Reports = append(b.man.Reports, rel(path))
			b.man.Me = append(b.man.Me, id)
		}
	}
	return nil
}

// managers lists the person_ids of the managers to report on: the listed
// ones present in people, then every manager with at least MinReports
// direct internal reports; sorted, without duplicates.
func (b *batchRun) managers(all []dataset.Person, present map[string]bool) []string {
	m := b.cfg.Reports.Managers
	if m == nil {
		return nil
	}
	var ids []string
	for i, e := range m.Emails {
		id := b.ps.PersonID(e)
		if !present[id] {
			b.man.Warnings = append(b.man.Warnings, fmt.Sprintf("reports.managers.emails[%d]: not in the people table, no report written", i))
			continue
		}
		ids = append(ids, id)
	}
	if m.MinReports > 0 {
		direct := map[string]map[string]bool{}
		for _, p := range all {
			if p.IsInternal && p.ManagerID != "" && p.ManagerID != p.PersonID {
				if direct[p.ManagerID] == nil {
					direct[p.ManagerID] = map[string]bool{}
				}
				direct[p.ManagerID][p.PersonID] = true
			}
		}
		for id, r := range direct {
			if len(r) >= m.MinReports && present[id] {
				ids = append(ids, id)
			}
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// readTrend reads the stored person_week of the trailing weeks present
// in OUT (OUT/<week>/person_week), oldest first.
func (b *batchRun) readTrend(ctx context.Context) ([]dataset.PersonWeek, error) {
	var rows []dataset.PersonWeek
	for k := b.cfg.trendWeeks(); k >= 1; k-- {
		w := b.week.Add(-k)
		dir := filepath.Join(b.cfg.Out, w.String())
		if _, err := os.Stat(filepath.Join(dir, dataset.TablePersonWeek, "week="+w.String())); err != nil {
			continue
		}
		r, err := dataset.ReadPersonWeek(ctx, dir, []dataset.Week{w})
		if err != nil {
			b.man.Warnings = append(b.man.Warnings, fmt.Sprintf("trend week %s left out: %v", w, err))
			continue
		}
		rows = append(rows, r...)
		b.man.TrendWeeks = append(b.man.TrendWeeks, w.String())
	}
	return rows, nil
}

// writeBatchHR writes hr.html, hr.xlsx and person_week.csv under out, with
// the trailing weeks' rows in the trend.
func writeBatchHR(ctx context.Context, t *dataset.Tables, res *analysis.Result, cfg analysis.Config, by string, trend []dataset.PersonWeek, at time.Time, out string) ([]string, error) {
	var internal []string
	for _, p := range t.People {
		if p.IsInternal && !slices.Contains(internal, p.PersonID) {
			internal = append(internal, p.PersonID)
		}
	}
	meetings, err := analysis.Meetings(ctx, t, internal, res.Weeks, cfg)
	if err != nil {
		return nil, err
	}
	r := report.NewHRReport(report.HRInput{
		Rows: res.Rows, People: t.People, Excluded: res.Excluded, Included: res.Included, ReadsDropped: res.ReadsDropped,
		Active: report.ActivePeople(t), Meetings: meetings, GroupBy: by, Config: cfg, GeneratedAt: at, Trend: trend,
	})
	html, xlsx, csv := filepath.Join(out, "hr.html"), filepath.Join(out, "hr.xlsx"), filepath.Join(out, "person_week.csv")
	if err := writeFileAtomic(html, func(w io.Writer) error { return report.WriteHRHTML(w, r) }); err != nil {
		return nil, err
	}
	if err := writeFileAtomic(xlsx, func(w io.Writer) error { return report.WriteHRWorkbook(w, r, res.Rows) }); err != nil {
		return nil, err
	}
	if err := writeFileAtomic(csv, func(w io.Writer) error { return report.WritePersonWeekCSV(w, res.Rows) }); err != nil {
		return nil, err
	}
	return []string{html, xlsx, csv}, nil
}

// writeBatchManager writes manager.html and manager.md for manager under
// out, with the team's trailing weeks in the trend.
func writeBatchManager(ctx context.Context, t *dataset.Tables, weeks []dataset.Week, cfg analysis.Config, manager string, trend []dataset.PersonWeek, at time.Time, out string) ([]string, error) {
	internal := map[string]bool{}
	for _, p := range t.People {
		internal[p.PersonID] = p.IsInternal
	}
	var team []string
	for _, id := range report.TeamOf(t.People, manager) {
		if internal[id] {
			team = append(team, id)
		}
	}
	var members []analysis.WeekMeetings
	if len(team) >= cfg.MinGroupSize { // below the floor nothing is computed at all
		var err error
		if members, err = analysis.Meetings(ctx, t, team, weeks, cfg); err != nil {
			return nil, err
		}
	}
	r := report.NewTeamReport(report.TeamInput{People: t.People, ManagerID: manager, Weeks: weeks, Members: members, Config: cfg, GeneratedAt: at, Trend: trend})
	html, md := filepath.Join(out, "manager.html"), filepath.Join(out, "manager.md")
	if err := writeFileAtomic(html, func(w io.Writer) error { return report.WriteTeamHTML(w, r) }); err != nil {
		return nil, err
	}
	if err := writeFileAtomic(md, func(w io.Writer) error { return report.WriteTeamMarkdown(w, r) }); err != nil {
		return nil, err
	}
	return []string{html, md}, nil
}
