package synthetic

import (
	"slices"
	"strconv"
	"time"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
)

// A User is one internal person as a directory (Google Directory, Graph
// /users plus mailboxSettings) describes them.
type User struct {
	Email        string // primary address, lowercase
	Name         string // display name
	Department   string // → people.organization
	Function     string // → people.function_type
	Level        string // → people.level_designation
	Title        string // job title; not kept in the dataset
	ManagerEmail string // "" for the root of the manager chain
	TimeZone     string // IANA name
	// Working hours as Graph mailboxSettings.workingHours gives them.
	// Empty WorkStart, WorkEnd and WorkDays mean "not set" (defaults apply).
	// WorkEnd <= WorkStart is an overnight shift.
	WorkStart, WorkEnd string         // "HH:MM" local
	WorkDays           []time.Weekday // in week order from Monday

	loc   *time.Location
	hours workHours
}

// Location returns u's time zone.
func (u User) Location() *time.Location { return u.loc }

// InWorkingHours reports whether t falls inside u's working hours, with
// empty settings meaning Mon–Fri 09:00–17:00 (SPEC §8.10). An overnight
// shift belongs to the day it starts.
func (u User) InWorkingHours(t time.Time) bool {
	lt := t.In(u.loc)
	for _, back := range []int{0, -1} {
		d := lt.AddDate(0, 0, back)
		if s, e, ok := workWindow(&u, d.Year(), d.Month(), d.Day()); ok && !t.Before(s) && t.Before(e) {
			return true
		}
	}
	return false
}

// An Attendee is one guest of an event as Google Calendar lists it.
type Attendee struct {
	Email          string
	Name           string // display name; "" for rooms without one
	ResponseStatus string // accepted | tentative | declined | needsAction
	Organizer      bool
	Resource       bool // a room or other resource: never a person
	Optional       bool
}

// A CalendarEntry is one event instance as one user's calendar shows it
// (Google events.list with singleEvents=true, or Graph calendarView).
// Recurring series are expanded into instances.
type CalendarEntry struct {
	ID            string    // provider event id (Google style: base + "_" + original start for instances)
	ICalUID       string    // shared by every instance and every calendar copy of a series
	SeriesID      string    // recurringEventId; "" for a single event
	OriginalStart time.Time // slot of the instance in its series; zero for single events
	// Timed events have Start and End; all-day events have AllDay, StartDate
	// and EndDate ("2006-01-02", end exclusive) and zero Start and End.
	Start, End         time.Time
	AllDay             bool
	StartDate, EndDate string
	TimeZone           string // the calendar owner's IANA zone
	Status             string // confirmed | cancelled
	Transparency       string // opaque | transparent (this copy's)
	EventType          string // default | focusTime | outOfOffice | workingLocation
	Organizer          string // organizer's email
	Attendees          []Attendee
	SelfResponse       string // the owner's responseStatus; "accepted" for the organizer
	ShowAs             string // Graph showAs of this copy: free | tentative | busy | oof | workingElsewhere | unknown
	Created            time.Time
	Online             bool
	Summary            string // title, with a canary: never stored
	Description        string // body, with a canary: never stored
}

// Mail labels of a MailEntry.
const (
	LabelSent  = "SENT"
	LabelInbox = "INBOX"
)

// A MailEntry is one copy of a message in one user's mailbox (Gmail
// messages.get format=metadata, Graph messages) or chat history. The
// sender's copy is labelled SENT and is the only one with a Bcc header; each
// recipient's copy is labelled INBOX; a message to oneself has both.
type MailEntry struct {
	ID            string // per-mailbox id
	ThreadID      string
	MessageID     string // Internet Message-ID header, "<…>"
	Channel       string // dataset.ChannelEmail or dataset.ChannelChat
	Labels        []string
	From          string   // header value: "Name <addr>" or "addr"
	To, Cc, Bcc   []string // one address per element, same forms as From
	Date          time.Time
	InReplyTo     string // "" unless a reply
	AutoSubmitted string // Auto-Submitted header: "", "auto-replied", "auto-generated"
	Precedence    string // Precedence header: "", "bulk", "auto_reply", …
	Subject       string // with a canary: never stored
	Snippet       string // with a canary: never stored
}

