package analysis

import (
	"cmp"
	"hash/maphash"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unsafe"

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

	events  []event // by start once finished (first read first among equal starts)
	eventOf eventKeys
	src     []*dataset.Event // the events as read, when explaining
	values  []string         // response and show_as values, by code

	attOff  []int32
	att     []attendance // per person, by event position (so by start)
	sentOff []int32
	sent    []mref // per sender, by (sent_at, message_id)
	recvOff []int32
	recv    []mref // per recipient other than the sender, by (sent_at, message_id)
	// msgs holds the id and channel of each message, for explaining only
	// (nil otherwise).
	msgs []message
}

// An event holds what the metrics read of an event, without pointers.
type event struct {
	s, e        int64 // µs
	organizer   int32 // position in all, or -1
	invitees    int32
	notDeclined int32 // attendees_not_declined
	src         int32 // position in the index's src (explaining only), or -1
	flags       uint8 // eMeeting, eOOO, eAllDay, eCancelled, eRecurring
}

const (
	eMeeting   = 1 << iota // kind meeting
	eOOO                   // kind out_of_office
	eAllDay                // is_all_day
	eCancelled             // is_cancelled
	eRecurring             // is_recurring
)

func (e *event) is(flag uint8) bool { return e.flags&flag != 0 }

func eventFlags(kind string, allDay, cancelled, recurring bool) uint8 {
	var f uint8
	switch kind {
	case dataset.KindMeeting:
		f |= eMeeting
	case dataset.KindOutOfOffice:
		f |= eOOO
	}
	for _, b := range []struct {
		set  bool
		flag uint8
	}{{allDay, eAllDay}, {cancelled, eCancelled}, {recurring, eRecurring}} {
		if b.set {
			f |= b.flag
		}
	}
	return f
}

// An attendance row, with response and show_as as codes of the index's
// values.
type attendance struct {
	person   int32
	ev       int32
	response uint8
	showAs   uint8
}

// Codes of the response and show_as values the metrics test; others get
// codes from valueCode.
const (
	vEmpty uint8 = iota
	vOrganizer
	vAccepted
	vTentative // a response and a show_as
	vDeclined
	vFree
	vOOF
	vOther = 255 // any value past the 255th distinct one
)

var fixedValues = []string{"", dataset.ResponseOrganizer, dataset.ResponseAccepted, dataset.ResponseTentative,
	dataset.ResponseDeclined, dataset.ShowAsFree, dataset.ShowAsOOF}

// A mref is a message in a person's list of sent or received messages,
// with what the metrics use inline (the lists are read in order, the
// messages themselves are not touched). Twelve bytes: sent_at in two
// halves (no 8-byte alignment to pad for) and the message's position with
// its flags.
type mref struct {
	lo, hi uint32 // sent_at µs
	pf     uint32 // position in the index's msgs << mrefFlagBits | mChat, mAuto, mOther
}

const mrefFlagBits = 3

// maxMessages is the most messages one run can hold (the positions a mref
// can name).
const maxMessages = 1<<(32-mrefFlagBits) - 1

func newMref(at int64, msg int32, flags uint8) mref {
	return mref{lo: uint32(uint64(at)), hi: uint32(uint64(at) >> 32), pf: uint32(msg)<<mrefFlagBits | uint32(flags&(1<<mrefFlagBits-1))}
}

// time returns sent_at in µs.
func (m *mref) time() int64 { return int64(uint64(m.hi)<<32 | uint64(m.lo)) }

// msg returns the message's position in the index's msgs.
func (m *mref) msg() int32 { return int32(m.pf >> mrefFlagBits) }

const (
	mChat   = 1 << iota // channel is chat
	mAuto               // is_auto
	mOther              // has a recipient other than the sender
	mRepeat             // (builder only) an earlier message has the same id
)

func (m *mref) chat() bool  { return m.pf&mChat != 0 }
func (m *mref) auto() bool  { return m.pf&mAuto != 0 }
func (m *mref) other() bool { return m.pf&mOther != 0 }

