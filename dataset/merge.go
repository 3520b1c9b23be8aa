package dataset

import (
	"bufio"
	"container/heap"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Runs. A Writer with WriteOptions.Merge writes each Write's rows of a
// partition, sorted as the partition's files are, as a run: an Arrow IPC
// stream in a temporary directory under the dataset root. MergeRuns and
// Close merge each partition's runs into its part files, reading every
// run a batch at a time, so the writer holds a batch per run and a row
// group's encoded pages, however many rows the partition has. Attendance
// runs carry each row's event start (which orders and bands the rows) in
// one more column. More than mergeFanIn runs are merged in passes,
// mergeFanIn at a time. (Variables so that tests can make them small.)
var (
	// runBatchRows is the rows of a run's record batches: what the merge
	// holds of each run, as Arrow and as Go rows (messages with their
	// recipients took ~0.7 KB a row: 32 MB for 11 runs of 4 Ki rows in a
	// heap profile of 12,800 users' ingest). 4 Ki rows merged ~5% faster
	// (BenchmarkWriteMerged) but held four times as much.
	runBatchRows = 1 << 10
	// mergeFanIn is the most runs merged at once.
	mergeFanIn = 64
)

// runStartColumn is the column of an attendance run that holds each row's
// event start, in µs since the epoch.
const runStartColumn = "_event_start_us"

// A runWriter writes one run, its rows given in order over any number of
// add calls.
type runWriter[T any] struct {
	path       string
	t          *table[T]
	mem        memory.Allocator
	f          *os.File
	bw         *bufio.Writer
	w          *ipc.Writer
	schema     *arrow.Schema
	attendance bool
}

func newRunWriter[T any](path string, t *table[T], attendance bool, mem memory.Allocator) (*runWriter[T], error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("write run: %w", err)
	}
	schema := t.schema
	if attendance {
		fields := append(schema.Fields(), arrow.Field{Name: runStartColumn, Type: arrow.PrimitiveTypes.Int64})
		schema = arrow.NewSchema(fields, nil)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	return &runWriter[T]{path: path, t: t, mem: mem, f: f, bw: bw, schema: schema, attendance: attendance,
		w: ipc.NewWriter(bw, ipc.WithSchema(schema), ipc.WithAllocator(mem))}, nil
}

// add appends rows (with their events' starts, for attendance).
func (rw *runWriter[T]) add(rows []T, starts []int64) error {
	for lo := 0; lo < len(rows); lo += runBatchRows {
		hi := min(lo+runBatchRows, len(rows))
		rec := rw.t.record(rw.mem, rows[lo:hi])
		if rw.attendance {
			b := array.NewInt64Builder(rw.mem)
			b.AppendValues(starts[lo:hi], nil)
			st := b.NewArray()
			b.Release()
			cols := append(rec.Columns()[:len(rec.Columns()):len(rec.Columns())], st)
			withStarts := array.NewRecordBatch(rw.schema, cols, int64(hi-lo))
			rec.Release()
			st.Release()
			rec = withStarts
		}
		err := rw.w.Write(rec)
		rec.Release()
		if err != nil {
			return fmt.Errorf("write run %s: %w", rw.path, err)
		}
	}
	return nil
}

// close finishes the run. Runs are temporary: they are not synced.
func (rw *runWriter[T]) close() error {
	err := rw.w.Close()
	if err == nil {
		err = rw.bw.Flush()
	}
	if cerr := rw.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write run %s: %w", rw.path, err)
	}
	return nil
}

// writeRun writes rows, sorted, as the run at path.
func writeRun[T any](path string, t *table[T], rows []T, starts []int64, mem memory.Allocator) error {
	rw, err := newRunWriter(path, t, starts != nil, mem)
	if err != nil {
		return err
	}
	if err := rw.add(rows, starts); err != nil {
		rw.close()
		return err
	}
	return rw.close()
}

// A runReader reads a run back a batch at a time; rows[i] (and starts[i])
// is the run's next row.
type runReader[T any] struct {
	path       string
	t          *table[T]
	f          *os.File
	r          *ipc.Reader
	attendance bool
	rows       []T
	starts     []int64
	i          int
}

func openRun[T any](path string, t *table[T], attendance bool, mem memory.Allocator) (*runReader[T], error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read run: %w", err)
	}
	r, err := ipc.NewReader(bufio.NewReaderSize(f, 256<<10), ipc.WithAllocator(mem))
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("read run %s: %w", path, err)
	}
	return &runReader[T]{path: path, t: t, f: f, r: r, attendance: attendance}, nil
}

// fill reads the next batch once the last is used up. It reports whether
// a row is left.
func (rr *runReader[T]) fill() (bool, error) {
	for rr.i == len(rr.rows) {
		if !rr.r.Next() {
			if err := rr.r.Err(); err != nil {
				return false, fmt.Errorf("read run %s: %w", rr.path, err)
			}
			return false, nil
		}
		rec := rr.r.RecordBatch()
		rows, err := rr.t.fromRecord(rec)
		if err != nil {
			return false, fmt.Errorf("read run %s: %w", rr.path, err)
		}
		rr.rows, rr.i = rows, 0
		if rr.attendance {
			st, ok := rec.Column(int(rec.NumCols()) - 1).(*array.Int64)
			if !ok || rec.Schema().Field(int(rec.NumCols())-1).Name != runStartColumn {
				return false, fmt.Errorf("read run %s: no %s column", rr.path, runStartColumn)
			}
			rr.starts = append(rr.starts[:0], st.Int64Values()...)
		}
	}
	return true, nil
}

