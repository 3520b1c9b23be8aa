package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
)

type analyzeOptions struct {
	Data        string
	Out         string
	Preset      string
	ConfigPath  string
	Weeks       string
	Shard       string
	Shards      string
	BatchWeeks  string
	MemoryLimit string
}

func newAnalyzeCmd(env *Env) *cobra.Command {
	var opts analyzeOptions
	cmd := &cobra.Command{
		Use:   "analyze --data DIR --out DIR [--preset NAME] [--config FILE] [--weeks 2026-W10,...]",
		Short: "Compute person_week metrics from a dataset",
		Long: `Analyze reads a dataset in the SPEC §2 shape (Hive-style Parquet partitions
people/, events/, attendance/, messages/ under --data, written by overload or
by any other tool) and writes one person_week row per internal person and
week to OUT/person_week/week=YYYY-Www/part-0000-0.parquet.

Weeks are ISO weeks (2026-W47); a person's week is their local Monday to
Monday (Sunday to Sunday with --preset viva). Without --weeks every week that
holds an event start or a sent message is analysed.

Presets (SPEC §7): default, viva, viva-legacy, clockwise. --config FILE is a
YAML file of the constants (see configs/analysis.yaml); its fields override
the preset.

Large organisations: analyze streams. It reads only the columns the metrics
need, a batch of weeks at a time (plus the hours of the neighbouring
partitions a local week can reach, at most 62 before it and 36 after: files
written by overload keep the first and last hours of each week in row groups
of their own, and analyze skips the others by their statistics), and
splits people into shards by a stable hash of person_id, holding one shard
of one batch in memory at a time. From the row counts in the Parquet
footers, --batch-weeks auto puts as many weeks in a batch as fit in about
16 million input rows, and --shards auto splits a batch of more than about
20 million (a week of an organisation well over 100,000 people): every
shard reads the batch's files again, so a split costs time and saves
little memory. Give numbers to override either.
--memory-limit is a soft limit on the Go heap (default 1536MiB, or
$GOMEMLIMIT when set): the garbage collector works harder near it instead
of letting the heap double. The large per-shard arrays (messages, the
per-person lists) live outside it, in huge pages where Linux allows, and
are given back after each shard. Raise it when --batch-weeks or --shards
make batches or shards larger than auto would.

Scale-out: --shard i/N computes only shard i of N (i counts from 0), so N
machines, or a Kubernetes Indexed Job with --shard $JOB_COMPLETION_INDEX/N,
each take one slice of the people. Every shard writes its own part files
(part-s003of016-00000.parquet) into the same person_week partitions; run
'overload merge --out DIR --shards N' once all are done to check that every
shard is there exactly once and mark the partitions complete.`,
		Example: `  overload analyze --data overload-demo/dataset --out /tmp/pw
  overload analyze --data ds --out out --weeks 2026-W10..2026-W13 --preset viva
  overload analyze --data ds --out out --shard 3/16     # one of 16 machines
  overload merge --out out --shards 16                  # after all 16`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runAnalyze(cmd.Context(), env, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Data, "data", "", "dataset `dir` to read (required)")
	f.StringVar(&opts.Out, "out", "", "output `dir` for person_week (required)")
	f.StringVar(&opts.Preset, "preset", "default", "metric preset: "+strings.Join(analysis.PresetNames(), ", "))
	f.StringVar(&opts.ConfigPath, "config", "", "YAML `file` of metric constants overriding the preset")
	f.StringVar(&opts.Weeks, "weeks", "", "ISO `weeks` to analyse, e.g. 2026-W10,2026-W11 or 2026-W10..2026-W13 (default: all)")
	f.StringVar(&opts.Shard, "shard", "", "compute only shard `i/N` of the people (0 ≤ i < N), for scale-out")
	f.StringVar(&opts.Shards, "shards", "auto", "shards to split the people into in this process: auto or a `number`")
	f.StringVar(&opts.BatchWeeks, "batch-weeks", "auto", "weeks read and analysed together: auto or a `number` (memory grows with it)")
	f.StringVar(&opts.MemoryLimit, "memory-limit", defaultMemoryLimit, "soft heap `size` limit (e.g. 1536MiB, 4GiB), or off; default $GOMEMLIMIT when set")
	return cmd
}

// loadAnalysisConfig builds the metric config from --preset and --config.
func loadAnalysisConfig(preset, path string) (analysis.Config, error) {
	if path != "" {
		return analysis.LoadConfig(path, preset)
	}
	cfg, err := analysis.Preset(preset)
	if err != nil {
		return cfg, usagef("--preset: %v", err)
	}
	return cfg, nil
}

func runAnalyze(ctx context.Context, env *Env, opts analyzeOptions) error {
	if opts.Data == "" || opts.Out == "" {
		return usagef("--data and --out are required\nRun 'overload analyze --help' for usage.")
	}
	cfg, err := loadAnalysisConfig(opts.Preset, opts.ConfigPath)
	if err != nil {
		return err
	}
	var weeks []dataset.Week
	if opts.Weeks != "" {
		if weeks, err = dataset.ParseWeeks(opts.Weeks); err != nil {
			return usagef("--weeks: %v", err)
		}
	}
	shard, err := dataset.ParseShard(opts.Shard)
	if err != nil {
		return usagef("--shard: %v", err)
	}
	inProcess := 0 // auto
	if opts.Shards != "auto" {
		if inProcess, err = strconv.Atoi(opts.Shards); err != nil || inProcess < 1 || inProcess > dataset.MaxShards {
			return usagef("--shards: want auto or a number from 1 to %d, not %q", dataset.MaxShards, opts.Shards)
		}
		if !shard.All() && inProcess > 1 {
			return usagef("--shards %d with --shard %s: a machine's shard is not split further; use --shards 1 or auto", inProcess, shard)
		}
	}
	batchWeeks := 0 // auto
	if opts.BatchWeeks != "auto" {
		if batchWeeks, err = strconv.Atoi(opts.BatchWeeks); err != nil || batchWeeks < 1 {
			return usagef("--batch-weeks: want auto or a number from 1, not %q", opts.BatchWeeks)
		}
	}
	if err := setMemoryLimit(opts.MemoryLimit, os.Getenv("GOMEMLIMIT") != ""); err != nil {
		return err
	}
	pr := &progress{w: env.Stderr, now: env.Now}
	if len(weeks) == 0 {
		if weeks, err = datasetWeeks(opts.Data); err != nil {
			return err
		}
	}
	total := &analysis.Result{Excluded: map[string]int{}}
	bands := bandCounts{}
	ds, err := analysis.OpenDataset(ctx, opts.Data) // the people snapshot, read once
	if err != nil {
		return err
	}
	defer ds.Close()
	sizes, err := newWeekRows(opts.Data)
	if err != nil {
		return err
	}
	sizes.evShare, sizes.msgShare = ds.NeighbourShares(cfg)
	// Fail now, not after the first batch, if --out cannot be written.
	if err := os.MkdirAll(filepath.Join(opts.Out, dataset.TablePersonWeek), 0o755); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	// A batch's person_week is written while the next batch is analysed
	// (one write at a time, so files appear in batch order).
	var writing chan error
	waitWrite := func() error {
		if writing == nil {
			return nil
		}
		err := <-writing
		writing = nil
		return err
	}
	defer waitWrite() // an early return leaves no write behind
	batches := sizes.batches(weeks, batchWeeks)
	shardsOf := func(batch []dataset.Week) []dataset.Shard {
		if !shard.All() {
			return []dataset.Shard{shard}
		}
		n := inProcess
		if n == 0 {
			n = sizes.autoShards(batch)
		}
		shards := make([]dataset.Shard, n)
		for i := range n {
			shards[i] = dataset.Shard{Index: i, Count: n}
		}
		return shards
	}
	for b, batch := range batches {
		shards := shardsOf(batch)
		// One shard here and in the next batch: the next batch takes this
		// one's last week from memory instead of decoding it again.
		var next []dataset.Week
		if b+1 < len(batches) && len(shards) == 1 && len(shardsOf(batches[b+1])) == 1 {
			next = batches[b+1]
		}
		var names []string
		for i, sh := range shards {
			pr.begin("analysing %s, shard %s", weekRange(batch), sh)
			res, err := ds.RunBatch(ctx, batch, next, cfg, sh)
			if err != nil {
				return err
			}
			pr.done("%d person-weeks", len(res.Rows))
			addResult(total, res)
			bands.add(res.Rows)
			names = append(names, sh.Name())
			if err := waitWrite(); err != nil {
				return err
			}
			prune := shard.All() && i == len(shards)-1
			writing = make(chan error, 1)
			go func(rows []dataset.PersonWeek, name string, names []string) {
				writing <- writeBatch(ctx, opts.Out, batch, rows, name, prune, names)
			}(res.Rows, sh.Name(), slices.Clone(names))
		}
	}
	if err := waitWrite(); err != nil {
		return err
	}
	total.Weeks = weeks
	writeSummaryCounts(env, total, bands, cfg)
	fmt.Fprintf(env.Stdout, "\nperson_week written to %s\n", filepath.Join(opts.Out, dataset.TablePersonWeek))
	if !shard.All() {
		fmt.Fprintf(env.Stdout, "This was shard %s: run 'overload merge --out %s --shards %d' once every shard is done.\n", shard, opts.Out, shard.Count)
	}
	return nil
}

// writeBatch writes one shard's person_week rows of a batch of weeks and,
// after the batch's last shard when the run wrote every person of those
// weeks (prune), drops what a run with another shard layout left there.
func writeBatch(ctx context.Context, out string, batch []dataset.Week, rows []dataset.PersonWeek, name string, prune bool, names []string) error {
	if err := dataset.WritePersonWeek(ctx, out, rows, name); err != nil {
		return err
	}
	if !prune {
		return nil
	}
	for _, w := range batch {
		if err := dataset.PrunePartition(out, dataset.TablePersonWeek, w, names); err != nil {
			return err
		}
	}
	return nil
}

// rowsPerShard is the input rows (events + attendance + messages, with the
// kept share of neighbouring partitions) --batch-weeks auto aims to hold in
// memory at once. Measured on 100,000 generated people, when a batch kept
// 3 days of the week before it: a week with its previous week as a full
// neighbour (9.4 M + 3/7 × 9.5 M rows) in one shard peaked at 1.41 GB RSS
// in 11.5 s; split in two shards
// it took 18.5 s and 1.74 GB (messages to people of both shards are kept
// by both, and each shard decodes the files again).
const rowsPerShard = 16_000_000

// rowsPerSplit is the input rows past which --shards auto splits a batch
// (in practice a single week, as batches of several stay under
// rowsPerShard) into shards. It is higher than rowsPerShard because a split
// saves little memory and costs much time: each shard decodes every file
// again, and a message is kept by every shard with one of its people.
// Measured on 100,000 generated people (2026-12-05, when a batch kept 3
// days before it and 2 after): a week between two full neighbours (17.5 M
// rows estimated, its previous week's rows carried in memory) took 8.9 s a
// week and 1,818 MiB in one shard, 20.8 s and 1,852 MiB in two; a batch
// of two such weeks (26.9 M rows) 15.1 s and 2,240 MiB in one shard, 46.0 s
// and 1,972 MiB in three. Keeping 38 hours before and 36 after for every
// row (2026-12-06), batches of two such weeks in one shard still peaked at
// 2,185,716 KiB.
const rowsPerSplit = 20_000_000

// defaultMemoryLimit is --memory-limit's default: twice the heap limit
// under which a shard of rowsPerShard rows still ran at full speed.
const defaultMemoryLimit = "1536MiB"

// setMemoryLimit sets the soft heap limit from --memory-limit, unless it
// is the default and $GOMEMLIMIT (which the runtime has read) is set.
func setMemoryLimit(flag string, fromEnv bool) error {
	if flag == "off" || (fromEnv && flag == defaultMemoryLimit) {
		return nil
	}
	n, err := parseSize(flag)
	if err != nil || n <= 0 {
		return usagef("--memory-limit: want a size such as 1536MiB or 4GiB, or off, not %q", flag)
	}
	debug.SetMemoryLimit(n)
	return nil
}

// parseSize parses a byte size: a number with an optional unit B, KB, MB,
// GB, KiB, MiB or GiB.
func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   float64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}}
	mult := 1.0
	for _, u := range units {
		if rest, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = rest, u.mult
			break
		}
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f < 0 || f*mult > math.MaxInt64/2 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return int64(f * mult), nil
}

