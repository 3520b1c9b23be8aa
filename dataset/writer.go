package dataset

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// A Writer writes one shard's tables in pieces, for writers that cannot
// hold every row at once (the ingest runner reads its rows back from
// checkpoints). Each Write adds files to the partitions its rows fall in,
// every file sorted as WriteTables sorts; Close writes the people snapshot
// and then, in every partition written, removes the files the same shard
// wrote there before, syncs it and writes its _SUCCESS marker. Until Close
// returns, those partitions hold a mix of this run's and the earlier run's
// files of the shard. WriteTables is one Write and a Close.
type Writer struct {
	root, shard string
	snapshot    Week
	mem         memory.Allocator
	files       map[partitionKey][]string // files written so far, per partition
	closed      bool
}

type partitionKey struct {
	table string
	week  Week
}

// NewWriter returns a Writer for the dataset at root, creating its table
// directories if needed. opts.SnapshotWeek is required if Close is to
// write people.
func NewWriter(root string, opts WriteOptions) (*Writer, error) {
	return newWriter(root, opts, memory.DefaultAllocator)
}

func newWriter(root string, opts WriteOptions, mem memory.Allocator) (*Writer, error) {
	shard, err := checkShard(opts.Shard)
	if err != nil {
		return nil, fmt.Errorf("write tables: %w", err)
	}
	if opts.SnapshotWeek != (Week{}) {
		if _, err := ParseWeek(opts.SnapshotWeek.String()); err != nil {
			return nil, fmt.Errorf("write tables: SnapshotWeek: %w", err)
		}
	}
	for _, name := range inputTables {
		if err := os.MkdirAll(filepath.Join(root, name), 0o755); err != nil {
			return nil, fmt.Errorf("write tables: %w", err)
		}
	}
	return &Writer{root: root, shard: shard, snapshot: opts.SnapshotWeek, mem: mem, files: map[partitionKey][]string{}}, nil
}

// Write writes t's events, attendance and messages (t.People must be
// empty: Close writes them). Attendance rows are partitioned by the start
// of their event, which eventStart returns for an event id; with
// eventStart nil, the events must be in t.Events. An attendance row whose
// event has no start is an error, and nothing of t is written then.
func (w *Writer) Write(ctx context.Context, t *Tables, eventStart func(eventID string) (time.Time, bool)) error {
	if w.closed {
		return errors.New("write tables: writer is closed")
	}
	if len(t.People) > 0 {
		return errors.New("write tables: people are written by Close")
	}
	if eventStart == nil {
		starts := make(map[string]time.Time, len(t.Events))
		for _, e := range t.Events {
			starts[e.EventID] = e.Start
		}
		eventStart = func(id string) (time.Time, bool) {
			s, ok := starts[id]
			return s, ok
		}
	}
	attStart := make([]time.Time, len(t.Attendance)) // the start of each row's event
	for i, a := range t.Attendance {
		start, ok := eventStart(a.EventID)
		if !ok {
			return fmt.Errorf("write tables: attendance of %s: event %q is not in the events written", a.PersonID, a.EventID)
		}
		attStart[i] = start
	}
	ev, att, msg := t.Events, t.Attendance, t.Messages
	err := writePieceByWeek(ctx, w, eventsTable, ev, nil,
		func(i int) Week { return WeekOf(ev[i].Start) },
		func(i, j int) int { return compareEvents(&ev[i], &ev[j]) })
	if err != nil {
		return err
	}
	attBand := make([]uint8, len(att))
	for i := range att {
		attBand[i] = eventBands.of(attStart[i])
	}
	err = writePieceByWeek(ctx, w, attendanceTable, att, func(i int) time.Time { return attStart[i] },
		func(i int) Week { return WeekOf(attStart[i]) },
		func(i, j int) int {
			if c := int(attBand[i]) - int(attBand[j]); c != 0 {
				return c
			}
			if c := strings.Compare(att[i].PersonID, att[j].PersonID); c != 0 {
				return c
			}
			if c := attStart[i].Compare(attStart[j]); c != 0 {
				return c
			}
			return strings.Compare(att[i].EventID, att[j].EventID)
		})
	if err != nil {
		return err
	}
	band := make([]uint8, len(msg))
	for i := range msg {
		band[i] = messageBands.of(msg[i].SentAt)
	}
	return writePieceByWeek(ctx, w, messagesTable, msg, nil,
		func(i int) Week { return WeekOf(msg[i].SentAt) },
		func(i, j int) int {
			if c := int(band[i]) - int(band[j]); c != 0 {
				return c
			}
			return compareMessages(&msg[i], &msg[j])
		})
}

// Close writes people into the SnapshotWeek partition (if any), then
// finishes every partition written: the shard's older files there are
// removed and its _SUCCESS marker written.
func (w *Writer) Close(ctx context.Context, people []Person) error {
	if w.closed {
		return errors.New("write tables: writer is closed")
	}
	w.closed = true
	if len(people) > 0 {
		if w.snapshot == (Week{}) {
			return errors.New("write tables: SnapshotWeek is required to write people")
		}
		rows := slices.Clone(people)
		slices.SortFunc(rows, comparePeople)
		if err := writePartition(ctx, w.root, peopleTable, w.snapshot, w.shard, rows, fileRows, w.mem); err != nil {
			return err
		}
	}
	keys := make([]partitionKey, 0, len(w.files))
	for k := range w.files {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b partitionKey) int {
		if c := strings.Compare(a.table, b.table); c != 0 {
			return c
		}
		return compareWeeks(a.week, b.week)
	})
	for _, k := range keys {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := finishPartition(w.root, k.table, k.week, w.shard, w.files[k]); err != nil {
			return err
		}
	}
	return nil
}

// writePieceByWeek adds rows to the Writer's partitions, one new file (or
// more, past fileRows) per week (week(i) is the week of rows[i]), each
// sorted by compare(i, j). Only one week's copy of the rows is held at a
// time. For attendance, start(i) is the start of rows[i]'s event (the
// files record each row group's range of them); else start is nil.
func writePieceByWeek[T any](ctx context.Context, w *Writer, t *table[T], rows []T, start func(i int) time.Time, week func(i int) Week, compare func(i, j int) int) error {
	return eachWeek(rows, week, compare, func(wk Week, part []T, idx []int) error {
		var starts []int64
		if start != nil {
			starts = make([]int64, len(idx))
			for j, i := range idx {
				starts[j] = start(i).UnixMicro()
			}
		}
		k := partitionKey{t.name, wk}
		names, err := writeParts(ctx, w.root, t, wk, w.shard, len(w.files[k]), part, starts, fileRows, w.mem)
		w.files[k] = append(w.files[k], names...)
		return err
	})
}
