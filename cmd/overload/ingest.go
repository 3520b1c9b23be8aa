package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/google"
)

// ingestConfig is the YAML configuration of `overload ingest` (see
// configs/google.yaml). Relative paths are relative to the file.
type ingestConfig struct {
	sourceFileConfig `yaml:",inline"`
	// Google configures the Google Workspace source.
	Google *google.Config `yaml:"google"`
}

// loadIngestConfig reads and validates the config file at path.
func loadIngestConfig(path string) (*ingestConfig, error) {
	var cfg ingestConfig
	if err := readStrictYAML(path, &cfg); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	if err := cfg.resolve(path, dir); err != nil {
		return nil, err
	}
	if cfg.Google == nil {
		return nil, fmt.Errorf("config %s: no google section", path)
	}
	cfg.Google.CredentialsFile = relTo(dir, cfg.Google.CredentialsFile)
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
	Shard   string // "i/N", or "" for all users
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
arguments: it continues where it stopped and writes no duplicates.

Memory: an ingest runs Go's garbage collector less often than Go's default
(GOGC 400, a soft limit of 512 MiB): about a third less CPU time for a
Graph ingest, for more memory (see overload bench ingest). Set $GOGC or
$GOMEMLIMIT to choose otherwise.`,
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

Progress goes to stderr (a line a second: users listed while the directory
is listed, then users read, then the dataset written); a summary (rows
written, users skipped with the reason) to stdout. Users whose data cannot
be read are skipped and listed; run the same command again to read them. An
interrupted run resumes from its checkpoints (DIR/_ingest/google/) when
started again; --restart discards them.`,
		Example: `  overload fakeapi google --write-config /tmp/fake/google.yaml &
  overload ingest google --config /tmp/fake/google.yaml --weeks 2026-W46,2026-W47 --out /tmp/data
  overload analyze --data /tmp/data --out /tmp/analysis`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runIngestGoogle(cmd.Context(), env, opts)
		},
	}
	opts.addFlags(cmd)
	return cmd
}

// shardHelp is the --shard section of every `overload ingest` source's help.
const shardHelp = `

Sharding: --shard i/N reads only the users in shard i of N (0 ≤ i < N; a
stable hash of the pseudonymized person id, the function analysis shards by),
so N machines, or the N pods of a Kubernetes Indexed Job, can each ingest one
slice of a large directory. In an Indexed Job set completions to N and pass
--shard "$(JOB_COMPLETION_INDEX)/N" in the container's args (Kubernetes sets
JOB_COMPLETION_INDEX to the pod's index, 0 to N-1). All shards must use the
same N, config and --weeks. Each shard writes its own part files and
checkpoints (part-SOURCE_sIIIofNNN-*.parquet, DIR/_ingest/SOURCE_sIIIofNNN/),
so the shards may write to the same dataset directory (a shared volume) or
to separate ones whose table directories are then copied together; running a
shard again replaces only its own files. Analyze the dataset once every shard
has finished. Do not mix sharded and unsharded runs, or two values of N, in
one dataset: the older run's files would stay beside the newer ones.`

// addFlags adds the flags every `overload ingest` source takes, and the
// help on --shard to cmd's long description.
func (o *ingestOptions) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.Config, "config", "", "config `file` (YAML)")
	f.StringVar(&o.Weeks, "weeks", "", "ISO weeks to ingest, e.g. 2026-W46,2026-W47 or 2026-W40..2026-W47")
	f.StringVar(&o.Out, "out", "", "dataset `dir` to write")
	f.BoolVar(&o.Restart, "restart", false, "discard an interrupted run's checkpoints instead of resuming it")
	f.StringVar(&o.Shard, "shard", "", "ingest only the users of shard `i/N` (0 ≤ i < N), e.g. \"$(JOB_COMPLETION_INDEX)/8\" in a Kubernetes Indexed Job (see Sharding above)")
	cmd.Long += shardHelp
}

// parseShard returns the shard --shard names: the zero Shard (all users)
// when it is not set.
func (o *ingestOptions) parseShard() (dataset.Shard, error) {
	sh, err := dataset.ParseShard(o.Shard)
	if err != nil {
		return dataset.Shard{}, usagef("--shard: %v", err)
	}
	return sh, nil
}

// parseWeeks checks the required flags and returns the weeks.
func (o *ingestOptions) parseWeeks() ([]dataset.Week, error) {
	if o.Config == "" || o.Weeks == "" || o.Out == "" {
		return nil, usagef("--config, --weeks and --out are required")
	}
	weeks, err := dataset.ParseWeeks(o.Weeks)
	if err != nil {
		return nil, usagef("--weeks: %v", err)
	}
	return weeks, nil
}

