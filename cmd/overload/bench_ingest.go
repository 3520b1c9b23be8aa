package main

// `overload bench ingest`: the real connectors against the fake provider
// APIs, with latency, measured from outside. The fake runs in this
// process behind a meter that sees every request; the ingest runs as a
// child process (`overload bench ingest child ingest google|graph …`, the
// ingest command followed by a line with its own peak RSS), so that its
// CPU time and memory are its own and not the fake's.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/google"
	"github.com/overload-engine/overload/ingest/google/googletest"
	"github.com/overload-engine/overload/ingest/msgraph"
	"github.com/overload-engine/overload/ingest/msgraph/graphtest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

// DefaultBenchGmailQuota is the bench's project-wide Gmail budget, in
// quota units a minute: a tenth of Google's published default
// (google.DefaultGmailPerMinute), low enough to be what binds on a laptop
// with 16 users at once and 20 ms of latency.
const DefaultBenchGmailQuota = 120_000

// gmailCallUnits is what a Gmail messages.list or messages.get costs.
const gmailCallUnits = 5

// benchIngestStart is the first week a bench generates: fixed, so that two
// runs with the same flags make the same calls and write the same rows.
var benchIngestStart = dataset.Week{Year: 2026, Num: 20}

type benchIngestOptions struct {
	Source           string
	People           string
	Weeks            int
	Latency          time.Duration
	Concurrency      int
	Seed             int64
	Keep             string
	GmailQuota       float64
	GmailUserQuota   float64
	GraphConcurrency int
}

