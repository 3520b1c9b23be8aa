package ingest

import (
	"context"
	"fmt"
	"hash/maphash"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"golang.org/x/sync/errgroup"

	"github.com/overload-engine/overload/dataset"
)

// DefaultConcurrency is how many users a Runner reads at once when
// Runner.Concurrency is 0.
const DefaultConcurrency = 16

// StateDir is the directory, under a dataset root, where a Runner keeps
// the per-user-and-week checkpoints of an unfinished run. Readers skip it
// (its name starts with "_").
const StateDir = "_ingest"

// Log attribute keys.
const (
	LogKeyPerson = "person_id"
	LogKeyError  = "error"
	LogKeyWeeks  = "weeks"
)

// A Runner copies the given weeks of a Source into a dataset.
//
// It reads every directory user (Concurrency at a time) and checkpoints
// each user-week as soon as it is read: a record of pseudonymized rows in
// a log under <Root>/_ingest/<ShardName>/ (see checkpoint.go), never an
// address or any content. A run that is stopped (killed, cancelled) and
// started again reads only the user-weeks without a checkpoint. Once every
// user is read, it deduplicates (one events row per event instance, from
// the organizer's copy when the organizer is a directory user, else from
// the first copy in directory order; one messages row per message, from
// the sender's copy when there is one, else the first copy), writes the
// tables as dataset shard ShardName (replacing what an earlier run of the
// same ShardName wrote in those partitions) and removes the checkpoints.
// It does that a week at a time, reading the week's checkpoints back twice
// (first to choose the copies, sorting a record per copy on disk beside
// the checkpoints when there are more than a buffer's 8 MiB, then to
// write them), so it holds the directory users, where each user-week's
// checkpoint is, a bit per copy of an event or message of the week and
// 64k rows at a time (flushRows: the dataset writer keeps them as sorted
// runs on disk and merges a week's runs into one file per partition, up
// to 8M rows), not the whole run.
// (Copies are therefore compared within a week: see write.)
//
// A user whose data cannot be read (after the Source's own retries) is
// skipped: listed in the Summary, left out of the people table, and read
// again by the next run. Only directory errors and cancellation are fatal.
//
// # Sharding
//
// With Shard set to i/N, the Runner reads only the directory users whose
// person id is in that shard (dataset.ShardOf, the function analysis
// shards by), writes only their people rows, and names its part files and
// checkpoint directory Name_sIIIofNNN (ShardName), so the N shards of one
// source can run on N machines at once, into one dataset directory or into
// separate ones that are copied together afterwards, without touching each
// other's files; running a shard again replaces that shard's files only.
// The N runs must use the same N and the same weeks (the people snapshot of
// every shard must land in the same partition, the latest one, which is the
// only one analysis reads).
//
// The union of the N shards analyses like one unsharded run, with these
// rules:
//   - attendance and people rows belong to one user, so to one shard;
//   - an event seen by users of several shards is written once by each of
//     them (their attendance rows need it in the same write). Analysis keeps
//     one events row per event_id and one attendance row per (person_id,
//     event_id) (analysis/index.go), so the duplicates count once. Which
//     copy it keeps is not defined, which matters only where calendars show
//     one event differently (an all-day event seen from calendars in
//     different time zones; a guest list the organizer hid from guests);
//   - a message is written by the sender's shard when the sender is a
//     directory user: other shards leave out their recipients' copies of it
//     (counted in Summary.OtherShardMessages), because only the sender's
//     copy shows Bcc, and analysis keeps one row per message_id without
//     preferring it. A message from an external sender is written, from
//     identical received copies, by every shard whose users received it, and
//     analysis counts it once. The cost: a message that is missing from its
//     internal sender's mailbox (deleted from Sent) but present in a
//     recipient's in another shard is not in a sharded dataset at all.
//
// Summary counts (events, messages, duplicate copies) are per shard; the
// sums over shards count shared events and external messages once per
// shard.
type Runner struct {
	Source      Source
	Name        string         // names the dataset shard and the state directory: letters, digits and _
	Root        string         // dataset root
	Weeks       []dataset.Week // weeks to ingest; the people snapshot goes to the last
	Concurrency int            // users read at once; 0 = DefaultConcurrency
	// Shard is the slice of the directory users to read; the zero value
	// (or 0/1) reads them all. See "Sharding" above.
	Shard  dataset.Shard
	Logger *slog.Logger // nil = discard
	// Progress, if set, is called after each user is read or resumed, one
	// call at a time, from the end of the directory's listing (users are
	// read as they are listed): its first call counts the users read or
	// resumed by then.
	Progress func(Progress)
	// Listing, if set, is called as the directory is listed, with the
	// number of its users listed so far (of every shard), one call at a
	// time: a large directory (and, for Graph, its mailboxes' settings)
	// takes minutes to list before the first user is read.
	Listing func(listed int)
	// Writing, if set, is called as the dataset is written from the
	// checkpoints once every user is read, one call at a time: after each
	// user of each step of each week, and as each week's runs are merged.
	Writing func(WriteProgress)
	// Restart discards the checkpoints of an earlier, unfinished run of
	// the same ShardName instead of resuming it.
	Restart bool
}