// An Org is a generated organisation: its directory, calendars and mailboxes
// over a range of weeks. An Org is read-only after Generate and safe for
// concurrent use.
type Org struct {
	Domain string
	Weeks  []dataset.Week

	users    []User
	byEmail  map[string]int
	contacts []string // external addresses
	rooms    []Attendee

	inst   []instance
	cal    [][]calRef // per user: the instances on their calendar, by start
	msgs   []message  // in the order they were made
	byDate []int32    // indices into msgs, by date
	box    [][]int32  // per user: indices into msgs, by date
}

// calRef is one instance on one user's calendar.
type calRef struct {
	inst int32 // index into Org.inst
	att  int32 // index of the user in the instance's attendees; -1 on the organizer's copy
}

// instance is one event instance, shared by every calendar it is on.
type instance struct {
	id, ical, series string
	origStart        time.Time
	start, end       time.Time
	allDay           bool
	startDate        string
	endDate          string
	cancelled        bool
	eventType        string
	transparency     string // the organizer's copy
	organizer        string // email
	attendees        []Attendee
	created          time.Time
	online           bool
	title            string
	canary           int
}

// message is one sent message, shared by every mailbox it is in.
type message struct {
	id, thread    string
	channel       string
	from          int // user index; -1 = external sender
	fromHdr       string
	hdrs          []string // the To, then the Cc, then the Bcc header addresses
	nTo, nCc      int32    // how many of hdrs are To and Cc
	rcpt          []int    // distinct internal recipients (user indices)
	date          time.Time
	inReplyTo     string
	autoSubmitted string
	precedence    string
	title         string
	canary        int
	hash          uint64 // random, for per-mailbox ids
}

// to, cc and bcc return the address lists of m's headers, nil when empty.
// The slices are m's own.
func (m *message) to() []string  { return part(m.hdrs, 0, int(m.nTo)) }
func (m *message) cc() []string  { return part(m.hdrs, int(m.nTo), int(m.nTo+m.nCc)) }
func (m *message) bcc() []string { return part(m.hdrs, int(m.nTo+m.nCc), len(m.hdrs)) }

// part returns s[i:j] with no room to append, or nil if it is empty.
func part(s []string, i, j int) []string {
	if i == j {
		return nil
	}
	return s[i:j:j]
}

// People returns the directory: every internal user, managers before their
// reports.
func (o *Org) People() []User { return slices.Clone(o.users) }

// User returns the user with the given address (any case).
func (o *Org) User(email string) (User, bool) {
	i, ok := o.byEmail[ingest.CanonicalEmail(email)]
	if !ok {
		return User{}, false
	}
	return o.users[i], true
}

// ExternalContacts returns the addresses outside the organisation that
// appear as attendees, senders or recipients.
func (o *Org) ExternalContacts() []string { return slices.Clone(o.contacts) }

// Rooms returns the resource attendees (rooms) events may book. Their
// addresses are in the organisation's domain but they are not people.
func (o *Org) Rooms() []Attendee { return slices.Clone(o.rooms) }

// Window returns the instants the generated weeks span: Monday 00:00 UTC of
// the first week to Monday 00:00 UTC after the last. Local weeks and events
// near the edges reach a little beyond it.
func (o *Org) Window() (start, end time.Time) {
	return o.Weeks[0].Monday(), o.Weeks[len(o.Weeks)-1].Monday().AddDate(0, 0, 7)
}

// Calendar returns the entries of the calendar of the user with the given
// address, ordered by start (all-day entries at their owner's local
// midnight), or nil for an unknown address. Each call returns fresh values.
func (o *Org) Calendar(email string) []CalendarEntry {
	ui, ok := o.byEmail[ingest.CanonicalEmail(email)]
	if !ok {
		return nil
	}
	u := &o.users[ui]
	out := make([]CalendarEntry, 0, len(o.cal[ui]))
	for _, r := range o.cal[ui] {
		e := o.entry(u, r)
		e.Attendees = slices.Clone(e.Attendees)
		out = append(out, e)
	}
	return out
}