// newBenchIngestCmd is `overload bench ingest`.
func newBenchIngestCmd(env *Env) *cobra.Command {
	var opts benchIngestOptions
	cmd := &cobra.Command{
		Use:   "ingest [--source google|msgraph|both] [--people 200[,800]] [--latency 20ms]",
		Short: "Measure ingest against the fake API servers: speed, memory and the share of quota used",
		Long: `Bench ingest generates the synthetic organisation (as the demo and fakeapi do),
serves it from this process over the fake Google Workspace or Microsoft Graph
APIs with --latency added to every answer, and runs the real ingest
(` + "`overload ingest google|graph`" + `, the provider SDKs through the ingest runner) as a
child process into a temporary dataset, removed afterwards unless --keep. The
weeks are fixed (from ` + benchIngestStart.String() + `), so runs with the same flags make the same
calls and write the same rows: compare lines between runs and machines.

It prints one line per source and size:

  users       people rows written (directory users read, none skipped)
  calls       API requests the fake answered (Google's token requests not counted)
  rows        rows written: people + events + attendance + messages, counted
              in the dataset afterwards
  wall s      the ingest process, start to exit (includes writing Parquet)
  api s       first API request to last answer, as the fake saw them
  cpu s       the ingest process's CPU time (user + system)
  fake s      CPU time of the fake servers (this process) in the same run:
              on a small machine they share the cores with the ingest
  idle        the share of the machine's CPU time left idle during the run
              (Linux; "-" elsewhere): near 0, other work or the run itself
              had every core busy
  peak RSS    the ingest process's peak resident memory (its own VmHWM on
              Linux, not counting the bench's memory)
  calls/s     calls / api s
  quota       the configured limit the share is measured against
  limit, used that limit, and what the run achieved over api s
  share       how much of the quota the run used (see below), at most 100%
  bound by    which configured ceiling is lowest for these flags, or CPU
              when the share is under 90% and the machine was under 10% idle

Share of quota, per source:

  google    The Gmail budget for the whole project (--gmail-quota, units a
            minute; messages.list and messages.get cost 5 each), which the
            connector's pacer enforces; Gmail is nearly all of the calls.
            share = units spent / (limit × api s + the pacer's burst of one
            second), so a long run reads used/limit. Two other configured
            ceilings can bind first, and "bound by" says which is lowest:
            each user's own Gmail budget (--gmail-user-quota, 15,000 units
            a minute by default) times the users read at once
            (--concurrency), and latency (5 requests in flight per user,
            each taking --latency). At the defaults the project budget, a
            tenth of Google's, is the lowest. With Google's own project
            default (--gmail-quota 1200000) the per-user budgets bind at 16
            users, and the share is about a third (each user starts with a
            second's worth of its budget, which lifts it above the per-user
            rate); more users at once (--concurrency 96) make the project
            budget bind again where the machine has the cores for it.
  msgraph   Graph has no request budget to pace against: Outlook throttles
            on concurrency. The quota is the app's requests in flight
            (--graph-concurrency, 16 by default; 4 per mailbox), and
            share = mean requests in flight / the limit, the mean being
            the time every request spent at the fake until it answered,
            summed, / api s. While the directory is listed, mailbox
            settings are read as many at a time as the limit allows, and
            each user whose settings are read is read in turn: its
            calendar, sent items and inbox at once, a request each
            ("bound by" says "users at once" when the
            users at once, --concurrency, have fewer requests to make
            than the limit). At 20 ms on a 2-core machine the slots are
            held ~96% of the time, but ~3 ms of each request's ~25 ms in
            a slot pass outside the fake (waking both processes' network
            goroutines on busy cores), so the share is ~88-93%; at
            --latency 50ms it is ~92-97%, at 100ms ~94-98%. It is
            lower for larger organisations (~88% at 3,200 people): the
            synthetic organisation's monthly all-hands
            invites everyone one by one, and Graph lists every attendee
            in every attendee's copy, so the bytes to read grow with the
            square of the organisation.

If the share is well below 100% while "bound by" names the quota, the
machine is the limit: compare cpu s + fake s with wall s × the number of
cores, and look at idle (other programs on the machine count too).

Peak RSS barely depends on the number of users: while users are read the
Go heap holds the pages in flight (10-20 MB), and the tables are written
in 64 Ki-row pieces, sorted runs on disk merged into each partition's
files; copies are chosen by a sort on disk, a bit per copy kept. It grows
with the pages' size: at 3,200 people the synthetic all-hands' attendee
lists make Graph's peak ~110 MiB against ~80 at 800.`,
		Example: `  overload bench ingest
  overload bench ingest --source google --people 200,800
  overload bench ingest --source msgraph --latency 200ms --graph-concurrency 8
  overload bench ingest --source google --gmail-quota 1200000 --concurrency 96
  overload bench ingest --source google --people 50 --keep /tmp/bench`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBenchIngest(cmd.Context(), env, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Source, "source", "both", "google, msgraph or both")
	f.StringVar(&opts.People, "people", "200", "people in the organisation; a comma-separated list runs each size")
	f.IntVar(&opts.Weeks, "weeks", 1, "weeks to generate and ingest")
	f.DurationVar(&opts.Latency, "latency", 20*time.Millisecond, "delay the fake adds to every API answer")
	f.IntVar(&opts.Concurrency, "concurrency", 0, fmt.Sprintf("users read at once (0 = the ingest default, %d)", ingest.DefaultConcurrency))
	f.Int64Var(&opts.Seed, "seed", 1, "random seed of the generator")
	f.StringVar(&opts.Keep, "keep", "", "keep each run's dataset and config under `dir`/SOURCE-PEOPLE/")
	f.Float64Var(&opts.GmailQuota, "gmail-quota", DefaultBenchGmailQuota, "Gmail quota units a minute for the project")
	f.Float64Var(&opts.GmailUserQuota, "gmail-user-quota", google.DefaultGmailPerUserPerMinute, "Gmail quota units a minute per user")
	f.IntVar(&opts.GraphConcurrency, "graph-concurrency", msgraph.DefaultConcurrency, "Graph requests in flight for the app")
	cmd.AddCommand(newBenchIngestChildCmd(env))
	return cmd
}

// peakRSSPrefix starts the last line the child of bench ingest prints.
const peakRSSPrefix = "peak_rss_bytes="

// newBenchIngestChildCmd is the child process of bench ingest: it runs
// `overload ARGS…` (the ingest) and then prints its own peak RSS. The parent
// cannot take it from wait4: on Linux a child started with vfork, as Go
// starts every child, has the parent's peak RSS at exec in its ru_maxrss,
// and the bench's parent holds the organisation and the fake.
func newBenchIngestChildCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:                "child ARGS...",
		Short:              "Run an ingest and print its peak RSS (run by overload bench ingest)",
		Hidden:             true,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			root := newRootCmd(env)
			root.SetArgs(args)
			if err := root.ExecuteContext(cmd.Context()); err != nil {
				return err
			}
			_, err := fmt.Fprintf(env.Stdout, "%s%d\n", peakRSSPrefix, ownPeakRSS())
			return err
		},
	}
}

