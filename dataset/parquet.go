package dataset

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// Variables so that tests can make them small.
var (
	// rowGroupRows is the largest row group the store writes.
	rowGroupRows = 1 << 20
	// fileRows is the largest file the store writes; bigger partitions
	// are split into part-<shard>-<n> files with n = 0, 1, ….
	fileRows = 8 * rowGroupRows
	// dictPageLimit is the largest dictionary page the store writes.
	dictPageLimit int64 = 32 << 20
	// readBatchRows is the record batch size used when reading.
	readBatchRows = 1 << 17
)

// writerProps returns the Parquet writer properties for a table: zstd,
// row groups of at most rowGroupRows, dictionary encoding for strings but
// not for timestamps, dates and hours, nor for the table's own ids (a
// dictionary of unique values only costs).
//
// Dictionaries may grow to dictPageLimit: a row group of 100,000 people's
// messages names ~100,000 recipients, more than the default 1 MiB holds,
// and a column past its limit falls back to plain pages, which a reader
// asking for dictionaries (the analysis) must hash value by value again.
//
// Timestamps are PLAIN, not DELTA_BINARY_PACKED: arrow-go v18.8.0's delta
// decoder never frees a 64-byte buffer per block (deltaBitPackDecoder.
// initBlock), which memory.CheckedAllocator reports as a leak.
func writerProps(table string, sc *arrow.Schema, mem memory.Allocator) *parquet.WriterProperties {
	opts := []parquet.WriterProperty{
		parquet.WithAllocator(mem),
		parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithMaxRowGroupLength(int64(rowGroupRows)),
		parquet.WithDictionaryDefault(true),
		parquet.WithDictionaryPageSizeLimit(dictPageLimit),
		parquet.WithCreatedBy("overload dataset format " + FormatVersion),
	}
	for _, f := range sc.Fields() {
		switch f.Type.ID() {
		case arrow.TIMESTAMP, arrow.DATE32, arrow.FLOAT64:
			opts = append(opts, parquet.WithDictionaryFor(f.Name, false))
		}
	}
	switch table {
	case TableEvents:
		opts = append(opts, parquet.WithDictionaryFor("event_id", false))
	case TableMessages:
		opts = append(opts, parquet.WithDictionaryFor("message_id", false))
	}
	return parquet.NewWriterProperties(opts...)
}

// writeFile writes rows, already sorted, to path atomically: it writes a
// hidden temporary file in the same directory, fsyncs it and renames it
// over path. On error the temporary file is removed and path is untouched.
// starts is nil but for attendance (see partWriter.add).
func writeFile[T any](ctx context.Context, path string, t *table[T], rows []T, starts []int64, mem memory.Allocator) error {
	pw, err := newPartWriter(path, t, starts != nil, mem)
	if err != nil {
		return err
	}
	if err := pw.add(ctx, rows, starts); err != nil {
		pw.abort()
		return err
	}
	return pw.finish()
}

// A partWriter writes one Parquet file of t atomically, its rows (already
// sorted) given in order over any number of add calls, so that a writer
// need not hold them all: it writes a hidden temporary file in the same
// directory, and finish fsyncs it and renames it over path. abort removes
// the temporary file; path is untouched until finish succeeds.
//
// A row group ends after rowGroupRows rows and where the band changes
// (see bands): attendance is banded by its events' starts, events and
// messages by t.band. Row groups are buffered as encoded, compressed
// pages until they end, not as rows.
type partWriter[T any] struct {
	path, tmp  string
	t          *table[T]
	mem        memory.Allocator
	f          *os.File
	bw         *bufio.Writer
	fw         *pqarrow.FileWriter
	attendance bool        // rows come with their events' starts, recorded per row group
	ranges     []TimeRange // of those starts, per row group so far
	groupRows  int         // rows in the open row group
	groupBand  uint8       // its band
	rows       int         // rows written
}

