package analysis

import (
	"context"
	"fmt"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/overload-engine/overload/dataset"
)

// RunDataset is RunShard reading the dataset at root directly: it reads the
// people snapshot and only the columns and partitions (weeks and their
// neighbours) that the metrics need, keeps only the rows that concern the
// shard's people and, of the neighbours, the days that can reach the weeks,
// and holds them in a compact form (people numbered densely, ids decoded
// once per Parquet dictionary, large arrays outside the Go heap until it
// returns) instead of Go structs. Memory is therefore about proportional to
// the shard's share of those weeks, not to the dataset. Rows equal those of
// Run on the same data.
func RunDataset(ctx context.Context, root string, weeks []dataset.Week, cfg Config, shard dataset.Shard) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	d, err := OpenDataset(ctx, root)
	if err != nil {
		return nil, err
	}
	return d.Run(ctx, weeks, cfg, shard)
}

// A Dataset is a dataset directory with its people snapshot read once, for
// runs of several batches of weeks or shards (each RunDataset call reads
// the snapshot again).
type Dataset struct {
	root   string
	people []dataset.Person
	shifts map[[2]string]bool // the people's (work_start, work_end) pairs
	carry  *carry             // from the last RunBatch, for the batch it named as next
}

// OpenDataset reads the people snapshot of the dataset at root.
func OpenDataset(ctx context.Context, root string) (*Dataset, error) {
	people, err := dataset.ReadPeople(ctx, root)
	if err != nil {
		return nil, err
	}
	d := &Dataset{root: root, people: people, shifts: map[[2]string]bool{}}
	for i := range people {
		d.shifts[[2]string{people[i].WorkStart, people[i].WorkEnd}] = true
	}
	return d, nil
}

// overnight reports whether someone in d's snapshot works overnight shifts
// under cfg (or has working hours that do not parse, which the run then
// reports).
func (d *Dataset) overnight(cfg *Config) bool {
	for sh := range d.shifts {
		start, end, err := workClock(sh[0], sh[1], cfg)
		if err != nil || overnightShift(start, end) {
			return true
		}
	}
	return false
}

// A Share is the parts of the week before and of the week after a run's
// weeks whose rows of one kind the run keeps.
type Share struct{ Before, After float64 }

// NeighbourShares returns the shares of events (with their attendance) and
// of messages that a run of d under cfg keeps of the neighbouring weeks
// (see Config.reach), to estimate the rows a batch holds. With the default
// preset: of events 38 hours of the week before and 12 of the week after,
// 36 when someone works overnight shifts; of messages 14 hours before and
// 12 hours and 5 minutes after.
func (d *Dataset) NeighbourShares(cfg Config) (events, messages Share) {
	ev, msg := cfg.reach(d.overnight(&cfg))
	share := func(r reach) Share {
		const week = float64(7 * 24 * usPerHour)
		return Share{min(max(float64(r.before)/week, 0), 1), min(max(float64(r.after)/week, 0), 1)}
	}
	return share(ev), share(msg)
}

// Run is RunDataset on d's directory with d's people snapshot.
func (d *Dataset) Run(ctx context.Context, weeks []dataset.Week, cfg Config, shard dataset.Shard) (*Result, error) {
	return d.RunBatch(ctx, weeks, nil, cfg, shard)
}

// RunBatch is Run for one batch of a run that goes through consecutive
// batches of weeks: next is the batch the caller runs next, with the same
// shard and config. If next starts right after weeks, RunBatch keeps the
// rows of weeks' last partition that next can reach, and the next
// RunBatch takes them instead of decoding that partition again as its
// neighbour (each week is then decoded twice, not three times). The rows
// are the same either way. A Dataset runs one batch at a time.
func (d *Dataset) RunBatch(ctx context.Context, weeks, next []dataset.Week, cfg Config, shard dataset.Shard) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	weeks = normWeeks(weeks)
	root := d.root
	b := newBuilder(d.people, shard, false)
	overnight := d.overnight(&cfg)
	b.window = newWindow(weeks, cfg, overnight)
	in := d.carry
	d.carry = nil
	defer in.release() // whatever was not fed
	if len(weeks) > 0 && in.usable(b, weeks[0].Add(-1)) {
		b.in = in
	}
	if next = normWeeks(next); len(weeks) > 0 && len(next) > 0 && next[0] == weeks[len(weeks)-1].Add(1) {
		b.out = newCarry(weeks[len(weeks)-1], shard, newWindow(next, cfg, overnight))
	}
	b.mem = &bigMem{on: true}
	defer b.mem.release() // the rows are copies: nothing points into it
	// Calendar and mail touch separate parts of the builder: read them at
	// the same time, then group each.
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		if err := b.scanEvents(gctx, root, weeks); err != nil {
			return err
		}
		if err := b.scanAttendance(gctx, root, weeks); err != nil {
			return err
		}
		if b.out != nil {
			b.out.fixAttendance(b)
		}
		b.finishAttendance()
		return nil
	})
	g.Go(func() error {
		if err := b.scanMessages(gctx, root, weeks); err != nil {
			return err
		}
		b.finishMessages()
		return nil
	})
	if err := g.Wait(); err != nil {
		b.out.release()
		return nil, err
	}
	b.in = nil
	res, err := runIndex(ctx, b.index, weeks, cfg)
	if err != nil {
		b.out.release()
		return nil, err
	}
	d.carry = b.out
	return res, nil
}

