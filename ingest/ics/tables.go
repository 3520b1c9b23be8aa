package ics

import (
	"time"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

// Source is the value of events.source for rows from this package.
const Source = "ics"

// Google-style response names, as synthetic.Response and
// synthetic.ShowAsFromGoogle expect them.
var partStatToGoogle = map[string]string{
	"ACCEPTED": "accepted", "TENTATIVE": "tentative", "DECLINED": "declined",
	"NEEDS-ACTION": "needsAction", "DELEGATED": "declined",
}

// Outlook busy statuses, as synthetic.ShowAs (Graph showAs) expects them.
var busyToGraph = map[string]string{
	"FREE": "free", "TENTATIVE": "tentative", "BUSY": "busy", "OOF": "oof",
	"WORKINGELSEWHERE": "workingElsewhere",
}

// Tables maps the instances of cal to events rows and the owner's
// attendance rows, pseudonymized by p. owner is the calendar owner's email
// address (--me): it is matched against ORGANIZER and ATTENDEE to find the
// owner's response. The owner is on every event of their own calendar:
// when the file does not list them, they count as an invitee who accepted
// (the organizer of an event without organizer and attendees).
//
// Mapping: response from the owner's PARTSTAT (organizer when they
// organize); show_as from X-MICROSOFT-CDO-BUSYSTATUS when present, else
// free for TRANSP:TRANSPARENT or a declined event, tentative for a
// tentative or unanswered one, else busy; kind out_of_office when the
// status is OOF or a lone event's title class is ooo, focus for a lone
// event whose title class is focus, else meeting. Rooms and resources are
// never counted as invitees.
func (cal *Calendar) Tables(p *ingest.Pseudonymizer, owner string) ([]dataset.Event, []dataset.Attendance) {
	me := ingest.CanonicalEmail(owner)
	var events []dataset.Event
	var att []dataset.Attendance
	seen := map[string]bool{}
	for _, in := range cal.Instances {
		orig := in.OriginalStart
		if in.AllDay {
			orig = time.Date(orig.Year(), orig.Month(), orig.Day(), 0, 0, 0, 0, time.UTC)
		}
		id := p.EventID(in.UID, orig)
		if seen[id] {
			continue
		}
		seen[id] = true

		organizer := in.Organizer
		if organizer == "" && len(in.Attendees) == 0 {
			organizer = me
		}
		isOrg := organizer == me
		status, listed := "", isOrg
		people := map[string]bool{}
		var invitees, notDeclined int32
		for _, a := range in.Attendees {
			if a.Resource || a.Email == "" || people[a.Email] {
				continue
			}
			people[a.Email] = true
			invitees++
			if a.PartStat != "DECLINED" || a.Email == organizer {
				notDeclined++
			}
			if a.Email == me {
				listed = true
				status = partStatToGoogle[a.PartStat]
			}
		}
		for _, extra := range []string{organizer, me} {
			if extra != "" && !people[extra] {
				people[extra] = true
				invitees++
				notDeclined++
			}
		}
		if !listed {
			status = "accepted"
		}
		if status == "" {
			status = "needsAction"
		}
		response := synthetic.Response(status, isOrg)

		showAs := ""
		if g, ok := busyToGraph[in.BusyStatus]; ok {
			showAs = synthetic.ShowAs(g)
		} else {
			transp := "opaque"
			if in.Transparent {
				transp = "transparent"
			}
			self := status
			if isOrg {
				self = "accepted"
			}
			showAs = synthetic.ShowAsFromGoogle("default", transp, self)
		}

		kind := dataset.KindMeeting
		alone := invitees <= 1
		switch {
		case in.BusyStatus == "OOF", alone && in.TitleClass == synthetic.ClassOOO:
			kind = dataset.KindOutOfOffice
		case alone && in.TitleClass == synthetic.ClassFocus:
			kind = dataset.KindFocus
		}

		ev := dataset.Event{
			EventID: id, Start: in.Start.UTC(), End: in.End.UTC(),
			IsAllDay: in.AllDay, IsCancelled: in.Cancelled, IsRecurring: in.Recurring,
			OrganizerID: p.PersonID(organizer), Invitees: invitees, AttendeesNotDeclined: notDeclined,
			Kind: kind, IsOnline: in.Online, TitleClass: in.TitleClass, Source: Source,
		}
		if organizer == "" {
			ev.OrganizerID = ""
		}
		if !in.Created.IsZero() {
			ev.Created = in.Created.UTC()
		}
		if in.Recurring {
			ev.SeriesID = p.SeriesID(in.UID)
		}
		events = append(events, ev)
		att = append(att, dataset.Attendance{PersonID: p.PersonID(me), EventID: id, Response: response, ShowAs: showAs})
	}
	return events, att
}
