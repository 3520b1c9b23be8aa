package dataset

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"golang.org/x/sync/errgroup"
)

// A Writer writes one shard's tables in pieces, for writers that cannot
// hold every row at once (the ingest runner reads its rows back from
// checkpoints). Each Write adds files to the partitions its rows fall in,
// every file sorted as WriteTables sorts; Close writes the people snapshot
// and then, in every partition written, removes the files the same shard
// wrote there before, syncs it and writes its _SUCCESS marker. Until Close
// returns, those partitions hold a mix of this run's and the earlier run's
// files of the shard. WriteTables is one Write and a Close.
//
// With WriteOptions.Merge, each Write writes its rows as runs instead,
// and Close first merges every partition's runs into its files; Discard
// removes the runs of a Writer that will not be closed.
type Writer struct {
	root, shard string
	snapshot    Week
	mem         memory.Allocator
	files       map[partitionKey][]string // files written so far, per partition
	merge       bool
	runDir      string                    // with merge: the runs' directory, once a Write made it
	runs        map[partitionKey][]string // with merge: the runs written so far, per partition
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
	w := &Writer{root: root, shard: shard, snapshot: opts.SnapshotWeek, mem: mem, files: map[partitionKey][]string{},
		merge: opts.Merge, runs: map[partitionKey][]string{}}
	if w.merge {
		// Runs left by a writer of this shard that was killed.
		stale, _ := filepath.Glob(filepath.Join(root, runDirPrefix+shard+"-*"))
		for _, d := range stale {
			os.RemoveAll(d)
		}
	}
	return w, nil
}

