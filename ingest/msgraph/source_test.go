package msgraph_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"log/slog"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/ingesttest"
	"github.com/overload-engine/overload/ingest/msgraph"
	"github.com/overload-engine/overload/ingest/msgraph/graphtest"
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

// newSource returns a Source reading srv with the real SDK: anonymous
// auth, base URL at the fake.
func newSource(t testing.TB, srv *graphtest.Server, log *slog.Logger, edit func(*msgraph.Config)) *msgraph.Source {
	t.Helper()
	cfg := msgraph.Config{
		Auth:     msgraph.AuthNone,
		Endpoint: srv.BaseURL(),
		Domains:  []string{srv.Org().Domain},
		Inbox:    true,
		Logger:   log,
	}
	if edit != nil {
		edit(&cfg)
	}
	src, err := msgraph.New(cfg, newPseudonymizer(t))
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestRunner_matchesGenerator(t *testing.T) {
	ctx := context.Background()
	org := newOrg(t, 40)
	srv := graphtest.NewServer(t, org, graphtest.Options{MaxPage: 7, WindowsZones: true})
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	src := newSource(t, srv, log, nil)
	root := t.TempDir()
	weeks := ingesttest.EdgeWeeks(org)
	r := &ingest.Runner{Source: src, Name: "msgraph", Root: root, Weeks: weeks, Logger: log}
	sum, err := r.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Skipped) > 0 || sum.Read != 40 {
		t.Fatalf("summary %+v, want 40 users read, none skipped", sum)
	}
	want := graphtest.Expected(org, newPseudonymizer(t), weeks, true)
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
	// Every Outlook request, next pages included, asked for UTC, immutable
	// ids and a page size, and selected its properties.
	for _, r := range srv.Requests() {
		if !strings.Contains(r, "/calendarView") && !strings.Contains(r, "/messages") {
			continue
		}
		for _, want := range []string{`outlook.timezone="UTC"`, `IdType="ImmutableId"`, "odata.maxpagesize=", "$select="} {
			if !strings.Contains(r, want) {
				t.Errorf("request without %s: %s", want, r)
				break
			}
		}
	}
	st := src.Stats()
	if st.MaxMailboxInFlight > msgraph.DefaultPerMailboxConcurrency {
		t.Errorf("%d requests in flight for one mailbox, cap %d", st.MaxMailboxInFlight, msgraph.DefaultPerMailboxConcurrency)
	}
	t.Logf("%d people, %d events, %d attendance, %d messages; %d calls, %d retries, %s",
		sum.People, sum.Events, sum.Attendance, sum.Messages, st.Calls, st.Retries, sum.Elapsed)
}

func TestRunner_sentOnly(t *testing.T) {
	ctx := context.Background()
	org := newOrg(t, 20)
	srv := graphtest.NewServer(t, org, graphtest.Options{MaxPage: 50})
	root := t.TempDir()
	src := newSource(t, srv, nil, func(c *msgraph.Config) { c.Inbox = false })
	r := &ingest.Runner{Source: src, Name: "msgraph", Root: root, Weeks: org.Weeks}
	if _, err := r.Run(ctx); err != nil {
		t.Fatal(err)
	}
	ingesttest.CheckDataset(t, root, graphtest.Expected(org, newPseudonymizer(t), org.Weeks, false), org.Weeks)
	for _, r := range srv.Requests() {
		if strings.Contains(r, "/inbox/") {
			t.Fatalf("inbox read without Inbox: %s", r)
		}
	}
}

func TestRunner_faults(t *testing.T) {
	ctx := context.Background()
	org := newOrg(t, 30)
	srv := graphtest.NewServer(t, org, graphtest.Options{MaxPage: 10, FaultRate: 0.05, Seed: 3, Latency: time.Millisecond,
		Hang: 10 * time.Second})
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	src := newSource(t, srv, log, func(c *msgraph.Config) { c.RequestTimeout = 300 * time.Millisecond })
	root := t.TempDir()
	r := &ingest.Runner{Source: src, Name: "msgraph", Root: root, Weeks: org.Weeks, Logger: log}
	sum, err := r.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Skipped) > 0 {
		t.Fatalf("skipped %+v", sum.Skipped)
	}
	_, faults := srv.Stats()
	if st := src.Stats(); faults == 0 || st.Retries < faults {
		t.Errorf("%d faults injected, %d retries: want some faults, each retried", faults, st.Retries)
	}
	ingesttest.CheckDataset(t, root, graphtest.Expected(org, newPseudonymizer(t), org.Weeks, true), org.Weeks)
	ingesttest.CheckNoCanary(t, root, logs.String(), org)
	t.Logf("%d faults injected and retried", faults)
}

