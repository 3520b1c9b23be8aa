package synthetic

import (
	"cmp"
	"fmt"
	"slices"

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
	t := &dataset.Tables{
		People:     make([]dataset.Person, 0, len(o.users)),
		Events:     make([]dataset.Event, 0, len(o.inst)),
		Attendance: make([]dataset.Attendance, 0, 4*len(o.inst)),
		Messages:   make([]dataset.Message, 0, len(o.msgs)),
	}
	for _, u := range o.users {
		t.People = append(t.People, PersonFromUser(p, u, o.Domain))
	}
	byID := map[string]int{}     // event id → index in t.Events
	fromOrg := map[string]bool{} // event id → row came from the organizer's copy
	for _, u := range o.users {
		for _, e := range o.Calendar(u.Email) {
			ev, err := EventFromEntry(p, e, u.loc)
			if err != nil {
				return nil, fmt.Errorf("calendar of user %s: %w", p.PersonID(u.Email), err)
			}
			isOrg := ingest.CanonicalEmail(e.Organizer) == u.Email
			if i, ok := byID[ev.EventID]; !ok {
				byID[ev.EventID] = len(t.Events)
				fromOrg[ev.EventID] = isOrg
				t.Events = append(t.Events, ev)
			} else if isOrg && !fromOrg[ev.EventID] {
				t.Events[i] = ev
				fromOrg[ev.EventID] = true
			}
			t.Attendance = append(t.Attendance, AttendanceFromEntry(p, u.Email, e, ev.EventID))
		}
	}
	chosen := make(map[string]MailEntry, len(o.msgs))
	order := make([]string, 0, len(o.msgs))
	for _, u := range o.users {
		for _, e := range o.Mailbox(u.Email) {
			prev, ok := chosen[e.MessageID]
			if !ok {
				order = append(order, e.MessageID)
			}
			if !ok || (slices.Contains(e.Labels, LabelSent) && !slices.Contains(prev.Labels, LabelSent)) {
				chosen[e.MessageID] = e
			}
		}
	}
	for _, id := range order {
		m, err := MessageFromEntry(p, chosen[id])
		if err != nil {
			return nil, err
		}
		t.Messages = append(t.Messages, m)
	}
	sortTables(t)
	return t, nil
}

func sortTables(t *dataset.Tables) {
	slices.SortFunc(t.People, func(a, b dataset.Person) int { return cmp.Compare(a.PersonID, b.PersonID) })
	slices.SortFunc(t.Events, func(a, b dataset.Event) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.EventID, b.EventID))
	})
	slices.SortFunc(t.Attendance, func(a, b dataset.Attendance) int {
		return cmp.Or(cmp.Compare(a.EventID, b.EventID), cmp.Compare(a.PersonID, b.PersonID))
	})
	slices.SortFunc(t.Messages, func(a, b dataset.Message) int {
		return cmp.Or(a.SentAt.Compare(b.SentAt), cmp.Compare(a.MessageID, b.MessageID))
	})
}