// runDirPrefix starts the name of a merging Writer's temporary directory
// under the dataset root: .runs-<shard>-<random>.
const runDirPrefix = ".runs-"

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
	attStart := make([]int64, len(t.Attendance)) // the start of each row's event, µs
	for i, a := range t.Attendance {
		start, ok := eventStart(a.EventID)
		if !ok {
			return fmt.Errorf("write tables: attendance of %s: event %q is not in the events written", a.PersonID, a.EventID)
		}
		attStart[i] = start.UnixMicro()
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
		attBand[i] = eventBands.of(time.UnixMicro(attStart[i]))
	}
	err = writePieceByWeek(ctx, w, attendanceTable, att, attStart,
		func(i int) Week { return WeekOf(time.UnixMicro(attStart[i])) },
		func(i, j int) int {
			if c := int(attBand[i]) - int(attBand[j]); c != 0 {
				return c
			}
			return compareAttendance(&att[i], &att[j], attStart[i], attStart[j])
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

// The orders of the files within a band (the sorts of Write and the merge
// of runs share them): attendance by person, its event's start (µs since
// the epoch), event id; events by start, event id (compareEvents);
// messages by sender, sent_at, message id (compareMessages).
func compareAttendance(a, b *Attendance, sa, sb int64) int {
	if c := strings.Compare(a.PersonID, b.PersonID); c != 0 {
		return c
	}
	if c := cmp.Compare(sa, sb); c != 0 {
		return c
	}
	return strings.Compare(a.EventID, b.EventID)
}

// The merge's orders, whole: band first, as Write sorts (sa and sb are
// the attendance rows' event starts, else unused).
var (
	mergeEvents     = func(a, b *Event, _, _ int64) int { return compareEvents(a, b) }
	mergeAttendance = func(a, b *Attendance, sa, sb int64) int {
		if c := int(eventBands.of(time.UnixMicro(sa))) - int(eventBands.of(time.UnixMicro(sb))); c != 0 {
			return c
		}
		return compareAttendance(a, b, sa, sb)
	}
	mergeMessages = func(a, b *Message, _, _ int64) int {
		if c := int(messageBands.of(a.SentAt)) - int(messageBands.of(b.SentAt)); c != 0 {
			return c
		}
		return compareMessages(a, b)
	}
)

// Close writes people into the SnapshotWeek partition (if any), then
// finishes every partition written: the shard's older files there are
// removed and its _SUCCESS marker written.
func (w *Writer) Close(ctx context.Context, people []Person) error {
	if w.closed {
		return errors.New("write tables: writer is closed")
	}
	w.closed = true
	if w.merge {
		defer w.Discard()
		if err := w.mergeRuns(ctx); err != nil {
			return err
		}
	}
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
	slices.SortFunc(keys, comparePartitions)
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

// Discard removes the runs a Writer with Merge holds: for a caller that
// will not Close it (after an error). Close removes them itself.
func (w *Writer) Discard() {
	if w.runDir != "" {
		os.RemoveAll(w.runDir)
		w.runDir, w.runs = "", map[partitionKey][]string{}
	}
}

// MergeRuns merges the runs of a Writer with Merge written so far into
// their partitions' files now, up to one partition per core at a time
// (Close merges the rest). A writer that writes a week at a time calls it
// after each week, so that the runs take the disk space of a week, not of
// every week. A partition whose rows come in Writes on both sides of a
// MergeRuns gets a file (or more) of each side's rows.
func (w *Writer) MergeRuns(ctx context.Context) error {
	if w.closed {
		return errors.New("write tables: writer is closed")
	}
	return w.mergeRuns(ctx)
}

func (w *Writer) mergeRuns(ctx context.Context) error {
	keys := slices.Collect(maps.Keys(w.runs))
	slices.SortFunc(keys, comparePartitions)
	names := make([][]string, len(keys))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, k := range keys {
		g.Go(func() (err error) {
			switch runs := w.runs[k]; k.table {
			case TableEvents:
				names[i], err = mergePartition(gctx, w, eventsTable, k, runs, false, mergeEvents)
			case TableAttendance:
				names[i], err = mergePartition(gctx, w, attendanceTable, k, runs, true, mergeAttendance)
			case TableMessages:
				names[i], err = mergePartition(gctx, w, messagesTable, k, runs, false, mergeMessages)
			default:
				err = fmt.Errorf("write tables: no merge for table %s", k.table)
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for i, k := range keys {
		w.files[k] = append(w.files[k], names[i]...)
		for _, r := range w.runs[k] {
			os.Remove(r)
		}
		delete(w.runs, k)
	}
	return nil
}

func comparePartitions(a, b partitionKey) int {
	if c := strings.Compare(a.table, b.table); c != 0 {
		return c
	}
	return compareWeeks(a.week, b.week)
}

// writePieceByWeek adds rows to the Writer's partitions, one new file (or
// more, past fileRows) per week (week(i) is the week of rows[i]), each
// sorted by compare(i, j), or with Merge one new run per week. Only one
// week's copy of the rows is held at a time. For attendance, starts[i] is
// the start of rows[i]'s event in µs (the files record each row group's
// range of them); else starts is nil.
func writePieceByWeek[T any](ctx context.Context, w *Writer, t *table[T], rows []T, starts []int64, week func(i int) Week, compare func(i, j int) int) error {
	return eachWeek(rows, week, compare, func(wk Week, part []T, idx []int) error {
		var st []int64
		if starts != nil {
			st = make([]int64, len(idx))
			for j, i := range idx {
				st[j] = starts[i]
			}
		}
		k := partitionKey{t.name, wk}
		if w.merge {
			if w.runDir == "" {
				dir, err := os.MkdirTemp(w.root, runDirPrefix+w.shard+"-*")
				if err != nil {
					return fmt.Errorf("write tables: %w", err)
				}
				w.runDir = dir
			}
			path := filepath.Join(w.runDir, fmt.Sprintf("%s-%s-%05d.arrow", t.name, wk, len(w.runs[k])))
			if err := writeRun(path, t, part, st, w.mem); err != nil {
				return err
			}
			w.runs[k] = append(w.runs[k], path)
			return ctx.Err()
		}
		names, err := writeParts(ctx, w.root, t, wk, w.shard, len(w.files[k]), part, st, fileRows, w.mem)
		w.files[k] = append(w.files[k], names...)
		return err
	})
}
