package main

// The Microsoft 365 commands: `overload ingest graph` and `overload fakeapi
// graph`. They are the only code of the CLI that reaches msgraph-sdk-go,
// through package ingest/msgraph.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/overload-engine/overload/ingest/msgraph"
	"github.com/overload-engine/overload/ingest/msgraph/graphtest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

// graphIngestConfig is the YAML configuration of `overload ingest graph`
// (see configs/msgraph.yaml). Relative paths are relative to the file.
type graphIngestConfig struct {
	sourceFileConfig `yaml:",inline"`
	// MSGraph configures the Microsoft Graph source.
	MSGraph *msgraph.Config `yaml:"msgraph"`
}

// graphSecretEnv is the environment variable that may hold the client
// secret instead of client_secret_file.
const graphSecretEnv = "OVERLOAD_GRAPH_CLIENT_SECRET"

// loadGraphIngestConfig reads and validates the config file at path;
// getenv (nil = none) supplies $OVERLOAD_GRAPH_CLIENT_SECRET.
func loadGraphIngestConfig(path string, getenv func(string) string) (*graphIngestConfig, error) {
	var cfg graphIngestConfig
	if err := readStrictYAML(path, &cfg); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	if err := cfg.resolve(path, dir); err != nil {
		return nil, err
	}
	if cfg.MSGraph == nil {
		return nil, fmt.Errorf("config %s: no msgraph section", path)
	}
	if err := resolveGraphConfig(cfg.MSGraph, dir, getenv); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return &cfg, nil
}

// resolveGraphConfig makes m's file paths relative to dir, takes the
// client secret from $OVERLOAD_GRAPH_CLIENT_SECRET (through getenv, nil =
// none) when no file names it, and validates m. The batch command (`overload
// run`) can use it on a decoded msgraph section.
func resolveGraphConfig(m *msgraph.Config, dir string, getenv func(string) string) error {
	m.ClientSecretFile = relTo(dir, m.ClientSecretFile)
	m.CertificateFile = relTo(dir, m.CertificateFile)
	m.CertificatePasswordFile = relTo(dir, m.CertificatePasswordFile)
	m.FederatedTokenFile = relTo(dir, m.FederatedTokenFile)
	if m.ClientSecretFile == "" && getenv != nil {
		m.ClientSecret = getenv(graphSecretEnv)
	}
	return m.Validate()
}

// newIngestGraphCmd is `overload ingest graph`.
func newIngestGraphCmd(env *Env) *cobra.Command {
	var opts ingestOptions
	cmd := &cobra.Command{
		Use:   "graph --config FILE --weeks 2026-W47[,...] --out DIR",
		Short: "Ingest Microsoft 365 (users, calendars, mail) metadata through Microsoft Graph",
		Long: `Ingest graph reads the directory's users with their mailbox time zone and
working hours, every mailbox's calendar (calendarView: event instances, with
each attendee's response) and mail headers (sent items, and the inbox with
inbox: true) through Microsoft Graph with an Entra app's application
permissions, for the given ISO weeks (UTC), and writes them to the dataset at
--out. See the README's "Microsoft 365" section for the app registration, and
configs/msgraph.yaml for the configuration.

Only metadata is requested: every calendar and mail call selects its
properties and never subject, body, bodyPreview or location.

Progress goes to stderr (while the directory is listed, with each mailbox's
settings, a line a second of users listed; then users read; then the dataset
written); a summary (rows written, users skipped with the reason) to stdout.
Users whose data cannot be read are skipped and listed; run the same command
again to read them. An interrupted run resumes from its checkpoints
(DIR/_ingest/msgraph/) when started again; --restart discards them.`,
		Example: `  overload fakeapi graph --write-config /tmp/fake/msgraph.yaml &
  overload ingest graph --config /tmp/fake/msgraph.yaml --weeks 2026-W46,2026-W47 --out /tmp/data
  overload analyze --data /tmp/data --out /tmp/analysis`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runIngestGraph(cmd.Context(), env, opts)
		},
	}
	opts.addFlags(cmd)
	return cmd
}

func runIngestGraph(ctx context.Context, env *Env, opts ingestOptions) error {
	weeks, err := opts.parseWeeks()
	if err != nil {
		return err
	}
	shard, err := opts.parseShard()
	if err != nil {
		return err
	}
	cfg, err := loadGraphIngestConfig(opts.Config, env.Getenv)
	if err != nil {
		return err
	}
	ps, err := readOrgKey(cfg.OrgKeyFile)
	if err != nil {
		return err
	}
	log := ingestLogger(env)
	mc := *cfg.MSGraph
	mc.Logger = log
	if mc.Transport == nil && env.HTTPClient != nil {
		mc.Transport = env.HTTPClient.Transport
	}
	src, err := msgraph.New(mc, ps)
	if err != nil {
		return err
	}
	return runSourceIngest(ctx, env, ingestRun{
		Command: "graph", Source: src, Name: msgraph.SourceName, Out: opts.Out, Weeks: weeks, Concurrency: cfg.Concurrency,
		Shard: shard, Restart: opts.Restart, Logger: log,
		Stats: func() string {
			st := src.Stats()
			return fmt.Sprintf("calls %d · retries %d (after 429, 503 or 504)", st.Calls, st.Retries)
		},
	})
}

