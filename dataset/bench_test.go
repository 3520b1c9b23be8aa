package dataset

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/overload-engine/overload/internal/liveheap"
)

// benchTables returns n events in 2026-W47 with 4 attendance rows each and
// 2n messages, over 1,000 people.
func benchTables(n int) *Tables {
	t := &Tables{}
	person := func(i int) string { return fmt.Sprintf("person-%04d", i%1000) }
	for i := range n {
		start := w47.Add(time.Duration(i%(5*24*60)) * time.Minute)
		e := Event{EventID: fmt.Sprintf("ev-%08d", i), Start: start, End: start.Add(30 * time.Minute),
			OrganizerID: person(i), Invitees: 4, AttendeesNotDeclined: 4, Kind: KindMeeting, Source: "bench"}
		t.Events = append(t.Events, e)
		for j := range 4 {
			t.Attendance = append(t.Attendance, Attendance{PersonID: person(i + j*7), EventID: e.EventID,
				Response: ResponseAccepted, ShowAs: ShowAsBusy})
		}
	}
	for i := range 2 * n {
		t.Messages = append(t.Messages, Message{MessageID: fmt.Sprintf("<%d@bench>", i), Channel: ChannelEmail,
			SenderID: person(i), SentAt: w47.Add(time.Duration(i) * time.Second),
			RecipientIDs: []string{person(i + 1), person(i + 2)}, NTo: 2, Source: "bench"})
	}
	return t
}

// BenchmarkWriteRead writes and reads back a one-week dataset and reports
// rows per second over all tables.
func BenchmarkWriteRead(b *testing.B) {
	const n = 100_000
	in := benchTables(n)
	rows := float64(len(in.Events) + len(in.Attendance) + len(in.Messages))
	mem := memory.NewGoAllocator()
	ctx := context.Background()
	b.Run("write", func(b *testing.B) {
		root := b.TempDir()
		for b.Loop() {
			if err := writeTables(ctx, root, in, WriteOptions{}, mem); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(rows*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("read", func(b *testing.B) {
		root := b.TempDir()
		if err := writeTables(ctx, root, in, WriteOptions{}, mem); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := readTables(ctx, root, nil, mem); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(rows*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}

// BenchmarkWriteMerged writes the same week as BenchmarkWriteRead's write
// (events=100000), and weeks 4 and 12 times as large, through a Writer
// with Merge, in pieces of 64k rows of each table as the ingest runner
// hands them (sorted runs, merged at Close), and reports rows per second
// over all tables (what the runs cost against one piece) and merge-MiB,
// the peak live heap while the runs are merged above what it was before
// (Go's, sampled every millisecond): bounded by a row group (1 Mi rows)
// and 64 runs read at once per partition being merged, whatever the
// week's size.
func BenchmarkWriteMerged(b *testing.B) {
	for _, n := range []int{100_000, 400_000, 1_200_000} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) { benchWriteMerged(b, n) })
	}
}

func benchWriteMerged(b *testing.B, n int) {
	in := benchTables(n)
	rows := float64(len(in.Events) + len(in.Attendance) + len(in.Messages))
	mem := memory.NewGoAllocator()
	ctx := context.Background()
	root := b.TempDir()
	for b.Loop() {
		w := benchPieces(b, root, in, mem)
		if err := w.Close(ctx, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(rows*float64(b.N)/b.Elapsed().Seconds(), "rows/s")

	// Once more, untimed, the input let go before the merge: a live heap
	// of a GB or more makes each GC cycle long, and what is allocated while
	// one marks counts as live.
	w := benchPieces(b, root, in, mem)
	in = nil
	before := liveheap.Read(true)
	s := liveheap.Start()
	if err := w.Close(ctx, nil); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(s.Stop()-before)/(1<<20), "merge-MiB")
}

// benchPieces writes in through a new Writer with Merge in pieces of 64k
// rows of each table and returns the Writer, not closed.
func benchPieces(b *testing.B, root string, in *Tables, mem memory.Allocator) *Writer {
	const piece = 1 << 16
	starts := make(map[string]time.Time, len(in.Events))
	for _, e := range in.Events {
		starts[e.EventID] = e.Start
	}
	eventStart := func(id string) (time.Time, bool) { s, ok := starts[id]; return s, ok }
	w, err := newWriter(root, WriteOptions{Merge: true}, mem)
	if err != nil {
		b.Fatal(err)
	}
	for lo := 0; lo < len(in.Messages); lo += piece {
		var t Tables
		t.Events = in.Events[min(lo, len(in.Events)):min(lo+piece, len(in.Events))]
		t.Attendance = in.Attendance[min(lo, len(in.Attendance)):min(lo+piece, len(in.Attendance))]
		t.Messages = in.Messages[lo:min(lo+piece, len(in.Messages))]
		if err := w.Write(context.Background(), &t, eventStart); err != nil {
			b.Fatal(err)
		}
	}
	return w
}
