package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/report"
)

// reportOptions are the flags every report command shares.
type reportOptions struct {
	Data       string
	Out        string
	Preset     string
	ConfigPath string
	Weeks      string
	KeyFile    string
}

func (o *reportOptions) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.Data, "data", "", "dataset `dir` to read (SPEC §2)")
	f.StringVar(&o.Out, "out", "", "output `dir` (required)")
	f.StringVar(&o.Preset, "preset", "default", "metric preset: "+strings.Join(analysis.PresetNames(), ", "))
	f.StringVar(&o.ConfigPath, "config", "", "YAML `file` of metric constants overriding the preset")
	f.StringVar(&o.Weeks, "weeks", "", "ISO `weeks` to cover, e.g. 2026-W10..2026-W13 (default: all in the dataset)")
}

func newReportCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Write the HR, manager and personal reports",
		Long: `Report analyses a dataset and writes the reports for its three audiences:

  report hr        the HR analyst's weekly batch: HTML, XLSX, person_week CSV + Parquet
  report manager   a manager's overload summary of their team, as a group only: HTML + Markdown
  report me        an employee's own focus report: HTML and the terminal

Every manager and HR view applies the privacy floor (min_group_size, default
5 people) and complementary suppression (SPEC §6): no individual is shown.
HTML reports are single self-contained files (no scripts, no network).`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newReportHRCmd(env), newReportManagerCmd(env), newReportMeCmd(env))
	return cmd
}

// reportInput is a dataset read and analysed for a report.
type reportInput struct {
	cfg    analysis.Config
	tables *dataset.Tables
	weeks  []dataset.Week
}

// loadReportInput reads the config, the weeks and the tables of o.
func loadReportInput(ctx context.Context, env *Env, o reportOptions, cmdName string) (*reportInput, error) {
	if o.Out == "" || o.Data == "" {
		return nil, usagef("--data and --out are required\nRun 'overload report %s --help' for usage.", cmdName)
	}
	cfg, err := loadAnalysisConfig(o.Preset, o.ConfigPath)
	if err != nil {
		return nil, err
	}
	weeks, err := parseReportWeeks(o)
	if err != nil {
		return nil, err
	}
	trim := len(weeks) == 0
	if trim {
		if weeks, err = datasetWeeks(o.Data); err != nil {
			return nil, err
		}
	}
	t, err := dataset.ReadTables(ctx, o.Data, weeks)
	if err != nil {
		return nil, err
	}
	if trim {
		var dropped []string
		weeks, dropped = trimPartialWeeks(t, weeks)
		if len(dropped) > 0 {
			fmt.Fprintf(env.Stderr, "  left out partial edge week(s) %s: under %d%% of a typical week's events and messages (pass --weeks to include them)\n",
				strings.Join(dropped, ", "), partialWeekPercent)
		}
	}
	return &reportInput{cfg: cfg, tables: t, weeks: weeks}, nil
}

// partialWeekPercent: a first or last week of a dataset holding fewer events
// and messages than this share of the median week is a partial export (the
// neighbour partitions a connector writes for time zones), left out of
// reports unless --weeks names it.
const partialWeekPercent = 10

// trimPartialWeeks drops partial weeks from both ends of weeks.
func trimPartialWeeks(t *dataset.Tables, weeks []dataset.Week) (kept []dataset.Week, dropped []string) {
	count := map[dataset.Week]int{}
	for i := range t.Events {
		count[dataset.WeekOf(t.Events[i].Start)]++
	}
	for i := range t.Messages {
		count[dataset.WeekOf(t.Messages[i].SentAt)]++
	}
	ns := make([]int, len(weeks))
	for i, w := range weeks {
		ns[i] = count[w]
	}
	slices.Sort(ns)
	med := ns[len(ns)/2]
	partial := func(w dataset.Week) bool { return count[w]*100 < med*partialWeekPercent }
	lo, hi := 0, len(weeks)
	for lo < hi && partial(weeks[lo]) {
		dropped = append(dropped, weeks[lo].String())
		lo++
	}
	for hi > lo && partial(weeks[hi-1]) {
		dropped = append(dropped, weeks[hi-1].String())
		hi--
	}
	if lo == hi {
		return weeks, nil
	}
	return weeks[lo:hi], dropped
}

