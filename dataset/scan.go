package dataset

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// Scan streams the given columns of the given week partitions of an input
// table (events, attendance or messages) as record batches, for readers
// that keep their own compact form of the rows instead of Go structs (the
// analysis of a large organisation). String columns are read as Arrow
// dictionaries where the reader can, so an id repeated a million times is
// decoded once per batch: name such columns in dict (ids that repeat;
// not unique ones like message_id, where a dictionary only costs). fn is
// called one batch at a time; the batch is released when fn returns.
//
// within, if not nil, returns for a week's partition the instants
// (sorted, disjoint) whose rows the caller keeps, or nil for all: row
// groups whose statistics show no row there are not read (see bands.go;
// for attendance, instants are of its events' starts). Rows outside still
// come from the row groups read; the caller filters them.
//
// Files are accepted and rejected exactly as by ReadTables; every error
// names the file.
func Scan(ctx context.Context, root, table string, weeks []Week, columns, dict []string, within func(Week) []TimeRange, fn func(*Batch) error) error {
	var known []string
	switch table {
	case TableEvents:
		known = eventsTable.columns()
	case TableAttendance:
		known = attendanceTable.columns()
	case TableMessages:
		known = messagesTable.columns()
	default:
		return fmt.Errorf("scan: unknown table %q (want events, attendance or messages)", table)
	}
	required := map[string]bool{}
	for _, c := range columns {
		if !slices.Contains(known, c) {
			return fmt.Errorf("scan %s: unknown column %q", table, c)
		}
	}
	for _, c := range requiredColumns(table) {
		required[c] = true
	}
	dirs, err := weekDirs(root, table)
	if err != nil {
		return err
	}
	for _, w := range weeks {
		var ranges []TimeRange
		if within != nil {
			ranges = within(w)
		}
		for _, dir := range dirs[w] {
			files, err := partitionFiles(dir)
			if err != nil {
				return err
			}
			for _, path := range files {
				if err := ctx.Err(); err != nil {
					return err
				}
				if err := scanFile(ctx, path, table, w, columns, dict, required, ranges, fn); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// ScanWeeks returns the weeks among want and their neighbours that have a
// partition of table: the partitions an analysis of want reads.
func ScanWeeks(root, table string, want []Week) ([]Week, error) {
	present, err := ListWeeks(root, table)
	if err != nil {
		return nil, err
	}
	keep := map[Week]bool{}
	for _, w := range want {
		keep[w.Add(-1)], keep[w], keep[w.Add(1)] = true, true, true
	}
	return slices.DeleteFunc(present, func(w Week) bool { return !keep[w] }), nil
}

func requiredColumns(table string) []string {
	var out []string
	add := func(names []string, req func(i int) bool) {
		for i, n := range names {
			if req(i) {
				out = append(out, n)
			}
		}
	}
	switch table {
	case TableEvents:
		add(eventsTable.columns(), func(i int) bool { return eventsTable.cols[i].required() })
	case TableAttendance:
		add(attendanceTable.columns(), func(i int) bool { return attendanceTable.cols[i].required() })
	case TableMessages:
		add(messagesTable.columns(), func(i int) bool { return messagesTable.cols[i].required() })
	}
	return out
}

func scanFile(ctx context.Context, path, table string, w Week, columns, dict []string, required map[string]bool, within []TimeRange, fn func(*Batch) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("read %s: corrupt Parquet file: %v", path, p)
		}
	}()
	mem := memory.DefaultAllocator
	pr, err := openParquet(path, mem)
	if err != nil {
		return err
	}
	defer pr.Close()
	// Columns are decoded one after the other: the batch after this one is
	// decoded while the caller works (below), and the analysis scans the
	// calendar and the mail at the same time, which keeps two cores busy
	// without a goroutine per column (measured on 100k people × 1 week:
	// 7.15 s against 7.43 s in six alternating runs each).
	props := pqarrow.ArrowReadProperties{BatchSize: int64(readBatchRows)}
	fr, err := pqarrow.NewFileReader(pr, props, mem)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	byName := map[string]*pqarrow.SchemaField{}
	for i := range fr.Manifest.Fields {
		sf := &fr.Manifest.Fields[i]
		if sf.Field != nil {
			if _, dup := byName[sf.Field.Name]; !dup {
				byName[sf.Field.Name] = sf
			}
		}
	}
	for c := range required {
		if byName[c] == nil {
			return fmt.Errorf("read %s: %s: missing required column %q", path, table, c)
		}
	}
	var leaves []int
	readDict := false
	for _, c := range columns {
		sf := byName[c]
		if sf == nil {
			continue
		}
		n := len(leaves)
		leaves = appendLeaves(leaves, sf)
		if !slices.Contains(dict, c) {
			continue
		}
		// Read repeated ids as dictionaries.
		for _, l := range leaves[n:] {
			if pr.MetaData().Schema.Column(l).PhysicalType() == parquet.Types.ByteArray {
				props.SetReadDict(l, true)
				readDict = true
			}
		}
	}
	if pr.NumRows() == 0 || len(leaves) == 0 {
		return nil
	}
	rowGroups := rowGroupsWithin(pr, table, within)
	if rowGroups != nil && len(rowGroups) == 0 {
		return nil
	}
	if readDict {
		// The reader fixes the Arrow types when it is made: make it again
		// with the dictionary columns set.
		if fr, err = pqarrow.NewFileReader(pr, props, mem); err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
	}
	if rowGroups == nil {
		rowGroups = make([]int, pr.NumRowGroups())
		for i := range rowGroups {
			rowGroups[i] = i
		}
	}
	memos := map[string]*dictMemo{}
	defer func() {
		for _, m := range memos {
			m.release()
		}
	}()
	// Decode the next batch while fn works on this one.
	type next struct {
		rec arrow.RecordBatch
		err error
	}
	ch, stop := make(chan next, 1), make(chan struct{})
	go func() {
		defer close(ch)
		defer func() {
			if p := recover(); p != nil {
				ch <- next{err: fmt.Errorf("read %s: corrupt Parquet file: %v", path, p)}
			}
		}()
		// A record reader per row group: a batch that spans two row
		// groups holds two dictionaries, which the reader unifies by
		// hashing every value of both again.
		for _, g := range rowGroups {
			rr, err := fr.GetRecordReader(ctx, leaves, []int{g})
			if err != nil {
				ch <- next{err: fmt.Errorf("read %s: %w", path, err)}
				return
			}
			for rr.Next() {
				rec := rr.RecordBatch()
				rec.Retain()
				select {
				case ch <- next{rec: rec}:
				case <-stop:
					rec.Release()
					rr.Release()
					return
				}
			}
			err = rr.Err()
			rr.Release()
			if err != nil {
				ch <- next{err: fmt.Errorf("read %s: %w", path, err)}
				return
			}
		}
	}()
	defer func() {
		close(stop)
		for n := range ch {
			if n.rec != nil {
				n.rec.Release()
			}
		}
	}()
	for n := range ch {
		if n.err != nil {
			return n.err
		}
		err := ctx.Err()
		if err == nil {
			err = fn(&Batch{Week: w, Path: path, table: table, rec: n.rec, memos: memos})
		}
		n.rec.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

// A Batch is one record batch of a Scan: the requested columns the file
// holds. Its accessors decode any physical type the store accepts (see
// FORMAT.md); a requested nullable column the file lacks reads as nulls.
// Errors name the file and column.
type Batch struct {
	Week  Week   // the partition
	Path  string // the file
	table string
	rec   arrow.RecordBatch
	memos map[string]*dictMemo // per column, shared by the batches of a file
}

func (b *Batch) memo(col string) *dictMemo {
	if b.memos == nil {
		return nil
	}
	m := b.memos[col]
	if m == nil {
		m = &dictMemo{}
		b.memos[col] = m
	}
	return m
}

// Len is the number of rows.
func (b *Batch) Len() int { return int(b.rec.NumRows()) }

func (b *Batch) col(name string) arrow.Array {
	if idx := b.rec.Schema().FieldIndices(name); len(idx) > 0 {
		return b.rec.Column(idx[0])
	}
	return nil
}

func (b *Batch) errorf(col string, err error) error {
	return fmt.Errorf("read %s: %s: column %q: %w", b.Path, b.table, col, err)
}

// Codes sets out[i] (len(out) == Len()) to code(s) for the string s of row
// i, or to null for a null row. code is called once per distinct
// dictionary value where the column is dictionary-encoded (codes are
// reused across the batches of a file, so code must give the same string
// the same code for the whole Scan); s is only valid during the call.
func (b *Batch) Codes(col string, code func(s string) int32, null int32, out []int32) error {
	for i := range out {
		out[i] = null
	}
	a := b.col(col)
	if a == nil {
		return nil
	}
	if err := codes(a, code, null, out, b.memo(col)); err != nil {
		return b.errorf(col, err)
	}
	return nil
}

// ListCodes returns, for a list-of-strings column, the codes of all list
// values (code called as in Codes; null values get null) and the offsets
// of each row's values: row i holds vals[off[i]:off[i+1]]. Null lists are
// empty.
func (b *Batch) ListCodes(col string, code func(s string) int32, null int32) (off []int32, vals []int32, err error) {
	n := b.Len()
	off = make([]int32, n+1)
	a := b.col(col)
	if a == nil {
		return off, nil, nil
	}
	if _, ok := a.(*array.Null); ok {
		return off, nil, nil
	}
	l, ok := a.(array.ListLike)
	if !ok {
		return nil, nil, b.errorf(col, fmt.Errorf("unsupported type %s (want a list of strings)", a.DataType()))
	}
	values := l.ListValues()
	all := make([]int32, values.Len())
	for i := range all {
		all[i] = null
	}
	if err := codes(values, code, null, all, b.memo(col)); err != nil {
		return nil, nil, b.errorf(col, fmt.Errorf("list values: %w", err))
	}
	vals = make([]int32, 0, len(all))
	for i := 0; i < n; i++ {
		if l.IsValid(i) {
			s, e := l.ValueOffsets(i)
			if s < 0 || e > int64(len(all)) || s > e {
				return nil, nil, b.errorf(col, fmt.Errorf("row %d: list offsets [%d, %d) out of range", i, s, e))
			}
			vals = append(vals, all[s:e]...)
		}
		off[i+1] = int32(len(vals))
	}
	return off, vals, nil
}

func codes(a arrow.Array, code func(string) int32, null int32, out []int32, memo *dictMemo) error {
	if d, ok := a.(*array.Dictionary); ok {
		dict, err := memo.lookup(d.Dictionary(), code, null)
		if err != nil {
			return fmt.Errorf("dictionary values: %w", err)
		}
		if idx, ok := d.Indices().(*array.Int32); ok && d.NullN() == 0 {
			// The reader's index type, without nulls: no per-row type
			// switch nor validity check.
			for i, j := range idx.Int32Values() {
				if j >= 0 && int(j) < len(dict) {
					out[i] = dict[j]
				}
			}
			return nil
		}
		for i := range out {
			if d.IsValid(i) {
				if j := d.GetValueIndex(i); j >= 0 && j < len(dict) {
					out[i] = dict[j]
				}
			}
		}
		return nil
	}
	return viewStrings(a, func(i int, s string) { out[i] = code(s) })
}

// A dictMemo keeps the codes of one column's last dictionary. The reader
// hands each batch of a row group the dictionary read so far, which grows
// by appending: codes are computed only for the new values.
type dictMemo struct {
	dict  *array.String // the last dictionary (retained), or nil
	codes []int32
}

func (m *dictMemo) lookup(dict arrow.Array, code func(string) int32, null int32) ([]int32, error) {
	s, ok := dict.(*array.String)
	if m == nil || !ok {
		out := make([]int32, dict.Len())
		for i := range out {
			out[i] = null
		}
		err := viewStrings(dict, func(i int, s string) { out[i] = code(s) })
		return out, err
	}
	from := 0
	if m.dict != nil && m.dict.Len() <= s.Len() && m.dict.NullN() == 0 && s.NullN() == 0 {
		// Same first n values: same value lengths and bytes.
		n := m.dict.Len()
		po, no := m.dict.ValueOffsets(), s.ValueOffsets()
		same := true
		for i := 0; i <= n && same; i++ {
			same = po[i]-po[0] == no[i]-no[0]
		}
		if same && bytes.Equal(m.dict.ValueBytes(), s.ValueBytes()[:no[n]-no[0]]) {
			from = n
		}
	}
	m.codes = m.codes[:from]
	for i := from; i < s.Len(); i++ {
		c := null
		if s.IsValid(i) {
			c = code(s.Value(i))
		}
		m.codes = append(m.codes, c)
	}
	m.release()
	s.Retain()
	m.dict = s
	return m.codes, nil
}

func (m *dictMemo) release() {
	if m.dict != nil {
		m.dict.Release()
		m.dict = nil
	}
}

// Strings calls fn for every non-null row with its string value.
func (b *Batch) Strings(col string, fn func(i int, s string)) error {
	a := b.col(col)
	if a == nil {
		return nil
	}
	if err := decodeStrings(a, fn); err != nil {
		return b.errorf(col, err)
	}
	return nil
}

// Views calls fn for every row with its string value, "" for a null row.
// Unlike Strings, s points into the batch and is only valid during the
// call: copy what you keep.
func (b *Batch) Views(col string, fn func(i int, s string)) error {
	a := b.col(col)
	if a == nil {
		for i := range b.Len() {
			fn(i, "")
		}
		return nil
	}
	next := 0
	err := viewStrings(a, func(i int, s string) {
		for ; next < i; next++ {
			fn(next, "")
		}
		fn(i, s)
		next = i + 1
	})
	if err != nil {
		return b.errorf(col, err)
	}
	for ; next < b.Len(); next++ {
		fn(next, "")
	}
	return nil
}

// Micros sets out[i] to row i's instant in µs since the epoch; null rows
// are left alone.
func (b *Batch) Micros(col string, out []int64) error {
	a := b.col(col)
	if a == nil {
		return nil
	}
	if ts, ok := a.(*array.Timestamp); ok {
		if tt, ok := ts.DataType().(*arrow.TimestampType); ok && tt.Unit == arrow.Microsecond {
			vals := ts.TimestampValues()
			for i := range out {
				if ts.IsValid(i) {
					out[i] = int64(vals[i])
				}
			}
			return nil
		}
	}
	if err := decodeTimes(a, func(i int, t time.Time) { out[i] = t.UnixMicro() }); err != nil {
		return b.errorf(col, err)
	}
	return nil
}

// Bools sets out[i] to row i's value; null rows are left alone.
func (b *Batch) Bools(col string, out []bool) error {
	a := b.col(col)
	if a == nil {
		return nil
	}
	if err := decodeBools(a, func(i int, v bool) { out[i] = v }); err != nil {
		return b.errorf(col, err)
	}
	return nil
}

// Int32s sets out[i] to row i's value; null rows are left alone. Values
// out of the int32 range are an error.
func (b *Batch) Int32s(col string, out []int32) error {
	a := b.col(col)
	if a == nil {
		return nil
	}
	err := decodeInts(a, func(i int, v int64) error {
		if v < -1<<31 || v > 1<<31-1 {
			return fmt.Errorf("value %d at row %d is out of the int32 range", v, i)
		}
		out[i] = int32(v)
		return nil
	})
	if err != nil {
		return b.errorf(col, err)
	}
	return nil
}

// ReadPeople reads the latest people snapshot (the people table of
// ReadTables), sorted by person_id.
func ReadPeople(ctx context.Context, root string) ([]Person, error) {
	if err := checkDataset(root); err != nil {
		return nil, err
	}
	weeks, err := ListWeeks(root, TablePeople)
	if err != nil {
		return nil, fmt.Errorf("read dataset: %w", err)
	}
	if len(weeks) == 0 {
		return nil, nil
	}
	people, err := readPartitions(ctx, root, peopleTable, weeks[len(weeks)-1:], memory.DefaultAllocator)
	if err != nil {
		return nil, err
	}
	if !slices.IsSortedFunc(people, comparePeople) { // as written (one file)
		slices.SortFunc(people, comparePeople)
	}
	return people, nil
}

// ScanRows returns the number of rows Scan would visit (from the files'
// footers, without decoding them), so a reader can size its arrays once.
func ScanRows(root, table string, weeks []Week) (int64, error) {
	dirs, err := weekDirs(root, table)
	if err != nil {
		return 0, err
	}
	var n int64
	for _, w := range weeks {
		for _, dir := range dirs[w] {
			files, err := partitionFiles(dir)
			if err != nil {
				return 0, err
			}
			for _, path := range files {
				rows, err := footerRows(path)
				if err != nil {
					return 0, err
				}
				n += rows
			}
		}
	}
	return n, nil
}

func footerRows(path string) (n int64, err error) {
	defer func() {
		if p := recover(); p != nil {
			n, err = 0, fmt.Errorf("read %s: corrupt Parquet file: %v", path, p)
		}
	}()
	pr, err := openParquet(path, memory.DefaultAllocator)
	if err != nil {
		return 0, err
	}
	defer pr.Close()
	return pr.NumRows(), nil
}