func TestRunner_resume(t *testing.T) {
	org := newOrg(t, 30)
	srv := graphtest.NewServer(t, org, graphtest.Options{MaxPage: 25})
	root := t.TempDir()

	// First run: cancelled once 12 or more users are read (a kill, as far
	// as the dataset can tell: nothing was written but checkpoints).
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &ingest.Runner{Source: newSource(t, srv, nil, nil), Name: "msgraph", Root: root, Weeks: org.Weeks,
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
	r2 := &ingest.Runner{Source: newSource(t, srv, nil, nil), Name: "msgraph", Root: root, Weeks: org.Weeks}
	sum, err := r2.Run(ctx2)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Resumed < 12 || sum.Resumed+sum.Read != 30 {
		t.Errorf("resumed %d, read %d: want at least 12 resumed, 30 in all", sum.Resumed, sum.Read)
	}
	ingesttest.CheckDataset(t, root, graphtest.Expected(org, newPseudonymizer(t), org.Weeks, true), org.Weeks)

	// A third, complete run over the same weeks rewrites its shard: still
	// no duplicates.
	if _, err := r2.Run(ctx2); err != nil {
		t.Fatal(err)
	}
	ingesttest.CheckDataset(t, root, graphtest.Expected(org, newPseudonymizer(t), org.Weeks, true), org.Weeks)
	t.Logf("first run %d requests, second and third %d", before, len(srv.Requests())-before)
}

func TestRunner_skipsFailingUser(t *testing.T) {
	ctx := context.Background()
	org := newOrg(t, 20)
	srv := graphtest.NewServer(t, org, graphtest.Options{})
	bad := org.People()[5].Email
	srv.FailUser(bad, true)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	root := t.TempDir()
	r := &ingest.Runner{Source: newSource(t, srv, log, nil), Name: "msgraph", Root: root, Weeks: org.Weeks, Logger: log}
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
	r.Source = newSource(t, srv, log, nil)
	sum, err = r.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Skipped) != 0 || sum.Read != 1 || sum.Resumed != 19 {
		t.Errorf("second run %+v, want 1 read, 19 resumed", sum)
	}
	ingesttest.CheckDataset(t, root, graphtest.Expected(org, newPseudonymizer(t), org.Weeks, true), org.Weeks)
}

func TestConfig_validate(t *testing.T) {
	for i, c := range []struct {
		cfg  msgraph.Config
		want string
	}{
		{msgraph.Config{Auth: msgraph.AuthNone, Endpoint: "https://graph.microsoft.com/v1.0", Domains: []string{"x.com"}}, "loopback"},
		{msgraph.Config{Domains: []string{"x.com"}}, "tenant_id"},
		{msgraph.Config{TenantID: "t", ClientID: "c", Domains: []string{"x.com"}}, "client_secret_file"},
		{msgraph.Config{Auth: msgraph.AuthCertificate, TenantID: "t", ClientID: "c", Domains: []string{"x.com"}}, "certificate_file"},
		{msgraph.Config{TenantID: "t", ClientID: "c", ClientSecret: "s", Endpoint: "http://graph.example/v1.0", Domains: []string{"x.com"}}, "https"},
		{msgraph.Config{Auth: "password", Domains: []string{"x.com"}}, "auth"},
		{msgraph.Config{TenantID: "t", ClientID: "c"}, "domains"},
		{msgraph.Config{TenantID: "t", ClientID: "c", ClientSecret: "s", Domains: []string{"x.com"}, MaxRetries: 11}, "max_retries"},
	} {
		err := c.cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("case %d: Validate = %v, want an error about %s", i, err, c.want)
		}
	}
	ok := msgraph.Config{TenantID: "t", ClientID: "c", ClientSecretFile: "secret", Domains: []string{"x.com"}, Endpoint: "https://graph.microsoft.us/v1.0"}
	if err := ok.Validate(); err != nil {
		t.Errorf("national cloud config: %v", err)
	}
}

