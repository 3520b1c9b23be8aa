package ingest

import (
	stdjson "encoding/json"
	"os"
	"path/filepath"
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

	// Written now: reads back, and reads with encoding/json, as cp.
	path := filepath.Join(dir, "now.json")
	if err := writeCheckpoint(path, cp); err != nil {
		t.Fatalf("writeCheckpoint: %v", err)
	}
	got, err := readCheckpoint(path)
	if err != nil {
		t.Fatalf("readCheckpoint: %v", err)
	}
	if s := v1(got); s != want {
		t.Errorf("round trip:\n got %s\nwant %s", s, want)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var old checkpoint
	if err := stdjson.Unmarshal(b, &old); err != nil {
		t.Fatalf("encoding/json reads a checkpoint written now: %v", err)
	}
	if s := v1(&old); s != want {
		t.Errorf("encoding/json reads a checkpoint written now as\n %s\nwant %s", s, want)
	}

	// Written by encoding/json (an earlier version): reads as it does.
	path = filepath.Join(dir, "earlier.json")
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