// weekRows holds the input rows of each week partition, from the Parquet
// footers: events with attendance, and messages, with the shares of the
// weeks before and after a batch that its run keeps of each.
type weekRows struct {
	events, messages  map[dataset.Week]int64
	evShare, msgShare analysis.Share // analysis.Dataset.NeighbourShares
}

func newWeekRows(root string) (weekRows, error) {
	r := weekRows{events: map[dataset.Week]int64{}, messages: map[dataset.Week]int64{}}
	for _, table := range []string{dataset.TableEvents, dataset.TableAttendance, dataset.TableMessages} {
		ws, err := dataset.ListWeeks(root, table)
		if err != nil {
			return r, err
		}
		rows := r.events
		if table == dataset.TableMessages {
			rows = r.messages
		}
		for _, w := range ws {
			n, err := dataset.ScanRows(root, table, []dataset.Week{w})
			if err != nil {
				return r, err
			}
			rows[w] += n
		}
	}
	return r, nil
}

// estimate is the rows a run of batch holds: its weeks' rows and, of each
// neighbouring partition, the share next to the batch that is kept (with
// the default preset, of events 38 hours of the week before and 12 of the
// week after, 36 when someone works overnight; of messages 14 hours before
// and 12 hours and 5 minutes after).
func (r weekRows) estimate(batch []dataset.Week) int64 {
	n := 0.0
	type shares struct{ ev, msg float64 }
	kept := map[dataset.Week]shares{}
	for _, w := range batch {
		n += float64(r.events[w] + r.messages[w])
		p, q := kept[w.Add(-1)], kept[w.Add(1)]
		p.ev, p.msg = p.ev+r.evShare.Before, p.msg+r.msgShare.Before
		q.ev, q.msg = q.ev+r.evShare.After, q.msg+r.msgShare.After
		kept[w.Add(-1)], kept[w.Add(1)] = p, q
	}
	for w, s := range kept {
		if !slices.Contains(batch, w) {
			n += float64(r.events[w])*min(s.ev, 1) + float64(r.messages[w])*min(s.msg, 1)
		}
	}
	return int64(n)
}

