package dataset

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
)

// compareMessagesInFile is the order of messages in a file: by band, then
// as compareMessages (Writer.Write sorts so, with the bands computed once).
func compareMessagesInFile(a, b *Message) int {
	if c := int(messageBands.of(a.SentAt)) - int(messageBands.of(b.SentAt)); c != 0 {
		return c
	}
	return compareMessages(a, b)
}

func TestSinceMonday(t *testing.T) {
	check := func(at time.Time) {
		t.Helper()
		if got, want := sinceMonday(at), at.Sub(WeekOf(at).Monday()); got != want {
			t.Fatalf("sinceMonday(%s) = %s, want %s", at, got, want)
		}
	}
	for _, s := range []string{"2026-03-16T00:00:00Z", "2026-03-15T23:59:59.999999999Z", "2026-03-22T23:59:59Z",
		"1969-12-29T00:00:00Z", "1969-12-31T12:00:00Z", "1970-01-01T00:00:00Z", "1900-01-01T00:00:00Z",
		"2027-01-04T03:00:00+05:00", "2026-12-31T23:00:00-11:00"} {
		at, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		check(at)
	}
	for at := time.Date(1890, 1, 1, 0, 0, 0, 0, time.UTC); at.Year() < 2110; at = at.Add(7919*time.Minute + 17*time.Second) {
		check(at)
	}
}

// bandTables is a week (2026-W12) of messages sent every hour by three
// senders and an event starting every hour, plus a Wednesday event that
// ends in the next week.
func bandTables() (*Tables, time.Time) {
	monday := time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC)
	tb := &Tables{}
	for h := range 168 {
		at := monday.Add(time.Duration(h) * time.Hour)
		for s := range 3 {
			tb.Messages = append(tb.Messages, Message{MessageID: fmt.Sprintf("m%03d-%d", h, s), Channel: ChannelEmail,
				SenderID: fmt.Sprintf("p%d", s), SentAt: at.Add(time.Duration(s) * time.Minute), RecipientIDs: []string{"q"}, Source: "test"})
		}
		tb.Events = append(tb.Events, Event{EventID: fmt.Sprintf("e%03d", h), Start: at, End: at.Add(30 * time.Minute),
			OrganizerID: "p0", Kind: "meeting", Source: "test"})
	}
	tb.Events = append(tb.Events, Event{EventID: "long", Start: monday.Add(58 * time.Hour), End: monday.Add(7*24*time.Hour + 9*time.Hour),
		OrganizerID: "p0", Kind: "meeting", Source: "test"})
	for _, e := range tb.Events {
		for p := range 3 {
			tb.Attendance = append(tb.Attendance, Attendance{PersonID: fmt.Sprintf("p%d", p), EventID: e.EventID, Response: "accepted", ShowAs: "busy"})
		}
	}
	return tb, monday
}

