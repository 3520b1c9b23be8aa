package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/spf13/cobra"
)

// Env is everything a command needs from outside the process. main fills it
// from the OS; tests fill it with buffers and a fixed clock.
type Env struct {
	Stdout, Stderr io.Writer
	Logger         *slog.Logger
	Now            func() time.Time
	Getenv         func(string) string
	HTTPClient     *http.Client
}

// A usageError is a mistake in the command line: main prints the usage hint
// and exits with status 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// exitCode maps an error to the process status: 2 for usage errors, 130
// when interrupted, an error's own ExitCode() where it has one (3 for a
// partial batch run), else 1.
func exitCode(ctx context.Context, err error) int {
	var ue *usageError
	var ec interface{ ExitCode() int }
	switch {
	case errors.As(err, &ue):
		return 2
	case errors.As(err, &ec):
		return ec.ExitCode()
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		return 130
	}
	return 1
}

func newRootCmd(env *Env) *cobra.Command {
	root := &cobra.Command{
		Use:   "overload",
		Short: "Measure collaborative overload from calendar and email metadata",
		Long: `overload measures, per person and week, how working time splits between
collaboration (meetings, email, chat — overlaps counted once) and focus time,
and sets it against published figures: 57% of time communicating and 43%
creating (Microsoft Work Trend Index 2023), 85%+ of the week in collaborative
work (Cross et al., HBR 2021).

It reads metadata only (never subjects or bodies) and pseudonymizes people
with a keyed HMAC at the edge. Data flows in three stages:

  ingest    calendar and mail metadata  → dataset (Parquet, SPEC §2)
  analyze   dataset                     → person_week (one row per person-week)
  report    person_week                 → HTML / CSV summaries

Start here:
  overload demo                  a synthetic 500-person organisation, end to end
  overload analyze --help        analyse any dataset in the SPEC §2 shape
  overload explain --help        show how one person-week's numbers were reached`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &usageError{fmt.Errorf("%w\nRun '%s --help' for usage.", err, cmd.CommandPath())}
	})
	root.AddCommand(newDemoCmd(env), newAnalyzeCmd(env), newExplainCmd(env), newReportCmd(env), newVersionCmd(env))
	root.AddCommand(newIngestCmd(env), newFakeAPICmd(env))
	root.AddCommand(newRunCmd(env), newConfigCmd(env), newBenchCmd(env), newMergeCmd(env))
	return root
}

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func newVersionCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(env.Stdout, "overload %s\n", version)
			return err
		},
	}
}

// progress prints one line per stage to w, with its duration.
type progress struct {
	w     io.Writer
	now   func() time.Time
	start time.Time
}

func (p *progress) begin(format string, args ...any) {
	fmt.Fprintf(p.w, "  "+format+" … ", args...)
	p.start = p.now()
}

func (p *progress) done(format string, args ...any) {
	d := p.now().Sub(p.start).Round(time.Millisecond)
	fmt.Fprintf(p.w, format+" (%s)\n", append(args, d)...)
}
