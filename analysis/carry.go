package analysis

import (
	"github.com/overload-engine/overload/dataset"
)

// A carry holds the rows of one partition (the last week of a batch) that
// the next batch can reach, decoded once: the batch that reads the
// partition as its own week keeps them, and the next batch takes them
// instead of decoding the partition again as its neighbour (Dataset.RunBatch).
//
// The rows are kept as the scans decoded them, before any filter of the
// batch that read them except those the next batch applies in the same
// way: its window (for events and messages) and its shard's people (the
// same shard). So the next batch sees exactly the rows it would have read
// from the files, in the same order (the carried partition is the first it
// reads).
type carry struct {
	mem    *bigMem       // the large arrays below, until fed
	week   dataset.Week  // the partition carried
	shard  dataset.Shard // the shard whose people filtered the rows
	window window        // the next batch's window that filtered the rows

	// Events, with their ids' keys, in read order.
	eventKeys []eventKey
	events    []event

	// Attendance rows of tracked people: the event by its id's key (an
	// index into attKeys), response and show_as as codes of values. While
	// the partition is read, ev is the reading batch's event index, or
	// -2-i for unknown[i] (see scanAttendance and fixAttendance).
	attKeys []eventKey
	att     []attendance
	unknown []eventKey
	values  []string // the reading batch's value vocabulary
	channel []string // the reading batch's channel vocabulary

	// Messages kept by the shard's people, in read order, as addMessage
	// takes them.
	msgIDs idArena
	msgs   []carriedMessage
	rec    []int32
}

type carriedMessage struct {
	at      int64
	sender  int32
	rlo     int32 // recipients: rec[rlo:] up to the next message's rlo
	channel uint8 // code in channel
	auto    bool
}

func newCarry(week dataset.Week, shard dataset.Shard, next window) *carry {
	return &carry{mem: &bigMem{on: true}, week: week, shard: shard, window: next}
}

// release gives back c's mapped arrays (nil-safe).
func (c *carry) release() {
	if c != nil {
		c.mem.release()
		c.att, c.attKeys, c.msgs, c.rec, c.msgIDs = nil, nil, nil, nil, idArena{}
	}
}

// grow makes room for n more values in s, in c's mapped memory once large.
func grow[T any](c *carry, s []T, n int) []T {
	if cap(s)-len(s) >= n {
		return s
	}
	return growBig(c.mem, s, max(n, cap(s), 1<<16))
}

// fixAttendance turns the carried attendance rows' events (b's event
// indices while b read them) into indices of their keys in c.attKeys, once
// b has read every partition.
func (c *carry) fixAttendance(b *builder) {
	keys := make([]eventKey, len(b.events))
	b.eventOf.all(func(k eventKey, i int32) { keys[i] = k })
	pos := make([]int32, len(b.events)+len(c.unknown))
	for i := range pos {
		pos[i] = -1
	}
	for k := range c.att {
		a := &c.att[k]
		j, key := int(a.ev), eventKey{}
		if a.ev >= 0 {
			key = keys[j]
		} else {
			j = len(b.events) + int(-2-a.ev)
			key = c.unknown[-2-a.ev]
		}
		if pos[j] < 0 {
			pos[j] = int32(len(c.attKeys))
			c.attKeys = append(grow(c, c.attKeys, 1), key)
		}
		a.ev = pos[j]
	}
	c.unknown = nil
}

// usable reports whether the builder's batch can take c: c carries the
// first partition it reads, for the same shard and window.
func (c *carry) usable(b *builder, first dataset.Week) bool {
	return c != nil && c.week == first && c.shard == b.shard && c.window.equal(b.window)
}

// feedEvents adds c's events to b as scanEvents would from the files.
func (c *carry) feedEvents(b *builder) {
	for i := range c.events {
		b.keepEvent(c.eventKeys[i], c.events[i])
	}
	c.events, c.eventKeys = nil, nil
}

// feedAttendance adds c's attendance rows to b as scanAttendance would
// (after the events are in).
func (c *carry) feedAttendance(b *builder) {
	codes := make([]uint8, len(c.values))
	for i, v := range c.values {
		codes[i] = b.valueCode(v)
	}
	for _, a := range c.att {
		ev, ok := b.eventOf.lookup(c.attKeys[a.ev])
		if !ok {
			continue
		}
		b.att = append(b.att, attendance{person: a.person, ev: ev, response: codes[a.response], showAs: codes[a.showAs]})
	}
	bigFree(c.mem, c.att)
	bigFree(c.mem, c.attKeys)
	c.att, c.attKeys = nil, nil
}

// feedMessages adds c's messages to b as scanMessages would.
func (c *carry) feedMessages(b *builder) {
	codes := make([]uint8, len(c.channel))
	for i, ch := range c.channel {
		codes[i] = b.channelCode(ch)
	}
	for i := range c.msgs {
		m := &c.msgs[i]
		hi := int32(len(c.rec))
		if i+1 < len(c.msgs) {
			hi = c.msgs[i+1].rlo
		}
		b.addMessage(c.msgIDs.get(int32(i)), codes[m.channel], m.auto, m.at, m.sender, c.rec[m.rlo:hi])
	}
	bigFree(c.mem, c.msgs)
	bigFree(c.mem, c.rec)
	for _, ch := range c.msgIDs.chunks {
		bigFree(c.mem, ch)
	}
	bigFree(c.mem, c.msgIDs.refs)
	c.msgs, c.rec, c.msgIDs = nil, nil, idArena{}
}

// addMessage keeps a message for the next batch.
func (c *carry) addMessage(id string, channel uint8, auto bool, at int64, sender int32, rec []int32) {
	c.msgIDs.refs = grow(c, c.msgIDs.refs, 1)
	c.msgIDs.add(c.mem, id)
	c.msgs = append(grow(c, c.msgs, 1), carriedMessage{at: at, sender: sender, rlo: int32(len(c.rec)), channel: channel, auto: auto})
	c.rec = append(grow(c, c.rec, len(rec)), rec...)
}

// addAttendance keeps an attendance row for the next batch (see att).
func (c *carry) addAttendance(a attendance) {
	c.att = append(grow(c, c.att, 1), a)
}
