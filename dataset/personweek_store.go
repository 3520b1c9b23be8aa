package dataset

import (
	"cmp"
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

// WritePersonWeek writes rows into <root>/person_week, partitioned by each
// row's Week (which must parse as a week), with the same atomic and
// replace-my-shard rules as WriteTables. shard "" means DefaultShard.
func WritePersonWeek(ctx context.Context, root string, rows []PersonWeek, shard string) error {
	return writePersonWeek(ctx, root, rows, shard, memory.DefaultAllocator)
}

func writePersonWeek(ctx context.Context, root string, rows []PersonWeek, shard string, mem memory.Allocator) error {
	shard, err := checkShard(shard)
	if err != nil {
		return fmt.Errorf("write person_week: %w", err)
	}
	weeks := make([]Week, len(rows))
	for i, r := range rows {
		if weeks[i], err = ParseWeek(r.Week); err != nil {
			return fmt.Errorf("write person_week: row of %s: %w", r.PersonID, err)
		}
		if weeks[i].String() != r.Week {
			return fmt.Errorf("write person_week: row of %s: week %q: want the form %s", r.PersonID, r.Week, weeks[i])
		}
	}
	if err := os.MkdirAll(filepath.Join(root, TablePersonWeek), 0o755); err != nil {
		return fmt.Errorf("write person_week: %w", err)
	}
	return writeByWeek(ctx, root, personWeekTable, shard, rows,
		func(i int) Week { return weeks[i] },
		func(i, j int) int { return comparePersonWeek(&rows[i], &rows[j]) }, mem)
}

// ReadPersonWeek reads the person_week partitions of weeks (all of them
// when weeks is nil), sorted by Week then PersonId. A missing root or
// person_week directory is an error.
func ReadPersonWeek(ctx context.Context, root string, weeks []Week) ([]PersonWeek, error) {
	return readPersonWeek(ctx, root, weeks, memory.DefaultAllocator)
}

func readPersonWeek(ctx context.Context, root string, weeks []Week, mem memory.Allocator) ([]PersonWeek, error) {
	dir := filepath.Join(root, TablePersonWeek)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		if err == nil || errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("read person_week: %s has no %s directory", root, TablePersonWeek)
		}
		return nil, fmt.Errorf("read person_week: %w", err)
	}
	present, err := ListWeeks(root, TablePersonWeek)
	if err != nil {
		return nil, fmt.Errorf("read person_week: %w", err)
	}
	if weeks != nil {
		present = slices.DeleteFunc(present, func(w Week) bool { return !slices.Contains(weeks, w) })
	}
	// A file without a Week column (DuckDB's PARTITION_BY moves it into the
	// directory name) takes its partition's week.
	fill := func(rows []PersonWeek, w Week) {
		for i := range rows {
			if rows[i].Week == "" {
				rows[i].Week = w.String()
			}
		}
	}
	rows, err := readPartitionsFill(ctx, root, personWeekTable, present, fill, mem)
	if err != nil {
		return nil, err
	}
	sortPtr(rows, comparePersonWeek)
	return rows, nil
}

func comparePersonWeek(a, b *PersonWeek) int {
	return cmp.Or(strings.Compare(a.Week, b.Week), strings.Compare(a.PersonID, b.PersonID))
}
