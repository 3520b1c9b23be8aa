package dataset

import (
	"fmt"
	"time"
)

// w47 is the Monday 00:00 UTC of 2026-W47.
var w47 = time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)

// at returns w47 shifted by d days and h hours.
func at(d, h int) time.Time { return w47.Add(time.Duration(24*d+h) * time.Hour) }

// sampleTables returns a small dataset over 2026-W46..W48, with every
// nullable field both set and empty. Instants are whole minutes, so that
// every timestamp unit can hold them.
func sampleTables() *Tables {
	t := &Tables{
		People: []Person{
			{PersonID: "p1", Domain: "example.com", IsInternal: true, ManagerID: "p2", Organization: "Sales",
				FunctionType: "Account management", LevelDesignation: "L3", TimeZone: "Europe/Paris",
				WorkStart: "09:00", WorkEnd: "17:30", WorkDays: "Mon,Tue,Wed,Thu,Fri", Source: "fixture"},
			{PersonID: "p2", Domain: "example.com", IsInternal: true, Source: "fixture"},
			{PersonID: "x1", Domain: "partner.org", Source: "fixture"},
		},
	}
	for i, d := range []int{-3, -1, 0, 2, 4, 7, 9} { // W46 Fri, W46 Sun, W47 Mon, …, W48 Mon, W48 Wed
		e := Event{
			EventID: fmt.Sprintf("e%d", i), Start: at(d, 9), End: at(d, 10), OrganizerID: "p1",
			Invitees: int32(2 + i), AttendeesNotDeclined: int32(2 + i/2), Kind: KindMeeting,
			IsOnline: i%2 == 0, Source: "fixture",
		}
		if i%3 == 0 {
			e.SeriesID, e.IsRecurring, e.TitleClass = "s1", true, "standup"
			e.Created = at(-10, 12)
		}
		if i == 4 {
			e.Kind, e.IsAllDay, e.End = KindOutOfOffice, true, at(d+1, 0)
		}
		t.Events = append(t.Events, e)
		t.Attendance = append(t.Attendance,
			Attendance{PersonID: "p1", EventID: e.EventID, Response: ResponseOrganizer, ShowAs: ShowAsBusy},
			Attendance{PersonID: "p2", EventID: e.EventID, Response: ResponseAccepted, ShowAs: ShowAsTentative})
	}
	for i, d := range []int{-2, 0, 1, 3, 8} {
		m := Message{
			MessageID: fmt.Sprintf("<m%d@example.com>", i), Channel: ChannelEmail, SenderID: "p1",
			SentAt: at(d, 14).Add(time.Duration(i) * time.Minute), RecipientIDs: []string{"p2", "x1"},
			NTo: 1, NCc: 1, IsReply: i%2 == 1, Source: "fixture",
		}
		if i == 2 {
			m.Channel, m.SenderID, m.RecipientIDs, m.NTo, m.NCc = ChannelChat, "p2", []string{"p1"}, 1, 0
		}
		if i == 4 {
			m.RecipientIDs, m.NTo, m.NCc, m.NBcc, m.IsAuto = []string{"p1", "p2", "x1"}, 1, 1, 1, true
		}
		t.Messages = append(t.Messages, m)
	}
	return t
}

// samplePersonWeek returns two person_week rows of 2026-W47, one with
// shares and one with none.
func samplePersonWeek() []PersonWeek {
	return []PersonWeek{
		{PersonID: "p1", MetricDate: w47, Week: "2026-W47", Organization: "Sales", FunctionType: "AM",
			LevelDesignation: "L3", SupervisorIndicator: SupervisorIC, ManagerID: "m1", TimeZone: "Europe/Paris",
			ScheduledWorkingHours: 40, OOODays: 0, MeetingHours: 6.5, Meetings: 7, EmailHours: 3.25,
			EmailsSent: 12, EmailsReceived: 40, CollaborationHours: 34, WorkingHoursCollaborationHours: 32,
			AfterHoursCollaborationHours: 2, FocusHours: 4, GeneratedWorkloadMeetingHours: 1.5,
			HasShares: true, CollaborationShare: 0.85, CreationShare: 0.2, OverloadBand: BandOverloaded},
		{PersonID: "p2", MetricDate: w47, Week: "2026-W47", SupervisorIndicator: SupervisorManager, OOODays: 5},
	}
}
