package main

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

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest/google"
	"github.com/overload-engine/overload/ingest/google/googletest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

// fakeHang is how long the fake leaves a "no answer" fault waiting, and
// fakeRequestTimeout the request timeout of the config it writes: short,
// so that a run with faults stays quick.
const (
	fakeHang           = 10 * time.Second
	fakeRequestTimeout = time.Second
)

type fakeAPIOptions struct {
	People      int
	Weeks       int
	Start       dataset.Week
	Seed        int64
	FaultRate   float64
	Latency     time.Duration
	Addr        string
	WriteConfig string
}

func newFakeAPICmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fakeapi PROVIDER",
		Short: "Serve a synthetic organisation over a fake provider API, for trying ingest",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("fakeapi: name a provider (google)")
			}
			return usagef("fakeapi: unknown provider %q (want google)", args[0])
		},
	}
	cmd.AddCommand(newFakeAPIGoogleCmd(env), newFakeAPIGraphCmd(env))
	return cmd
}

func newFakeAPIGoogleCmd(env *Env) *cobra.Command {
	var opts fakeAPIOptions
	cmd := &cobra.Command{
		Use:   "google --write-config FILE [--addr 127.0.0.1:8087]",
		Short: "Serve a synthetic organisation as a fake Google Workspace",
		Long: `Fakeapi google generates the demo's synthetic organisation and serves it over
fake Admin SDK Directory, Calendar v3 and Gmail v1 APIs and an OAuth token
endpoint, with the real wire format: paging, field masks, the gmail.metadata
scope's rules, and optional latency and faults (429 with Retry-After, 5xx, bodies
cut short, requests left unanswered). It writes a ready-to-use ingest config (FILE), a service-account key
for the fake (FILE's name + ".sa-key.json") and the demo's org key
(+ ".org.key"), then serves until interrupted.

Every payload holds canary titles, bodies and snippets; a request that asks for
them is reported on stderr as a privacy violation.`,
		Example: `  overload fakeapi google --people 200 --weeks 2 --write-config /tmp/fake/google.yaml &
  overload ingest google --config /tmp/fake/google.yaml --weeks 2026-W46,2026-W47 --out /tmp/data`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runFakeAPIGoogle(cmd.Context(), env, opts)
		},
	}
	opts.addFlags(cmd, "127.0.0.1:8087", "share of API requests that fail (0 to 1)")
	return cmd
}

// addFlags adds the flags every `overload fakeapi` server takes.
func (o *fakeAPIOptions) addFlags(cmd *cobra.Command, addr, faultHelp string) {
	f := cmd.Flags()
	f.IntVar(&o.People, "people", 200, "number of people in the organisation")
	f.IntVar(&o.Weeks, "weeks", 2, "number of weeks to generate")
	f.Var(&o.Start, "start", "first ISO week (default: the weeks before this one)")
	f.Int64Var(&o.Seed, "seed", 1, "random seed of the generator")
	f.Float64Var(&o.FaultRate, "fault-rate", 0, faultHelp)
	f.DurationVar(&o.Latency, "latency", 0, "delay added to every API response")
	f.StringVar(&o.Addr, "addr", addr, "address to listen on")
	f.StringVar(&o.WriteConfig, "write-config", "", "ingest config `file` to write")
}

// generate checks the flags and generates the organisation to serve.
func (o *fakeAPIOptions) generate(env *Env) (*synthetic.Org, error) {
	switch {
	case o.WriteConfig == "":
		return nil, usagef("--write-config is required")
	case o.People < 2 || o.People > 100000:
		return nil, usagef("--people %d: want 2 to 100000", o.People)
	case o.Weeks < 1 || o.Weeks > 104:
		return nil, usagef("--weeks %d: want 1 to 104", o.Weeks)
	case o.FaultRate < 0 || o.FaultRate >= 1:
		return nil, usagef("--fault-rate %g: want 0 to below 1", o.FaultRate)
	}
	if o.Start == (dataset.Week{}) {
		o.Start = dataset.WeekOf(env.Now()).Add(-o.Weeks)
	}
	return synthetic.Generate(synthetic.Config{People: o.People, Weeks: o.Weeks, Start: o.Start, Seed: o.Seed})
}

func runFakeAPIGoogle(ctx context.Context, env *Env, opts fakeAPIOptions) error {
	org, err := opts.generate(env)
	if err != nil {
		return err
	}
	var violations atomic.Int64
	srv := googletest.New(org, googletest.Options{
		Latency: opts.Latency, FaultRate: opts.FaultRate, Seed: uint64(opts.Seed), RequireAuth: true,
		Hang: fakeHang,
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

	if err := writeFakeConfig(opts.WriteConfig, srv, org); err != nil {
		hs.Close()
		return err
	}
	weeks := make([]dataset.Week, len(org.Weeks))
	copy(weeks, org.Weeks)
	fmt.Fprintf(env.Stderr, `overload fakeapi google: %d people, weeks %s, at %s (fault rate %g, latency %s)
Config written to %s. Next:
  overload ingest google --config %s --weeks %s --out DIR
Serving until interrupted.
`, opts.People, joinWeeks(weeks), srv.URL, opts.FaultRate, opts.Latency, opts.WriteConfig, opts.WriteConfig, joinWeeks(weeks))

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
	requests, faults, tokens := srv.Stats()
	fmt.Fprintf(env.Stderr, "fakeapi: served %d API requests (%d injected faults), %d tokens, %d privacy violations\n",
		requests, faults, tokens, violations.Load())
	return nil
}

// writeFakeConfig writes the ingest config for srv at path, with the
// service-account key and the demo org key beside it.
func writeFakeConfig(path string, srv *googletest.Server, org *synthetic.Org) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	saKey := base + ".sa-key.json"
	orgKey := base + ".org.key"
	dir := filepath.Dir(path)
	if err := os.WriteFile(filepath.Join(dir, saKey), srv.ServiceAccountKey(), 0o600); err != nil {
		return fmt.Errorf("write service-account key: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, orgKey), []byte(synthetic.DefaultKey+"\n"), 0o600); err != nil {
		return fmt.Errorf("write org key: %w", err)
	}
	d, c, g := srv.Endpoints()
	cfg := ingestConfig{
		sourceFileConfig: sourceFileConfig{OrgKeyFile: orgKey},
		Google: &google.Config{
			CredentialsFile: saKey,
			AdminEmail:      srv.Admin(),
			Domains:         []string{org.Domain},
			Inbox:           true,
			Endpoints:       google.Endpoints{Directory: d, Calendar: c, Gmail: g},
			RequestTimeout:  fakeRequestTimeout,
		},
	}
	b, err := yaml.Marshal(&cfg)
	if err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	head := "# Written by `overload fakeapi google` for its fake server at " + srv.URL + ".\n" +
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