// newPartWriter starts the file at path; with attendance, add takes each
// row's event start.
func newPartWriter[T any](path string, t *table[T], attendance bool, mem memory.Allocator) (*partWriter[T], error) {
	dir, name := filepath.Split(path)
	f, err := os.CreateTemp(dir, "."+name+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	pw := &partWriter[T]{path: path, tmp: f.Name(), t: t, mem: mem, f: f, bw: bufio.NewWriterSize(f, 1<<20), attendance: attendance}
	pw.fw, err = pqarrow.NewFileWriter(t.schema, pw.bw, writerProps(t.name, t.schema, mem),
		pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(mem)))
	if err != nil {
		f.Close()
		os.Remove(pw.tmp)
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return pw, nil
}

// add writes rows after those added before. For attendance, starts[k] is
// the start of rows[k]'s event in µs since the epoch; else starts is nil.
func (pw *partWriter[T]) add(ctx context.Context, rows []T, starts []int64) error {
	band := func(int) uint8 { return 0 }
	switch {
	case pw.attendance:
		band = func(k int) uint8 { return eventBands.of(time.UnixMicro(starts[k])) }
	case pw.t.band != nil:
		band = func(k int) uint8 { return pw.t.band(&rows[k]) }
	}
	for lo, hi := 0, 0; lo < len(rows); lo = hi {
		if err := ctx.Err(); err != nil {
			return err
		}
		b := band(lo)
		if pw.groupRows > 0 && (b != pw.groupBand || pw.groupRows == rowGroupRows) {
			if err := pw.fw.NewBufferedRowGroupChecked(); err != nil {
				return fmt.Errorf("write %s: %w", pw.path, err)
			}
			pw.groupRows = 0
		}
		hi = min(lo+rowGroupRows-pw.groupRows, len(rows))
		for k := lo + 1; k < hi; k++ {
			if band(k) != b {
				hi = k
				break
			}
		}
		if pw.attendance {
			r := span(starts[lo:hi])
			if pw.groupRows == 0 {
				pw.ranges = append(pw.ranges, r)
			} else {
				last := &pw.ranges[len(pw.ranges)-1]
				last.From, last.To = min(last.From, r.From), max(last.To, r.To)
			}
		}
		pw.groupBand = b
		rec := pw.t.record(pw.mem, rows[lo:hi])
		err := pw.fw.WriteBuffered(rec)
		rec.Release()
		if err != nil {
			return fmt.Errorf("write %s: %w", pw.path, err)
		}
		pw.groupRows += hi - lo
		pw.rows += hi - lo
	}
	return nil
}

// finish writes the footer, fsyncs the file and renames it over path; on
// error it aborts.
func (pw *partWriter[T]) finish() (err error) {
	defer func() {
		if err != nil {
			pw.abort()
		}
	}()
	if pw.attendance {
		if err := pw.fw.AppendKeyValueMetadata(eventStartsKey, formatRanges(pw.ranges)); err != nil {
			return fmt.Errorf("write %s: %w", pw.path, err)
		}
	}
	err = pw.fw.Close()
	pw.fw = nil
	if err != nil {
		return fmt.Errorf("write %s: %w", pw.path, err)
	}
	if err := pw.bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", pw.path, err)
	}
	if err := pw.f.Sync(); err != nil {
		return fmt.Errorf("write %s: sync: %w", pw.path, err)
	}
	err = pw.f.Close()
	pw.f = nil
	if err != nil {
		return fmt.Errorf("write %s: %w", pw.path, err)
	}
	if err := os.Rename(pw.tmp, pw.path); err != nil {
		return fmt.Errorf("write %s: %w", pw.path, err)
	}
	return nil
}

// abort removes the temporary file.
func (pw *partWriter[T]) abort() {
	if pw.fw != nil {
		pw.fw.Close()
		pw.fw = nil
	}
	if pw.f != nil {
		pw.f.Close()
		pw.f = nil
	}
	os.Remove(pw.tmp)
}

// readFile reads the rows of t from the Parquet file at path, decoding only
// the columns t knows. Every error names path.
//
// arrow-go's Parquet decoder panics on some corrupt files (bad page headers,
// impossible lengths); such a panic is turned into an error naming the file,
// since a corrupt input must never crash a run (FuzzReadParquet).
func readFile[T any](ctx context.Context, path string, t *table[T], mem memory.Allocator) (rows []T, err error) {
	defer func() {
		if p := recover(); p != nil {
			rows, err = nil, fmt.Errorf("read %s: corrupt Parquet file: %v", path, p)
		}
	}()
	pr, err := openParquet(path, mem)
	if err != nil {
		return nil, err
	}
	defer pr.Close()
	props := pqarrow.ArrowReadProperties{BatchSize: int64(readBatchRows)}
	fr, err := pqarrow.NewFileReader(pr, props, mem)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	leaves, err := t.leaves(fr.Manifest)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if pr.NumRows() == 0 {
		return nil, nil
	}
	// Strings the file stores as a dictionary (values that repeat) are read
	// as one: each distinct value is decoded and copied once, not once per
	// row (people of a 100k organisation: 1.09 M → 0.12 M allocations).
	if setReadDict(pr, &props, leaves) {
		// The reader fixes the Arrow types when it is made.
		if fr, err = pqarrow.NewFileReader(pr, props, mem); err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
	}
	rr, err := fr.GetRecordReader(ctx, leaves, nil)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer rr.Release()
	out := make([]T, 0, pr.NumRows())
	for rr.Next() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rec := rr.RecordBatch()
		n := int(rec.NumRows())
		out = slices.Grow(out, n)
		if err := t.decodeRecord(rec, out[len(out):len(out)+n]); err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		out = out[:len(out)+n]
	}
	if err := rr.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return out, nil
}