// Close gives back the rows d keeps for a next batch that will not run.
func (d *Dataset) Close() {
	d.carry.release()
	d.carry = nil
}

// partitions returns the partitions of table to read for weeks (without
// the one b takes from the previous batch), how many rows they hold, and
// how many of those are in the partitions of weeks themselves.
func (b *builder) partitions(root, table string, weeks []dataset.Week) (ws []dataset.Week, rows, own int, err error) {
	ws, err = dataset.ScanWeeks(root, table, weeks)
	if err != nil {
		return nil, 0, 0, err
	}
	if b.in != nil {
		ws = slices.DeleteFunc(ws, func(w dataset.Week) bool { return w == b.in.week })
	}
	for _, w := range ws {
		n, err := dataset.ScanRows(root, table, []dataset.Week{w})
		if err != nil {
			return nil, 0, 0, err
		}
		rows += int(n)
		if slices.Contains(weeks, w) {
			own += int(n)
		}
	}
	return ws, rows, own, nil
}

func (b *builder) scanEvents(ctx context.Context, root string, weeks []dataset.Week) error {
	ws, rows, own, err := b.partitions(root, dataset.TableEvents, weeks)
	if err != nil {
		return err
	}
	if b.in != nil {
		rows += len(b.in.events)
	}
	b.events = growBig(b.mem, b.events, rows)
	// Room in the key table for the batch's own events and a quarter more
	// of the neighbours' (it grows if need be): growing it from small had
	// cost 1.5% of a week's CPU samples in rehashing.
	carried := 0
	if b.in != nil {
		carried = len(b.in.events)
	}
	b.eventOf.grow(own + own/4 + carried)
	if b.in != nil {
		b.in.feedEvents(b)
	}
	out := b.out
	cols := []string{"event_id", "start", "end", "is_all_day", "is_cancelled", "is_recurring",
		"organizer_id", "invitees", "attendees_not_declined", "kind"}
	kindCode := func(s string) int32 { return int32(eventFlags(s, false, false, false)) }
	within := b.within(weeks, b.window.events)
	return dataset.Scan(ctx, root, dataset.TableEvents, ws, cols, []string{"organizer_id", "kind"}, within, func(bt *dataset.Batch) error {
		n := bt.Len()
		keys := make([]eventKey, n)
		start, end := make([]int64, n), make([]int64, n)
		allDay, cancelled, recurring := make([]bool, n), make([]bool, n), make([]bool, n)
		org := make([]int32, n)
		invitees, notDeclined := make([]int32, n), make([]int32, n)
		kind := make([]int32, n)
		errs := []error{
			bt.Views("event_id", func(i int, s string) { keys[i] = eventKeyOf(s) }),
			bt.Micros("start", start), bt.Micros("end", end),
			bt.Bools("is_all_day", allDay), bt.Bools("is_cancelled", cancelled), bt.Bools("is_recurring", recurring),
			bt.Codes("organizer_id", b.code, -1, org),
			bt.Int32s("invitees", invitees), bt.Int32s("attendees_not_declined", notDeclined),
			bt.Codes("kind", kindCode, 0, kind),
		}
		for _, err := range errs {
			if err != nil {
				return err
			}
		}
		carried := out != nil && bt.Week == out.week
		for i := range n {
			ev := event{s: start[i], e: end[i], organizer: org[i],
				invitees: invitees[i], notDeclined: notDeclined[i], src: -1,
				flags: uint8(kind[i]) | eventFlags("", allDay[i], cancelled[i], recurring[i])}
			if carried && out.window.events.overlaps(ev.s, ev.e) {
				out.eventKeys = append(out.eventKeys, keys[i])
				out.events = append(out.events, ev)
			}
			if b.window.events.overlaps(ev.s, ev.e) { // else in a neighbouring week, too far from the weeks analysed
				b.keepEvent(keys[i], ev)
			}
		}
		return nil
	})
}

