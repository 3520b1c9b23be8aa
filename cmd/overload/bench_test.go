package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/overload-engine/overload/dataset"
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
	if !strings.Contains(errOut, "reusing the dataset") || strings.Contains(out, "generate_wall_s") {
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

// TestBenchRepeatsWeeks runs a bench that generates two weeks and fills a
// third with a copy of the first: the copy's rows are the first week's,
// shifted by two weeks and with their own ids, and analyze covers all
// three weeks.
func TestBenchRepeatsWeeks(t *testing.T) {
	dir := t.TempDir()
	out, errOut, err := runCLI(t, "bench", "--people", "60", "--weeks", "3", "--generate-weeks", "2", "--dir", dir, "--shards", "1")
	if err != nil {
		t.Fatalf("bench: %v\n%s", err, errOut)
	}
	ds, ok := readBenchDataset(dir)
	if !ok || ds.Weeks != 3 || ds.GeneratedWeeks != 2 {
		t.Fatalf("bench.json: %+v (ok %v)", ds, ok)
	}
	if !strings.Contains(out, "data: 2 week(s) generated") || benchKV(t, out)["generated_weeks"] != 2 {
		t.Errorf("the report does not say that weeks were copied:\n%s", out)
	}
	tab, err := dataset.ReadTables(t.Context(), filepath.Join(dir, "dataset"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := int64(len(tab.Events) + len(tab.Attendance) + len(tab.Messages)); n != ds.inputRows() {
		t.Errorf("dataset holds %d rows, bench.json says %d", n, ds.inputRows())
	}
	w10 := dataset.Week{Year: 2026, Num: 10}
	week := func(m dataset.Message) dataset.Week { return dataset.WeekOf(m.SentAt) }
	sent := map[string]time.Time{} // generated messages of week 10 by id
	ids := map[string]bool{}
	for _, m := range tab.Messages {
		if ids[m.MessageID] {
			t.Fatalf("message id %q repeats", m.MessageID)
		}
		ids[m.MessageID] = true
		if !strings.Contains(m.MessageID, "~w") && week(m) == w10 {
			sent[m.MessageID] = m.SentAt
		}
	}
	copied := 0
	for _, m := range tab.Messages {
		orig, ok := strings.CutSuffix(m.MessageID, "~w2")
		if !ok {
			continue
		}
		if at, ok := sent[orig]; ok {
			copied++
			if d := m.SentAt.Sub(at); d != 14*24*time.Hour {
				t.Errorf("message %q sent %v after its original, want 2 weeks", m.MessageID, d)
			}
		}
		if !m.SentAt.Before(w10.Add(3).Monday()) {
			t.Errorf("copy %q sent %v, after the 3 weeks asked for", m.MessageID, m.SentAt)
		}
	}
	if copied != len(sent) || copied == 0 {
		t.Errorf("%d of week 10's %d messages copied into week 12", copied, len(sent))
	}
	events := map[string]bool{}
	for _, e := range tab.Events {
		if events[e.EventID] {
			t.Fatalf("event id %q repeats", e.EventID)
		}
		events[e.EventID] = true
		if !e.Start.Before(w10.Add(3).Monday()) {
			t.Errorf("event %q starts %v, after the 3 weeks", e.EventID, e.Start)
		}
	}
	for _, a := range tab.Attendance {
		if !events[a.EventID] {
			t.Fatalf("attendance of %s: event %q is not in the dataset", a.PersonID, a.EventID)
		}
	}
	pwOut, _, err := runCLI(t, "merge", "--out", filepath.Join(dir, "out"), "--shards", "1")
	if err != nil || !strings.Contains(pwOut, "3 week(s)") {
		t.Errorf("merge of the bench output: %v\n%s", err, pwOut)
	}
}