// TestNew_credentials builds a Source with each credential kind (no token
// is fetched until the first request) and checks that a bad key file is
// refused without quoting it.
func TestNew_credentials(t *testing.T) {
	dir := t.TempDir()
	key, err := rsa.GenerateKey(rand.Reader, 2048) // Entra takes RSA keys only
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "overload-ingest"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile := filepath.Join(dir, "app.pem")
	pemData := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})...)
	os.WriteFile(certFile, pemData, 0o600)
	secretFile := filepath.Join(dir, "secret")
	os.WriteFile(secretFile, []byte("s3cret-value\n"), 0o600)
	badFile := filepath.Join(dir, "bad.pem")
	os.WriteFile(badFile, []byte("not-a-key-SECRETSTUFF"), 0o600)
	tokenFile := filepath.Join(dir, "token")
	os.WriteFile(tokenFile, []byte("eyJ.fake.jwt"), 0o600)

	base := msgraph.Config{TenantID: "00000000-0000-0000-0000-000000000001", ClientID: "00000000-0000-0000-0000-000000000002",
		Domains: []string{"example.com"}}
	for _, c := range []struct {
		name string
		edit func(*msgraph.Config)
		want string // "" = success
	}{
		{"client secret file", func(c *msgraph.Config) { c.ClientSecretFile = secretFile }, ""},
		{"client secret value", func(c *msgraph.Config) { c.ClientSecret = "s3cret" }, ""},
		{"certificate", func(c *msgraph.Config) { c.Auth, c.CertificateFile = msgraph.AuthCertificate, certFile }, ""},
		{"workload identity", func(c *msgraph.Config) {
			c.Auth, c.FederatedTokenFile = msgraph.AuthWorkloadIdentity, tokenFile
		}, ""},
		{"national cloud", func(c *msgraph.Config) {
			c.ClientSecret, c.Endpoint, c.AuthorityHost = "s", "https://graph.microsoft.us/v1.0", "https://login.microsoftonline.us/"
		}, ""},
		{"bad certificate", func(c *msgraph.Config) { c.Auth, c.CertificateFile = msgraph.AuthCertificate, badFile }, "not a certificate"},
		{"missing secret file", func(c *msgraph.Config) { c.ClientSecretFile = filepath.Join(dir, "nope") }, "client_secret_file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := base
			c.edit(&cfg)
			_, err := msgraph.New(cfg, newPseudonymizer(t))
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("New: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("New: %v, want an error about %s", err, c.want)
			case err != nil && strings.Contains(err.Error(), "SECRETSTUFF"):
				t.Fatalf("error quotes the key file: %v", err)
			}
		})
	}
}

// TestSource_cancelled checks that every method returns promptly once its
// context is done.
func TestSource_cancelled(t *testing.T) {
	org := newOrg(t, 4)
	srv := graphtest.NewServer(t, org, graphtest.Options{Latency: 5 * time.Second})
	src := newSource(t, srv, nil, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	u := ingest.User{Email: org.People()[0].Email}
	start, end := org.Window()
	began := time.Now()
	errs := []error{
		src.Users(ctx, func(ingest.User) error { return nil }),
		func() error {
			_, err := src.Calendar(ctx, u, start, end, func(ingest.EventCopy) error { return nil })
			return err
		}(),
		src.Mail(ctx, u, start, end, func(ingest.MessageCopy) error { return nil }),
	}
	for i, err := range errs {
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("method %d: %v, want the context's error", i, err)
		}
	}
	if d := time.Since(began); d > 2*time.Second {
		t.Errorf("methods took %s after cancellation", d)
	}
}

// TestRunner_noMailbox: an account without a mailbox is left out of the
// people table, not skipped run after run.
func TestRunner_noMailbox(t *testing.T) {
	ctx := context.Background()
	org := newOrg(t, 12)
	srv := graphtest.NewServer(t, org, graphtest.Options{})
	none := org.People()[7].Email
	srv.NoMailbox(none)
	root := t.TempDir()
	r := &ingest.Runner{Source: newSource(t, srv, nil, nil), Name: "msgraph", Root: root, Weeks: org.Weeks}
	sum, err := r.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Skipped) != 0 || sum.Users != 11 || sum.People != 11 {
		t.Fatalf("summary %+v, want 11 users and people, none skipped", sum)
	}
	got, err := dataset.ReadTables(ctx, root, nil)
	if err != nil {
		t.Fatal(err)
	}
	pid := newPseudonymizer(t).PersonID(none)
	for _, p := range got.People {
		if p.PersonID == pid {
			t.Errorf("the account without a mailbox is in the people table")
		}
	}
}

