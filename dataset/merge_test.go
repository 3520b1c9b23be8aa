package dataset

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	gocmp "github.com/google/go-cmp/cmp"
)

// smallRuns makes runs' batches and the merge's fan-in small for a test.
func smallRuns(t *testing.T, batchRows, fanIn int) {
	t.Helper()
	b, f := runBatchRows, mergeFanIn
	runBatchRows, mergeFanIn = batchRows, fanIn
	t.Cleanup(func() { runBatchRows, mergeFanIn = b, f })
}

// mergeInput is bandTables' week and sampleTables' three weeks together.
func mergeInput() *Tables {
	in, _ := bandTables()
	s := sampleTables()
	in.People = s.People
	in.Events = append(in.Events, s.Events...)
	in.Attendance = append(in.Attendance, s.Attendance...)
	in.Messages = append(in.Messages, s.Messages...)
	return in
}

// writePieces writes in through a Writer with Merge in shuffled pieces of
// n rows of each table, so that a person's attendance and a sender's
// messages are spread over many runs.
func writePieces(t *testing.T, root string, in *Tables, n int, mem memory.Allocator) {
	t.Helper()
	ctx := context.Background()
	w, err := newWriter(root, WriteOptions{SnapshotWeek: week47, Merge: true}, mem)
	if err != nil {
		t.Fatal(err)
	}
	starts := map[string]time.Time{}
	for _, e := range in.Events {
		starts[e.EventID] = e.Start
	}
	eventStart := func(id string) (time.Time, bool) { s, ok := starts[id]; return s, ok }
	rng := rand.New(rand.NewPCG(1, 2))
	ev, att, msg := slices.Clone(in.Events), slices.Clone(in.Attendance), slices.Clone(in.Messages)
	rng.Shuffle(len(ev), func(i, j int) { ev[i], ev[j] = ev[j], ev[i] })
	rng.Shuffle(len(att), func(i, j int) { att[i], att[j] = att[j], att[i] })
	rng.Shuffle(len(msg), func(i, j int) { msg[i], msg[j] = msg[j], msg[i] })
	cut := func(rows, i int) (int, int) { return min(i*n, rows), min((i+1)*n, rows) }
	for i := 0; i*n < max(len(ev), len(att), len(msg)); i++ {
		var piece Tables
		lo, hi := cut(len(ev), i)
		piece.Events = ev[lo:hi]
		lo, hi = cut(len(att), i)
		piece.Attendance = att[lo:hi]
		lo, hi = cut(len(msg), i)
		piece.Messages = msg[lo:hi]
		if err := w.Write(ctx, &piece, eventStart); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(ctx, in.People); err != nil {
		t.Fatal(err)
	}
}

// fileLayout is what a part file holds, in file order: its rows, its row
// groups' sizes and its recorded event starts.
type fileLayout struct {
	Rows        any
	GroupRows   []int64
	EventStarts string
}

func layout(t *testing.T, path string, mem memory.Allocator) fileLayout {
	t.Helper()
	ctx := context.Background()
	var l fileLayout
	var err error
	switch table := filepath.Base(filepath.Dir(filepath.Dir(path))); table {
	case TablePeople:
		l.Rows, err = readFile(ctx, path, peopleTable, mem)
	case TableEvents:
		l.Rows, err = readFile(ctx, path, eventsTable, mem)
	case TableAttendance:
		l.Rows, err = readFile(ctx, path, attendanceTable, mem)
	case TableMessages:
		l.Rows, err = readFile(ctx, path, messagesTable, mem)
	default:
		t.Fatalf("%s: unknown table %s", path, table)
	}
	if err != nil {
		t.Fatal(err)
	}
	pr, err := openParquet(path, mem)
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	for g := range pr.NumRowGroups() {
		l.GroupRows = append(l.GroupRows, pr.MetaData().RowGroup(g).NumRows())
	}
	if v := pr.MetaData().KeyValueMetadata().FindValue(eventStartsKey); v != nil {
		l.EventStarts = *v
	}
	return l
}

// TestWriterMerge checks that a Writer with Merge, given the rows in
// shuffled pieces of 7, writes what one Write of every row writes: the
// same files, each with the same rows in the same order, the same row
// groups (small here: bands and 40 rows end them) and the same event
// starts recorded. Runs are read back 5 rows at a time and merged 3 at a
// time, so the larger partitions take passes, and they split into files
// of 320 rows. No run is left behind.
func TestWriterMerge(t *testing.T) {
	small(t, 40, 16)
	smallRuns(t, 5, 3)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	in := mergeInput()
	direct, merged := t.TempDir(), t.TempDir()
	mustWrite(t, direct, in, WriteOptions{SnapshotWeek: week47}, mem)
	writePieces(t, merged, in, 7, mem)

	want, got := files(t, direct), files(t, merged)
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Fatalf("files mismatch (-direct +merged):\n%s", diff)
	}
	if !slices.Contains(got, "messages/week=2026-W12/part-0000-00001.parquet") {
		t.Errorf("messages of 2026-W12 in one file: want two of at most %d rows", fileRows)
	}
	for _, f := range got {
		if !strings.HasSuffix(f, ".parquet") {
			continue
		}
		a, b := layout(t, filepath.Join(direct, f), mem), layout(t, filepath.Join(merged, f), mem)
		if diff := gocmp.Diff(a, b); diff != "" {
			t.Errorf("%s differs (-direct +merged):\n%s", f, diff)
		}
	}
	entries, err := os.ReadDir(merged)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), runDirPrefix) {
			t.Errorf("%s left in the dataset after Close", e.Name())
		}
	}
}