func (rr *runReader[T]) close() {
	rr.r.Release()
	rr.f.Close()
}

// start returns the event start of the next row (0 but for attendance).
func (rr *runReader[T]) start() int64 {
	if rr.starts == nil {
		return 0
	}
	return rr.starts[rr.i]
}

// A runHeap orders runs by their next rows, then by their place in the
// list of runs (so that equal rows keep the runs' order).
type runHeap[T any] struct {
	runs    []*runReader[T]
	order   []int // index of each run in the merge's list
	compare func(a, b *T, sa, sb int64) int
}

func (h *runHeap[T]) Len() int { return len(h.runs) }
func (h *runHeap[T]) Less(i, j int) bool {
	a, b := h.runs[i], h.runs[j]
	if c := h.compare(&a.rows[a.i], &b.rows[b.i], a.start(), b.start()); c != 0 {
		return c < 0
	}
	return h.order[i] < h.order[j]
}
func (h *runHeap[T]) Swap(i, j int) {
	h.runs[i], h.runs[j] = h.runs[j], h.runs[i]
	h.order[i], h.order[j] = h.order[j], h.order[i]
}
func (h *runHeap[T]) Push(any) { panic("runHeap: Push is not used") }
func (h *runHeap[T]) Pop() any {
	n := len(h.runs) - 1
	r := h.runs[n]
	h.runs, h.order = h.runs[:n], h.order[:n]
	return r
}

// mergeRuns merges the runs at paths, each sorted by compare (sa and sb
// are the rows' event starts for attendance, else 0), and calls emit with
// the merged rows a batch at a time, in order (emit must not keep them).
func mergeRuns[T any](ctx context.Context, paths []string, t *table[T], attendance bool, compare func(a, b *T, sa, sb int64) int, mem memory.Allocator, emit func(rows []T, starts []int64) error) (err error) {
	h := &runHeap[T]{compare: compare}
	defer func() {
		for _, r := range h.runs {
			r.close()
		}
	}()
	for n, p := range paths {
		r, err := openRun(p, t, attendance, mem)
		if err != nil {
			return err
		}
		ok, err := r.fill()
		if !ok {
			r.close()
			if err != nil {
				return err
			}
			continue
		}
		h.runs, h.order = append(h.runs, r), append(h.order, n)
	}
	heap.Init(h)
	out := make([]T, 0, runBatchRows)
	var starts []int64
	if attendance {
		starts = make([]int64, 0, runBatchRows)
	}
	flush := func() error {
		if len(out) == 0 {
			return nil
		}
		err := emit(out, starts)
		clear(out)
		out = out[:0]
		if attendance {
			starts = starts[:0]
		}
		return err
	}
	for h.Len() > 0 {
		r := h.runs[0]
		out = append(out, r.rows[r.i])
		if attendance {
			starts = append(starts, r.starts[r.i])
		}
		r.i++
		ok, err := r.fill()
		if err != nil {
			return err
		}
		if ok {
			heap.Fix(h, 0)
		} else {
			heap.Pop(h)
			r.close()
		}
		if len(out) == runBatchRows {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// mergePartition merges the runs of one partition of t into part files of
// the Writer's shard, each of at most fileRows rows, numbered after those
// it has written there, and returns their names (w.files is only read:
// partitions are merged at once). Past mergeFanIn runs, it first merges
// them mergeFanIn at a time into longer runs.
func mergePartition[T any](ctx context.Context, w *Writer, t *table[T], k partitionKey, runs []string, attendance bool, compare func(a, b *T, sa, sb int64) int) ([]string, error) {
	for pass := 0; len(runs) > mergeFanIn; pass++ {
		var next []string
		for lo := 0; lo < len(runs); lo += mergeFanIn {
			group := runs[lo:min(lo+mergeFanIn, len(runs))]
			if len(group) == 1 {
				next = append(next, group[0])
				continue
			}
			path := filepath.Join(w.runDir, fmt.Sprintf("%s-%s-pass%d-%05d.arrow", k.table, k.week, pass, len(next)))
			rw, err := newRunWriter(path, t, attendance, w.mem)
			if err != nil {
				return nil, err
			}
			err = mergeRuns(ctx, group, t, attendance, compare, w.mem, rw.add)
			if cerr := rw.close(); err == nil {
				err = cerr
			}
			if err != nil {
				return nil, err
			}
			for _, p := range group {
				os.Remove(p)
			}
			next = append(next, path)
		}
		runs = next
	}

	dir := partitionDir(w.root, t.name, k.week)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("write %s: %w", t.name, err)
	}
	var names []string
	var pw *partWriter[T]
	first := len(w.files[k]) // the files earlier merges wrote there
	err := mergeRuns(ctx, runs, t, attendance, compare, w.mem, func(rows []T, starts []int64) error {
		for len(rows) > 0 {
			if pw == nil {
				name := partName(w.shard, first+len(names))
				var err error
				if pw, err = newPartWriter(filepath.Join(dir, name), t, attendance, w.mem); err != nil {
					return err
				}
				names = append(names, name)
			}
			n := min(len(rows), fileRows-pw.rows)
			var st []int64
			if attendance {
				st = starts[:n]
				starts = starts[n:]
			}
			if err := pw.add(ctx, rows[:n], st); err != nil {
				return err
			}
			rows = rows[n:]
			if pw.rows == fileRows {
				err := pw.finish()
				pw = nil
				if err != nil {
					return err
				}
			}
		}
		return nil
	})
	if pw != nil {
		if err == nil {
			err = pw.finish()
		} else {
			pw.abort()
		}
	}
	if err != nil {
		return nil, err
	}
	return names, nil
}
