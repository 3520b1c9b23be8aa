package analysistest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/overload-engine/overload/dataset"
)

func TestLocalWeek(t *testing.T) {
	tests := []struct {
		name      string
		zone      string
		week      dataset.Week
		weekStart string
		first     time.Time // the local first day as a date
		start     time.Time // its instant
		hours     int
	}{
		{"UTC", "UTC", dataset.Week{Year: 2026, Num: 10}, "Monday",
			time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), 168},
		{"spring forward", "Europe/Berlin", dataset.Week{Year: 2026, Num: 13}, "Monday",
			time.Date(2026, 3, 23, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 22, 23, 0, 0, 0, time.UTC), 167},
		{"fall back", "Europe/Berlin", dataset.Week{Year: 2026, Num: 43}, "Monday",
			time.Date(2026, 10, 19, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 18, 22, 0, 0, 0, time.UTC), 169},
		{"Sunday start", "Europe/Berlin", dataset.Week{Year: 2026, Num: 14}, "Sunday",
			time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 28, 23, 0, 0, 0, time.UTC), 167},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc, err := time.LoadLocation(tt.zone)
			if err != nil {
				t.Fatal(err)
			}
			lw, err := newLocalWeek(tt.week, loc, tt.weekStart)
			if err != nil {
				t.Fatal(err)
			}
			if !lw.first.Equal(tt.first) || !lw.start.Equal(tt.start) || lw.n != tt.hours*3600 {
				t.Errorf("newLocalWeek(%v, %s, %s) = first %v, start %v, %d s; want %v, %v, %d s",
					tt.week, tt.zone, tt.weekStart, lw.first, lw.start.UTC(), lw.n, tt.first, tt.start, tt.hours*3600)
			}
		})
	}
}

