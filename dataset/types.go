package dataset

import "time"

// Table names, as used in partition paths (<root>/<table>/week=…/).
const (
	TablePeople     = "people"
	TableEvents     = "events"
	TableAttendance = "attendance"
	TableMessages   = "messages"
	TablePersonWeek = "person_week"
)

// Event kinds (events.kind).
const (
	KindMeeting         = "meeting"
	KindFocus           = "focus"
	KindOutOfOffice     = "out_of_office"
	KindWorkingLocation = "working_location"
)

// Attendance responses (attendance.response).
const (
	ResponseOrganizer   = "organizer"
	ResponseAccepted    = "accepted"
	ResponseTentative   = "tentative"
	ResponseDeclined    = "declined"
	ResponseNeedsAction = "needs_action"
)

// Attendance show-as values (attendance.show_as).
const (
	ShowAsBusy             = "busy"
	ShowAsTentative        = "tentative"
	ShowAsFree             = "free"
	ShowAsOOF              = "oof"
	ShowAsWorkingElsewhere = "working_elsewhere"
	ShowAsUnknown          = "unknown"
)

// Message channels (messages.channel).
const (
	ChannelEmail = "email"
	ChannelChat  = "chat"
)

// A Person is one row of the people table: a pseudonymized person with the HR
// attributes and working-hour settings analysis needs. An empty string field
// is stored as null and means "unknown": analysis then applies its defaults.
type Person struct {
	PersonID         string
	Domain           string
	IsInternal       bool
	ManagerID        string // "" = no manager / unknown
	Organization     string
	FunctionType     string
	LevelDesignation string
	TimeZone         string // IANA name; "" = org default
	WorkStart        string // "HH:MM" local; "" = default
	WorkEnd          string // "HH:MM" local; "" = default
	WorkDays         string // "Mon,Tue,Wed,Thu,Fri"; "" = default
	Source           string
}

// An Event is one row of the events table: one event instance, deduplicated
// across the calendars of its attendees. Start and End are instants (UTC).
type Event struct {
	EventID              string
	SeriesID             string // "" = not part of a series
	Start, End           time.Time
	IsAllDay             bool
	IsCancelled          bool
	IsRecurring          bool
	OrganizerID          string
	Invitees             int32 // people invited incl. organizer; rooms and resources excluded
	AttendeesNotDeclined int32
	Kind                 string    // KindMeeting, KindFocus, …
	Created              time.Time // zero = unknown
	IsOnline             bool
	TitleClass           string // allow-listed class of the title; "" = none
	Source               string
}

// An Attendance is one row of the attendance table: one internal person's
// relation to one event instance.
type Attendance struct {
	PersonID string
	EventID  string
	Response string // ResponseOrganizer, ResponseAccepted, …
	ShowAs   string // ShowAsBusy, ShowAsFree, …
}

// A Message is one row of the messages table: one sent email or chat
// message, deduplicated by Internet Message-ID.
type Message struct {
	MessageID    string
	Channel      string // ChannelEmail or ChannelChat
	SenderID     string
	SentAt       time.Time
	RecipientIDs []string
	NTo          int32
	NCc          int32
	NBcc         int32
	IsReply      bool
	IsAuto       bool // auto-replies, meeting responses, delivery reports
	Source       string
}

// Tables holds a whole dataset (or the part of it read for one analysis) in
// memory as plain Go values.
type Tables struct {
	People     []Person
	Events     []Event
	Attendance []Attendance
	Messages   []Message
}
