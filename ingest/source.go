package ingest

import (
	"context"
	"time"

	"github.com/overload-engine/overload/dataset"
)

// A Source reads collaboration metadata from one provider tenant, one
// directory user at a time. The Runner fans a Source out over the users,
// deduplicates what several calendars and mailboxes share, and writes the
// dataset.
//
// Each method calls fn once per item, in no particular order, and stops at
// the first error from fn, returning it. Methods return ctx.Err() promptly
// once ctx is done. A Source must be safe for concurrent use: a Runner
// reads a user's calendar and mailbox at once, and several users at once.
// A method calls its fn from one goroutine at a time. Only metadata
// is read: never titles, bodies, snippets, subjects or locations.
type Source interface {
	// Users calls fn for every person in the directory, in an order that
	// is stable between runs, as soon as it can: a Runner starts reading
	// each user as fn gets it, while the listing goes on (and fn may
	// wait for a free reader).
	Users(ctx context.Context, fn func(User) error) error

	// Calendar calls fn for every event instance on u's calendar that
	// starts in [start, end), recurring events expanded into instances,
	// and returns the calendar's IANA time zone ("" if unknown).
	Calendar(ctx context.Context, u User, start, end time.Time, fn func(EventCopy) error) (timeZone string, err error)

	// Mail calls fn for every message in u's mailbox (sent, and received
	// when the Source is configured to read received mail) whose sent_at
	// is in [start, end).
	Mail(ctx context.Context, u User, start, end time.Time, fn func(MessageCopy) error) error
}

// A User is one directory user as a Source reports it: the pseudonymized
// people row and the address the Source needs to read the user's data.
// Email lives in memory only; it is never written or logged.
type User struct {
	Email  string
	Person dataset.Person
}

// An EventCopy is one event instance as one user's calendar shows it: the
// events row (the same EventID on every calendar) and the calendar owner's
// attendance row.
type EventCopy struct {
	Event      dataset.Event
	Attendance dataset.Attendance
}

// A MessageCopy is one message as one user's mailbox holds it. Sent marks
// the sender's own copy (label SENT), the only one that shows Bcc.
type MessageCopy struct {
	Message dataset.Message
	Sent    bool
}
