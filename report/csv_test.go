package report_test

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"testing"
	"time"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/report"
)

func csvRows() []dataset.PersonWeek {
	monday := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
	return []dataset.PersonWeek{
		{
			PersonID: "p-3f9a1c", MetricDate: monday, Week: "2026-W47",
			Organization: "Research, \"Labs\"", FunctionType: "Engineering", LevelDesignation: "Senior",
			SupervisorIndicator: dataset.SupervisorManager, ManagerID: "p-77b0e2", TimeZone: "Europe/Paris",
			ScheduledWorkingHours: 40, MeetingHours: 12.5, Meetings: 14, ConflictingMeetingHours: 1.0 / 3,
			EmailHours: 0.1 + 0.2, EmailsSent: 20, EmailsReceived: 85, ChatHours: 0.75, ChatsSent: 40,
			CollaborationHours: 24.25, WorkingHoursCollaborationHours: 22, AfterHoursCollaborationHours: 2.25,
			AvailableToFocusHours: 27.5, FocusHours: 12, UninterruptedHours: 6,
			HasShares: true, CollaborationShare: 24.25 / 40, CreationShare: 18.0 / 40, OverloadBand: dataset.BandAboveTypical,
		},
		{
			// A week fully out of office: shares and band are null, ManagerId unknown.
			PersonID: "p-88c2d4", MetricDate: monday, Week: "2026-W47",
			Organization: "Sales", SupervisorIndicator: dataset.SupervisorIC, TimeZone: "America/New_York",
			OOODays: 5, EmailsReceived: 3,
		},
	}
}

func TestWritePersonWeekCSV(t *testing.T) {
	rows := csvRows()
	var buf bytes.Buffer
	if err := report.WritePersonWeekCSV(&buf, rows); err != nil {
		t.Fatalf("WritePersonWeekCSV: %v", err)
	}
	checkGolden(t, "person_week.golden.csv", buf.Bytes())

	records, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	if len(records) != 1+len(rows) {
		t.Fatalf("read back %d records, want %d", len(records), 1+len(rows))
	}
	col := map[string]int{}
	for i, name := range records[0] {
		if _, dup := col[name]; dup {
			t.Errorf("duplicate column %q", name)
		}
		col[name] = i
	}
	get := func(row int, name string) string {
		i, ok := col[name]
		if !ok {
			t.Fatalf("no column %q in header %v", name, records[0])
		}
		return records[1+row][i]
	}
	if got := get(0, "PersonId"); got != rows[0].PersonID {
		t.Errorf("PersonId = %q, want %q", got, rows[0].PersonID)
	}
	if got := get(0, "MetricDate"); got != "2026-11-16" {
		t.Errorf("MetricDate = %q, want 2026-11-16", got)
	}
	if got := get(0, "Organization"); got != rows[0].Organization {
		t.Errorf("Organization = %q, want %q", got, rows[0].Organization)
	}
	// Floats read back exactly.
	for name, want := range map[string]float64{
		"Conflicting_meeting_hours": rows[0].ConflictingMeetingHours,
		"Email_hours":               rows[0].EmailHours,
		"Collaboration_share":       rows[0].CollaborationShare,
	} {
		got, err := strconv.ParseFloat(get(0, name), 64)
		if err != nil || got != want {
			t.Errorf("%s = %q, want %v exactly", name, get(0, name), want)
		}
	}
	// Nulls are empty fields.
	for _, name := range []string{"Collaboration_share", "Creation_share", "Overload_band", "ManagerId"} {
		if got := get(1, name); got != "" {
			t.Errorf("null %s = %q, want empty", name, got)
		}
	}
	if got := get(1, "Scheduled_working_hours"); got != "0" {
		t.Errorf("Scheduled_working_hours = %q, want 0 (zero is not null)", got)
	}
}

func TestWritePersonWeekCSV_Empty(t *testing.T) {
	var buf bytes.Buffer
	if err := report.WritePersonWeekCSV(&buf, nil); err != nil {
		t.Fatalf("WritePersonWeekCSV: %v", err)
	}
	records, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(records) != 1 || records[0][0] != "PersonId" {
		t.Errorf("WritePersonWeekCSV(nil) = %v, %v; want the header only", records, err)
	}
}