// Users gives the directory's users in its order, each with its mailbox
// settings, though the settings are read many at a time as the listing
// goes on; an account without a mailbox is left out, and a failing fn
// stops it.
func TestSource_usersInOrder(t *testing.T) {
	org := newOrg(t, 40)
	srv := graphtest.NewServer(t, org, graphtest.Options{MaxPage: 7, Latency: time.Millisecond})
	people := org.People()
	srv.NoMailbox(people[3].Email)
	src := newSource(t, srv, nil, nil)
	var got []ingest.User
	if err := src.Users(context.Background(), func(u ingest.User) error {
		got = append(got, u)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var want []string
	for i, p := range people {
		if i != 3 {
			want = append(want, ingest.CanonicalEmail(p.Email))
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d users, want %d", len(got), len(want))
	}
	zones := 0
	for i, u := range got {
		if u.Email != want[i] {
			t.Fatalf("user %d is %s, want %s (the directory's order)", i, u.Email, want[i])
		}
		if p, _ := org.User(u.Email); u.Person.TimeZone != p.TimeZone {
			t.Errorf("%s: time zone %q, want the mailbox's %q", u.Email, u.Person.TimeZone, p.TimeZone)
		} else if p.TimeZone != "" {
			zones++
		}
	}
	if zones == 0 {
		t.Error("no user has a time zone: the test checks nothing")
	}
	stop := errors.New("stop")
	n := 0
	if err := src.Users(context.Background(), func(ingest.User) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("fn failing: %v after %d calls, want its error after 1", err, n)
	}

	// fn gets users as their settings are read, not once the whole
	// directory is listed: the last page is held until fn has a user.
	hold := &holdUsersPage{skip: "35", called: make(chan struct{})}
	src = newSource(t, srv, nil, func(c *msgraph.Config) { c.Transport = hold })
	var once sync.Once
	n = 0
	if err := src.Users(context.Background(), func(ingest.User) error {
		n++
		once.Do(func() { close(hold.called) })
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n != len(want) || !hold.released.Load() {
		t.Errorf("%d users, the last page released by fn: %v; want %d, true (fn called while the directory is listed)",
			n, hold.released.Load(), len(want))
	}
}

// A holdUsersPage is a transport that holds the users page at $skip skip
// until called is closed (or 3 s have passed), and records which came
// first.
type holdUsersPage struct {
	skip     string
	called   chan struct{}
	released atomic.Bool
}

func (h *holdUsersPage) RoundTrip(req *http.Request) (*http.Response, error) {
	if strings.HasSuffix(req.URL.Path, "/users") && req.URL.Query().Get("$skip") == h.skip {
		select {
		case <-h.called:
			h.released.Store(true)
		case <-time.After(3 * time.Second):
		}
	}
	return http.DefaultTransport.RoundTrip(req)
}

// A rendezvous is a transport that holds the first mail folder requests
// until want of them are in flight at once (or 3 s have passed), and
// records the most it saw at once.
type rendezvous struct {
	want int
	mu   sync.Mutex
	in   int
	most int
	all  chan struct{}
	once sync.Once
}

func (r *rendezvous) RoundTrip(req *http.Request) (*http.Response, error) {
	if strings.Contains(req.URL.Path, "/mailFolders/") {
		r.mu.Lock()
		r.in++
		r.most = max(r.most, r.in)
		if r.in == r.want {
			r.once.Do(func() { close(r.all) })
		}
		r.mu.Unlock()
		select {
		case <-r.all:
		case <-time.After(3 * time.Second):
			r.once.Do(func() { close(r.all) }) // no more waiting
		}
		defer func() {
			r.mu.Lock()
			r.in--
			r.mu.Unlock()
		}()
	}
	return http.DefaultTransport.RoundTrip(req)
}

// Mail reads the sent items and the inbox at once, and calls fn one call
// at a time.
func TestSource_foldersAtOnce(t *testing.T) {
	org := newOrg(t, 6)
	srv := graphtest.NewServer(t, org, graphtest.Options{MaxPage: 3})
	rv := &rendezvous{want: 2, all: make(chan struct{})}
	src := newSource(t, srv, nil, func(c *msgraph.Config) { c.Transport = rv })
	start, end := org.Window()
	var in, calls atomic.Int32
	var overlap atomic.Bool
	for _, p := range org.People() {
		u := ingest.User{Email: p.Email}
		err := src.Mail(context.Background(), u, start, end, func(ingest.MessageCopy) error {
			if in.Add(1) > 1 {
				overlap.Store(true)
			}
			calls.Add(1)
			time.Sleep(50 * time.Microsecond)
			in.Add(-1)
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", p.Email, err)
		}
	}
	if rv.most != 2 {
		t.Errorf("%d folder requests in flight at most, want 2 (sent items and inbox at once)", rv.most)
	}
	if calls.Load() == 0 || overlap.Load() {
		t.Errorf("%d fn calls, overlapping: %v; want some, one at a time", calls.Load(), overlap.Load())
	}
}