// ownPeakRSS returns this process's peak resident memory in bytes: VmHWM
// from /proc/self/status where there is one (Linux), which counts only
// this program's own memory, else ru_maxrss.
func ownPeakRSS() int64 {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for line := range strings.Lines(string(b)) {
			if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				if kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64); err == nil {
					return kb * 1024
				}
			}
		}
	}
	_, peak := selfStat()
	return peak
}

// check validates opts and returns the sources and sizes to run.
func (o *benchIngestOptions) check() (sources []string, sizes []int, err error) {
	switch o.Source {
	case "google", "msgraph":
		sources = []string{o.Source}
	case "both":
		sources = []string{"google", "msgraph"}
	default:
		return nil, nil, usagef("--source %q: want google, msgraph or both", o.Source)
	}
	for _, s := range strings.Split(o.People, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 2 || n > 100_000 {
			return nil, nil, usagef("--people %q: want numbers from 2 to 100000, comma-separated", o.People)
		}
		sizes = append(sizes, n)
	}
	switch {
	case o.Weeks < 1 || o.Weeks > 104:
		return nil, nil, usagef("--weeks %d: want 1 to 104", o.Weeks)
	case o.Latency < 0:
		return nil, nil, usagef("--latency %s: want 0 or more", o.Latency)
	case o.Concurrency < 0:
		return nil, nil, usagef("--concurrency %d: want 0 or more", o.Concurrency)
	case o.GmailQuota <= 0 || o.GmailUserQuota <= 0:
		return nil, nil, usagef("--gmail-quota %g, --gmail-user-quota %g: want more than 0", o.GmailQuota, o.GmailUserQuota)
	case o.GraphConcurrency < 1:
		return nil, nil, usagef("--graph-concurrency %d: want 1 or more", o.GraphConcurrency)
	}
	if o.Concurrency == 0 {
		o.Concurrency = ingest.DefaultConcurrency
	}
	return sources, sizes, nil
}

func runBenchIngest(ctx context.Context, env *Env, opts benchIngestOptions) error {
	sources, sizes, err := opts.check()
	if err != nil {
		return err
	}
	weeks := make([]dataset.Week, opts.Weeks)
	for i := range weeks {
		weeks[i] = benchIngestStart.Add(i)
	}
	fmt.Fprintf(env.Stdout, "overload bench ingest: %d week(s) from %s, latency %s, %d users at once, seed %d, %d CPUs%s\n",
		opts.Weeks, benchIngestStart, opts.Latency, opts.Concurrency, opts.Seed, runtime.NumCPU(), loadAverage())
	fmt.Fprintln(env.Stdout, benchHeader())
	for _, n := range sizes {
		org, err := synthetic.Generate(synthetic.Config{People: n, Weeks: opts.Weeks, Start: benchIngestStart, Seed: opts.Seed})
		if err != nil {
			return fmt.Errorf("bench ingest: %w", err)
		}
		for _, src := range sources {
			fmt.Fprintf(env.Stderr, "bench ingest: %s, %d people …\n", src, n)
			res, err := benchIngestOnce(ctx, opts, src, org, weeks)
			if err != nil {
				return err
			}
			fmt.Fprintln(env.Stdout, res.line())
		}
	}
	return nil
}

// A benchIngestResult is one line of the report.
type benchIngestResult struct {
	Source        string
	People, Users int
	Calls, Rows   int64
	Wall, API     time.Duration
	CPU, FakeCPU  time.Duration
	Idle          float64 // percent of the machine's CPU time; < 0 = unknown
	PeakRSS       int64
	Quota         string  // what the share is measured against
	Limit, Used   float64 // in the quota's unit
	Share         float64 // percent
	Bound         string
}

const benchRowFormat = "%-8s %6s %6s %7s %8s %7s %6s %6s %6s %5s %9s %7s  %-26s %8s %8s %6s  %s"

func benchHeader() string {
	return fmt.Sprintf(benchRowFormat, "source", "people", "users", "calls", "rows", "wall s", "api s", "cpu s", "fake s", "idle",
		"peak RSS", "calls/s", "quota", "limit", "used", "share", "bound by")
}