func parseReportWeeks(o reportOptions) ([]dataset.Week, error) {
	if o.Weeks == "" {
		return nil, nil
	}
	weeks, err := dataset.ParseWeeks(o.Weeks)
	if err != nil {
		return nil, usagef("--weeks: %v", err)
	}
	return weeks, nil
}

// resolvePerson turns an email into a person_id with the org key (from
// keyFile or $OVERLOAD_ORG_KEY_FILE); anything else is a person_id already.
func resolvePerson(env *Env, flag, value, keyFile string) (string, error) {
	if !strings.Contains(value, "@") {
		return value, nil
	}
	if keyFile == "" {
		keyFile = env.Getenv("OVERLOAD_ORG_KEY_FILE")
	}
	if keyFile == "" {
		return "", usagef("%s %s is an email: give the org key with --key-file FILE (or $OVERLOAD_ORG_KEY_FILE), or pass the person_id", flag, value)
	}
	key, err := os.ReadFile(keyFile)
	if err != nil {
		return "", fmt.Errorf("read org key: %w", err)
	}
	ps, err := ingest.NewPseudonymizer([]byte(strings.TrimSpace(string(key))))
	if err != nil {
		return "", fmt.Errorf("org key %s: %w", keyFile, err)
	}
	return ps.PersonID(value), nil
}

// findPerson returns the person with id in t, or an error that names how
// the id was reached.
func findPerson(t *dataset.Tables, id, given string) (dataset.Person, error) {
	for i := len(t.People) - 1; i >= 0; i-- { // the latest snapshot is read last
		if t.People[i].PersonID == id {
			return t.People[i], nil
		}
	}
	if id != given {
		return dataset.Person{}, fmt.Errorf("person %s (pseudonymized from %s) is not in the people table; is the key the one the dataset was written with?", id, given)
	}
	return dataset.Person{}, fmt.Errorf("person %s is not in the people table", id)
}

// ---- hr ----

type reportHROptions struct {
	reportOptions
	By string
}

func newReportHRCmd(env *Env) *cobra.Command {
	var opts reportHROptions
	cmd := &cobra.Command{
		Use:   "hr --data DIR --out DIR [--weeks ...] [--by Organization]",
		Short: "Write the HR analyst's weekly batch report",
		Long: `Report hr analyses the dataset and writes, under --out:

  hr.html            self-contained report: data validation first, headline figures,
                     distributions against the 57% / 43% / 85% references, groups side
                     by side, week-over-week trend, after-hours, meeting hygiene
  hr.xlsx            workbook: Summary, Groups, Weeks, Validation, person_week
  person_week.csv    the pseudonymized person-level export (Viva column names)
  person_week/       the same as Parquet

Groups (--by) are any HR attribute: ` + strings.Join(report.GroupAttributes, ", ") + `.
Groups of fewer than min_group_size people are hidden, and so is the next
smallest group when a hidden one could be worked out from the total.`,
		Example: `  overload report hr --data overload-demo/dataset --out /tmp/hr
  overload report hr --data ds --out hr --weeks 2026-W10..2026-W13 --by FunctionType`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runReportHR(cmd.Context(), env, opts)
		},
	}
	opts.addFlags(cmd)
	cmd.Flags().StringVar(&opts.By, "by", "Organization", "HR `attribute` to group by: "+strings.Join(report.GroupAttributes, ", "))
	return cmd
}