// ShardName returns the name of the run's part files
// (part-<ShardName>-<n>.parquet) and of its checkpoint directory under
// <Root>/_ingest/: Name, or Name + "_" + Shard.Name() (e.g. google_s003of016)
// when Shard is a proper slice of the users.
func (r *Runner) ShardName() string {
	if r.Shard.All() {
		return r.Name
	}
	return r.Name + "_" + r.Shard.Name()
}

// Progress is a Runner's progress through the directory.
type Progress struct {
	Users   int // directory users in the Runner's Shard
	Done    int // read or resumed so far
	Resumed int // users whose every week was checkpointed by an earlier run
	Skipped int
}

// WriteProgress is a Runner's progress through writing the dataset, a
// week at a time: each week's checkpoints are read twice, to choose each
// event's and message's copy and then to write the rows, and the week's
// runs are then merged into its files (see write).
type WriteProgress struct {
	Week         dataset.Week // the week being written
	Index, Weeks int          // its index among the run's weeks, from 0, and how many
	Step         string       // WriteChoosing, WriteRows or WriteMerging
	Done, Users  int          // the step's users done, of Users (0 of 0 while merging)
	Rows         int64        // rows written so far, in every week
}

// The steps of writing a week (WriteProgress.Step).
const (
	WriteChoosing = "choosing copies"
	WriteRows     = "writing rows"
	WriteMerging  = "merging runs"
)

// A Summary describes a finished run.
type Summary struct {
	Shard     dataset.Shard // the shard that ran (the zero value: all users)
	Directory int           // directory users, in every shard
	Users     int           // directory users in Shard (all of them when not sharded)
	Read      int           // users read in this run
	Resumed   int           // users taken from an earlier run's checkpoints
	Skipped   []SkippedUser
	// Rows written per table.
	People, Events, Attendance, Messages int
	// Copies seen on more than one calendar or mailbox and deduplicated.
	DuplicateEventCopies, DuplicateMessageCopies int
	// OtherShardMessages counts the messages of which this shard's users
	// hold only received copies while the sender is a directory user of
	// another shard: they are left to the sender's shard (see Runner).
	OtherShardMessages int
	Elapsed            time.Duration
}

// A SkippedUser is a user a run could not read: their person id and the
// error, with their address replaced by the person id.
type SkippedUser struct {
	PersonID string
	Reason   string
}

// checkpoint is one user-week on disk, as JSON. It is encoded with the
// encoding/json/v2 design (go-json-experiment/json), which read and wrote a
// user-week's checkpoint 2-3 times faster than encoding/json, with the
// options that keep encoding/json's output: nil slices as null, and
// invalid UTF-8 turned into U+FFFD rather than refused. So checkpoints an
// earlier version left read the same (TestCheckpointFormat).
type checkpoint struct {
	TimeZone string        `json:"time_zone"`
	Events   []EventCopy   `json:"events"`
	Messages []MessageCopy `json:"messages"`
}

