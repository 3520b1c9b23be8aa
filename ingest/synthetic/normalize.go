package synthetic

// This file maps the raw provider-shaped views to dataset rows. Connectors
// mirror these functions; they depend only on package dataset and ingest so
// that they can move to package ingest when a second user appears.

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
)

// Title classes: the only information about a title that is kept (SPEC §1).
const (
	ClassFocus     = "focus"
	ClassOneOnOne  = "1:1"
	ClassOOO       = "ooo"
	ClassStandup   = "standup"
	ClassLunch     = "lunch"
	ClassAllHands  = "all hands"
	ClassInterview = "interview"
	ClassWorkshop  = "workshop"
	ClassOffsite   = "offsite"
	ClassTraining  = "training"
)

// titlePhrases is the allow-list: lowercase phrases and the class each one
// gives, checked in order.
var titlePhrases = []struct{ phrase, class string }{
	{"all hands", ClassAllHands}, {"all-hands", ClassAllHands}, {"town hall", ClassAllHands},
	{"1:1", ClassOneOnOne}, {"1-1", ClassOneOnOne}, {"1on1", ClassOneOnOne}, {"one on one", ClassOneOnOne},
	{"standup", ClassStandup}, {"stand-up", ClassStandup}, {"daily scrum", ClassStandup},
	{"out of office", ClassOOO}, {"ooo", ClassOOO}, {"vacation", ClassOOO}, {"holiday", ClassOOO}, {"pto", ClassOOO},
	{"focus", ClassFocus}, {"deep work", ClassFocus}, {"no meetings", ClassFocus},
	{"lunch", ClassLunch},
	{"interview", ClassInterview},
	{"workshop", ClassWorkshop},
	{"offsite", ClassOffsite}, {"off-site", ClassOffsite},
	{"training", ClassTraining},
}

// TitleClass returns the allow-listed class of an event title, or "" when
// no phrase matches. It never returns any part of title itself.
func TitleClass(title string) string {
	t := strings.ToLower(title)
	for _, p := range titlePhrases {
		if strings.Contains(t, p.phrase) {
			return p.class
		}
	}
	return ""
}

// Kind maps a Google eventType to an events.kind.
func Kind(eventType string) string {
	switch eventType {
	case typeFocusTime:
		return dataset.KindFocus
	case typeOutOfOffice:
		return dataset.KindOutOfOffice
	case typeWorkingLocation:
		return dataset.KindWorkingLocation
	}
	return dataset.KindMeeting
}

// Response maps a Google attendee responseStatus to an attendance.response.
// The organizer's row is ResponseOrganizer whatever their status says.
func Response(responseStatus string, isOrganizer bool) string {
	if isOrganizer {
		return dataset.ResponseOrganizer
	}
	switch responseStatus {
	case respAccepted:
		return dataset.ResponseAccepted
	case respTentative:
		return dataset.ResponseTentative
	case respDeclined:
		return dataset.ResponseDeclined
	}
	return dataset.ResponseNeedsAction
}

// ShowAsFromGoogle derives an attendance.show_as from the fields of a
// Google calendar copy, the way Outlook would show it: out-of-office is
// oof, a working location is working_elsewhere, a transparent or declined
// event is free, a tentative or unanswered one tentative, else busy.
func ShowAsFromGoogle(eventType, transparency, selfResponse string) string {
	switch {
	case eventType == typeOutOfOffice:
		return dataset.ShowAsOOF
	case eventType == typeWorkingLocation:
		return dataset.ShowAsWorkingElsewhere
	case transparency == "transparent", selfResponse == respDeclined:
		return dataset.ShowAsFree
	case selfResponse == respTentative, selfResponse == respNeedsAction:
		return dataset.ShowAsTentative
	}
	return dataset.ShowAsBusy
}

// ShowAs maps a Graph showAs value to an attendance.show_as.
func ShowAs(graphShowAs string) string {
	switch graphShowAs {
	case "free":
		return dataset.ShowAsFree
	case "tentative":
		return dataset.ShowAsTentative
	case "busy":
		return dataset.ShowAsBusy
	case "oof":
		return dataset.ShowAsOOF
	case "workingElsewhere":
		return dataset.ShowAsWorkingElsewhere
	}
	return dataset.ShowAsUnknown
}

// pseudonyms is the part of ingest.Pseudonymizer the mapping functions
// use. The exported functions take the Pseudonymizer itself; Org.Tables
// puts an idCache in front of it.
type pseudonyms interface {
	PersonID(email string) string
	EventID(iCalUID string, originalStart time.Time) string
	SeriesID(iCalUID string) string
	MessageID(internetMessageID string) string
}

