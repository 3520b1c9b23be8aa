package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
)

// gcSettings reads the GC percent and the memory limit without changing
// them.
func gcSettings() (percent int, limit int64) {
	percent = debug.SetGCPercent(100)
	debug.SetGCPercent(percent)
	return percent, debug.SetMemoryLimit(-1)
}

func TestTuneIngestGC(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	before, beforeLimit := gcSettings()
	restore := tuneIngestGC()
	if p, l := gcSettings(); p != ingestGCPercent || l != ingestMemoryLimit {
		t.Errorf("during an ingest: GC percent %d, memory limit %d; want %d, %d", p, l, ingestGCPercent, ingestMemoryLimit)
	}
	restore()
	if p, l := gcSettings(); p != before || l != beforeLimit {
		t.Errorf("after: GC percent %d, memory limit %d; want %d, %d as before", p, l, before, beforeLimit)
	}

	// What the environment sets stays.
	t.Setenv("GOGC", "50")
	t.Setenv("GOMEMLIMIT", "1GiB")
	restore = tuneIngestGC()
	if p, l := gcSettings(); p != before || l != beforeLimit {
		t.Errorf("with $GOGC and $GOMEMLIMIT set: GC percent %d, memory limit %d; want %d, %d untouched", p, l, before, beforeLimit)
	}
	restore()
}

// threeUsers is a Source of three users with empty calendars and
// mailboxes.
type threeUsers struct{}

func (threeUsers) Users(ctx context.Context, fn func(ingest.User) error) error {
	for _, id := range []string{"p1", "p2", "p3"} {
		if err := fn(ingest.User{Email: id + "@example.com", Person: dataset.Person{PersonID: id, Domain: "example.com"}}); err != nil {
			return err
		}
	}
	return nil
}

func (threeUsers) Calendar(context.Context, ingest.User, time.Time, time.Time, func(ingest.EventCopy) error) (string, error) {
	return "UTC", nil
}

func (threeUsers) Mail(context.Context, ingest.User, time.Time, time.Time, func(ingest.MessageCopy) error) error {
	return nil
}

// The users are read at ingestGCPercent and the tables written at
// ingestWriteGCPercent; the settings found are back afterwards.
func TestRunSourceIngest_gcPhases(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	before, _ := gcSettings()
	var seen []int // the GC percent at each progress line and at the summary
	env := &Env{Stdout: io.Discard, Stderr: io.Discard, Now: time.Now, Getenv: func(string) string { return "" }}
	err := runSourceIngest(context.Background(), env, ingestRun{
		Command: "test", Source: threeUsers{}, Name: "test", Out: t.TempDir(),
		Weeks: []dataset.Week{{Year: 2026, Num: 20}}, Concurrency: 1,
		Stats: func() string {
			p, _ := gcSettings()
			seen = append(seen, p)
			return ""
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	// A progress line per user read once the directory is listed (the
	// first counts those read while it was), then the summary.
	if n := len(seen); n < 2 || seen[n-2] != ingestWriteGCPercent || seen[n-1] != ingestWriteGCPercent ||
		slices.ContainsFunc(seen[:n-2], func(p int) bool { return p != ingestGCPercent }) {
		t.Errorf("GC percent at each progress line and at the summary: %v, want %d until the last user is read, then %d",
			seen, ingestGCPercent, ingestWriteGCPercent)
	}
	if p, _ := gcSettings(); p != before {
		t.Errorf("GC percent %d after the run, want %d as before", p, before)
	}
}

// A directory that takes seconds to list gets a line a second, and so do
// the users read and the dataset written.
func TestRunSourceIngest_listing(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	var stderr strings.Builder
	env := &Env{Stdout: io.Discard, Stderr: &stderr, Getenv: func(string) string { return "" },
		Now: func() time.Time { now = now.Add(time.Second); return now }} // each look at the clock a second later
	err := runSourceIngest(context.Background(), env, ingestRun{
		Command: "test", Source: threeUsers{}, Name: "test", Out: t.TempDir(),
		Weeks: []dataset.Week{{Year: 2026, Num: 20}}, Concurrency: 1, Stats: func() string { return "calls 0" },
	})
	if err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= 3; n++ {
		if want := fmt.Sprintf("  directory: %d users listed so far · calls 0 · %ds\n", n, n); !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr:\n%s\nwant the line %q", stderr.String(), want)
		}
	}
	if i, j := strings.Index(stderr.String(), "directory: 3"), strings.Index(stderr.String(), "  users "); i < 0 || j < i {
		t.Errorf("stderr:\n%s\nwant the listing's lines before the users' progress", stderr.String())
	}
	// Then the dataset is written: each week's steps, user by user.
	for _, want := range []string{
		"  dataset: 2026-W20 (week 1 of 1) choosing copies, 1/3 users · 0 rows written · 6s\n",
		"  dataset: 2026-W20 (week 1 of 1) writing rows, 3/3 users · 0 rows written · 11s\n",
		"  dataset: 2026-W20 (week 1 of 1) merging runs · 0 rows written · 12s\n",
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr:\n%s\nwant the line %q", stderr.String(), want)
		}
	}
}
