package analysis

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/overload-engine/overload/dataset"
)

// Run computes person_week rows for every internal person and every week in
// weeks (SPEC §8.7). With weeks empty it analyses DefaultWeeks(t). The tables
// must hold the partitions of each week and its neighbours (a local week
// reaches into them). Every row is checked against the invariants of SPEC §5
// and §8.13; a violation is returned as an error, since it is a bug.
func Run(ctx context.Context, t *dataset.Tables, weeks []dataset.Week, cfg Config) (*Result, error) {
	return RunShard(ctx, t, weeks, cfg, dataset.Shard{})
}

// RunShard is Run for the internal people of one shard only: it computes
// their rows from t and nothing else, so t may hold just the rows that
// concern them (their attendance and their managers', the events of that
// attendance, the messages they sent or received) and the people table.
// It does no I/O and can be called from any runner (a Kubernetes Indexed
// Job, a Beam DoFn) that splits people with dataset.ShardOf.
func RunShard(ctx context.Context, t *dataset.Tables, weeks []dataset.Week, cfg Config, shard dataset.Shard) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(weeks) == 0 {
		weeks = DefaultWeeks(t)
	}
	return runIndex(ctx, newShardIndex(t, shard, false), normWeeks(weeks), cfg)
}

// normWeeks returns weeks sorted, without repeats.
func normWeeks(weeks []dataset.Week) []dataset.Week {
	weeks = slices.Clone(weeks)
	slices.SortFunc(weeks, func(a, b dataset.Week) int { return strings.Compare(a.String(), b.String()) })
	return slices.Compact(weeks)
}

// runIndex computes the rows of ix's people for weeks (sorted) on all cores.
func runIndex(ctx context.Context, ix *index, weeks []dataset.Week, cfg Config) (*Result, error) {
	// Resolve every schedule first, so a bad person is reported before work.
	scheds := make([]*schedule, len(ix.people))
	var errs []error
	for i, pi := range ix.people {
		sc, err := newSchedule(&ix.all[pi], &cfg)
		if err != nil {
			errs = append(errs, err)
		}
		scheds[i] = sc
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("analyze: %w", errors.Join(errs...))
	}

	res := &Result{Weeks: weeks, Excluded: map[string]int{}}
	rows := make([]dataset.PersonWeek, len(ix.people)*len(weeks))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(ix.people)))
	var (
		mu         sync.Mutex
		violations []string
		next       int
		wg         sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			excluded := map[string]int{}
			var included, dropped int
			var bad []string
			ar := &arena{}
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(ix.people) || ctx.Err() != nil {
					break
				}
				for j, w := range weeks {
					pi := ix.people[i]
					ar.reset()
					c := &weekCalc{cfg: &cfg, ix: ix, p: &ix.all[pi], pi: pi, sc: scheds[i], excluded: excluded, ar: ar}
					row, tot := c.run(w)
					included += c.included
					dropped += c.dropped
					if v := checkInvariants(&cfg, &tot); v != "" {
						bad = append(bad, fmt.Sprintf("person %s week %s: %s", row.PersonID, w, v))
					}
					rows[j*len(ix.people)+i] = row
				}
			}
			mu.Lock()
			for k, v := range excluded {
				res.Excluded[k] += v
			}
			res.Included += included
			res.ReadsDropped += dropped
			violations = append(violations, bad...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(violations) > 0 {
		slices.Sort(violations)
		if len(violations) > 10 {
			violations = append(violations[:10], fmt.Sprintf("… and %d more", len(violations)-10))
		}
		return nil, fmt.Errorf("analyze: metric invariants violated (a bug in overload; please report it with the output of `overload explain`):\n  %s",
			strings.Join(violations, "\n  "))
	}
	res.Rows = rows
	return res, nil
}

// DefaultWeeks returns every UTC ISO week that holds an event start or a
// message's sent_at (SPEC §8.7), sorted.
func DefaultWeeks(t *dataset.Tables) []dataset.Week {
	set := map[dataset.Week]bool{}
	for i := range t.Events {
		set[dataset.WeekOf(t.Events[i].Start)] = true
	}
	for i := range t.Messages {
		set[dataset.WeekOf(t.Messages[i].SentAt)] = true
	}
	out := make([]dataset.Week, 0, len(set))
	for w := range set {
		out = append(out, w)
	}
	slices.SortFunc(out, func(a, b dataset.Week) int { return strings.Compare(a.String(), b.String()) })
	return out
}

// checkInvariants returns a description of the first invariant t breaks
// (SPEC §5, §8.13), or "". Totals are exact µs, so the checks are exact.
func checkInvariants(cfg *Config, t *totals) string {
	type check struct {
		ok   bool
		what string
	}
	maxKind := max(t.meeting, t.email, t.chat)
	upper := t.meeting + t.email + t.chat
	if cfg.CollaborationMode == CollabSum {
		maxKind = max(t.meeting, t.email)
		upper = t.meeting + t.email
	}
	checks := []check{
		{t.whCollab+t.ahCollab == t.collab, "Working + After ≠ Collaboration_hours"},
		{t.whMeeting+t.ahMeeting == t.meeting, "Working + After ≠ Meeting_hours"},
		{t.whEmail+t.ahEmail == t.email, "Working + After ≠ Email_hours"},
		{t.collab <= upper, "Collaboration_hours > Meeting + Email + Chat"},
		{t.collab >= maxKind, "Collaboration_hours < max(Meeting, Email, Chat)"},
		{t.available <= t.scheduled, "Available_to_focus_hours > Scheduled_working_hours"},
		{t.focus <= t.available, "Focus_hours > Available_to_focus_hours"},
		{t.uninterrupted <= t.available, "Uninterrupted_hours > Available_to_focus_hours"},
		{t.available+t.whMeeting == t.scheduled, "Available_to_focus + Working_hours_meeting ≠ Scheduled_working_hours"},
		{t.meeting <= t.span, "Meeting_hours > Collaboration_span"},
		{t.fragmented <= t.available, "Fragmented_hours > Available_to_focus_hours"},
		{t.multitask <= t.meeting, "Multitasking_hours > Meeting_hours"},
		{t.weekend <= t.collab, "Weekend_collaboration_hours > Collaboration_hours"},
		{t.conflicting >= 0, "Conflicting_meeting_hours < 0"},
	}
	for _, c := range checks {
		if !c.ok {
			return c.what
		}
	}
	return ""
}
