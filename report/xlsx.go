package report

import (
	"fmt"
	"io"
	"math"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/overload-engine/overload/dataset"
)

// Sheet names of the HR workbook.
const (
	SheetSummary    = "Summary"
	SheetGroups     = "Groups"
	SheetWeeks      = "Weeks"
	SheetValidation = "Validation"
	SheetPersonWeek = "person_week"
)

// WriteHRWorkbook writes r and rows as an XLSX workbook for analysts who
// live in Excel: Summary, Groups (hidden groups by name and reason only),
// Weeks, Validation, and person_week (the analyst's pseudonymized
// person-level export, Viva Insights column names, like WritePersonWeekCSV).
func WriteHRWorkbook(w io.Writer, r *HRReport, rows []dataset.PersonWeek) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write hr workbook: %w", cerr)
		}
	}()
	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return fmt.Errorf("write hr workbook: %w", err)
	}
	for _, s := range []string{SheetGroups, SheetWeeks, SheetValidation, SheetPersonWeek} {
		if _, err := f.NewSheet(s); err != nil {
			return fmt.Errorf("write hr workbook: %w", err)
		}
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	sheets := []struct {
		name string
		rows [][]any
	}{
		{SheetSummary, summaryRows(r)},
		{SheetGroups, groupRows(r)},
		{SheetWeeks, weekRows(r)},
		{SheetValidation, validationRows(r)},
	}
	for _, s := range sheets {
		for i, row := range s.rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow(s.name, cell, &row); err != nil {
				return fmt.Errorf("write hr workbook sheet %s: %w", s.name, err)
			}
		}
		_ = f.SetRowStyle(s.name, 1, 1, bold)
		_ = f.SetColWidth(s.name, "A", "A", 34)
	}
	sw, err := f.NewStreamWriter(SheetPersonWeek)
	if err != nil {
		return fmt.Errorf("write hr workbook: %w", err)
	}
	header := dataset.PersonWeekColumns()
	hrow := make([]any, len(header))
	for i, h := range header {
		hrow[i] = h
	}
	if err := sw.SetRow("A1", hrow); err != nil {
		return fmt.Errorf("write hr workbook: %w", err)
	}
	for i := range rows {
		vals := rows[i].Values()
		out := make([]any, len(vals))
		for j, v := range vals {
			out[j] = xlsxValue(v)
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, out); err != nil {
			return fmt.Errorf("write hr workbook: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("write hr workbook: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write hr workbook: %w", err)
	}
	return nil
}

// xlsxValue converts a PersonWeek value for a cell: numbers stay numbers,
// dates become ISO dates, nulls empty cells.
func xlsxValue(v any) any {
	switch v := v.(type) {
	case nil:
		return nil
	case time.Time:
		if v.IsZero() {
			return nil
		}
		return v.Format(time.DateOnly)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		return v
	}
	return v
}

func summaryRows(r *HRReport) [][]any {
	s := r.Summary
	rows := [][]any{{"Figure", "Value", "Note"},
		{"Weeks", weeksText(r.Weeks), ""},
		{"Privacy floor (people)", s.MinGroupSize, "groups with fewer people are hidden"},
	}
	if s.Total.Hidden() {
		return append(rows, []any{"All people", "hidden", fmt.Sprintf("fewer than %d people", s.MinGroupSize)})
	}
	t := &s.Total
	rows = append(rows,
		[]any{"People", t.People, ""},
		[]any{"Person-weeks", t.PersonWeeks, ""},
		[]any{"Median collaboration share", t.Stat(CollaborationShare).Median, fmt.Sprintf("references %s typical, %s overload", pct(r.AboveTypicalShare), pct(r.OverloadedShare))},
		[]any{"Median creation share", t.Stat(CreationShare).Median, fmt.Sprintf("reference %s creating", pct(r.CreationReference))},
		[]any{"People overloaded", t.Bands.Overloaded, ""},
		[]any{"People above typical", t.Bands.AboveTypical, ""},
		[]any{"People within", t.Bands.Within, ""},
		[]any{"People without scheduled hours", t.Bands.Undefined, ""},
		[]any{"People with focus 0–10 h a week", r.FocusBuckets[0], ""},
		[]any{"People with focus 10–20 h a week", r.FocusBuckets[1], ""},
		[]any{"People with focus 20–40 h a week", r.FocusBuckets[2], ""},
		[]any{"People with focus 40+ h a week", r.FocusBuckets[3], ""},
		[]any{"Recurring share of meeting hours", r.RecurringShare, ""},
	)
	if k := r.Kinds; k != nil && r.KindsPeople > 0 {
		n := float64(r.KindsPeople)
		ret := 0.0
		for _, d := range k.AsyncCandidates {
			ret += d.ReturnPerWeek
		}
		rows = append(rows,
			[]any{"Coordination meeting hours a person a week", k.CoordinationHours / n, "classified by shape; see ClassificationRule"},
			[]any{"Collaboration meeting hours a person a week", k.CollaborationHours / n, ""},
			[]any{"Async candidates: hours returned a week", ret, fmt.Sprintf("%d recurring coordination series, summed over attendees", len(k.AsyncCandidates))})
	}
	for _, m := range metricIndex {
		st := t.Stat(m)
		rows = append(rows, []any{"Median " + m.Label(), st.Median, fmt.Sprintf("mean %.3f, p90 %.3f, %d people", st.Mean, st.P90, st.N)})
	}
	return rows
}

func groupRows(r *HRReport) [][]any {
	head := []any{r.GroupBy, "Shown", "People", "Median Collaboration_share", "p90 Collaboration_share", "Median Creation_share",
		"Overloaded", "Above typical", "Within"}
	for _, m := range hourMetrics {
		head = append(head, "Median "+string(m))
	}
	rows := [][]any{head}
	s := r.Summary
	for _, g := range append(append([]Group{}, s.Groups...), s.Total) {
		if g.Hidden() {
			rows = append(rows, []any{g.Name, "hidden: " + string(g.Suppressed)})
			continue
		}
		row := []any{g.Name, "yes", g.People, g.Stat(CollaborationShare).Median, g.Stat(CollaborationShare).P90, g.Stat(CreationShare).Median,
			g.Bands.Overloaded, g.Bands.AboveTypical, g.Bands.Within}
		for _, m := range hourMetrics {
			row = append(row, g.Stat(m).Median)
		}
		rows = append(rows, row)
	}
	return rows
}

func weekRows(r *HRReport) [][]any {
	rows := [][]any{{"Week", "People", "Median Collaboration_share", "Median Creation_share", "Median Focus_hours",
		"Median After_hours_collaboration_hours", "Median Weekend_collaboration_hours", "Mean Scheduled_working_hours", "Mean OOO days", "Inactive person-weeks", "Likely holiday week"}}
	byWeek := map[string]Group{}
	for _, g := range r.ByWeek {
		byWeek[g.Name] = g
	}
	for _, wc := range r.Validation.Weeks {
		g, ok := byWeek[wc.Week]
		if !ok || g.Hidden() {
			rows = append(rows, []any{wc.Week, "hidden"})
			continue
		}
		rows = append(rows, []any{wc.Week, g.People, g.Stat(CollaborationShare).Median, g.Stat(CreationShare).Median, g.Stat(FocusHours).Median,
			g.Stat(AfterHoursCollaborationHours).Median, g.Stat(WeekendCollaborationHours).Median, wc.MeanScheduled, wc.MeanOOODays, wc.Inactive, wc.Holiday})
	}
	return rows
}

func validationRows(r *HRReport) [][]any {
	v := r.Validation
	rows := [][]any{{"Check", "Count", "Note"},
		{"Internal people", v.Internal, ""},
		{"External people (not analysed)", v.External, ""},
		{"Internal people with no data", v.NoData, "no calendar entry and no message"},
		{"People with no scheduled hours in any week", v.NoScheduledHours, "shares undefined"},
		{"People with data but no collaboration", v.AllWeeksInactive, ""},
		{"Inactive person-weeks", v.InactiveWeeks, fmt.Sprintf("of %d", v.PersonWeeks)},
		{"People under 5 collaboration hours a week", v.LowCollaboration, ""},
		{"Working day under 4 h", v.ShortDays, "working-hour settings"},
		{"Working day over 15 h", v.LongDays, "working-hour settings"},
		{"No working-hour settings", v.DefaultHours, "09:00–17:00 applies"},
		{"Attendance rows counted as meetings", v.Included, ""},
		{"Reads dropped", v.ReadsDropped, "did not fit in the week"},
	}
	for _, c := range v.Excluded {
		rows = append(rows, []any{"Excluded by rule " + c.Rule, c.Count, ""})
	}
	return rows
}
