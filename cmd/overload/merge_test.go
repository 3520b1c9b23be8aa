package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

// TestAnalyzeShardsMerge runs analyze as two machines would (--shard 0/2
// and 1/2 into separate dirs), merges them, and checks the result equals
// an unsharded analyze; a missing shard makes merge fail naming it.
func TestAnalyzeShardsMerge(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	start := dataset.Week{Year: 2026, Num: 10}
	org, err := synthetic.Generate(synthetic.Config{People: 80, Weeks: 1, Start: start, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := ingest.NewPseudonymizer([]byte(synthetic.DefaultKey))
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "ds")
	if err := dataset.WriteTables(ctx, data, org.Tables(ps), dataset.WriteOptions{SnapshotWeek: start}); err != nil {
		t.Fatal(err)
	}
	whole := filepath.Join(dir, "whole")
	if _, e, err := runCLI(t, "analyze", "--data", data, "--out", whole, "--weeks", "2026-W10"); err != nil {
		t.Fatalf("analyze: %v\n%s", err, e)
	}
	for i, sh := range []string{"0/2", "1/2"} {
		out := filepath.Join(dir, "m"+string(rune('0'+i)))
		if _, e, err := runCLI(t, "analyze", "--data", data, "--out", out, "--weeks", "2026-W10", "--shard", sh); err != nil {
			t.Fatalf("analyze --shard %s: %v\n%s", sh, err, e)
		}
	}
	merged := filepath.Join(dir, "merged")
	_, _, err = runCLI(t, "merge", "--out", merged, "--shards", "2", "--from", filepath.Join(dir, "m0"))
	if err == nil || !strings.Contains(err.Error(), "missing shard(s) 1/2") {
		t.Fatalf("merge with shard 1/2 missing: %v", err)
	}
	out, _, err := runCLI(t, "merge", "--out", merged, "--shards", "2", "--from", filepath.Join(dir, "m1"))
	if err != nil {
		t.Fatalf("merge: %v", err)
	}
	if !strings.Contains(out, "complete") {
		t.Errorf("merge output: %s", out)
	}
	want, err := dataset.ReadPersonWeek(ctx, whole, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := dataset.ReadPersonWeek(ctx, merged, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 {
		t.Fatal("no rows")
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("merged shards differ from the unsharded analysis (-whole +merged):\n%s", d)
	}
	if _, _, err := runCLI(t, "analyze", "--data", data, "--out", whole, "--shard", "2/2"); err == nil {
		t.Error("--shard 2/2 accepted")
	}
}