// autoShards is the number of shards --shards auto splits batch into.
func (r weekRows) autoShards(batch []dataset.Week) int {
	return int(min(max(1, (r.estimate(batch)+rowsPerSplit-1)/rowsPerSplit), dataset.MaxShards))
}

// batches splits weeks (sorted here) into batches of fixed weeks, or with
// fixed 0 into runs of consecutive weeks that fit in rowsPerShard (at least
// one week each).
func (r weekRows) batches(weeks []dataset.Week, fixed int) [][]dataset.Week {
	weeks = slices.Clone(weeks)
	slices.SortFunc(weeks, func(a, b dataset.Week) int { return strings.Compare(a.String(), b.String()) })
	weeks = slices.Compact(weeks)
	var out [][]dataset.Week
	for lo := 0; lo < len(weeks); {
		hi := lo + 1
		if fixed > 0 {
			hi = min(lo+fixed, len(weeks))
		} else {
			for hi < len(weeks) && r.estimate(weeks[lo:hi+1]) <= rowsPerShard {
				hi++
			}
		}
		out = append(out, weeks[lo:hi])
		lo = hi
	}
	return out
}

// addResult adds r's counters to total (not its rows: a year of a large
// organisation is not held in memory).
func addResult(total, r *analysis.Result) {
	total.Included += r.Included
	total.ReadsDropped += r.ReadsDropped
	for k, v := range r.Excluded {
		total.Excluded[k] += v
	}
}

