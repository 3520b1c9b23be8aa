package ingest_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/ingesttest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

// readCounter is a Source that counts, per person id, the calendars and
// mailboxes read through it.
type readCounter struct {
	ingest.Source
	mu   sync.Mutex
	cals map[string]int
	mail map[string]int
}

func newReadCounter(src ingest.Source) *readCounter {
	return &readCounter{Source: src, cals: map[string]int{}, mail: map[string]int{}}
}

func (c *readCounter) Calendar(ctx context.Context, u ingest.User, start, end time.Time, fn func(ingest.EventCopy) error) (string, error) {
	c.mu.Lock()
	c.cals[u.Person.PersonID]++
	c.mu.Unlock()
	return c.Source.Calendar(ctx, u, start, end, fn)
}

func (c *readCounter) Mail(ctx context.Context, u ingest.User, start, end time.Time, fn func(ingest.MessageCopy) error) error {
	c.mu.Lock()
	c.mail[u.Person.PersonID]++
	c.mu.Unlock()
	return c.Source.Mail(ctx, u, start, end, fn)
}

// readTables reads the dataset at root.
func readTables(t *testing.T, root string) *dataset.Tables {
	t.Helper()
	tabs, err := dataset.ReadTables(context.Background(), root, nil)
	if err != nil {
		t.Fatal(err)
	}
	ingesttest.SortTables(tabs)
	return tabs
}

// personWeek analyses tabs for weeks with the default preset.
func personWeek(t *testing.T, tabs *dataset.Tables, weeks []dataset.Week) []dataset.PersonWeek {
	t.Helper()
	cfg, err := analysis.Preset("default")
	if err != nil {
		t.Fatal(err)
	}
	res, err := analysis.Run(context.Background(), tabs, weeks, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) == 0 {
		t.Fatal("analysis gave no rows")
	}
	return res.Rows
}

