package dataset_test

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/overload-engine/overload/dataset"
)

// corruptionSeed writes a small valid dataset and returns the bytes of its
// events file and the file's path relative to the root.
func corruptionSeed(t testing.TB) ([]byte, string) {
	t.Helper()
	root := t.TempDir()
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tables := &dataset.Tables{}
	for i := range 50 {
		s := start.Add(time.Duration(i) * 37 * time.Minute)
		tables.Events = append(tables.Events, dataset.Event{EventID: "e" + strings.Repeat("x", i%7) + string(rune('a'+i%26)),
			Start: s, End: s.Add(time.Hour), Kind: dataset.KindMeeting, Invitees: int32(i), AttendeesNotDeclined: 2, OrganizerID: "p1"})
	}
	if err := dataset.WriteTables(context.Background(), root, tables, dataset.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	rel := filepath.Join("events", "week=2026-W10", "part-0000-00000.parquet")
	b, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b, rel
}

// readCorrupt writes data as the events file of a fresh dataset and reads it.
// It must return rows or an error naming the file, and never panic.
func readCorrupt(t *testing.T, data []byte, rel string) {
	root := t.TempDir()
	path := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := dataset.ReadTables(context.Background(), root, nil)
	if err != nil && !strings.Contains(err.Error(), path) {
		t.Errorf("error does not name the file %s: %v", path, err)
	}
}

// TestReadCorruptedFiles flips random bytes of a valid file many times.
func TestReadCorruptedFiles(t *testing.T) {
	seed, rel := corruptionSeed(t)
	r := rand.New(rand.NewPCG(3, 4))
	for range 300 {
		b := append([]byte(nil), seed...)
		for k := 1 + r.IntN(4); k > 0; k-- {
			b[r.IntN(len(b))] = byte(r.IntN(256))
		}
		readCorrupt(t, b, rel)
	}
}

func FuzzReadParquet(f *testing.F) {
	seed, rel := corruptionSeed(f)
	f.Add(seed)
	f.Add(seed[:len(seed)/2])
	f.Fuzz(func(t *testing.T, data []byte) { readCorrupt(t, data, rel) })
}