func weekRange(ws []dataset.Week) string {
	if len(ws) == 1 {
		return ws[0].String()
	}
	return ws[0].String() + ".." + ws[len(ws)-1].String()
}

// datasetWeeks lists the weeks that hold events or messages (SPEC §8.7).
func datasetWeeks(root string) ([]dataset.Week, error) {
	var weeks []dataset.Week
	for _, table := range []string{dataset.TableEvents, dataset.TableMessages} {
		ws, err := dataset.ListWeeks(root, table)
		if err != nil {
			return nil, err
		}
		weeks = append(weeks, ws...)
	}
	slices.SortFunc(weeks, func(a, b dataset.Week) int { return strings.Compare(a.String(), b.String()) })
	weeks = slices.Compact(weeks)
	if len(weeks) == 0 {
		return nil, fmt.Errorf("dataset %s has no events or messages partitions (want %s/events/week=YYYY-Www/…)", root, root)
	}
	return weeks, nil
}

func analyzeAndWrite(ctx context.Context, env *Env, pr *progress, t *dataset.Tables, weeks []dataset.Week, cfg analysis.Config, out string) (*analysis.Result, error) {
	pr.begin("analysing %d week(s) with preset %s", len(weeks), cfg.Preset)
	res, err := analysis.Run(ctx, t, weeks, cfg)
	if err != nil {
		return nil, err
	}
	pr.done("%d person-weeks", len(res.Rows))
	pr.begin("writing person_week")
	if err := dataset.WritePersonWeek(ctx, out, res.Rows, "0000"); err != nil {
		return nil, err
	}
	pr.done("done")
	return res, nil
}

