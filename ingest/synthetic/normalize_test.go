package synthetic_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest/synthetic"
)

func TestTitleClass(t *testing.T) {
	tests := []struct{ title, want string }{
		{"CANARY-SUBJECT-1 Ann / Bob 1:1", synthetic.ClassOneOnOne},
		{"Daily Standup", synthetic.ClassStandup},
		{"Monthly All Hands", synthetic.ClassAllHands},
		{"Focus time", synthetic.ClassFocus},
		{"OOO", synthetic.ClassOOO},
		{"Lunch with the team", synthetic.ClassLunch},
		{"Strategy workshop", synthetic.ClassWorkshop},
		{"Budget review", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := synthetic.TitleClass(tt.title); got != tt.want {
			t.Errorf("TitleClass(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
}

func TestEventFromEntry(t *testing.T) {
	p := pseudonymizer()
	kolkata, _ := time.LoadLocation("Asia/Kolkata")
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, kolkata)
	meeting := synthetic.CalendarEntry{
		ID: "m1", ICalUID: "m1@google.com", Start: start, End: start.Add(time.Hour),
		Status: "confirmed", EventType: "default", Organizer: "ann@example.com",
		Attendees: []synthetic.Attendee{
			{Email: "ann@example.com", ResponseStatus: "accepted", Organizer: true},
			{Email: "Bob@Example.com", ResponseStatus: "declined"},
			{Email: "bob@example.com", ResponseStatus: "declined"}, // listed twice
			{Email: "eve@partner.io", ResponseStatus: "needsAction"},
			{Email: "room-1@example.com", ResponseStatus: "accepted", Resource: true},
		},
		Summary: "CANARY-SUBJECT-9 Project sync",
	}
	allDay := synthetic.CalendarEntry{
		ID: "o1", ICalUID: "o1@google.com", AllDay: true, StartDate: "2026-03-03", EndDate: "2026-03-05",
		Status: "cancelled", EventType: "outOfOffice", Organizer: "ann@example.com", Summary: "Vacation",
	}
	tests := []struct {
		name  string
		entry synthetic.CalendarEntry
		want  dataset.Event
	}{
		{"meeting with room and duplicate", meeting, dataset.Event{
			EventID: p.EventID("m1@google.com", start), Start: start.UTC(), End: start.Add(time.Hour).UTC(),
			OrganizerID: p.PersonID("ann@example.com"), Invitees: 3, AttendeesNotDeclined: 2,
			Kind: dataset.KindMeeting, Source: synthetic.Source,
		}},
		{"all-day out of office", allDay, dataset.Event{
			EventID: p.EventID("o1@google.com", time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)),
			Start:   time.Date(2026, 3, 2, 18, 30, 0, 0, time.UTC), End: time.Date(2026, 3, 4, 18, 30, 0, 0, time.UTC),
			IsAllDay: true, IsCancelled: true, OrganizerID: p.PersonID("ann@example.com"),
			Invitees: 1, AttendeesNotDeclined: 1, Kind: dataset.KindOutOfOffice, TitleClass: synthetic.ClassOOO,
			Source: synthetic.Source,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := synthetic.EventFromEntry(p, tt.entry, kolkata)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("EventFromEntry mismatch (-want +got):\n%s", d)
			}
		})
	}
}

func TestMessageFromEntry(t *testing.T) {
	p := pseudonymizer()
	at := time.Date(2026, 3, 2, 12, 53, 20, 0, time.UTC)
	e := synthetic.MailEntry{
		ID: "x", MessageID: "<a.1@mail.example.com>", Channel: dataset.ChannelEmail, Labels: []string{synthetic.LabelSent},
		From: "Ann Smith <Ann.Smith@Example.com>",
		To:   []string{"bob@example.com", `"Jones, Carol" <carol@example.com>`},
		Cc:   []string{"Bob <BOB@example.com>"},
		Bcc:  []string{"dave@partner.io"},
		Date: at.In(time.FixedZone("X", 3600)), InReplyTo: "<z@x>", AutoSubmitted: "no",
		Subject: "CANARY-SUBJECT-1",
	}
	want := dataset.Message{
		MessageID: p.MessageID("a.1@mail.example.com"), Channel: dataset.ChannelEmail,
		SenderID: p.PersonID("ann.smith@example.com"), SentAt: at,
		RecipientIDs: []string{p.PersonID("bob@example.com"), p.PersonID("carol@example.com"), p.PersonID("dave@partner.io")},
		NTo:          2, NCc: 1, NBcc: 1, IsReply: true, Source: synthetic.Source,
	}
	got, err := synthetic.MessageFromEntry(p, e)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("MessageFromEntry mismatch (-want +got):\n%s", d)
	}
	e.From = "not an address"
	if _, err := synthetic.MessageFromEntry(p, e); err == nil {
		t.Errorf("MessageFromEntry(From %q) = nil error, want error", e.From)
	}
}

func TestIsAuto(t *testing.T) {
	tests := []struct {
		as, prec string
		want     bool
	}{
		{"", "", false},
		{"no", "", false},
		{"auto-replied", "", true},
		{"Auto-Generated", "", true},
		{"", "bulk", true},
		{"", "first-class", false},
	}
	for _, tt := range tests {
		if got := synthetic.IsAuto(synthetic.MailEntry{AutoSubmitted: tt.as, Precedence: tt.prec}); got != tt.want {
			t.Errorf("IsAuto(Auto-Submitted %q, Precedence %q) = %v, want %v", tt.as, tt.prec, got, tt.want)
		}
	}
}

func TestShowAsFromGoogle(t *testing.T) {
	tests := []struct{ eventType, transparency, response, want string }{
		{"default", "opaque", "accepted", dataset.ShowAsBusy},
		{"default", "opaque", "tentative", dataset.ShowAsTentative},
		{"default", "opaque", "needsAction", dataset.ShowAsTentative},
		{"default", "opaque", "declined", dataset.ShowAsFree},
		{"focusTime", "transparent", "accepted", dataset.ShowAsFree},
		{"outOfOffice", "opaque", "accepted", dataset.ShowAsOOF},
		{"workingLocation", "transparent", "accepted", dataset.ShowAsWorkingElsewhere},
	}
	for _, tt := range tests {
		if got := synthetic.ShowAsFromGoogle(tt.eventType, tt.transparency, tt.response); got != tt.want {
			t.Errorf("ShowAsFromGoogle(%q, %q, %q) = %q, want %q", tt.eventType, tt.transparency, tt.response, got, tt.want)
		}
	}
}