// Run runs the ingest. It returns a Summary also when users were skipped.
func (r *Runner) Run(ctx context.Context) (*Summary, error) {
	began := time.Now()
	if r.Source == nil || r.Root == "" || len(r.Weeks) == 0 || !validName(r.Name) {
		return nil, fmt.Errorf("ingest: runner needs a source, a root, weeks and a name of letters, digits and _ (got %q)", r.Name)
	}
	if sh := r.Shard; sh.Count < 0 || sh.Count > dataset.MaxShards || (!sh.All() && (sh.Index < 0 || sh.Index >= sh.Count)) {
		return nil, fmt.Errorf("ingest %s: shard %d/%d: want 0 ≤ i < N ≤ %d", r.Name, sh.Index, sh.Count, dataset.MaxShards)
	}
	name := r.ShardName()
	log := r.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	weeks := slices.Clone(r.Weeks)
	slices.SortFunc(weeks, func(a, b dataset.Week) int { return a.Monday().Compare(b.Monday()) })
	weeks = slices.Compact(weeks)

	state := filepath.Join(r.Root, StateDir, name)
	if r.Restart {
		if err := os.RemoveAll(state); err != nil {
			return nil, fmt.Errorf("ingest %s: remove checkpoints: %w", name, err)
		}
	}
	ck, err := openCheckpoints(state, weeks, nil)
	if err != nil {
		return nil, fmt.Errorf("ingest %s: %w", name, err)
	}
	defer ck.close()
	for _, cut := range ck.cut {
		log.Warn("checkpoint log ends early; the user-weeks after this are read again", "log", cut)
	}
	sum := &Summary{Shard: r.Shard}

	// Users are read as the directory is listed: the listing (and, for
	// Graph, every mailbox's settings) takes as long as reading a share of
	// the users, and the API's capacity would otherwise idle at the switch
	// from one to the other. Progress waits for the listing's end, when
	// the number of users is known.
	var (
		mu        sync.Mutex // guards the rest
		prog      Progress
		listing   = true
		skipped   []bool              // per user added to ck
		others    = map[string]bool{} // person ids of the directory users of other shards
		directory int
	)
	report := func(resumed, skip bool) {
		mu.Lock()
		defer mu.Unlock()
		prog.Done++
		if resumed {
			prog.Resumed++
		}
		if skip {
			prog.Skipped++
		}
		if r.Progress != nil && !listing {
			r.Progress(prog)
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(cmpOrInt(r.Concurrency, DefaultConcurrency))
	read := func(i int, u User) {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			pending := ck.pending(i)
			if len(pending) == 0 {
				report(true, false)
				return nil
			}
			err := r.readUser(gctx, ck, i, pending)
			if err != nil && gctx.Err() != nil {
				return gctx.Err()
			}
			mu.Lock()
			if err != nil {
				skipped[i] = true
				reason := scrub(err.Error(), u.Email, u.Person.PersonID)
				sum.Skipped = append(sum.Skipped, SkippedUser{PersonID: u.Person.PersonID, Reason: reason})
				log.Warn("user skipped", LogKeyPerson, u.Person.PersonID, LogKeyError, reason)
			} else {
				sum.Read++
			}
			mu.Unlock()
			report(false, err != nil)
			return nil
		})
	}
	lerr := r.Source.Users(gctx, func(u User) error {
		mu.Lock()
		directory++
		n := directory
		mine := r.Shard.Contains(u.Person.PersonID)
		if mine {
			skipped = append(skipped, false)
			prog.Users++
		} else {
			others[u.Person.PersonID] = true
		}
		mu.Unlock()
		if r.Listing != nil {
			r.Listing(n)
		}
		if mine {
			read(ck.add(u), u)
		}
		return nil
	})
	// On a listing error the users being read still finish: their
	// checkpoints save the next run reading them again.
	if lerr == nil {
		mu.Lock()
		listing = false
		if r.Progress != nil && prog.Done > 0 {
			r.Progress(prog) // the users read while the directory was listed
		}
		mu.Unlock()
	}
	werr := g.Wait()
	if lerr != nil || werr != nil {
		// A run that read no one leaves no state behind (see
		// checkpoints.close); its directories go too if they are empty.
		ck.close()
		os.Remove(state)
		os.Remove(filepath.Join(r.Root, StateDir))
	}
	switch {
	case lerr != nil && (werr == nil || ctx.Err() == nil):
		return nil, fmt.Errorf("ingest %s: list users: %w", name, lerr)
	case werr != nil:
		return nil, fmt.Errorf("ingest %s: %w", name, werr)
	}
	sum.Directory, sum.Users = directory, prog.Users
	sum.Resumed = prog.Resumed
	slices.SortFunc(sum.Skipped, func(a, b SkippedUser) int { return strings.Compare(a.PersonID, b.PersonID) })

	if err := write(ctx, r.Root, ck, name, skipped, others, sum, r.Writing); err != nil {
		ck.close()
		return nil, fmt.Errorf("ingest %s: %w (what was read is kept in %s: run again to write the dataset from it)", name, err, state)
	}
	if err := ck.close(); err != nil {
		return nil, fmt.Errorf("ingest %s: checkpoints: %w", name, err)
	}
	if len(sum.Skipped) == 0 {
		if err := os.RemoveAll(state); err != nil {
			return nil, fmt.Errorf("ingest %s: remove checkpoints: %w", name, err)
		}
		os.Remove(filepath.Join(r.Root, StateDir)) // only if empty
	}
	sum.Elapsed = time.Since(began)
	return sum, nil
}