// scanTimes scans table's partition of 2026-W12 and returns each row's
// id and time (start or sent_at), in file order.
func scanTimes(t *testing.T, root, table string, within []TimeRange) (ids []string, at []int64) {
	t.Helper()
	id, col := "message_id", "sent_at"
	switch table {
	case TableEvents:
		id, col = "event_id", "start"
	case TableAttendance: // the time of the row's event
		starts := map[string]int64{}
		tb, _ := bandTables()
		for _, e := range tb.Events {
			starts[e.EventID] = e.Start.UnixMicro()
		}
		var only func(Week) []TimeRange
		if within != nil {
			only = func(Week) []TimeRange { return within }
		}
		err := Scan(context.Background(), root, table, []Week{{Year: 2026, Num: 12}}, []string{"event_id"}, nil, only, func(b *Batch) error {
			return b.Views("event_id", func(_ int, s string) { ids, at = append(ids, s), append(at, starts[s]) })
		})
		if err != nil {
			t.Fatal(err)
		}
		return ids, at
	}
	var only func(Week) []TimeRange
	if within != nil {
		only = func(Week) []TimeRange { return within }
	}
	err := Scan(context.Background(), root, table, []Week{{Year: 2026, Num: 12}}, []string{id, col}, nil, only, func(b *Batch) error {
		micros := make([]int64, b.Len())
		if err := b.Micros(col, micros); err != nil {
			return err
		}
		at = append(at, micros...)
		return b.Views(id, func(_ int, s string) { ids = append(ids, s) })
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids, at
}

// TestBands checks that events and messages are written in row groups of
// one band each, messages band first, and that Scan skips the row groups
// that cannot hold a row in its ranges, and only those: every row in them
// comes back, with the long event of the body reaching into the next week.
func TestBands(t *testing.T) {
	small(t, 40, 16)
	root := t.TempDir()
	tb, monday := bandTables()
	mustWrite(t, root, tb, WriteOptions{}, memory.DefaultAllocator)
	m := monday.UnixMicro()
	const hour = int64(time.Hour / time.Microsecond)
	bandOf := func(table string, us int64) uint8 {
		if table != TableMessages {
			return eventBands.of(time.UnixMicro(us))
		}
		return messageBands.of(time.UnixMicro(us))
	}

	// Messages: Monday first, then Tuesday to Saturday, then Sunday, each
	// by sender and time.
	ids, _ := scanTimes(t, root, TableMessages, nil)
	want := slices.Clone(tb.Messages)
	slices.SortFunc(want, func(a, b Message) int { return compareMessagesInFile(&a, &b) })
	if len(ids) != len(want) {
		t.Fatalf("%d messages, want %d", len(ids), len(want))
	}
	for i := range want {
		if ids[i] != want[i].MessageID {
			t.Fatalf("message %d is %s, want %s (by band, sender, time)", i, ids[i], want[i].MessageID)
		}
	}

	cases := []struct {
		table  string
		within []TimeRange
		bands  []uint8  // the bands read
		must   []string // ids that must come
	}{
		// The week before the analysed one: 12 hours and a bit of its start.
		{TableMessages, []TimeRange{{m - 7*24*hour, m + 12*hour + 5}}, []uint8{0}, nil},
		// The week after: 14 hours of its end.
		{TableMessages, []TimeRange{{m + 7*24*hour - 14*hour, m + 14*24*hour}}, []uint8{2}, nil},
		{TableMessages, []TimeRange{{m + 30*hour, m + 31*hour}}, []uint8{1}, nil},
		{TableMessages, []TimeRange{{m - 14*hour, m}}, []uint8{}, nil},
		{TableEvents, []TimeRange{{m - 7*24*hour, m + 36*hour}}, []uint8{0}, nil},
		// The long event starts on Wednesday and ends on the next Monday.
		{TableEvents, []TimeRange{{m + 7*24*hour + 8*hour, m + 14*24*hour}}, []uint8{1}, []string{"long"}},
		{TableEvents, []TimeRange{{m + 7*24*hour - 38*hour, m + 14*24*hour}}, []uint8{1, 2}, []string{"long", "e167", "e130"}},
		// Attendance by the start of its event.
		{TableAttendance, []TimeRange{{m, m + 36*hour}}, []uint8{0}, nil},
		{TableAttendance, []TimeRange{{m + 58*hour, m + 58*hour + 1}}, []uint8{1}, []string{"long"}},
		{TableAttendance, []TimeRange{}, []uint8{}, nil},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s%v", c.table, c.within), func(t *testing.T) {
			all, allAt := scanTimes(t, root, c.table, nil)
			ids, at := scanTimes(t, root, c.table, c.within)
			if len(ids) >= len(all) && len(c.bands) < 3 {
				t.Errorf("read %d of %d rows: no row group skipped", len(ids), len(all))
			}
			got := map[string]bool{}
			for i, id := range ids {
				got[id] = true
				if b := bandOf(c.table, at[i]); !slices.Contains(c.bands, b) {
					t.Fatalf("%s (band %d) read, want only bands %v", id, b, c.bands)
				}
			}
			for i, id := range all {
				in := overlapsAny(c.within, allAt[i], allAt[i])
				if in && !got[id] {
					t.Errorf("%s at %s is in the ranges but was not read", id, time.UnixMicro(allAt[i]).UTC())
				}
			}
			for _, id := range c.must {
				if !got[id] {
					t.Errorf("%s not read", id)
				}
			}
		})
	}
}

