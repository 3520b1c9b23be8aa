package dataset

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// small makes the store write and read in small row groups and batches for
// the duration of a test.
func small(t *testing.T, groupRows, batchRows int) {
	t.Helper()
	g, b, f := rowGroupRows, readBatchRows, fileRows
	rowGroupRows, readBatchRows, fileRows = groupRows, batchRows, 8*groupRows
	t.Cleanup(func() { rowGroupRows, readBatchRows, fileRows = g, b, f })
}

// TestScanCodes checks Codes, ListCodes and Views over several row groups
// and batches: every row gets the code of its own value although codes are
// computed once per dictionary value and reused across batches.
func TestScanCodes(t *testing.T) {
	small(t, 1000, 300)
	root := t.TempDir()
	start := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
	tb := &Tables{}
	for i := range 4500 {
		// Senders come in runs (files are sorted by sender); recipients
		// are spread.
		tb.Messages = append(tb.Messages, Message{
			MessageID: fmt.Sprintf("m%05d", i), Channel: ChannelEmail,
			SenderID:     fmt.Sprintf("s%03d", i/37),
			SentAt:       start.Add(time.Duration(i) * time.Minute),
			RecipientIDs: []string{fmt.Sprintf("r%03d", i%97), fmt.Sprintf("r%03d", (i*7)%101)},
		})
	}
	mustWrite(t, root, tb, WriteOptions{}, memory.DefaultAllocator)
	want := sorted(tb).Messages
	slices.SortFunc(want, func(a, b Message) int { return compareMessagesInFile(&a, &b) }) // Monday's first

	calls := map[string]int{}
	codeOf := func(s string) int32 {
		calls[s]++
		var n int32
		fmt.Sscanf(s[1:], "%d", &n)
		return n
	}
	row := 0
	fileRow := map[string]int{} // rows of each file scanned so far
	err := Scan(context.Background(), root, TableMessages, []Week{WeekOf(start)},
		[]string{"message_id", "sender_id", "recipient_ids"}, []string{"sender_id", "recipient_ids"}, nil,
		func(b *Batch) error {
			if b.Len() > 300 {
				t.Errorf("batch of %d rows, want ≤ 300", b.Len())
			}
			// A batch lies within one row group (one dictionary per column).
			lo := fileRow[b.Path]
			fileRow[b.Path] += b.Len()
			if g := rowGroupStarts(t, b.Path); slices.ContainsFunc(g, func(s int) bool { return lo < s && s < lo+b.Len() }) {
				t.Errorf("%s: batch of rows [%d, %d) spans row groups starting at %v", b.Path, lo, lo+b.Len(), g)
			}
			sender := make([]int32, b.Len())
			if err := b.Codes("sender_id", codeOf, -1, sender); err != nil {
				return err
			}
			off, rec, err := b.ListCodes("recipient_ids", codeOf, -1)
			if err != nil {
				return err
			}
			return b.Views("message_id", func(i int, id string) {
				w := want[row+i]
				if id != w.MessageID {
					t.Fatalf("row %d: message_id %q, want %q", row+i, id, w.MessageID)
				}
				if got := fmt.Sprintf("s%03d", sender[i]); got != w.SenderID {
					t.Errorf("row %d: sender code %s, want %s", row+i, got, w.SenderID)
				}
				for k, r := range rec[off[i]:off[i+1]] {
					if got := fmt.Sprintf("r%03d", r); got != w.RecipientIDs[k] {
						t.Errorf("row %d: recipient %d code %s, want %s", row+i, k, got, w.RecipientIDs[k])
					}
				}
				if i == b.Len()-1 {
					row += b.Len()
				}
			})
		})
	if err != nil {
		t.Fatal(err)
	}
	if row != len(want) {
		t.Fatalf("scanned %d rows, want %d", row, len(want))
	}
	// Dictionaries are in use and their codes reused: a value is looked
	// up at most once per row group (6 here: the head band's and five
	// more), not once per row or batch.
	groups := 0
	for path := range fileRow {
		groups += len(rowGroupStarts(t, path))
	}
	if groups < 5 {
		t.Fatalf("%d row groups, want ≥ 5: the test reads no dictionary twice", groups)
	}
	total := 0
	for s, n := range calls {
		total += n
		if n > groups {
			t.Errorf("%s looked up %d times, want ≤ %d (once per row group)", s, n, groups)
		}
	}
	if total >= len(want) {
		t.Errorf("%d lookups for %d rows: dictionaries not used", total, len(want))
	}
}

// rowGroupStarts returns the first row of each row group of the Parquet
// file at path.
func rowGroupStarts(t *testing.T, path string) []int {
	t.Helper()
	pr, err := openParquet(path, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	var out []int
	n := 0
	for g := range pr.NumRowGroups() {
		out = append(out, n)
		n += int(pr.MetaData().RowGroup(g).NumRows())
	}
	return out
}
