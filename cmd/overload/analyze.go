package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
)

type analyzeOptions struct {
	Data       string
	Out        string
	Preset     string
	ConfigPath string
	Weeks      string
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
the preset.`,
		Example: `  overload analyze --data overload-demo/dataset --out /tmp/pw
  overload analyze --data ds --out out --weeks 2026-W10..2026-W13 --preset viva`,
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
	pr := &progress{w: env.Stderr, now: env.Now}
	if len(weeks) == 0 {
		if weeks, err = datasetWeeks(opts.Data); err != nil {
			return err
		}
	}
	pr.begin("reading %s (%d week(s) and their neighbours)", opts.Data, len(weeks))
	t, err := dataset.ReadTables(ctx, opts.Data, weeks)
	if err != nil {
		return err
	}
	pr.done("%d people, %d events, %d attendance rows, %d messages", len(t.People), len(t.Events), len(t.Attendance), len(t.Messages))
	res, err := analyzeAndWrite(ctx, env, pr, t, weeks, cfg, opts.Out)
	if err != nil {
		return err
	}
	writeAnalysisSummary(env, res, cfg)
	fmt.Fprintf(env.Stdout, "\nperson_week written to %s\n", filepath.Join(opts.Out, dataset.TablePersonWeek))
	return nil
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
	w := env.Stdout
	weeks := make([]string, len(res.Weeks))
	for i, wk := range res.Weeks {
		weeks[i] = wk.String()
	}
	fmt.Fprintf(w, "\nAnalysed %d person-weeks (%s), preset %s.\n", len(res.Rows), strings.Join(weeks, ", "), cfg.Preset)
	total := res.Included
	for _, n := range res.Excluded {
		total += n
	}
	fmt.Fprintf(w, "Attendance rows: %d considered, %d counted as meetings, excluded by rule:\n", total, res.Included)
	for _, r := range analysis.Rules {
		fmt.Fprintf(w, "  %-14s %8d\n", r, res.Excluded[r])
	}
	fmt.Fprintf(w, "Reads dropped (did not fit in the week): %d\n", res.ReadsDropped)
	bands := map[string]int{}
	undefined := 0
	for _, r := range res.Rows {
		if !r.HasShares {
			undefined++
			continue
		}
		bands[r.OverloadBand]++
	}
	fmt.Fprintf(w, "Person-weeks by band: %d overloaded (≥ %.0f%%), %d above typical (≥ %.0f%%), %d within, %d without working hours\n",
		bands[dataset.BandOverloaded], 100*cfg.OverloadedShare, bands[dataset.BandAboveTypical], 100*cfg.AboveTypicalShare,
		bands[dataset.BandWithin], undefined)
}
