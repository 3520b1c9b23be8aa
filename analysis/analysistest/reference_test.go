package analysistest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
)

// Test data helpers. Unless a case says otherwise the person is "p", internal,
// UTC, Mon–Fri 09:00–17:00 (the defaults), and the week is 2026-W10
// (Monday 2026-03-02 to Monday 2026-03-09).

var w10 = dataset.Week{Year: 2026, Num: 10}

// local returns the instant of a local wall time in zone.
func local(zone string, y int, mo time.Month, d, h, mi, s int) time.Time {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		panic(err)
	}
	return time.Date(y, mo, d, h, mi, s, 0, loc)
}

// mon returns day (0 = Monday 2026-03-02) of 2026-W10 at h:mi:s UTC.
func mon(day, h, mi, s int) time.Time { return local("UTC", 2026, 3, 2+day, h, mi, s) }

func person(id string) dataset.Person {
	return dataset.Person{PersonID: id, Domain: "example.com", IsInternal: true}
}

// meet returns a meeting organized by org.
func meet(id string, start, end time.Time, org string, invitees, notDeclined int32) dataset.Event {
	return dataset.Event{EventID: id, Start: start, End: end, OrganizerID: org, Invitees: invitees,
		AttendeesNotDeclined: notDeclined, Kind: dataset.KindMeeting}
}

func att(pid, eid, response, showAs string) dataset.Attendance {
	return dataset.Attendance{PersonID: pid, EventID: eid, Response: response, ShowAs: showAs}
}

func msg(id, channel, from string, at time.Time, to ...string) dataset.Message {
	return dataset.Message{MessageID: id, Channel: channel, SenderID: from, SentAt: at, RecipientIDs: to, NTo: int32(len(to))}
}

const (
	org      = dataset.ResponseOrganizer
	accepted = dataset.ResponseAccepted
	busy     = dataset.ShowAsBusy
	email    = dataset.ChannelEmail
	chat     = dataset.ChannelChat
)

// emptyWeek is the row of p in 2026-W10 with no activity: 40 scheduled hours,
// all of them available, focus (five 8 h pieces) and uninterrupted.
func emptyWeek() dataset.PersonWeek {
	return dataset.PersonWeek{
		PersonID: "p", MetricDate: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), Week: "2026-W10",
		SupervisorIndicator: dataset.SupervisorIC, TimeZone: "UTC",
		ScheduledWorkingHours: 40, AvailableToFocusHours: 40, UninterruptedHours: 40, FocusHours: 40,
		HasShares: true, CollaborationShare: 0, CreationShare: 1, OverloadBand: dataset.BandWithin,
	}
}

