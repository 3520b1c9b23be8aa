package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

type benchOptions struct {
	People int
	Weeks  int
	// GenerateWeeks is how many weeks to generate (the rest are copies);
	// 0 = generatedWeeks' choice.
	GenerateWeeks int
	Shards        string
	Dir           string
	Seed          int64
	Start         string
}

// benchDataset describes a generated bench dataset (DIR/bench.json), so a
// later bench with the same parameters reuses it.
type benchDataset struct {
	People     int    `json:"people"`
	Weeks      int    `json:"weeks"`
	Seed       int64  `json:"seed"`
	Start      string `json:"start"`
	Events     int64  `json:"events"`
	Attendance int64  `json:"attendance"`
	Messages   int64  `json:"messages"`
	Recipients int64  `json:"recipients"`
	GenerateMS int64  `json:"generate_ms"`
	WriteMS    int64  `json:"write_ms"`
	// GeneratedWeeks is how many weeks were generated; the dataset's other
	// weeks are copies of them (see generatedWeeks). 0 in bench.json files
	// written before copies were made: every week was generated.
	GeneratedWeeks int `json:"generated_weeks,omitempty"`
}

func (d benchDataset) inputRows() int64 { return d.Events + d.Attendance + d.Messages }

// generated returns how many of the dataset's weeks were generated.
func (d benchDataset) generated() int {
	if d.GeneratedWeeks == 0 {
		return d.Weeks
	}
	return d.GeneratedWeeks
}

func newBenchCmd(env *Env) *cobra.Command {
	var opts benchOptions
	cmd := &cobra.Command{
		Use:   "bench [--people 100000] [--weeks 1] [--shards auto]",
		Short: "Measure analysis (and ingest) speed and memory on a synthetic organisation",
		Long: `Bench measures overload on a generated organisation of the given size, in a
form that can be compared run to run.

It generates the dataset once (the same synthetic organisation as demo, with
--people people over --weeks weeks) and keeps it in --dir, so later benches of
the same size reuse it. The generator holds the whole organisation in memory,
about 6 GB per 100,000 person-weeks, so it generates at most that many (at
least one week; --generate-weeks sets the number) and repeats them to fill
--weeks: each copy is shifted by whole weeks and its event and message ids get
a suffix, so every week has the rows of a generated one and no id repeats.
Then it runs 'overload analyze' on it as a child process and reports, per
phase:

  generate   building the organisation and its rows in memory
  write      writing them as the Parquet dataset (what an ingest run ends with)
  analyze    Parquet → every SPEC metric → person_week Parquet

with rows (input rows: events + attendance + messages; recipient entries are
shown apart), wall seconds, CPU seconds (user + system), rows per wall second
and the peak resident memory of the process that ran the phase (generate and
write share one process). The last line, starting with BENCH, holds the same
figures as key=value pairs for scripts.

'overload bench ingest' measures the connectors against the fake APIs.`,
		Example: `  overload bench --people 10000
  overload bench --people 100000 --weeks 1 --shards auto
  overload bench --people 100000 --weeks 52 --dir /data/bench`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBench(cmd.Context(), env, opts)
		},
	}
	f := cmd.Flags()
	f.IntVar(&opts.People, "people", 100000, "people in the generated organisation")
	f.IntVar(&opts.Weeks, "weeks", 1, "weeks of data to generate and analyse")
	f.IntVar(&opts.GenerateWeeks, "generate-weeks", 0, "weeks to generate; the others are shifted copies of them (default: as many as make 100,000 person-weeks, at least 1)")
	f.StringVar(&opts.Shards, "shards", "auto", "analyze --shards: auto or a `number`")
	f.StringVar(&opts.Dir, "dir", "", "where to keep the generated dataset (default: $TMPDIR/overload-bench/p<people>-w<weeks>-s<seed>)")
	f.Int64Var(&opts.Seed, "seed", 1, "random seed of the generator")
	f.StringVar(&opts.Start, "start", "2026-W10", "first ISO `week` of the data")
	cmd.AddCommand(newBenchIngestCmd(env), newBenchGenerateCmd(env))
	return cmd
}

