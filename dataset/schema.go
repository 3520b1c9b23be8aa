package dataset

import (
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// FormatVersion is the version of the on-disk format described in
// FORMAT.md. It is stored in the key-value metadata of every Parquet file
// the store writes (key "overload.format_version"); readers reject files
// that carry another value.
const FormatVersion = "1"

const formatVersionKey = "overload.format_version"

// The Arrow schemas of the SPEC §2 tables. Column names and types are the
// contract; every field carries a "description" in its metadata. Nullable
// fields are those SPEC §8.14 allows to be unknown: an empty string or a
// zero time is stored as null, and null reads back as "" or the zero time.
var (
	PeopleSchema     = peopleTable.schema
	EventsSchema     = eventsTable.schema
	AttendanceSchema = attendanceTable.schema
	MessagesSchema   = messagesTable.schema
	PersonWeekSchema = personWeekTable.schema
)

var peopleTable = newTable(TablePeople,
	stringCol("person_id", false, "pseudonymous person id: HMAC-SHA256(org key, canonical email), shortened", func(r *Person) *string { return &r.PersonID }),
	stringCol("domain", false, "email domain of the person", func(r *Person) *string { return &r.Domain }),
	boolCol("is_internal", "true for people of the organization's own domains", func(r *Person) *bool { return &r.IsInternal }),
	stringCol("manager_id", true, "person_id of the manager; null = none or unknown", func(r *Person) *string { return &r.ManagerID }),
	stringCol("organization", true, "HR organization; null = unknown", func(r *Person) *string { return &r.Organization }),
	stringCol("function_type", true, "HR function; null = unknown", func(r *Person) *string { return &r.FunctionType }),
	stringCol("level_designation", true, "HR level; null = unknown", func(r *Person) *string { return &r.LevelDesignation }),
	stringCol("time_zone", true, "IANA time zone; null = org default", func(r *Person) *string { return &r.TimeZone }),
	stringCol("work_start", true, `start of working hours, "HH:MM" local; null = default`, func(r *Person) *string { return &r.WorkStart }),
	stringCol("work_end", true, `end of working hours, "HH:MM" local; null = default`, func(r *Person) *string { return &r.WorkEnd }),
	stringCol("work_days", true, `working days, e.g. "Mon,Tue,Wed,Thu,Fri"; null = default`, func(r *Person) *string { return &r.WorkDays }),
	stringCol("source", false, "connector that produced the row", func(r *Person) *string { return &r.Source }),
)

var eventsTable = newTable(TableEvents,
	stringCol("event_id", false, "id of the event instance, stable across attendees' calendars", func(r *Event) *string { return &r.EventID }),
	stringCol("series_id", true, "id of the recurring series; null = not recurring", func(r *Event) *string { return &r.SeriesID }),
	timeCol("start", false, "start instant (UTC)", func(r *Event) *time.Time { return &r.Start }),
	timeCol("end", false, "end instant (UTC)", func(r *Event) *time.Time { return &r.End }),
	boolCol("is_all_day", "all-day event (stored local midnight to local midnight)", func(r *Event) *bool { return &r.IsAllDay }),
	boolCol("is_cancelled", "cancelled instance", func(r *Event) *bool { return &r.IsCancelled }),
	boolCol("is_recurring", "instance of a recurring series", func(r *Event) *bool { return &r.IsRecurring }),
	stringCol("organizer_id", false, "person_id of the organizer", func(r *Event) *string { return &r.OrganizerID }),
	int32Col("invitees", "people invited incl. the organizer, internal and external; rooms and resources excluded", func(r *Event) *int32 { return &r.Invitees }),
	int32Col("attendees_not_declined", "invitees who did not decline (needs_action and tentative count)", func(r *Event) *int32 { return &r.AttendeesNotDeclined }),
	stringCol("kind", false, "meeting | focus | out_of_office | working_location", func(r *Event) *string { return &r.Kind }),
	timeCol("created", true, "creation instant (UTC); null = unknown", func(r *Event) *time.Time { return &r.Created }),
	boolCol("is_online", "has an online meeting link", func(r *Event) *bool { return &r.IsOnline }),
	stringCol("title_class", true, "allow-listed class of the title; null = none", func(r *Event) *string { return &r.TitleClass }),
	stringCol("source", false, "connector that produced the row", func(r *Event) *string { return &r.Source }),
)

var attendanceTable = newTable(TableAttendance,
	stringCol("person_id", false, "internal person on the event", func(r *Attendance) *string { return &r.PersonID }),
	stringCol("event_id", false, "events.event_id", func(r *Attendance) *string { return &r.EventID }),
	stringCol("response", false, "organizer | accepted | tentative | declined | needs_action", func(r *Attendance) *string { return &r.Response }),
	stringCol("show_as", false, "busy | tentative | free | oof | working_elsewhere | unknown", func(r *Attendance) *string { return &r.ShowAs }),
)

var messagesTable = newTable(TableMessages,
	stringCol("message_id", false, "id of the message, deduplicated by Internet Message-ID", func(r *Message) *string { return &r.MessageID }),
	stringCol("channel", false, "email | chat", func(r *Message) *string { return &r.Channel }),
	stringCol("sender_id", false, "person_id of the sender", func(r *Message) *string { return &r.SenderID }),
	timeCol("sent_at", false, "send instant (UTC)", func(r *Message) *time.Time { return &r.SentAt }),
	stringListCol("recipient_ids", "person_ids of the To, Cc and Bcc recipients", func(r *Message) *[]string { return &r.RecipientIDs }),
	int32Col("n_to", "number of To recipients", func(r *Message) *int32 { return &r.NTo }),
	int32Col("n_cc", "number of Cc recipients", func(r *Message) *int32 { return &r.NCc }),
	int32Col("n_bcc", "number of Bcc recipients", func(r *Message) *int32 { return &r.NBcc }),
	boolCol("is_reply", "reply to another message", func(r *Message) *bool { return &r.IsReply }),
	boolCol("is_auto", "auto-reply, meeting response or delivery report", func(r *Message) *bool { return &r.IsAuto }),
	stringCol("source", false, "connector that produced the row", func(r *Message) *string { return &r.Source }),
)

// Schemas returns the schema of each SPEC §2 table, keyed by table name.
func Schemas() map[string]*arrow.Schema {
	return map[string]*arrow.Schema{
		TablePeople:     PeopleSchema,
		TableEvents:     EventsSchema,
		TableAttendance: AttendanceSchema,
		TableMessages:   MessagesSchema,
		TablePersonWeek: PersonWeekSchema,
	}
}
