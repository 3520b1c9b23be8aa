package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/overload-engine/overload/dataset"
)

// runBenchIngestCLI runs `overload bench ingest ARGS…`. The ingest runs
// as a child process: the test binary, standing in for overload (TestMain).
func runBenchIngestCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	out, errOut, err := runCLI(t, append([]string{"bench", "ingest"}, args...)...)
	if err != nil {
		return out, fmt.Errorf("%w\n%s", err, errOut)
	}
	return out, nil
}

// benchLine matches one result line of the report.
var benchLine = regexp.MustCompile(`^(\S+) +(\d+) +(\d+) +(\d+) +(\d+) +([\d.]+) +([\d.]+) +([\d.]+) +([\d.]+) +(?:\d+%|-) +(\d+) MiB +([\d.]+) +(.+?) +([\d.]+) +([\d.]+) +([\d.]+)% +(.+)$`)

// A benchRow is one parsed result line.
type benchRow struct {
	source                 string
	people, users, calls   int
	rows                   int64
	wall, api, callsPerSec float64
	peakRSSMiB             int
	quota, bound           string
	limit, used, share     float64
}

func parseBenchReport(t *testing.T, out string) []benchRow {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[0], "overload bench ingest: ") || lines[1] != benchHeader() {
		t.Fatalf("report does not start with the title and the header:\n%s", out)
	}
	var rows []benchRow
	for _, l := range lines[2:] {
		m := benchLine.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("report line does not parse: %q", l)
		}
		n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
		f := func(i int) float64 { v, _ := strconv.ParseFloat(m[i], 64); return v }
		rows = append(rows, benchRow{source: m[1], people: n(2), users: n(3), calls: n(4), rows: int64(n(5)),
			wall: f(6), api: f(7), callsPerSec: f(11), peakRSSMiB: n(10), quota: m[12], limit: f(13), used: f(14), share: f(15), bound: m[16]})
	}
	return rows
}

func TestBenchIngest(t *testing.T) {
	keep := t.TempDir()
	out, err := runBenchIngestCLI(t, "--source", "both", "--people", "10", "--latency", "1ms", "--keep", keep)
	if err != nil {
		t.Fatalf("bench ingest: %v\n%s", err, out)
	}
	t.Logf("report:\n%s", out)
	rows := parseBenchReport(t, out)
	if len(rows) != 2 || rows[0].source != "google" || rows[1].source != "msgraph" {
		t.Fatalf("report has lines %+v, want google then msgraph:\n%s", rows, out)
	}
	ctx := context.Background()
	for _, r := range rows {
		t.Run(r.source, func(t *testing.T) {
			tables, err := dataset.ReadTables(ctx, filepath.Join(keep, r.source+"-10", "dataset"), nil)
			if err != nil {
				t.Fatalf("read the kept dataset: %v", err)
			}
			held := int64(len(tables.People) + len(tables.Events) + len(tables.Attendance) + len(tables.Messages))
			if r.rows != held || r.users != len(tables.People) || r.people != 10 {
				t.Errorf("people %d, users %d, rows %d; the dataset holds %d people and %d rows, want 10 people",
					r.people, r.users, r.rows, len(tables.People), held)
			}
			if r.calls <= 0 || r.api <= 0 || r.callsPerSec <= 0 {
				t.Errorf("calls %d in %g api s (%g/s), want some", r.calls, r.api, r.callsPerSec)
			}
			if r.peakRSSMiB <= 0 {
				t.Errorf("peak RSS %d MiB, want the ingest process's", r.peakRSSMiB)
			}
			if r.api > r.wall+0.1 {
				t.Errorf("api s %g > wall s %g: the API time is part of the run", r.api, r.wall)
			}
			if r.share <= 0 || r.share > 100 {
				t.Errorf("share %g%%, want in (0, 100]", r.share)
			}
			switch r.source {
			case "google":
				// share counts the pacer's burst as quota, so it is at most used/limit.
				if r.quota != "gmail units/min, project" || r.limit != DefaultBenchGmailQuota || r.share > 100*r.used/r.limit+0.1 {
					t.Errorf("quota %q limit %g used %g share %g%%, want the default Gmail project quota, share ≤ used/limit",
						r.quota, r.limit, r.used, r.share)
				}
			case "msgraph":
				if r.quota != "requests in flight, app" || r.limit != 16 || math.Abs(r.share-100*r.used/r.limit) > 0.5 {
					t.Errorf("quota %q limit %g used %g share %g%%, want 16 in flight and share = used/limit",
						r.quota, r.limit, r.used, r.share)
				}
			}
			// 10 people: Graph reads them all at once, 30 requests (a
			// calendar and two folders each) for the 16 allowed. A busy
			// machine may be the limit instead.
			if want := map[string]string{"google": "quota", "msgraph": "quota"}[r.source]; r.bound != want && r.bound != "CPU" {
				t.Errorf("bound by %q, want %q (or CPU)", r.bound, want)
			}
		})
	}
}

func TestBenchIngest_sizes(t *testing.T) {
	out, err := runBenchIngestCLI(t, "--source", "msgraph", "--people", "4,6", "--latency", "0", "--concurrency", "2")
	if err != nil {
		t.Fatalf("bench ingest: %v\n%s", err, out)
	}
	rows := parseBenchReport(t, out)
	if len(rows) != 2 || rows[0].people != 4 || rows[1].people != 6 {
		t.Fatalf("want one msgraph line for 4 and one for 6 people:\n%s", out)
	}
	if rows[0].bound != "users at once (2)" && rows[0].bound != "CPU" {
		t.Errorf("bound by %q with 2 users at once (6 requests) and 16 requests allowed, want users at once (2)", rows[0].bound)
	}
}

func TestBenchIngest_errors(t *testing.T) {
	for _, args := range [][]string{
		{"--source", "dropbox"},
		{"--people", "200,x"},
		{"--people", "1"},
		{"--weeks", "0"},
		{"--gmail-quota", "0"},
		{"--graph-concurrency", "0"},
	} {
		_, err := runBenchIngestCLI(t, args...)
		var ue *usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), args[0]) {
			t.Errorf("bench ingest %s: err = %v, want a usage error naming %s", strings.Join(args, " "), err, args[0])
		}
	}
}

// TestBenchIngest_help checks that --help explains every column.
func TestBenchIngest_help(t *testing.T) {
	long := newBenchIngestCmd(&Env{}).Long
	for _, col := range []string{"users", "calls", "rows", "wall s", "api s", "cpu s", "fake s", "idle", "peak RSS",
		"calls/s", "quota", "limit", "used", "share", "bound by"} {
		if !strings.Contains(long, "\n  "+col) && !strings.Contains(long, ", "+col) {
			t.Errorf("--help does not explain the column %q", col)
		}
	}
}