func preset(t *testing.T, name string) analysis.Config {
	t.Helper()
	c, err := analysis.Preset(name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// rowOf runs Reference and returns p's row for week w.
func rowOf(t *testing.T, tables *dataset.Tables, w dataset.Week, cfg analysis.Config) dataset.PersonWeek {
	t.Helper()
	rows, err := Reference(tables, []dataset.Week{w}, cfg)
	if err != nil {
		t.Fatalf("Reference: %v", err)
	}
	for _, r := range rows {
		if r.PersonID == "p" {
			return r
		}
	}
	t.Fatalf("Reference: no row for p in %v", rows)
	return dataset.PersonWeek{}
}

var approx = cmpopts.EquateApprox(0, 1e-9)

func hm(h, m float64) float64 { return h + m/60 }

func TestReference(t *testing.T) {
	tests := []struct {
		name   string
		preset string       // "" = default
		week   dataset.Week // zero = 2026-W10
		tables dataset.Tables
		want   func(r *dataset.PersonWeek) // applied to emptyWeek()
	}{
		{
			// a: Mon 09:30–11:00 organized by p, 3 invitees, all attending.
			// b: Mon 10:30–12:00 organized by p's manager q, 1:1, recurring.
			// c: Tue 14:00–15:00, 10 invitees (large), short.
			name: "overlapping meetings",
			tables: dataset.Tables{
				People: []dataset.Person{{PersonID: "p", IsInternal: true, ManagerID: "q"}, {PersonID: "q"}},
				Events: []dataset.Event{
					meet("a", mon(0, 9, 30, 0), mon(0, 11, 0, 0), "p", 3, 3),
					func() dataset.Event {
						e := meet("b", mon(0, 10, 30, 0), mon(0, 12, 0, 0), "q", 2, 2)
						e.IsRecurring = true
						return e
					}(),
					meet("c", mon(1, 14, 0, 0), mon(1, 15, 0, 0), "x", 10, 9),
				},
				Attendance: []dataset.Attendance{
					att("p", "a", org, busy), att("p", "b", accepted, busy), att("q", "b", org, busy),
					att("p", "c", accepted, dataset.ShowAsTentative),
				},
			},
			want: func(r *dataset.PersonWeek) {
				r.ManagerID = "q"
				r.Meetings = 3
				r.MeetingHours = 3.5             // Mon 09:30–12:00 (2.5) + Tue 14–15 (1)
				r.ConflictingMeetingHours = 0.5  // 1.5 + 1.5 + 1 − 3.5
				r.WorkingHoursMeetingHours = 3.5 // all inside 09–17
				r.CollaborationHours = 3.5       // meetings only
				r.WorkingHoursCollaborationHours = 3.5
				r.AvailableToFocusHours = 36.5      // 40 − 3.5
				r.FocusHours = 36                   // Mon 12–17 (5) + Tue 09–14 (5) + 15–17 (2) + 3×8; Mon 09:00–09:30 too short
				r.UninterruptedHours = 36           // the same pieces (no mail)
				r.FragmentedHours = 0.5             // Mon 09:00–09:30
				r.CollaborationSpan = 3.5           // Mon 09:30–12:00 + Tue 14–15
				r.ActiveConnectedHours = 3.5        // Mon 09:30, 10:00, 10:30, 11:00, 11:30; Tue 14:00, 14:30
				r.MeetingHoursWithManager = 1.5     // b
				r.MeetingHoursWithManager1On1 = 1.5 // b has 2 invitees
				r.SmallAndLongMeetingHours = 2.5    // a ∪ b (each 1.5 h > 1 h)
				r.LargeAndShortMeetingHours = 1     // c
				r.RecurringMeetingHours = 1.5       // b
				r.GeneratedWorkloadMeetingHours = 3 // a: 1.5 h × (3 − 1)
				r.CollaborationShare = 3.5 / 40
				r.CreationShare = 36.5 / 40
			},
		},
		{
			// Declined, tentative (not counted by default), needs_action, show-as-free,
			// cancelled, focus-kind, all-day and 9 h meetings: none is a meeting.
			name: "excluded meetings",
			tables: dataset.Tables{
				People: []dataset.Person{person("p")},
				Events: []dataset.Event{
					meet("declined", mon(0, 10, 0, 0), mon(0, 11, 0, 0), "q", 3, 2),
					meet("tentative", mon(1, 10, 0, 0), mon(1, 11, 0, 0), "q", 3, 3),
					meet("needs", mon(1, 12, 0, 0), mon(1, 13, 0, 0), "q", 3, 3),
					meet("free", mon(2, 10, 0, 0), mon(2, 11, 0, 0), "q", 3, 3),
					func() dataset.Event {
						e := meet("cancelled", mon(2, 12, 0, 0), mon(2, 13, 0, 0), "q", 3, 3)
						e.IsCancelled = true
						return e
					}(),
					func() dataset.Event {
						e := meet("focus", mon(3, 10, 0, 0), mon(3, 12, 0, 0), "p", 1, 1)
						e.Kind = dataset.KindFocus
						return e
					}(),
					func() dataset.Event {
						e := meet("allday", mon(3, 0, 0, 0), mon(4, 0, 0, 0), "q", 3, 3)
						e.IsAllDay = true
						return e
					}(),
					meet("long", mon(4, 8, 0, 0), mon(4, 17, 0, 0), "q", 3, 3),
				},
				Attendance: []dataset.Attendance{
					att("p", "declined", dataset.ResponseDeclined, dataset.ShowAsFree),
					att("p", "tentative", dataset.ResponseTentative, dataset.ShowAsTentative),
					att("p", "needs", dataset.ResponseNeedsAction, busy),
					att("p", "free", accepted, dataset.ShowAsFree),
					att("p", "cancelled", accepted, busy),
					att("p", "focus", org, busy),
					att("p", "allday", accepted, busy),
					att("p", "long", accepted, busy),
				},
			},
			want: func(r *dataset.PersonWeek) {},
		},
		{
			// A block p organized alone (attendees_not_declined 1) is not a meeting.
			name: "lone meeting",
			tables: dataset.Tables{
				People:     []dataset.Person{person("p")},
				Events:     []dataset.Event{meet("a", mon(0, 10, 0, 0), mon(0, 11, 0, 0), "p", 1, 1)},
				Attendance: []dataset.Attendance{att("p", "a", org, busy)},
			},
			want: func(r *dataset.PersonWeek) {},
		},
		{
			// Wed is an all-day OOO day (kind out_of_office, organized by p): it
			// leaves WH, its 10:00 meeting is dropped, and mail sent at 12:00
			// (block 11:55–12:00) is after-hours. A colleague's OOO on Tue
			// that p accepted does not make p OOO.
			name: "OOO all-day",
			tables: dataset.Tables{
				People: []dataset.Person{person("p"), person("q")},
				Events: []dataset.Event{
					func() dataset.Event {
						e := meet("ooo", mon(2, 0, 0, 0), mon(3, 0, 0, 0), "p", 1, 1)
						e.Kind, e.IsAllDay = dataset.KindOutOfOffice, true
						return e
					}(),
					func() dataset.Event {
						e := meet("qooo", mon(1, 0, 0, 0), mon(2, 0, 0, 0), "q", 2, 2)
						e.Kind, e.IsAllDay = dataset.KindOutOfOffice, true
						return e
					}(),
					meet("m", mon(2, 10, 0, 0), mon(2, 11, 0, 0), "q", 2, 2),
				},
				Attendance: []dataset.Attendance{
					att("p", "ooo", org, dataset.ShowAsFree), // kind + organizer: OOO whatever show_as says
					att("q", "qooo", org, dataset.ShowAsOOF), att("p", "qooo", accepted, busy),
					att("p", "m", accepted, busy), att("q", "m", org, busy),
				},
				Messages: []dataset.Message{msg("e1", email, "p", mon(2, 12, 0, 0), "q")},
			},
			want: func(r *dataset.PersonWeek) {
				r.OOODays = 1
				r.ScheduledWorkingHours = 32 // 40 − Wed
				r.AvailableToFocusHours = 32
				r.FocusHours = 32
				r.UninterruptedHours = 32
				r.EmailsSent = 1
				r.EmailHours = hm(0, 5) // 11:55–12:00
				r.AfterHoursEmailHours = hm(0, 5)
				r.CollaborationHours = hm(0, 5)
				r.AfterHoursCollaborationHours = hm(0, 5)
				r.CollaborationSpan = hm(0, 5)
				r.ActiveConnectedHours = 0.5 // 12:00 is in the 12:00–12:30 block
				r.CollaborationShare = hm(0, 5) / 32
				r.CreationShare = 1
			},
		},
		{
			// Thu 09:00–13:00 (show_as oof) covers exactly half of Thu's working
			// interval: OOO (inclusive). Fri 09:00–12:59 covers less than half: not OOO.
			name: "OOO half day",
			tables: dataset.Tables{
				People: []dataset.Person{person("p")},
				Events: []dataset.Event{
					func() dataset.Event {
						e := meet("thu", mon(3, 9, 0, 0), mon(3, 13, 0, 0), "x", 3, 3)
						e.Kind = dataset.KindOutOfOffice
						return e
					}(),
					func() dataset.Event {
						e := meet("fri", mon(4, 9, 0, 0), mon(4, 12, 59, 0), "p", 1, 1)
						e.Kind = dataset.KindOutOfOffice
						return e
					}(),
				},
				Attendance: []dataset.Attendance{att("p", "thu", accepted, dataset.ShowAsOOF), att("p", "fri", org, dataset.ShowAsOOF)},
			},
			want: func(r *dataset.PersonWeek) {
				r.OOODays = 1
				r.ScheduledWorkingHours = 32
				r.AvailableToFocusHours = 32
				r.FocusHours = 32
				r.UninterruptedHours = 32
			},
		},
		{
			// Mon–Fri all OOO: nothing scheduled, so no shares and no band.
			name: "OOO all week",
			tables: dataset.Tables{
				People: []dataset.Person{person("p")},
				Events: []dataset.Event{func() dataset.Event {
					e := meet("ooo", mon(0, 0, 0, 0), mon(5, 0, 0, 0), "p", 1, 1)
					e.Kind = dataset.KindOutOfOffice
					return e
				}()},
				Attendance: []dataset.Attendance{att("p", "ooo", org, dataset.ShowAsOOF)},
			},
			want: func(r *dataset.PersonWeek) {
				r.OOODays = 5
				r.ScheduledWorkingHours, r.AvailableToFocusHours, r.FocusHours, r.UninterruptedHours = 0, 0, 0, 0
				r.HasShares, r.CreationShare, r.OverloadBand = false, 0, ""
			},
		},
		{
			// Email sent Mon 09:03: block 08:58–09:03, 2 min after hours and 3 in.
			// Chat sent Mon 10:30 inside meeting 10–11: block 10:29–10:30, multitasking.
			// A message to oneself only and an auto message are not sends.
			name: "sends",
			tables: dataset.Tables{
				People:     []dataset.Person{person("p"), person("q")},
				Events:     []dataset.Event{meet("m", mon(0, 10, 0, 0), mon(0, 11, 0, 0), "q", 2, 2)},
				Attendance: []dataset.Attendance{att("p", "m", accepted, busy), att("q", "m", org, busy)},
				Messages: []dataset.Message{
					msg("e1", email, "p", mon(0, 9, 3, 0), "q", "q", "p"),
					msg("c1", chat, "p", mon(0, 10, 30, 0), "q"),
					msg("self", email, "p", mon(0, 14, 0, 0), "p"),
					func() dataset.Message { m := msg("auto", email, "p", mon(0, 15, 0, 0), "q"); m.IsAuto = true; return m }(),
				},
			},
			want: func(r *dataset.PersonWeek) {
				r.Meetings, r.MeetingHours, r.WorkingHoursMeetingHours, r.SmallAndShortMeetingHours = 1, 1, 1, 1
				r.EmailsSent, r.ChatsSent = 1, 1
				r.EmailHours = hm(0, 5)
				r.WorkingHoursEmailHours = hm(0, 3) // 09:00–09:03
				r.AfterHoursEmailHours = hm(0, 2)   // 08:58–09:00
				r.ChatHours = hm(0, 1)
				r.CollaborationHours = hm(1, 5) // meeting 60 + email 5 (the chat minute is inside the meeting)
				r.WorkingHoursCollaborationHours = hm(1, 3)
				r.AfterHoursCollaborationHours = hm(0, 2)
				r.MultitaskingHours = hm(0, 1) // 10:29–10:30
				r.AvailableToFocusHours = 39
				r.FocusHours = 38         // Mon 11–17 (6) + 32; Mon 09–10 is 1 h
				r.UninterruptedHours = 38 // Mon 09:03–10:00 is 57 min; 11–17 (6) + 32
				r.FragmentedHours = 0     // Mon 09–10 is exactly 60 min: not shorter
				r.CollaborationSpan = hm(2, 2)
				r.ActiveConnectedHours = 1.5 // 09:00 (sent 09:03), 10:00, 10:30
				r.CollaborationShare = hm(1, 5) / 40
				r.CreationShare = (40 - hm(1, 3)) / 40
			},
		},
		{
			// Meetings Mon 09–10 and Tue 10–11. Queue (email 90 s, chat 30 s):
			//   email Mon 09:10 → Mon 10:00:00–10:01:30 (waits for the meeting)
			//   chat  Mon 09:20 → Mon 10:01:30–10:02:00 (after the previous read)
			//   email Tue 09:59 → Tue 09:59:00–10:00:00 + 11:00:00–11:00:30 (pauses over the meeting)
			//   email Fri 16:59:00 → 60 s left in the week's WH: dropped, cursor stays
			//   chat  Fri 16:59:10 → Fri 16:59:10–16:59:40
			// An email from the previous week (Sun 1 March) is not read.
			name: "reads",
			tables: dataset.Tables{
				People: []dataset.Person{person("p"), person("q")},
				Events: []dataset.Event{
					meet("m1", mon(0, 9, 0, 0), mon(0, 10, 0, 0), "q", 2, 2),
					meet("m2", mon(1, 10, 0, 0), mon(1, 11, 0, 0), "q", 2, 2),
				},
				Attendance: []dataset.Attendance{att("p", "m1", accepted, busy), att("p", "m2", accepted, busy)},
				Messages: []dataset.Message{
					msg("r5", chat, "q", mon(4, 16, 59, 10), "p"),
					msg("r4", email, "q", mon(4, 16, 59, 0), "p"),
					msg("r1", email, "q", mon(0, 9, 10, 0), "p"),
					msg("r2", chat, "q", mon(0, 9, 20, 0), "p", "p"),
					msg("r3", email, "q", mon(1, 9, 59, 0), "p"),
					msg("old", email, "q", mon(-1, 23, 0, 0), "p"),
				},
			},
			want: func(r *dataset.PersonWeek) {
				r.Meetings, r.MeetingHours, r.WorkingHoursMeetingHours, r.SmallAndShortMeetingHours = 2, 2, 2, 2
				r.EmailsReceived, r.ChatsReceived, r.ReadsDropped = 3, 2, 1
				r.EmailHours = 180.0 / 3600 // 90 + 60 + 30 s
				r.WorkingHoursEmailHours = 180.0 / 3600
				r.ChatHours = 60.0 / 3600 // 30 + 30 s
				r.CollaborationHours = 7440.0 / 3600
				r.WorkingHoursCollaborationHours = 7440.0 / 3600
				r.AvailableToFocusHours = 38
				r.FocusHours = 37 // Mon 10–17 (7) + Tue 11–17 (6) + 24; Tue 09–10 is 1 h
				// Mon 10:02–17:00 (25080 s) + Tue 11:00:30–17:00 (21570 s) + Wed, Thu (57600 s)
				// + Fri 09:00–16:59:10 (28750 s); Tue 09:00–09:59 and Fri's last 20 s are too short.
				r.UninterruptedHours = 133000.0 / 3600
				r.CollaborationSpan = 2    // meetings only: reads are not provable activity
				r.ActiveConnectedHours = 2 // Mon 09:00, 09:30; Tue 10:00, 10:30
				r.CollaborationShare = 7440.0 / 144000
				r.CreationShare = (144000 - 7440.0) / 144000
			},
		},
		{
			// Overnight shift 22:00–06:00 on Sun–Thu: Sunday 1 March's shift spills
			// 6 h into the week, Sunday 8 March's contributes 2 h before the week ends.
			name: "overnight shift",
			tables: dataset.Tables{People: []dataset.Person{{PersonID: "p", IsInternal: true,
				WorkStart: "22:00", WorkEnd: "06:00", WorkDays: "Sun,Mon,Tue,Wed,Thu"}}},
			want: func(r *dataset.PersonWeek) {}, // 6 + 4×8 + 2 = 40, every piece ≥ 2 h
		},
		{
			// Meetings Mon 11:00–11:30, 13:30–14:00, 16:00–16:30 leave Monday pieces
			// 09–11, 11:30–13:30, 14–16 (2 h each: focus, inclusive) and 16:30–17 (fragmented).
			name: "focus pieces of 2h",
			tables: dataset.Tables{
				People: []dataset.Person{person("p")},
				Events: []dataset.Event{
					meet("a", mon(0, 11, 0, 0), mon(0, 11, 30, 0), "q", 2, 2),
					meet("b", mon(0, 13, 30, 0), mon(0, 14, 0, 0), "q", 2, 2),
					meet("c", mon(0, 16, 0, 0), mon(0, 16, 30, 0), "q", 2, 2),
				},
				Attendance: []dataset.Attendance{att("p", "a", accepted, busy), att("p", "b", accepted, busy), att("p", "c", accepted, busy)},
			},
			want: func(r *dataset.PersonWeek) {
				r.Meetings, r.MeetingHours, r.WorkingHoursMeetingHours, r.SmallAndShortMeetingHours = 3, 1.5, 1.5, 1.5
				r.CollaborationHours, r.WorkingHoursCollaborationHours = 1.5, 1.5
				r.AvailableToFocusHours = 38.5
				r.FocusHours = 38 // 3 × 2 + 32
				r.UninterruptedHours = 38
				r.FragmentedHours = 0.5
				r.CollaborationSpan = 5.5    // 11:00–16:30
				r.ActiveConnectedHours = 1.5 // 11:00, 13:30, 16:00
				r.CollaborationShare = 1.5 / 40
				r.CreationShare = 38.5 / 40
			},
		},
		{
			// Asia/Kolkata (+05:30): week from Sun 1 March 18:30Z; WH 03:30–11:30Z.
			// Meeting 09:00–09:30 IST; emails sent Mon 09:45 IST and Mon 00:30 IST.
			name: "Asia/Kolkata",
			tables: dataset.Tables{
				People:     []dataset.Person{{PersonID: "p", IsInternal: true, TimeZone: "Asia/Kolkata"}},
				Events:     []dataset.Event{meet("m", local("Asia/Kolkata", 2026, 3, 2, 9, 0, 0), local("Asia/Kolkata", 2026, 3, 2, 9, 30, 0), "q", 2, 2)},
				Attendance: []dataset.Attendance{att("p", "m", accepted, busy)},
				Messages: []dataset.Message{
					msg("e1", email, "p", time.Date(2026, 3, 2, 4, 15, 0, 0, time.UTC), "q"),  // 09:45 IST
					msg("e2", email, "p", time.Date(2026, 3, 1, 19, 0, 0, 0, time.UTC), "q"),  // Mon 00:30 IST
					msg("e3", email, "p", time.Date(2026, 3, 1, 18, 29, 0, 0, time.UTC), "q"), // Sun 23:59 IST: last week
				},
			},
			want: func(r *dataset.PersonWeek) {
				r.TimeZone = "Asia/Kolkata"
				r.Meetings, r.MeetingHours, r.WorkingHoursMeetingHours, r.SmallAndShortMeetingHours = 1, 0.5, 0.5, 0.5
				r.EmailsSent = 2
				r.EmailHours = hm(0, 10)
				r.WorkingHoursEmailHours = hm(0, 5) // 09:40–09:45
				r.AfterHoursEmailHours = hm(0, 5)   // 00:25–00:30
				r.CollaborationHours = hm(0, 40)
				r.WorkingHoursCollaborationHours = hm(0, 35)
				r.AfterHoursCollaborationHours = hm(0, 5)
				r.AvailableToFocusHours = 39.5
				r.FocusHours = 39.5               // Mon 09:30–17:00 + 32
				r.UninterruptedHours = hm(39, 15) // Mon 09:45–17:00 + 32; 09:30–09:40 too short
				r.CollaborationSpan = hm(9, 20)   // 00:25–09:45 IST
				r.ActiveConnectedHours = 1.5      // 00:30 (sent), 09:00 (meeting), 09:30 (sent 09:45)
				r.CollaborationShare = hm(0, 40) / 40
				r.CreationShare = (40 - hm(0, 35)) / 40
			},
		},
		{
			// Asia/Kathmandu (+05:45): emails sent 09:50 and 10:10 local are in the
			// local half-hours 09:30 and 10:00 (in UTC both are in 04:00–04:30).
			name: "active connected local grid",
			tables: dataset.Tables{
				People: []dataset.Person{{PersonID: "p", IsInternal: true, TimeZone: "Asia/Kathmandu"}},
				Messages: []dataset.Message{
					msg("e1", email, "p", local("Asia/Kathmandu", 2026, 3, 2, 9, 50, 0), "q"),
					msg("e2", email, "p", local("Asia/Kathmandu", 2026, 3, 2, 10, 10, 0), "q"),
				},
			},
			want: func(r *dataset.PersonWeek) {
				r.TimeZone = "Asia/Kathmandu"
				r.EmailsSent = 2
				r.EmailHours, r.WorkingHoursEmailHours = hm(0, 10), hm(0, 10)
				r.CollaborationHours, r.WorkingHoursCollaborationHours = hm(0, 10), hm(0, 10)
				r.UninterruptedHours = hm(38, 50) // Mon 10:10–17:00 + 32
				r.CollaborationSpan = hm(0, 25)   // 09:45–10:10
				r.ActiveConnectedHours = 1
				r.CollaborationShare = hm(0, 10) / 40
				r.CreationShare = (40 - hm(0, 10)) / 40
			},
		},
		{
			// viva-legacy: tentative counts, Collaboration = Meeting + Email (chat
			// left out, overlap counted twice). Meeting Mon 10–11 (tentative),
			// email sent 10:30 (block inside the meeting), chat sent 12:00.
			name:   "viva-legacy sum",
			preset: "viva-legacy",
			tables: dataset.Tables{
				People:     []dataset.Person{person("p")},
				Events:     []dataset.Event{meet("m", mon(0, 10, 0, 0), mon(0, 11, 0, 0), "q", 3, 3)},
				Attendance: []dataset.Attendance{att("p", "m", dataset.ResponseTentative, dataset.ShowAsTentative)},
				Messages: []dataset.Message{
					msg("e1", email, "p", mon(0, 10, 30, 0), "q"),
					msg("c1", chat, "p", mon(0, 12, 0, 0), "q"),
				},
			},
			want: func(r *dataset.PersonWeek) {
				r.Meetings, r.MeetingHours, r.WorkingHoursMeetingHours, r.SmallAndShortMeetingHours = 1, 1, 1, 1
				r.EmailsSent, r.ChatsSent = 1, 1
				r.EmailHours, r.WorkingHoursEmailHours = hm(0, 5), hm(0, 5)
				r.ChatHours = hm(0, 1)
				r.CollaborationHours, r.WorkingHoursCollaborationHours = hm(1, 5), hm(1, 5)
				r.MultitaskingHours = hm(0, 5)
				r.AvailableToFocusHours = 39
				r.FocusHours = 38         // Mon 11–17 + 32
				r.UninterruptedHours = 39 // Mon 09–10 + 11–17 + 32: the chat minute does not interrupt
				r.CollaborationSpan = 2   // 10:00 to 12:00 (chat block 11:59–12:00)
				r.ActiveConnectedHours = 1.5
				r.CollaborationShare = hm(1, 5) / 40
				r.CreationShare = (40 - hm(1, 5)) / 40
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			week := tt.week
			if week == (dataset.Week{}) {
				week = w10
			}
			got := rowOf(t, &tt.tables, week, preset(t, tt.preset))
			want := emptyWeek()
			tt.want(&want)
			if diff := cmp.Diff(want, got, approx); diff != "" {
				t.Errorf("Reference row of p (-want +got):\n%s", diff)
			}
		})
	}
}
