package dataset_test

import (
	"context"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/overload-engine/overload/dataset"
)

// TestReadMutatedFiles overwrites bytes, 32-bit fields and short runs of a
// valid file. Each read must end within seconds with rows or an error: a
// corrupt stored Arrow schema once made arrow-go allocate 300 GB and die.
func TestReadMutatedFiles(t *testing.T) {
	seed, rel := corruptionSeed(t)
	r := rand.New(rand.NewPCG(9, 9))
	for i := range 1000 {
		b := append([]byte(nil), seed...)
		switch r.IntN(3) {
		case 0:
			b[r.IntN(len(b))] = byte(r.IntN(256))
		case 1:
			p := r.IntN(len(b) - 4)
			binary.LittleEndian.PutUint32(b[p:], r.Uint32())
		case 2:
			p := r.IntN(len(b))
			b = append(b[:p], b[p+1+r.IntN(min(8, len(b)-p)):]...)
		}
		root := t.TempDir()
		path := filepath.Join(root, rel)
		os.MkdirAll(filepath.Dir(path), 0o755)
		os.WriteFile(path, b, 0o644)
		done := make(chan struct{})
		go func() {
			defer close(done)
			if _, err := dataset.ReadTables(context.Background(), root, nil); err != nil && !strings.Contains(err.Error(), path) {
				t.Errorf("mutation %d: error does not name the file: %v", i, err)
			}
			// The streaming reader too (dictionaries, decoding ahead).
			w10 := dataset.Week{Year: 2026, Num: 10}
			cols := []string{"event_id", "start", "organizer_id", "kind", "invitees"}
			err := dataset.Scan(context.Background(), root, dataset.TableEvents, []dataset.Week{w10}, cols, []string{"organizer_id", "kind"}, nil,
				func(b *dataset.Batch) error {
					n := b.Len()
					codes, start, inv := make([]int32, n), make([]int64, n), make([]int32, n)
					return errors.Join(
						b.Codes("organizer_id", func(s string) int32 { return int32(len(s)) }, -1, codes),
						b.Codes("kind", func(s string) int32 { return int32(len(s)) }, -1, codes),
						b.Views("event_id", func(int, string) {}),
						b.Micros("start", start), b.Int32s("invitees", inv))
				})
			if err != nil && !strings.Contains(err.Error(), path) {
				t.Errorf("mutation %d: Scan error does not name the file: %v", i, err)
			}
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("mutation %d: the read did not end within 5 s", i)
		}
	}
}
