package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/overload-engine/overload/dataset"
)

type mergeOptions struct {
	Out    string
	Shards int
	From   []string
}

func newMergeCmd(env *Env) *cobra.Command {
	var opts mergeOptions
	cmd := &cobra.Command{
		Use:   "merge --out DIR --shards N [--from DIR]...",
		Short: "Combine and check the person_week of a sharded analysis",
		Long: `Merge is the last step of a sharded analysis (analyze --shard i/N on N
machines or as a Kubernetes Indexed Job). Each shard writes its own part files
(part-s003of016-00000.parquet) into the person_week partitions of its --out.

With --from, merge first copies the shards' part files from those directories
(one per machine, or a shared directory) into --out. It then checks every
week partition of OUT/person_week: each of the N shards must be present
exactly once, no file from another shard layout may be left, and no person
may appear twice. It reports the weeks and rows, and fails (exit 1) naming
the missing or stray shards if the set is not complete, so a batch can retry
just those shards.`,
		Example: `  overload merge --out /data/pw --shards 16
  overload merge --out /data/pw --shards 4 --from /mnt/m0 --from /mnt/m1 --from /mnt/m2 --from /mnt/m3`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runMerge(cmd.Context(), env, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Out, "out", "", "the analysis output `dir` holding person_week/ (required)")
	f.IntVar(&opts.Shards, "shards", 0, "the `N` every shard was run with (required)")
	f.StringSliceVar(&opts.From, "from", nil, "output `dir` of one or more shards to copy in first (repeatable)")
	return cmd
}

func runMerge(ctx context.Context, env *Env, opts mergeOptions) error {
	if opts.Out == "" || opts.Shards < 1 || opts.Shards > dataset.MaxShards {
		return usagef("--out and --shards (1 to %d) are required\nRun 'overload merge --help' for usage.", dataset.MaxShards)
	}
	want := make([]string, opts.Shards)
	for i := range want {
		want[i] = dataset.Shard{Index: i, Count: opts.Shards}.Name()
	}
	if opts.Shards == 1 {
		want[0] = dataset.DefaultShard
	}
	for _, from := range opts.From {
		n, err := copyShardParts(ctx, from, opts.Out)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "  copied %d part file(s) from %s\n", n, from)
	}
	weeks, err := dataset.ListWeeks(opts.Out, dataset.TablePersonWeek)
	if err != nil {
		return err
	}
	if len(weeks) == 0 {
		return fmt.Errorf("merge: %s has no person_week partitions (run 'overload analyze --shard i/N --out %s' first)", opts.Out, opts.Out)
	}
	var problems []string
	rows := 0
	for _, w := range weeks {
		names, err := dataset.PartitionParts(opts.Out, dataset.TablePersonWeek, w)
		if err != nil {
			return err
		}
		have := map[string]bool{}
		var stray []string
		for _, n := range names {
			s := dataset.PartShard(n)
			if slices.Contains(want, s) {
				have[s] = true
			} else {
				stray = append(stray, n)
			}
		}
		var missing []string
		for i, s := range want {
			if !have[s] {
				missing = append(missing, fmt.Sprintf("%d/%d", i, opts.Shards))
			}
		}
		if len(missing) > 0 {
			problems = append(problems, fmt.Sprintf("%s: missing shard(s) %s", w, strings.Join(missing, ", ")))
		}
		if len(stray) > 0 {
			problems = append(problems, fmt.Sprintf("%s: file(s) of another shard layout: %s (remove them or rerun those weeks)", w, strings.Join(stray, ", ")))
		}
		if len(missing) > 0 || len(stray) > 0 {
			continue
		}
		pw, err := dataset.ReadPersonWeek(ctx, opts.Out, []dataset.Week{w})
		if err != nil {
			return err
		}
		seen := make(map[string]bool, len(pw))
		for _, r := range pw {
			if seen[r.PersonID] {
				problems = append(problems, fmt.Sprintf("%s: person %s appears in more than one shard (were the shards run with different N?)", w, r.PersonID))
				break
			}
			seen[r.PersonID] = true
		}
		rows += len(pw)
	}
	if len(problems) > 0 {
		return fmt.Errorf("merge %s: the sharded person_week is not complete:\n  %s", opts.Out, strings.Join(problems, "\n  "))
	}
	fmt.Fprintf(env.Stdout, "person_week in %s is complete: %d week(s), %d shard(s) each, %d person-weeks.\n", opts.Out, len(weeks), opts.Shards, rows)
	return nil
}

// copyShardParts copies the person_week part files under from into out,
// each atomically (temp file + rename), and returns how many it copied.
func copyShardParts(ctx context.Context, from, out string) (int, error) {
	weeks, err := dataset.ListWeeks(from, dataset.TablePersonWeek)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, w := range weeks {
		names, err := dataset.PartitionParts(from, dataset.TablePersonWeek, w)
		if err != nil {
			return n, err
		}
		for _, name := range names {
			if err := ctx.Err(); err != nil {
				return n, err
			}
			if dataset.PartShard(name) == "" {
				continue
			}
			rel := filepath.Join(dataset.TablePersonWeek, "week="+w.String(), name)
			if err := copyFileAtomic(filepath.Join(from, rel), filepath.Join(out, rel)); err != nil {
				return n, fmt.Errorf("merge: copy %s: %w", filepath.Join(from, rel), err)
			}
			n++
		}
	}
	return n, nil
}

func copyFileAtomic(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return writeFileAtomic(dst, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
}
