package dataset

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The functions below convert between Go rows and Arrow record batches.
//
// The XRecord functions build one record batch in the table's schema (see
// schema.go); the caller must Release it. The XFromRecord functions accept
// any record whose columns can be read as the table's: columns are matched
// by name in any order, unknown columns are ignored, missing nullable
// columns read as null, and the physical types other tools write are
// accepted (string, large_string or dictionary strings; timestamps of any
// unit, with or without a time zone; any integer width). They return an
// error, never panic, on a missing required column or an unusable type.

// PeopleRecord builds a people record batch from rows.
func PeopleRecord(mem memory.Allocator, rows []Person) arrow.RecordBatch {
	return peopleTable.record(mem, rows)
}

// PeopleFromRecord decodes a people record batch.
func PeopleFromRecord(rec arrow.RecordBatch) ([]Person, error) { return peopleTable.fromRecord(rec) }

// EventsRecord builds an events record batch from rows.
func EventsRecord(mem memory.Allocator, rows []Event) arrow.RecordBatch {
	return eventsTable.record(mem, rows)
}

// EventsFromRecord decodes an events record batch.
func EventsFromRecord(rec arrow.RecordBatch) ([]Event, error) { return eventsTable.fromRecord(rec) }

// AttendanceRecord builds an attendance record batch from rows.
func AttendanceRecord(mem memory.Allocator, rows []Attendance) arrow.RecordBatch {
	return attendanceTable.record(mem, rows)
}

// AttendanceFromRecord decodes an attendance record batch.
func AttendanceFromRecord(rec arrow.RecordBatch) ([]Attendance, error) {
	return attendanceTable.fromRecord(rec)
}

// MessagesRecord builds a messages record batch from rows.
func MessagesRecord(mem memory.Allocator, rows []Message) arrow.RecordBatch {
	return messagesTable.record(mem, rows)
}

// MessagesFromRecord decodes a messages record batch.
func MessagesFromRecord(rec arrow.RecordBatch) ([]Message, error) {
	return messagesTable.fromRecord(rec)
}

// PersonWeekRecord builds a person_week record batch from rows.
func PersonWeekRecord(mem memory.Allocator, rows []PersonWeek) arrow.RecordBatch {
	return personWeekTable.record(mem, rows)
}

// PersonWeekFromRecord decodes a person_week record batch.
func PersonWeekFromRecord(rec arrow.RecordBatch) ([]PersonWeek, error) {
	return personWeekTable.fromRecord(rec)
}
