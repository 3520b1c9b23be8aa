package dataset

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// DefaultShard is the shard name WriteTables and WritePersonWeek use when
// none is given.
const DefaultShard = "0000"

// WriteOptions configures WriteTables. The zero value of each field means
// the documented default.
type WriteOptions struct {
	// Shard names this writer's part files (part-<shard>-<n>.parquet), so
	// that writers of disjoint slices of the data (e.g. one per group of
	// people) can write the same partitions. Letters, digits and _ only.
	// "" = DefaultShard.
	Shard string
	// SnapshotWeek is the partition the people table is written to: the
	// week of the ingest run. Required when People is not empty.
	SnapshotWeek Week
	// Merge makes a Writer keep each Write's rows as sorted runs in a
	// temporary directory under root and merge each partition's runs
	// into its files at Close (see merge.go): a writer of many small
	// pieces then holds one piece at a time, not a partition, and still
	// writes the few large files one Write of every row would make, which
	// the analysis reads faster. WriteTables, a single Write, ignores it.
	Merge bool
}

// inputTables are the tables WriteTables writes and ReadTables reads.
var inputTables = []string{TablePeople, TableEvents, TableAttendance, TableMessages}

// WriteTables writes t into the dataset at root, creating it if needed.
//
// Events are partitioned by the week of Start, attendance rows by the week
// of their event's start (an attendance row whose event is not in t.Events
// is an error), messages by the week of SentAt and people into
// opts.SnapshotWeek. In every partition it writes, WriteTables replaces the
// files the same shard wrote before, so writing the same data twice leaves
// one copy; partitions it does not write are left alone. Each file is
// written atomically and each partition gets a _SUCCESS marker after its
// files; see FORMAT.md.
func WriteTables(ctx context.Context, root string, t *Tables, opts WriteOptions) error {
	return writeTables(ctx, root, t, opts, memory.DefaultAllocator)
}

func writeTables(ctx context.Context, root string, t *Tables, opts WriteOptions, mem memory.Allocator) error {
	if len(t.People) > 0 && opts.SnapshotWeek == (Week{}) {
		return errors.New("write tables: SnapshotWeek is required to write people")
	}
	opts.Merge = false
	w, err := newWriter(root, opts, mem)
	if err != nil {
		return err
	}
	piece := *t
	piece.People = nil
	if err := w.Write(ctx, &piece, nil); err != nil {
		return err
	}
	return w.Close(ctx, t.People)
}

// writeByWeek writes rows into one partition per week (week(i) is the
// week of rows[i]), each sorted by compare(i, j), which compares rows[i]
// and rows[j], replacing the shard's files there.
func writeByWeek[T any](ctx context.Context, root string, t *table[T], shard string, rows []T,
	week func(i int) Week, compare func(i, j int) int, mem memory.Allocator) error {
	return eachWeek(rows, week, compare, func(w Week, part []T, _ []int) error {
		return writePartition(ctx, root, t, w, shard, part, splitFiles(len(part)), mem)
	})
}

// eachWeek calls write with the rows of each week (week(i) is the week of
// rows[i]), in week order, each week's rows sorted by compare(i, j), which
// compares rows[i] and rows[j], with their indices in rows. Only one
// week's copy of the rows is held at a time, and none of a week whose rows
// are already in order in rows; write must not modify them.
func eachWeek[T any](rows []T, week func(i int) Week, compare func(i, j int) int, write func(w Week, part []T, idx []int) error) error {
	byWeek := map[Week][]int{}
	for i := range rows {
		w := week(i)
		byWeek[w] = append(byWeek[w], i)
	}
	weeks := make([]Week, 0, len(byWeek))
	for w := range byWeek {
		weeks = append(weeks, w)
	}
	slices.SortFunc(weeks, compareWeeks)
	for _, w := range weeks {
		idx := byWeek[w]
		slices.SortFunc(idx, compare)
		var part []T
		if isRun(idx) {
			part = rows[idx[0] : idx[0]+len(idx)] // in order already: no copy
		} else {
			part = make([]T, len(idx))
			for j, i := range idx {
				part[j] = rows[i]
			}
		}
		if err := write(w, part, idx); err != nil {
			return err
		}
		delete(byWeek, w)
	}
	return nil
}

// isRun reports whether idx counts up by one.
func isRun(idx []int) bool {
	for j := 1; j < len(idx); j++ {
		if idx[j] != idx[j-1]+1 {
			return false
		}
	}
	return true
}

func checkShard(s string) (string, error) {
	if s == "" {
		return DefaultShard, nil
	}
	if !validShard(s) {
		return "", fmt.Errorf("shard %q: want letters, digits and _ only", s)
	}
	return s, nil
}

