// Command overload measures collaborative overload from calendar and email
// metadata. Run `overload --help` for the commands.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The connectors keep many requests to one API host in flight: with
	// http.DefaultTransport's 2 idle connections per host, nearly every
	// request would dial (and, against the real APIs, handshake TLS) anew.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 256
	env := &Env{
		Stdout: os.Stdout, Stderr: os.Stderr, Now: time.Now, Getenv: os.Getenv,
		Logger:     slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		HTTPClient: &http.Client{Transport: tr},
	}
	if err := newRootCmd(env).ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "overload:", err)
		os.Exit(exitCode(ctx, err))
	}
}
