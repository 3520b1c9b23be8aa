package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/msgraph/graphtest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

// The fake organisation of the Graph CLI tests.
const (
	graphFakePeople = 40
	graphFakeStart  = "2026-W46"
	graphFakeWeeks  = "2026-W46,2026-W47"
)

// graphBuffer is a bytes.Buffer safe for a background command to write.
type graphBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *graphBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *graphBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// graphParent puts the Graph commands under parents named as in the CLI
// (ingest, fakeapi), however the root wires them.
func graphParent(env *Env) *cobra.Command {
	root := &cobra.Command{Use: "overload", SilenceUsage: true, SilenceErrors: true}
	ing := &cobra.Command{Use: "ingest"}
	ing.AddCommand(newIngestGraphCmd(env))
	fake := &cobra.Command{Use: "fakeapi"}
	fake.AddCommand(newFakeAPIGraphCmd(env))
	root.AddCommand(ing, fake)
	return root
}

func runGraphCLI(env *Env, ctx context.Context, args ...string) error {
	cmd := graphParent(env)
	cmd.SetArgs(args)
	cmd.SetOut(env.Stdout)
	cmd.SetErr(env.Stderr)
	return cmd.ExecuteContext(ctx)
}

func graphTestEnv(stdout, stderr io.Writer) *Env {
	return &Env{Stdout: stdout, Stderr: stderr, Getenv: func(string) string { return "" },
		Now: func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) }}
}

