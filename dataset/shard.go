package dataset

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// A Shard is one of Count disjoint slices of the people of a dataset:
// person p belongs to shard ShardOf(p, Count). Index is 0-based. The zero
// value and {0, 1} both mean "everyone".
//
// The function is a stable hash of the person_id string alone (FNV-1a, 64
// bit), so any process, machine or framework (a Kubernetes Indexed Job, a
// Beam DoFn) that knows the Count puts every person in the same shard.
type Shard struct {
	Index, Count int
}

// ShardOf returns the shard, in [0, n), of personID; n < 2 gives 0.
func ShardOf(personID string, n int) int {
	if n < 2 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(personID))
	return int(h.Sum64() % uint64(n))
}

// All reports whether s covers every person.
func (s Shard) All() bool { return s.Count < 2 }

// Contains reports whether personID is in s.
func (s Shard) Contains(personID string) bool {
	return s.All() || ShardOf(personID, s.Count) == s.Index
}

// String returns s as "i/N" (0-based i), or "all".
func (s Shard) String() string {
	if s.All() {
		return "all"
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// Name returns a part-file shard name for s (letters and digits only):
// "s003of016", or DefaultShard for everyone.
func (s Shard) Name() string {
	if s.All() {
		return DefaultShard
	}
	return fmt.Sprintf("s%03dof%03d", s.Index, s.Count)
}

// MaxShards bounds Shard.Count.
const MaxShards = 4096

// ParseShard parses "i/N" with 0 ≤ i < N ≤ MaxShards. "" and "all" give
// the zero Shard.
func ParseShard(s string) (Shard, error) {
	if s == "" || s == "all" {
		return Shard{}, nil
	}
	is, ns, ok := strings.Cut(s, "/")
	if !ok {
		return Shard{}, fmt.Errorf("shard %q: want i/N, e.g. 0/4 (i counts from 0)", s)
	}
	i, err1 := strconv.Atoi(is)
	n, err2 := strconv.Atoi(ns)
	if err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("shard %q: want i/N with whole numbers, e.g. 0/4", s)
	}
	if n < 1 || n > MaxShards {
		return Shard{}, fmt.Errorf("shard %q: N must be between 1 and %d", s, MaxShards)
	}
	if i < 0 || i >= n {
		return Shard{}, fmt.Errorf("shard %q: i must be between 0 and %d (shards count from 0)", s, n-1)
	}
	return Shard{Index: i, Count: n}, nil
}

// PartShard returns the shard name of a part file name
// (part-<shard>-<n>.parquet), or "" if name is not a part file.
func PartShard(name string) string {
	rest, ok := strings.CutPrefix(name, "part-")
	if !ok {
		return ""
	}
	i := strings.LastIndexByte(rest, '-')
	if i <= 0 || !isShardPart(name, rest[:i]) {
		return ""
	}
	return rest[:i]
}

// PartitionParts lists the part files of table's partition for week w
// (names only, sorted); a missing partition has none.
func PartitionParts(root, table string, w Week) ([]string, error) {
	entries, err := os.ReadDir(partitionDir(root, table, w))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && !hidden(e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

// PrunePartition removes, from table's partition for week w, the part
// files of every shard not in keep: what an earlier run with another
// shard layout left behind.
func PrunePartition(root, table string, w Week, keep []string) error {
	names, err := PartitionParts(root, table, w)
	if err != nil {
		return fmt.Errorf("prune %s %s: %w", table, w, err)
	}
	dir := partitionDir(root, table, w)
	for _, n := range names {
		if s := PartShard(n); s != "" && !slices.Contains(keep, s) {
			if err := os.Remove(filepath.Join(dir, n)); err != nil {
				return fmt.Errorf("prune %s %s: %w", table, w, err)
			}
		}
	}
	return nil
}