func (r benchIngestResult) line() string {
	callsPerSec := 0.0
	if r.API > 0 {
		callsPerSec = float64(r.Calls) / r.API.Seconds()
	}
	secs := func(d time.Duration) string {
		if d < time.Second { // small runs: 41 calls at 1 ms take 0.04 s
			return fmt.Sprintf("%.3f", d.Seconds())
		}
		return fmt.Sprintf("%.1f", d.Seconds())
	}
	num := func(v float64) string {
		if v >= 100 {
			return fmt.Sprintf("%.0f", v)
		}
		return fmt.Sprintf("%.1f", v)
	}
	idle := "-"
	if r.Idle >= 0 {
		idle = fmt.Sprintf("%.0f%%", r.Idle)
	}
	return fmt.Sprintf(benchRowFormat, r.Source, strconv.Itoa(r.People), strconv.Itoa(r.Users),
		strconv.FormatInt(r.Calls, 10), strconv.FormatInt(r.Rows, 10), secs(r.Wall), secs(r.API), secs(r.CPU),
		secs(r.FakeCPU), idle, mib(r.PeakRSS), num(callsPerSec), r.Quota, num(r.Limit), num(r.Used),
		fmt.Sprintf("%.1f%%", r.Share), r.Bound)
}

// benchIngestOnce serves org from source's fake, runs the ingest of weeks
// against it and measures the run.
func benchIngestOnce(ctx context.Context, opts benchIngestOptions, source string, org *synthetic.Org,
	weeks []dataset.Week) (res benchIngestResult, err error) {
	res.Source, res.People = source, len(org.People())
	dir := ""
	if opts.Keep != "" {
		dir = filepath.Join(opts.Keep, fmt.Sprintf("%s-%d", source, res.People))
		if err := os.RemoveAll(dir); err != nil {
			return res, fmt.Errorf("bench ingest: %w", err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return res, fmt.Errorf("bench ingest: %w", err)
		}
	} else {
		if dir, err = os.MkdirTemp("", "overload-bench-ingest-"); err != nil {
			return res, fmt.Errorf("bench ingest: %w", err)
		}
		defer os.RemoveAll(dir)
	}
	config := filepath.Join(dir, source+".yaml")
	data := filepath.Join(dir, "dataset")
	command, m, stop, err := startBenchFake(source, org, opts, config)
	if err != nil {
		return res, err
	}
	defer func() {
		if serr := stop(); serr != nil && err == nil {
			err = serr
		}
	}()

	cpu0, _ := selfStat()
	idle0, total0, idleOK := machineCPU()
	var progress bytes.Buffer
	st, out, err := runMeasured(ctx, &progress, "bench", "ingest", "child",
		"ingest", command, "--config", config, "--weeks", joinWeeks(weeks), "--out", data)
	if err != nil {
		return res, fmt.Errorf("%w\n%s", err, tail(progress.String(), 20))
	}
	if i := strings.LastIndex(out, peakRSSPrefix); i >= 0 {
		v, _, _ := strings.Cut(out[i+len(peakRSSPrefix):], "\n")
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			st.PeakRSS = n
		}
	}
	cpu1, _ := selfStat()
	idle1, total1, idleOK1 := machineCPU()
	res.Wall, res.CPU, res.PeakRSS, res.FakeCPU = st.Wall, st.CPU, st.PeakRSS, cpu1-cpu0
	res.Idle = -1
	if idleOK && idleOK1 && total1 > total0 {
		res.Idle = 100 * float64(idle1-idle0) / float64(total1-total0)
	}

	mst := m.stats()
	res.Calls, res.API = mst.Calls, mst.Last.Sub(mst.First)
	if res.Users, res.Rows, err = countDataset(ctx, data); err != nil {
		return res, fmt.Errorf("bench ingest: count rows: %w", err)
	}
	users := min(opts.Concurrency, res.People)
	if source == "google" {
		res.googleQuota(opts, mst, users)
	} else {
		res.graphQuota(opts, mst, users)
	}
	if res.Share < 90 && res.Idle >= 0 && res.Idle < 10 {
		res.Bound = "CPU"
	}
	return res, nil
}