// generate returns how many weeks to generate.
func (o benchOptions) generate() int {
	if o.GenerateWeeks > 0 {
		return min(o.GenerateWeeks, o.Weeks)
	}
	return generatedWeeks(o.People, o.Weeks)
}

func runBench(ctx context.Context, env *Env, opts benchOptions) error {
	if opts.People < 1 || opts.Weeks < 1 {
		return usagef("--people and --weeks must be at least 1")
	}
	if opts.GenerateWeeks < 0 {
		return usagef("--generate-weeks must be at least 1 (or 0 for the default)")
	}
	if opts.Shards != "auto" {
		if n, err := strconv.Atoi(opts.Shards); err != nil || n < 1 {
			return usagef("--shards: want auto or a number, not %q", opts.Shards)
		}
	}
	start, err := dataset.ParseWeek(opts.Start)
	if err != nil {
		return usagef("--start: %v", err)
	}
	dir := opts.Dir
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "overload-bench", fmt.Sprintf("p%d-w%d-s%d", opts.People, opts.Weeks, opts.Seed))
	}
	data := filepath.Join(dir, "dataset")
	want := benchDataset{People: opts.People, Weeks: opts.Weeks, Seed: opts.Seed, Start: start.String(),
		GeneratedWeeks: opts.generate()}

	var phases []phaseStat
	ds, ok := readBenchDataset(dir)
	if ok && ds.People == want.People && ds.Weeks == want.Weeks && ds.Seed == want.Seed && ds.Start == want.Start &&
		ds.generated() == want.GeneratedWeeks {
		fmt.Fprintf(env.Stderr, "reusing the dataset in %s (%d people × %d week(s))\n", data, ds.People, ds.Weeks)
	} else {
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("bench: clear %s: %w", dir, err)
		}
		fmt.Fprintf(env.Stderr, "generating %d people × %d week(s) into %s …\n", opts.People, opts.Weeks, data)
		if g := want.GeneratedWeeks; g < opts.Weeks {
			fmt.Fprintf(env.Stderr, "  (%d week(s) generated, the rest copies of them shifted in time: the generator holds ~6 GB per 100,000 person-weeks)\n", g)
		}
		st, _, err := runMeasured(ctx, env.Stderr, "bench", "generate", "--people", strconv.Itoa(opts.People),
			"--weeks", strconv.Itoa(opts.Weeks), "--generate-weeks", strconv.Itoa(want.GeneratedWeeks), "--seed", strconv.FormatInt(opts.Seed, 10), "--start", start.String(), "--dir", dir)
		if err != nil {
			return err
		}
		if ds, ok = readBenchDataset(dir); !ok {
			return fmt.Errorf("bench: the generator wrote no %s", filepath.Join(dir, "bench.json"))
		}
		gen := time.Duration(ds.GenerateMS) * time.Millisecond
		wr := time.Duration(ds.WriteMS) * time.Millisecond
		phases = append(phases,
			phaseStat{Name: "generate", Rows: ds.inputRows(), Wall: gen, PeakRSS: st.PeakRSS, Note: "CPU: see write"},
			phaseStat{Name: "write", Rows: ds.inputRows(), Wall: wr, CPU: st.CPU, PeakRSS: st.PeakRSS, Note: "CPU of generate + write"})
	}
	out := filepath.Join(dir, "out")
	if err := os.RemoveAll(out); err != nil {
		return fmt.Errorf("bench: clear %s: %w", out, err)
	}
	weeks := start.String()
	if opts.Weeks > 1 {
		weeks += ".." + start.Add(opts.Weeks-1).String()
	}
	fmt.Fprintf(env.Stderr, "analysing (overload analyze --shards %s) …\n", opts.Shards)
	st, _, err := runMeasured(ctx, env.Stderr, "analyze", "--data", data, "--out", out, "--weeks", weeks, "--shards", opts.Shards)
	if err != nil {
		return err
	}
	st.Name, st.Rows = "analyze", ds.inputRows()
	phases = append(phases, st)

	w := env.Stdout
	fmt.Fprintf(w, "\noverload bench: %d people × %d week(s), seed %d, shards %s\n", ds.People, ds.Weeks, ds.Seed, opts.Shards)
	if g := ds.generated(); g < ds.Weeks {
		fmt.Fprintf(w, "data: %d week(s) generated, repeated with shifted times and fresh ids to make %d\n", g, ds.Weeks)
	}
	fmt.Fprintf(w, "machine: %s/%s, %d CPU(s), GOMAXPROCS %d, %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version())
	fmt.Fprintf(w, "input rows: %d events + %d attendance + %d messages (%d recipient entries)\n\n", ds.Events, ds.Attendance, ds.Messages, ds.Recipients)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "phase\trows\twall s\tCPU s\trows/s\tpeak RSS\t")
	var kv []string
	for _, p := range phases {
		cpu := "-"
		if p.CPU > 0 {
			cpu = fmt.Sprintf("%.2f", p.CPU.Seconds())
		}
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%s\t%.0f\t%s\t\n", p.Name, p.Rows, p.Wall.Seconds(), cpu, p.RowsPerSec(), mib(p.PeakRSS))
		kv = append(kv, fmt.Sprintf("%s_wall_s=%.2f %s_cpu_s=%.2f %s_rows_per_s=%.0f %s_peak_rss_mib=%.0f",
			p.Name, p.Wall.Seconds(), p.Name, p.CPU.Seconds(), p.Name, p.RowsPerSec(), p.Name, float64(p.PeakRSS)/(1<<20)))
	}
	tw.Flush()
	fmt.Fprintf(w, "\nBENCH people=%d weeks=%d generated_weeks=%d shards=%s cpus=%d input_rows=%d recipients=%d %s\n",
		ds.People, ds.Weeks, ds.generated(), opts.Shards, runtime.NumCPU(), ds.inputRows(), ds.Recipients, strings.Join(kv, " "))
	return nil
}

