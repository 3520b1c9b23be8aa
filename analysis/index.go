package analysis

import (
	"cmp"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/overload-engine/overload/dataset"
)

// An index holds the tables deduplicated and grouped per person, with times
// converted to microseconds and people numbered densely, so each
// person-week is computed from its own rows only, without maps on the hot
// path. Per-person lists are stored CSR-style: the rows of the person at
// position p of all are rows[off[p]:off[p+1]].
type index struct {
	all      []dataset.Person // one row per person_id (the last read wins), in first-seen order
	personOf map[string]int32 // person_id → position in all
	people   []int32          // positions in all of the people to compute, by PersonID
	manager  []int32          // position in all of each person's manager, or -1
	reports  []int32          // number of direct reports of each person
	// managerPlus marks managers with a report who has reports.
	managerPlus []bool

	events  []event
	eventOf map[string]int32

	attOff  []int32
	att     []attendance // per person, by (event start, event position)
	msgs    []message    // by (sent_at, message_id)
	sentOff []int32
	sent    []int32 // per sender: positions in msgs
	recvOff []int32
	recv    []int32 // per recipient other than the sender: positions in msgs
}

type event struct {
	*dataset.Event
	s, e      int64 // µs
	organizer int32 // position in all, or -1
}

type attendance struct {
	person   int32
	ev       int32
	response string
	showAs   string
}

type message struct {
	at       int64  // sent_at µs
	id       string // message_id
	channel  string
	auto     bool
	hasOther bool  // a recipient other than the sender
	sender   int32 // position in all, or -1
	rlo, rhi int32 // the recipients, in the builder's flat list
}

// newIndex indexes t for computing any person in it, internal or not
// (Explain, Meetings).
func newIndex(t *dataset.Tables) *index { return newShardIndex(t, dataset.Shard{}, true) }

// newShardIndex indexes t for computing the internal people of shard: it
// keeps the attendance of those people and of their managers (for the
// meetings-with-manager metrics) and the messages they sent or received.
// With anyone, it keeps the lists of every person in t.
func newShardIndex(t *dataset.Tables, shard dataset.Shard, anyone bool) *index {
	b := newBuilder(t.People, shard, anyone)
	for i := range t.Events {
		b.addEvent(&t.Events[i])
	}
	for i := range t.Attendance {
		a := &t.Attendance[i]
		p, ok := b.personOf[a.PersonID]
		if !ok || !b.tracked[p] {
			continue
		}
		if ev, ok := b.eventOf[a.EventID]; ok {
			b.att = append(b.att, attendance{person: p, ev: ev, response: a.Response, showAs: a.ShowAs})
		}
	}
	// Resolve senders and recipients to people positions in parallel (map
	// reads only).
	type resolved struct {
		sender int32
		rec    []int32
	}
	res := make([]resolved, len(t.Messages))
	parallelChunks(len(t.Messages), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			m := &t.Messages[i]
			r := &res[i]
			r.sender = b.code(m.SenderID)
			r.rec = make([]int32, len(m.RecipientIDs))
			for k, id := range m.RecipientIDs {
				r.rec[k] = recipientCode(b.personOf, id, m.SenderID)
			}
		}
	})
	for i := range t.Messages {
		m := &t.Messages[i]
		b.addMessage(m.MessageID, m.Channel, m.IsAuto, m.SentAt.UnixMicro(), res[i].sender, res[i].rec)
	}
	return b.finish()
}

// Recipient codes besides people positions.
const (
	codeNone    = -1 // empty, or the sender
	codeUnknown = -2 // someone not in the people table
)

// recipientCode returns the position of recipient id, codeUnknown for a
// person not in the table, codeNone for "" and for the sender.
func recipientCode(personOf map[string]int32, id, sender string) int32 {
	if id == "" || id == sender {
		return codeNone
	}
	if p, ok := personOf[id]; ok {
		return p
	}
	return codeUnknown
}

// A builder collects the rows of one index from either reader.
type builder struct {
	*index
	computed, tracked []bool
	shard             dataset.Shard
	seenMsg           map[string]struct{}
	rec               []int32 // recipients of the messages, flat
}

