package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/google"
	"github.com/overload-engine/overload/ingest/msgraph"
	"github.com/overload-engine/overload/ingest/synthetic"
)

// ExitPartial is the exit status `overload run` asks for when it finished
// and wrote every report, but some users could not be read (see
// partialError).
const ExitPartial = 3

// A partialError reports a run that wrote its outputs but skipped users.
type partialError struct{ msg string }

func (e *partialError) Error() string { return e.msg }

// ExitCode is the process exit status for a partial run.
func (e *partialError) ExitCode() int { return ExitPartial }

type runOptions struct {
	Config  string
	Week    string
	Out     string
	Restart bool
}

func newRunCmd(env *Env) *cobra.Command {
	var opts runOptions
	cmd := &cobra.Command{
		Use:   "run --config FILE [--week last|2026-W47] [--out DIR]",
		Short: "Run the weekly batch: ingest, analyse and publish one week's reports",
		Long: `Run does an HR analyst's weekly batch from one config file (configs/README.md):

  1. ingest the week and its two neighbours from every source into the
     dataset (OUT/dataset by default), resuming an interrupted run from its
     checkpoints;
  2. analyse the week;
  3. write OUT/2026-W47/: person_week (Parquet and CSV), hr.html, hr.xlsx,
     manager/<person_id>/manager.html|.md, me/<person_id>/me.html,
     manifest.json (what ran, counts, exclusions, warnings, skipped users)
     and run-log.json (timings; the only file that differs between reruns);
  4. print a summary.

The HR and manager trends show the trailing weeks already in OUT
(trend_weeks, default 12), read from OUT/<week>/person_week.

Rerunning a week gives byte-identical outputs for the same inputs. Exit
status: 0 ok; 1 failed (one-line reason on stderr); 2 bad command line;
130 interrupted (run again to resume). When some users could not be read the
reports are written, the users are listed in the summary and the manifest,
and the run exits non-zero with a reason starting "partial:".`,
		Example: `  overload run --config configs/demo.yaml --week last
  overload run --config /etc/overload/batch.yaml --week 2026-W47`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBatch(cmd.Context(), env, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Config, "config", "", "batch config `file` (YAML, see configs/README.md)")
	f.StringVar(&opts.Week, "week", "last", "ISO `week` to run: last (the week before this one) or e.g. 2026-W47")
	f.StringVar(&opts.Out, "out", "", "output `dir`, overriding the config's out")
	f.BoolVar(&opts.Restart, "restart", false, "discard an interrupted run's ingest checkpoints instead of resuming it")
	return cmd
}

// batchWeek resolves --week.
func batchWeek(env *Env, s string) (dataset.Week, error) {
	if s == "" || s == "last" {
		return dataset.WeekOf(env.Now()).Add(-1), nil
	}
	w, err := dataset.ParseWeek(s)
	if err != nil {
		return w, usagef("--week %s: want last or an ISO week such as 2026-W47", s)
	}
	return w, nil
}

// ingestWeeks are the weeks a batch of week w ingests: w and its
// neighbours, which local weeks reach into (SPEC §2).
func ingestWeeks(w dataset.Week) []dataset.Week { return []dataset.Week{w.Add(-1), w, w.Add(1)} }

// batchRun is one run's state, shared by its stages.
type batchRun struct {
	env   *Env
	cfg   *batchConfig
	ps    *ingest.Pseudonymizer
	week  dataset.Week
	dir   string // OUT/<week>
	man   manifest
	log   runLog
	genAt time.Time // the reports' date: the end of the week, so reruns are identical
	// restart discards interrupted ingests' checkpoints (--restart).
	restart bool
}

func runBatch(ctx context.Context, env *Env, opts runOptions) error {
	if opts.Config == "" {
		return usagef("--config is required\nRun 'overload run --help' for usage.")
	}
	week, err := batchWeek(env, opts.Week)
	if err != nil {
		return err
	}
	cfg, err := loadBatchConfig(env, opts.Config)
	if err != nil {
		return err
	}
	if opts.Out != "" {
		cfg.Out = opts.Out
	}
	ps, err := cfg.pseudonymizer(env)
	if err != nil {
		return err
	}
	final := filepath.Join(cfg.Out, week.String())
	b := &batchRun{env: env, cfg: cfg, ps: ps, week: week, dir: filepath.Join(cfg.Out, ".staging-"+week.String()),
		genAt: week.Add(1).Monday(), restart: opts.Restart}
	if err := os.RemoveAll(b.dir); err != nil { // an earlier run's, interrupted
		return fmt.Errorf("run %s: %w", week, err)
	}
	b.log.StartedAt = env.Now().UTC().Format(time.RFC3339)
	b.man = newManifest(cfg, week)
	fmt.Fprintf(env.Stderr, "overload run: week %s, %d source(s) → %s\n", week, len(cfg.Sources), final)

	for _, s := range cfg.Sources {
		if err := b.stage("ingest "+s.Name, func() error { return b.ingest(ctx, s) }); err != nil {
			return fmt.Errorf("run %s: source %s: %w", week, s.Name, err)
		}
	}
	var (
		t   *dataset.Tables
		res *analysis.Result
	)
	err = b.stage("analyse", func() error {
		if t, err = dataset.ReadTables(ctx, cfg.datasetDir(), []dataset.Week{week}); err != nil {
			return err
		}
		if res, err = analysis.Run(ctx, t, []dataset.Week{week}, cfg.analysis); err != nil {
			return err
		}
		return dataset.WritePersonWeek(ctx, b.dir, res.Rows, "0000")
	})
	if err != nil {
		return fmt.Errorf("run %s: analyse: %w", week, err)
	}
	b.man.setAnalysis(res)
	if err := b.stage("reports", func() error { return b.writeReports(ctx, t, res) }); err != nil {
		return fmt.Errorf("run %s: reports: %w", week, err)
	}
	b.man.finish()
	if err := writeJSON(filepath.Join(b.dir, "manifest.json"), &b.man); err != nil {
		return fmt.Errorf("run %s: %w", week, err)
	}
	b.log.FinishedAt = env.Now().UTC().Format(time.RFC3339)
	if err := writeJSON(filepath.Join(b.dir, "run-log.json"), &b.log); err != nil {
		return fmt.Errorf("run %s: %w", week, err)
	}
	if err := publishDir(b.dir, final); err != nil {
		return fmt.Errorf("run %s: %w", week, err)
	}
	b.dir = final
	b.printSummary(env.Stdout)
	if n := len(b.man.SkippedUsers); n > 0 {
		return &partialError{fmt.Sprintf("partial: week %s: %d user(s) could not be read and are left out (reports written; run again to read them; list in %s)",
			week, n, filepath.Join(b.dir, "manifest.json"))}
	}
	return nil
}

// publishDir replaces dir with staging: the week's outputs appear whole,
// and files of an earlier run that this one did not write (a manager no
// longer listed) do not linger.
func publishDir(staging, dir string) error {
	old := filepath.Join(filepath.Dir(dir), ".old-"+filepath.Base(dir))
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if err := os.Rename(dir, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("publish: %w", err)
	}
	if err := os.Rename(staging, dir); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	return nil
}

// stage runs fn and records its duration in the run log.
func (b *batchRun) stage(name string, fn func() error) error {
	start := b.env.Now()
	fmt.Fprintf(b.env.Stderr, "  %s …\n", name)
	err := fn()
	b.log.Stages = append(b.log.Stages, stageTiming{Stage: name, Seconds: b.env.Now().Sub(start).Seconds()})
	return err
}

// ingest copies the batch's weeks of one source into the dataset. It is
// the one place that knows every source type.
func (b *batchRun) ingest(ctx context.Context, s batchSource) error {
	weeks := ingestWeeks(b.week)
	sm := sourceManifest{Name: s.Name, Type: s.Type}
	rl := sourceLog{Name: s.Name}
	switch s.Type {
	case sourceSynthetic:
		sc := s.Synthetic
		org, err := synthetic.Generate(synthetic.Config{People: sc.People, Weeks: len(weeks), Start: weeks[0],
			Seed: orDefault(sc.Seed, DefaultSyntheticSeed), Domain: sc.Domain})
		if err != nil {
			return err
		}
		t := org.Tables(b.ps)
		if err := dataset.WriteTables(ctx, b.cfg.datasetDir(), t, dataset.WriteOptions{Shard: s.Name, SnapshotWeek: weeks[len(weeks)-1]}); err != nil {
			return err
		}
		sm.Users, sm.People, sm.Events, sm.Attendance, sm.Messages = len(t.People), len(t.People), len(t.Events), len(t.Attendance), len(t.Messages)
		rl.Read = len(t.People)
	case sourceGoogle:
		gc := *s.Google
		gc.Logger = b.env.Logger
		if gc.HTTPClient == nil {
			gc.HTTPClient = b.env.HTTPClient
		}
		src, err := google.New(ctx, gc, b.ps)
		if err != nil {
			return err
		}
		sum, err := b.runner(ctx, src, s.Name, weeks).Run(ctx)
		if err != nil {
			return err
		}
		sm.fromSummary(sum)
		rl.Read, rl.Resumed = sum.Read, sum.Resumed
		st := src.Stats()
		rl.Calls, rl.Retries = st.Calls, st.Retries
	case sourceMSGraph:
		mc := *s.MSGraph
		mc.Logger = b.env.Logger
		if mc.Transport == nil && b.env.HTTPClient != nil {
			mc.Transport = b.env.HTTPClient.Transport
		}
		src, err := msgraph.New(mc, b.ps)
		if err != nil {
			return err
		}
		sum, err := b.runner(ctx, src, s.Name, weeks).Run(ctx)
		if err != nil {
			return err
		}
		sm.fromSummary(sum)
		rl.Read, rl.Resumed = sum.Read, sum.Resumed
		st := src.Stats()
		rl.Calls, rl.Retries = st.Calls, st.Retries
	default:
		return fmt.Errorf("unknown source type %q", s.Type)
	}
	b.man.Sources = append(b.man.Sources, sm)
	b.log.Sources = append(b.log.Sources, rl)
	for _, u := range sm.Skipped {
		b.man.SkippedUsers = append(b.man.SkippedUsers, skippedUser{Source: s.Name, PersonID: u.PersonID, Reason: u.Reason})
	}
	return nil
}

func (b *batchRun) runner(ctx context.Context, src ingest.Source, name string, weeks []dataset.Week) *ingest.Runner {
	began, last := b.env.Now(), time.Time{}
	return &ingest.Runner{
		Source: src, Name: name, Root: b.cfg.datasetDir(), Weeks: weeks, Concurrency: b.cfg.Concurrency, Logger: b.env.Logger,
		Restart: b.restart,
		Listing: func(n int) {
			if now := b.env.Now(); now.Sub(began) >= 5*time.Second && now.Sub(last) >= 5*time.Second {
				last = now
				fmt.Fprintf(b.env.Stderr, "    %s: directory, %d users listed so far\n", name, n)
			}
		},
		Progress: func(p ingest.Progress) {
			if now := b.env.Now(); p.Done == p.Users || now.Sub(last) >= 5*time.Second {
				last = now
				fmt.Fprintf(b.env.Stderr, "    %s: users %d/%d (resumed %d, skipped %d)\n", name, p.Done, p.Users, p.Resumed, p.Skipped)
			}
		},
		Writing: func(p ingest.WriteProgress) {
			if now := b.env.Now(); now.Sub(last) >= 5*time.Second {
				last = now
				fmt.Fprintf(b.env.Stderr, "    %s: dataset %s (week %d of %d) %s, %d rows written\n", name, p.Week, p.Index+1, p.Weeks, p.Step, p.Rows)
			}
		},
	}
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// printSummary prints the end-of-run summary.
func (b *batchRun) printSummary(w io.Writer) {
	m := &b.man
	fmt.Fprintf(w, "Week %s: %s.\n", m.Week, m.Status)
	for _, s := range m.Sources {
		fmt.Fprintf(w, "  source %-10s %d users, %d skipped · %d events, %d attendance rows, %d messages\n",
			s.Name, s.Users, len(s.Skipped), s.Events, s.Attendance, s.Messages)
	}
	a := m.Analysis
	fmt.Fprintf(w, "  analysed %d person-weeks (preset %s): %d overloaded, %d above typical, %d within, %d without working hours\n",
		a.PersonWeeks, m.Config.Preset, a.Bands[dataset.BandOverloaded], a.Bands[dataset.BandAboveTypical], a.Bands[dataset.BandWithin], a.Bands["undefined"])
	fmt.Fprintf(w, "  attendance rows counted as meetings: %d; excluded:", a.Included)
	for _, r := range analysis.Rules {
		fmt.Fprintf(w, " %s %d", r, a.Excluded[r])
	}
	fmt.Fprintln(w)
	if len(m.TrendWeeks) > 0 {
		fmt.Fprintf(w, "  trend: %d earlier week(s) from %s (%s to %s)\n", len(m.TrendWeeks), b.cfg.Out, m.TrendWeeks[0], m.TrendWeeks[len(m.TrendWeeks)-1])
	}
	fmt.Fprintf(w, "  wrote %d file(s) under %s:", len(m.Reports), b.dir)
	if b.cfg.Reports.HR != nil {
		fmt.Fprintf(w, " hr.html, hr.xlsx, person_week.csv,")
	}
	fmt.Fprintf(w, " person_week/, %d manager report(s) in manager/<person_id>/, %d personal report(s) in me/<person_id>/\n",
		len(m.Managers), len(m.Me))
	for _, s := range m.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", s)
	}
	if len(m.SkippedUsers) > 0 {
		fmt.Fprintf(w, "  skipped users (run the same command again to read them):\n")
		for _, u := range m.SkippedUsers {
			fmt.Fprintf(w, "    %s %s: %s\n", u.Source, u.PersonID, u.Reason)
		}
	}
	fmt.Fprintf(w, "  manifest: %s\n", filepath.Join(b.dir, "manifest.json"))
}

// ---- config check ----

func newConfigCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Check a batch config file",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "check FILE",
		Short: "Validate a batch config and say what a run would do, without calling any API",
		Long: `Config check reads a batch config (configs/README.md), validates every field
(including that the org key and credential files can be read) and prints what
` + "`overload run`" + ` would do with it. It calls no API.`,
		Example: `  overload config check configs/demo.yaml`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runConfigCheck(env, args[0])
		},
	})
	return cmd
}

