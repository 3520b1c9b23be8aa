package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

// testNow is the fixed clock of runCLI: Monday of 2026-W48, so --week last
// is 2026-W47.
var testNow = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// runCLIEnv runs the CLI with ctx and an Env built from env's HTTP client
// and Getenv (nil: none).
func runCLIEnv(ctx context.Context, client *http.Client, getenv func(string) string, args ...string) (string, string, error) {
	var out, errb bytes.Buffer
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	env := &Env{Stdout: &out, Stderr: &errb, Getenv: getenv, HTTPClient: client, Now: func() time.Time { return testNow }}
	cmd := newRootCmd(env)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(ctx)
	return out.String(), errb.String(), err
}

// readManifest reads OUT/<week>/manifest.json.
func readManifest(t *testing.T, out, week string) manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, week, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		manifest
		Sources []map[string]any `json:"sources"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m.manifest
}

// treeFiles returns every file under dir (relative path → bytes), leaving
// out run-log.json, the one file that differs between reruns by design.
func treeFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "run-log.json" {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files[rel] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// sameTree fails unless dirs a and b hold byte-identical files.
func sameTree(t *testing.T, a, b string) {
	t.Helper()
	fa, fb := treeFiles(t, a), treeFiles(t, b)
	if len(fa) == 0 {
		t.Fatalf("%s is empty", a)
	}
	for name, da := range fa {
		db, ok := fb[name]
		switch {
		case !ok:
			t.Errorf("%s: only in the first run", name)
		case da != db:
			t.Errorf("%s differs between runs", name)
		}
	}
	for name := range fb {
		if _, ok := fa[name]; !ok {
			t.Errorf("%s: only in the second run", name)
		}
	}
}

func TestRun_demoConfig(t *testing.T) {
	out := t.TempDir()
	stdout, stderr, err := runCLI(t, "run", "--config", "../../configs/demo.yaml", "--week", "last", "--out", out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "Week 2026-W47: ok.") || !strings.Contains(stdout, "manifest.json") {
		t.Errorf("summary lacks the status or the manifest:\n%s", stdout)
	}
	for _, f := range []string{"hr.html", "hr.xlsx", "person_week.csv", "manifest.json", "run-log.json", "person_week/week=2026-W47"} {
		if _, err := os.Stat(filepath.Join(out, "2026-W47", f)); err != nil {
			t.Errorf("run did not write %s: %v", f, err)
		}
	}
	m := readManifest(t, out, "2026-W47")
	if m.Status != "ok" || m.Analysis.PersonWeeks != 200 || len(m.Managers) == 0 || len(m.SkippedUsers) != 0 {
		t.Errorf("manifest: status %q, %d person-weeks, %d managers, %d skipped; want ok, 200, some, 0",
			m.Status, m.Analysis.PersonWeeks, len(m.Managers), len(m.SkippedUsers))
	}
	for _, r := range m.Reports {
		if _, err := os.Stat(filepath.Join(out, "2026-W47", r)); err != nil {
			t.Errorf("manifest lists %s, not written", r)
		}
	}
	checkClean(t, "run", stdout, stderr)
	checkNoAddresses(t, filepath.Join(out, "2026-W47"))
}

// checkNoAddresses fails if a report file holds an email address.
func checkNoAddresses(t *testing.T, dir string) {
	t.Helper()
	for name, b := range treeFiles(t, dir) {
		if strings.Contains(b, "@example.com") || strings.Contains(b, "CANARY") {
			t.Errorf("%s holds an address or a canary", name)
		}
	}
}

// writeSmallDemo writes a batch config of a 60-person synthetic
// organisation with every kind of report, and returns its path and the
// email of the person with a personal report.
func writeSmallDemo(t *testing.T) (string, string) {
	t.Helper()
	start, _ := dataset.ParseWeek("2026-W46")
	org, err := synthetic.Generate(synthetic.Config{People: 60, Weeks: 3, Start: start, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	me := org.People()[30].Email
	cfg := `sources:
  - type: synthetic
    synthetic: {people: 60}