func (b *builder) scanAttendance(ctx context.Context, root string, weeks []dataset.Week) error {
	ws, rows, _, err := b.partitions(root, dataset.TableAttendance, weeks)
	if err != nil {
		return err
	}
	if b.in != nil {
		rows += len(b.in.att)
	}
	b.att = growBig(b.mem, b.att, rows)
	if b.in != nil {
		b.in.feedAttendance(b)
	}
	out := b.out
	if out != nil {
		defer func() { out.values = slices.Clone(b.values) }()
	}
	cols := []string{"person_id", "event_id", "response", "show_as"}
	valueCode := func(s string) int32 { return int32(b.valueCode(s)) }
	eventCode := func(s string) int32 {
		if e, ok := b.eventOf.get(s); ok {
			return e
		}
		return -1
	}
	unknown := map[eventKey]int32{} // event ids of carried rows that no events row has here
	// Of the neighbours, only rows of the events kept can count: read the
	// row groups that can hold an event starting when they do.
	var starts spans
	if len(b.events) > 0 {
		lo, hi := b.events[0].s, b.events[0].s
		for i := range b.events {
			lo, hi = min(lo, b.events[i].s), max(hi, b.events[i].s)
		}
		starts = spans{{S: lo, E: hi + 1}}
	} else {
		starts = spans{} // none
	}
	within := b.within(weeks, starts)
	return dataset.Scan(ctx, root, dataset.TableAttendance, ws, cols, cols, within, func(bt *dataset.Batch) error {
		n := bt.Len()
		person, ev := make([]int32, n), make([]int32, n)
		rc, sc := make([]int32, n), make([]int32, n)
		carried := out != nil && bt.Week == out.week
		errs := []error{
			bt.Codes("person_id", b.code, -1, person),
			bt.Codes("event_id", eventCode, -1, ev),
			bt.Codes("response", valueCode, int32(vEmpty), rc),
			bt.Codes("show_as", valueCode, int32(vEmpty), sc),
		}
		for _, err := range errs {
			if err != nil {
				return err
			}
		}
		for i := range n {
			p := person[i]
			if p < 0 || !b.tracked[p] || ev[i] < 0 {
				continue
			}
			a := attendance{person: p, ev: ev[i], response: uint8(rc[i]), showAs: uint8(sc[i])}
			b.att = append(b.att, a)
			if carried {
				out.addAttendance(a)
			}
		}
		if !carried || !slices.Contains(ev, -1) {
			return nil
		}
		// Every row of the partition goes to the next batch, whose events
		// differ: rows whose event id no events row here has keep the id.
		return bt.Views("event_id", func(i int, id string) {
			if p := person[i]; p < 0 || !b.tracked[p] || ev[i] >= 0 || id == "" {
				return // (a row without an event id is dropped there too)
			}
			k := eventKeyOf(id)
			u, ok := unknown[k]
			if !ok {
				u = int32(len(out.unknown))
				out.unknown = append(out.unknown, k)
				unknown[k] = u
			}
			out.addAttendance(attendance{person: person[i], ev: -2 - u, response: uint8(rc[i]), showAs: uint8(sc[i])})
		})
	})
}

