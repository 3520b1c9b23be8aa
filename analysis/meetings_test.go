package analysis_test

import (
	gocmp "cmp"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
)

// mtTables builds week 2026-W10 (Mon 2 March 2026, UTC, 09:00–17:00) for
// person a with one meeting per entry of starts ("Mon 10:00" style hours on
// Monday), each 1 h with b, and one meeting a declined.
func mtTables(startHours ...int) *dataset.Tables {
	t := &dataset.Tables{People: []dataset.Person{
		{PersonID: "a", IsInternal: true, TimeZone: "UTC"},
		{PersonID: "b", IsInternal: true, TimeZone: "UTC", ManagerID: "a"},
	}}
	add := func(id string, h int, resp string) {
		s := time.Date(2026, 3, 2, h, 0, 0, 0, time.UTC)
		t.Events = append(t.Events, dataset.Event{EventID: id, SeriesID: "s-" + id, Start: s, End: s.Add(time.Hour), IsRecurring: true,
			Kind: dataset.KindMeeting, OrganizerID: "b", Invitees: 2, AttendeesNotDeclined: 2, TitleClass: "1:1"})
		t.Attendance = append(t.Attendance,
			dataset.Attendance{PersonID: "a", EventID: id, Response: resp, ShowAs: dataset.ShowAsBusy},
			dataset.Attendance{PersonID: "b", EventID: id, Response: dataset.ResponseOrganizer, ShowAs: dataset.ShowAsBusy})
	}
	for i, h := range startHours {
		add(string(rune('p'+i)), h, dataset.ResponseAccepted)
	}
	add("declined", 15, dataset.ResponseDeclined)
	return t
}

func TestMeetings_FocusReturned(t *testing.T) {
	w := dataset.Week{Year: 2026, Num: 10}
	cfg, _ := analysis.Preset("default")
	tests := []struct {
		name  string
		hours []int
		want  []float64 // FocusReturned per meeting, by start
	}{
		// 09–10 and 11–17: the 1-hour piece is no focus, so the meeting costs 2 h.
		{"one breaks a block", []int{10}, []float64{2}},
		// 09–12 and 13–17 are both focus: the meeting costs only its own hour.
		{"midday", []int{12}, []float64{1}},
		// 09–10, 11–12, 13–17 (focus 4 h): without 10:00, 09–12 joins (7 h); without 12:00, 11–17 (6 h).
		{"two", []int{10, 12}, []float64{3, 2}},
		// The same, read in another order than by start.
		{"two, read out of order", []int{12, 10}, []float64{3, 2}},
		// At the day's edge a meeting costs its hour.
		{"edge", []int{9}, []float64{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tables := mtTables(tt.hours...)
			got, err := analysis.Meetings(context.Background(), tables, []string{"a"}, []dataset.Week{w}, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 {
				t.Fatalf("Meetings returned %d person-weeks, want 1", len(got))
			}
			var focus []float64
			var ids, wantIDs []string // by start
			for i := range tt.hours {
				wantIDs = append(wantIDs, string(rune('p'+i)))
			}
			slices.SortFunc(wantIDs, func(x, y string) int { return gocmp.Compare(tt.hours[x[0]-'p'], tt.hours[y[0]-'p']) })
			for _, m := range got[0].Meetings {
				focus = append(focus, m.FocusReturned)
				ids = append(ids, m.EventID)
				if h := m.Start.Hour(); h != tt.hours[m.EventID[0]-'p'] {
					t.Errorf("meeting %s starts at %d:00, want %d:00", m.EventID, h, tt.hours[m.EventID[0]-'p'])
				}
				if m.Organized || m.OrganizerID != "b" || !m.Recurring || m.Invitees != 2 || m.TitleClass != "1:1" || m.ClippedHours != 1 {
					t.Errorf("meeting %+v: wrong fields", m)
				}
			}
			if d := cmp.Diff(tt.want, focus); d != "" {
				t.Errorf("FocusReturned (-want +got):\n%s", d)
			}
			if d := cmp.Diff(wantIDs, ids); d != "" {
				t.Errorf("meetings (-want +got):\n%s", d)
			}
			// The rows are Run's rows.
			res, err := analysis.Run(context.Background(), tables, []dataset.Week{w}, cfg)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range res.Rows {
				if r.PersonID == "a" {
					if d := cmp.Diff(r, got[0].Row); d != "" {
						t.Errorf("row differs from Run (-run +meetings):\n%s", d)
					}
				}
			}
		})
	}
}

func TestMeetings_UnknownPerson(t *testing.T) {
	cfg, _ := analysis.Preset("default")
	_, err := analysis.Meetings(context.Background(), mtTables(), []string{"zz"}, []dataset.Week{{Year: 2026, Num: 10}}, cfg)
	if err == nil {
		t.Fatal("Meetings of an unknown person: no error")
	}
}
