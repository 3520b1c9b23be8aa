package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/overload-engine/overload/ingest"
)

// TestIngestGoogle_shards ingests the fake organisation as two shards into
// one dataset directory: each run says which shard it is, and the dataset
// analyses like one unsharded ingest.
func TestIngestGoogle_shards(t *testing.T) {
	cfg, fakeErr := startFakeAPI(t)
	data := filepath.Join(t.TempDir(), "data")
	users := 0
	for _, shard := range []string{"0/2", "1/2"} {
		stdout, stderr, err := runCLI(t, "ingest", "google", "--config", cfg, "--weeks", fakeWeeks, "--out", data, "--shard", shard)
		if err != nil {
			t.Fatalf("ingest --shard %s: %v\n%s", shard, err, stderr)
		}
		name := "google_s00" + shard[:1] + "of002"
		for _, want := range []string{"Shard " + shard + ": ", "of the directory's 40 users", name, ", 0 skipped",
			"once shards 0/2 to 1/2 have all written to " + data} {
			if !strings.Contains(stdout, want) {
				t.Errorf("ingest --shard %s: stdout lacks %q:\n%s", shard, want, stdout)
			}
		}
		if !strings.Contains(stderr, "shard "+shard+" (files "+name+")") || !strings.Contains(stderr, " in shard "+shard+" (") {
			t.Errorf("ingest --shard %s: progress does not name the shard:\n%s", shard, stderr)
		}
		var n int
		if _, err := fmt.Sscanf(stdout, "Shard "+shard+": %d of", &n); err != nil {
			t.Fatalf("ingest --shard %s: no user count in %q: %v", shard, stdout, err)
		}
		users += n
		checkClean(t, "ingest", stdout, stderr, fakeErr.String())
		t.Logf("%s%s", stderr, stdout)
	}
	if users != 40 {
		t.Errorf("the shards ingested %d users in all, want 40", users)
	}
	for _, f := range []string{"people", "events", "attendance", "messages"} {
		m, _ := filepath.Glob(filepath.Join(data, f, "week=*", "part-google_s00[01]of002-*.parquet"))
		if len(m) == 0 {
			t.Errorf("no sharded part files in %s", f)
		}
	}
	if _, err := os.Stat(filepath.Join(data, ingest.StateDir)); !os.IsNotExist(err) {
		t.Errorf("checkpoints left after both shards finished: %v", err)
	}
	if d := cmp.Diff(expectedPersonWeek(t), analyzeCLI(t, data)); d != "" {
		t.Errorf("person_week of the two shards differs from the generator's (-want +got):\n%s", d)
	}
	checkNoCanaryFiles(t, data)
}

func TestIngest_shardUsage(t *testing.T) {
	for _, tt := range []struct{ source, shard string }{
		{"google", "5/3"},
		{"google", "3/3"},
		{"google", "-1/3"},
		{"google", "1/0"},
		{"google", "one/two"},
		{"google", "2"},
		{"graph", "5/3"},
	} {
		_, _, err := runCLI(t, "ingest", tt.source, "--config", "x.yaml", "--weeks", "2026-W46", "--out", t.TempDir(), "--shard", tt.shard)
		var ue *usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), "--shard") {
			t.Errorf("overload ingest %s --shard %s: error %v, want a usage error naming --shard", tt.source, tt.shard, err)
		}
	}
	for _, source := range []string{"google", "graph"} {
		stdout, _, err := runCLI(t, "ingest", source, "--help")
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"--shard i/N", "JOB_COMPLETION_INDEX", "same N", "same dataset directory"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("overload ingest %s --help lacks %q:\n%s", source, want, stdout)
			}
		}
	}
}
