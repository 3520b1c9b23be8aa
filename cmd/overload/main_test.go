package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
)

// runCLI runs the command line args with a fixed clock and returns stdout,
// stderr and the error.
func runCLI(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" },
		Now: func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) }}
	cmd := newRootCmd(env)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), errb.String(), err
}

func TestDemoAnalyzeExplain(t *testing.T) {
	dir := t.TempDir()
	out, _, err := runCLI(t, "demo", "--people", "60", "--weeks", "2", "--out", dir)
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	for _, f := range []string{"summary.html", "person_week.csv", "demo.key", "dataset/people", "dataset/events",
		"dataset/attendance", "dataset/messages", "person_week/week=2026-W47"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("demo did not write %s: %v", f, err)
		}
	}
	if !strings.Contains(out, "summary.html") || !strings.Contains(out, "open this first") {
		t.Errorf("demo output does not say what to open first:\n%s", out)
	}
	// The demo's weeks are the two before the clock's week (2026-W48): W46 and W47.
	if !strings.Contains(out, "2026-W46, 2026-W47") {
		t.Errorf("demo output does not name weeks 2026-W46, 2026-W47:\n%s", out)
	}

	// analyze on the demo's dataset reproduces the demo's person_week exactly.
	out2 := t.TempDir()
	if _, _, err := runCLI(t, "analyze", "--data", filepath.Join(dir, "dataset"), "--out", out2, "--weeks", "2026-W46..2026-W47"); err != nil {
		t.Fatalf("analyze: %v", err)
	}
	ctx := context.Background()
	want, err := dataset.ReadPersonWeek(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := dataset.ReadPersonWeek(ctx, out2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 120 {
		t.Errorf("demo wrote %d person-weeks, want 60 people × 2 weeks = 120", len(want))
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("analyze differs from demo (-demo +analyze):\n%s", d)
	}
	// One week per batch and two shards each: every shard's person_week is
	// written while the next one is analysed, and all of them land.
	out3 := t.TempDir()
	if _, _, err := runCLI(t, "analyze", "--data", filepath.Join(dir, "dataset"), "--out", out3, "--weeks", "2026-W46..2026-W47",
		"--batch-weeks", "1", "--shards", "2"); err != nil {
		t.Fatalf("analyze in batches: %v", err)
	}
	got3, err := dataset.ReadPersonWeek(ctx, out3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got3); d != "" {
		t.Errorf("analyze in batches differs from demo (-demo +analyze):\n%s", d)
	}
	// An --out that cannot be written fails before any analysis.
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := runCLI(t, "analyze", "--data", filepath.Join(dir, "dataset"), "--out", filepath.Join(file, "pw"))
	if err == nil || !strings.Contains(err.Error(), "--out") || strings.Contains(stderr, "analysing") {
		t.Errorf("analyze --out under a file: err = %v, stderr:\n%s\nwant an --out error before any analysis", err, stderr)
	}

	// explain by person_id and by email.
	id := want[0].PersonID
	ex, _, err := runCLI(t, "explain", "--data", filepath.Join(dir, "dataset"), "--person", id, "--week", "2026-W46")
	if err != nil {
		t.Fatalf("explain: %v", err)
	}
	for _, s := range []string{"Person " + id, "Working days", "How each metric was reached", "Collaboration_hours"} {
		if !strings.Contains(ex, s) {
			t.Errorf("explain output lacks %q:\n%s", s, ex)
		}
	}
	i := strings.Index(out, "--person ")
	email := strings.Fields(out[i+len("--person "):])[0]
	ex2, _, err := runCLI(t, "explain", "--data", filepath.Join(dir, "dataset"), "--key-file", filepath.Join(dir, "demo.key"),
		"--person", email, "--week", "2026-W46")
	if err != nil || !strings.Contains(ex2, "How each metric was reached") {
		t.Errorf("explain by email %s: %v\n%s", email, err, ex2)
	}
}

func TestErrors(t *testing.T) {
	empty := t.TempDir()
	tests := []struct {
		name  string
		args  []string
		usage bool
		want  string
	}{
		{"missing flags", []string{"analyze"}, true, "--data and --out are required"},
		{"bad week", []string{"analyze", "--data", empty, "--out", empty, "--weeks", "2026-W60"}, true, "2026-W60"},
		{"bad preset", []string{"analyze", "--data", empty, "--out", empty, "--preset", "fancy"}, true, "fancy"},
		{"bad batch weeks", []string{"analyze", "--data", empty, "--out", empty, "--batch-weeks", "0"}, true, `--batch-weeks: want auto or a number from 1, not "0"`},
		{"bad memory limit", []string{"analyze", "--data", empty, "--out", empty, "--memory-limit", "lots"}, true, `--memory-limit: want a size such as 1536MiB or 4GiB, or off, not "lots"`},
		{"not a dataset", []string{"analyze", "--data", empty, "--out", t.TempDir()}, false, empty},
		{"unknown flag", []string{"demo", "--peple", "3"}, true, "--peple"},
		{"email without key", []string{"explain", "--data", empty, "--person", "a@b.c", "--week", "2026-W10"}, true, "--key-file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runCLI(t, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
			var ue *usageError
			if errors.As(err, &ue) != tt.usage {
				t.Errorf("usage error = %v, want %v", !tt.usage, tt.usage)
			}
		})
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"1536MiB": 1536 << 20, "4GiB": 4 << 30, "1.5GiB": 3 << 29, "2GB": 2e9, "300MB": 3e8,
		"512KiB": 512 << 10, "1000": 1000, "64B": 64, "0": 0,
	} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "lots", "-1GiB", "1TiB", "GiB", "1e30GB"} {
		if got, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", in, got)
		}
	}
}