// TestWriterMerge_discard checks that runs do not outlive their Writer: a
// Writer that fails is discarded without a trace, and a new Writer of a
// shard removes the runs a killed one left, but not another shard's.
func TestWriterMerge_discard(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	in := mergeInput()
	runDirs := func() []string {
		t.Helper()
		dirs, err := filepath.Glob(filepath.Join(root, runDirPrefix+"*"))
		if err != nil {
			t.Fatal(err)
		}
		return dirs
	}

	w, err := NewWriter(root, WriteOptions{SnapshotWeek: week47, Merge: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(ctx, &Tables{Events: in.Events, Attendance: in.Attendance}, nil); err != nil {
		t.Fatal(err)
	}
	if len(runDirs()) != 1 {
		t.Fatalf("run directories after a Write: %v, want one", runDirs())
	}
	if err := w.Write(ctx, &Tables{Attendance: []Attendance{{PersonID: "p1", EventID: "nowhere"}}}, nil); err == nil {
		t.Fatal("Write of attendance without its event: no error")
	}
	w.Discard()
	if d := runDirs(); len(d) != 0 {
		t.Fatalf("run directories after Discard: %v", d)
	}
	if ws, err := ListWeeks(root, TableEvents); err != nil || len(ws) != 0 {
		t.Errorf("events written by a discarded Writer: %v, %v", ws, err)
	}

	// A killed writer of shard 0000 and one of shard s1.
	for _, shard := range []string{DefaultShard, "s1"} {
		w, err := NewWriter(root, WriteOptions{Shard: shard, SnapshotWeek: week47, Merge: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(ctx, &Tables{Messages: in.Messages}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if len(runDirs()) != 2 {
		t.Fatalf("run directories: %v, want two", runDirs())
	}
	w, err = NewWriter(root, WriteOptions{SnapshotWeek: week47, Merge: true})
	if err != nil {
		t.Fatal(err)
	}
	if d := runDirs(); len(d) != 1 || !strings.Contains(filepath.Base(d[0]), "-s1-") {
		t.Fatalf("run directories after a new Writer of shard %s: %v, want only s1's", DefaultShard, d)
	}
	ctxDone, cancel := context.WithCancel(ctx)
	if err := w.Write(ctx, &Tables{Messages: in.Messages}, nil); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := w.Close(ctxDone, in.People); err == nil {
		t.Fatal("Close with a cancelled context: no error")
	}
	if d := runDirs(); len(d) != 1 {
		t.Fatalf("run directories after a failed Close: %v, want only s1's", d)
	}
}

// TestWriterMergeRuns checks MergeRuns between Writes: the runs so far
// become files at once (and leave the run directory), and a partition
// written on both sides of it gets a file of each side, numbered on.
func TestWriterMergeRuns(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := context.Background()
	root := t.TempDir()
	in := sampleTables()
	w, err := newWriter(root, WriteOptions{SnapshotWeek: week47, Merge: true}, mem)
	if err != nil {
		t.Fatal(err)
	}
	half := len(in.Events) / 2
	for i, part := range [][]Event{in.Events[:half], in.Events[half:]} {
		if err := w.Write(ctx, &Tables{Events: part}, nil); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if err := w.MergeRuns(ctx); err != nil {
				t.Fatal(err)
			}
			if runs, _ := filepath.Glob(filepath.Join(w.runDir, "*")); len(runs) != 0 {
				t.Errorf("runs left after MergeRuns: %v", runs)
			}
			if got := files(t, filepath.Join(root, TableEvents)); len(got) == 0 {
				t.Errorf("no events files after MergeRuns")
			}
		}
	}
	if err := w.Close(ctx, in.People); err != nil {
		t.Fatal(err)
	}
	if err := w.MergeRuns(ctx); err == nil {
		t.Error("MergeRuns after Close: no error")
	}
	want := []string{
		"week=2026-W46/_SUCCESS", "week=2026-W46/part-0000-00000.parquet",
		"week=2026-W47/_SUCCESS", "week=2026-W47/part-0000-00000.parquet", "week=2026-W47/part-0000-00001.parquet",
		"week=2026-W48/_SUCCESS", "week=2026-W48/part-0000-00000.parquet",
	}
	if diff := gocmp.Diff(want, files(t, filepath.Join(root, TableEvents))); diff != "" {
		t.Errorf("events files (-want +got):\n%s", diff)
	}
	got := mustRead(t, root, nil, mem)
	if diff := gocmp.Diff(sorted(&Tables{People: in.People, Events: in.Events}).Events, got.Events); diff != "" {
		t.Errorf("events read back (-want +got):\n%s", diff)
	}
}

// TestWriterMerge_random checks the merge as TestWriterMerge does on
// random weeks: rows over three weeks with times to the second (so that
// many fall at the bands' edges and many share a start or a sender), in
// random pieces of 1 to 40 rows.
func TestWriterMerge_random(t *testing.T) {
	small(t, 16, 8)
	smallRuns(t, 3, 4)
	for seed := range uint64(4) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			monday := w47.AddDate(0, 0, -7)
			instant := func() time.Time {
				// Near a week's start or end half the time.
				if rng.IntN(2) == 0 {
					edge := monday.AddDate(0, 0, 7*rng.IntN(4))
					return edge.Add(time.Duration(rng.IntN(80*3600)-40*3600) * time.Second)
				}
				return monday.Add(time.Duration(rng.IntN(21*24*60)) * time.Minute)
			}
			person := func() string { return fmt.Sprintf("p%02d", rng.IntN(12)) }
			in := &Tables{People: sampleTables().People}
			for i := range 150 {
				start := instant()
				e := Event{EventID: fmt.Sprintf("e%03d", i), Start: start, End: start.Add(time.Hour), OrganizerID: person(), Kind: KindMeeting, Source: "test"}
				in.Events = append(in.Events, e)
				for p := range rng.IntN(4) {
					in.Attendance = append(in.Attendance, Attendance{PersonID: fmt.Sprintf("p%02d", p*3+rng.IntN(3)), EventID: e.EventID, Response: ResponseAccepted, ShowAs: ShowAsBusy})
				}
			}
			for i := range 300 {
				in.Messages = append(in.Messages, Message{MessageID: fmt.Sprintf("m%03d", i), Channel: ChannelEmail, SenderID: person(),
					SentAt: instant(), RecipientIDs: []string{person()}, Source: "test"})
			}
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			direct, merged := t.TempDir(), t.TempDir()
			mustWrite(t, direct, in, WriteOptions{SnapshotWeek: week47}, mem)
			writePieces(t, merged, in, 1+rng.IntN(40), mem)
			want, got := files(t, direct), files(t, merged)
			if diff := gocmp.Diff(want, got); diff != "" {
				t.Fatalf("files mismatch (-direct +merged):\n%s", diff)
			}
			for _, f := range got {
				if strings.HasSuffix(f, ".parquet") {
					if diff := gocmp.Diff(layout(t, filepath.Join(direct, f), mem), layout(t, filepath.Join(merged, f), mem)); diff != "" {
						t.Errorf("%s differs (-direct +merged):\n%s", f, diff)
					}
				}
			}
		})
	}
}