func readBenchDataset(dir string) (benchDataset, bool) {
	var d benchDataset
	b, err := os.ReadFile(filepath.Join(dir, "bench.json"))
	if err != nil {
		return d, false
	}
	return d, json.Unmarshal(b, &d) == nil
}

// newBenchGenerateCmd is the child process of bench that generates and
// writes the dataset, timing the two apart.
func newBenchGenerateCmd(env *Env) *cobra.Command {
	var opts benchOptions
	cmd := &cobra.Command{
		Use:    "generate",
		Short:  "Generate a bench dataset (run by overload bench)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return benchGenerate(cmd.Context(), env, opts)
		},
	}
	f := cmd.Flags()
	f.IntVar(&opts.People, "people", 1000, "")
	f.IntVar(&opts.Weeks, "weeks", 1, "")
	f.IntVar(&opts.GenerateWeeks, "generate-weeks", 0, "")
	f.Int64Var(&opts.Seed, "seed", 1, "")
	f.StringVar(&opts.Start, "start", "2026-W10", "")
	f.StringVar(&opts.Dir, "dir", "", "")
	return cmd
}

func benchGenerate(ctx context.Context, env *Env, opts benchOptions) error {
	start, err := dataset.ParseWeek(opts.Start)
	if err != nil {
		return usagef("--start: %v", err)
	}
	if opts.Dir == "" {
		return usagef("--dir is required")
	}
	gen := opts.generate()
	t0 := time.Now()
	org, err := synthetic.Generate(synthetic.Config{People: opts.People, Weeks: gen, Start: start, Seed: opts.Seed})
	if err != nil {
		return err
	}
	ps, err := ingest.NewPseudonymizer([]byte(synthetic.DefaultKey))
	if err != nil {
		return err
	}
	t := org.Tables(ps)
	org = nil
	d := benchDataset{People: opts.People, Weeks: opts.Weeks, Seed: opts.Seed, Start: start.String(), GeneratedWeeks: gen}
	d.GenerateMS = time.Since(t0).Milliseconds()
	fmt.Fprintf(env.Stderr, "  generated %d input rows (%d week(s)) in %s\n", len(t.Events)+len(t.Attendance)+len(t.Messages), gen, time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()
	data := filepath.Join(opts.Dir, "dataset")
	w, err := dataset.NewWriter(data, dataset.WriteOptions{SnapshotWeek: start.Add(opts.Weeks - 1)})
	if err != nil {
		return err
	}
	rep := newRepeater(t)
	for first := 0; first < opts.Weeks; first += gen {
		if first > 0 {
			rep.shift(first)
			fmt.Fprintf(env.Stderr, "  week %d of %d (a copy of the first %d, %s so far)\n", first+1, opts.Weeks, gen, time.Since(t0).Round(time.Second))
		}
		piece := *t
		piece.People = nil
		if n := opts.Weeks - first; n < gen {
			// The last copy is cut to the weeks asked for.
			piece = rep.upTo(start.Add(opts.Weeks).Monday())
		}
		if err := w.Write(ctx, &piece, nil); err != nil {
			return err
		}
		d.Events += int64(len(piece.Events))
		d.Attendance += int64(len(piece.Attendance))
		d.Messages += int64(len(piece.Messages))
		for i := range piece.Messages {
			d.Recipients += int64(len(piece.Messages[i].RecipientIDs))
		}
	}
	if err := w.Close(ctx, t.People); err != nil {
		return err
	}
	d.WriteMS = time.Since(t0).Milliseconds()
	fmt.Fprintf(env.Stderr, "  wrote the dataset in %s\n", time.Since(t0).Round(time.Millisecond))
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(opts.Dir, "bench.json"), b, 0o644); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("bench: %w", err)
	}
	return nil
}