privacy: {min_group_size: 3}
reports:
  hr: {by: FunctionType}
  managers: {min_reports: 3}
  me: {emails: [` + me + `, nobody@example.com]}
trend_weeks: 4
out: out
`
	path := filepath.Join(t.TempDir(), "batch.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, me
}

func TestRun_idempotentWithTrend(t *testing.T) {
	cfg, _ := writeSmallDemo(t)
	out := t.TempDir()
	if _, stderr, err := runCLI(t, "run", "--config", cfg, "--week", "2026-W46", "--out", out); err != nil {
		t.Fatalf("run W46: %v\n%s", err, stderr)
	}
	stdout, stderr, err := runCLI(t, "run", "--config", cfg, "--out", out)
	if err != nil {
		t.Fatalf("run W47: %v\n%s", err, stderr)
	}
	m := readManifest(t, out, "2026-W47")
	if d := cmp.Diff([]string{"2026-W46"}, m.TrendWeeks); d != "" {
		t.Errorf("trend weeks (-want +got):\n%s", d)
	}
	if len(m.Me) != 1 || len(m.Warnings) != 1 || !strings.Contains(m.Warnings[0], "reports.me.emails[1]") {
		t.Errorf("personal reports %v, warnings %q: want one report and a warning naming reports.me.emails[1]", m.Me, m.Warnings)
	}
	if len(m.Managers) == 0 {
		t.Fatalf("no manager report")
	}
	for _, f := range []string{"hr.html", filepath.Join("manager", m.Managers[0], "manager.md")} {
		b, _ := os.ReadFile(filepath.Join(out, "2026-W47", f))
		if !bytes.Contains(b, []byte("2026-W46")) {
			t.Errorf("%s does not show the trailing week 2026-W46", f)
		}
	}
	if !strings.Contains(stdout, "trend: 1 earlier week(s)") {
		t.Errorf("summary does not mention the trend:\n%s", stdout)
	}

	// The same week again, into the same OUT and into a copy of it.
	again := t.TempDir()
	if err := os.CopyFS(again, os.DirFS(out)); err != nil {
		t.Fatal(err)
	}
	first := filepath.Join(t.TempDir(), "first")
	if err := os.CopyFS(first, os.DirFS(filepath.Join(out, "2026-W47"))); err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := runCLI(t, "run", "--config", cfg, "--week", "2026-W47", "--out", out); err != nil {
		t.Fatalf("rerun: %v\n%s", err, stderr)
	}
	sameTree(t, first, filepath.Join(out, "2026-W47"))
	checkNoAddresses(t, filepath.Join(out, "2026-W47"))
}

// writeGoogleBatch writes a batch config reading the fake Google server
// through the ingest config its fakeapi wrote at ingestCfg.
func writeGoogleBatch(t *testing.T, ingestCfg string) string {
	t.Helper()
	doc := `sources:
  - type: google
    google_config: ` + ingestCfg + `
org_key_file: ` + filepath.Join(filepath.Dir(ingestCfg), "google.org.key") + `
concurrency: 4
privacy: {min_group_size: 3}
reports:
  hr: {}
  managers: {min_reports: 3}
