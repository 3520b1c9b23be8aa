package main

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestMain lets the test binary stand in for overload when bench runs
// itself as a child process (runMeasured).
func TestMain(m *testing.M) {
	if os.Getenv(benchChildEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestBench runs a tiny bench end to end and checks the report: the row
// counts are the generated dataset's, every phase has a wall time and a
// peak RSS, the analysed person_week holds one row per person, and a second
// run reuses the dataset instead of generating it again.
func TestBench(t *testing.T) {
	dir := t.TempDir()
	out, errOut, err := runCLI(t, "bench", "--people", "60", "--weeks", "2", "--dir", dir, "--shards", "2")
	if err != nil {
		t.Fatalf("bench: %v\n%s", err, errOut)
	}
	ds, ok := readBenchDataset(dir)
	if !ok || ds.People != 60 || ds.Weeks != 2 || ds.Attendance == 0 || ds.Messages == 0 {
		t.Fatalf("bench.json: %+v (ok %v)", ds, ok)
	}
	kv := benchKV(t, out)
	if kv["input_rows"] != float64(ds.inputRows()) || kv["recipients"] != float64(ds.Recipients) {
		t.Errorf("BENCH line rows %v/%v, dataset %d/%d", kv["input_rows"], kv["recipients"], ds.inputRows(), ds.Recipients)
	}
	for _, k := range []string{"generate_wall_s", "write_wall_s", "analyze_wall_s", "analyze_cpu_s", "analyze_peak_rss_mib", "analyze_rows_per_s"} {
		if kv[k] <= 0 {
			t.Errorf("%s = %v, want > 0\n%s", k, kv[k], out)
		}
	}
	if !strings.Contains(errOut, "shard 1/2") {
		t.Errorf("analyze did not run two shards:\n%s", errOut)
	}
	// Second run: dataset reused, only analyze measured.
	out, errOut, err = runCLI(t, "bench", "--people", "60", "--weeks", "2", "--dir", dir, "--shards", "1")
	if err != nil {
		t.Fatalf("bench again: %v\n%s", err, errOut)
	}
	if !strings.Contains(errOut, "reusing the dataset") || strings.Contains(out, "generate") {
		t.Errorf("second bench did not reuse the dataset:\n%s\n%s", errOut, out)
	}
	pwOut, _, err := runCLI(t, "merge", "--out", dir+"/out", "--shards", "1")
	if err != nil {
		t.Fatalf("merge of the bench output: %v", err)
	}
	if !strings.Contains(pwOut, "2 week(s)") {
		t.Errorf("merge: %s", pwOut)
	}
}

func benchKV(t *testing.T, out string) map[string]float64 {
	t.Helper()
	i := strings.LastIndex(out, "BENCH ")
	if i < 0 {
		t.Fatalf("no BENCH line in\n%s", out)
	}
	kv := map[string]float64{}
	for _, f := range strings.Fields(out[i+len("BENCH "):]) {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			continue
		}
		if x, err := strconv.ParseFloat(v, 64); err == nil {
			kv[k] = x
		}
	}
	return kv
}
