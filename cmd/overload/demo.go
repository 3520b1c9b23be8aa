package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/synthetic"
	"github.com/overload-engine/overload/report"
)

type demoOptions struct {
	People int
	Weeks  int
	Start  dataset.Week
	Seed   int64
	Out    string
	Preset string
}

func newDemoCmd(env *Env) *cobra.Command {
	var opts demoOptions
	cmd := &cobra.Command{
		Use:   "demo [--people 500] [--weeks 4] [--out DIR]",
		Short: "Run the whole pipeline on a built-in synthetic organisation",
		Long: `Demo generates a synthetic organisation (departments and manager chains,
people in several time zones, recurring 1:1s and standups, all-hands, workshops,
OOO days, email and chat with an after-hours tail), writes it as a dataset
exactly as a connector would, analyses it, and writes a first report set:

  OUT/summary.html        the one-page org summary (open this first)
  OUT/hr.html, hr.xlsx    the HR analyst's weekly report and workbook
  OUT/manager.html, .md   a team summary of a real manager with 5+ reports
  OUT/me.html             one employee's own focus report
  OUT/person_week.csv     one row per person-week, Viva Insights column names
  OUT/person_week/        the same as Parquet
  OUT/dataset/            the input dataset (SPEC §2), for analyze and explain
  OUT/demo.key            the demo's pseudonymization key (demo only)

No account, network or set-up is needed. The same seed gives the same output.`,
		Example: `  overload demo
  overload demo --people 2000 --weeks 8 --out /tmp/demo`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd.Context(), env, opts)
		},
	}
	f := cmd.Flags()
	f.IntVar(&opts.People, "people", 500, "number of people in the organisation")
	f.IntVar(&opts.Weeks, "weeks", 4, "number of weeks to generate")
	f.Var(&opts.Start, "start", "first ISO week, e.g. 2026-W10 (default: the weeks before this one)")
	f.Int64Var(&opts.Seed, "seed", 1, "random seed of the generator")
	f.StringVar(&opts.Out, "out", "overload-demo", "output `dir`")
	f.StringVar(&opts.Preset, "preset", "default", "metric preset")
	return cmd
}

func runDemo(ctx context.Context, env *Env, opts demoOptions) error {
	if opts.People < 1 || opts.People > 200000 {
		return usagef("--people %d: want 1 to 200000", opts.People)
	}
	if opts.Weeks < 1 || opts.Weeks > 104 {
		return usagef("--weeks %d: want 1 to 104", opts.Weeks)
	}
	cfg, err := loadAnalysisConfig(opts.Preset, "")
	if err != nil {
		return err
	}
	last := dataset.WeekOf(env.Now()).Add(-1)
	if opts.Start == (dataset.Week{}) {
		opts.Start = last.Add(-(opts.Weeks - 1))
	}
	weeks := make([]dataset.Week, opts.Weeks)
	for i := range weeks {
		weeks[i] = opts.Start.Add(i)
	}
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return fmt.Errorf("create output dir: %w", err)
	}
	dataDir := filepath.Join(opts.Out, "dataset")
	pr := &progress{w: env.Stderr, now: env.Now}
	fmt.Fprintf(env.Stderr, "overload demo: %d people, %s to %s\n", opts.People, weeks[0], weeks[len(weeks)-1])

	pr.begin("generating the synthetic organisation")
	org, err := synthetic.Generate(synthetic.Config{People: opts.People, Weeks: opts.Weeks, Start: opts.Start, Seed: opts.Seed})
	if err != nil {
		return err
	}
	ps, err := ingest.NewPseudonymizer([]byte(synthetic.DefaultKey))
	if err != nil {
		return err
	}
	t := org.Tables(ps)
	pr.done("%d events, %d attendance rows, %d messages", len(t.Events), len(t.Attendance), len(t.Messages))

	pr.begin("writing the dataset to %s", dataDir)
	if err := dataset.WriteTables(ctx, dataDir, t, dataset.WriteOptions{SnapshotWeek: weeks[len(weeks)-1]}); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(opts.Out, "demo.key"), append([]byte(synthetic.DefaultKey), '\n'), 0o600); err != nil {
		return fmt.Errorf("write demo key: %w", err)
	}
	pr.done("done")

	// Analyse what is on disk, as analyze would.
	pr.begin("reading the dataset back")
	t, err = dataset.ReadTables(ctx, dataDir, weeks)
	if err != nil {
		return err
	}
	pr.done("%d people", len(t.People))
	res, err := analyzeAndWrite(ctx, env, pr, t, weeks, cfg, opts.Out)
	if err != nil {
		return err
	}

	pr.begin("writing reports")
	htmlPath := filepath.Join(opts.Out, "summary.html")
	sum := report.NewOrgSummary(res.Rows, cfg, env.Now())
	if err := writeFile(htmlPath, func(f *os.File) error { return report.WriteOrgSummaryHTML(f, sum) }); err != nil {
		return err
	}
	hrFiles, err := writeHRReports(ctx, env, t, res, cfg, "Organization", opts.Out)
	if err != nil {
		return err
	}
	csvPath := hrFiles[2]
	users := org.People()
	sample, manager := "someone@example.com", "nobody@example.com"
	if len(users) > 1 {
		sample = users[len(users)/2].Email
	}
	if id := demoManager(t.People, cfg); id != "" {
		for _, u := range users {
			if ps.PersonID(u.Email) == id {
				manager = u.Email
			}
		}
		if _, _, err := writeManagerReports(ctx, env, t, weeks, cfg, id, opts.Out); err != nil {
			return err
		}
	}
	if _, _, err := writePersonalReport(ctx, env, t, weeks, cfg, ps.PersonID(sample), opts.Out); err != nil {
		return err
	}
	pr.done("done")

	writeAnalysisSummary(env, res, cfg)
	fmt.Fprintf(env.Stdout, `
Where everything is:
  %-34s open this first: the org summary against the 57%% / 43%% / 85%% figures
  %-34s one row per person-week (Viva Insights column names)
  %-34s the same as Parquet, for DuckDB, pandas, Power BI
  %-34s the input dataset (people, events, attendance, messages)
  %-34s HR weekly report: data checks, groups, trend, after-hours, meeting hygiene
  %-34s the same for Excel: summary, groups, weeks, validation, person_week
  %-34s a manager's team summary (%s's team), also as Markdown
  %-34s one employee's own focus report (%s)

Next:
  overload explain --data %s --key-file %s --person %s --week %s
  overload report me --data %s --key-file %s --person %s --out /tmp/me
  overload report manager --data %s --key-file %s --manager %s --out /tmp/team
  overload analyze --data %s --out /tmp/viva --preset viva
`, htmlPath, csvPath, filepath.Join(opts.Out, dataset.TablePersonWeek)+string(filepath.Separator), dataDir+string(filepath.Separator),
		hrFiles[0], hrFiles[1], filepath.Join(opts.Out, "manager.html"), manager, filepath.Join(opts.Out, "me.html"), sample,
		dataDir, filepath.Join(opts.Out, "demo.key"), sample, weeks[len(weeks)-1],
		dataDir, filepath.Join(opts.Out, "demo.key"), sample,
		dataDir, filepath.Join(opts.Out, "demo.key"), manager,
		dataDir)
	return nil
}

// writeFile creates path, calls fn, and closes it, reporting the first error.
func writeFile(path string, fn func(*os.File) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if err := fn(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
