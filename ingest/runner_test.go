package ingest_test

import (
	"cmp"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

// genOrg generates a synthetic organisation of people over weeks from
// 2026-W10.
func genOrg(t testing.TB, people, weeks int, seed int64) *synthetic.Org {
	t.Helper()
	org, err := synthetic.Generate(synthetic.Config{People: people, Weeks: weeks, Start: dataset.Week{Year: 2026, Num: 10}, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return org
}

// orgSource is an ingest.Source over a synthetic organisation's raw views,
// mapped with the generator's own functions: a Runner over it must write
// exactly org.Tables.
type orgSource struct {
	org  *synthetic.Org
	ps   *ingest.Pseudonymizer
	fail map[string]bool // addresses whose calendar fails
}

func (s *orgSource) Users(ctx context.Context, fn func(ingest.User) error) error {
	for _, u := range s.org.People() {
		if err := fn(ingest.User{Email: u.Email, Person: synthetic.PersonFromUser(s.ps, u, s.org.Domain)}); err != nil {
			return err
		}
	}
	return nil
}

func (s *orgSource) Calendar(ctx context.Context, u ingest.User, start, end time.Time, fn func(ingest.EventCopy) error) (string, error) {
	if s.fail[u.Email] {
		return "", errors.New("calendar of " + u.Email + ": forbidden")
	}
	su, _ := s.org.User(u.Email)
	for _, e := range s.org.Calendar(u.Email) {
		ev, err := synthetic.EventFromEntry(s.ps, e, su.Location())
		if err != nil {
			return "", err
		}
		if ev.Start.Before(start) || !ev.Start.Before(end) {
			continue
		}
		if err := fn(ingest.EventCopy{Event: ev, Attendance: synthetic.AttendanceFromEntry(s.ps, u.Email, e, ev.EventID)}); err != nil {
			return "", err
		}
	}
	return su.TimeZone, nil
}

func (s *orgSource) Mail(ctx context.Context, u ingest.User, start, end time.Time, fn func(ingest.MessageCopy) error) error {
	for _, e := range s.org.Mailbox(u.Email) {
		m, err := synthetic.MessageFromEntry(s.ps, e)
		if err != nil {
			return err
		}
		if m.SentAt.Before(start) || !m.SentAt.Before(end) {
			continue
		}
		if err := fn(ingest.MessageCopy{Message: m, Sent: slices.Contains(e.Labels, synthetic.LabelSent)}); err != nil {
			return err
		}
	}
	return nil
}

func sortTables(t *dataset.Tables) {
	slices.SortFunc(t.People, func(a, b dataset.Person) int { return cmp.Compare(a.PersonID, b.PersonID) })
	slices.SortFunc(t.Events, func(a, b dataset.Event) int { return cmp.Compare(a.EventID, b.EventID) })
	slices.SortFunc(t.Attendance, func(a, b dataset.Attendance) int {
		return cmp.Or(cmp.Compare(a.EventID, b.EventID), cmp.Compare(a.PersonID, b.PersonID))
	})
	slices.SortFunc(t.Messages, func(a, b dataset.Message) int { return cmp.Compare(a.MessageID, b.MessageID) })
}

func TestRunner_writesOrgTables(t *testing.T) {
	ctx := context.Background()
	org := genOrg(t, 30, 2, 4)
	ps := newP(t, []byte(synthetic.DefaultKey))
	src := &orgSource{org: org, ps: ps, fail: map[string]bool{org.People()[2].Email: true}}
	weeks := []dataset.Week{org.Weeks[0].Add(-1), org.Weeks[0], org.Weeks[1], org.Weeks[1].Add(1)}
	root := t.TempDir()
	var calls []ingest.Progress
	var listed []int // the Listing calls, with the progress calls before each
	var writes []ingest.WriteProgress
	r := &ingest.Runner{Source: src, Name: "org", Root: root, Weeks: weeks, Concurrency: 3,
		Progress: func(p ingest.Progress) { calls = append(calls, p) },
		Listing:  func(n int) { listed = append(listed, n, len(calls)) },
		Writing:  func(p ingest.WriteProgress) { writes = append(writes, p) }}

	// First run: one user's calendar fails. They are skipped, named by
	// person id only, and the checkpoints stay for the next run.
	sum, err := r.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	badID := ps.PersonID(org.People()[2].Email)
	if len(sum.Skipped) != 1 || sum.Skipped[0].PersonID != badID || sum.Skipped[0].Reason != "read calendar: calendar of "+badID+": forbidden" {
		t.Errorf("Skipped = %+v, want %s with its address replaced", sum.Skipped, badID)
	}
	// Users are read as they are listed; progress starts once the
	// directory is listed (with the users read by then), and then goes
	// one user at a time.
	if n := len(calls); n == 0 || n > 30 || calls[n-1].Done != 30 || calls[n-1].Skipped != 1 {
		t.Fatalf("progress calls %v: want 1 to 30, the last with 30 done, 1 skipped", calls)
	}
	for i, c := range calls {
		if c.Users != 30 || i > 0 && c.Done != calls[i-1].Done+1 {
			t.Errorf("progress call %d of %v: want 30 users in each, one more done than in the call before", i, calls)
		}
	}
	var wantListed []int
	for n := 1; n <= 30; n++ {
		wantListed = append(wantListed, n, 0)
	}
	if !slices.Equal(listed, wantListed) {
		t.Errorf("Listing calls (count, progress calls before it) %v, want 1 to 30 before any progress", listed)
	}
	if _, err := os.Stat(filepath.Join(root, ingest.StateDir, "org")); err != nil {
		t.Errorf("checkpoints removed although a user was skipped: %v", err)
	}

	// Second run: the user reads; the rest comes from the checkpoints.
	delete(src.fail, org.People()[2].Email)
	writes = nil
	sum, err = r.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Read != 1 || sum.Resumed != 29 || len(sum.Skipped) != 0 {
		t.Errorf("second run read %d, resumed %d, skipped %d: want 1, 29, 0", sum.Read, sum.Resumed, len(sum.Skipped))
	}
	// The write reports each week's two passes user by user, then its
	// merge, and counts every row it writes.
	var wantWrites []ingest.WriteProgress
	for i, w := range weeks {
		for _, step := range []string{ingest.WriteChoosing, ingest.WriteRows} {
			for n := 1; n <= 30; n++ {
				wantWrites = append(wantWrites, ingest.WriteProgress{Week: w, Index: i, Weeks: 4, Step: step, Done: n, Users: 30})
			}
		}
		wantWrites = append(wantWrites, ingest.WriteProgress{Week: w, Index: i, Weeks: 4, Step: ingest.WriteMerging})
	}
	var rows []int64
	for i := range writes {
		rows = append(rows, writes[i].Rows)
		writes[i].Rows = 0
	}
	if d := gocmp.Diff(wantWrites, writes); d != "" {
		t.Errorf("Writing calls (rows aside) differ (-want +got):\n%s", d)
	}
	if !slices.IsSorted(rows) || len(rows) == 0 || rows[len(rows)-1] != int64(sum.Events+sum.Attendance+sum.Messages) {
		t.Errorf("rows written as reported: %v, want counting up to %d", rows, sum.Events+sum.Attendance+sum.Messages)
	}
	got, err := dataset.ReadTables(ctx, root, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := org.Tables(ps)
	sortTables(got)
	sortTables(want)
	for i := range got.Messages {
		if len(got.Messages[i].RecipientIDs) == 0 {
			got.Messages[i].RecipientIDs = nil
		}
	}
	if d := gocmp.Diff(want, got); d != "" {
		t.Errorf("dataset differs from org.Tables (-want +got):\n%s", d)
	}
	if sum.DuplicateEventCopies == 0 || sum.DuplicateMessageCopies == 0 {
		t.Errorf("summary %+v: want duplicate copies counted", sum)
	}
	if _, err := os.Stat(filepath.Join(root, ingest.StateDir)); !os.IsNotExist(err) {
		t.Errorf("checkpoints left after a complete run: %v", err)
	}

	// Written in pieces of 50 rows, the dataset is the same, one file a
	// partition (the writer merges the pieces' runs), and no run is left;
	// run again, the files are replaced, not added to.
	// The copies are chosen through run files of 7 records, merged: the
	// same rows and counts.
	pieces := t.TempDir()
	restore, restoreSort := ingest.SetFlushRows(50), ingest.SetSortRecords(7)
	r2 := &ingest.Runner{Source: src, Name: "org", Root: pieces, Weeks: weeks, Concurrency: 3}
	sum2, err := r2.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	restore()
	restoreSort()
	counts := func(s *ingest.Summary) [6]int {
		return [6]int{s.Events, s.Attendance, s.Messages, s.DuplicateEventCopies, s.DuplicateMessageCopies, s.OtherShardMessages}
	}
	if counts(sum2) != counts(sum) {
		t.Errorf("counts with run files %v, want %v as in memory", counts(sum2), counts(sum))
	}
	files, _ := filepath.Glob(filepath.Join(pieces, dataset.TableMessages, "week=*", "part-org-*.parquet"))
	n := len(files)
	for i := range 2 {
		got, err := dataset.ReadTables(ctx, pieces, nil)
		if err != nil {
			t.Fatal(err)
		}
		sortTables(got)
		for i := range got.Messages {
			if len(got.Messages[i].RecipientIDs) == 0 {
				got.Messages[i].RecipientIDs = nil
			}
		}
		if d := gocmp.Diff(want, got); d != "" {
			t.Errorf("run %d: dataset written in pieces differs from org.Tables (-want +got):\n%s", i+1, d)
		}
		if i == 0 {
			if _, err := r2.Run(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	files, _ = filepath.Glob(filepath.Join(pieces, dataset.TableMessages, "week=*", "part-org-*.parquet"))
	if weekDirs, _ := filepath.Glob(filepath.Join(pieces, dataset.TableMessages, "week=*")); n != len(weekDirs) || len(files) != len(weekDirs) {
		t.Errorf("messages files: %d, then %d after the second run, over %d weeks: want one a week", n, len(files), len(weekDirs))
	}
	if left, _ := filepath.Glob(filepath.Join(pieces, ".*")); len(left) != 0 {
		t.Errorf("left in the dataset: %v", left)
	}

	// Restart ignores an interrupted run's checkpoints.
	src.fail[org.People()[2].Email] = true
	if _, err := r.Run(ctx); err != nil {
		t.Fatal(err)
	}
	delete(src.fail, org.People()[2].Email)
	r.Restart = true
	if sum, err = r.Run(ctx); err != nil || sum.Read != 30 || sum.Resumed != 0 {
		t.Errorf("restarted run read %d, resumed %d, err %v: want 30, 0, nil", sum.Read, sum.Resumed, err)
	}
}

func TestRunner_cancelled(t *testing.T) {
	org := genOrg(t, 10, 1, 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := &ingest.Runner{Source: &orgSource{org: org, ps: newP(t, testKey)}, Name: "org", Root: t.TempDir(), Weeks: org.Weeks}
	if _, err := r.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Run on a cancelled context = %v, want context.Canceled", err)
	}
	for _, bad := range []*ingest.Runner{{}, {Source: r.Source, Root: "x", Weeks: org.Weeks, Name: "no-dash"}} {
		if _, err := bad.Run(context.Background()); err == nil {
			t.Errorf("Run(%+v) = nil error, want one", bad)
		}
	}
}

// weekEdgeSource has two users whose calendars disagree on an all-day
// event's start across a week's edge, and a message both mailboxes hold.
type weekEdgeSource struct{ a, b ingest.User }

func (s *weekEdgeSource) Users(ctx context.Context, fn func(ingest.User) error) error {
	if err := fn(s.a); err != nil {
		return err
	}
	return fn(s.b)
}

func (s *weekEdgeSource) Calendar(ctx context.Context, u ingest.User, start, end time.Time, fn func(ingest.EventCopy) error) (string, error) {
	at := time.Date(2026, 3, 8, 23, 0, 0, 0, time.UTC) // Sunday of 2026-W10
	if u.Email == s.b.Email {
		at = time.Date(2026, 3, 9, 1, 0, 0, 0, time.UTC) // Monday of 2026-W11
	}
	if at.Before(start) || !at.Before(end) {
		return "UTC", nil
	}
	ev := dataset.Event{EventID: "edge", Start: at, End: at.Add(24 * time.Hour), IsAllDay: true, OrganizerID: "ext",
		Invitees: 3, AttendeesNotDeclined: 3, Kind: dataset.KindMeeting, Source: "test"}
	return "UTC", fn(ingest.EventCopy{Event: ev, Attendance: dataset.Attendance{PersonID: u.Person.PersonID, EventID: "edge",
		Response: dataset.ResponseAccepted, ShowAs: dataset.ShowAsBusy}})
}

func (s *weekEdgeSource) Mail(ctx context.Context, u ingest.User, start, end time.Time, fn func(ingest.MessageCopy) error) error {
	at := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	if at.Before(start) || !at.Before(end) {
		return nil
	}
	m := dataset.Message{MessageID: "m1", Channel: dataset.ChannelEmail, SenderID: "ext", SentAt: at,
		RecipientIDs: []string{s.a.Person.PersonID, s.b.Person.PersonID}, NTo: 2, Source: "test"}
	return fn(ingest.MessageCopy{Message: m})
}

// The runner compares copies within a week: an event whose calendars put
// it in two weeks is written in each (analysis keeps one row per
// event_id), while copies in one week are written once.
func TestRunner_eventAcrossWeeks(t *testing.T) {
	ctx := context.Background()
	person := func(id string) dataset.Person {
		return dataset.Person{PersonID: id, Domain: "example.com", IsInternal: true, TimeZone: "UTC", Source: "test"}
	}
	src := &weekEdgeSource{a: ingest.User{Email: "a@example.com", Person: person("pa")}, b: ingest.User{Email: "b@example.com", Person: person("pb")}}
	root := t.TempDir()
	weeks := []dataset.Week{{Year: 2026, Num: 10}, {Year: 2026, Num: 11}}
	sum, err := (&ingest.Runner{Source: src, Name: "edge", Root: root, Weeks: weeks}).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := dataset.ReadTables(ctx, root, nil)
	if err != nil {
		t.Fatal(err)
	}
	var starts []string
	for _, e := range got.Events {
		starts = append(starts, dataset.WeekOf(e.Start).String())
	}
	if len(got.Events) != 2 || starts[0] == starts[1] || len(got.Attendance) != 2 || len(got.Messages) != 1 {
		t.Errorf("events in weeks %v, %d attendance rows, %d messages: want the event once in each week, 2 rows, 1 message", starts, len(got.Attendance), len(got.Messages))
	}
	if sum.Events != 2 || sum.DuplicateEventCopies != 0 || sum.Messages != 1 || sum.DuplicateMessageCopies != 1 {
		t.Errorf("summary %+v: want 2 events without duplicates, 1 message with 1 duplicate copy", sum)
	}
}

// mailFirst is an orgSource whose calendars are read only once their
// user's mailbox is being read (or 3 s have passed, an error).
type mailFirst struct {
	*orgSource
	mu      sync.Mutex
	reading map[string]chan struct{} // address → closed when its Mail starts
}

func (s *mailFirst) started(email string) chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.reading[email]
	if ch == nil {
		ch = make(chan struct{})
		s.reading[email] = ch
	}
	return ch
}

func (s *mailFirst) Calendar(ctx context.Context, u ingest.User, start, end time.Time, fn func(ingest.EventCopy) error) (string, error) {
	select {
	case <-s.started(u.Email):
	case <-time.After(3 * time.Second):
		return "", errors.New("the mailbox was not being read")
	}
	return s.orgSource.Calendar(ctx, u, start, end, fn)
}

func (s *mailFirst) Mail(ctx context.Context, u ingest.User, start, end time.Time, fn func(ingest.MessageCopy) error) error {
	close(s.started(u.Email))
	return s.orgSource.Mail(ctx, u, start, end, fn)
}

// A user's calendar and mailbox are read at once, and the dataset is the
// same as ever.
func TestRunner_calendarAndMailAtOnce(t *testing.T) {
	ctx := context.Background()
	org := genOrg(t, 12, 1, 3)
	ps := newP(t, testKey)
	src := &mailFirst{orgSource: &orgSource{org: org, ps: ps}, reading: map[string]chan struct{}{}}
	root := t.TempDir()
	sum, err := (&ingest.Runner{Source: src, Name: "org", Root: root, Weeks: org.Weeks, Concurrency: 2}).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Read != 12 || len(sum.Skipped) != 0 {
		t.Fatalf("read %d, skipped %+v: want all 12 read (calendar and mail at once)", sum.Read, sum.Skipped)
	}
	plain := t.TempDir()
	if _, err := (&ingest.Runner{Source: &orgSource{org: org, ps: ps}, Name: "org", Root: plain, Weeks: org.Weeks}).Run(ctx); err != nil {
		t.Fatal(err)
	}
	got, want := readTables(t, root), readTables(t, plain)
	if len(got.Messages) == 0 || !reflect.DeepEqual(got, want) {
		t.Errorf("dataset differs from a plain run's: %d/%d events, %d/%d attendance, %d/%d messages",
			len(got.Events), len(want.Events), len(got.Attendance), len(want.Attendance), len(got.Messages), len(want.Messages))
	}
}

// slowListing is an orgSource whose listing waits, after its first user,
// until that user's calendar is being read (or 3 s have passed).
type slowListing struct {
	*orgSource
	reading  chan struct{} // closed by the first calendar read
	once     sync.Once
	released atomic.Bool // the wait ended because a calendar was read
}

func (s *slowListing) Users(ctx context.Context, fn func(ingest.User) error) error {
	n := 0
	return s.orgSource.Users(ctx, func(u ingest.User) error {
		if n++; n == 2 {
			select {
			case <-s.reading:
				s.released.Store(true)
			case <-time.After(3 * time.Second):
			}
		}
		return fn(u)
	})
}

func (s *slowListing) Calendar(ctx context.Context, u ingest.User, start, end time.Time, fn func(ingest.EventCopy) error) (string, error) {
	s.once.Do(func() { close(s.reading) })
	return s.orgSource.Calendar(ctx, u, start, end, fn)
}

// Users are read as the directory is listed, not once it is all listed;
// the dataset is the same.
func TestRunner_readsWhileListing(t *testing.T) {
	ctx := context.Background()
	org := genOrg(t, 12, 1, 2)
	ps := newP(t, []byte(synthetic.DefaultKey))
	src := &slowListing{orgSource: &orgSource{org: org, ps: ps}, reading: make(chan struct{})}
	root := t.TempDir()
	var calls []ingest.Progress
	r := &ingest.Runner{Source: src, Name: "org", Root: root, Weeks: org.Weeks, Concurrency: 4,
		Progress: func(p ingest.Progress) { calls = append(calls, p) }}
	sum, err := r.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !src.released.Load() {
		t.Error("the first user was not read while the directory was listed")
	}
	if sum.Users != 12 || sum.Read != 12 || len(calls) == 0 || calls[len(calls)-1] != (ingest.Progress{Users: 12, Done: 12}) {
		t.Errorf("summary %+v, progress %v: want 12 users read, the last progress 12 of 12", sum, calls)
	}
	got, err := dataset.ReadTables(ctx, root, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := org.Tables(ps)
	if len(got.Events) != len(want.Events) || len(got.Attendance) != len(want.Attendance) || len(got.Messages) != len(want.Messages) {
		t.Errorf("tables: %d events, %d attendance, %d messages; want %d, %d, %d",
			len(got.Events), len(got.Attendance), len(got.Messages), len(want.Events), len(want.Attendance), len(want.Messages))
	}
}

// failingListing lists its organisation's first after users, then fails.
type failingListing struct {
	*orgSource
	after int
}

var errListing = errors.New("directory: 503")

func (s *failingListing) Users(ctx context.Context, fn func(ingest.User) error) error {
	n := 0
	err := s.orgSource.Users(ctx, func(u ingest.User) error {
		if n++; n > s.after {
			return errListing
		}
		return fn(u)
	})
	return err
}

// A listing that fails fails the run; the users read before it are
// checkpointed for the next run, and a run that read no one leaves no
// state behind.
func TestRunner_listingFails(t *testing.T) {
	ctx := context.Background()
	org := genOrg(t, 12, 1, 2)
	ps := newP(t, []byte(synthetic.DefaultKey))
	root := t.TempDir()
	run := func(after int) (*ingest.Summary, error) {
		src := &failingListing{orgSource: &orgSource{org: org, ps: ps}, after: after}
		return (&ingest.Runner{Source: src, Name: "org", Root: root, Weeks: org.Weeks, Concurrency: 2}).Run(ctx)
	}
	if _, err := run(0); !errors.Is(err, errListing) {
		t.Fatalf("run = %v, want the listing's error", err)
	}
	if _, err := os.Stat(filepath.Join(root, ingest.StateDir)); !os.IsNotExist(err) {
		t.Errorf("a run that read no one left %s behind (%v)", ingest.StateDir, err)
	}
	if _, err := run(5); !errors.Is(err, errListing) {
		t.Fatalf("run = %v, want the listing's error", err)
	}
	sum, err := run(12)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Resumed != 5 || sum.Read != 7 {
		t.Errorf("after a listing failed at the sixth user: %d resumed, %d read; want 5, 7", sum.Resumed, sum.Read)
	}
}

// ownerSource has three users who all hold an event that b organizes and
// a message b sent, each copy a little different, and a message from
// outside that a and c hold. With eventAt, user i's copy of the event
// starts at eventAt[i].
type ownerSource struct {
	users   []ingest.User
	eventAt []time.Time
}

func (s *ownerSource) Users(ctx context.Context, fn func(ingest.User) error) error {
	for _, u := range s.users {
		if err := fn(u); err != nil {
			return err
		}
	}
	return nil
}

var ownerAt = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC) // in 2026-W11

func (s *ownerSource) Calendar(ctx context.Context, u ingest.User, start, end time.Time, fn func(ingest.EventCopy) error) (string, error) {
	if ownerAt.Before(start) || !ownerAt.Before(end) {
		return "UTC", nil
	}
	i := slices.IndexFunc(s.users, func(v ingest.User) bool { return v.Email == u.Email })
	resp := dataset.ResponseAccepted
	if i == 1 {
		resp = dataset.ResponseOrganizer
	}
	at := ownerAt
	if s.eventAt != nil {
		at = s.eventAt[i]
	}
	ev := dataset.Event{EventID: "ev", Start: at, End: at.Add(time.Hour), OrganizerID: "pb",
		Invitees: int32(3 + i), AttendeesNotDeclined: 3, Kind: dataset.KindMeeting, Source: "test"}
	return "UTC", fn(ingest.EventCopy{Event: ev, Attendance: dataset.Attendance{PersonID: u.Person.PersonID, EventID: "ev",
		Response: resp, ShowAs: dataset.ShowAsBusy}})
}

func (s *ownerSource) Mail(ctx context.Context, u ingest.User, start, end time.Time, fn func(ingest.MessageCopy) error) error {
	if ownerAt.Before(start) || !ownerAt.Before(end) {
		return nil
	}
	i := slices.IndexFunc(s.users, func(v ingest.User) bool { return v.Email == u.Email })
	sent := dataset.Message{MessageID: "sent", Channel: dataset.ChannelEmail, SenderID: "pb", SentAt: ownerAt,
		RecipientIDs: []string{"pa", "pc"}, NTo: 2, Source: "test"}
	if i == 1 {
		sent.NBcc = 1 // only the sender's copy shows Bcc
	}
	if err := fn(ingest.MessageCopy{Message: sent, Sent: i == 1}); err != nil || i == 1 {
		return err
	}
	ext := dataset.Message{MessageID: "ext", Channel: dataset.ChannelEmail, SenderID: "x", SentAt: ownerAt,
		RecipientIDs: []string{"pa", "pc"}, NTo: int32(2 + i), Source: "test"}
	return fn(ingest.MessageCopy{Message: ext})
}

// Of an event's copies, the organizer's is written, and of a message's,
// the sender's, wherever they come in directory order; without one, the
// first copy.
func TestRunner_ownersCopies(t *testing.T) { sortedBothWays(t, testOwnersCopies) }

// sortedBothWays runs test with write's copies chosen in memory, then
// through a run file per record.
func sortedBothWays(t *testing.T, test func(t *testing.T)) {
	t.Run("in memory", test)
	t.Run("run files", func(t *testing.T) {
		defer ingest.SetSortRecords(1)()
		test(t)
	})
}

func ownerUsers() []ingest.User {
	var users []ingest.User
	for _, id := range []string{"pa", "pb", "pc"} {
		users = append(users, ingest.User{Email: id + "@example.com",
			Person: dataset.Person{PersonID: id, Domain: "example.com", IsInternal: true, TimeZone: "UTC", Source: "test"}})
	}
	return users
}

func testOwnersCopies(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	_, err := (&ingest.Runner{Source: &ownerSource{users: ownerUsers()}, Name: "owner", Root: root, Weeks: []dataset.Week{{Year: 2026, Num: 11}}}).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := dataset.ReadTables(ctx, root, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Events) != 1 || got.Events[0].Invitees != 4 {
		t.Errorf("events %+v: want one, the organizer's copy (4 invitees)", got.Events)
	}
	byID := map[string]dataset.Message{}
	for _, m := range got.Messages {
		byID[m.MessageID] = m
	}
	if len(got.Messages) != 2 || byID["sent"].NBcc != 1 || byID["ext"].NTo != 2 {
		t.Errorf("messages %+v: want two, the sender's copy of sent (1 Bcc) and the first copy of ext (2 To)", got.Messages)
	}
	if len(got.Attendance) != 3 {
		t.Errorf("attendance %+v: want a row per copy", got.Attendance)
	}
}

// Copies of an event that disagree on its start within a week: every
// attendance row is placed by the start of the copy written (the
// organizer's), so a reader of the week's first hours finds all three.
func TestRunner_copiesDisagreeOnStart(t *testing.T) {
	sortedBothWays(t, func(t *testing.T) {
		ctx := context.Background()
		monday := time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC) // 2026-W11, the events' first band
		thursday := monday.AddDate(0, 0, 3)
		src := &ownerSource{users: ownerUsers(), eventAt: []time.Time{thursday, monday, thursday}}
		root := t.TempDir()
		week := dataset.Week{Year: 2026, Num: 11}
		sum, err := (&ingest.Runner{Source: src, Name: "owner", Root: root, Weeks: []dataset.Week{week}}).Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got, err := dataset.ReadTables(ctx, root, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Events) != 1 || !got.Events[0].Start.Equal(monday) || sum.DuplicateEventCopies != 2 {
			t.Errorf("events %+v, %d duplicate copies: want one, the organizer's (Monday), and 2", got.Events, sum.DuplicateEventCopies)
		}
		mondayMorning := []dataset.TimeRange{{From: week.Monday().UnixMicro(), To: week.Monday().Add(12 * time.Hour).UnixMicro()}}
		rows := 0
		err = dataset.Scan(ctx, root, dataset.TableAttendance, []dataset.Week{week}, []string{"person_id"}, nil,
			func(dataset.Week) []dataset.TimeRange { return mondayMorning },
			func(b *dataset.Batch) error { rows += b.Len(); return nil })
		if err != nil {
			t.Fatal(err)
		}
		if rows != 3 {
			t.Errorf("attendance rows read for Monday morning: %d, want all 3 (placed by the organizer's start)", rows)
		}
	})
}

// A write that fails (here the messages directory is a file) keeps every
// user's checkpoint and says so; the next run writes the dataset from
// them without reading anyone again.
func TestRunner_writeFails(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	blocker := filepath.Join(root, dataset.TableMessages)
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r := &ingest.Runner{Source: &ownerSource{users: ownerUsers()}, Name: "owner", Root: root, Weeks: []dataset.Week{{Year: 2026, Num: 11}}}
	_, err := r.Run(ctx)
	state := filepath.Join(root, ingest.StateDir, "owner")
	if err == nil || !strings.Contains(err.Error(), "what was read is kept in "+state+": run again") {
		t.Fatalf("Run with the messages directory a file: %v, want an error that says the checkpoints in %s are kept", err, state)
	}
	if err := os.Remove(blocker); err != nil {
		t.Fatal(err)
	}
	sum, err := r.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Read != 0 || sum.Resumed != 3 || sum.Events != 1 || sum.Messages != 2 {
		t.Errorf("second run read %d, resumed %d, wrote %d events and %d messages: want 0, 3, 1, 2", sum.Read, sum.Resumed, sum.Events, sum.Messages)
	}
}
