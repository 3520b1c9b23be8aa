package dataset

import (
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/schema"
)

// Bands. The store writes the events, attendance and messages of a
// partition in three bands by the instant that places a row in its week
// (events: start; attendance: its event's start; messages: sent_at), each
// band in row groups of its own: the first hours of the UTC week (head),
// its last hours (tail) and the time between (body). An analysis reads a
// partition whole for the weeks it analyses, but of a neighbouring week
// only the rows near their shared edge; Scan skips the row groups whose
// statistics show no row there (see TimeRange and eventStartsKey).
// Messages and attendance are sorted by band first, then as before;
// events are sorted by start already.
//
// The widths are what an analysis of Monday weeks reaches into its
// neighbours (analysis.Config.reach): of messages 12 hours and a send
// block (up to an hour here) into the week after, 14 hours into the week
// before; of events, and so of attendance, 12 hours after, 36 with
// overnight shifts, and 38 hours before. A longer reach (Sunday weeks, a
// longer send block) reads the body as well: slower, not wrong. Against
// 24 and 48 hours, three weeks of 100k people took 19.6–23.4 s against
// 21.2–25.6 s (six and five alternating runs, on a drifting VM).
type bands struct{ head, tail time.Duration }

var (
	eventBands   = bands{head: 36 * time.Hour, tail: 38 * time.Hour}
	messageBands = bands{head: 13 * time.Hour, tail: 14 * time.Hour}
)

func init() {
	eventsTable.band = func(e *Event) uint8 { return eventBands.of(e.Start) }
	messagesTable.band = func(m *Message) uint8 { return messageBands.of(m.SentAt) }
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

// Attendance has no time of its own: it is banded by the start of each
// row's event (sorted band first), and each file's key-value metadata
// records, under eventStartsKey, the range of those starts in each row
// group ("from:to" in µs, [from, to), comma-separated, one per row group).
const eventStartsKey = "overload.event_starts"

// span returns the range of starts: [least, greatest+1).
func span(starts []int64) TimeRange {
	r := TimeRange{From: starts[0], To: starts[0] + 1}
	for _, s := range starts[1:] {
		r.From, r.To = min(r.From, s), max(r.To, s+1)
	}
	return r
}

func formatRanges(rs []TimeRange) string {
	var b strings.Builder
	for i, r := range rs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(r.From, 10))
		b.WriteByte(':')
		b.WriteString(strconv.FormatInt(r.To, 10))
	}
	return b.String()
}

// parseRanges parses formatRanges' output, or returns nil.
func parseRanges(s string) []TimeRange {
	var out []TimeRange
	for _, f := range strings.Split(s, ",") {
		a, b, ok := strings.Cut(f, ":")
		from, err1 := strconv.ParseInt(a, 10, 64)
		to, err2 := strconv.ParseInt(b, 10, 64)
		if !ok || err1 != nil || err2 != nil || to < from {
			return nil
		}
		out = append(out, TimeRange{from, to})
	}
	return out
}

// rowGroupsWithin returns the row groups of pr that can hold a row of
// table in ranges (sorted, disjoint): for messages a sent_at in one of
// them, for events a start in one or a [start, end) overlapping one, for
// attendance an event start in one. A row group is skipped only when its
// statistics of those columns (of attendance, the ranges under
// eventStartsKey) prove it has none: files without them, or with times
// not stored as INT64 timestamps, are read whole. nil ranges, or every
// row group kept, return nil: read all.
func rowGroupsWithin(pr *file.Reader, table string, ranges []TimeRange) []int {
	if ranges == nil {
		return nil
	}
	md := pr.MetaData()
	// The instants each row group's rows can touch, [lo, hi], if known.
	var reach func(rg int) (lo, hi int64, ok bool)
	switch table {
	case TableEvents, TableMessages:
		cols := []string{"sent_at"}
		if table == TableEvents {
			cols = []string{"start", "end"}
		}
		idx := make([]int, len(cols))
		for i, c := range cols {
			if idx[i] = md.Schema.ColumnIndexByName(c); idx[i] < 0 {
				return nil
			}
		}
		// From the least time to the greatest (an event's end, or its
		// start if later).
		reach = func(rg int) (lo, hi int64, ok bool) {
			for i, col := range idx {
				least, greatest, known := int64Stats(md, rg, col)
				if !known {
					return 0, 0, false
				}
				if i == 0 {
					lo, hi = least, greatest
				} else {
					hi = max(hi, greatest)
				}
			}
			return lo, hi, true
		}
	case TableAttendance:
		v := md.KeyValueMetadata().FindValue(eventStartsKey)
		if v == nil {
			return nil
		}
		starts := parseRanges(*v)
		if len(starts) != md.NumRowGroups() {
			return nil // not as written: read all
		}
		reach = func(rg int) (lo, hi int64, ok bool) { return starts[rg].From, starts[rg].To - 1, true }
	default:
		return nil
	}
	keep := make([]int, 0, md.NumRowGroups())
	for rg := range md.NumRowGroups() {
		if lo, hi, ok := reach(rg); !ok || overlapsAny(ranges, lo, hi) {
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
