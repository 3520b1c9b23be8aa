package dataset

import (
	"time"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/schema"
)

// Bands. The store writes the events and messages of a partition in three
// bands by the instant that places a row in its week (events: start;
// messages: sent_at), each band in row groups of its own: the first hours
// of the UTC week (head), its last hours (tail) and the days between
// (body). An analysis reads a partition whole for the weeks it analyses,
// but of a neighbouring week only the rows near their shared edge; Scan
// skips the row groups whose statistics show no row there (see
// TimeRange). Messages are sorted by band first, then as before; events
// are sorted by start already.
//
// Messages' head and tail are a day: an analysis reaches 12 hours and a
// send block into the week after and 14 hours into the week before.
// Events' are two days: it reaches 12 hours (36 with overnight shifts)
// into the week after and 38 hours into the week before.
type bands struct{ head, tail time.Duration }

var (
	eventBands   = bands{head: 48 * time.Hour, tail: 48 * time.Hour}
	messageBands = bands{head: 24 * time.Hour, tail: 24 * time.Hour}
)

func init() {
	eventsTable.band = func(e *Event) uint8 { return eventBands.of(e.Start) }
	messagesTable.band = func(m *Message) uint8 { return messageBands.of(m.SentAt) }
}

// compareMessagesInFile is the order of messages in a file: by band, then
// as compareMessages.
func compareMessagesInFile(a, b *Message) int {
	if c := int(messageBands.of(a.SentAt)) - int(messageBands.of(b.SentAt)); c != 0 {
		return c
	}
	return compareMessages(a, b)
}

const week = 7 * 24 * time.Hour

// of returns t's band: 0 head, 1 body, 2 tail.
func (b bands) of(t time.Time) uint8 {
	switch d := sinceMonday(t); {
	case d < b.head:
		return 0
	case d >= week-b.tail:
		return 2
	}
	return 1
}

// sinceMonday returns the time from the start of t's UTC ISO week to t.
func sinceMonday(t time.Time) time.Duration {
	const day = 24 * 60 * 60
	s := t.Unix()
	days := floorDiv(s, day)
	monday := days - (days+3)%7 // 1970-01-01 was a Thursday
	if (days+3)%7 < 0 {
		monday -= 7
	}
	return time.Duration(s-monday*day)*time.Second + time.Duration(t.Nanosecond())
}

// A TimeRange is the instants [From, To), in µs since the Unix epoch.
type TimeRange struct{ From, To int64 }

// rowGroupsWithin returns the row groups of pr that can hold a row of
// table in ranges (sorted, disjoint): for messages a sent_at in one of
// them, for events a start in one or a [start, end) overlapping one. A
// row group is skipped only when its statistics of those columns prove
// it has none (files without statistics, or with times not stored as
// INT64 timestamps, are read whole). nil ranges, or every row group
// kept, return nil: read all.
func rowGroupsWithin(pr *file.Reader, table string, ranges []TimeRange) []int {
	if ranges == nil {
		return nil
	}
	var cols []string
	switch table {
	case TableEvents:
		cols = []string{"start", "end"}
	case TableMessages:
		cols = []string{"sent_at"}
	default:
		return nil
	}
	md := pr.MetaData()
	idx := make([]int, len(cols))
	for i, c := range cols {
		if idx[i] = md.Schema.ColumnIndexByName(c); idx[i] < 0 {
			return nil
		}
	}
	keep := make([]int, 0, md.NumRowGroups())
	for rg := range md.NumRowGroups() {
		// The instants the row group's rows can touch: from the least
		// time to the greatest (an event's end, or its start if later).
		lo, hi, ok := int64(0), int64(0), true
		for i, col := range idx {
			least, greatest, known := int64Stats(md, rg, col)
			if !known {
				ok = false
				break
			}
			if i == 0 {
				lo, hi = least, greatest
			} else {
				hi = max(hi, greatest)
			}
		}
		if !ok || overlapsAny(ranges, lo, hi) {
			keep = append(keep, rg)
		}
	}
	if len(keep) == md.NumRowGroups() {
		return nil
	}
	return keep
}

// int64Stats returns the least and greatest value of column col in row
// group rg, in µs, if the file states them for an INT64 timestamp.
func int64Stats(md *metadata.FileMetaData, rg, col int) (lo, hi int64, ok bool) {
	descr := md.Schema.Column(col)
	ts, isTS := descr.LogicalType().(schema.TimestampLogicalType)
	if !isTS || descr.PhysicalType() != parquet.Types.Int64 {
		return 0, 0, false
	}
	cc, err := md.RowGroup(rg).ColumnChunk(col)
	if err != nil {
		return 0, 0, false
	}
	st, err := cc.Statistics()
	if err != nil || st == nil || !st.HasMinMax() {
		return 0, 0, false
	}
	s, isInt := st.(*metadata.Int64Statistics)
	if !isInt {
		return 0, 0, false
	}
	lo, hi = s.Min(), s.Max()
	switch ts.TimeUnit() {
	case schema.TimeUnitMillis:
		return lo * 1000, hi*1000 + 999, true
	case schema.TimeUnitMicros:
		return lo, hi, true
	case schema.TimeUnitNanos:
		return floorDiv(lo, 1000), floorDiv(hi, 1000), true
	}
	return 0, 0, false
}

// overlapsAny reports whether [lo, hi] meets one of ranges.
func overlapsAny(ranges []TimeRange, lo, hi int64) bool {
	for _, r := range ranges {
		if r.From <= hi && lo < r.To {
			return true
		}
	}
	return false
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}
