package synthetic

import (
	"fmt"
	"runtime"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
)

// Tables returns the SPEC §2 tables exactly as a correct connector produces
// them from the raw views, pseudonymized with p:
//
//   - people: one row per directory user (externals are not in the directory);
//   - events: one row per instance, deduplicated across calendars by
//     EventID(iCalUID, original start); the organizer's copy is used when
//     the organizer is internal, else the first copy in directory order;
//   - attendance: one row per internal user per event on their calendar,
//     from their own copy (own response, own show_as);
//   - messages: one row per Internet Message-ID, from the sender's SENT copy
//     when there is one (the only copy with Bcc), else the first copy.
//
// Rows are sorted: people by PersonID, events by Start then EventID,
// attendance by EventID then PersonID, messages by SentAt then MessageID.
// Tables panics only if a raw view the generator made cannot be mapped,
// which is a bug in this package.
func (o *Org) Tables(p *ingest.Pseudonymizer) *dataset.Tables {
	t, err := o.tables(p)
	if err != nil {
		panic("synthetic: generated raw view does not map: " + err.Error())
	}
	return t
}

func (o *Org) tables(p *ingest.Pseudonymizer) (*dataset.Tables, error) {
	ids := o.idCache(p)
	t := &dataset.Tables{People: make([]dataset.Person, 0, len(o.users))}
	for i := range o.users {
		t.People = append(t.People, personFromUser(ids, &o.users[i], o.Domain))
	}
	slices.SortFunc(t.People, func(a, b dataset.Person) int { return strings.Compare(a.PersonID, b.PersonID) })
	listed := o.listed()
	// Events and attendance do not depend on messages: build both at once.
	var g errgroup.Group
	g.Go(func() error { return o.eventTables(ids, listed, t) })
	g.Go(func() error { return o.messageTable(ids, listed, t) })
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return t, nil
}

