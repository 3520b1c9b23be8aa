package main

import (
	"github.com/spf13/cobra"
)

func newBenchCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure analysis (and ingest) speed and memory on a synthetic organisation",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usagef("not yet")
		},
	}
	cmd.AddCommand(newBenchIngestCmd(env))
	return cmd
}