// readUser reads user i's pending weeks and checkpoints each of them.
func (r *Runner) readUser(ctx context.Context, ck *checkpoints, i int, pending []dataset.Week) error {
	u := ck.user(i).User
	start, end := pending[0].Monday(), pending[len(pending)-1].Monday().AddDate(0, 0, 7)
	byWeek := map[dataset.Week]*checkpoint{}
	for _, w := range pending {
		byWeek[w] = &checkpoint{}
	}
	// The calendar and the mailbox are read at once: a user's requests
	// then wait on the API side by side instead of one after the other,
	// and the requests of users parsing a page find another ready to go.
	// Each fn fills its own field of the checkpoints, and byWeek is only
	// read.
	var tz string
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		var err error
		tz, err = r.Source.Calendar(gctx, u, start, end, func(c EventCopy) error {
			if cp := byWeek[dataset.WeekOf(c.Event.Start)]; cp != nil {
				cp.Events = append(cp.Events, c)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("read calendar: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		err := r.Source.Mail(gctx, u, start, end, func(c MessageCopy) error {
			if cp := byWeek[dataset.WeekOf(c.Message.SentAt)]; cp != nil {
				cp.Messages = append(cp.Messages, c)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("read mail: %w", err)
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return err
	}
	for _, w := range pending {
		cp := byWeek[w]
		cp.TimeZone = tz
		if err := ck.put(i, w, cp); err != nil {
			return err
		}
	}
	return nil
}

// flushRows is how many rows write holds before it hands them to the
// dataset writer, which sorts them and keeps them as runs that it merges
// into the partitions' files at the end (dataset.WriteOptions.Merge): the
// files are as large as if every row were written at once, which the
// analysis reads fastest (on the 100k-person week, files of 64k- or
// 256k-row pieces made analyze ~25% slower), while write holds one piece.
var flushRows = 1 << 16

// A copyKey identifies an event or message id by two seeded 64-bit hashes
// (a collision among a run's ids has odds of about n²/2¹²⁹).
type copyKey [2]uint64

// write reads every checkpoint of the run twice and writes the
// deduplicated tables as dataset shard name, a week at a time, holding at
// most about flushRows rows, a bit per copy of an event or message of the
// week and a buffer of copy records (see copySorter, which sorts them on
// disk when there are more): the first pass chooses each id's copy (one
// events row per event, from the organizer's copy when there is one, else
// from the first copy in directory order; one messages row per message,
// from the sender's copy when there is one, else the first), the second
// writes those copies and every attendance row, flushRows at a time, as
// sorted runs that the dataset writer merges into the partitions' files
// once the week is written (so one partition is one file again). Received
// copies of messages whose sender is in others (directory users of other
// shards) are left out: the sender's shard writes the message.
//
// Copies are compared within their week (the week of the event's start or
// the message's sent_at in each calendar or mailbox). A message's copies
// share sent_at; an event's copies can start in different weeks only when
// calendars disagree on its start (an all-day event seen from time zones
// on either side of midnight at a week's edge), and such an event is
// written once in each week, which analysis counts once (it keeps one
// events row per event_id and one attendance row per person and event).
func write(ctx context.Context, root string, ck *checkpoints, name string, skipped []bool, others map[string]bool, sum *Summary, progress func(WriteProgress)) error {
	users, weeks := ck.list(), ck.weeks
	w, err := dataset.NewWriter(root, dataset.WriteOptions{Shard: name, SnapshotWeek: weeks[len(weeks)-1], Merge: true})
	if err != nil {
		return err
	}
	os.RemoveAll(filepath.Join(ck.dir, chooseDir)) // run files of a write that was killed
	tz := make([]string, len(users))               // each user's time zone from the latest week that has one
	wp := &writeProgress{fn: progress, p: WriteProgress{Weeks: len(weeks)}}
	for _, sk := range skipped {
		if !sk {
			wp.p.Users++
		}
	}
	for wi := range weeks {
		wp.p.Week, wp.p.Index = weeks[wi], wi
		err := writeWeek(ctx, w, ck, skipped, others, wi, tz, sum, wp)
		if err == nil {
			wp.report(WriteMerging, 0)
			err = w.MergeRuns(ctx)
		}
		if err != nil {
			w.Discard()
			return err
		}
	}
	var people []dataset.Person
	for i, u := range users {
		if skipped[i] {
			continue
		}
		p := u.Person
		if tz[i] != "" {
			p.TimeZone = tz[i]
		}
		people = append(people, p)
	}
	sum.People = len(people)
	return w.Close(ctx, people)
}

// writeProgress reports a write's progress to fn, if set.
type writeProgress struct {
	fn func(WriteProgress)
	p  WriteProgress
}

// report reports step with done users done (of none while merging).
func (wp *writeProgress) report(step string, done int) {
	if wp.fn == nil {
		return
	}
	p := wp.p
	p.Step, p.Done = step, done
	if step == WriteMerging {
		p.Users = 0
	}
	wp.fn(p)
}

// writeWeek is write for one week's checkpoints.
func writeWeek(ctx context.Context, w *dataset.Writer, ck *checkpoints, skipped []bool, others map[string]bool, week int, tz []string, sum *Summary, wp *writeProgress) error {
	seeds := [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}
	key := func(id string) copyKey {
		return copyKey{maphash.String(seeds[0], id), maphash.String(seeds[1], id)}
	}
	dir := filepath.Join(ck.dir, chooseDir)
	evSort, msgSort := &copySorter{dir: dir}, &copySorter{dir: dir}
	defer evSort.close()
	defer msgSort.close()
	var evCopy, msgCopy int64
	done := 0
	err := eachUser(ctx, ck, skipped, week, func(i int, cp *checkpointIDs) error {
		if cp.TimeZone != "" {
			tz[i] = cp.TimeZone
		}
		for _, c := range cp.Events {
			r := newCopyRecord(key(c.Event.EventID), evCopy, c.Attendance.Response == dataset.ResponseOrganizer, c.Event.Start.UnixNano())
			if err := evSort.add(r); err != nil {
				return err
			}
			evCopy++
			sum.Attendance++
		}
		for _, c := range cp.Messages {
			var left int64
			if !c.Sent && others[c.Message.SenderID] {
				left = 1
			}
			if err := msgSort.add(newCopyRecord(key(c.Message.MessageID), msgCopy, c.Sent, left)); err != nil {
				return err
			}
			msgCopy++
		}
		done++
		wp.report(WriteChoosing, done)
		return nil
	})
	if err != nil {
		return err
	}

	// The winning copies, a bit per copy, and the start of the winner for
	// each copy whose own start differs (calendars that disagree).
	evWin, msgWin := newCopySet(evCopy), newCopySet(msgCopy)
	winStart := map[int64]int64{}
	err = evSort.each(func(g []copyRecord) error {
		evWin.add(g[0].copy())
		sum.Events++
		sum.DuplicateEventCopies += len(g) - 1
		for _, r := range g[1:] {
			if r.val != g[0].val {
				winStart[r.copy()] = g[0].val
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = msgSort.each(func(g []copyRecord) error {
		n, left := 0, false
		for _, r := range g {
			if r.val == 1 { // left to the sender's shard
				left = true
				continue
			}
			if n == 0 {
				msgWin.add(r.copy())
			}
			n++
		}
		if left {
			sum.OtherShardMessages++
		}
		if n > 0 {
			sum.Messages++
			sum.DuplicateMessageCopies += n - 1
		}
		return nil
	})
	if err != nil {
		return err
	}

	var piece dataset.Tables
	starts := map[string]time.Time{} // the events' starts of the piece's attendance rows
	flush := func() error {
		err := w.Write(ctx, &piece, func(id string) (time.Time, bool) {
			s, ok := starts[id]
			return s, ok
		})
		piece = dataset.Tables{}
		clear(starts)
		return err
	}
	evCopy, msgCopy, done = 0, 0, 0
	err = eachUser(ctx, ck, skipped, week, func(i int, cp *checkpoint) error {
		before := len(piece.Events) + len(piece.Attendance) + len(piece.Messages)
		for _, c := range cp.Events {
			if evWin.has(evCopy) {
				piece.Events = append(piece.Events, c.Event)
			}
			start := c.Event.Start
			if s, ok := winStart[evCopy]; ok {
				start = time.Unix(0, s).UTC()
			}
			starts[c.Event.EventID] = start
			evCopy++
			piece.Attendance = append(piece.Attendance, c.Attendance)
		}
		for _, c := range cp.Messages {
			if msgWin.has(msgCopy) {
				piece.Messages = append(piece.Messages, c.Message)
			}
			msgCopy++
		}
		n := len(piece.Events) + len(piece.Attendance) + len(piece.Messages)
		wp.p.Rows += int64(n - before)
		done++
		wp.report(WriteRows, done)
		if n >= flushRows {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// chooseDir, in the state directory, holds the run files of write's
// first pass (see copySorter).
const chooseDir = "choose"

// A copySet is a set of copies by their position in the run's order: a
// bit each.
type copySet []uint64

func newCopySet(n int64) copySet   { return make(copySet, (n+63)/64) }
func (s copySet) add(i int64)      { s[i/64] |= 1 << (i % 64) }
func (s copySet) has(i int64) bool { return i/64 < int64(len(s)) && s[i/64]&(1<<(i%64)) != 0 }

// eachUser calls fn with the checkpoint of the week at index week of every
// user that was not skipped, in directory order, decoded into a T: a
// checkpoint or a struct of some of its members (checkpointIDs).
func eachUser[T any](ctx context.Context, ck *checkpoints, skipped []bool, week int, fn func(i int, cp *T) error) error {
	for i := range len(skipped) {
		if skipped[i] {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		var cp T
		if err := ck.decode(week, i, &cp); err != nil {
			return err
		}
		if err := fn(i, &cp); err != nil {
			return err
		}
	}
	return nil
}

// checkpointIDs is the part of a checkpoint that write's first pass reads
// to choose each event's and message's copy: decoding only these members
// skips the rows' other strings and every recipient list.
type checkpointIDs struct {
	TimeZone string `json:"time_zone"`
	Events   []struct {
		Event struct {
			EventID string
			Start   time.Time
		}
		Attendance struct{ Response string }
	} `json:"events"`
	Messages []struct {
		Message struct{ MessageID, SenderID string }
		Sent    bool
	} `json:"messages"`
}

// checkpointOptions are the JSON options of a checkpoint (see checkpoint).
var checkpointOptions = json.JoinOptions(json.FormatNilSliceAsNull(true), jsontext.AllowInvalidUTF8(true))

// readCheckpointInto decodes the checkpoint file of an earlier version at
// path into v (see checkpoints.decode).
func readCheckpointInto(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read checkpoint: %w", err)
	}
	if err := json.Unmarshal(b, v, checkpointOptions); err != nil {
		return fmt.Errorf("read checkpoint %s: %w", path, err)
	}
	return nil
}

// scrub replaces every form of email in msg with personID.
func scrub(msg, email, personID string) string {
	if email == "" {
		return msg
	}
	for _, form := range []string{url.PathEscape(email), url.QueryEscape(email), email} {
		msg = strings.ReplaceAll(msg, form, personID)
	}
	return msg
}

func validName(s string) bool {
	return s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == ""
}

func cmpOrInt(n, def int) int {
	if n > 0 {
		return n
	}
	return def
}