// entry renders the instance r refers to as the calendar of u shows it.
// Attendees is the Org's own slice: callers that hand the entry out must
// clone it.
func (o *Org) entry(u *User, r calRef) CalendarEntry {
	in := &o.inst[r.inst]
	e := CalendarEntry{
		ID:            in.id,
		ICalUID:       in.ical,
		SeriesID:      in.series,
		OriginalStart: in.origStart,
		Start:         in.start,
		End:           in.end,
		AllDay:        in.allDay,
		StartDate:     in.startDate,
		EndDate:       in.endDate,
		TimeZone:      u.TimeZone,
		Status:        "confirmed",
		Transparency:  "opaque",
		EventType:     in.eventType,
		Organizer:     in.organizer,
		Attendees:     in.attendees,
		Created:       in.created,
		Online:        in.online,
		Summary:       canarySubject(in.canary) + " " + in.title,
		Description:   canaryBody(in.canary) + " agenda and notes",
	}
	if in.cancelled {
		e.Status = "cancelled"
	}
	e.Transparency, e.SelfResponse, e.ShowAs = o.copyStatus(u, r)
	return e
}

// copyStatus returns the fields of u's copy of the instance r refers to
// that differ from calendar to calendar: transparency, the owner's own
// response and the Graph showAs they give.
func (o *Org) copyStatus(u *User, r calRef) (transparency, selfResponse, showAs string) {
	in := &o.inst[r.inst]
	transparency, selfResponse = "opaque", respAccepted
	if in.organizer == u.Email {
		transparency = in.transparency
	} else {
		if r.att >= 0 {
			selfResponse = in.attendees[r.att].ResponseStatus
		}
		if in.allDay {
			transparency = "transparent"
		}
	}
	return transparency, selfResponse, graphShowAs(ShowAsFromGoogle(in.eventType, transparency, selfResponse))
}

// Mailbox returns the mail and chat entries of the user with the given
// address, ordered by date, or nil for an unknown address. Each call returns
// fresh values.
func (o *Org) Mailbox(email string) []MailEntry {
	ui, ok := o.byEmail[ingest.CanonicalEmail(email)]
	if !ok {
		return nil
	}
	out := make([]MailEntry, 0, len(o.box[ui]))
	for _, mi := range o.box[ui] {
		out = append(out, o.mailEntry(ui, &o.msgs[mi]))
	}
	return out
}

// mailEntry renders m as the mailbox of user ui holds it.
func (o *Org) mailEntry(ui int, m *message) MailEntry {
	e := mailHeaders(ui, m)
	e.ID = mailboxID(m, ui)
	e.To = slices.Clone(e.To)
	e.Cc = slices.Clone(e.Cc)
	e.Bcc = slices.Clone(e.Bcc)
	if m.from == ui {
		e.Labels = append(e.Labels, LabelSent)
	}
	if slices.Contains(m.rcpt, ui) {
		e.Labels = append(e.Labels, LabelInbox)
	}
	e.Subject = canarySubject(m.canary) + " " + m.title
	e.Snippet = canaryBody(m.canary) + " see below"
	return e
}

// mailHeaders renders the headers of m as the mailbox of user ui holds
// it: everything but the per-mailbox id, labels, subject and snippet. To,
// Cc and Bcc are the Org's own slices: callers that hand the entry out must
// clone them.
func mailHeaders(ui int, m *message) MailEntry {
	e := MailEntry{
		ThreadID:      m.thread,
		MessageID:     m.id,
		Channel:       m.channel,
		From:          m.fromHdr,
		To:            m.to(),
		Cc:            m.cc(),
		Date:          m.date,
		InReplyTo:     m.inReplyTo,
		AutoSubmitted: m.autoSubmitted,
		Precedence:    m.precedence,
	}
	if m.from == ui {
		e.Bcc = m.bcc() // only the sender's copy has a Bcc header
	}
	return e
}

func canarySubject(n int) string { return "CANARY-SUBJECT-" + itoa(n) }
func canaryBody(n int) string    { return "CANARY-BODY-" + itoa(n) }

// graphShowAs renders a dataset show_as value in Graph's vocabulary.
func graphShowAs(s string) string {
	if s == dataset.ShowAsWorkingElsewhere {
		return "workingElsewhere"
	}
	return s
}

// mailboxID is the per-mailbox id of m in the mailbox of user ui: different
// in every mailbox, like Gmail's and Graph's ids.
func mailboxID(m *message, ui int) string {
	h := (m.hash ^ uint64(ui+1)) * 0x9e3779b97f4a7c15
	return strconv.FormatUint(h|1<<60, 16)
}

func itoa(n int) string { return strconv.Itoa(n) }