func newBuilder(people []dataset.Person, shard dataset.Shard, anyone bool) *builder {
	ix := &index{personOf: make(map[string]int32, len(people)), eventOf: map[string]int32{}}
	// People: the last row for an id wins (the latest snapshot is read last).
	for i := range people {
		p := &people[i]
		if j, ok := ix.personOf[p.PersonID]; ok {
			ix.all[j] = *p
			continue
		}
		ix.personOf[p.PersonID] = int32(len(ix.all))
		ix.all = append(ix.all, *p)
	}
	n := len(ix.all)
	ix.manager = make([]int32, n)
	ix.reports = make([]int32, n)
	for i := range ix.all {
		p := &ix.all[i]
		ix.manager[i] = -1
		if p.ManagerID == "" || p.ManagerID == p.PersonID {
			continue
		}
		if m, ok := ix.personOf[p.ManagerID]; ok {
			ix.manager[i] = m
		}
	}
	for _, m := range ix.manager {
		if m >= 0 {
			ix.reports[m]++
		}
	}
	ix.managerPlus = make([]bool, n)
	for i, m := range ix.manager {
		if m >= 0 && ix.reports[i] > 0 {
			ix.managerPlus[m] = true
		}
	}
	b := &builder{index: ix, shard: shard, computed: make([]bool, n), tracked: make([]bool, n), seenMsg: map[string]struct{}{}}
	for i := range ix.all {
		p := &ix.all[i]
		if p.IsInternal && shard.Contains(p.PersonID) {
			ix.people = append(ix.people, int32(i))
			b.computed[i] = true
			b.tracked[i] = true
		}
		if anyone {
			b.computed[i] = true
			b.tracked[i] = true
		}
	}
	for _, i := range ix.people {
		if m := ix.manager[i]; m >= 0 {
			b.tracked[m] = true
		}
	}
	slices.SortFunc(ix.people, func(a, b int32) int { return strings.Compare(ix.all[a].PersonID, ix.all[b].PersonID) })
	return b
}

// code returns the position of person id, or -1.
func (b *builder) code(id string) int32 {
	if p, ok := b.personOf[id]; ok {
		return p
	}
	return -1
}

// addEvent adds e unless an event with its id was added before.
func (b *builder) addEvent(e *dataset.Event) {
	if _, dup := b.eventOf[e.EventID]; dup {
		return
	}
	b.eventOf[e.EventID] = int32(len(b.events))
	b.events = append(b.events, event{Event: e, s: e.Start.UnixMicro(), e: e.End.UnixMicro(), organizer: b.code(e.OrganizerID)})
}

// addMessage adds a message unless one with its id was added before, or
// nobody computed sent or received it. rec holds recipient codes (see
// recipientCode).
func (b *builder) addMessage(id, channel string, auto bool, at int64, sender int32, rec []int32) {
	keep := sender >= 0 && b.computed[sender]
	other := false
	for _, r := range rec {
		if r != codeNone {
			other = true
		}
		if r >= 0 && b.computed[r] {
			keep = true
		}
	}
	if !keep {
		return
	}
	if _, dup := b.seenMsg[id]; dup {
		return
	}
	b.seenMsg[id] = struct{}{}
	lo := int32(len(b.rec))
	b.rec = append(b.rec, rec...)
	b.msgs = append(b.msgs, message{at: at, id: id, channel: channel, auto: auto, hasOther: other,
		sender: sender, rlo: lo, rhi: int32(len(b.rec))})
}

// finish groups the attendance and messages per person.
func (b *builder) finish() *index {
	b.finishAttendance()
	b.finishMessages()
	return b.index
}

// finishAttendance groups the attendance per person.
func (b *builder) finishAttendance() {
	ix := b.index
	ix.attOff, ix.att = groupBy(len(ix.all), ix.att, func(a *attendance) int32 { return a.person })
	forEachGroup(ix.attOff, func(lo, hi int32) {
		// Stable: of two rows for the same event, the first read wins.
		slices.SortStableFunc(ix.att[lo:hi], func(a, b attendance) int {
			return cmp.Or(cmp.Compare(ix.events[a.ev].s, ix.events[b.ev].s), cmp.Compare(a.ev, b.ev))
		})
	})
	// Drop repeated (person, event) rows, compacting in place.
	w := int32(0)
	off := ix.attOff
	for p := 0; p+1 < len(off); p++ {
		lo, hi := off[p], off[p+1]
		off[p] = w
		for k := lo; k < hi; k++ {
			if k > lo && ix.att[k].ev == ix.att[k-1].ev {
				continue
			}
			ix.att[w] = ix.att[k]
			w++
		}
	}
	off[len(off)-1] = w
	ix.att = ix.att[:w]
}

