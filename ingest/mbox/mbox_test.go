package mbox_test

import (
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/mbox"
)

// sharedData is ../shared/data seen from this package directory.
const sharedData = "../../../shared/data"

func spamAssassin(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(sharedData, "spamassassin-npm")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared data not found at %s: %v", dir, err)
	}
	return dir
}

type csvRow struct {
	folder, messageID, dateHeader, dateUTC, from string
	nTo, nCc                                     string
}

func readCSV(t *testing.T, path string) []csvRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	var rows []csvRow
	for _, r := range recs[1:] {
		rows = append(rows, csvRow{
			folder: r[col["folder"]], messageID: r[col["message_id"]],
			dateHeader: r[col["date_header"]], dateUTC: r[col["date_utc"]],
			from: r[col["from_addr"]], nTo: r[col["n_to"]], nCc: r[col["n_cc"]],
		})
	}
	return rows
}

// TestRead_SpamAssassinHam reads every ham message of the SpamAssassin
// corpus and checks that each parses to the instant recorded in
// headers.csv.
func TestRead_SpamAssassinHam(t *testing.T) {
	dir := spamAssassin(t)
	rows := readCSV(t, filepath.Join(dir, "headers.csv"))
	want := map[string]csvRow{}
	nHam := 0
	for _, r := range rows {
		if strings.Contains(r.folder, "ham") {
			want[strings.Trim(r.messageID, "<>")] = r
			nHam++
		}
	}
	f, err := os.Open(filepath.Join(dir, "ham-headers-only.mbox"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got []mbox.Header
	skipped, err := mbox.Read(f, "ham-headers-only.mbox", func(h mbox.Header) error {
		got = append(got, h)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range skipped {
		t.Errorf("skipped: %v", e)
	}
	if len(got) != nHam {
		t.Errorf("read %d messages, want %d", len(got), nHam)
	}
	matched := 0
	for _, h := range got {
		r, ok := want[h.MessageID]
		if !ok {
			t.Errorf("message %d (line %d): Message-ID %q not in headers.csv", h.Index, h.Line, h.MessageID)
			continue
		}
		w, err := time.Parse(time.RFC3339, r.dateUTC)
		if err != nil {
			t.Fatalf("headers.csv date_utc %q: %v", r.dateUTC, err)
		}
		if !h.Date.Equal(w) {
			t.Errorf("message %d (line %d): Date %q = %v, want %v", h.Index, h.Line, r.dateHeader, h.Date.UTC(), w)
			continue
		}
		if r.from != "" && h.From != ingest.CanonicalEmail(r.from) {
			t.Errorf("message %d: From = %q, want %q", h.Index, h.From, r.from)
			continue
		}
		matched++
	}
	t.Logf("%d of %d ham dates match headers.csv", matched, nHam)
}

// TestParseDate_SpamAssassin parses every Date header of the corpus, spam
// included: each one either parses to the instant headers.csv records or
// (for dates headers.csv could not read, or with an impossible offset)
// fails with an error that quotes the header.
func TestParseDate_SpamAssassin(t *testing.T) {
	dir := spamAssassin(t)
	rows := readCSV(t, filepath.Join(dir, "headers.csv"))
	var same, differ, failed int
	for _, r := range rows {
		got, err := mbox.ParseDate(r.dateHeader)
		if err != nil {
			failed++
			if !strings.Contains(err.Error(), r.dateHeader) {
				t.Errorf("ParseDate(%q) error %q does not quote the value", r.dateHeader, err)
			}
			if strings.Contains(r.folder, "ham") {
				t.Errorf("ParseDate(%q) (ham): %v", r.dateHeader, err)
			}
			continue
		}
		if r.dateUTC == "" {
			differ++
			continue
		}
		w, _ := time.Parse(time.RFC3339, r.dateUTC)
		if got.Equal(w) {
			same++
		} else {
			differ++
			if strings.Contains(r.folder, "ham") {
				t.Errorf("ParseDate(%q) = %v, want %v", r.dateHeader, got.UTC(), w)
			}
		}
	}
	t.Logf("%d dates: %d as headers.csv, %d differ (spam only), %d rejected", len(rows), same, differ, failed)
}

func TestParseDate(t *testing.T) {
	utc := func(s string) time.Time {
		tt, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tt
	}
	tests := []struct {
		in   string
		want time.Time
	}{
		{"Thu, 22 Aug 2002 18:26:25 +0700", utc("2002-08-22T11:26:25Z")},
		{"Thu, 22 Aug 2002 18:26:25 +0700 (ICT)", utc("2002-08-22T11:26:25Z")},
		{"22 Aug 2002 18:26:25 -0400", utc("2002-08-22T22:26:25Z")},
		{"Thu, 22 Aug 02 18:26:25 GMT", utc("2002-08-22T18:26:25Z")},
		{"Mon, 19 Aug 2002 21:46:46 EDT", utc("2002-08-20T01:46:46Z")},
		{"Mon, 26 Aug 2002 14:13:15 UT", utc("2002-08-26T14:13:15Z")},
		{"Fri, 30 Aug 2002 10:12 -0400", utc("2002-08-30T14:12:00Z")},
		{"Fri, 30 Aug 2002 10:12:13", utc("2002-08-30T10:12:13Z")},
		{"Fri, 16 Aug 02 09:38:37 Eastern Daylight Time", utc("2002-08-16T13:38:37Z")},
		{"Mon, 16 Sep 2002 03:27:38 (GMT)", utc("2002-09-16T03:27:38Z")},
		{"2002/09/14 Sat 02:29:32 CDT", utc("2002-09-14T07:29:32Z")},
		{"Thu Aug 22 12:36:23 2002", utc("2002-08-22T12:36:23Z")},
		{"2002-08-22T12:36:23+02:00", utc("2002-08-22T10:36:23Z")},
		{"Thursday, 22-Aug-02 12:36:23 +0100", utc("2002-08-22T11:36:23Z")},
		{"Wed, 21 Aug 2002 12:00:00 0100", utc("2002-08-21T11:00:00Z")},
	}
	for _, tc := range tests {
		got, err := mbox.ParseDate(tc.in)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("ParseDate(%q) = %v, %v, want %v", tc.in, got.UTC(), err, tc.want)
		}
	}
	for _, bad := range []string{"", "yesterday", "Thu, 22 Aug 2002 18:26:25 -1900", "31 Feb 2002 10:00:00 +0000", "Thu, 22 Aug 2002 25:26:25 +0000"} {
		if got, err := mbox.ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", bad, got)
		}
	}
}

func TestRead(t *testing.T) {
	const box = "From a@x Thu Aug 22 12:36:23 2002\n" +
		"From: =?utf-8?q?J=C3=B6rg?= <Joerg@Example.com>\n" +
		"To: b@example.com,\n" +
		"\t\"C, Carol\" <c@example.com>\n" +
		"Cc: b@example.com\n" +
		"Subject: secret plans\n" +
		"Date: Thu, 22 Aug 2002 18:26:25 +0700\n" +
		"Message-ID: <m1@example.com>\n" +
		"\n" +
		"body line\n" +
		"\n" +
		"From a@x Thu Aug 22 12:36:23 2002\n" +
		"From: a@example.com\n" +
		"Date: not a date\n" +
		"Message-ID: <m2@example.com>\n" +
		"\n" +
		"From a@x Thu Aug 22 12:36:23 2002\n" +
		"From: a@example.com\n" +
		"To: b@example.com\n" +
		"Date: Fri, 23 Aug 2002 09:00:00 +0000\n" +
		"Auto-Submitted: auto-replied\n" +
		"In-Reply-To: <m1@example.com>\n" +
		"Message-ID: <m3@example.com>\n" +
		"\n" +
		"body without a blank line before the next envelope\n" +
		"From a@x Thu Aug 22 12:36:23 2002\n" +
		"From: a@example.com\n" +
		"To: b@example.com\n" +
		"Date: Fri, 23 Aug 2002 09:00:00 +0000\n" +
		"Message-ID: <m3@example.com>\n"
	var got []mbox.Header
	skipped, err := mbox.Read(strings.NewReader(box), "test.mbox", func(h mbox.Header) error {
		got = append(got, h)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) != 1 {
		t.Fatalf("skipped = %v, want 1 error", skipped)
	}
	var me *mbox.MessageError
	if !errors.As(skipped[0], &me) || me.Index != 1 || me.Line != 12 || !strings.Contains(me.Error(), "test.mbox:12: message 2") {
		t.Errorf("skipped[0] = %v, want message 2 at line 12", skipped[0])
	}
	if len(got) != 3 {
		t.Fatalf("got %d headers, want 3", len(got))
	}
	h := got[0]
	if h.From != "joerg@example.com" || strings.Join(h.To, " ") != "b@example.com c@example.com" || len(h.Cc) != 1 || h.MessageID != "m1@example.com" {
		t.Errorf("header 0 = %+v", h)
	}
	if !got[1].IsAuto() || got[1].InReplyTo != "m1@example.com" {
		t.Errorf("header 1 = %+v, want auto reply", got[1])
	}
	p, _ := ingest.NewPseudonymizer([]byte("0123456789abcdef"))
	rows, noSender := mbox.Messages(p, got)
	if len(rows) != 2 || noSender != 0 {
		t.Fatalf("Messages: %d rows (%d without sender), want 2 (deduplicated)", len(rows), noSender)
	}
	if rows[0].NTo != 2 || rows[0].NCc != 1 || len(rows[0].RecipientIDs) != 2 || rows[0].Source != mbox.Source {
		t.Errorf("row 0 = %+v", rows[0])
	}
	if !rows[1].IsAuto || !rows[1].IsReply {
		t.Errorf("row 1 = %+v, want auto reply", rows[1])
	}
}

func TestRead_EML(t *testing.T) {
	const eml = "From: a@example.com\r\nTo: b@example.com\r\nDate: Fri, 23 Aug 2002 09:00:00 +0000\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n" +
		"From here on it is body\r\n"
	var got []mbox.Header
	if _, err := mbox.Read(strings.NewReader(eml), "m.eml", func(h mbox.Header) error { got = append(got, h); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got[0].IsAuto() || got[0].From != "a@example.com" {
		t.Fatalf("got %+v, want one delivery report", got)
	}
}
