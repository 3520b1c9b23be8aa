package ingest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// The sorter gives every key's records together, keys in order, each
// key's records by rank (the owner's copy first), whether it held them in
// memory or merged them from run files; the files are gone afterwards.
func TestCopySorter(t *testing.T) {
	for _, size := range []int{1 << 18, 1, 7, 64} {
		t.Run(fmt.Sprintf("sortRecords=%d", size), func(t *testing.T) {
			defer func(old int) { sortRecords = old }(sortRecords)
			sortRecords = size
			rng := rand.New(rand.NewPCG(1, uint64(size)))
			dir := filepath.Join(t.TempDir(), "choose")
			s := &copySorter{dir: dir}
			want := map[copyKey][]copyRecord{}
			const n = 2000
			for i, copy := range rng.Perm(n) {
				// 300 keys, some sharing a first word; ranks unique.
				k := copyKey{uint64(rng.IntN(30)), uint64(rng.IntN(10))}
				r := newCopyRecord(k, int64(copy), rng.IntN(5) == 0, rng.Int64())
				want[k] = append(want[k], r)
				if err := s.add(r); err != nil {
					t.Fatal(err)
				}
				if i == n/2 {
					files, _ := os.ReadDir(dir)
					if wantFiles := (n/2 + 1) / size; len(files) != wantFiles {
						t.Errorf("%d records added: %d run files, want %d", n/2, len(files), wantFiles)
					}
				}
			}
			var keys []copyKey
			got := map[copyKey][]copyRecord{}
			err := s.each(func(g []copyRecord) error {
				keys = append(keys, g[0].key)
				got[g[0].key] = slices.Clone(g)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			byKey := func(a, b copyKey) int { return compareCopies(copyRecord{key: a}, copyRecord{key: b}) }
			if !slices.IsSortedFunc(keys, byKey) || len(keys) != len(want) || len(slices.CompactFunc(keys, func(a, b copyKey) bool { return a == b })) != len(want) {
				t.Errorf("%d groups: want %d, one a key, keys in order", len(keys), len(want))
			}
			for k, rs := range want {
				slices.SortFunc(rs, compareCopies)
				if !slices.Equal(got[k], rs) {
					t.Fatalf("key %v: records %v, want %v", k, got[k], rs)
				}
				owner := slices.IndexFunc(rs, func(r copyRecord) bool { return r.rank>>63 == 0 })
				if owner >= 0 && owner != 0 {
					t.Fatalf("key %v: the owner's copy is record %d, want the first", k, owner)
				}
			}
			if files, _ := os.ReadDir(dir); len(files) != 0 {
				t.Errorf("run files left: %d", len(files))
			}
		})
	}
}

// A run file cut short fails the merge with an error, and fn's error
// stops it; the run files are removed either way.
func TestCopySorter_errors(t *testing.T) {
	defer func(old int) { sortRecords = old }(sortRecords)
	sortRecords = 4
	fill := func(dir string) *copySorter {
		s := &copySorter{dir: dir}
		for i := range 10 {
			if err := s.add(newCopyRecord(copyKey{uint64(i % 3), 0}, int64(i), false, 0)); err != nil {
				t.Fatal(err)
			}
		}
		return s
	}
	dir := filepath.Join(t.TempDir(), "choose")
	s := fill(dir)
	if err := os.Truncate(s.runs[1].Name(), copyRecordSize*2+5); err != nil {
		t.Fatal(err)
	}
	if err := s.each(func([]copyRecord) error { return nil }); err == nil {
		t.Error("each over a run cut short: nil error, want one")
	}
	stop := errors.New("stop")
	s = fill(dir)
	calls := 0
	if err := s.each(func([]copyRecord) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
		t.Errorf("each = %v after %d calls, want fn's error after 1", err, calls)
	}
	if files, _ := os.ReadDir(dir); len(files) != 0 {
		t.Errorf("run files left: %d", len(files))
	}
}