func (b *builder) scanMessages(ctx context.Context, root string, weeks []dataset.Week) error {
	ws, rows, _, err := b.partitions(root, dataset.TableMessages, weeks)
	if err != nil {
		return err
	}
	if b.in != nil {
		rows += len(b.in.msgs)
	}
	out := b.out
	if out != nil {
		defer func() { out.channel = slices.Clone(b.channels) }()
	}
	if b.shard.All() {
		b.msgs = growBig(b.mem, b.msgs, rows)
		b.hashes = growBig(b.mem, b.hashes, rows)
		b.ids.refs = growBig(b.mem, b.ids.refs, rows)
	}
	cols := []string{"message_id", "channel", "sender_id", "sent_at", "recipient_ids", "is_auto"}
	dict := []string{"channel", "sender_id", "recipient_ids"}
	recipient := func(s string) int32 {
		if s == "" {
			return codeNone
		}
		if p, ok := b.personOf[s]; ok {
			return p
		}
		return codeUnknown
	}
	if b.in != nil {
		b.in.feedMessages(b)
	}
	grown := false
	within := b.within(weeks, b.window.messages)
	return dataset.Scan(ctx, root, dataset.TableMessages, ws, cols, dict, within, func(bt *dataset.Batch) error {
		n := bt.Len()
		if len(b.msgs)+n > maxMessages {
			return fmt.Errorf("%s: more than %d messages in one batch and shard: analyse fewer weeks at a time (--batch-weeks) or in more shards (--shards)", bt.Path, maxMessages)
		}
		sender, at := make([]int32, n), make([]int64, n)
		channel := make([]int32, n)
		auto := make([]bool, n)
		for _, err := range []error{
			bt.Codes("sender_id", b.code, -1, sender),
			bt.Micros("sent_at", at),
			bt.Codes("channel", func(s string) int32 { return int32(b.channelCode(s)) }, -1, channel),
			bt.Bools("is_auto", auto),
		} {
			if err != nil {
				return err
			}
		}
		off, rec, err := bt.ListCodes("recipient_ids", recipient, codeNone)
		if err != nil {
			return err
		}
		if b.shard.All() && !grown && len(b.msgs) > 0 {
			grown = true
			// Make room for the recipients of all rows at the rate seen so far.
			b.rec = growBig(b.mem, b.rec, len(b.rec)*(rows-len(b.msgs))/len(b.msgs)*11/10)
		}
		// Only the kept messages' ids are copied.
		var noChannel uint8
		if slices.Contains(channel, -1) {
			noChannel = b.channelCode("")
		}
		carried := out != nil && bt.Week == out.week
		return bt.Views("message_id", func(i int, id string) {
			here := b.window.messages.contains(at[i]) // else in a neighbouring week, too far from the weeks analysed
			next := carried && out.window.messages.contains(at[i])
			if !here && !next {
				return
			}
			s := sender[i]
			keep := s >= 0 && b.computed[s]
			for k := off[i]; k < off[i+1] && !keep; k++ {
				keep = rec[k] >= 0 && rec[k] != s && b.computed[rec[k]]
			}
			if !keep {
				return
			}
			r := rec[off[i]:off[i+1]]
			for k, p := range r {
				if p == s {
					r[k] = codeNone
				}
			}
			ch := noChannel
			if channel[i] >= 0 {
				ch = uint8(channel[i])
			}
			if next {
				out.addMessage(id, ch, auto[i], at[i], s, r)
			}
			if here {
				b.addMessage(id, ch, auto[i], at[i], s, r)
			}
		})
	})
}

// within returns, for Scan, the instants whose rows b keeps of a
// neighbouring partition: of its window for events and messages, of its
// events' starts for attendance; the partitions of weeks are read whole.
// Scan reads only the row groups of the neighbours that can hold such
// rows. (The rows b carries to the next batch are of its own last week.)
// nil at: all.
func (b *builder) within(weeks []dataset.Week, at spans) func(dataset.Week) []dataset.TimeRange {
	if at == nil {
		return nil
	}
	out := make([]dataset.TimeRange, len(at))
	for i, iv := range at {
		out[i] = dataset.TimeRange{From: iv.S, To: iv.E}
	}
	return func(w dataset.Week) []dataset.TimeRange {
		if slices.Contains(weeks, w) {
			return nil
		}
		return out
	}
}

// A window is the instants a run's weeks can be affected by, for events
// (with their attendance) and for messages (see Config.reach; overnight:
// whether someone works overnight shifts). Rows of the neighbouring
// partitions outside it cannot change a row, so they are not kept. The
// zero window holds every instant.
type window struct {
	events   spans // an event that overlaps it is kept
	messages spans // a message sent in it is kept
}

// spans are sorted disjoint intervals; nil holds every instant.
type spans []Interval

func newWindow(weeks []dataset.Week, cfg Config, overnight bool) window {
	ev, msg := cfg.reach(overnight)
	var evs, msgs []Interval
	for _, w := range weeks {
		m := w.Monday().UnixMicro()
		end := m + 7*24*usPerHour
		evs = append(evs, Interval{m - ev.before, end + ev.after})
		msgs = append(msgs, Interval{m - msg.before, end + msg.after})
	}
	return window{events: spans(NewSet(evs)), messages: spans(NewSet(msgs))}
}

func (w window) equal(o window) bool {
	return slices.Equal(w.events, o.events) && slices.Equal(w.messages, o.messages)
}

// contains reports whether t is in w.
func (w spans) contains(t int64) bool {
	if w == nil {
		return true
	}
	i, _ := slices.BinarySearchFunc(w, t, func(iv Interval, t int64) int { return cmpInt64(iv.E, t+1) })
	return i < len(w) && w[i].S <= t
}

// overlaps reports whether an event [s, e) can matter: it overlaps w, or
// starts in it (empty and inverted events are still counted as excluded).
func (w spans) overlaps(s, e int64) bool {
	if w.contains(s) {
		return true
	}
	i, _ := slices.BinarySearchFunc(w, s, func(iv Interval, t int64) int { return cmpInt64(iv.E, t+1) })
	return i < len(w) && w[i].S < e
}