// PersonFromUser maps a directory user to a people row. domain is the
// organisation's own domain (for is_internal).
func PersonFromUser(p *ingest.Pseudonymizer, u User, domain string) dataset.Person {
	return personFromUser(p, &u, domain)
}

func personFromUser(p pseudonyms, u *User, domain string) dataset.Person {
	row := dataset.Person{
		PersonID:         p.PersonID(u.Email),
		Domain:           ingest.Domain(u.Email),
		Organization:     u.Department,
		FunctionType:     u.Function,
		LevelDesignation: u.Level,
		TimeZone:         u.TimeZone,
		WorkStart:        u.WorkStart,
		WorkEnd:          u.WorkEnd,
		Source:           Source,
	}
	row.IsInternal = row.Domain == ingest.CanonicalEmail(domain)
	if u.ManagerEmail != "" {
		row.ManagerID = p.PersonID(u.ManagerEmail)
	}
	days := make([]string, len(u.WorkDays))
	for i, d := range u.WorkDays {
		days[i] = d.String()[:3]
	}
	row.WorkDays = strings.Join(days, ",")
	return row
}

// OriginalStart returns the instant that, with the iCalUID, identifies the
// instance e across calendars: the series slot for a recurring instance,
// else the start; for an all-day event, its start date at 00:00 UTC.
func OriginalStart(e CalendarEntry) (time.Time, error) {
	switch {
	case !e.OriginalStart.IsZero():
		return e.OriginalStart, nil
	case e.AllDay:
		return time.Parse(time.DateOnly, e.StartDate)
	}
	return e.Start, nil
}

// EventFromEntry maps one calendar copy of an event to an events row. loc
// is the time zone of the calendar the copy came from: all-day events are
// local midnight to local midnight there (SPEC §8.9).
func EventFromEntry(p *ingest.Pseudonymizer, e CalendarEntry, loc *time.Location) (dataset.Event, error) {
	return eventFromEntry(p, &e, loc)
}

func eventFromEntry(p pseudonyms, e *CalendarEntry, loc *time.Location) (dataset.Event, error) {
	orig, err := OriginalStart(*e)
	if err != nil {
		return dataset.Event{}, fmt.Errorf("map event %s: original start: %w", e.ID, err)
	}
	row := dataset.Event{
		EventID:     p.EventID(e.ICalUID, orig),
		Start:       e.Start.UTC(),
		End:         e.End.UTC(),
		IsAllDay:    e.AllDay,
		IsCancelled: e.Status == "cancelled",
		IsRecurring: e.SeriesID != "",
		OrganizerID: p.PersonID(e.Organizer),
		Kind:        Kind(e.EventType),
		IsOnline:    e.Online,
		TitleClass:  TitleClass(e.Summary),
		Source:      Source,
	}
	if !e.Created.IsZero() {
		row.Created = e.Created.UTC()
	}
	if row.IsRecurring {
		row.SeriesID = p.SeriesID(e.ICalUID)
	}
	if e.AllDay {
		s, err1 := time.ParseInLocation(time.DateOnly, e.StartDate, loc)
		t, err2 := time.ParseInLocation(time.DateOnly, e.EndDate, loc)
		if err1 != nil || err2 != nil {
			return dataset.Event{}, fmt.Errorf("map event %s: all-day dates %q..%q: want YYYY-MM-DD", e.ID, e.StartDate, e.EndDate)
		}
		row.Start, row.End = s.UTC(), t.UTC()
	}
	row.Invitees, row.AttendeesNotDeclined = countPeople(e)
	return row, nil
}

// countPeople counts the distinct people invited (organizer included) and
// those who did not decline; rooms and resources are not people. An event
// without a guest list (focus time, out of office) has its organizer.
func countPeople(e *CalendarEntry) (invitees, notDeclined int32) {
	org := ingest.CanonicalEmail(e.Organizer)
	var seen addrSet
	if len(e.Attendees) > smallSet { // a large meeting: the set sized once
		seen.m = make(map[string]bool, len(e.Attendees))
	}
	for _, a := range e.Attendees {
		if a.Resource {
			continue
		}
		c := ingest.CanonicalEmail(a.Email)
		if !seen.add(c) {
			continue
		}
		invitees++
		if a.ResponseStatus != respDeclined || c == org {
			notDeclined++
		}
	}
	if org != "" && !seen.has(org) {
		invitees++
		notDeclined++
	}
	return invitees, notDeclined
}

// AttendanceFromEntry maps the calendar copy e of the user with address
// owner to that user's attendance row.
func AttendanceFromEntry(p *ingest.Pseudonymizer, owner string, e CalendarEntry, eventID string) dataset.Attendance {
	return attendanceFromEntry(p, owner, &e, eventID)
}

