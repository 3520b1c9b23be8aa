package main

import "github.com/spf13/cobra"

// newBenchIngestCmd is `overload bench ingest` (stub: to be written).
func newBenchIngestCmd(env *Env) *cobra.Command {
	return &cobra.Command{Use: "ingest", Short: "Measure ingest against the fake API servers", Args: cobra.NoArgs}
}