out: out
`
	path := filepath.Join(t.TempDir(), "google-batch.yaml")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRun_google(t *testing.T) {
	fake, fakeErr := startFakeAPI(t)
	cfg := writeGoogleBatch(t, fake)
	out := t.TempDir()
	stdout, stderr, err := runCLI(t, "run", "--config", cfg, "--week", "last", "--out", out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr)
	}
	m := readManifest(t, out, "2026-W47")
	if m.Status != "ok" || m.Analysis.PersonWeeks != 40 {
		t.Errorf("manifest: status %q, %d person-weeks; want ok, 40", m.Status, m.Analysis.PersonWeeks)
	}
	got, err := dataset.ReadPersonWeek(context.Background(), filepath.Join(out, "2026-W47"), nil)
	if err != nil {
		t.Fatal(err)
	}
	var want []dataset.PersonWeek
	for _, r := range expectedPersonWeek(t) {
		if r.Week == "2026-W47" {
			want = append(want, r)
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("person_week differs from the generator's (-want +got):\n%s", d)
	}
	checkClean(t, "run", stdout, stderr, fakeErr.String())
	checkNoAddresses(t, filepath.Join(out, "2026-W47"))
}

// cancelAfter cancels a context once n requests have been sent.
type cancelAfter struct {
	n      int64
	sent   atomic.Int64
	cancel context.CancelFunc
}

func (c *cancelAfter) RoundTrip(r *http.Request) (*http.Response, error) {
	if c.sent.Add(1) == c.n {
		c.cancel()
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestRun_cancelledThenRerun cancels a run halfway through the ingest and
// runs it again: it resumes from the checkpoints and writes exactly what an
// uninterrupted run writes.
func TestRun_cancelledThenRerun(t *testing.T) {
	fake, _ := startFakeAPI(t)
	cfg := writeGoogleBatch(t, fake)

	clean := t.TempDir()
	counter := &cancelAfter{n: -1}
	if _, stderr, err := runCLIEnv(context.Background(), &http.Client{Transport: counter}, nil, "run", "--config", cfg, "--out", clean); err != nil {
		t.Fatalf("clean run: %v\n%s", err, stderr)
	}
	total := counter.sent.Load()

	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	client := &http.Client{Transport: &cancelAfter{n: total / 2, cancel: cancel}}
	_, _, err := runCLIEnv(ctx, client, nil, "run", "--config", cfg, "--out", out)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: err = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(filepath.Join(out, "dataset", "_ingest", "google")); err != nil {
		t.Fatalf("the run cancelled after %d of %d requests left no checkpoints: %v", total/2, total, err)
	}
	if _, err := os.Stat(filepath.Join(out, "2026-W47")); err == nil {
		t.Errorf("the cancelled run published a week")
	}
	if _, stderr, err := runCLIEnv(context.Background(), nil, nil, "run", "--config", cfg, "--out", out); err != nil {
		t.Fatalf("rerun: %v\n%s", err, stderr)
	}
	var log runLog
	b, _ := os.ReadFile(filepath.Join(out, "2026-W47", "run-log.json"))
	if err := json.Unmarshal(b, &log); err != nil || len(log.Sources) != 1 || log.Sources[0].Resumed == 0 {
		t.Errorf("the rerun resumed no user from the checkpoints: %+v (%v)", log.Sources, err)
	}
	sameTree(t, filepath.Join(clean, "2026-W47"), filepath.Join(out, "2026-W47"))
}

// failUser answers 404 to every request about one user's calendar or mail.
type failUser struct{ email string }

func (f failUser) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.Contains(r.URL.Path, f.email) {
		return &http.Response{StatusCode: http.StatusNotFound, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(`{"error":{"code":404,"message":"Not Found"}}`)), Request: r}, nil
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestRun_partial runs a batch in which one user cannot be read: the
// reports are published without them, and the run says so.
func TestRun_partial(t *testing.T) {
	fake, _ := startFakeAPI(t)
	cfg := writeGoogleBatch(t, fake)
	start, _ := dataset.ParseWeek(fakeStart)
	org, err := synthetic.Generate(synthetic.Config{People: 40, Weeks: 2, Start: start, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	email := org.People()[7].Email
	out := t.TempDir()
	stdout, _, err := runCLIEnv(context.Background(), &http.Client{Transport: failUser{email}}, nil, "run", "--config", cfg, "--out", out)
	var pe *partialError
	if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), "partial: week 2026-W47: 1 user(s)") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v, want a one-line partial error for 1 user", err)
	}
	m := readManifest(t, out, "2026-W47")
	if m.Status != "partial" || len(m.SkippedUsers) != 1 || m.Analysis.PersonWeeks != 39 {
		t.Errorf("manifest: status %q, skipped %v, %d person-weeks; want partial, 1 user, 39", m.Status, m.SkippedUsers, m.Analysis.PersonWeeks)
	}
	if !strings.Contains(stdout, "Week 2026-W47: partial.") || !strings.Contains(stdout, "skipped users") {
		t.Errorf("summary does not show the partial run:\n%s", stdout)
	}
	checkClean(t, "run", stdout, err.Error())
	checkNoAddresses(t, filepath.Join(out, "2026-W47"))

	// The next run reads the user and publishes the whole week.
	if _, stderr, err := runCLIEnv(context.Background(), nil, nil, "run", "--config", cfg, "--out", out); err != nil {
		t.Fatalf("rerun: %v\n%s", err, stderr)
	}
	if m := readManifest(t, out, "2026-W47"); m.Status != "ok" || m.Analysis.PersonWeeks != 40 {
		t.Errorf("rerun manifest: status %q, %d person-weeks; want ok, 40", m.Status, m.Analysis.PersonWeeks)
	}
}

// TestRun_msgraph runs the weekly batch against the fake Graph server, with
// the msgraph section of the config `overload fakeapi graph` writes: the
// week's person_week equals the one of the generator's expected dataset.
func TestRun_msgraph(t *testing.T) {
	fakeCfg, fakeErr := startGraphFake(t)
	gc, err := loadGraphIngestConfig(fakeCfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	section, err := yaml.Marshal(gc.MSGraph)
	if err != nil {
		t.Fatal(err)
	}
	var indented strings.Builder
	for _, line := range strings.Split(strings.TrimRight(string(section), "\n"), "\n") {
		indented.WriteString("      " + line + "\n")
	}
	doc := "sources:\n  - type: msgraph\n    msgraph:\n" + indented.String() +
		"org_key_file: " + gc.OrgKeyFile + "\nprivacy: {min_group_size: 3}\nreports:\n  hr: {}\nout: out\n"
	cfg := filepath.Join(t.TempDir(), "msgraph-batch.yaml")
	if err := os.WriteFile(cfg, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	stdout, stderr, err := runCLI(t, "run", "--config", cfg, "--week", "last", "--out", out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr)
	}
	m := readManifest(t, out, "2026-W47")
	if m.Status != "ok" || m.Analysis.PersonWeeks != graphFakePeople {
		t.Errorf("manifest: status %q, %d person-weeks; want ok, %d", m.Status, m.Analysis.PersonWeeks, graphFakePeople)
	}
	got, err := dataset.ReadPersonWeek(context.Background(), filepath.Join(out, "2026-W47"), nil)
	if err != nil {
		t.Fatal(err)
	}
	var want []dataset.PersonWeek
	for _, r := range expectedGraphPersonWeek(t) {
		if r.Week == "2026-W47" {
			want = append(want, r)
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("person_week differs from the generator's (-want +got):\n%s", d)
	}
	checkGraphClean(t, filepath.Join(out, "2026-W47"), stdout, stderr, fakeErr.String())
}

// The scheduled run's ingest lines come every 5 seconds at most: the
// directory listed, the users read, the dataset written.
func TestBatchRun_ingestProgress(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	var stderr strings.Builder
	env := &Env{Stdout: io.Discard, Stderr: &stderr, Now: func() time.Time { now = now.Add(3 * time.Second); return now }}
	b := &batchRun{env: env, cfg: &batchConfig{Out: t.TempDir()}}
	r := b.runner(context.Background(), nil, "google", []dataset.Week{{Year: 2026, Num: 20}})
	r.Listing(10) // 3 s: too early
	r.Listing(20) // 6 s
	r.Progress(ingest.Progress{Users: 20, Done: 1})
	r.Progress(ingest.Progress{Users: 20, Done: 2})
	r.Writing(ingest.WriteProgress{Week: dataset.Week{Year: 2026, Num: 20}, Weeks: 1, Step: ingest.WriteRows, Done: 3, Users: 20, Rows: 512})
	r.Writing(ingest.WriteProgress{Week: dataset.Week{Year: 2026, Num: 20}, Weeks: 1, Step: ingest.WriteMerging, Rows: 900})
	want := "    google: directory, 20 users listed so far\n" +
		"    google: users 2/20 (resumed 0, skipped 0)\n" +
		"    google: dataset 2026-W20 (week 1 of 1) merging runs, 900 rows written\n"
	if stderr.String() != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr.String(), want)
	}
}