func attendanceFromEntry(p pseudonyms, owner string, e *CalendarEntry, eventID string) dataset.Attendance {
	isOrg := ingest.CanonicalEmail(owner) == ingest.CanonicalEmail(e.Organizer)
	return dataset.Attendance{
		PersonID: p.PersonID(owner),
		EventID:  eventID,
		Response: Response(e.SelfResponse, isOrg),
		ShowAs:   ShowAs(e.ShowAs),
	}
}

// IsAuto reports whether a message was sent by a machine: an auto-reply,
// a meeting response or a delivery report (Auto-Submitted other than "no",
// RFC 3834) or bulk mail (Precedence bulk, list, junk or auto_reply).
func IsAuto(e MailEntry) bool {
	as := strings.ToLower(strings.TrimSpace(e.AutoSubmitted))
	if as != "" && as != "no" {
		return true
	}
	switch strings.ToLower(strings.TrimSpace(e.Precedence)) {
	case "bulk", "list", "junk", "auto_reply":
		return true
	}
	return false
}

// MessageFromEntry maps one mailbox copy of a message to a messages row.
// Recipients are To, Cc and Bcc in that order, each person once; n_to,
// n_cc and n_bcc count header entries as written.
func MessageFromEntry(p *ingest.Pseudonymizer, e MailEntry) (dataset.Message, error) {
	return messageFromEntry(p, &e)
}

func messageFromEntry(p pseudonyms, e *MailEntry) (dataset.Message, error) {
	from, err := parseAddress(e.From)
	if err != nil {
		return dataset.Message{}, fmt.Errorf("map message %s: from: %w", e.ID, err)
	}
	row := dataset.Message{
		MessageID: p.MessageID(e.MessageID),
		Channel:   e.Channel,
		SenderID:  p.PersonID(from),
		SentAt:    e.Date.UTC(),
		NTo:       int32(len(e.To)),
		NCc:       int32(len(e.Cc)),
		NBcc:      int32(len(e.Bcc)),
		IsReply:   e.InReplyTo != "",
		IsAuto:    IsAuto(*e),
		Source:    Source,
	}
	n := len(e.To) + len(e.Cc) + len(e.Bcc)
	if n > 0 {
		row.RecipientIDs = make([]string, 0, n)
	}
	var seen addrSet
	for _, list := range [][]string{e.To, e.Cc, e.Bcc} {
		for _, h := range list {
			a, err := parseAddress(h)
			if err != nil {
				return dataset.Message{}, fmt.Errorf("map message %s: recipient: %w", e.ID, err)
			}
			if seen.add(a) {
				row.RecipientIDs = append(row.RecipientIDs, p.PersonID(a))
			}
		}
	}
	return row, nil
}

// smallSet is the number of members an addrSet keeps in an array.
const smallSet = 16

// addrSet is a set of canonical addresses. The few addresses of a typical
// message or meeting live in an array, which a scan searches faster than a
// map; a map takes over beyond smallSet. The zero value is an empty set.
type addrSet struct {
	small [smallSet]string
	n     int             // members in small while m is nil
	m     map[string]bool // all members, once there are more than smallSet
}

func (s *addrSet) has(a string) bool {
	if s.m != nil {
		return s.m[a]
	}
	return slices.Contains(s.small[:s.n], a)
}

// add adds a and reports whether it was new.
func (s *addrSet) add(a string) bool {
	if s.has(a) {
		return false
	}
	switch {
	case s.m != nil:
		s.m[a] = true
	case s.n < smallSet:
		s.small[s.n] = a
		s.n++
	default:
		s.m = make(map[string]bool, 2*smallSet)
		for _, x := range s.small {
			s.m[x] = true
		}
		s.m[a] = true
	}
	return true
}

// parseAddress returns the canonical address of a header address: a bare
// "addr" or "Display Name <addr>" by a fast path, anything else by
// net/mail.
func parseAddress(h string) (string, error) {
	h = strings.TrimSpace(h)
	if !strings.ContainsAny(h, "\"(),;:\\") {
		inner := h
		if i := strings.IndexByte(h, '<'); i >= 0 && strings.HasSuffix(h, ">") {
			inner = h[i+1 : len(h)-1]
		}
		if at := strings.IndexByte(inner, '@'); at > 0 && at < len(inner)-1 && !strings.ContainsAny(inner, " <>") {
			return ingest.CanonicalEmail(inner), nil
		}
	}
	a, err := mail.ParseAddress(h)
	if err != nil {
		return "", err
	}
	return ingest.CanonicalEmail(a.Address), nil
}