func runIngestGoogle(ctx context.Context, env *Env, opts ingestOptions) error {
	weeks, err := opts.parseWeeks()
	if err != nil {
		return err
	}
	shard, err := opts.parseShard()
	if err != nil {
		return err
	}
	cfg, err := loadIngestConfig(opts.Config)
	if err != nil {
		return err
	}
	ps, err := readOrgKey(cfg.OrgKeyFile)
	if err != nil {
		return err
	}
	log := ingestLogger(env)
	gc := *cfg.Google
	gc.Logger = log
	if gc.HTTPClient == nil {
		gc.HTTPClient = env.HTTPClient
	}
	src, err := google.New(ctx, gc, ps)
	if err != nil {
		return err
	}
	return runSourceIngest(ctx, env, ingestRun{
		Command: "google", Source: src, Name: google.SourceName, Out: opts.Out, Weeks: weeks, Concurrency: cfg.Concurrency,
		Shard: shard, Restart: opts.Restart, Logger: log,
		Stats: func() string {
			st := src.Stats()
			return fmt.Sprintf("calls %d · retries %d · Gmail units %d", st.Calls, st.Retries, st.GmailUnits)
		},
	})
}

// readOrgKey reads the organisation's pseudonymization key from path.
func readOrgKey(path string) (*ingest.Pseudonymizer, error) {
	key, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read org key: %w", err)
	}
	ps, err := ingest.NewPseudonymizer([]byte(strings.TrimSpace(string(key))))
	if err != nil {
		return nil, fmt.Errorf("org key %s: %w", path, err)
	}
	return ps, nil
}