// TestBandsForeign checks skipping on files of other writers: with
// millisecond timestamps and statistics, row groups are skipped by them;
// without statistics, every row group is read.
func TestBandsForeign(t *testing.T) {
	tb, monday := bandTables()
	msgSchema := fields("message_id", str, "channel", str, "sender_id", str, "sent_at", tsMs,
		"recipient_ids", arrow.ListOf(str), "n_to", arrow.PrimitiveTypes.Int32, "n_cc", arrow.PrimitiveTypes.Int32,
		"n_bcc", arrow.PrimitiveTypes.Int32, "is_reply", boolean, "is_auto", boolean, "source", str)
	var rows []map[string]any
	for _, m := range tb.Messages { // in time order: no bands
		rows = append(rows, map[string]any{"message_id": m.MessageID, "channel": m.Channel, "sender_id": m.SenderID,
			"sent_at": unix(m.SentAt, arrow.Millisecond), "recipient_ids": m.RecipientIDs, "n_to": 1, "n_cc": 0, "n_bcc": 0,
			"is_reply": false, "is_auto": false, "source": "other"})
	}
	m := monday.UnixMicro()
	const hour = int64(time.Hour / time.Microsecond)
	within := []TimeRange{{m + 48*hour, m + 49*hour}}
	for _, stats := range []bool{true, false} {
		t.Run(fmt.Sprintf("stats=%v", stats), func(t *testing.T) {
			root := t.TempDir()
			writeForeign(t, memory.DefaultAllocator, root, foreignFile{"messages/week=2026-W12/m.parquet", msgSchema, rows, true},
				parquet.WithMaxRowGroupLength(50), parquet.WithStats(stats))
			ids, at := scanTimes(t, root, TableMessages, within)
			inRange := 0
			for _, us := range at {
				if overlapsAny(within, us, us) {
					inRange++
				}
			}
			if inRange != 3 {
				t.Errorf("%d messages of the hour read, want 3", inRange)
			}
			if want := len(rows); stats && len(ids) > 100 || !stats && len(ids) != want {
				t.Errorf("read %d of %d rows (stats %v): want ≤ 100 (two row groups of 50) with statistics, all without", len(ids), want, stats)
			}
		})
	}
}

// TestBandsForeignAttendance checks that attendance of other writers,
// without the event starts of its row groups, is read whole, as is a file
// whose recorded starts do not parse or do not match its row groups.
func TestBandsForeignAttendance(t *testing.T) {
	tb, _ := bandTables()
	attSchema := fields("person_id", str, "event_id", str, "response", str, "show_as", str)
	var rows []map[string]any
	for _, a := range tb.Attendance {
		rows = append(rows, map[string]any{"person_id": a.PersonID, "event_id": a.EventID, "response": a.Response, "show_as": a.ShowAs})
	}
	root := t.TempDir()
	writeForeign(t, memory.DefaultAllocator, root, foreignFile{"attendance/week=2026-W12/a.parquet", attSchema, rows, true},
		parquet.WithMaxRowGroupLength(50))
	ids, _ := scanTimes(t, root, TableAttendance, []TimeRange{})
	if len(ids) != len(rows) {
		t.Errorf("read %d of %d rows, want all", len(ids), len(rows))
	}
	for _, bad := range []string{"", "1:2,x", "5:4", "1:2;3:4", "1"} {
		if got := parseRanges(bad); got != nil {
			t.Errorf("parseRanges(%q) = %v, want nil", bad, got)
		}
	}
	if got := parseRanges(formatRanges([]TimeRange{{-5, 3}, {7, 7}})); !slices.Equal(got, []TimeRange{{-5, 3}, {7, 7}}) {
		t.Errorf("ranges do not round-trip: %v", got)
	}
}