func runReportHR(ctx context.Context, env *Env, opts reportHROptions) error {
	if _, ok := report.GroupBy(opts.By); !ok {
		return usagef("--by %s: want one of %s", opts.By, strings.Join(report.GroupAttributes, ", "))
	}
	in, err := loadReportInput(ctx, env, opts.reportOptions, "hr")
	if err != nil {
		return err
	}
	pr := &progress{w: env.Stderr, now: env.Now}
	res, err := analyzeAndWrite(ctx, env, pr, in.tables, in.weeks, in.cfg, opts.Out)
	if err != nil {
		return err
	}
	files, err := writeHRReports(ctx, env, in.tables, res, in.cfg, opts.By, opts.Out)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "HR report for %d person-weeks:\n", len(res.Rows))
	for _, f := range files {
		fmt.Fprintf(env.Stdout, "  %s\n", f)
	}
	return nil
}

// writeHRReports writes hr.html, hr.xlsx and person_week.csv under out and
// returns their paths.
func writeHRReports(ctx context.Context, env *Env, t *dataset.Tables, res *analysis.Result, cfg analysis.Config, by, out string) ([]string, error) {
	var internal []string
	for _, p := range t.People {
		if p.IsInternal && !slices.Contains(internal, p.PersonID) {
			internal = append(internal, p.PersonID)
		}
	}
	meetings, err := analysis.Meetings(ctx, t, internal, res.Weeks, cfg)
	if err != nil {
		return nil, err
	}
	r := report.NewHRReport(report.HRInput{
		Rows: res.Rows, People: t.People, Excluded: res.Excluded, Included: res.Included, ReadsDropped: res.ReadsDropped,
		Active: report.ActivePeople(t), Meetings: meetings, GroupBy: by, Config: cfg, GeneratedAt: env.Now(),
	})
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("create output dir: %w", err)
	}
	html := filepath.Join(out, "hr.html")
	xlsx := filepath.Join(out, "hr.xlsx")
	csv := filepath.Join(out, "person_week.csv")
	if err := writeFile(html, func(f *os.File) error { return report.WriteHRHTML(f, r) }); err != nil {
		return nil, err
	}
	if err := writeFile(xlsx, func(f *os.File) error { return report.WriteHRWorkbook(f, r, res.Rows) }); err != nil {
		return nil, err
	}
	if err := writeFile(csv, func(f *os.File) error { return report.WritePersonWeekCSV(f, res.Rows) }); err != nil {
		return nil, err
	}
	return []string{html, xlsx, csv, filepath.Join(out, dataset.TablePersonWeek) + string(filepath.Separator)}, nil
}

// ---- manager ----

type reportManagerOptions struct {
	reportOptions
	Manager string
}

func newReportManagerCmd(env *Env) *cobra.Command {
	var opts reportManagerOptions
	cmd := &cobra.Command{
		Use:   "manager --data DIR --manager EMAIL_OR_ID --out DIR [--key-file FILE]",
		Short: "Write a manager's overload summary of their team",
		Long: `Report manager writes OUT/manager.html and OUT/manager.md: the manager's
team (direct and indirect reports) as one group — band counts, focus and
after-hours trends, and the drivers: the recurring series and large meetings
that take the most team hours, who organizes the load (as roles, not names),
coordination against collaboration, and recurring coordination series that
could become a written update, with the hours they would return.

No individual is ever shown. Below min_group_size people (default 5) the
report says so and shows nothing; a series or meeting is listed only when at
least that many team members attend it.

--manager takes a person_id or an email; an email is pseudonymized with the
org key from --key-file or $OVERLOAD_ORG_KEY_FILE.`,
		Example: `  overload report manager --data overload-demo/dataset --key-file overload-demo/demo.key \
      --manager ava.patel@example.com --out /tmp/team`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runReportManager(cmd.Context(), env, opts)
		},
	}
	opts.addFlags(cmd)
	cmd.Flags().StringVar(&opts.Manager, "manager", "", "the manager's person_id or email (required)")
	cmd.Flags().StringVar(&opts.KeyFile, "key-file", "", "`file` holding the org key, to look a person up by email")
	return cmd
}

