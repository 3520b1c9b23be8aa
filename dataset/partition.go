package dataset

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"golang.org/x/sync/errgroup"
)

// successMarker is the file written into a partition directory after each
// successful write to it.
const successMarker = "_SUCCESS"

// partitionDir returns <root>/<table>/week=YYYY-Www.
func partitionDir(root, table string, w Week) string {
	return filepath.Join(root, table, "week="+w.String())
}

// partName returns the name of file n of shard: part-<shard>-<n>.parquet.
func partName(shard string, n int) string {
	return fmt.Sprintf("part-%s-%05d.parquet", shard, n)
}

// isShardPart reports whether name is a part file of shard, whatever its n.
func isShardPart(name, shard string) bool {
	rest, ok := strings.CutPrefix(name, "part-"+shard+"-")
	if !ok {
		return false
	}
	n, ok := strings.CutSuffix(rest, ".parquet")
	return ok && n != "" && strings.Trim(n, "0123456789") == ""
}

// validShard reports whether s can name a shard in part file names.
func validShard(s string) bool {
	return s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == ""
}

// hidden reports whether a file or directory name is one readers skip:
// markers (_SUCCESS, _metadata) and temporary or hidden files.
func hidden(name string) bool {
	return strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".")
}

// ListWeeks returns the week partitions present in <root>/<table>, sorted.
// A missing table directory has none. The partition key is matched without
// regard to case (DuckDB's PARTITION_BY names the directories after the
// column, e.g. Week=2026-W47). Any other non-hidden entry in the table
// directory, or a partition whose value is not a week, is an error: data
// outside week partitions would otherwise be silently left out.
func ListWeeks(root, table string) ([]Week, error) {
	dirs, err := weekDirs(root, table)
	if err != nil || dirs == nil {
		return nil, err
	}
	weeks := make([]Week, 0, len(dirs))
	for w := range dirs {
		weeks = append(weeks, w)
	}
	slices.SortFunc(weeks, compareWeeks)
	return weeks, nil
}

// weekDirs maps each week partition of <root>/<table> to its directories
// (more than one when spellings of the key differ, e.g. week= and Week=).
func weekDirs(root, table string) (map[Week][]string, error) {
	dir := filepath.Join(root, table)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list weeks: %w", err)
	}
	out := map[Week][]string{}
	for _, e := range entries {
		name := e.Name()
		if hidden(name) {
			continue
		}
		if len(name) < 5 || !strings.EqualFold(name[:5], "week=") || !e.IsDir() {
			return nil, fmt.Errorf("list weeks %s: %s is not a week partition: want directories named week=YYYY-Www (e.g. week=2026-W47) holding the Parquet files", dir, name)
		}
		w, err := ParseWeek(name[5:])
		if err != nil {
			return nil, fmt.Errorf("list weeks %s: partition %s: %w", dir, name, err)
		}
		out[w] = append(out[w], filepath.Join(dir, name))
	}
	for _, d := range out {
		slices.Sort(d)
	}
	return out, nil
}

func compareWeeks(a, b Week) int {
	switch {
	case a.Before(b):
		return -1
	case b.Before(a):
		return 1
	}
	return 0
}

// partitionFiles returns the data files under dir, at any depth (nested
// Hive partitions are allowed), sorted, skipping hidden names.
func partitionFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path == dir {
			return nil
		}
		if hidden(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	return files, nil
}

// readPartitions reads every data file of the given week partitions of t.
// Rows are passed to fill with their partition's week before they are kept.
func readPartitions[T any](ctx context.Context, root string, t *table[T], weeks []Week, mem memory.Allocator) ([]T, error) {
	return readPartitionsFill(ctx, root, t, weeks, nil, mem)
}

func readPartitionsFill[T any](ctx context.Context, root string, t *table[T], weeks []Week, fill func([]T, Week), mem memory.Allocator) ([]T, error) {
	dirs, err := weekDirs(root, t.name)
	if err != nil {
		return nil, err
	}
	var out []T
	for _, w := range weeks {
		for _, dir := range dirs[w] {
			files, err := partitionFiles(dir)
			if err != nil {
				return nil, err
			}
			for _, path := range files {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				rows, err := readFile(ctx, path, t, mem)
				if err != nil {
					return nil, err
				}
				if fill != nil {
					fill(rows, w)
				}
				if out == nil {
					out = rows // one file: no copy
				} else {
					out = append(out, rows...)
				}
			}
		}
	}
	return out, nil
}

// writePartition replaces shard's files in the partition of t for week w
// with rows (already sorted): it writes part-<shard>-<n>.parquet files
// atomically, removes the shard's other part files there, syncs the
// directory and then writes the _SUCCESS marker.
func writePartition[T any](ctx context.Context, root string, t *table[T], w Week, shard string, rows []T, perFile int, mem memory.Allocator) error {
	names, err := writeParts(ctx, root, t, w, shard, 0, rows, nil, perFile, mem)
	if err != nil {
		return err
	}
	return finishPartition(root, t.name, w, shard, names)
}

// writeParts writes rows (already sorted) into the partition of t for week
// w as files part-<shard>-<first>.parquet, part-<shard>-<first+1>… of at
// most perFile rows (at most fileRows), each atomically, up to one per
// core at a time, and returns their names.
func writeParts[T any](ctx context.Context, root string, t *table[T], w Week, shard string, first int, rows []T, starts []int64, perFile int, mem memory.Allocator) ([]string, error) {
	dir := partitionDir(root, t.name, w)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("write %s: %w", t.name, err)
	}
	perFile = max(1, min(perFile, fileRows))
	var names []string
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for n, lo := first, 0; lo < len(rows); n, lo = n+1, lo+perFile {
		name := partName(shard, n)
		hi := min(lo+perFile, len(rows))
		part := rows[lo:hi]
		var st []int64
		if starts != nil {
			st = starts[lo:hi]
		}
		g.Go(func() error { return writeFile(gctx, filepath.Join(dir, name), t, part, st, mem) })
		names = append(names, name)
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return names, nil
}

// coreFileRows is the smallest file splitFiles makes.
var coreFileRows = 1 << 15

// splitFiles returns how many rows to put in each file so that n rows are
// written as one file per core (each of at least coreFileRows rows), for
// a writer that waits on the write.
func splitFiles(n int) int {
	return max(coreFileRows, (n+runtime.GOMAXPROCS(0)-1)/runtime.GOMAXPROCS(0))
}

// finishPartition removes shard's part files other than keep from the
// partition of table for week w, syncs the directory and then writes the
// _SUCCESS marker.
func finishPartition(root, table string, w Week, shard string, keep []string) error {
	dir := partitionDir(root, table, w)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("write %s: %w", table, err)
	}
	for _, e := range entries {
		if isShardPart(e.Name(), shard) && !slices.Contains(keep, e.Name()) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("write %s: remove stale part: %w", table, err)
			}
		}
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("write %s: %w", table, err)
	}
	if err := writeMarker(dir); err != nil {
		return fmt.Errorf("write %s: %w", table, err)
	}
	return nil
}

// writeMarker atomically writes an empty _SUCCESS file in dir.
func writeMarker(dir string) error {
	f, err := os.CreateTemp(dir, "."+successMarker+".tmp-*")
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(dir, successMarker))
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write marker: %w", err)
	}
	return syncDir(dir)
}

// syncDir fsyncs a directory so that renames and removals in it are durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