// benchPersonWeeks is the most person-weeks bench generates: the generator
// holds about 6 GB for 100,000 of them (100,000 people × 1 week), and
// 11.9 GB for twice as many.
const benchPersonWeeks = 100_000

// generatedWeeks returns how many of a bench dataset's weeks are
// generated; the others are copies of those, shifted by whole weeks.
func generatedWeeks(people, weeks int) int {
	return min(weeks, max(1, benchPersonWeeks/people))
}

// A repeater turns the generated weeks of a bench dataset into copies of
// them later in time: every instant is shifted by whole weeks and every
// event and message id gets a suffix naming the copy, so that each copy
// holds as many rows, of the same people, as the weeks generated, and no
// id repeats across copies. Series ids are kept: a weekly meeting stays
// one series over the year.
type repeater struct {
	t      *dataset.Tables
	weeks  int // the shift applied so far, in weeks
	events []string
	att    []string
	msgs   []string
}

func newRepeater(t *dataset.Tables) *repeater {
	r := &repeater{t: t,
		events: make([]string, len(t.Events)),
		att:    make([]string, len(t.Attendance)),
		msgs:   make([]string, len(t.Messages)),
	}
	for i := range t.Events {
		r.events[i] = t.Events[i].EventID
	}
	for i := range t.Attendance {
		r.att[i] = t.Attendance[i].EventID
	}
	for i := range t.Messages {
		r.msgs[i] = t.Messages[i].MessageID
	}
	return r
}

// shift moves the tables to start weeks after the generated ones.
func (r *repeater) shift(weeks int) {
	d := time.Duration(weeks-r.weeks) * 7 * 24 * time.Hour
	r.weeks = weeks
	suffix := "~w" + strconv.Itoa(weeks)
	for i := range r.t.Events {
		e := &r.t.Events[i]
		e.EventID = r.events[i] + suffix
		e.Start, e.End = e.Start.Add(d), e.End.Add(d)
		if !e.Created.IsZero() {
			e.Created = e.Created.Add(d)
		}
	}
	for i := range r.t.Attendance {
		r.t.Attendance[i].EventID = r.att[i] + suffix
	}
	for i := range r.t.Messages {
		m := &r.t.Messages[i]
		m.MessageID = r.msgs[i] + suffix
		m.SentAt = m.SentAt.Add(d)
	}
}

// upTo returns the rows of the tables (without people) before limit: the
// events that start and the messages sent before it, and the attendance
// of those events.
func (r *repeater) upTo(limit time.Time) dataset.Tables {
	var out dataset.Tables
	kept := make(map[string]bool)
	for _, e := range r.t.Events {
		if e.Start.Before(limit) {
			out.Events = append(out.Events, e)
			kept[e.EventID] = true
		}
	}
	for _, a := range r.t.Attendance {
		if kept[a.EventID] {
			out.Attendance = append(out.Attendance, a)
		}
	}
	for _, m := range r.t.Messages {
		if m.SentAt.Before(limit) {
			out.Messages = append(out.Messages, m)
		}
	}
	return out
}