// startBenchFake serves org from source's fake on a loopback port, behind
// an apiMeter, and writes the ingest config for it at config. It returns
// the `overload ingest` subcommand to run, the meter, and a function that
// stops the server.
func startBenchFake(source string, org *synthetic.Org, opts benchIngestOptions, config string) (
	command string, m *apiMeter, stop func() error, err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, nil, fmt.Errorf("bench ingest: listen: %w", err)
	}
	url := "http://" + ln.Addr().String()
	m = &apiMeter{}
	switch source {
	case "google":
		srv := googletest.New(org, googletest.Options{Latency: opts.Latency, Seed: uint64(opts.Seed), RequireAuth: true})
		srv.URL = url
		command, m.next, m.classify = "google", srv, googleCall
		err = writeBenchGoogleConfig(config, srv, org, opts)
	default:
		srv := graphtest.New(org, graphtest.Options{Latency: opts.Latency, Seed: uint64(opts.Seed), WindowsZones: true})
		srv.URL = url
		command, m.next, m.classify = "graph", srv, graphCall
		err = writeBenchGraphConfig(config, srv, org, opts)
	}
	if err != nil {
		ln.Close()
		return "", nil, nil, fmt.Errorf("bench ingest: %w", err)
	}
	hs := &http.Server{Handler: m, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	stop = func() error {
		hs.Close()
		if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("bench ingest: serve: %w", err)
		}
		return nil
	}
	return command, m, stop, nil
}

// googleQuota sets the share of the project's Gmail budget: units spent
// over what the pacer's token bucket could grant in the API time (its rate
// × api s plus its burst of one second's worth, as ingest.Pacer sets it).
func (r *benchIngestResult) googleQuota(opts benchIngestOptions, m meterStats, users int) {
	perSec := opts.GmailQuota / 60
	burst := max(gmailCallUnits, float64(int(perSec)))
	r.Quota, r.Limit = "gmail units/min, project", opts.GmailQuota
	if secs := r.API.Seconds(); secs > 0 {
		r.Used = float64(m.Units) / secs * 60
		r.Share = 100 * float64(m.Units) / (perSec*secs + burst)
	}
	// The Gmail units a minute each configured ceiling allows; the lowest
	// binds.
	type ceiling struct {
		name   string
		perMin float64
	}
	ceilings := []ceiling{
		{"quota", opts.GmailQuota},
		{fmt.Sprintf("per-user quota ×%d", users), float64(users) * opts.GmailUserQuota},
	}
	if opts.Latency > 0 {
		inFlight := float64(users * google.DefaultPerUserConcurrency)
		ceilings = append(ceilings, ceiling{"latency", inFlight * gmailCallUnits / opts.Latency.Minutes()})
	}
	low := ceilings[0]
	for _, c := range ceilings[1:] {
		if c.perMin < low.perMin {
			low = c
		}
	}
	r.Bound = low.name
}

// graphQuota sets the share of the app's concurrency limit: requests in
// flight on average over the API time.
func (r *benchIngestResult) graphQuota(opts benchIngestOptions, m meterStats, users int) {
	r.Quota, r.Limit = "requests in flight, app", float64(opts.GraphConcurrency)
	if secs := r.API.Seconds(); secs > 0 {
		r.Used = m.Busy.Seconds() / secs
		r.Share = 100 * r.Used / r.Limit
	}
	r.Bound = "quota"
	if users*graphRequestsPerUser < opts.GraphConcurrency {
		r.Bound = fmt.Sprintf("users at once (%d)", users)
	}
}

// graphRequestsPerUser is how many requests a user being read has in
// flight: its calendar, sent items and inbox are read at once, a page at
// a time each.
const graphRequestsPerUser = 3

// An apiMeter is an http.Handler that counts and times the API requests
// next answers, from their arrival to the first byte of the answer (when
// the client has its headers, as the Graph connector's concurrency limit
// counts a request).
type apiMeter struct {
	next     http.Handler
	classify func(*http.Request) (api bool, units int64)

	mu sync.Mutex
	st meterStats
}

// meterStats are what an apiMeter saw.
type meterStats struct {
	Calls, Units int64
	Busy         time.Duration // summed over requests, arrival to answer
	First, Last  time.Time     // first arrival, last answer
}

