package analysis_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
)

// TestRunDatasetMatchesRun checks that the streaming reader (RunDataset,
// compact rows read straight from Parquet) gives exactly the rows of Run on
// the same data read into memory, for the whole dataset and for the union
// of its shards, on the adversarial datasets of TestMatchesReference and on
// a generated organisation.
func TestRunDatasetMatchesRun(t *testing.T) {
	defer analysis.MapEverything()()
	type tc struct {
		name   string
		tables *dataset.Tables
		weeks  []dataset.Week
	}
	crossWeeks := []dataset.Week{{Year: 2026, Num: 10}, {Year: 2026, Num: 13}, {Year: 2026, Num: 14}, {Year: 2026, Num: 44}}
	cases := []tc{
		{"random0", randomTables(0, 14, crossWeeks), crossWeeks},
		{"random1", randomTables(1, 14, crossWeeks), crossWeeks},
	}
	syn, synWeeks := syntheticTables(t, 120, 2)
	cases = append(cases, tc{"synthetic", syn, synWeeks})
	ctx := context.Background()
	for _, c := range cases {
		for _, name := range []string{"default", "viva"} {
			t.Run(c.name+"/"+name, func(t *testing.T) {
				cfg := preset(t, name)
				root := t.TempDir()
				if err := dataset.WriteTables(ctx, root, c.tables, dataset.WriteOptions{SnapshotWeek: c.weeks[len(c.weeks)-1]}); err != nil {
					t.Fatal(err)
				}
				want, err := analysis.Run(ctx, c.tables, c.weeks, cfg)
				if err != nil {
					t.Fatal(err)
				}
				got, err := analysis.RunDataset(ctx, root, c.weeks, cfg, dataset.Shard{})
				if err != nil {
					t.Fatal(err)
				}
				compareRows(t, "RunDataset", want, got.Rows)
				// Explain computes without the metric pass's reused scratch
				// memory: its rows must be the same.
				for _, r := range want.Rows[:min(len(want.Rows), 40)] {
					w, _ := dataset.ParseWeek(r.Week)
					ex, err := analysis.Explain(c.tables, r.PersonID, w, cfg)
					if err != nil {
						t.Fatal(err)
					}
					if d := cmp.Diff(r, ex.Row); d != "" {
						t.Errorf("Explain %s %s (-Run +Explain):\n%s", r.PersonID, r.Week, d)
					}
				}
				if want.Included != got.Included || want.ReadsDropped != got.ReadsDropped || !maps(want.Excluded, got.Excluded) {
					t.Errorf("counters: Run %d/%d/%v, RunDataset %d/%d/%v", want.Included, want.ReadsDropped, want.Excluded,
						got.Included, got.ReadsDropped, got.Excluded)
				}
				// The shards share one read of the people snapshot.
				d, err := analysis.OpenDataset(ctx, root)
				if err != nil {
					t.Fatal(err)
				}
				var union []dataset.PersonWeek
				seen := map[string]int{}
				for i := range 3 {
					res, err := d.Run(ctx, c.weeks, cfg, dataset.Shard{Index: i, Count: 3})
					if err != nil {
						t.Fatal(err)
					}
					for _, r := range res.Rows {
						if dataset.ShardOf(r.PersonID, 3) != i {
							t.Fatalf("shard %d/3 computed %s of shard %d", i, r.PersonID, dataset.ShardOf(r.PersonID, 3))
						}
						seen[r.PersonID]++
					}
					union = append(union, res.Rows...)
				}
				if len(seen) < 3 {
					t.Fatalf("only %d people over 3 shards", len(seen))
				}
				compareRows(t, "union of 3 shards", want, union)

				// Week by week, each batch taking the previous batch's
				// week from memory when it is the one before (RunBatch):
				// the same rows.
				ws := slices.Clone(c.weeks)
				slices.SortFunc(ws, func(a, b dataset.Week) int { return a.Monday().Compare(b.Monday()) })
				d2, err := analysis.OpenDataset(ctx, root)
				if err != nil {
					t.Fatal(err)
				}
				var byWeek []dataset.PersonWeek
				carried := 0
				for i, w := range ws {
					var next []dataset.Week
					if i+1 < len(ws) {
						next = ws[i+1 : i+2]
					}
					res, err := d2.RunBatch(ctx, []dataset.Week{w}, next, cfg, dataset.Shard{})
					if err != nil {
						t.Fatal(err)
					}
					byWeek = append(byWeek, res.Rows...)
					cw, msgs, events, att, ok := analysis.Carried(d2)
					if want := next != nil && next[0] == w.Add(1); ok != want || ok && cw != w {
						t.Fatalf("after %s (next %v): carried %v %v, want %v", w, next, cw, ok, want)
					}
					if ok {
						carried++
						if msgs == 0 || events == 0 || att == 0 {
							t.Errorf("carried %s: %d messages, %d events, %d attendance rows: want some of each", w, msgs, events, att)
						}
					}
				}
				if carried == 0 {
					t.Fatalf("weeks %v: no batch carried rows to the next", ws)
				}
				compareRows(t, "week by week with carried rows", want, byWeek)
			})
		}
	}
}

func maps(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

func compareRows(t *testing.T, what string, want *analysis.Result, got []dataset.PersonWeek) {
	t.Helper()
	key := func(r dataset.PersonWeek) string { return r.Week + "/" + r.PersonID }
	got = slices.Clone(got)
	slices.SortFunc(got, func(a, b dataset.PersonWeek) int { return strings.Compare(key(a), key(b)) })
	w := slices.Clone(want.Rows)
	slices.SortFunc(w, func(a, b dataset.PersonWeek) int { return strings.Compare(key(a), key(b)) })
	if len(w) != len(got) {
		t.Fatalf("%s: %d rows, Run %d", what, len(got), len(w))
	}
	bad := 0
	for i := range w {
		if d := cmp.Diff(w[i], got[i]); d != "" {
			bad++
			if bad <= 3 {
				t.Errorf("%s: %s (-Run +%s):\n%s", what, key(w[i]), what, d)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d rows differ", what, bad, len(w))
	}
	_ = fmt.Sprint
}
