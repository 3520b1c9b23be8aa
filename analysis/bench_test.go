package analysis_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

func syntheticTables(tb testing.TB, people, weeks int) (*dataset.Tables, []dataset.Week) {
	tb.Helper()
	start := dataset.Week{Year: 2026, Num: 10}
	org, err := synthetic.Generate(synthetic.Config{People: people, Weeks: weeks, Start: start, Seed: 1})
	if err != nil {
		tb.Fatal(err)
	}
	ps, err := ingest.NewPseudonymizer([]byte(synthetic.DefaultKey))
	if err != nil {
		tb.Fatal(err)
	}
	ws := make([]dataset.Week, weeks)
	for i := range ws {
		ws[i] = start.Add(i)
	}
	return org.Tables(ps), ws
}

// BenchmarkRun measures the full metric set on a generated organisation.
// rows/s counts input rows (attendance + messages) per second of wall time.
func BenchmarkRun(b *testing.B) {
	for _, size := range []struct{ people, weeks int }{{500, 4}, {2000, 1}} {
		b.Run(fmt.Sprintf("people=%d/weeks=%d", size.people, size.weeks), func(b *testing.B) {
			t, weeks := syntheticTables(b, size.people, size.weeks)
			cfg, _ := analysis.Preset("default")
			rows := len(t.Attendance) + len(t.Messages)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := analysis.Run(context.Background(), t, weeks, cfg); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// TestInvariantsOnGeneratedOrgs runs every preset over generated
// organisations of several seeds; Run checks the SPEC §5 invariants on every
// row and fails on any violation. It also checks the benchmark shares and
// bands against their definitions.
func TestInvariantsOnGeneratedOrgs(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		org, err := synthetic.Generate(synthetic.Config{People: 120, Weeks: 3, Start: dataset.Week{Year: 2026, Num: 12}, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		ps, _ := ingest.NewPseudonymizer([]byte(synthetic.DefaultKey))
		tables := org.Tables(ps)
		for _, name := range analysis.PresetNames() {
			cfg, _ := analysis.Preset(name)
			res, err := analysis.Run(context.Background(), tables, nil, cfg)
			if err != nil {
				t.Fatalf("seed %d preset %s: %v", seed, name, err)
			}
			var meetings, sends int
			for _, r := range res.Rows {
				meetings += int(r.Meetings)
				sends += int(r.EmailsSent + r.ChatsSent)
				if !r.HasShares {
					continue
				}
				band := dataset.BandWithin
				if r.CollaborationShare >= cfg.OverloadedShare {
					band = dataset.BandOverloaded
				} else if r.CollaborationShare >= cfg.AboveTypicalShare {
					band = dataset.BandAboveTypical
				}
				if r.OverloadBand != band {
					t.Errorf("%s %s: band %s for share %.3f, want %s", r.PersonID, r.Week, r.OverloadBand, r.CollaborationShare, band)
				}
			}
			if meetings == 0 || sends == 0 || res.Included == 0 {
				t.Errorf("seed %d preset %s: no meetings (%d) or sends (%d): the generated org is empty", seed, name, meetings, sends)
			}
		}
	}
}