func (m *apiMeter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	api, units := m.classify(r)
	if !api {
		m.next.ServeHTTP(w, r)
		return
	}
	aw := &answerWriter{ResponseWriter: w}
	start := time.Now()
	m.next.ServeHTTP(aw, r)
	end := aw.at
	if end.IsZero() {
		end = time.Now()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.st.Calls == 0 || start.Before(m.st.First) {
		m.st.First = start
	}
	if end.After(m.st.Last) {
		m.st.Last = end
	}
	m.st.Calls++
	m.st.Units += units
	m.st.Busy += end.Sub(start)
}

func (m *apiMeter) stats() meterStats {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.st
}

// An answerWriter records when the answer started.
type answerWriter struct {
	http.ResponseWriter
	at time.Time
}

func (w *answerWriter) WriteHeader(code int) {
	if w.at.IsZero() {
		w.at = time.Now()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *answerWriter) Write(b []byte) (int, error) {
	if w.at.IsZero() {
		w.at = time.Now()
	}
	return w.ResponseWriter.Write(b)
}

// googleCall classifies a request to the Google fake: the token endpoint
// is not an API call; Gmail calls cost gmailCallUnits.
func googleCall(r *http.Request) (bool, int64) {
	switch p := r.URL.Path; {
	case p == "/token":
		return false, 0
	case strings.HasPrefix(p, "/gmail/"):
		return true, gmailCallUnits
	default:
		return true, 0
	}
}

// graphCall classifies a request to the Graph fake: every one is an API
// call.
func graphCall(*http.Request) (bool, int64) { return true, 0 }

// writeBenchGoogleConfig writes the ingest config for srv, as `overload
// fakeapi google` does, with the bench's quota and concurrency.
func writeBenchGoogleConfig(path string, srv *googletest.Server, org *synthetic.Org, opts benchIngestOptions) error {
	if err := writeFakeConfig(path, srv, org); err != nil {
		return err
	}
	var cfg ingestConfig
	if err := readStrictYAML(path, &cfg); err != nil {
		return err
	}
	cfg.Concurrency = opts.Concurrency
	cfg.Google.Quota.GmailPerMinute = opts.GmailQuota
	cfg.Google.Quota.GmailPerUserPerMinute = opts.GmailUserQuota
	cfg.Google.RequestTimeout = 0 // the default: the bench injects no hung requests
	return writeYAML(path, &cfg)
}

// writeBenchGraphConfig writes the ingest config for srv, as `overload
// fakeapi graph` does, with the bench's concurrency.
func writeBenchGraphConfig(path string, srv *graphtest.Server, org *synthetic.Org, opts benchIngestOptions) error {
	if err := writeGraphFakeConfig(path, srv, org); err != nil {
		return err
	}
	var cfg graphIngestConfig
	if err := readStrictYAML(path, &cfg); err != nil {
		return err
	}
	cfg.Concurrency = opts.Concurrency
	cfg.MSGraph.Concurrency = opts.GraphConcurrency
	return writeYAML(path, &cfg)
}

func writeYAML(path string, v any) error {
	b, err := yaml.Marshal(v)
	if err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	return nil
}

// countDataset returns the people rows of the dataset at root and its rows
// in all four tables.
func countDataset(ctx context.Context, root string) (people int, rows int64, err error) {
	ppl, err := dataset.ReadPeople(ctx, root)
	if err != nil {
		return 0, 0, err
	}
	rows = int64(len(ppl))
	// One column of each table, read only to count its rows.
	for table, col := range map[string]string{dataset.TableEvents: "event_id", dataset.TableAttendance: "event_id",
		dataset.TableMessages: "message_id"} {
		weeks, err := dataset.ListWeeks(root, table)
		if err != nil {
			return 0, 0, err
		}
		err = dataset.Scan(ctx, root, table, weeks, []string{col}, nil, nil, func(b *dataset.Batch) error {
			rows += int64(b.Len())
			return nil
		})
		if err != nil {
			return 0, 0, err
		}
	}
	return len(ppl), rows, nil
}

// machineCPU returns the machine's idle (with I/O wait) and total CPU
// time so far, in clock ticks, from the first line of /proc/stat (Linux).
func machineCPU() (idle, total uint64, ok bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, false
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, 0, false
	}
	// user nice system idle iowait irq softirq steal (guest time is in user).
	for i, s := range f[1:9] {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return 0, 0, false
		}
		total += v
		if i == 3 || i == 4 {
			idle += v
		}
	}
	return idle, total, true
}

// loadAverage returns ", load " and the one-minute load average where the
// system reports it (Linux), else "": a busy machine makes a slower bench.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	if f := strings.Fields(string(b)); len(f) > 0 {
		return ", load " + f[0]
	}
	return ""
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
