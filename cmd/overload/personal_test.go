package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
)

const personalICS = `BEGIN:VCALENDAR
PRODID:-//Google Inc//Google Calendar 70.9054//EN
X-WR-TIMEZONE:Europe/Paris
BEGIN:VEVENT
UID:standup@example.com
SUMMARY:Daily standup
DTSTART;TZID=Europe/Paris:20261116T093000
DTEND;TZID=Europe/Paris:20261116T100000
RRULE:FREQ=DAILY;COUNT=5
ORGANIZER:mailto:boss@example.com
ATTENDEE;PARTSTAT=ACCEPTED:mailto:me@example.com
ATTENDEE;PARTSTAT=ACCEPTED:mailto:boss@example.com
ATTENDEE;CUTYPE=ROOM;PARTSTAT=ACCEPTED:mailto:room@example.com
END:VEVENT
BEGIN:VEVENT
UID:standup@example.com
RECURRENCE-ID;TZID=Europe/Paris:20261118T093000
DTSTART;TZID=Europe/Paris:20261118T093000
DTEND;TZID=Europe/Paris:20261118T100000
STATUS:CANCELLED
END:VEVENT
BEGIN:VEVENT
UID:review@example.com
SUMMARY:Design review
DTSTART;TZID=W. Europe Standard Time:20261119T140000
DTEND;TZID=W. Europe Standard Time:20261119T160000
ORGANIZER:mailto:me@example.com
ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@example.com
ATTENDEE;PARTSTAT=DECLINED:mailto:b@example.com
END:VEVENT
BEGIN:VEVENT
UID:holiday@example.com
SUMMARY:Holiday
DTSTART;VALUE=DATE:20261120
DTEND;VALUE=DATE:20261121
END:VEVENT
END:VCALENDAR
`

const personalMBox = `From me@example.com Tue Nov 17 10:00:00 2026
From: Me <me@example.com>
To: a@example.com, b@example.com
Subject: never read
Date: Tue, 17 Nov 2026 10:00:00 +0100
Message-ID: <1@example.com>

body

From me@example.com Tue Nov 17 10:00:00 2026
From: me@example.com
To: a@example.com
Date: Tue, 17 Nov 2026 99:00:00 +0100
Message-ID: <2@example.com>

From me@example.com Tue Nov 17 10:00:00 2026
From: me@example.com
To: a@example.com
Date: Wed, 18 Nov 2026 15:00:00 +0100
Message-ID: <3@example.com>
`

func TestLoadPersonal(t *testing.T) {
	dir := t.TempDir()
	icsPath, mboxPath := filepath.Join(dir, "me.ics"), filepath.Join(dir, "sent.mbox")
	if err := os.WriteFile(icsPath, []byte(personalICS), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mboxPath, []byte(personalMBox), 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	env := &Env{Stdout: &bytes.Buffer{}, Stderr: &stderr, Getenv: func(string) string { return "" },
		Now: func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) }}
	w := dataset.Week{Year: 2026, Num: 47}
	ctx := context.Background()
	tables, me, err := loadPersonal(ctx, env, personalOptions{ICS: icsPath, MBox: mboxPath, Me: "Me@Example.com", Work: "09:00-17:00", Weeks: []dataset.Week{w}})
	if err != nil {
		t.Fatal(err)
	}
	if len(tables.People) != 1 || tables.People[0].PersonID != me || tables.People[0].TimeZone != "Europe/Paris" ||
		tables.People[0].WorkStart != "09:00" || tables.People[0].WorkEnd != "17:00" || !tables.People[0].IsInternal {
		t.Errorf("people = %+v", tables.People)
	}
	// 5 standups (one cancelled), 1 review, 1 holiday.
	if len(tables.Events) != 7 || len(tables.Attendance) != 7 {
		t.Errorf("%d events, %d attendance rows, want 7 and 7", len(tables.Events), len(tables.Attendance))
	}
	if len(tables.Messages) != 2 {
		t.Errorf("%d messages, want 2 (one skipped for its date)", len(tables.Messages))
	}
	if !strings.Contains(stderr.String(), "sent.mbox:10: message 2") {
		t.Errorf("stderr does not report the malformed date with its position:\n%s", stderr.String())
	}
	for _, e := range tables.Events {
		if e.IsAllDay && !e.Start.Equal(time.Date(2026, 11, 19, 23, 0, 0, 0, time.UTC)) {
			t.Errorf("all-day event starts %v, want Paris midnight 2026-11-19T23:00Z", e.Start)
		}
	}

	cfg, err := analysis.Preset("default")
	if err != nil {
		t.Fatal(err)
	}
	res, err := analysis.Run(ctx, tables, []dataset.Week{w}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 1 || res.Rows[0].PersonID != me {
		t.Fatalf("rows = %+v, want one row for the owner", res.Rows)
	}
	r := res.Rows[0]
	// Meetings: the 2 h review and 3 standups of 30 min: Wednesday's is
	// cancelled, and Friday's falls on the owner's own all-day "Holiday"
	// (title class ooo, alone: kind out_of_office), an OOO day.
	if r.Meetings != 4 || r.MeetingHours != 3.5 || r.OOODays != 1 {
		t.Errorf("Meetings = %d, Meeting_hours = %v, Ooo_days = %d, want 4, 3.5, 1", r.Meetings, r.MeetingHours, r.OOODays)
	}
	if r.EmailsSent != 2 {
		t.Errorf("Emails_sent = %d, want 2", r.EmailsSent)
	}
	if r.TimeZone != "Europe/Paris" {
		t.Errorf("TimeZone = %q", r.TimeZone)
	}
}

func TestLoadPersonal_Errors(t *testing.T) {
	env := &Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Now: time.Now}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.ics")
	os.WriteFile(bad, []byte("BEGIN:VCALENDAR\nBEGIN:VEVENT\n"), 0o600)
	for name, o := range map[string]personalOptions{
		"no me":     {ICS: bad},
		"bad tz":    {ICS: bad, Me: "a@b.c", TZ: "Mars/Base"},
		"bad work":  {ICS: bad, Me: "a@b.c", Work: "9 to 5"},
		"broken":    {ICS: bad, Me: "a@b.c"},
		"missing":   {ICS: filepath.Join(dir, "nope.ics"), Me: "a@b.c"},
		"no inputs": {Me: "a@b.c"},
	} {
		if _, _, err := loadPersonal(context.Background(), env, o); err == nil {
			t.Errorf("%s: no error", name)
		} else if name == "broken" && !strings.Contains(err.Error(), "bad.ics:") {
			t.Errorf("broken: %v does not name the file and line", err)
		}
	}
}
