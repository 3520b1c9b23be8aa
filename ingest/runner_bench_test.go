package ingest_test

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/synthetic"
	"github.com/overload-engine/overload/internal/liveheap"
)

var runnerUsers = flag.String("runner.users", "800,3200,12800", "BenchmarkRunner_memory's organisation sizes")

// BenchmarkRunner_memory runs the Runner over synthetic organisations of
// growing size (-runner.users), a week each, read in memory (no API, so no
// pages held), and reports its peak live heap above what the organisation
// itself holds (runtime/metrics' live heap after each GC, sampled every
// millisecond) while users are read (read-MiB) and while the dataset is
// written (write-MiB: the larger of rows-MiB, choosing the copies and
// writing the rows as sorted runs, and merge-MiB, merging the runs into
// files); held-MiB, the live heap after a GC three quarters through the
// rows, above the organisation's; the seconds the write took (from the
// last user read) and the users read and written a second.
//
// held-MiB is what the write keeps: a bit per copy, where each
// user-week's checkpoint is, a piece of rows. The peaks grow with the
// organisation for a reason of the benchmark's own: the organisation's
// heap (~360 MB at 12,800 users) makes each GC cycle long, and what is
// allocated while one marks counts as live. dataset's
// BenchmarkWriteMerged measures the merge without such a heap. The
// reading grows too, here: the synthetic all-hands invites everyone one
// by one, so each of the users read at once holds an attendee list (and
// its set, to count invitees) as long as the organisation.

func BenchmarkRunner_memory(b *testing.B) {
	var sizes []int
	for f := range strings.SplitSeq(*runnerUsers, ",") {
		n, err := strconv.Atoi(f)
		if err != nil || n <= 0 {
			b.Fatalf("-runner.users %q: want user counts separated by commas", *runnerUsers)
		}
		sizes = append(sizes, n)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			org := genOrg(b, n, 1, 1)
			src := &orgSource{org: org, ps: newP(b, []byte(synthetic.DefaultKey))}
			ctx := context.Background()
			var reading, rows, merging, held uint64
			var writeTime time.Duration
			for b.Loop() {
				base := liveheap.Read(true)
				s := liveheap.Start()
				var written time.Time
				step := ""
				r := &ingest.Runner{Source: src, Name: "org", Root: b.TempDir(), Weeks: org.Weeks, Concurrency: 16,
					Progress: func(p ingest.Progress) {
						if p.Done == p.Users {
							reading = max(reading, s.Next()-base)
							written = time.Now()
						}
					},
					Writing: func(p ingest.WriteProgress) {
						if p.Step == ingest.WriteRows && p.Done == p.Users*3/4 {
							held = max(held, liveheap.Read(true)-base)
						}
						if p.Step == ingest.WriteMerging && step != p.Step {
							rows = max(rows, s.Next()-base)
						}
						step = p.Step
					}}
				if _, err := r.Run(ctx); err != nil {
					b.Fatal(err)
				}
				writeTime += time.Since(written)
				merging = max(merging, s.Stop()-base)
			}
			b.ReportMetric(float64(reading)/(1<<20), "read-MiB")
			b.ReportMetric(float64(max(rows, merging))/(1<<20), "write-MiB")
			b.ReportMetric(float64(rows)/(1<<20), "rows-MiB")
			b.ReportMetric(float64(merging)/(1<<20), "merge-MiB")
			b.ReportMetric(float64(held)/(1<<20), "held-MiB")
			b.ReportMetric(writeTime.Seconds()/float64(b.N), "write-s")
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "users/s")
		})
	}
}
