package google_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/google"
	"github.com/overload-engine/overload/ingest/google/googletest"
	"github.com/overload-engine/overload/ingest/ingesttest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

var testStart = dataset.Week{Year: 2026, Num: 46}

func newOrg(t testing.TB, people int) *synthetic.Org {
	t.Helper()
	org, err := synthetic.Generate(synthetic.Config{People: people, Weeks: 2, Start: testStart, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	return org
}

func newPseudonymizer(t testing.TB) *ingest.Pseudonymizer {
	t.Helper()
	ps, err := ingest.NewPseudonymizer([]byte(synthetic.DefaultKey))
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// newSource returns a Source reading srv through the real service-account
// flow: a generated key whose token_uri is the fake's.
func newSource(t testing.TB, ctx context.Context, srv *googletest.Server, inbox bool, log *slog.Logger) *google.Source {
	return newSourceCfg(t, ctx, srv, log, func(c *google.Config) { c.Inbox = inbox })
}

func newSourceCfg(t testing.TB, ctx context.Context, srv *googletest.Server, log *slog.Logger, edit func(*google.Config)) *google.Source {
	t.Helper()
	key := filepath.Join(t.TempDir(), "key.json")
	if err := os.WriteFile(key, srv.ServiceAccountKey(), 0o600); err != nil {
		t.Fatal(err)
	}
	dir, cal, gm := srv.Endpoints()
	cfg := google.Config{
		CredentialsFile: key,
		AdminEmail:      srv.Admin(),
		Domains:         []string{srv.Org().Domain},
		Endpoints:       google.Endpoints{Directory: dir, Calendar: cal, Gmail: gm},
		Logger:          log,
		// The fake has no quota: pace only enough to exercise the limiters.
		Quota:          google.Quota{CalendarPerUserPerMinute: 1e6, GmailPerUserPerMinute: 1e7, GmailPerMinute: 1e8, CalendarPerMinute: 1e7},
		RetryBaseDelay: time.Millisecond,
	}
	if edit != nil {
		edit(&cfg)
	}
	src, err := google.New(ctx, cfg, newPseudonymizer(t))
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestRunner_matchesGenerator(t *testing.T) {
	ctx := context.Background()
	org := newOrg(t, 40)
	srv := googletest.NewServer(t, org, googletest.Options{MaxPage: 7, RequireAuth: true})
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	src := newSource(t, ctx, srv, true, log)
	root := t.TempDir()
	// The generated weeks and their neighbours: the generator's events and
	// mail reach a little beyond its weeks, so this ingest holds every row
	// of org.Tables but for the documented source limits.
	weeks := []dataset.Week{org.Weeks[0].Add(-1), org.Weeks[0], org.Weeks[1], org.Weeks[1].Add(1)}
	r := &ingest.Runner{Source: src, Name: "google", Root: root, Weeks: weeks, Logger: log}
	sum, err := r.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Skipped) > 0 || sum.Read != 40 {
		t.Fatalf("summary %+v, want 40 users read, none skipped", sum)
	}
	want := googletest.Expected(org, newPseudonymizer(t), weeks, true)
	raw := org.Tables(newPseudonymizer(t))
	emails := 0
	for _, m := range raw.Messages {
		if m.Channel == dataset.ChannelEmail {
			emails++
		}
	}
	if len(want.Events) != len(raw.Events) || len(want.Attendance) != len(raw.Attendance) || len(want.Messages) != emails {
		t.Errorf("expected tables drop rows beyond the source limits: %d/%d events, %d/%d attendance, %d/%d emails",
			len(want.Events), len(raw.Events), len(want.Attendance), len(raw.Attendance), len(want.Messages), emails)
	}
	ingesttest.CheckDataset(t, root, want, org.Weeks)
	ingesttest.CheckNoCanary(t, root, logs.String(), org)
	if _, err := os.Stat(filepath.Join(root, ingest.StateDir)); !os.IsNotExist(err) {
		t.Errorf("checkpoints left after a complete run: %v", err)
	}
	// Every call asked for a fields mask; Gmail never for Subject or q.
	for _, r := range srv.Requests() {
		if !strings.Contains(r, "fields=") {
			t.Errorf("request without a fields mask: %s", r)
		}
		if strings.Contains(r, "Subject") || strings.Contains(r, "&q=") {
			t.Errorf("request asks for content: %s", r)
		}
	}
	// One token per user (Calendar and Gmail, read at once, share it) and
	// one for the admin; no client is held once the users are read.
	if _, _, tokens := srv.Stats(); tokens != 41 {
		t.Errorf("%d tokens issued, want 41", tokens)
	}
	if n := google.UsersHeld(src); n != 0 {
		t.Errorf("%d users' clients held after the run, want 0", n)
	}
	st := src.Stats()
	t.Logf("%d events, %d attendance, %d messages; %d calls, %d retries, %d Gmail units, %s",
		sum.Events, sum.Attendance, sum.Messages, st.Calls, st.Retries, st.GmailUnits, sum.Elapsed)
}

func TestRunner_sentOnly(t *testing.T) {
	ctx := context.Background()
	org := newOrg(t, 20)
	srv := googletest.NewServer(t, org, googletest.Options{MaxPage: 50})
	root := t.TempDir()
	r := &ingest.Runner{Source: newSource(t, ctx, srv, false, nil), Name: "google", Root: root, Weeks: org.Weeks}
	if _, err := r.Run(ctx); err != nil {
		t.Fatal(err)
	}
	ingesttest.CheckDataset(t, root, googletest.Expected(org, newPseudonymizer(t), org.Weeks, false), org.Weeks)
}

func TestRunner_faults(t *testing.T) {
	ctx := context.Background()
	org := newOrg(t, 30)
	srv := googletest.NewServer(t, org, googletest.Options{MaxPage: 10, FaultRate: 0.05, Seed: 3, RequireAuth: true, Hang: 10 * time.Second})
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	src := newSourceCfg(t, ctx, srv, log, func(c *google.Config) { c.Inbox, c.RequestTimeout = true, 500*time.Millisecond })
	root := t.TempDir()
	r := &ingest.Runner{Source: src, Name: "google", Root: root, Weeks: org.Weeks, Logger: log}
	sum, err := r.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Skipped) > 0 {
		t.Fatalf("skipped %+v", sum.Skipped)
	}
	_, faults, _ := srv.Stats()
	if st := src.Stats(); faults == 0 || st.Retries < faults {
		t.Errorf("%d faults injected, %d retries: want some faults, each retried", faults, st.Retries)
	}
	ingesttest.CheckDataset(t, root, googletest.Expected(org, newPseudonymizer(t), org.Weeks, true), org.Weeks)
	ingesttest.CheckNoCanary(t, root, logs.String(), org)
}

func TestRunner_resume(t *testing.T) {
	org := newOrg(t, 30)
	srv := googletest.NewServer(t, org, googletest.Options{MaxPage: 25})
	root := t.TempDir()

	// First run: cancelled once 12 or more users are read (a kill, as far
	// as the dataset can tell: nothing was written but checkpoints).
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &ingest.Runner{Source: newSource(t, ctx, srv, true, nil), Name: "google", Root: root, Weeks: org.Weeks,
		Concurrency: 4,
		Progress: func(p ingest.Progress) {
			if p.Done >= 12 { // the first call can count several users
				cancel()
			}
		}}
	if _, err := r.Run(ctx); err == nil {
		t.Fatal("cancelled run returned no error")
	}
	before := len(srv.Requests())

	// Second run: resumes.
	ctx2 := context.Background()
	r2 := &ingest.Runner{Source: newSource(t, ctx2, srv, true, nil), Name: "google", Root: root, Weeks: org.Weeks}
	sum, err := r2.Run(ctx2)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Resumed < 12 || sum.Resumed+sum.Read != 30 {
		t.Errorf("resumed %d, read %d: want at least 12 resumed, 30 in all", sum.Resumed, sum.Read)
	}
	ingesttest.CheckDataset(t, root, googletest.Expected(org, newPseudonymizer(t), org.Weeks, true), org.Weeks)

	// A third, complete run over the same weeks rewrites its shard: still
	// no duplicates.
	if _, err := r2.Run(ctx2); err != nil {
		t.Fatal(err)
	}
	ingesttest.CheckDataset(t, root, googletest.Expected(org, newPseudonymizer(t), org.Weeks, true), org.Weeks)
	t.Logf("first run %d requests, second and third %d", before, len(srv.Requests())-before)
}

func TestRunner_skipsFailingUser(t *testing.T) {
	ctx := context.Background()
	org := newOrg(t, 20)
	srv := googletest.NewServer(t, org, googletest.Options{})
	bad := org.People()[5].Email
	srv.FailUser(bad, true)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	root := t.TempDir()
	r := &ingest.Runner{Source: newSource(t, ctx, srv, true, log), Name: "google", Root: root, Weeks: org.Weeks, Logger: log}
	sum, err := r.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pid := newPseudonymizer(t).PersonID(bad)
	if len(sum.Skipped) != 1 || sum.Skipped[0].PersonID != pid || sum.People != 19 {
		t.Fatalf("summary %+v, want user %s skipped and 19 people", sum, pid)
	}
	if !strings.Contains(sum.Skipped[0].Reason, "403") || strings.Contains(sum.Skipped[0].Reason, "@") {
		t.Errorf("skip reason %q: want the 403, without an address", sum.Skipped[0].Reason)
	}
	ingesttest.CheckNoCanary(t, root, logs.String(), org)

	// The next run reads the skipped user and completes the dataset.
	srv.FailUser(bad, false)
	sum, err = r.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Skipped) != 0 || sum.Read != 1 || sum.Resumed != 19 {
		t.Errorf("second run %+v, want 1 read, 19 resumed", sum)
	}
	ingesttest.CheckDataset(t, root, googletest.Expected(org, newPseudonymizer(t), org.Weeks, true), org.Weeks)
}

// TestSource_httpClient reads the fake with a caller's client and no key:
// requests go out without tokens (the way to put an authenticating proxy
// in front).
func TestSource_httpClient(t *testing.T) {
	ctx := context.Background()
	org := newOrg(t, 10)
	srv := googletest.NewServer(t, org, googletest.Options{})
	dir, cal, gm := srv.Endpoints()
	src, err := google.New(ctx, google.Config{
		HTTPClient: &http.Client{}, AdminEmail: srv.Admin(), Inbox: true,
		Endpoints: google.Endpoints{Directory: dir, Calendar: cal, Gmail: gm},
	}, newPseudonymizer(t))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	if _, err := (&ingest.Runner{Source: src, Name: "google", Root: root, Weeks: org.Weeks}).Run(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, tokens := srv.Stats(); tokens != 0 {
		t.Errorf("%d tokens requested without a key, want 0", tokens)
	}
	ingesttest.CheckDataset(t, root, googletest.Expected(org, newPseudonymizer(t), org.Weeks, true), org.Weeks)
}