// messageTable fills and sorts the messages table, mapping each message
// from the copy the rule of Tables picks. Messages map independently, so it
// splits them over all CPUs; every row has a fixed place, so the result
// does not depend on scheduling.
func (o *Org) messageTable(ids *idCache, listed []bool, t *dataset.Tables) error {
	// row[mi] is the place of message mi's row, in date order; -1 if the
	// message is in no listed mailbox.
	row := make([]int32, len(o.msgs))
	for mi := range o.msgs {
		if o.messageCopy(&o.msgs[mi], listed) < 0 {
			row[mi] = -1
		}
	}
	n := 0
	for _, mi := range o.byDate {
		if row[mi] >= 0 {
			row[mi] = int32(n)
			n++
		}
	}
	t.Messages = make([]dataset.Message, n)
	var g errgroup.Group
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		// Map the messages in the order they lie in memory.
		lo, hi := w*len(o.msgs)/workers, (w+1)*len(o.msgs)/workers
		g.Go(func() error {
			for mi := lo; mi < hi; mi++ {
				if row[mi] < 0 {
					continue
				}
				m := &o.msgs[mi]
				e := mailHeaders(o.messageCopy(m, listed), m)
				r, err := messageFromEntry(ids, &e)
				if err != nil {
					return fmt.Errorf("message %d: %w", mi, err)
				}
				t.Messages[row[mi]] = r
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	sortMessages(t.Messages)
	return nil
}

// sortMessages sorts messages rows by SentAt, then MessageID. Rows placed
// in the Org's date order need only each run of equal SentAt sorted; it
// sorts the whole slice if they turn out not to be in date order.
func sortMessages(ms []dataset.Message) {
	for i := 0; i < len(ms); {
		j := i + 1
		for j < len(ms) && ms[j].SentAt.Equal(ms[i].SentAt) {
			j++
		}
		if j < len(ms) && ms[j].SentAt.Before(ms[i].SentAt) {
			slices.SortFunc(ms, compareMessages)
			return
		}
		slices.SortFunc(ms[i:j], compareMessages)
		i = j
	}
}

// compareMessages orders messages rows by SentAt, then MessageID.
func compareMessages(a, b dataset.Message) int {
	if c := a.SentAt.Compare(b.SentAt); c != 0 { // not cmp.Or: compare ids on ties only
		return c
	}
	return strings.Compare(a.MessageID, b.MessageID)
}

// eventTables fills and sorts the events and attendance tables. Each
// instance maps once, from the copy the rule of Tables picks; every
// calendar copy gives an attendance row.
func (o *Org) eventTables(ids *idCache, listed []bool, t *dataset.Tables) error {
	t.Events = make([]dataset.Event, 0, len(o.inst))
	t.Attendance = make([]dataset.Attendance, 0, o.calendarCopies())
	// pick[ii] is the copy of instance ii that maps to the events row: the
	// organizer's, else the first in directory order.
	type copyRef struct {
		user  int32 // -1: the instance is on no internal calendar
		ref   calRef
		isOrg bool
	}
	pick := make([]copyRef, len(o.inst))
	for i := range pick {
		pick[i].user = -1
	}
	for ui := range o.users {
		if !listed[ui] {
			continue
		}
		u := &o.users[ui]
		for _, r := range o.cal[ui] {
			isOrg := ingest.CanonicalEmail(o.inst[r.inst].organizer) == u.Email
			if c := &pick[r.inst]; c.user < 0 || (isOrg && !c.isOrg) {
				*c = copyRef{user: int32(ui), ref: r, isOrg: isOrg}
			}
		}
	}
	eventID := make([]string, len(o.inst))
	seen := make(map[string]bool, len(o.inst))
	for ii, c := range pick {
		if c.user < 0 {
			continue
		}
		u := &o.users[c.user]
		e := o.entry(u, c.ref)
		ev, err := eventFromEntry(ids, &e, u.loc)
		if err != nil {
			return fmt.Errorf("calendar of user %s: %w", ids.PersonID(u.Email), err)
		}
		if seen[ev.EventID] {
			// Mapping each instance once equals deduplicating the copies by
			// event id only while no two instances share one: every
			// instance has its own iCalUID or original start.
			return fmt.Errorf("calendar of user %s: two instances map to event %s", ids.PersonID(u.Email), ev.EventID)
		}
		seen[ev.EventID] = true
		eventID[ii] = ev.EventID
		t.Events = append(t.Events, ev)
	}
	for ui := range o.users {
		if !listed[ui] {
			continue
		}
		u := &o.users[ui]
		for _, r := range o.cal[ui] {
			// The fields of u's copy that AttendanceFromEntry reads.
			e := CalendarEntry{Organizer: o.inst[r.inst].organizer}
			_, e.SelfResponse, e.ShowAs = o.copyStatus(u, r)
			t.Attendance = append(t.Attendance, attendanceFromEntry(ids, u.Email, &e, eventID[r.inst]))
		}
	}
	// The comparisons test the second key only on a tie (cmp.Or would
	// evaluate it every time).
	slices.SortFunc(t.Events, func(a, b dataset.Event) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.EventID, b.EventID)
	})
	slices.SortFunc(t.Attendance, func(a, b dataset.Attendance) int {
		if c := strings.Compare(a.EventID, b.EventID); c != 0 {
			return c
		}
		return strings.Compare(a.PersonID, b.PersonID)
	})
	return nil
}

// calendarCopies returns the number of calendar entries of all users.
func (o *Org) calendarCopies() int {
	n := 0
	for _, c := range o.cal {
		n += len(c)
	}
	return n
}

// messageCopy returns the user whose mailbox copy of m maps to the
// messages row: the sender, whose SENT copy is the only one with Bcc, else
// the first recipient in directory order; -1 if m is in no listed mailbox.
func (o *Org) messageCopy(m *message, listed []bool) int {
	if m.from >= 0 && listed[m.from] {
		return m.from
	}
	ui := -1
	for _, r := range m.rcpt {
		if listed[r] && (ui < 0 || r < ui) {
			ui = r
		}
	}
	return ui
}

// listed reports for each user whether a connector that lists calendars
// and mailboxes by address, as Calendar and Mailbox look them up, reaches
// theirs. Calendar and Mailbox canonicalize the address they are given, so
// a user whose address is not canonical (a Domain with capitals) is not
// found, and no events, attendance or messages come from their views.
func (o *Org) listed() []bool {
	out := make([]bool, len(o.users))
	for ui := range o.users {
		i, ok := o.byEmail[ingest.CanonicalEmail(o.users[ui].Email)]
		out[ui] = ok && i == ui
	}
	return out
}

// idCache is a Pseudonymizer that remembers the person id of every address
// of the Org: the same few addresses are pseudonymized millions of times.
// It is read-only after idCache returns, so safe for concurrent use.
type idCache struct {
	*ingest.Pseudonymizer
	person map[string]string // canonical address → person id
}

// idCache returns a cache of the person ids of o's users and external
// contacts.
func (o *Org) idCache(p *ingest.Pseudonymizer) *idCache {
	c := &idCache{Pseudonymizer: p, person: make(map[string]string, len(o.users)+len(o.contacts))}
	for i := range o.users {
		a := ingest.CanonicalEmail(o.users[i].Email)
		c.person[a] = p.PersonID(a)
	}
	for _, x := range o.contacts {
		a := ingest.CanonicalEmail(x)
		c.person[a] = p.PersonID(a)
	}
	return c
}

// PersonID returns the person id of email, as ingest.Pseudonymizer does.
func (c *idCache) PersonID(email string) string {
	if id, ok := c.person[email]; ok { // the keys are canonical already
		return id
	}
	if id, ok := c.person[ingest.CanonicalEmail(email)]; ok {
		return id
	}
	return c.Pseudonymizer.PersonID(email)
}
