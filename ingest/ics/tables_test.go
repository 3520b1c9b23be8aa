package ics_test

import (
	"strings"
	"testing"
	"time"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/ics"
)

const meetingICS = `BEGIN:VCALENDAR
X-WR-TIMEZONE:Europe/Paris
BEGIN:VEVENT
UID:weekly@example.com
SUMMARY:Team standup (secret project)
DTSTART;TZID=Europe/Paris:20260302T093000
DTEND;TZID=Europe/Paris:20260302T094500
RRULE:FREQ=WEEKLY;COUNT=3
EXDATE;TZID=Europe/Paris:20260309T093000
ORGANIZER;CN=Boss:mailto:boss@example.com
ATTENDEE;CUTYPE=INDIVIDUAL;PARTSTAT=ACCEPTED:mailto:Me@Example.com
ATTENDEE;PARTSTAT=DECLINED:mailto:c@example.com
ATTENDEE;CUTYPE=ROOM;PARTSTAT=ACCEPTED:mailto:room1@example.com
ATTENDEE;PARTSTAT=ACCEPTED:mailto:boss@example.com
LOCATION:https://meet.google.com/abc-defg-hij
END:VEVENT
BEGIN:VEVENT
UID:weekly@example.com
RECURRENCE-ID;TZID=Europe/Paris:20260316T093000
DTSTART;TZID=Europe/Paris:20260316T093000
DTEND;TZID=Europe/Paris:20260316T094500
STATUS:CANCELLED
END:VEVENT
BEGIN:VEVENT
UID:ooo@example.com
SUMMARY:Vacation
DTSTART;VALUE=DATE:20260305
DTEND;VALUE=DATE:20260306
X-MICROSOFT-CDO-BUSYSTATUS:OOF
END:VEVENT
BEGIN:VEVENT
UID:focus@example.com
SUMMARY:Focus time
DTSTART:20260304T130000Z
DTEND:20260304T150000Z
TRANSP:TRANSPARENT
END:VEVENT
BEGIN:VEVENT
UID:tent@example.com
DTSTART:20260304T160000Z
DURATION:PT30M
ORGANIZER:mailto:x@other.org
ATTENDEE;PARTSTAT=TENTATIVE:mailto:me@example.com
END:VEVENT
END:VCALENDAR
`

func TestCalendar_Tables(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	cal, err := ics.Import(strings.NewReader(meetingICS), "me.ics", ics.Options{Location: paris})
	if err != nil {
		t.Fatal(err)
	}
	if cal.TimeZone != "Europe/Paris" {
		t.Errorf("TimeZone = %q", cal.TimeZone)
	}
	p, _ := ingest.NewPseudonymizer([]byte("0123456789abcdef"))
	events, att := cal.Tables(p, "me@example.com")
	if len(events) != 5 || len(att) != 5 {
		t.Fatalf("%d events, %d attendance rows, want 5 and 5", len(events), len(att))
	}
	me := p.PersonID("me@example.com")
	for i, e := range events {
		if att[i].EventID != e.EventID || att[i].PersonID != me {
			t.Errorf("attendance %d = %+v does not match event %s", i, att[i], e.EventID)
		}
		if strings.Contains(e.TitleClass, "secret") {
			t.Errorf("title leaked: %q", e.TitleClass)
		}
	}
	std := events[0]
	if std.Invitees != 3 || std.AttendeesNotDeclined != 2 || std.Kind != dataset.KindMeeting || !std.IsRecurring ||
		std.TitleClass != "standup" || !std.IsOnline || std.OrganizerID != p.PersonID("boss@example.com") ||
		!std.Start.Equal(time.Date(2026, 3, 2, 8, 30, 0, 0, time.UTC)) {
		t.Errorf("standup = %+v", std)
	}
	if att[0].Response != dataset.ResponseAccepted || att[0].ShowAs != dataset.ShowAsBusy {
		t.Errorf("standup attendance = %+v", att[0])
	}
	if !events[1].IsCancelled || !events[1].Start.Equal(time.Date(2026, 3, 16, 8, 30, 0, 0, time.UTC)) {
		t.Errorf("cancelled instance = %+v", events[1])
	}
	ooo := events[2]
	if ooo.Kind != dataset.KindOutOfOffice || !ooo.IsAllDay || att[2].ShowAs != dataset.ShowAsOOF ||
		att[2].Response != dataset.ResponseOrganizer ||
		!ooo.Start.Equal(time.Date(2026, 3, 4, 23, 0, 0, 0, time.UTC)) || !ooo.End.Equal(time.Date(2026, 3, 5, 23, 0, 0, 0, time.UTC)) {
		t.Errorf("ooo = %+v %+v, want all-day Paris midnight to midnight", ooo, att[2])
	}
	if events[3].Kind != dataset.KindFocus || att[3].ShowAs != dataset.ShowAsFree || events[3].Invitees != 1 {
		t.Errorf("focus = %+v %+v", events[3], att[3])
	}
	if att[4].Response != dataset.ResponseTentative || att[4].ShowAs != dataset.ShowAsTentative || events[4].Invitees != 2 ||
		events[4].End.Sub(events[4].Start) != 30*time.Minute {
		t.Errorf("tentative = %+v %+v", events[4], att[4])
	}
}
