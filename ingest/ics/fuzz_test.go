package ics_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/ics"
)

// fuzzDeadline is how long one fuzz input may take: Import must never hang.
const fuzzDeadline = 5 * time.Second

// FuzzImport feeds arbitrary bytes to Import: it must never panic or hang,
// and every instance it returns must map to rows.
func FuzzImport(f *testing.F) {
	f.Add([]byte(meetingICS))
	f.Add([]byte("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;TZID=\"W. Europe Standard Time:20200609T090000\"\nRRULE:FREQ=DAILY;COUNT=3\nEND:VEVENT\nEND:VCALENDAR\n"))
	f.Add([]byte("BEGIN:VCALENDAR\nBEGIN:VTIMEZONE\nTZID:c\nBEGIN:STANDARD\nDTSTART:16011104T020000\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nEND:STANDARD\nEND:VTIMEZONE\nBEGIN:VEVENT\nDTSTART;TZID=c:20240308T090000\nRRULE:FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO\nEND:VEVENT\nEND:VCALENDAR\n"))
	for _, name := range []string{"exchange_whole_day_moved_recurrence.ics", "google-calendar-kiev-tz.ics", "daily-count-exdate-recurrence-id.ics", "Office-2012-owa.ics"} {
		if b, err := os.ReadFile(filepath.Join(sharedData, "ics-node-ical", "test", "fixtures", name)); err == nil {
			f.Add(b)
		}
	}
	p, _ := ingest.NewPseudonymizer([]byte("0123456789abcdef"))
	f.Fuzz(func(t *testing.T, b []byte) {
		opts := ics.Options{MaxInstances: 500, To: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
		type result struct {
			cal *ics.Calendar
			err error
		}
		done := make(chan result, 1)
		go func() {
			cal, err := ics.Import(bytes.NewReader(b), "fuzz.ics", opts)
			done <- result{cal, err}
		}()
		var cal *ics.Calendar
		var err error
		select {
		case r := <-done:
			cal, err = r.cal, r.err
		case <-time.After(fuzzDeadline):
			t.Fatalf("Import did not return within %v", fuzzDeadline)
		}
		if err != nil {
			if strings.Contains(err.Error(), "internal error") {
				t.Fatalf("Import recovered from a panic: %v", err)
			}
			return
		}
		for _, in := range cal.Instances {
			if in.End.Before(in.Start) {
				t.Errorf("instance ends before it starts: %+v", in)
			}
		}
		cal.Tables(p, "me@example.com")
	})
}