// A message is what explain shows of a message.
type message struct {
	id, channel string
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
		if ev, ok := b.eventOf.get(a.EventID); ok {
			b.att = append(b.att, attendance{person: p, ev: ev, response: b.valueCode(a.Response), showAs: b.valueCode(a.ShowAs)})
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
	b.msgs = slices.Grow(b.msgs, len(t.Messages))
	for i := range t.Messages {
		m := &t.Messages[i]
		b.addMessage(m.MessageID, b.channelCode(m.Channel), m.IsAuto, m.SentAt.UnixMicro(), res[i].sender, res[i].rec)
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
	mem               *bigMem // nil: everything on the Go heap
	window            window  // zero: keep rows of any time
	explain           bool    // keep what explain shows of messages
	in, out           *carry  // rows carried from the previous batch, and for the next

	// Messages as read, without pointers (the garbage collector does not
	// look into them), repeats included until finishMessages.
	msgs     []bmsg
	ids      idArena
	hashes   []uint64 // hash of each message's id
	hash     func(id string) uint64
	channels []string // channel values, by code
	valueOf  map[string]uint8
	rec      []int32 // recipients of the messages, flat
}

// An idArena holds strings in large byte chunks, so that holding millions
// of ids costs neither an allocation each nor a copy of all of them when
// a single slice would grow.
type idArena struct {
	chunks [][]byte
	refs   []idRef
}

type idRef struct{ chunk, off, n uint32 }

const idChunk = 4 << 20

// add appends s, taking new chunks from m.
func (a *idArena) add(m *bigMem, s string) {
	last := len(a.chunks) - 1
	if last < 0 || len(a.chunks[last])+len(s) > cap(a.chunks[last]) {
		a.chunks = append(a.chunks, bigSlice[byte](m, max(idChunk, len(s))))
		last++
	}
	c := a.chunks[last]
	a.refs = append(a.refs, idRef{uint32(last), uint32(len(c)), uint32(len(s))})
	a.chunks[last] = append(c, s...)
}

// get returns string i; it points into the arena.
func (a *idArena) get(i int32) string {
	r := a.refs[i]
	return unsafe.String(unsafe.SliceData(a.chunks[r.chunk][r.off:]), int(r.n))
}

// A bmsg is a message as the builder holds it.
type bmsg struct {
	at      int64 // sent_at µs
	sender  int32 // position in all, or -1
	rlo     int32 // the recipients: rec[rlo:] up to the next message's rlo
	channel uint8 // code in channels
	flags   uint8 // mChat, mAuto, mOther
}

func newBuilder(people []dataset.Person, shard dataset.Shard, anyone bool) *builder {
	ix := &index{personOf: make(map[string]int32, len(people))}
	// People: the last row for an id wins (the latest snapshot is read
	// last). Without repeated ids (a snapshot's rows) the index uses people
	// as they are, read-only, instead of a copy the collector would scan too.
	for i := range people {
		if _, ok := ix.personOf[people[i].PersonID]; ok {
			clear(ix.personOf)
			break
		}
		ix.personOf[people[i].PersonID] = int32(i)
	}
	if len(ix.personOf) == len(people) {
		ix.all = people[:len(people):len(people)]
	} else {
		for i := range people {
			p := &people[i]
			if j, ok := ix.personOf[p.PersonID]; ok {
				ix.all[j] = *p
				continue
			}
			ix.personOf[p.PersonID] = int32(len(ix.all))
			ix.all = append(ix.all, *p)
		}
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
	b := &builder{index: ix, shard: shard, explain: anyone, computed: make([]bool, n), tracked: make([]bool, n)}
	b.values = slices.Clone(fixedValues)
	b.valueOf = map[string]uint8{}
	for i, v := range b.values {
		b.valueOf[v] = uint8(i)
	}
	seed := maphash.MakeSeed()
	b.hash = func(id string) uint64 { return maphash.String(seed, id) }
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

// An eventKey stands for an event id: two 64-bit hashes of it, seeded
// once per process (so batches agree), which the collector does not need
// to scan as it would strings. Two ids of a run share a key with odds of
// about n²/2¹²⁹.
type eventKey [2]uint64

var eventSeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

func eventKeyOf(id string) eventKey {
	return eventKey{maphash.String(eventSeeds[0], id), maphash.String(eventSeeds[1], id)}
}

// eventKeys maps event keys to positions in the index's events: an
// open-addressing table (linear probing) indexed by the key's first half,
// which is a hash already. Against a Go map of the same keys it spares
// hashing the key again and the map's groups (attendance looks up every
// row group's dictionary of event ids: 4% of analyze's CPU samples).
type eventKeys struct {
	slots []eventSlot // a power of two long, at most half full
	n     int
}

type eventSlot struct {
	k eventKey
	v int32 // position + 1; 0 is an empty slot
}

// get returns the position of event id.
func (m *eventKeys) get(id string) (int32, bool) { return m.lookup(eventKeyOf(id)) }

// lookup returns the position of the event with key k.
func (m *eventKeys) lookup(k eventKey) (int32, bool) {
	if m.n == 0 {
		return 0, false
	}
	mask := uint64(len(m.slots) - 1)
	for j := k[0] & mask; ; j = (j + 1) & mask {
		switch s := &m.slots[j]; {
		case s.v == 0:
			return 0, false
		case s.k == k:
			return s.v - 1, true
		}
	}
}

// add maps k to v unless k is mapped, and reports whether it was not.
func (m *eventKeys) add(k eventKey, v int32) bool {
	if 2*(m.n+1) > len(m.slots) {
		m.grow(2 * (m.n + 1))
	}
	mask := uint64(len(m.slots) - 1)
	j := k[0] & mask
	for ; m.slots[j].v != 0; j = (j + 1) & mask {
		if m.slots[j].k == k {
			return false
		}
	}
	m.slots[j] = eventSlot{k, v + 1}
	m.n++
	return true
}

// grow makes room for n keys in all.
func (m *eventKeys) grow(n int) {
	size := 1 << 10
	for size < 2*n {
		size *= 2
	}
	if size <= len(m.slots) {
		return
	}
	old := m.slots
	m.slots = make([]eventSlot, size)
	mask := uint64(size - 1)
	for _, s := range old {
		if s.v != 0 {
			j := s.k[0] & mask
			for m.slots[j].v != 0 {
				j = (j + 1) & mask
			}
			m.slots[j] = s
		}
	}
}

// all calls fn with each key and its position.
func (m *eventKeys) all(fn func(k eventKey, v int32)) {
	for _, s := range m.slots {
		if s.v != 0 {
			fn(s.k, s.v-1)
		}
	}
}

// renumber maps each key's position v to to[v].
func (m *eventKeys) renumber(to []int32) {
	for j := range m.slots {
		if s := &m.slots[j]; s.v != 0 {
			s.v = to[s.v-1] + 1
		}
	}
}

// keepEvent adds ev under k unless an event with that key was added
// before (the first read wins).
func (b *builder) keepEvent(k eventKey, ev event) {
	if b.eventOf.add(k, int32(len(b.events))) {
		b.events = append(b.events, ev)
	}
}

// addEvent adds e unless an event with its id was added before.
func (b *builder) addEvent(e *dataset.Event) {
	if !b.eventOf.add(eventKeyOf(e.EventID), int32(len(b.events))) {
		return
	}
	src := int32(-1)
	if b.explain {
		src = int32(len(b.src))
		b.src = append(b.src, e)
	}
	b.events = append(b.events, event{s: e.Start.UnixMicro(), e: e.End.UnixMicro(), organizer: b.code(e.OrganizerID),
		invitees: e.Invitees, notDeclined: e.AttendeesNotDeclined, src: src,
		flags: eventFlags(e.Kind, e.IsAllDay, e.IsCancelled, e.IsRecurring)})
}

// valueCode returns the code of a response or show_as value.
func (b *builder) valueCode(v string) uint8 {
	if c, ok := b.valueOf[v]; ok {
		return c
	}
	if len(b.values) >= int(vOther) {
		return vOther
	}
	c := uint8(len(b.values))
	b.values = append(b.values, strings.Clone(v))
	b.valueOf[b.values[c]] = c
	return c
}

// value returns the value of a code.
func (ix *index) value(c uint8) string {
	if int(c) < len(ix.values) {
		return ix.values[c]
	}
	return "…"
}

// channelCode returns the code of a channel value.
func (b *builder) channelCode(ch string) uint8 {
	for i, c := range b.channels {
		if c == ch {
			return uint8(i)
		}
	}
	if len(b.channels) == 255 {
		return 255 // more distinct values than any real source has: shown as "…"
	}
	b.channels = append(b.channels, strings.Clone(ch))
	return uint8(len(b.channels) - 1)
}

// addMessage adds a message unless one with its id was added before, or
// nobody computed sent or received it. rec holds recipient codes (see
// recipientCode). id is copied; channel is a channelCode.
func (b *builder) addMessage(id string, channel uint8, auto bool, at int64, sender int32, rec []int32) {
	keep := sender >= 0 && b.computed[sender]
	var flags uint8
	for _, r := range rec {
		if r != codeNone {
			flags |= mOther
		}
		if r >= 0 && b.computed[r] {
			keep = true
		}
	}
	if !keep {
		return
	}
	if auto {
		flags |= mAuto
	}
	if int(channel) < len(b.channels) && b.channels[channel] == dataset.ChannelChat {
		flags |= mChat
	}
	lo := int32(len(b.rec))
	b.rec = append(b.rec, rec...)
	b.msgs = append(b.msgs, bmsg{at: at, sender: sender, rlo: lo, channel: channel, flags: flags})
	b.ids.add(b.mem, id)
	b.hashes = append(b.hashes, b.hash(id))
}

// recipients returns the recipient codes of message i.
func (b *builder) recipients(i int) []int32 {
	hi := len(b.rec)
	if i+1 < len(b.msgs) {
		hi = int(b.msgs[i+1].rlo)
	}
	return b.rec[b.msgs[i].rlo:hi]
}

// id returns the id of message i; it points into the builder's arena.
func (b *builder) id(i int32) string { return b.ids.get(i) }

// markRepeats marks every message whose id an earlier message has with
// mRepeat. Messages are split into buckets by hash, and each bucket is
// checked on its own (on all cores, with a map that fits in cache).
func (b *builder) markRepeats() {
	const bits = 12
	off := make([]int32, 1<<bits+1)
	bucket := func(h uint64) int { return int(h >> (64 - bits)) }
	for _, h := range b.hashes {
		off[bucket(h)+1]++
	}
	for i := 1; i < len(off); i++ {
		off[i] += off[i-1]
	}
	order := make([]int32, len(b.hashes)) // message positions by bucket, in read order
	next := slices.Clone(off[:1<<bits])
	for i, h := range b.hashes {
		k := bucket(h)
		order[next[k]] = int32(i)
		next[k]++
	}
	most := int32(0)
	for k := range 1 << bits {
		most = max(most, off[k+1]-off[k])
	}
	size := 16
	for size < 2*int(most) {
		size *= 2
	}
	// Each worker keeps the first message of each hash of a bucket in an
	// open-addressing table (linear probing), emptied for the next bucket
	// by a generation number rather than by clearing it.
	type slot struct {
		h      uint64
		i, gen int32
	}
	parallelChunks(1<<bits, func(lo, hi int) {
		tab := make([]slot, size)
		mask := uint64(size - 1)
		gen := int32(0)
		for k := lo; k < hi; k++ {
			gen++
			var collided map[string]bool
			for _, i := range order[off[k]:off[k+1]] {
				h := b.hashes[i]
				j := h & mask // (the bucket is the top bits)
				for tab[j].gen == gen && tab[j].h != h {
					j = (j + 1) & mask
				}
				s := &tab[j]
				switch {
				case s.gen != gen:
					*s = slot{h: h, i: i, gen: gen}
					continue
				case b.id(s.i) == b.id(i):
					b.msgs[i].flags |= mRepeat
					continue
				}
				// Another id has this hash (about once in 2⁶⁴ pairs): fall
				// back to the ids themselves.
				if collided == nil {
					collided = map[string]bool{}
				}
				if collided[b.id(i)] {
					b.msgs[i].flags |= mRepeat
				}
				collided[b.id(i)] = true
			}
		}
	})
}

// finish groups the attendance and messages per person.
func (b *builder) finish() *index {
	b.finishAttendance()
	b.finishMessages()
	return b.index
}

// finishAttendance groups the attendance per person.
func (b *builder) finishAttendance() {
	b.sortEvents()
	ix := b.index
	read := ix.att
	ix.attOff, ix.att = groupBy(b.mem, len(ix.all), ix.att, func(a *attendance) int32 { return a.person })
	bigFree(b.mem, read)
	forEachGroup(ix.attOff, func(lo, hi int32) {
		// By start, as events are. Stable: of two rows for the same event,
		// the first read wins.
		slices.SortStableFunc(ix.att[lo:hi], func(a, b attendance) int { return cmp.Compare(a.ev, b.ev) })
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

// sortEvents orders the events by start, keeping the read order among
// equal starts, and renumbers the attendance rows and eventOf to match: a
// person's rows then sort, and are searched, by event position alone,
// without a look at each row's event (a cache miss each on a large
// organisation).
func (b *builder) sortEvents() {
	ix := b.index
	if slices.IsSortedFunc(ix.events, func(x, y event) int { return cmpInt64(x.s, y.s) }) {
		return
	}
	type pos struct {
		s int64
		i int32
	}
	order := bigSlice[pos](b.mem, len(ix.events))
	for i, e := range ix.events {
		order = append(order, pos{e.s, int32(i)})
	}
	slices.SortFunc(order, func(x, y pos) int {
		if x.s != y.s {
			return cmpInt64(x.s, y.s)
		}
		return cmp.Compare(x.i, y.i)
	})
	events := bigSlice[event](b.mem, len(ix.events))
	to := make([]int32, len(ix.events)) // new position of each event
	for k, o := range order {
		to[o.i] = int32(k)
		events = append(events, ix.events[o.i])
	}
	bigFree(b.mem, order)
	bigFree(b.mem, ix.events)
	ix.events = events
	for i := range ix.att {
		ix.att[i].ev = to[ix.att[i].ev]
	}
	ix.eventOf.renumber(to)
}

// finishMessages lists the messages per sender and per recipient, each
// list by (sent_at, message_id) (SPEC §8.2), and drops the messages.
func (b *builder) finishMessages() {
	b.markRepeats()
	ix := b.index
	n := len(ix.all)
	// Workers take consecutive runs of messages and count, then fill, their
	// part of every person's lists, so the lists keep the read order
	// before they are sorted.
	workers := runtime.GOMAXPROCS(0)
	if len(b.msgs) < 1<<16 {
		workers = 1
	}
	type part struct {
		lo, hi               int
		sentCount, recvCount []int32 // per person; then where the part's rows start
		stamp                []int32
	}
	parts := make([]part, workers)
	chunk := (len(b.msgs) + workers - 1) / workers
	for w := range parts {
		parts[w] = part{lo: min(w*chunk, len(b.msgs)), hi: min((w+1)*chunk, len(b.msgs)),
			sentCount: make([]int32, n), recvCount: make([]int32, n), stamp: make([]int32, n)}
	}
	// A list may repeat a recipient: drop repeats with a per-person stamp
	// (no quadratic scan on an all-hands mail).
	each := func(pt *part, sent func(s int32, r mref), recv func(p int32, r mref)) {
		clear(pt.stamp)
		for i := pt.lo; i < pt.hi; i++ {
			m := &b.msgs[i]
			if m.flags&mRepeat != 0 {
				continue
			}
			r := newMref(m.at, int32(i), m.flags)
			if s := m.sender; s >= 0 && b.computed[s] {
				sent(s, r)
			}
			for _, p := range b.recipients(i) {
				if p < 0 || !b.computed[p] || pt.stamp[p] == int32(i)+1 {
					continue
				}
				pt.stamp[p] = int32(i) + 1
				recv(p, r)
			}
		}
	}
	parallelParts := func(f func(pt *part)) {
		var wg sync.WaitGroup
		for w := range parts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				f(&parts[w])
			}()
		}
		wg.Wait()
	}
	parallelParts(func(pt *part) {
		each(pt, func(s int32, _ mref) { pt.sentCount[s]++ }, func(p int32, _ mref) { pt.recvCount[p]++ })
	})
	ix.sentOff, ix.recvOff = make([]int32, n+1), make([]int32, n+1)
	var sent, recv int32
	for p := range n {
		ix.sentOff[p], ix.recvOff[p] = sent, recv
		for w := range parts {
			pt := &parts[w]
			pt.sentCount[p], sent = sent, sent+pt.sentCount[p]
			pt.recvCount[p], recv = recv, recv+pt.recvCount[p]
		}
	}
	ix.sentOff[n], ix.recvOff[n] = sent, recv
	ix.sent, ix.recv = bigSlice[mref](b.mem, int(sent))[:sent], bigSlice[mref](b.mem, int(recv))[:recv]
	parallelParts(func(pt *part) {
		each(pt, func(s int32, r mref) {
			ix.sent[pt.sentCount[s]] = r
			pt.sentCount[s]++
		}, func(p int32, r mref) {
			ix.recv[pt.recvCount[p]] = r
			pt.recvCount[p]++
		})
	})
	parts = nil
	sortLists := func(off []int32, refs []mref) {
		parallelChunks(len(off)-1, func(lo, hi int) {
			var s refSorter
			s.id = b.id
			for p := lo; p < hi; p++ {
				s.sort(refs[off[p]:off[p+1]])
			}
		})
	}
	sortLists(ix.sentOff, ix.sent) // (senders' lists come in a few sorted runs: one per band and partition)
	sortLists(ix.recvOff, ix.recv)
	if b.explain {
		ix.msgs = make([]message, len(b.msgs))
		for i := range b.msgs {
			m := &ix.msgs[i]
			m.id = strings.Clone(b.id(int32(i)))
			m.channel = "…"
			if c := int(b.msgs[i].channel); c < len(b.channels) {
				m.channel = b.channels[c]
			}
		}
	}
	for _, c := range b.ids.chunks {
		bigFree(b.mem, c)
	}
	bigFree(b.mem, b.msgs)
	bigFree(b.mem, b.hashes)
	bigFree(b.mem, b.ids.refs)
	bigFree(b.mem, b.rec)
	b.msgs, b.ids, b.hashes, b.rec = nil, idArena{}, nil, nil
}

// A refSorter sorts lists of message references by (sent_at,
// message_id). A list comes as sorted runs (a recipient's list holds each
// sender's messages in the order of the files, which are sorted by band of
// the week, sender and sent_at), so it merges the runs, which takes fewer comparisons than
// a general sort, each without a call through a function value (on 100k
// people × 1 week, slices.SortFunc's sort was 6–12% of analyze's CPU
// samples, the merges 4%).
type refSorter struct {
	id     func(int32) string // message_id of a message position
	buf    []mref
	starts []int
}

// before reports whether x sorts before y.
func (s *refSorter) before(x, y *mref) bool {
	if xt, yt := x.time(), y.time(); xt != yt {
		return xt < yt
	}
	return s.id(x.msg()) < s.id(y.msg())
}

// sort sorts l, stably.
func (s *refSorter) sort(l []mref) {
	n := len(l)
	s.starts = append(s.starts[:0], 0)
	for i := 1; i < n; i++ {
		if s.before(&l[i], &l[i-1]) {
			s.starts = append(s.starts, i)
		}
	}
	if len(s.starts) == 1 {
		return
	}
	s.starts = append(s.starts, n)
	if cap(s.buf) < n {
		s.buf = make([]mref, n)
	}
	src, dst := l, s.buf[:n]
	for len(s.starts) > 2 { // runs src[starts[r]:starts[r+1]]
		k := 0
		for r := 0; r+1 < len(s.starts); r += 2 {
			lo, mid := s.starts[r], s.starts[r+1]
			if r+2 < len(s.starts) {
				s.merge(src[lo:mid], src[mid:s.starts[r+2]], dst[lo:])
			} else {
				copy(dst[lo:mid], src[lo:mid])
			}
			s.starts[k] = lo
			k++
		}
		s.starts[k] = n
		s.starts = s.starts[:k+1]
		src, dst = dst, src
	}
	if &src[0] != &l[0] {
		copy(l, src)
	}
}

// merge merges the sorted a and b into out, a's first among equals.
func (s *refSorter) merge(a, b, out []mref) {
	i, j, k := 0, 0, 0
	for i < len(a) && j < len(b) {
		if s.before(&b[j], &a[i]) {
			out[k] = b[j]
			j++
		} else {
			out[k] = a[i]
			i++
		}
		k++
	}
	k += copy(out[k:], a[i:])
	copy(out[k:], b[j:])
}

// groupBy is a counting sort of rows by key in [0, n), keeping their order.
func groupBy[T any](mem *bigMem, n int, rows []T, key func(*T) int32) (off []int32, out []T) {
	off = make([]int32, n+1)
	for i := range rows {
		off[key(&rows[i])+1]++
	}
	for i := 1; i <= n; i++ {
		off[i] += off[i-1]
	}
	out = bigSlice[T](mem, len(rows))[:len(rows)]
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
func (ix *index) sentBy(p int32) []mref             { return ix.sent[ix.sentOff[p]:ix.sentOff[p+1]] }
func (ix *index) receivedBy(p int32) []mref         { return ix.recv[ix.recvOff[p]:ix.recvOff[p+1]] }

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
