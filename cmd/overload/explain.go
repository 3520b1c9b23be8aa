package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
)

type explainOptions struct {
	Data       string
	Person     string
	Week       dataset.Week
	Preset     string
	ConfigPath string
	KeyFile    string
}

func newExplainCmd(env *Env) *cobra.Command {
	var opts explainOptions
	cmd := &cobra.Command{
		Use:   "explain --data DIR --person EMAIL_OR_ID --week 2026-W47",
		Short: "Show how one person-week's numbers were reached",
		Long: `Explain prints one person-week's timeline in the person's local time: the
working days (and OOO days), every calendar entry considered with the rule
that excluded it or the hours it counted, every message sent and every
message read (where the FIFO read queue placed it, or that it was dropped),
and how each metric was reached.

--person takes a person_id as stored in the dataset, or an email address.
An email is pseudonymized with the organisation's key, read from --key-file
or from the file named by $OVERLOAD_ORG_KEY_FILE (the demo writes its key to
OUT/demo.key).`,
		Example: `  overload explain --data overload-demo/dataset --person 3k2x… --week 2026-W10
  overload explain --data overload-demo/dataset --key-file overload-demo/demo.key \
      --person ava.patel@example.com --week 2026-W10`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runExplain(cmd.Context(), env, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Data, "data", "", "dataset `dir` (required)")
	f.StringVar(&opts.Person, "person", "", "person_id or email (required)")
	f.Var(&opts.Week, "week", "ISO week, e.g. 2026-W47 (required)")
	f.StringVar(&opts.Preset, "preset", "default", "metric preset: "+strings.Join(analysis.PresetNames(), ", "))
	f.StringVar(&opts.ConfigPath, "config", "", "YAML `file` of metric constants overriding the preset")
	f.StringVar(&opts.KeyFile, "key-file", "", "`file` holding the org key, to look a person up by email")
	return cmd
}

func runExplain(ctx context.Context, env *Env, opts explainOptions) error {
	if opts.Data == "" || opts.Person == "" || opts.Week == (dataset.Week{}) {
		return usagef("--data, --person and --week are required\nRun 'overload explain --help' for usage.")
	}
	cfg, err := loadAnalysisConfig(opts.Preset, opts.ConfigPath)
	if err != nil {
		return err
	}
	id := opts.Person
	if strings.Contains(id, "@") {
		keyFile := opts.KeyFile
		if keyFile == "" {
			keyFile = env.Getenv("OVERLOAD_ORG_KEY_FILE")
		}
		if keyFile == "" {
			return usagef("--person %s is an email: give the org key with --key-file FILE (or $OVERLOAD_ORG_KEY_FILE), or pass the person_id", id)
		}
		key, err := os.ReadFile(keyFile)
		if err != nil {
			return fmt.Errorf("read org key: %w", err)
		}
		ps, err := ingest.NewPseudonymizer([]byte(strings.TrimSpace(string(key))))
		if err != nil {
			return fmt.Errorf("org key %s: %w", keyFile, err)
		}
		id = ps.PersonID(id)
	}
	t, err := dataset.ReadTables(ctx, opts.Data, []dataset.Week{opts.Week})
	if err != nil {
		return err
	}
	e, err := analysis.Explain(t, id, opts.Week, cfg)
	if err != nil {
		if id != opts.Person {
			return fmt.Errorf("%w (pseudonymized from %s; is the key the one the dataset was written with?)", err, opts.Person)
		}
		return err
	}
	return e.WriteText(env.Stdout)
}