// finishMessages sorts the messages by (sent_at, message_id) and lists
// them per sender and recipient.
func (b *builder) finishMessages() {
	ix := b.index
	byTime := func(a, b message) int {
		return cmp.Or(cmp.Compare(a.at, b.at), strings.Compare(a.id, b.id))
	}
	if !slices.IsSortedFunc(ix.msgs, byTime) { // files are written sorted
		slices.SortFunc(ix.msgs, byTime)
	}
	// A list may repeat a recipient: drop repeats with a per-person stamp
	// (no quadratic scan on an all-hands mail).
	stamp := make([]int32, len(ix.all))
	var sentRows, recvRows []pair
	for i := range ix.msgs {
		m := &ix.msgs[i]
		if m.sender >= 0 && b.computed[m.sender] {
			sentRows = append(sentRows, pair{m.sender, int32(i)})
		}
		for _, p := range b.rec[m.rlo:m.rhi] {
			if p < 0 || !b.computed[p] || stamp[p] == int32(i)+1 {
				continue
			}
			stamp[p] = int32(i) + 1
			recvRows = append(recvRows, pair{p, int32(i)})
		}
	}
	b.rec = nil
	ix.sentOff, ix.sent = groupPairs(len(ix.all), sentRows)
	ix.recvOff, ix.recv = groupPairs(len(ix.all), recvRows)
}

type pair struct{ key, val int32 }

// groupPairs groups the vals of rows by key in [0, n), keeping their order.
func groupPairs(n int, rows []pair) (off, vals []int32) {
	off, sorted := groupBy(n, rows, func(p *pair) int32 { return p.key })
	vals = make([]int32, len(sorted))
	for i := range sorted {
		vals[i] = sorted[i].val
	}
	return off, vals
}

// groupBy is a counting sort of rows by key in [0, n), keeping their order.
func groupBy[T any](n int, rows []T, key func(*T) int32) (off []int32, out []T) {
	off = make([]int32, n+1)
	for i := range rows {
		off[key(&rows[i])+1]++
	}
	for i := 1; i <= n; i++ {
		off[i] += off[i-1]
	}
	out = make([]T, len(rows))
	next := slices.Clone(off[:n])
	for i := range rows {
		k := key(&rows[i])
		out[next[k]] = rows[i]
		next[k]++
	}
	return off, out
}

// forEachGroup calls f for every non-empty group of off, in parallel.
func forEachGroup(off []int32, f func(lo, hi int32)) {
	parallelChunks(len(off)-1, func(a, b int) {
		for p := a; p < b; p++ {
			if off[p+1] > off[p] {
				f(off[p], off[p+1])
			}
		}
	})
}

// parallelChunks calls f on disjoint chunks covering [0, n), on all cores.
func parallelChunks(n int, f func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if n < 4096 || workers < 2 {
		f(0, n)
		return
	}
	chunk := (n + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += chunk {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			f(lo, hi)
		}(lo, min(lo+chunk, n))
	}
	wg.Wait()
}

func (ix *index) attendanceOf(p int32) []attendance { return ix.att[ix.attOff[p]:ix.attOff[p+1]] }
func (ix *index) sentBy(p int32) []int32            { return ix.sent[ix.sentOff[p]:ix.sentOff[p+1]] }
func (ix *index) receivedBy(p int32) []int32        { return ix.recv[ix.recvOff[p]:ix.recvOff[p+1]] }

// supervisorIndicator returns IC, Manager or Manager+ (SPEC §8.8).
func (ix *index) supervisorIndicator(p int32) string {
	switch {
	case ix.reports[p] == 0:
		return dataset.SupervisorIC
	case ix.managerPlus[p]:
		return dataset.SupervisorManagerPlus
	}
	return dataset.SupervisorManager
}

func cmpInt64(a, b int64) int { return cmp.Compare(a, b) }