// startGraphFake runs `overload fakeapi graph` until the test ends and
// returns the config it wrote and its stderr.
func startGraphFake(t *testing.T, extra ...string) (string, *graphBuffer) {
	t.Helper()
	cfgPath := filepath.Join(t.TempDir(), "msgraph.yaml")
	stderr := &graphBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- runGraphCLI(graphTestEnv(io.Discard, stderr), ctx, append([]string{"fakeapi", "graph",
			"--people", strconv.Itoa(graphFakePeople), "--weeks", "2", "--start", graphFakeStart,
			"--addr", "127.0.0.1:0", "--write-config", cfgPath}, extra...)...)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("fakeapi: %v", err)
		}
		if s := stderr.String(); strings.Contains(s, "privacy violation:") {
			t.Errorf("fakeapi reported privacy violations:\n%s", s)
		}
	})
	for {
		if _, err := os.Stat(cfgPath); err == nil {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("fakeapi exited: %v\n%s", err, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	if _, err := loadGraphIngestConfig(cfgPath, nil); err != nil {
		t.Fatal(err)
	}
	return cfgPath, stderr
}

func ingestGraphCLI(t *testing.T, cfg, out string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := runGraphCLI(graphTestEnv(&stdout, &stderr), context.Background(),
		"ingest", "graph", "--config", cfg, "--weeks", graphFakeWeeks, "--out", out)
	return stdout.String(), stderr.String(), err
}

func analyzeGraphCLI(t *testing.T, data string) []dataset.PersonWeek {
	t.Helper()
	out := filepath.Join(t.TempDir(), "analysis")
	if _, stderr, err := runCLI(t, "analyze", "--data", data, "--out", out, "--weeks", graphFakeWeeks); err != nil {
		t.Fatalf("analyze: %v\n%s", err, stderr)
	}
	rows, err := dataset.ReadPersonWeek(context.Background(), out, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// expectedGraphPersonWeek is the person_week of the dataset a correct
// ingest of the fake gives, analysed by the CLI.
func expectedGraphPersonWeek(t *testing.T) []dataset.PersonWeek {
	t.Helper()
	start, _ := dataset.ParseWeek(graphFakeStart)
	org, err := synthetic.Generate(synthetic.Config{People: graphFakePeople, Weeks: 2, Start: start, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := ingest.NewPseudonymizer([]byte(synthetic.DefaultKey))
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(t.TempDir(), "want")
	want := graphtest.Expected(org, ps, org.Weeks, true)
	if err := dataset.WriteTables(context.Background(), data, want, dataset.WriteOptions{SnapshotWeek: org.Weeks[1]}); err != nil {
		t.Fatal(err)
	}
	return analyzeGraphCLI(t, data)
}

// checkGraphClean fails if any output or file under root holds a canary
// or an address of the organisation.
func checkGraphClean(t *testing.T, root string, outputs ...string) {
	t.Helper()
	bad := []string{"CANARY", "@example.com"}
	for _, o := range outputs {
		for _, b := range bad {
			if strings.Contains(o, b) {
				t.Errorf("output holds %q:\n%s", b, o)
			}
		}
	}
	filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, _ := os.ReadFile(path)
		for _, b := range bad {
			if bytes.Contains(data, []byte(b)) {
				t.Errorf("%s holds %q", path, b)
			}
		}
		return nil
	})
}

func TestIngestGraph(t *testing.T) {
	want := expectedGraphPersonWeek(t)
	for _, tt := range []struct {
		name  string
		extra []string
	}{
		{"clean", nil},
		{"5% faults", []string{"--fault-rate", "0.05", "--seed", "1"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, fakeErr := startGraphFake(t, tt.extra...)
			data := filepath.Join(t.TempDir(), "data")
			stdout, stderr, err := ingestGraphCLI(t, cfg, data)
			if err != nil {
				t.Fatalf("ingest: %v\n%s", err, stderr)
			}
			if !strings.Contains(stdout, "Ingested 40 users") || !strings.Contains(stdout, ", 0 skipped") ||
				!strings.Contains(stderr, "users 40/40") {
				t.Errorf("ingest output lacks the summary or progress:\n%s\n%s", stdout, stderr)
			}
			got := analyzeGraphCLI(t, data)
			if len(got) != 80 {
				t.Errorf("%d person-weeks, want 40 people × 2 weeks", len(got))
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("person_week differs from the generator's (-want +got):\n%s", d)
			}
			checkGraphClean(t, data, stdout, stderr, fakeErr.String())
			if tt.name == "clean" {
				// Nor in the reports made from the dataset.
				reports := filepath.Join(t.TempDir(), "reports")
				rout, rerr, err := runCLI(t, "report", "hr", "--data", data, "--out", reports, "--weeks", graphFakeWeeks)
				if err != nil {
					t.Fatalf("report hr: %v\n%s", err, rerr)
				}
				if _, err := os.Stat(filepath.Join(reports, "hr.html")); err != nil {
					t.Errorf("report hr wrote no hr.html: %v", err)
				}
				checkGraphClean(t, reports, rout, rerr)
			}
			t.Logf("%s", strings.TrimSpace(stdout))
		})
	}
}

// TestIngestGraph_killed kills an ingest process with SIGKILL halfway and
// runs it again: the person_week is the same as an uninterrupted run's,
// with no duplicate rows.
func TestIngestGraph_killed(t *testing.T) {
	if testing.Short() {
		t.Skip("runs subprocesses")
	}
	cfg, fakeErr := startGraphFake(t, "--latency", "5ms")
	data := filepath.Join(t.TempDir(), "data")

	cmd := exec.Command(os.Args[0], "-test.run=^TestIngestGraph_helperProcess$")
	cmd.Env = append(os.Environ(), "OVERLOAD_GRAPH_HELPER=1", "OVERLOAD_GRAPH_HELPER_CONFIG="+cfg, "OVERLOAD_GRAPH_HELPER_OUT="+data)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(pipe)
	killed := false
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "users" {
			d, _, _ := strings.Cut(f[1], "/")
			if n, err := strconv.Atoi(d); err == nil && n >= 15 {
				cmd.Process.Signal(syscall.SIGKILL)
				killed = true
				break
			}
		}
	}
	cmd.Wait()
	if !killed {
		t.Fatal("the ingest finished before it could be killed")
	}
	if _, err := os.Stat(filepath.Join(data, ingest.StateDir)); err != nil {
		t.Fatalf("no checkpoints after the kill: %v", err)
	}
	stdout, stderr, err := ingestGraphCLI(t, cfg, data)
	if err != nil {
		t.Fatalf("rerun: %v\n%s", err, stderr)
	}
	if strings.Contains(stdout, ", 0 from an earlier run") { // not "20 from"
		t.Errorf("rerun resumed nothing:\n%s", stdout)
	}
	if d := cmp.Diff(expectedGraphPersonWeek(t), analyzeGraphCLI(t, data)); d != "" {
		t.Errorf("person_week after kill and rerun differs (-want +got):\n%s", d)
	}
	tabs, err := dataset.ReadTables(context.Background(), data, nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range tabs.Events {
		if seen[e.EventID] {
			t.Fatalf("event %s written twice", e.EventID)
		}
		seen[e.EventID] = true
	}
	for _, m := range tabs.Messages {
		if seen[m.MessageID] {
			t.Fatalf("message %s written twice", m.MessageID)
		}
		seen[m.MessageID] = true
	}
	checkGraphClean(t, data, stdout, stderr, fakeErr.String())
	t.Logf("%s", strings.TrimSpace(stdout))
}

// TestIngestGraph_helperProcess is the ingest process the kill test runs
// and kills; it does nothing in a normal test run.
func TestIngestGraph_helperProcess(t *testing.T) {
	if os.Getenv("OVERLOAD_GRAPH_HELPER") != "1" {
		t.Skip("helper process")
	}
	env := &Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Now: time.Now}
	if err := runGraphCLI(env, context.Background(), "ingest", "graph", "--config", os.Getenv("OVERLOAD_GRAPH_HELPER_CONFIG"),
		"--weeks", graphFakeWeeks, "--out", os.Getenv("OVERLOAD_GRAPH_HELPER_OUT")); err != nil {
		t.Fatal(err)
	}
}

func TestLoadGraphIngestConfig(t *testing.T) {
	cfg, err := loadGraphIngestConfig(filepath.Join("..", "..", "configs", "msgraph.yaml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MSGraph.TenantID == "" || !strings.HasSuffix(cfg.MSGraph.ClientSecretFile, filepath.Join("configs", "graph-client.secret")) {
		t.Errorf("example config: tenant %q, secret file %q", cfg.MSGraph.TenantID, cfg.MSGraph.ClientSecretFile)
	}
	// The secret may come from the environment instead of a file.
	env := filepath.Join(t.TempDir(), "env.yaml")
	os.WriteFile(env, []byte("org_key_file: k\nmsgraph: {tenant_id: t, client_id: c, domains: [x.com]}\n"), 0o600)
	if _, err := loadGraphIngestConfig(env, nil); err == nil || !strings.Contains(err.Error(), "client_secret_file") {
		t.Errorf("config without a secret: %v", err)
	}
	got, err := loadGraphIngestConfig(env, func(k string) string {
		if k == graphSecretEnv {
			return "s3cret"
		}
		return ""
	})
	if err != nil || got.MSGraph.ClientSecret != "s3cret" {
		t.Errorf("secret from $%s: %v", graphSecretEnv, err)
	}
	dir := t.TempDir()
	for _, c := range []struct{ yaml, want string }{
		{"org_key_file: k\n", "no msgraph section"},
		{"msgraph: {domains: [x.com]}\n", "org_key_file"},
		{"org_key_file: k\nmsgraph: {domains: [x.com], tenant: t}\n", "field tenant not found"},
		{"org_key_file: k\nmsgraph: {auth: none, endpoint: 'https://graph.microsoft.com/v1.0', domains: [x.com]}\n", "loopback"},
	} {
		p := filepath.Join(dir, "c.yaml")
		os.WriteFile(p, []byte(c.yaml), 0o600)
		if _, err := loadGraphIngestConfig(p, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("config %q: %v, want an error about %s", c.yaml, err, c.want)
		}
	}
}

func TestIngestGraph_usage(t *testing.T) {
	for _, args := range [][]string{
		{"ingest", "graph", "--weeks", graphFakeWeeks, "--out", "x"},
		{"ingest", "graph", "--config", "c", "--weeks", "2026-W99", "--out", "x"},
		{"fakeapi", "graph"},
		{"fakeapi", "graph", "--write-config", "x", "--fault-rate", "1"},
	} {
		err := runGraphCLI(graphTestEnv(io.Discard, io.Discard), context.Background(), args...)
		var ue *usageError
		if err == nil || !errors.As(err, &ue) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
}

// TestGraphCommandsWired checks that the root command reaches the Graph
// commands.
func TestGraphCommandsWired(t *testing.T) {
	for _, args := range [][]string{{"ingest", "graph", "--help"}, {"fakeapi", "graph", "--help"}} {
		out, _, err := runCLI(t, args...)
		if err != nil || !strings.Contains(out, "Microsoft Graph") {
			t.Errorf("overload %v: %v\n%s", args, err, out)
		}
	}
}
