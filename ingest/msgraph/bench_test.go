package msgraph_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/msgraph/graphtest"
)

// BenchmarkRunner reads a 200-person organisation's week from the fake
// with no latency: the client's CPU per call (the fake runs in the same
// process, so its share shows in the profile too).
func BenchmarkRunner(b *testing.B) {
	ctx := context.Background()
	org := newOrg(b, 200)
	srv := graphtest.NewServer(b, org, graphtest.Options{})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var calls int64
	for b.Loop() {
		src := newSource(b, srv, log, nil)
		r := &ingest.Runner{Source: src, Name: "msgraph", Root: b.TempDir(), Weeks: org.Weeks[:1], Logger: log}
		if _, err := r.Run(ctx); err != nil {
			b.Fatal(err)
		}
		calls += src.Stats().Calls
	}
	b.ReportMetric(float64(calls)/float64(b.N), "calls/op")
}
