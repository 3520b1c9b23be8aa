package analysis

import (
	"slices"
	"strings"

	"github.com/overload-engine/overload/dataset"
)

// An index holds the tables deduplicated and grouped per person, with times
// converted to microseconds, so each person-week is computed from its own
// rows only.
type index struct {
	people   []dataset.Person // internal people, sorted by PersonID
	personOf map[string]int   // person_id → position in allPeople
	all      []dataset.Person
	reports  map[string][]string // manager_id → direct reports

	events  []event
	eventOf map[string]int

	attByPerson map[string][]attendance
	attByEvent  map[int][]attendance

	msgs       []message
	sentBy     map[string][]int // sender → message positions, by sent_at
	receivedBy map[string][]int // recipient → message positions, by (sent_at, id)
}

type event struct {
	*dataset.Event
	s, e int64 // µs
}

type attendance struct {
	person   string
	ev       int
	response string
	showAs   string
}

type message struct {
	*dataset.Message
	at         int64    // sent_at µs
	recipients []string // unique, excluding nothing
	hasOther   bool     // a recipient other than the sender
}

func newIndex(t *dataset.Tables) *index {
	ix := &index{
		personOf:    map[string]int{},
		reports:     map[string][]string{},
		eventOf:     map[string]int{},
		attByPerson: map[string][]attendance{},
		attByEvent:  map[int][]attendance{},
		sentBy:      map[string][]int{},
		receivedBy:  map[string][]int{},
	}
	// People: the last row for an id wins (the latest snapshot is read last).
	for i := range t.People {
		p := t.People[i]
		if j, ok := ix.personOf[p.PersonID]; ok {
			ix.all[j] = p
			continue
		}
		ix.personOf[p.PersonID] = len(ix.all)
		ix.all = append(ix.all, p)
	}
	for _, p := range ix.all {
		if p.IsInternal {
			ix.people = append(ix.people, p)
		}
		if p.ManagerID != "" && p.ManagerID != p.PersonID {
			ix.reports[p.ManagerID] = append(ix.reports[p.ManagerID], p.PersonID)
		}
	}
	slices.SortFunc(ix.people, func(a, b dataset.Person) int { return strings.Compare(a.PersonID, b.PersonID) })

	for i := range t.Events {
		e := &t.Events[i]
		if _, dup := ix.eventOf[e.EventID]; dup {
			continue
		}
		ix.eventOf[e.EventID] = len(ix.events)
		ix.events = append(ix.events, event{Event: e, s: e.Start.UnixMicro(), e: e.End.UnixMicro()})
	}
	type pe struct{ p, e string }
	seen := map[pe]bool{}
	for _, a := range t.Attendance {
		ev, ok := ix.eventOf[a.EventID]
		if !ok || seen[pe{a.PersonID, a.EventID}] {
			continue
		}
		seen[pe{a.PersonID, a.EventID}] = true
		row := attendance{person: a.PersonID, ev: ev, response: a.Response, showAs: a.ShowAs}
		ix.attByPerson[a.PersonID] = append(ix.attByPerson[a.PersonID], row)
		ix.attByEvent[ev] = append(ix.attByEvent[ev], row)
	}
	for p, rows := range ix.attByPerson {
		slices.SortFunc(rows, func(a, b attendance) int { return cmpInt64(ix.events[a.ev].s, ix.events[b.ev].s) })
		ix.attByPerson[p] = rows
	}

	seenMsg := map[string]bool{}
	for i := range t.Messages {
		m := &t.Messages[i]
		if seenMsg[m.MessageID] {
			continue
		}
		seenMsg[m.MessageID] = true
		rec := uniqueStrings(m.RecipientIDs)
		other := false
		for _, r := range rec {
			if r != m.SenderID {
				other = true
				break
			}
		}
		ix.msgs = append(ix.msgs, message{Message: m, at: m.SentAt.UnixMicro(), recipients: rec, hasOther: other})
	}
	slices.SortFunc(ix.msgs, func(a, b message) int {
		if c := cmpInt64(a.at, b.at); c != 0 {
			return c
		}
		return strings.Compare(a.MessageID, b.MessageID)
	})
	for i, m := range ix.msgs {
		ix.sentBy[m.SenderID] = append(ix.sentBy[m.SenderID], i)
		for _, r := range m.recipients {
			if r != m.SenderID {
				ix.receivedBy[r] = append(ix.receivedBy[r], i)
			}
		}
	}
	return ix
}

// supervisorIndicator returns IC, Manager or Manager+ (SPEC §8.8).
func (ix *index) supervisorIndicator(id string) string {
	reps := ix.reports[id]
	if len(reps) == 0 {
		return dataset.SupervisorIC
	}
	for _, r := range reps {
		if len(ix.reports[r]) > 0 {
			return dataset.SupervisorManagerPlus
		}
	}
	return dataset.SupervisorManager
}

// uniqueStrings returns in without empty strings and repeats, in order.
func uniqueStrings(in []string) []string {
	if len(in) < 2 {
		return in
	}
	out := make([]string, 0, len(in))
	if len(in) <= 16 {
		for _, s := range in {
			if s != "" && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
		return out
	}
	seen := make(map[string]bool, len(in)) // a large list: an all-hands mail
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
