package ingest

import (
	"encoding/binary"
	stdjson "encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/overload-engine/overload/dataset"
)

// TestCheckpointFormat checks that checkpoints keep encoding/json's format
// (they were written with it before): one written now reads back as it was
// and reads the same with encoding/json, and one encoding/json wrote reads
// the same as encoding/json reads it. Values are compared as encoding/json
// writes them, so nil and empty slices differ, as do instants in other
// zones. The cases are those where the two packages differ by default:
// nil slices (null, not []), invalid UTF-8 (U+FFFD, not an error) and
// characters encoding/json escapes for HTML.
func TestCheckpointFormat(t *testing.T) {
	paris := time.FixedZone("", 2*3600)
	start := time.Date(2026, 5, 11, 9, 30, 0, 123456789, paris)
	cp := &checkpoint{
		TimeZone: "Europe/Paris",
		Events: []EventCopy{{
			Event: dataset.Event{EventID: "ev-\xff-<&>", Start: start, End: start.Add(time.Hour),
				OrganizerID: "p1", Invitees: 3, AttendeesNotDeclined: 2, Kind: dataset.KindMeeting, Source: "msgraph"},
			Attendance: dataset.Attendance{PersonID: "p1", EventID: "ev-\xff-<&>", Response: dataset.ResponseOrganizer},
		}},
		Messages: []MessageCopy{
			{Message: dataset.Message{MessageID: "<a@b>", SenderID: "p1", SentAt: start.UTC(), RecipientIDs: []string{"p2", "p3"}, NTo: 2}, Sent: true},
			{Message: dataset.Message{MessageID: "<c@d>", SenderID: "p2", SentAt: start, RecipientIDs: []string{}}},
			{Message: dataset.Message{MessageID: "<e@f>", SenderID: "p2"}}, // nil recipients, zero time
		},
	}
	v1 := func(c *checkpoint) string {
		t.Helper()
		b, err := stdjson.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	// What encoding/json writes and reads back: the reference.
	earlier := v1(cp)
	var ref checkpoint
	if err := stdjson.Unmarshal([]byte(earlier), &ref); err != nil {
		t.Fatal(err)
	}
	want := v1(&ref)
	dir := t.TempDir()

	// Written now: reads back, and its JSON reads with encoding/json, as cp.
	week := dataset.Week{Year: 2026, Num: 20}
	users := []User{{Person: dataset.Person{PersonID: "p1"}}}
	ck, err := openCheckpoints(dir, []dataset.Week{week}, users)
	if err != nil {
		t.Fatal(err)
	}
	defer ck.close()
	if err := ck.put(0, week, cp); err != nil {
		t.Fatalf("put: %v", err)
	}
	got, err := ck.get(0, 0)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if s := v1(got); s != want {
		t.Errorf("round trip:\n got %s\nwant %s", s, want)
	}
	b, err := os.ReadFile(filepath.Join(dir, "0.log"))
	if err != nil {
		t.Fatal(err)
	}
	_, _, js, ok := splitBody(b[ckptHeaderLen:])
	if !ok {
		t.Fatalf("the log's record does not split: %q", b)
	}
	var old checkpoint
	if err := stdjson.Unmarshal(js, &old); err != nil {
		t.Fatalf("encoding/json reads a checkpoint written now: %v", err)
	}
	if s := v1(&old); s != want {
		t.Errorf("encoding/json reads a checkpoint written now as\n %s\nwant %s", s, want)
	}

	// Written by encoding/json (an earlier version): reads as it does.
	path := filepath.Join(dir, "earlier.json")
	if err := os.WriteFile(path, []byte(earlier), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err = readCheckpoint(path); err != nil {
		t.Fatalf("readCheckpoint of encoding/json's output: %v", err)
	}
	if s := v1(got); s != want {
		t.Errorf("encoding/json's output reads as\n %s\nwant %s", s, want)
	}

	// A damaged checkpoint is an error naming the file.
	path = filepath.Join(dir, "damaged.json")
	if err := os.WriteFile(path, []byte(earlier[:len(earlier)/2]), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readCheckpoint(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("readCheckpoint of a damaged file: %v, want an error naming %s", err, path)
	}
}

// A run finds the checkpoints of the runs before it: the latest record of
// each user-week wins, records of other users and weeks are left alone, a
// log ends at its first record cut short or damaged (those user-weeks are
// read again), and an earlier version's checkpoint files count.
func TestCheckpoints_resume(t *testing.T) {
	dir := t.TempDir()
	w1, w2 := dataset.Week{Year: 2026, Num: 20}, dataset.Week{Year: 2026, Num: 21}
	users := []User{{Person: dataset.Person{PersonID: "p0"}}, {Person: dataset.Person{PersonID: "p1"}}, {Person: dataset.Person{PersonID: "p2"}}}
	tzOf := func(cp *checkpoint, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return cp.TimeZone
	}
	open := func(weeks []dataset.Week, users []User) *checkpoints {
		t.Helper()
		ck, err := openCheckpoints(dir, weeks, users)
		if err != nil {
			t.Fatal(err)
		}
		return ck
	}

	// Run 0: p0 and p1 for both weeks, p0's first week twice.
	ck := open([]dataset.Week{w1, w2}, users)
	for _, put := range []struct {
		i  int
		w  dataset.Week
		tz string
	}{{0, w1, "old"}, {0, w2, "A"}, {1, w1, "B"}, {1, w2, "C"}, {0, w1, "D"}} {
		if err := ck.put(put.i, put.w, &checkpoint{TimeZone: put.tz}); err != nil {
			t.Fatal(err)
		}
	}
	if got := ck.pending(2); len(got) != 2 {
		t.Errorf("p2 pending %v, want both weeks", got)
	}
	ck.close()

	// Run 1 reads run 0's log; only week 2, and users in another order
	// with one more.
	users1 := []User{users[1], {Person: dataset.Person{PersonID: "p9"}}, users[0]}
	ck = open([]dataset.Week{w2}, users1)
	if p := ck.pending(0); len(p) != 0 {
		t.Errorf("p1 pending %v after run 0, want none", p)
	}
	if p := ck.pending(1); len(p) != 1 {
		t.Errorf("p9 pending %v, want week 2", p)
	}
	if a, c := tzOf(ck.get(0, 2)), tzOf(ck.get(0, 0)); a != "A" || c != "C" {
		t.Errorf("week 2 of p0, p1: %q, %q; want A, C", a, c)
	}
	if err := ck.put(1, w2, &checkpoint{TimeZone: "E"}); err != nil {
		t.Fatal(err)
	}
	ck.close()
	if _, err := os.Stat(filepath.Join(dir, "1.log")); err != nil {
		t.Errorf("run 1 wrote no log of its own: %v", err)
	}

	// Run 2: the latest of p0's week 1 wins across runs.
	ck = open([]dataset.Week{w1, w2}, users)
	if d := tzOf(ck.get(0, 0)); d != "D" {
		t.Errorf("p0 week 1: %q, want the latest record, D", d)
	}
	ck.close()

	// Run 0's log cut in its last record, then a byte of its third
	// record changed: the records from there on are gone, those before
	// stay.
	log0 := filepath.Join(dir, "0.log")
	b, err := os.ReadFile(log0)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(log0, b[:len(b)-3], 0o600); err != nil {
		t.Fatal(err)
	}
	ck = open([]dataset.Week{w1, w2}, users)
	if d := tzOf(ck.get(0, 0)); d != "old" {
		t.Errorf("p0 week 1 with the log cut short: %q, want the record before the cut, old", d)
	}
	if len(ck.cut) != 1 || !strings.HasPrefix(ck.cut[0], "0.log at byte ") || !strings.HasSuffix(ck.cut[0], ": record cut short") {
		t.Errorf("cut %q, want 0.log's last record cut short", ck.cut)
	}
	ck.close()
	third := 0
	for range 2 {
		third += ckptHeaderLen + int(binary.BigEndian.Uint32(b[third+4:]))
	}
	b[third+ckptHeaderLen+7] ^= 1
	if err := os.WriteFile(log0, b, 0o600); err != nil {
		t.Fatal(err)
	}
	ck = open([]dataset.Week{w1, w2}, users)
	if got := ck.pending(1); len(got) != 2 {
		t.Errorf("p1 pending %v with its week-1 record damaged and week 2 after it, want both weeks", got)
	}
	if got := ck.pending(0); len(got) != 0 {
		t.Errorf("p0 pending %v, want none (week 1 from before the damage, week 2 intact)", got)
	}
	if want := fmt.Sprintf("0.log at byte %d: checksum mismatch", third); len(ck.cut) != 1 || ck.cut[0] != want {
		t.Errorf("cut %q, want %q", ck.cut, want)
	}

	// An earlier version's file checkpoint counts, and reads.
	legacy := filepath.Join(dir, "week="+w1.String(), "p2.json")
	if err := os.MkdirAll(filepath.Dir(legacy), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(legacy, []byte(`{"time_zone":"F","events":null,"messages":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	ck.close()
	ck = open([]dataset.Week{w1, w2}, users)
	if got := ck.pending(2); len(got) != 1 || got[0] != w2 {
		t.Errorf("p2 pending %v with a file for week 1, want week 2", got)
	}
	if f := tzOf(ck.get(0, 2)); f != "F" {
		t.Errorf("p2 week 1 from its file: %q, want F", f)
	}
	ck.close()
}

// Logs that are not logs, or whose first record claims more bytes than the
// file holds, end at byte 0 with a note, and the run's own log comes after
// the highest number.
func TestCheckpoints_badLogs(t *testing.T) {
	dir := t.TempDir()
	huge := []byte(ckptMagic + "\x3f\xff\xff\xff\x00\x00\x00\x00 a few bytes")
	for name, b := range map[string][]byte{"5.log": []byte("not a checkpoint log\n"), "6.log": huge, "notes.log": []byte("ignored")} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ck, err := openCheckpoints(dir, []dataset.Week{{Year: 2026, Num: 20}}, []User{{Person: dataset.Person{PersonID: "p0"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer ck.close()
	want := []string{"5.log at byte 0: no record header", "6.log at byte 0: record cut short"}
	if !slices.Equal(ck.cut, want) {
		t.Errorf("cut %q, want %q", ck.cut, want)
	}
	if got := filepath.Base(ck.logs[len(ck.logs)-1].Name()); got != "7.log" {
		t.Errorf("this run's log is %s, want 7.log", got)
	}
	if p := ck.pending(0); len(p) != 1 {
		t.Errorf("pending %v, want the week", p)
	}
}

// get reads user i's checkpoint of the week at index w whole.
func (c *checkpoints) get(w, i int) (*checkpoint, error) {
	var cp checkpoint
	if err := c.decode(w, i, &cp); err != nil {
		return nil, err
	}
	return &cp, nil
}

// readCheckpoint reads a checkpoint file of an earlier version whole.
func readCheckpoint(path string) (*checkpoint, error) {
	var cp checkpoint
	if err := readCheckpointInto(path, &cp); err != nil {
		return nil, err
	}
	return &cp, nil
}
