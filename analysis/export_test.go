package analysis

import "github.com/overload-engine/overload/dataset"

// MapEverything makes every array of a streaming run come from its own
// mapping, so tests exercise the mapped memory and its release on small
// data; it returns a function undoing it.
func MapEverything() func() {
	old := bigMinBytes
	bigMinBytes = 1
	return func() { bigMinBytes = old }
}

// Carried returns the partition d keeps for the next RunBatch, if any, and
// how many messages, events and attendance rows of it.
func Carried(d *Dataset) (week dataset.Week, msgs, events, att int, ok bool) {
	if d.carry == nil {
		return dataset.Week{}, 0, 0, 0, false
	}
	c := d.carry
	return c.week, len(c.msgs), len(c.events), len(c.att), true
}