// setReadDict sets props to read as Arrow dictionaries the string leaves
// that the file's first row group stores dictionary-encoded, and reports
// whether there was one.
func setReadDict(pr *file.Reader, props *pqarrow.ArrowReadProperties, leaves []int) bool {
	if pr.NumRowGroups() == 0 {
		return false
	}
	rg := pr.MetaData().RowGroup(0)
	found := false
	for _, l := range leaves {
		if pr.MetaData().Schema.Column(l).PhysicalType() != parquet.Types.ByteArray {
			continue
		}
		if cc, err := rg.ColumnChunk(l); err == nil && cc.HasDictionaryPage() {
			props.SetReadDict(l, true)
			found = true
		}
	}
	return found
}

// openParquet opens the Parquet file at path for reading, checks its
// format version and hides its stored Arrow schema. Closing the reader
// closes the file. Errors name path.
func openParquet(path string, mem memory.Allocator) (*file.Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	props := parquet.NewReaderProperties(mem)
	props.BufferedStreamEnabled = true
	props.BufferSize = 1 << 20
	pr, err := file.NewParquetReader(f, file.WithReadProps(props))
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("read %s: not a readable Parquet file: %w", path, err)
	}
	if v := pr.MetaData().KeyValueMetadata().FindValue(formatVersionKey); v != nil && *v != FormatVersion {
		pr.Close()
		return nil, fmt.Errorf("read %s: unsupported %s %q (want %s)", path, formatVersionKey, *v, FormatVersion)
	}
	ignoreStoredArrowSchema(pr)
	return pr, nil
}

// ignoreStoredArrowSchema hides the ARROW:schema key of a file's metadata
// from pqarrow. The reader needs only the Parquet logical types (it accepts
// any string, timestamp and integer encoding), and pqarrow decodes the stored
// schema without bounds checks: a corrupt one makes it allocate hundreds of
// gigabytes, a fatal out-of-memory that no recover catches (found by
// FuzzReadParquet). The key/value entries are shared pointers, so renaming
// the key here is what pqarrow.NewFileReader then sees.
func ignoreStoredArrowSchema(pr *file.Reader) {
	for _, kv := range pr.MetaData().KeyValueMetadata() {
		if kv != nil && kv.Key == "ARROW:schema" {
			kv.Key = "ARROW:schema (ignored by overload)"
		}
	}
}

// leaves returns the Parquet leaf-column indices of the top-level fields
// of m that t reads, or an error naming the first required column m lacks.
func (t *table[T]) leaves(m *pqarrow.SchemaManifest) ([]int, error) {
	byName := make(map[string]*pqarrow.SchemaField, len(m.Fields))
	for i := range m.Fields {
		sf := &m.Fields[i]
		if sf.Field == nil {
			continue
		}
		if _, dup := byName[sf.Field.Name]; !dup {
			byName[sf.Field.Name] = sf
		}
	}
	var leaves []int
	for _, c := range t.cols {
		sf, ok := byName[c.field.Name]
		if !ok {
			if c.required() {
				return nil, fmt.Errorf("%s: missing required column %q", t.name, c.field.Name)
			}
			continue
		}
		leaves = appendLeaves(leaves, sf)
	}
	if len(leaves) == 0 {
		return nil, errors.New(t.name + ": no known columns")
	}
	return leaves, nil
}

func appendLeaves(dst []int, sf *pqarrow.SchemaField) []int {
	if sf.IsLeaf() {
		return append(dst, sf.ColIndex)
	}
	for i := range sf.Children {
		dst = appendLeaves(dst, &sf.Children[i])
	}
	return dst
}
