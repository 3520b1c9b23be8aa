package dataset

import (
	"cmp"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var (
	week46 = Week{2026, 46}
	week47 = Week{2026, 47}
	week48 = Week{2026, 48}
)

// sorted returns a copy of t in the order ReadTables returns rows.
func sorted(t *Tables) *Tables {
	out := &Tables{
		People:     slices.Clone(t.People),
		Events:     slices.Clone(t.Events),
		Attendance: slices.Clone(t.Attendance),
		Messages:   slices.Clone(t.Messages),
	}
	slices.SortFunc(out.People, comparePeople)
	slices.SortFunc(out.Events, func(a, b Event) int { return compareEvents(&a, &b) })
	slices.SortFunc(out.Attendance, func(a, b Attendance) int {
		return cmp.Or(strings.Compare(a.PersonID, b.PersonID), strings.Compare(a.EventID, b.EventID))
	})
	slices.SortFunc(out.Messages, func(a, b Message) int { return compareMessages(&a, &b) })
	return out
}

// files returns the paths under root, relative to it, sorted.
func files(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(root, path)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func mustWrite(t *testing.T, root string, tb *Tables, opts WriteOptions, mem memory.Allocator) {
	t.Helper()
	if err := writeTables(context.Background(), root, tb, opts, mem); err != nil {
		t.Fatal(err)
	}
}

func mustRead(t *testing.T, root string, weeks []Week, mem memory.Allocator) *Tables {
	t.Helper()
	got, err := readTables(context.Background(), root, weeks, mem)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestWriteReadTables(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	root := t.TempDir()
	in := sampleTables()
	mustWrite(t, root, in, WriteOptions{SnapshotWeek: week47}, mem)

	got := mustRead(t, root, nil, mem)
	if diff := gocmp.Diff(sorted(in), got); diff != "" {
		t.Errorf("ReadTables mismatch (-want +got):\n%s", diff)
	}

	want := []string{
		"attendance/week=2026-W46/_SUCCESS", "attendance/week=2026-W46/part-0000-00000.parquet",
		"attendance/week=2026-W47/_SUCCESS", "attendance/week=2026-W47/part-0000-00000.parquet",
		"attendance/week=2026-W48/_SUCCESS", "attendance/week=2026-W48/part-0000-00000.parquet",
		"events/week=2026-W46/_SUCCESS", "events/week=2026-W46/part-0000-00000.parquet",
		"events/week=2026-W47/_SUCCESS", "events/week=2026-W47/part-0000-00000.parquet",
		"events/week=2026-W48/_SUCCESS", "events/week=2026-W48/part-0000-00000.parquet",
		"messages/week=2026-W46/_SUCCESS", "messages/week=2026-W46/part-0000-00000.parquet",
		"messages/week=2026-W47/_SUCCESS", "messages/week=2026-W47/part-0000-00000.parquet",
		"messages/week=2026-W48/_SUCCESS", "messages/week=2026-W48/part-0000-00000.parquet",
		"people/week=2026-W47/_SUCCESS", "people/week=2026-W47/part-0000-00000.parquet",
	}
	if diff := gocmp.Diff(want, files(t, root)); diff != "" {
		t.Errorf("files mismatch (-want +got):\n%s", diff)
	}
}

func TestWriteTables_exported(t *testing.T) {
	root := t.TempDir()
	in := sampleTables()
	ctx := context.Background()
	if err := WriteTables(ctx, root, in, WriteOptions{SnapshotWeek: week47, Shard: "s_1"}); err != nil {
		t.Fatal(err)
	}
	got, err := ReadTables(ctx, root, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := gocmp.Diff(sorted(in), got); diff != "" {
		t.Errorf("ReadTables mismatch (-want +got):\n%s", diff)
	}
	weeks, err := ListWeeks(root, TableEvents)
	if err != nil {
		t.Fatal(err)
	}
	if diff := gocmp.Diff([]Week{week46, week47, week48}, weeks); diff != "" {
		t.Errorf("ListWeeks mismatch (-want +got):\n%s", diff)
	}
	if weeks, err := ListWeeks(root, "nonexistent"); err != nil || weeks != nil {
		t.Errorf("ListWeeks(missing table) = %v, %v; want nil, nil", weeks, err)
	}
}

func TestWriteTables_idempotent(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	root := t.TempDir()
	in := sampleTables()
	opts := WriteOptions{SnapshotWeek: week47, Shard: "0007"}
	mustWrite(t, root, in, opts, mem)
	before := files(t, root)
	mustWrite(t, root, in, opts, mem)
	if diff := gocmp.Diff(before, files(t, root)); diff != "" {
		t.Errorf("files after rewrite mismatch (-before +after):\n%s", diff)
	}
	if diff := gocmp.Diff(sorted(in), mustRead(t, root, nil, mem)); diff != "" {
		t.Errorf("ReadTables after rewrite mismatch (-want +got):\n%s", diff)
	}

	// A rewrite with fewer rows replaces the shard's rows in the partitions
	// it writes, and another shard adds its own files beside them.
	less := &Tables{Events: in.Events[:1]}
	mustWrite(t, root, less, opts, mem)
	other := &Tables{Events: in.Events[:1]}
	mustWrite(t, root, other, WriteOptions{Shard: "0008"}, mem)
	got := mustRead(t, root, []Week{week46}, mem)
	var ids []string
	for _, e := range got.Events {
		if WeekOf(e.Start) == week46 {
			ids = append(ids, e.EventID)
		}
	}
	if diff := gocmp.Diff([]string{"e0", "e0"}, ids); diff != "" {
		t.Errorf("week 46 events mismatch (-want +got):\n%s", diff)
	}
}

func TestReadTables_neighbours(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	root := t.TempDir()
	in := &Tables{}
	for d := -21; d <= 21; d += 7 { // one event in each of W44..W50
		in.Events = append(in.Events, Event{EventID: at(d, 9).Format("2006-01-02"), Start: at(d, 9), End: at(d, 10), Kind: KindMeeting})
	}
	mustWrite(t, root, in, WriteOptions{}, mem)
	tests := []struct {
		name  string
		weeks []Week
		want  []string
	}{
		{"one week", []Week{week47}, []string{"2026-11-09", "2026-11-16", "2026-11-23"}},
		{"two weeks", []Week{{2026, 45}, week48}, []string{"2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23", "2026-11-30"}},
		{"absent week", []Week{{2027, 10}}, nil},
		{"all", nil, []string{"2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23", "2026-11-30", "2026-12-07"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, e := range mustRead(t, root, tt.weeks, mem).Events {
				got = append(got, e.EventID)
			}
			if diff := gocmp.Diff(tt.want, got); diff != "" {
				t.Errorf("events read mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadTables_latestPeople(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	root := t.TempDir()
	old := []Person{{PersonID: "a", ManagerID: "old"}, {PersonID: "b"}}
	latest := []Person{{PersonID: "a", ManagerID: "new"}, {PersonID: "c"}}
	mustWrite(t, root, &Tables{People: latest}, WriteOptions{SnapshotWeek: week48}, mem)
	mustWrite(t, root, &Tables{People: old}, WriteOptions{SnapshotWeek: week46}, mem)
	for _, weeks := range [][]Week{nil, {week46}} {
		got := mustRead(t, root, weeks, mem)
		if diff := gocmp.Diff(latest, got.People); diff != "" {
			t.Errorf("people for weeks %v mismatch (-want +got):\n%s", weeks, diff)
		}
	}
}

func TestWriteTables_errors(t *testing.T) {
	ev := Event{EventID: "e1", Start: w47, End: at(0, 1)}
	tests := []struct {
		name string
		in   *Tables
		opts WriteOptions
		want string
	}{
		{"unknown event", &Tables{Events: []Event{ev}, Attendance: []Attendance{{PersonID: "p1", EventID: "nope"}}}, WriteOptions{}, `event "nope"`},
		{"people without snapshot week", &Tables{People: []Person{{PersonID: "p1"}}}, WriteOptions{}, "SnapshotWeek"},
		{"bad snapshot week", &Tables{People: []Person{{PersonID: "p1"}}}, WriteOptions{SnapshotWeek: Week{2026, 60}}, "SnapshotWeek"},
		{"bad shard", &Tables{Events: []Event{ev}}, WriteOptions{Shard: "a-b"}, `shard "a-b"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			err := WriteTables(context.Background(), root, tt.in, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("WriteTables() error = %v, want one containing %q", err, tt.want)
			}
			if got := files(t, root); len(got) != 0 {
				t.Errorf("WriteTables() left files after an error: %v", got)
			}
		})
	}
}

func TestReadTables_notDataset(t *testing.T) {
	empty := t.TempDir()
	file := filepath.Join(empty, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for name, root := range map[string]string{
		"missing":   filepath.Join(empty, "missing"),
		"empty dir": empty,
		"file":      file,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ReadTables(context.Background(), root, nil)
			if err == nil || !strings.Contains(err.Error(), "not a dataset") || !strings.Contains(err.Error(), root) {
				t.Errorf("ReadTables(%s) error = %v, want one saying %s is not a dataset", root, err, root)
			}
		})
	}
}

func TestReadTables_emptyTables(t *testing.T) {
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, TableEvents), 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := ReadTables(context.Background(), root, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := gocmp.Diff(&Tables{}, got); diff != "" {
		t.Errorf("ReadTables mismatch (-want +got):\n%s", diff)
	}
}

func TestReadTables_badFiles(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	good := t.TempDir()
	mustWrite(t, good, sampleTables(), WriteOptions{SnapshotWeek: week47}, mem)
	part := filepath.Join(good, "events", "week=2026-W47", "part-0000-00000.parquet")
	data, err := os.ReadFile(part)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"truncated", data[:len(data)-100]},
		{"truncated footer", data[:len(data)-3]},
		{"head only", data[:len(data)/2]},
		{"empty", nil},
		{"random bytes", []byte("this is not parquet at all, just some random bytes of text")},
		{"magic only", []byte("PAR1PAR1")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			path := filepath.Join(root, "events", "week=2026-W47", "bad.parquet")
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, tt.data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := readTables(context.Background(), root, nil, mem)
			if err == nil || !strings.Contains(err.Error(), path) {
				t.Errorf("ReadTables() error = %v, want one naming %s", err, path)
			}
		})
	}
}

func TestReadTables_ignoresHidden(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	root := t.TempDir()
	in := sampleTables()
	mustWrite(t, root, in, WriteOptions{SnapshotWeek: week47}, mem)
	dir := filepath.Join(root, "events", "week=2026-W47")
	for _, name := range []string{".part-0000-00001.parquet.tmp-123", "_metadata", "_common_metadata"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("garbage"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "_temporary", "0"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "_temporary", "0", "x.parquet"), []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	if diff := gocmp.Diff(sorted(in), mustRead(t, root, nil, mem)); diff != "" {
		t.Errorf("ReadTables mismatch (-want +got):\n%s", diff)
	}
}

func TestListWeeks_badPartition(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"week=2026-W47", "week=soon"} {
		if err := os.MkdirAll(filepath.Join(root, TableEvents, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	_, err := ListWeeks(root, TableEvents)
	if err == nil || !strings.Contains(err.Error(), "week=soon") {
		t.Errorf("ListWeeks() error = %v, want one naming week=soon", err)
	}
}

func TestListWeeks_notAPartition(t *testing.T) {
	for _, name := range []string{"other=1", "part-0000-00000.parquet"} {
		root := t.TempDir()
		if err := os.MkdirAll(filepath.Join(root, TableEvents, "Week=2026-W47"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(root, TableEvents, name), 0o755); err != nil {
			t.Fatal(err)
		}
		_, err := ListWeeks(root, TableEvents)
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("ListWeeks() with %s error = %v, want one naming it", name, err)
		}
	}
	root := t.TempDir()
	for _, d := range []string{"Week=2026-W47", "WEEK=2026-W46", "_temporary", ".spark"} {
		if err := os.MkdirAll(filepath.Join(root, TableEvents, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ListWeeks(root, TableEvents)
	if err != nil || len(got) != 2 || got[0].String() != "2026-W46" || got[1].String() != "2026-W47" {
		t.Errorf("ListWeeks() = %v, %v; want [2026-W46 2026-W47]", got, err)
	}
}

func TestPersonWeekStore(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	root := t.TempDir()
	ctx := context.Background()
	rows := samplePersonWeek()
	next := samplePersonWeek()
	for i := range next {
		next[i].Week, next[i].MetricDate = "2026-W48", w47.AddDate(0, 0, 7)
	}
	all := append(slices.Clone(next), rows...)
	if err := writePersonWeek(ctx, root, all, "", mem); err != nil {
		t.Fatal(err)
	}
	if err := writePersonWeek(ctx, root, all, "", mem); err != nil { // idempotent
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		weeks []Week
		want  []PersonWeek
	}{
		{"all", nil, append(slices.Clone(rows), next...)},
		{"one week", []Week{week48}, next},
		{"absent week", []Week{week46}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readPersonWeek(ctx, root, tt.weeks, mem)
			if err != nil {
				t.Fatal(err)
			}
			if diff := gocmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ReadPersonWeek mismatch (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := ReadPersonWeek(ctx, t.TempDir(), nil); err == nil || !strings.Contains(err.Error(), "person_week") {
		t.Errorf("ReadPersonWeek(empty dir) error = %v, want one naming person_week", err)
	}
	bad := []PersonWeek{{PersonID: "p1", Week: "2026-w47"}}
	if err := WritePersonWeek(ctx, t.TempDir(), bad, ""); err == nil || !strings.Contains(err.Error(), "2026-w47") {
		t.Errorf("WritePersonWeek(bad week) error = %v, want one naming the week", err)
	}
}

func TestEachWeek(t *testing.T) {
	type row struct {
		week int
		key  string
	}
	w := func(n int) Week { return Week{2026, n} }
	for _, tc := range []struct {
		name   string
		rows   []row
		want   [][]string // per week in week order
		shared []bool     // whether write got rows' own memory
	}{
		{"in order", []row{{10, "a"}, {10, "b"}, {11, "a"}, {11, "c"}},
			[][]string{{"a", "b"}, {"a", "c"}}, []bool{true, true}},
		{"interleaved", []row{{11, "c"}, {10, "b"}, {11, "a"}, {10, "a"}},
			[][]string{{"a", "b"}, {"a", "c"}}, []bool{false, false}},
		{"one week in order, one not", []row{{10, "a"}, {10, "b"}, {11, "c"}, {11, "a"}},
			[][]string{{"a", "b"}, {"a", "c"}}, []bool{true, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows := slices.Clone(tc.rows)
			var got [][]string
			var shared []bool
			err := eachWeek(rows, func(i int) Week { return w(rows[i].week) },
				func(i, j int) int { return strings.Compare(rows[i].key, rows[j].key) },
				func(wk Week, part []row, _ []int) error {
					var keys []string
					for _, r := range part {
						if r.week != wk.Num {
							t.Errorf("row of week %d written to %s", r.week, wk)
						}
						keys = append(keys, r.key)
					}
					got = append(got, keys)
					inRows := false
					for i := range rows {
						inRows = inRows || &rows[i] == &part[0]
					}
					shared = append(shared, inRows)
					return nil
				})
			if err != nil {
				t.Fatal(err)
			}
			if !gocmp.Equal(got, tc.want) || !slices.Equal(shared, tc.shared) {
				t.Errorf("got %v (shared %v), want %v (shared %v)", got, shared, tc.want, tc.shared)
			}
			if !slices.Equal(rows, tc.rows) {
				t.Errorf("rows changed: %v", rows)
			}
		})
	}
}

// TestPersonWeekStore_filePerCore checks that a week's person_week rows
// are written as one file per core (at least coreFileRows rows each), in
// order, and that a rewrite with fewer files leaves no stale one.
func TestPersonWeekStore_filePerCore(t *testing.T) {
	old := coreFileRows
	coreFileRows = 2
	t.Cleanup(func() { coreFileRows = old })
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx, root := context.Background(), t.TempDir()
	var rows []PersonWeek
	for i := range 9 {
		r := samplePersonWeek()[0]
		r.PersonID = fmt.Sprintf("p%02d", 8-i) // written in reverse: sorted by the store
		rows = append(rows, r)
	}
	files := func() []string {
		names, err := filepath.Glob(filepath.Join(root, TablePersonWeek, "week=2026-W47", "part-*.parquet"))
		if err != nil {
			t.Fatal(err)
		}
		return names
	}
	for _, procs := range []int{4, 1} {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		if err := writePersonWeek(ctx, root, rows, "", mem); err != nil {
			t.Fatal(err)
		}
		want := (9 + procs - 1) / procs // rows per file
		if n := len(files()); n != (9+want-1)/want {
			t.Errorf("GOMAXPROCS %d: %d files %v, want %d", procs, n, files(), (9+want-1)/want)
		}
		got, err := readPersonWeek(ctx, root, nil, mem)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range got {
			ids = append(ids, r.PersonID)
		}
		if want := []string{"p00", "p01", "p02", "p03", "p04", "p05", "p06", "p07", "p08"}; !slices.Equal(ids, want) {
			t.Errorf("GOMAXPROCS %d: read %v, want %v", procs, ids, want)
		}
	}
}