// fileBytes returns the contents of every file under root by relative path.
func fileBytes(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(root, path)
		out[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRunner_shards ingests an organisation as three shards into one
// dataset and checks it against one unsharded ingest: every user is read by
// exactly one shard, the shards' part files and checkpoints do not collide,
// the union analyses to the same person_week, and running a shard again
// changes nothing.
func TestRunner_shards(t *testing.T) {
	ctx := context.Background()
	org := genOrg(t, 40, 2, 4)
	ps := newP(t, []byte(synthetic.DefaultKey))
	weeks := ingesttest.EdgeWeeks(org)

	wholeRoot := t.TempDir()
	whole := &ingest.Runner{Source: &orgSource{org: org, ps: ps}, Name: "org", Root: wholeRoot, Weeks: weeks}
	if _, err := whole.Run(ctx); err != nil {
		t.Fatal(err)
	}

	// The shards choose their copies through run files of 5 records (the
	// unsharded run, in memory).
	defer ingest.SetSortRecords(5)()
	const n = 3
	root := t.TempDir()
	src := &orgSource{org: org, ps: ps, fail: map[string]bool{}}
	counter := newReadCounter(src)
	runner := func(i int) *ingest.Runner {
		return &ingest.Runner{Source: counter, Name: "org", Root: root, Weeks: weeks, Concurrency: 4,
			Shard: dataset.Shard{Index: i, Count: n}}
	}

	// A user of shard 0 fails on the first run: shard 0 keeps its
	// checkpoints while shards 1 and 2 finish and remove theirs.
	var bad ingest.User
	for _, u := range org.People() {
		if id := ps.PersonID(u.Email); dataset.ShardOf(id, n) == 0 {
			bad = ingest.User{Email: u.Email, Person: dataset.Person{PersonID: id}}
			break
		}
	}
	src.fail[bad.Email] = true
	users, people, otherShard := 0, 0, 0
	for i := range n {
		r := runner(i)
		if want := "org_" + r.Shard.Name(); r.ShardName() != want {
			t.Errorf("ShardName() = %q, want %q", r.ShardName(), want)
		}
		sum, err := r.Run(ctx)
		if err != nil {
			t.Fatalf("shard %d/%d: %v", i, n, err)
		}
		if sum.Shard != r.Shard || sum.Directory != 40 || sum.Users == 0 || sum.Users == 40 {
			t.Errorf("shard %d/%d: summary shard %v, directory %d, users %d: want %v, 40 and a share of them",
				i, n, sum.Shard, sum.Directory, sum.Users, r.Shard)
		}
		users += sum.Users
		people += sum.People
		otherShard += sum.OtherShardMessages
		if i == 0 && (len(sum.Skipped) != 1 || sum.Skipped[0].PersonID != bad.Person.PersonID) {
			t.Errorf("shard 0/%d skipped %+v, want %s", n, sum.Skipped, bad.Person.PersonID)
		}
	}
	if users != 40 || people != 39 {
		t.Errorf("shards hold %d users and wrote %d people rows, want 40 and 39 (one skipped)", users, people)
	}
	if otherShard == 0 {
		t.Error("no shard left a message to its sender's shard; the test org should have some")
	}
	state, _ := os.ReadDir(filepath.Join(root, ingest.StateDir))
	if len(state) != 1 || state[0].Name() != "org_s000of003" {
		t.Errorf("checkpoint directories %v, want only org_s000of003 (the shard with a skipped user)", state)
	}
	delete(src.fail, bad.Email)
	sum, err := runner(0).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Read != 1 || sum.Resumed != sum.Users-1 {
		t.Errorf("shard 0 rerun read %d, resumed %d of %d: want 1 and the rest", sum.Read, sum.Resumed, sum.Users)
	}
	if _, err := os.Stat(filepath.Join(root, ingest.StateDir)); !os.IsNotExist(err) {
		t.Errorf("checkpoints left after every shard finished: %v", err)
	}

	// The shards partition the users: each user was read by exactly one
	// shard (the failed user twice, by shard 0), and it is their own.
	for _, u := range org.People() {
		id := ps.PersonID(u.Email)
		wantCal, wantMail := 1, 1
		if u.Email == bad.Email {
			// Failed, then read by the rerun; its mailbox is read
			// alongside the calendar, so twice as well.
			wantCal, wantMail = 2, 2
		}
		if counter.cals[id] != wantCal || counter.mail[id] != wantMail {
			t.Errorf("user %s (shard %d): calendar read %d times, mail %d: want %d and %d",
				id, dataset.ShardOf(id, n), counter.cals[id], counter.mail[id], wantCal, wantMail)
		}
	}

	// Part files are named per shard; every table holds files of all three.
	for _, table := range []string{dataset.TablePeople, dataset.TableAttendance, dataset.TableEvents, dataset.TableMessages} {
		shards := map[string]bool{}
		filepath.WalkDir(filepath.Join(root, table), func(path string, d fs.DirEntry, err error) error {
			if err == nil && strings.HasPrefix(d.Name(), "part-") {
				shards[strings.Split(d.Name(), "-")[1]] = true
			}
			return err
		})
		if d := gocmp.Diff(map[string]bool{"org_s000of003": true, "org_s001of003": true, "org_s002of003": true}, shards); d != "" {
			t.Errorf("%s part files by shard (-want +got):\n%s", table, d)
		}
	}

	// The union equals the unsharded dataset, except that an event or an
	// external sender's message seen in several shards is in each of them.
	want, got := readTables(t, wholeRoot), readTables(t, root)
	if d := gocmp.Diff(want.People, got.People); d != "" {
		t.Errorf("people (-unsharded +shards):\n%s", d)
	}
	if d := gocmp.Diff(want.Attendance, got.Attendance); d != "" {
		t.Errorf("attendance (-unsharded +shards):\n%s", d)
	}
	checkCopies(t, "events", want.Events, got.Events, func(e dataset.Event) string { return e.EventID })
	checkCopies(t, "messages", want.Messages, got.Messages, func(m dataset.Message) string { return m.MessageID })
	if len(got.Events) == len(want.Events) {
		t.Errorf("no event was written by two shards; the test org should share meetings across shards")
	}
	if d := gocmp.Diff(personWeek(t, want, org.Weeks), personWeek(t, got, org.Weeks)); d != "" {
		t.Errorf("person_week (-unsharded +shards):\n%s", d)
	}

	// Running a shard again leaves the dataset as it was.
	before := fileBytes(t, root)
	if _, err := runner(1).Run(ctx); err != nil {
		t.Fatal(err)
	}
	if d := gocmp.Diff(before, fileBytes(t, root)); d != "" {
		t.Errorf("rerunning shard 1/%d changed the dataset (-before +after):\n%s", n, d)
	}
}

// checkCopies checks that got holds the rows of want, each row possibly
// several times (once per shard), and nothing else.
func checkCopies[T any](t *testing.T, table string, want, got []T, id func(T) string) {
	t.Helper()
	wantByID := make(map[string]T, len(want))
	for _, w := range want {
		wantByID[id(w)] = w
	}
	seen := map[string]bool{}
	for _, g := range got {
		w, ok := wantByID[id(g)]
		if !ok {
			t.Errorf("%s: row %s is not in the unsharded dataset", table, id(g))
			continue
		}
		seen[id(g)] = true
		if d := gocmp.Diff(w, g); d != "" {
			t.Errorf("%s: a shard's copy of %s differs (-unsharded +shard):\n%s", table, id(g), d)
		}
	}
	if len(seen) != len(wantByID) {
		t.Errorf("%s: %d ids in the shards, %d unsharded", table, len(seen), len(wantByID))
	}
}

func TestRunner_badShard(t *testing.T) {
	org := genOrg(t, 5, 1, 1)
	for _, sh := range []dataset.Shard{{Index: 3, Count: 3}, {Index: -1, Count: 2}, {Index: 0, Count: -1}, {Index: 0, Count: dataset.MaxShards + 1}} {
		r := &ingest.Runner{Source: &orgSource{org: org, ps: newP(t, testKey)}, Name: "org", Root: t.TempDir(), Weeks: org.Weeks, Shard: sh}
		if _, err := r.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "shard") {
			t.Errorf("Run with shard %+v = %v, want an error naming the shard", sh, err)
		}
	}
}