func TestExitCode(t *testing.T) {
	ctx := context.Background()
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		err  error
		want int
	}{
		{"usage", ctx, usagef("bad flag"), 2},
		{"partial run", ctx, &partialError{"partial: 2 users skipped"}, ExitPartial},
		{"interrupted", canceled, context.Canceled, 130},
		{"other", ctx, errors.New("boom"), 1},
	}
	for _, tt := range tests {
		if got := exitCode(tt.ctx, tt.err); got != tt.want {
			t.Errorf("%s: exitCode = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestBatches(t *testing.T) {
	w := func(n int) dataset.Week { return dataset.Week{Year: 2026, Num: n} }
	// The default preset's shares with overnight shifts: of events 38 hours
	// of the week before and 36 of the week after, of messages 14 and 12:05.
	ev := analysis.Share{Before: 38.0 / 168, After: 36.0 / 168}
	msg := analysis.Share{Before: 14.0 / 168, After: (12 + 5.0/60) / 168}
	// A third of each week's rows are events and attendance, as in
	// generated data.
	sizes := func(rows map[dataset.Week]int64) weekRows {
		r := weekRows{events: map[dataset.Week]int64{}, messages: map[dataset.Week]int64{}, evShare: ev, msgShare: msg}
		for w, n := range rows {
			r.events[w], r.messages[w] = n/3, n-n/3
		}
		return r
	}
	const big = rowsPerShard / 2 // two such weeks and their neighbours' edges do not fit
	rows := sizes(map[dataset.Week]int64{w(10): big, w(11): big, w(12): 1000, w(13): 1000, w(14): 1000, w(20): 1000})
	kept := func(n int64, before bool) float64 {
		if before {
			return float64(n/3)*ev.Before + float64(n-n/3)*msg.Before
		}
		return float64(n/3)*ev.After + float64(n-n/3)*msg.After
	}
	if got, want := rows.estimate([]dataset.Week{w(11)}), int64(big+kept(big, true)+kept(1000, false)); got != want {
		t.Errorf("estimate(W11) = %d, want %d", got, want)
	}
	got := rows.batches([]dataset.Week{w(20), w(12), w(10), w(11), w(13), w(14), w(12)}, 0)
	want := [][]dataset.Week{{w(10)}, {w(11), w(12), w(13), w(14), w(20)}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("auto batches (-want +got):\n%s", d)
	}
	// A week of 100,000 generated people between two such weeks, and one of
	// 14 M rows between two more (17.5 M rows with their edges: over
	// rowsPerShard, under rowsPerSplit): one shard each.
	rows = sizes(map[dataset.Week]int64{w(17): 9_448_362, w(18): 9_448_362, w(19): 9_448_362, w(20): 20_000_000,
		w(30): 14_000_000, w(31): 14_000_000, w(32): 14_000_000})
	for _, tt := range []struct {
		batch []dataset.Week
		want  int
	}{{[]dataset.Week{w(18)}, 1}, {[]dataset.Week{w(31)}, 1}, {[]dataset.Week{w(17), w(18)}, 2}, {[]dataset.Week{w(20)}, 2},
		{[]dataset.Week{w(40)}, 1}} {
		if got := rows.autoShards(tt.batch); got != tt.want {
			t.Errorf("autoShards(%v) = %d (estimate %d), want %d", tt.batch, got, rows.estimate(tt.batch), tt.want)
		}
	}
	got = rows.batches([]dataset.Week{w(10), w(11), w(12)}, 2)
	if d := cmp.Diff([][]dataset.Week{{w(10), w(11)}, {w(12)}}, got); d != "" {
		t.Errorf("batches of 2 (-want +got):\n%s", d)
	}
}