// ingestLogger is env's logger, or warnings to stderr.
func ingestLogger(env *Env) *slog.Logger {
	if env.Logger != nil {
		return env.Logger
	}
	return slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// An ingestRun is one `overload ingest SOURCE` run.
type ingestRun struct {
	Command     string // the subcommand, for messages: google, graph
	Source      ingest.Source
	Name        string // the source's name: checkpoints and dataset shard
	Out         string
	Weeks       []dataset.Week
	Concurrency int
	Shard       dataset.Shard // the users to read; the zero value = all
	Restart     bool
	Logger      *slog.Logger
	Stats       func() string // the source's API counters, for progress and summary
}

// The garbage collector's settings during an ingest, unless $GOGC or
// $GOMEMLIMIT say otherwise. An ingest's live heap is small (tens of MiB:
// the directory, one write piece of rows, the pages in flight) while the
// SDKs allocate a lot per page, so the default GOGC of 100 runs the
// collector often: on the Graph ingest of 800 people at 20 ms (`overload
// bench ingest --source msgraph --people 800`), GOGC 400 took 12.2-14.6
// CPU s against 19.8-20.7 at 100, at a peak RSS of 150 MiB against 90.
// The soft limit keeps a large directory's heap from growing 5× too.
const (
	ingestGCPercent   = 400
	ingestMemoryLimit = 512 << 20
)

// ingestWriteGCPercent is the GC percent once every user is read, unless
// $GOGC is set: the tables are then written from the checkpoints (a week's
// rows at once until the write merged sorted runs, a 64k-row piece since),
// and at ingestGCPercent the heap grew to 3-5 times them, the run's peak.
// Graph at 3,200 people (`overload bench ingest --source msgraph --people
// 3200`): peak RSS 254-255 MiB at 400 throughout; GOGC 100 throughout
// gave 186-198 MiB but cost the reading CPU (share at 800 people 79-82%
// against 86%). At 50 instead of
// 100 the write's peak RSS at 3,200 people was 144-174 MiB against
// 173-190 (six and four runs) for 0-0.2 s more of writing; at 25, 136-146
// MiB for another 0.1-0.3 s. With the runs, GOGC 100 still gave 126-151
// MiB against 109-124 at 50 (two alternating runs).
const ingestWriteGCPercent = 50

// tuneIngestGC applies ingestGCPercent and ingestMemoryLimit where the
// environment sets neither, and returns a func that puts back the
// settings it found.
func tuneIngestGC() (restore func()) {
	gc, limit := -2, int64(-1)
	if os.Getenv("GOGC") == "" {
		gc = debug.SetGCPercent(ingestGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		limit = debug.SetMemoryLimit(ingestMemoryLimit)
	}
	return func() {
		if gc != -2 {
			debug.SetGCPercent(gc)
		}
		if limit >= 0 {
			debug.SetMemoryLimit(limit)
		}
	}
}

// runSourceIngest runs r through an ingest.Runner: progress lines on
// stderr (at most one a second, and every tenth of the users, while the
// directory is listed, users are read and the dataset is written), then a
// summary with the skipped users on stdout. A sharded run names its shard
// in both.
func runSourceIngest(ctx context.Context, env *Env, r ingestRun) error {
	defer tuneIngestGC()()
	runner := &ingest.Runner{
		Source: r.Source, Name: r.Name, Root: r.Out, Weeks: r.Weeks, Shard: r.Shard,
		Concurrency: r.Concurrency, Logger: r.Logger, Restart: r.Restart,
	}
	inShard := ""
	if !r.Shard.All() {
		inShard = " in shard " + r.Shard.String()
		fmt.Fprintf(env.Stderr, "overload ingest %s: shard %s (files %s): weeks %s → %s\n",
			r.Command, r.Shard, runner.ShardName(), joinWeeks(r.Weeks), r.Out)
	} else {
		fmt.Fprintf(env.Stderr, "overload ingest %s: weeks %s → %s\n", r.Command, joinWeeks(r.Weeks), r.Out)
	}
	start := env.Now()
	var last time.Time
	runner.Listing = func(n int) {
		// Once a second, from the first: a small directory lists in less.
		now := env.Now()
		if now.Sub(start) < time.Second || now.Sub(last) < time.Second {
			return
		}
		last = now
		fmt.Fprintf(env.Stderr, "  directory: %d users listed so far · %s · %s\n", n, r.Stats(), now.Sub(start).Round(time.Second))
	}
	runner.Progress = func(p ingest.Progress) {
		if p.Done == p.Users && os.Getenv("GOGC") == "" {
			debug.SetGCPercent(ingestWriteGCPercent) // the tables are written next
		}
		now := env.Now()
		if p.Done != p.Users && now.Sub(last) < time.Second && p.Done%max(1, p.Users/10) != 0 {
			return
		}
		last = now
		fmt.Fprintf(env.Stderr, "  users %d/%d%s (resumed %d, skipped %d) · %s · %s\n",
			p.Done, p.Users, inShard, p.Resumed, p.Skipped, r.Stats(), now.Sub(start).Round(time.Second))
	}
	runner.Writing = func(p ingest.WriteProgress) {
		// The dataset is written from the checkpoints once every user is
		// read: minutes for a large organisation.
		now := env.Now()
		if now.Sub(last) < time.Second {
			return
		}
		last = now
		step := p.Step
		if p.Users > 0 {
			step = fmt.Sprintf("%s, %d/%d users", p.Step, p.Done, p.Users)
		}
		fmt.Fprintf(env.Stderr, "  dataset: %s (week %d of %d) %s · %d rows written · %s\n",
			p.Week, p.Index+1, p.Weeks, step, p.Rows, now.Sub(start).Round(time.Second))
	}
	sum, err := runner.Run(ctx)
	if err != nil {
		return err
	}
	if !r.Shard.All() {
		fmt.Fprintf(env.Stdout, "Shard %s: %d of the directory's %d users; files and checkpoints named %s.\n",
			r.Shard, sum.Users, sum.Directory, runner.ShardName())
	}
	fmt.Fprintf(env.Stdout, `Ingested %d users (%d read now, %d from an earlier run's checkpoints), %d skipped.
Wrote %d people, %d events, %d attendance rows, %d messages to %s
(%d event copies and %d message copies seen on several calendars or mailboxes were deduplicated).
`, sum.Users, sum.Read, sum.Resumed, len(sum.Skipped), sum.People, sum.Events, sum.Attendance, sum.Messages, r.Out,
		sum.DuplicateEventCopies, sum.DuplicateMessageCopies)
	if sum.OtherShardMessages > 0 {
		fmt.Fprintf(env.Stdout, "%d messages from senders in other shards were left to those shards.\n", sum.OtherShardMessages)
	}
	fmt.Fprintf(env.Stdout, "API %s.\n", r.Stats())
	if len(sum.Skipped) > 0 {
		fmt.Fprintf(env.Stdout, "Skipped users (run the same command again to read them):\n")
		for _, s := range sum.Skipped {
			fmt.Fprintf(env.Stdout, "  %s: %s\n", s.PersonID, s.Reason)
		}
	}
	if !r.Shard.All() {
		fmt.Fprintf(env.Stdout, "Next, once shards 0/%d to %d/%d have all written to %s (or been copied into it):\n  ",
			r.Shard.Count, r.Shard.Count-1, r.Shard.Count, r.Out)
	} else {
		fmt.Fprint(env.Stdout, "Next: ")
	}
	fmt.Fprintf(env.Stdout, "overload analyze --data %s --out DIR --weeks %s\n", r.Out, joinWeeks(r.Weeks))
	return nil
}

func joinWeeks(ws []dataset.Week) string {
	s := make([]string, len(ws))
	for i, w := range ws {
		s[i] = w.String()
	}
	return strings.Join(s, ",")
}