func runReportManager(ctx context.Context, env *Env, opts reportManagerOptions) error {
	if opts.Manager == "" {
		return usagef("--manager is required\nRun 'overload report manager --help' for usage.")
	}
	id, err := resolvePerson(env, "--manager", opts.Manager, opts.KeyFile)
	if err != nil {
		return err
	}
	in, err := loadReportInput(ctx, env, opts.reportOptions, "manager")
	if err != nil {
		return err
	}
	if _, err := findPerson(in.tables, id, opts.Manager); err != nil {
		return err
	}
	files, r, err := writeManagerReports(ctx, env, in.tables, in.weeks, in.cfg, id, opts.Out)
	if err != nil {
		return err
	}
	if r.Hidden {
		fmt.Fprintf(env.Stdout, "The team has fewer than %d people with data: the report says so and shows no figure.\n", r.Floor)
	} else {
		fmt.Fprintf(env.Stdout, "Team report for %d people:\n", r.TeamSize)
	}
	for _, f := range files {
		fmt.Fprintf(env.Stdout, "  %s\n", f)
	}
	return nil
}

// writeManagerReports writes manager.html and manager.md for manager under out.
func writeManagerReports(ctx context.Context, env *Env, t *dataset.Tables, weeks []dataset.Week, cfg analysis.Config, manager, out string) ([]string, *report.TeamReport, error) {
	internal := map[string]bool{}
	for _, p := range t.People {
		internal[p.PersonID] = p.IsInternal
	}
	var team []string
	for _, id := range report.TeamOf(t.People, manager) {
		if internal[id] {
			team = append(team, id)
		}
	}
	var members []analysis.WeekMeetings
	floor := cfg.MinGroupSize
	if floor < 3 {
		floor = report.DefaultMinGroupSize
	}
	if len(team) >= floor { // below the floor nothing is computed at all
		var err error
		if members, err = analysis.Meetings(ctx, t, team, weeks, cfg); err != nil {
			return nil, nil, err
		}
	}
	r := report.NewTeamReport(report.TeamInput{People: t.People, ManagerID: manager, Weeks: weeks, Members: members, Config: cfg, GeneratedAt: env.Now()})
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, nil, fmt.Errorf("create output dir: %w", err)
	}
	html := filepath.Join(out, "manager.html")
	md := filepath.Join(out, "manager.md")
	if err := writeFile(html, func(f *os.File) error { return report.WriteTeamHTML(f, r) }); err != nil {
		return nil, nil, err
	}
	if err := writeFile(md, func(f *os.File) error { return report.WriteTeamMarkdown(f, r) }); err != nil {
		return nil, nil, err
	}
	return []string{html, md}, r, nil
}

// ---- me ----

type reportMeOptions struct {
	reportOptions
	Person string
	ICS    string
	MBox   string
	Me     string
	TZ     string
	Work   string
}

func newReportMeCmd(env *Env) *cobra.Command {
	var opts reportMeOptions
	cmd := &cobra.Command{
		Use:   "me (--data DIR --person EMAIL_OR_ID | --ics FILE [--mbox FILE] --me EMAIL) --out DIR",
		Short: "Write an employee's own focus report",
		Long: `Report me prints one person's own focus report in the terminal and writes it
as OUT/me.html: their weeks against the 57% / 43% / 85% references, where
their working time went, the meetings and series that broke the most 2-hour
blocks, after-hours time, and a short list of concrete changes (decline,
shorten, move, make async).

The data come either from an organisation's dataset (--data, with --person
as a person_id or an email and the org key from --key-file or
$OVERLOAD_ORG_KEY_FILE), or from your own exported calendar (--ics, with
--mbox for sent mail, --me for your address, --tz and --work for your time
zone and working hours).`,
		Example: `  overload report me --data overload-demo/dataset --key-file overload-demo/demo.key \
      --person ava.patel@example.com --out /tmp/me
  overload report me --ics calendar.ics --mbox sent.mbox --me me@example.com \
      --tz Europe/Paris --work 09:00-17:30 --out /tmp/me`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runReportMe(cmd.Context(), env, opts)
		},
	}
	opts.addFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&opts.Person, "person", "", "person_id or email (with --data)")
	f.StringVar(&opts.KeyFile, "key-file", "", "`file` holding the org key, to look a person up by email")
	f.StringVar(&opts.ICS, "ics", "", "your exported calendar (.ics `file`) instead of --data")
	f.StringVar(&opts.MBox, "mbox", "", "your sent mail (mbox or .eml `file`), with --ics")
	f.StringVar(&opts.Me, "me", "", "your email `address`, with --ics")
	f.StringVar(&opts.TZ, "tz", "", "your IANA time `zone`, with --ics (default: the calendar's)")
	f.StringVar(&opts.Work, "work", "", "your working hours, with --ics, e.g. 09:00-17:00")
	return cmd
}

