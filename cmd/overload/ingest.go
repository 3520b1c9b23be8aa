package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/google"
)

// ingestConfig is the YAML configuration of `overload ingest` (see
// configs/google.yaml). Relative paths are relative to the file.
type ingestConfig struct {
	// OrgKeyFile holds the organisation's pseudonymization key (at least
	// 16 bytes; surrounding blanks are ignored).
	OrgKeyFile string `yaml:"org_key_file"`
	// Concurrency is how many users are read at once; 0 = the default.
	Concurrency int `yaml:"concurrency,omitempty"`
	// Google configures the Google Workspace source.
	Google *google.Config `yaml:"google"`
}

// loadIngestConfig reads and validates the config file at path.
func loadIngestConfig(path string) (*ingestConfig, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var cfg ingestConfig
	if err := dec.Decode(&cfg); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	rel := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	cfg.OrgKeyFile = rel(cfg.OrgKeyFile)
	switch {
	case cfg.OrgKeyFile == "":
		return nil, fmt.Errorf("config %s: org_key_file is required", path)
	case cfg.Concurrency < 0:
		return nil, fmt.Errorf("config %s: concurrency %d: want 0 or more", path, cfg.Concurrency)
	case cfg.Google == nil:
		return nil, fmt.Errorf("config %s: no google section", path)
	}
	cfg.Google.CredentialsFile = rel(cfg.Google.CredentialsFile)
	if err := cfg.Google.Validate(); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return &cfg, nil
}

type ingestOptions struct {
	Config  string
	Weeks   string
	Out     string
	Restart bool
}

func newIngestCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ingest SOURCE",
		Short: "Copy calendar and mail metadata from a provider into a dataset",
		Long: `Ingest reads one organisation's calendar and mail metadata from a provider and
writes it as a dataset (SPEC §2) that analyze, explain and report read.

Only metadata is requested (never titles, bodies, snippets or subjects), and
every person is pseudonymized with the organisation's key before anything is
written. A run that is interrupted can be started again with the same
arguments: it continues where it stopped and writes no duplicates.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("ingest: name a source (google)")
			}
			return usagef("ingest: unknown source %q (want google)", args[0])
		},
	}
	cmd.AddCommand(newIngestGoogleCmd(env), newIngestGraphCmd(env))
	return cmd
}

func newIngestGoogleCmd(env *Env) *cobra.Command {
	var opts ingestOptions
	cmd := &cobra.Command{
		Use:   "google --config FILE --weeks 2026-W47[,...] --out DIR",
		Short: "Ingest Google Workspace (Directory, Calendar, Gmail) metadata",
		Long: `Ingest google reads the Directory, every user's primary calendar and their
Gmail headers (sent mail, and received mail with inbox: true) through a service
account with domain-wide delegation, for the given ISO weeks (UTC), and writes
them to the dataset at --out. See the README's "Google Workspace" section for
the set-up, and configs/google.yaml for the configuration.

Progress goes to stderr; a summary (rows written, users skipped with the
reason) to stdout. Users whose data cannot be read are skipped and listed;
run the same command again to read them. An interrupted run resumes from its
checkpoints (DIR/_ingest/google/) when started again; --restart discards them.`,
		Example: `  overload fakeapi google --write-config /tmp/fake/google.yaml &
  overload ingest google --config /tmp/fake/google.yaml --weeks 2026-W46,2026-W47 --out /tmp/data
  overload analyze --data /tmp/data --out /tmp/analysis`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runIngestGoogle(cmd.Context(), env, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Config, "config", "", "config `file` (YAML)")
	f.StringVar(&opts.Weeks, "weeks", "", "ISO weeks to ingest, e.g. 2026-W46,2026-W47 or 2026-W40..2026-W47")
	f.StringVar(&opts.Out, "out", "", "dataset `dir` to write")
	f.BoolVar(&opts.Restart, "restart", false, "discard an interrupted run's checkpoints instead of resuming it")
	return cmd
}

func runIngestGoogle(ctx context.Context, env *Env, opts ingestOptions) error {
	if opts.Config == "" || opts.Weeks == "" || opts.Out == "" {
		return usagef("--config, --weeks and --out are required")
	}
	weeks, err := dataset.ParseWeeks(opts.Weeks)
	if err != nil {
		return usagef("--weeks: %v", err)
	}
	cfg, err := loadIngestConfig(opts.Config)
	if err != nil {
		return err
	}
	key, err := os.ReadFile(cfg.OrgKeyFile)
	if err != nil {
		return fmt.Errorf("read org key: %w", err)
	}
	ps, err := ingest.NewPseudonymizer([]byte(strings.TrimSpace(string(key))))
	if err != nil {
		return fmt.Errorf("org key %s: %w", cfg.OrgKeyFile, err)
	}
	log := env.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	gc := *cfg.Google
	gc.Logger = log
	if gc.HTTPClient == nil {
		gc.HTTPClient = env.HTTPClient
	}
	src, err := google.New(ctx, gc, ps)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "overload ingest google: weeks %s → %s\n", joinWeeks(weeks), opts.Out)
	start := env.Now()
	var last time.Time
	r := &ingest.Runner{
		Source: src, Name: google.SourceName, Root: opts.Out, Weeks: weeks,
		Concurrency: cfg.Concurrency, Logger: log, Restart: opts.Restart,
		Progress: func(p ingest.Progress) {
			now := env.Now()
			if p.Done != p.Users && now.Sub(last) < time.Second && p.Done%max(1, p.Users/10) != 0 {
				return
			}
			last = now
			st := src.Stats()
			fmt.Fprintf(env.Stderr, "  users %d/%d (resumed %d, skipped %d) · calls %d · retries %d · Gmail units %d · %s\n",
				p.Done, p.Users, p.Resumed, p.Skipped, st.Calls, st.Retries, st.GmailUnits, now.Sub(start).Round(time.Second))
		},
	}
	sum, err := r.Run(ctx)
	if err != nil {
		return err
	}
	st := src.Stats()
	fmt.Fprintf(env.Stdout, `Ingested %d users (%d read now, %d from an earlier run's checkpoints), %d skipped.
Wrote %d people, %d events, %d attendance rows, %d messages to %s
(%d event copies and %d message copies seen on several calendars or mailboxes were deduplicated).
API calls: %d (%d retries), Gmail quota units: %d.
`, sum.Users, sum.Read, sum.Resumed, len(sum.Skipped), sum.People, sum.Events, sum.Attendance, sum.Messages, opts.Out,
		sum.DuplicateEventCopies, sum.DuplicateMessageCopies, st.Calls, st.Retries, st.GmailUnits)
	if len(sum.Skipped) > 0 {
		fmt.Fprintf(env.Stdout, "Skipped users (run the same command again to read them):\n")
		for _, s := range sum.Skipped {
			fmt.Fprintf(env.Stdout, "  %s: %s\n", s.PersonID, s.Reason)
		}
	}
	fmt.Fprintf(env.Stdout, "Next: overload analyze --data %s --out DIR --weeks %s\n", opts.Out, joinWeeks(weeks))
	return nil
}

func joinWeeks(ws []dataset.Week) string {
	s := make([]string, len(ws))
	for i, w := range ws {
		s[i] = w.String()
	}
	return strings.Join(s, ",")
}