// ReadTables reads the dataset at root.
//
// With weeks nil it reads every partition. Otherwise it reads, for events,
// attendance and messages, the partitions of each week in weeks and of its
// neighbours (w-1, w+1), since a person's local week reaches into them.
// People always come from the latest people partition present (SPEC §8.14).
// A missing table directory reads as an empty table, but root must exist
// and hold at least one of the four tables.
//
// Rows come back sorted: people by person_id, events by (start, event_id),
// attendance by (person_id, event_id), messages by (sender_id, sent_at,
// message_id). Files written by other tools are accepted as described in
// FORMAT.md; every error about a file names it.
func ReadTables(ctx context.Context, root string, weeks []Week) (*Tables, error) {
	return readTables(ctx, root, weeks, memory.DefaultAllocator)
}

func readTables(ctx context.Context, root string, weeks []Week, mem memory.Allocator) (*Tables, error) {
	if err := checkDataset(root); err != nil {
		return nil, err
	}
	var t Tables
	people, err := ListWeeks(root, TablePeople)
	if err != nil {
		return nil, fmt.Errorf("read dataset: %w", err)
	}
	if len(people) > 0 {
		if t.People, err = readPartitions(ctx, root, peopleTable, people[len(people)-1:], mem); err != nil {
			return nil, err
		}
	}
	if t.Events, err = readSelected(ctx, root, eventsTable, weeks, mem); err != nil {
		return nil, err
	}
	if t.Attendance, err = readSelected(ctx, root, attendanceTable, weeks, mem); err != nil {
		return nil, err
	}
	if t.Messages, err = readSelected(ctx, root, messagesTable, weeks, mem); err != nil {
		return nil, err
	}
	slices.SortFunc(t.People, comparePeople)
	sortPtr(t.Events, compareEvents)
	sortPtr(t.Attendance, func(a, b *Attendance) int {
		if c := strings.Compare(a.PersonID, b.PersonID); c != 0 {
			return c
		}
		return strings.Compare(a.EventID, b.EventID)
	})
	sortPtr(t.Messages, compareMessages)
	return &t, nil
}

// readSelected reads the partitions of t that are present among weeks and
// their neighbours (all partitions when weeks is nil).
func readSelected[T any](ctx context.Context, root string, t *table[T], weeks []Week, mem memory.Allocator) ([]T, error) {
	present, err := ListWeeks(root, t.name)
	if err != nil {
		return nil, fmt.Errorf("read dataset: %w", err)
	}
	if weeks != nil {
		want := map[Week]bool{}
		for _, w := range weeks {
			want[w.Add(-1)], want[w], want[w.Add(1)] = true, true, true
		}
		present = slices.DeleteFunc(present, func(w Week) bool { return !want[w] })
	}
	return readPartitions(ctx, root, t, present, mem)
}

// checkDataset returns an error unless root is a directory holding at least
// one of the input tables.
func checkDataset(root string) error {
	fi, err := os.Stat(root)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("read dataset %s: not a dataset: directory does not exist", root)
		}
		return fmt.Errorf("read dataset %s: %w", root, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("read dataset %s: not a dataset: not a directory", root)
	}
	for _, name := range inputTables {
		if fi, err := os.Stat(filepath.Join(root, name)); err == nil && fi.IsDir() {
			return nil
		}
	}
	return fmt.Errorf("read dataset %s: not a dataset: no %s directory", root, strings.Join(inputTables, ", "))
}

func comparePeople(a, b Person) int { return strings.Compare(a.PersonID, b.PersonID) }

// The comparisons below test one key after the other (cmp.Or would
// compute every key on every call).

func compareEvents(a, b *Event) int {
	if c := a.Start.Compare(b.Start); c != 0 {
		return c
	}
	return strings.Compare(a.EventID, b.EventID)
}

func compareMessages(a, b *Message) int {
	if c := strings.Compare(a.SenderID, b.SenderID); c != 0 {
		return c
	}
	if c := a.SentAt.Compare(b.SentAt); c != 0 {
		return c
	}
	return strings.Compare(a.MessageID, b.MessageID)
}

// sortPtr sorts rows by compare without moving rows while comparing: it
// sorts indices, then permutes once. This is several times faster than
// slices.SortFunc on wide structs.
func sortPtr[T any](rows []T, compare func(a, b *T) int) {
	idx := make([]int32, len(rows))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(i, j int32) int { return compare(&rows[i], &rows[j]) })
	out := make([]T, len(rows))
	for j, i := range idx {
		out[j] = rows[i]
	}
	copy(rows, out)
}