func TestReference_DST(t *testing.T) {
	const berlin = "Europe/Berlin"
	at := func(d, h, mi int) time.Time { return local(berlin, 2026, 3, d, h, mi, 0) }
	people := []dataset.Person{{PersonID: "p", IsInternal: true, TimeZone: berlin}}

	t.Run("spring forward", func(t *testing.T) {
		// 2026-W13 in Berlin: Mon 23 March 00:00 CET to Mon 30 March 00:00 CEST,
		// 167 h; clocks go forward on Sun 29 March at 02:00.
		// Meetings (1 h, 2 invitees): Mon 09:00 CET (08:00Z), Fri 09:00 CET
		// (08:00Z), Sun 10:00 CEST (08:00Z), and Sun 23:30 CEST to Mon 00:30
		// CEST, clipped to 30 min at the week's end.
		tables := dataset.Tables{
			People: people,
			Events: []dataset.Event{
				meet("mon", at(23, 9, 0), at(23, 10, 0), "q", 2, 2),
				meet("fri", at(27, 9, 0), at(27, 10, 0), "q", 2, 2),
				meet("sun", at(29, 10, 0), at(29, 11, 0), "q", 2, 2),
				meet("late", at(29, 23, 30), at(30, 0, 30), "q", 2, 2),
				meet("next", at(30, 9, 0), at(30, 10, 0), "q", 2, 2), // next week
			},
			Attendance: []dataset.Attendance{att("p", "mon", accepted, busy), att("p", "fri", accepted, busy),
				att("p", "sun", accepted, busy), att("p", "late", accepted, busy), att("p", "next", accepted, busy)},
		}
		if got := at(23, 9, 0).UTC().Hour(); got != 8 {
			t.Fatalf("Mon 09:00 Berlin = %02d:00Z, want 08:00Z", got)
		}
		want := emptyWeek()
		want.MetricDate = time.Date(2026, 3, 23, 0, 0, 0, 0, time.UTC)
		want.Week = "2026-W13"
		want.TimeZone = berlin
		// Scheduled stays 40 h (Mon–Fri 09–17 CET) though the week has 167 h.
		want.Meetings = 4
		want.MeetingHours = 3.5
		want.WorkingHoursMeetingHours = 2 // Mon and Fri 09–10 local: both inside WH
		want.AfterHoursMeetingHours = 1.5
		want.SmallAndShortMeetingHours = 3.5
		want.CollaborationHours, want.WorkingHoursCollaborationHours, want.AfterHoursCollaborationHours = 3.5, 2, 1.5
		want.WeekendCollaborationHours = 1.5
		want.AvailableToFocusHours = 38
		want.FocusHours = 38 // Mon 10–17 + Fri 10–17 + Tue–Thu
		want.UninterruptedHours = 38
		want.CollaborationSpan = 16     // Mon 1 + Fri 1 + Sun 10:00 CEST to 24:00 (14 real hours)
		want.ActiveConnectedHours = 3.5 // 2 + 2 + 2 + 1 half-hours
		want.CollaborationShare = 3.5 / 40
		want.CreationShare = 38.0 / 40
		got := rowOf(t, &tables, dataset.Week{Year: 2026, Num: 13}, preset(t, "default"))
		if diff := cmp.Diff(want, got, approx); diff != "" {
			t.Errorf("Reference row of p (-want +got):\n%s", diff)
		}
	})

	t.Run("viva Sunday week", func(t *testing.T) {
		// viva, 2026-W14 in Berlin: Sun 29 March 00:00 CET to Sun 5 April 00:00
		// CEST (167 h); WH Mon–Fri 08–17 CEST = 45 h. Meetings Sun 10:00 CEST
		// (weekend, after hours) and Mon 08:00 CEST (06:00Z, first hour of WH).
		tables := dataset.Tables{
			People: people,
			Events: []dataset.Event{
				meet("sun", at(29, 10, 0), at(29, 11, 0), "q", 2, 2),
				meet("mon", at(30, 8, 0), at(30, 9, 0), "q", 2, 2),
			},
			Attendance: []dataset.Attendance{att("p", "sun", accepted, busy), att("p", "mon", accepted, busy)},
		}
		want := emptyWeek()
		want.MetricDate = time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC)
		want.Week = "2026-W14"
		want.TimeZone = berlin
		want.ScheduledWorkingHours = 45
		want.Meetings, want.MeetingHours, want.SmallAndShortMeetingHours = 2, 2, 2
		want.WorkingHoursMeetingHours, want.AfterHoursMeetingHours = 1, 1
		want.CollaborationHours, want.WorkingHoursCollaborationHours, want.AfterHoursCollaborationHours = 2, 1, 1
		want.WeekendCollaborationHours = 1
		want.AvailableToFocusHours = 44
		want.UninterruptedHours = 44 // Mon 09–17 + 4 × 9
		want.FocusHours = 44         // viva: uninterrupted pieces of 60 min or more
		want.CollaborationSpan = 2
		want.ActiveConnectedHours = 2
		want.CollaborationShare = 2.0 / 45
		want.CreationShare = 44.0 / 45
		got := rowOf(t, &tables, dataset.Week{Year: 2026, Num: 14}, preset(t, "viva"))
		if diff := cmp.Diff(want, got, approx); diff != "" {
			t.Errorf("Reference row of p (-want +got):\n%s", diff)
		}
	})

	t.Run("fall back half-hours", func(t *testing.T) {
		// 2026-W43 in Berlin (169 h): clocks go back on Sun 25 October at 03:00
		// CEST. A meeting 01:30 CEST to 02:30 CET (23:30Z–01:30Z, 2 real hours)
		// holds the half-hours 01:30, 02:00 CEST, 02:30 CEST, 02:00 CET: 4 blocks.
		tables := dataset.Tables{
			People: people,
			Events: []dataset.Event{meet("night",
				time.Date(2026, 10, 24, 23, 30, 0, 0, time.UTC), time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC), "q", 2, 2)},
			Attendance: []dataset.Attendance{att("p", "night", accepted, busy)},
		}
		got := rowOf(t, &tables, dataset.Week{Year: 2026, Num: 43}, preset(t, "default"))
		if got.ActiveConnectedHours != 2 || got.MeetingHours != 2 || got.WeekendCollaborationHours != 2 {
			t.Errorf("Reference: active %v, meeting %v, weekend %v hours; want 2, 2, 2",
				got.ActiveConnectedHours, got.MeetingHours, got.WeekendCollaborationHours)
		}
	})
}