func writeAnalysisSummary(env *Env, res *analysis.Result, cfg analysis.Config) {
	writeSummaryCounts(env, res, countBands(res.Rows), cfg)
}

// bandCounts counts person-weeks per overload band ("" = no working hours).
type bandCounts map[string]int

func countBands(rows []dataset.PersonWeek) bandCounts {
	c := bandCounts{}
	c.add(rows)
	return c
}

func (c bandCounts) add(rows []dataset.PersonWeek) {
	for i := range rows {
		if rows[i].HasShares {
			c[rows[i].OverloadBand]++
		} else {
			c[""]++
		}
	}
}

func (c bandCounts) total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

func writeSummaryCounts(env *Env, res *analysis.Result, bands bandCounts, cfg analysis.Config) {
	w := env.Stdout
	weeks := make([]string, len(res.Weeks))
	for i, wk := range res.Weeks {
		weeks[i] = wk.String()
	}
	fmt.Fprintf(w, "\nAnalysed %d person-weeks (%s), preset %s.\n", bands.total(), strings.Join(weeks, ", "), cfg.Preset)
	total := res.Included
	for _, n := range res.Excluded {
		total += n
	}
	fmt.Fprintf(w, "Attendance rows: %d considered, %d counted as meetings, excluded by rule:\n", total, res.Included)
	for _, r := range analysis.Rules {
		fmt.Fprintf(w, "  %-14s %8d\n", r, res.Excluded[r])
	}
	fmt.Fprintf(w, "Reads dropped (did not fit in the week): %d\n", res.ReadsDropped)
	undefined := bands[""]
	fmt.Fprintf(w, "Person-weeks by band: %d overloaded (≥ %.0f%%), %d above typical (≥ %.0f%%), %d within, %d without working hours\n",
		bands[dataset.BandOverloaded], 100*cfg.OverloadedShare, bands[dataset.BandAboveTypical], 100*cfg.AboveTypicalShare,
		bands[dataset.BandWithin], undefined)
}