func runConfigCheck(env *Env, path string) error {
	cfg, err := loadBatchConfig(env, path)
	if err != nil {
		return err
	}
	w := env.Stdout
	week := dataset.WeekOf(env.Now()).Add(-1)
	weeks := ingestWeeks(week)
	fmt.Fprintf(w, "%s is valid. `overload run --config %s --week last` would, for week %s:\n", path, path, week)
	fmt.Fprintf(w, "  ingest weeks %s into %s from:\n", joinWeeks(weeks), cfg.datasetDir())
	for _, s := range cfg.Sources {
		switch s.Type {
		case sourceSynthetic:
			fmt.Fprintf(w, "    %-10s built-in synthetic organisation (%d people, seed %d)\n", s.Name,
				orDefault(s.Synthetic.People, synthetic.DefaultPeople), orDefault(s.Synthetic.Seed, DefaultSyntheticSeed))
		case sourceGoogle:
			fmt.Fprintf(w, "    %-10s Google Workspace as %s, domains %s, inbox %t\n", s.Name, s.Google.AdminEmail, strings.Join(s.Google.Domains, ","), s.Google.Inbox)
		case sourceMSGraph:
			fmt.Fprintf(w, "    %-10s Microsoft 365 (Graph), tenant %s, inbox %t\n", s.Name, s.MSGraph.TenantID, s.MSGraph.Inbox)
		}
	}
	a := cfg.analysis
	fmt.Fprintf(w, "  pseudonymize people with %s\n", cfg.keySource())
	fmt.Fprintf(w, "  analyse with preset %s: org defaults %s %s–%s %s, privacy floor %d people\n",
		a.Preset, a.DefaultTimeZone, a.DefaultWorkStart, a.DefaultWorkEnd, a.DefaultWorkDays, a.MinGroupSize)
	out := filepath.Join(cfg.Out, week.String())
	fmt.Fprintf(w, "  write to %s: person_week, manifest.json, run-log.json", out)
	r := cfg.Reports
	if r.HR != nil {
		fmt.Fprintf(w, ", hr.html, hr.xlsx, person_week.csv (groups by %s)", orDefault(r.HR.By, "Organization"))
	}
	fmt.Fprintln(w)
	if m := r.Managers; m != nil {
		fmt.Fprintf(w, "  manager reports for %d listed manager(s)", len(m.Emails))
		if m.MinReports > 0 {
			fmt.Fprintf(w, " and every manager with %d or more direct reports", m.MinReports)
		}
		fmt.Fprintln(w)
	}
	if m := r.Me; m != nil && len(m.Emails) > 0 {
		fmt.Fprintf(w, "  personal reports for %d listed people\n", len(m.Emails))
	}
	if n := cfg.trendWeeks(); n > 0 {
		fmt.Fprintf(w, "  trends over up to %d earlier weeks already in %s\n", n, cfg.Out)
	}
	return nil
}
