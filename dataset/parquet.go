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
func writeFile[T any](ctx context.Context, path string, t *table[T], rows []T, starts []int64, mem memory.Allocator) (err error) {
	dir, name := filepath.Split(path)
	f, err := os.CreateTemp(dir, "."+name+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	fw, err := pqarrow.NewFileWriter(t.schema, bw, writerProps(t.name, t.schema, mem),
		pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(mem)))
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// A row group ends with its band (see bands): attendance is banded by
	// its events' starts, events and messages by t.band.
	var band func(k int) uint8
	switch {
	case starts != nil:
		band = func(k int) uint8 { return eventBands.of(time.UnixMicro(starts[k])) }
	case t.band != nil:
		band = func(k int) uint8 { return t.band(&rows[k]) }
	}
	var ranges []TimeRange // of starts, per row group
	for lo, hi := 0, 0; lo < len(rows); lo = hi {
		if err := ctx.Err(); err != nil {
			fw.Close()
			return err
		}
		hi = min(lo+rowGroupRows, len(rows))
		if band != nil {
			b := band(lo)
			for k := lo + 1; k < hi; k++ {
				if band(k) != b {
					hi = k
					break
				}
			}
		}
		if starts != nil {
			ranges = append(ranges, span(starts[lo:hi]))
		}
		rec := t.record(mem, rows[lo:hi])
		err := fw.Write(rec)
		rec.Release()
		if err != nil {
			fw.Close()
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	if starts != nil {
		if err := fw.AppendKeyValueMetadata(eventStartsKey, formatRanges(ranges)); err != nil {
			fw.Close()
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	if err := fw.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write %s: sync: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
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