func runReportMe(ctx context.Context, env *Env, opts reportMeOptions) error {
	if opts.Out == "" {
		return usagef("--out is required\nRun 'overload report me --help' for usage.")
	}
	var (
		in  *reportInput
		id  string
		err error
	)
	if opts.ICS != "" {
		if opts.Data != "" {
			return usagef("--ics and --data exclude each other")
		}
		cfg, err := loadAnalysisConfig(opts.Preset, opts.ConfigPath)
		if err != nil {
			return err
		}
		weeks, err := parseReportWeeks(opts.reportOptions)
		if err != nil {
			return err
		}
		t, pid, err := loadPersonal(ctx, env, personalOptions{ICS: opts.ICS, MBox: opts.MBox, Me: opts.Me, TZ: opts.TZ, Work: opts.Work, Weeks: weeks})
		if err != nil {
			return err
		}
		if len(weeks) == 0 {
			weeks = analysis.DefaultWeeks(t)
		}
		in, id = &reportInput{cfg: cfg, tables: t, weeks: weeks}, pid
	} else {
		if opts.Person == "" || opts.Data == "" {
			return usagef("give --data and --person, or --ics\nRun 'overload report me --help' for usage.")
		}
		if id, err = resolvePerson(env, "--person", opts.Person, opts.KeyFile); err != nil {
			return err
		}
		if in, err = loadReportInput(ctx, env, opts.reportOptions, "me"); err != nil {
			return err
		}
		if _, err := findPerson(in.tables, id, opts.Person); err != nil {
			return err
		}
	}
	path, r, err := writePersonalReport(ctx, env, in.tables, in.weeks, in.cfg, id, opts.Out)
	if err != nil {
		return err
	}
	if err := report.WritePersonalText(env.Stdout, r); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "\nThe same as a page: %s\n", path)
	return nil
}

// writePersonalReport writes me.html for person under out.
func writePersonalReport(ctx context.Context, env *Env, t *dataset.Tables, weeks []dataset.Week, cfg analysis.Config, person, out string) (string, *report.PersonalReport, error) {
	wm, err := analysis.Meetings(ctx, t, []string{person}, weeks, cfg)
	if err != nil {
		return "", nil, err
	}
	r := report.NewPersonalReport(wm, cfg, env.Now())
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", nil, fmt.Errorf("create output dir: %w", err)
	}
	path := filepath.Join(out, "me.html")
	if err := writeFile(path, func(f *os.File) error { return report.WritePersonalHTML(f, r) }); err != nil {
		return "", nil, err
	}
	return path, r, nil
}

// demoManager picks the demo's manager: someone with at least the privacy
// floor of direct reports, with the smallest whole team (a line manager),
// ties by person_id. In an org without one it is the manager with the most
// direct reports (whose report then shows the floor at work); "" when no
// one has reports.
func demoManager(people []dataset.Person, cfg analysis.Config) string {
	floor := max(cfg.MinGroupSize, report.DefaultMinGroupSize)
	direct := map[string]int{}
	for _, p := range people {
		if p.ManagerID != "" && p.IsInternal {
			direct[p.ManagerID]++
		}
	}
	best, bestSize, most := "", 0, ""
	for id, n := range direct {
		if most == "" || n > direct[most] || (n == direct[most] && id < most) {
			most = id
		}
		if n < floor {
			continue
		}
		size := len(report.TeamOf(people, id))
		if best == "" || size < bestSize || (size == bestSize && id < best) {
			best, bestSize = id, size
		}
	}
	if best == "" {
		return most
	}
	return best
}