// newFakeAPIGraphCmd is `overload fakeapi graph`.
func newFakeAPIGraphCmd(env *Env) *cobra.Command {
	var opts fakeAPIOptions
	cmd := &cobra.Command{
		Use:   "graph --write-config FILE [--addr 127.0.0.1:8088]",
		Short: "Serve a synthetic organisation as a fake Microsoft Graph",
		Long: `Fakeapi graph generates the demo's synthetic organisation and serves it over a
fake Microsoft Graph v1.0 (/users with $expand=manager, mailboxSettings,
calendarView, mailFolders/sentitems and inbox messages) with the real wire
format: $select, absolute @odata.nextLink paging, Prefer odata.maxpagesize and
outlook.timezone, Graph error bodies, and optional latency and faults (429, 503
and 504 with Retry-After: 0). It writes a ready-to-use ingest config (FILE)
with no credentials (auth: none, loopback only) and the demo's org key
(FILE's name + ".org.key"), then serves until interrupted.

Every payload holds canary subjects and bodies; a request that asks for them
(or selects nothing) is reported on stderr as a privacy violation.`,
		Example: `  overload fakeapi graph --people 200 --weeks 2 --write-config /tmp/fake/msgraph.yaml &
  overload ingest graph --config /tmp/fake/msgraph.yaml --weeks 2026-W46,2026-W47 --out /tmp/data`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runFakeAPIGraph(cmd.Context(), env, opts)
		},
	}
	opts.addFlags(cmd, "127.0.0.1:8088", "share of API requests that fail with 429, 503 or 504 (0 to 1)")
	return cmd
}

func runFakeAPIGraph(ctx context.Context, env *Env, opts fakeAPIOptions) error {
	org, err := opts.generate(env)
	if err != nil {
		return err
	}
	var violations atomic.Int64
	srv := graphtest.New(org, graphtest.Options{
		Latency: opts.Latency, FaultRate: opts.FaultRate, Seed: uint64(opts.Seed), WindowsZones: true,
		OnViolation: func(msg string) {
			violations.Add(1)
			fmt.Fprintf(env.Stderr, "fakeapi: privacy violation: %s\n", msg)
		},
	})
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv.URL = "http://" + ln.Addr().String()
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	if err := writeGraphFakeConfig(opts.WriteConfig, srv, org); err != nil {
		hs.Close()
		return err
	}
	fmt.Fprintf(env.Stderr, `overload fakeapi graph: %d people, weeks %s, at %s (fault rate %g, latency %s)
Config written to %s. Next:
  overload ingest graph --config %s --weeks %s --out DIR
Serving until interrupted.
`, opts.People, joinWeeks(org.Weeks), srv.BaseURL(), opts.FaultRate, opts.Latency, opts.WriteConfig, opts.WriteConfig,
		joinWeeks(org.Weeks))

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	hs.Shutdown(shut)
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	requests, faults := srv.Stats()
	fmt.Fprintf(env.Stderr, "fakeapi: served %d Graph requests (%d injected faults), %d privacy violations\n",
		requests, faults, violations.Load())
	return nil
}

// writeGraphFakeConfig writes the ingest config for srv at path, with the
// demo org key beside it.
func writeGraphFakeConfig(path string, srv *graphtest.Server, org *synthetic.Org) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	orgKey := base + ".org.key"
	if err := os.WriteFile(filepath.Join(filepath.Dir(path), orgKey), []byte(synthetic.DefaultKey+"\n"), 0o600); err != nil {
		return fmt.Errorf("write org key: %w", err)
	}
	cfg := graphIngestConfig{
		sourceFileConfig: sourceFileConfig{OrgKeyFile: orgKey},
		MSGraph: &msgraph.Config{
			Auth:     msgraph.AuthNone,
			Endpoint: srv.BaseURL(),
			Domains:  []string{org.Domain},
			Inbox:    true,
		},
	}
	b, err := yaml.Marshal(&cfg)
	if err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	head := "# Written by `overload fakeapi graph` for its fake server at " + srv.BaseURL() + ".\n" +
		"# The org key is the public demo key: never use it for real data.\n"
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append([]byte(head), b...), 0o600); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	return nil
}
