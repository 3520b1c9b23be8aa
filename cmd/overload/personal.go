package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/ics"
	"github.com/overload-engine/overload/ingest/mbox"
)

// personalSource is the people.source of the owner's row.
const personalSource = "personal"

// maxPersonalWarnings is how many import warnings of each file are printed.
const maxPersonalWarnings = 3

// personalOptions selects one employee's own exported files: an .ics
// calendar and optionally an mbox of sent mail (issue: personal exports).
type personalOptions struct {
	ICS   string         // path of the .ics calendar export
	MBox  string         // path of an mbox or .eml file; "" = none
	Me    string         // the owner's email address
	TZ    string         // IANA zone of the owner; "" = the calendar's or UTC
	Work  string         // working hours "09:00-17:00"; "" = default
	Weeks []dataset.Week // weeks to import; nil = all in the files
}

// loadPersonal imports the owner's files into dataset tables and returns
// them with the owner's person_id.
//
// Everything stays on this machine: the files are read, pseudonymized and
// analysed in memory and nothing is written or sent anywhere. The
// pseudonymization key is random and lives only for this run, so ids are
// consistent within the report but cannot be linked to any other run or
// dataset; no key file is needed or kept.
//
// The owner's time zone is --tz, else the calendar's (X-WR-TIMEZONE or its
// only VTIMEZONE), else UTC: all-day and floating events are placed in it
// (SPEC §8.9). With Weeks, recurring events are expanded over those weeks
// and one week either side (a local week can reach into its neighbours);
// without, up to the end of the current week. Import warnings (unknown
// zones, skipped messages with malformed dates) go to env.Stderr with
// their file position.
func loadPersonal(ctx context.Context, env *Env, o personalOptions) (*dataset.Tables, string, error) {
	if o.ICS == "" && o.MBox == "" {
		return nil, "", usagef("give --ics FILE (and optionally --mbox FILE)")
	}
	me := ingest.CanonicalEmail(o.Me)
	if me == "" || !strings.Contains(me, "@") {
		return nil, "", usagef("--me: want your email address as invitations name you, e.g. --me ana@example.com")
	}
	workStart, workEnd, err := parseWorkHours(o.Work)
	if err != nil {
		return nil, "", usagef("--work: %v", err)
	}
	var loc *time.Location
	if o.TZ != "" {
		if loc, err = time.LoadLocation(o.TZ); err != nil || o.TZ == "Local" {
			return nil, "", usagef("--tz: unknown time zone %q (want an IANA name such as Europe/Paris)", o.TZ)
		}
	}
	now := time.Now
	if env.Now != nil {
		now = env.Now
	}
	from, to := personalWindow(now(), o.Weeks)

	key := make([]byte, ingest.MinKeyLen*2)
	if _, err := rand.Read(key); err != nil {
		return nil, "", fmt.Errorf("make pseudonymization key: %w", err)
	}
	p, err := ingest.NewPseudonymizer(key)
	if err != nil {
		return nil, "", err
	}

	t := &dataset.Tables{}
	zone := o.TZ
	if o.ICS != "" {
		if err := ctx.Err(); err != nil {
			return nil, "", err
		}
		// With no --tz, Import places all-day and floating events in the
		// calendar's own zone (else UTC) and reports it as cal.TimeZone.
		cal, err := ics.ReadFile(o.ICS, ics.Options{Location: loc, From: from, To: to})
		if err != nil {
			return nil, "", err
		}
		if zone == "" {
			zone = cal.TimeZone
		}
		printWarnings(env.Stderr, o.ICS, cal.Warnings)
		t.Events, t.Attendance = cal.Tables(p, me)
	}
	if zone == "" {
		zone = "UTC"
	}
	if o.MBox != "" {
		if err := ctx.Err(); err != nil {
			return nil, "", err
		}
		hs, skipped, err := readMBox(o.MBox, from, to)
		if err != nil {
			return nil, "", err
		}
		printWarnings(env.Stderr, o.MBox, skipped)
		t.Messages, _ = mbox.Messages(p, hs)
	}
	t.People = []dataset.Person{{
		PersonID:   p.PersonID(me),
		Domain:     ingest.Domain(me),
		IsInternal: true,
		TimeZone:   zone,
		WorkStart:  workStart,
		WorkEnd:    workEnd,
		Source:     personalSource,
	}}
	return t, p.PersonID(me), nil
}

// personalWindow returns the instants to import: the given weeks with one
// week either side, or everything up to the end of now's ISO week (UTC).
func personalWindow(now time.Time, weeks []dataset.Week) (from, to time.Time) {
	if len(weeks) == 0 {
		return time.Time{}, dataset.WeekOf(now).Add(1).Monday()
	}
	first, last := weeks[0], weeks[0]
	for _, w := range weeks {
		if w.Before(first) {
			first = w
		}
		if last.Before(w) {
			last = w
		}
	}
	return first.Add(-1).Monday(), last.Add(2).Monday()
}

// readMBox reads the headers of an mbox or .eml file and keeps those
// sent in [from, to). It also returns the messages skipped for a
// malformed date, each with its position.
func readMBox(path string, from, to time.Time) (hs []mbox.Header, skipped []error, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read mail: %w", err)
	}
	defer f.Close()
	skipped, err = mbox.Read(f, path, func(h mbox.Header) error {
		if (from.IsZero() || !h.Date.Before(from)) && h.Date.Before(to) {
			hs = append(hs, h)
		}
		return nil
	})
	return hs, skipped, err
}

func printWarnings(w io.Writer, file string, warnings []error) {
	if len(warnings) == 0 || w == nil {
		return
	}
	fmt.Fprintf(w, "%s: %d import warning(s)\n", file, len(warnings))
	for i, e := range warnings {
		if i == maxPersonalWarnings {
			fmt.Fprintf(w, "  … and %d more\n", len(warnings)-i)
			break
		}
		fmt.Fprintf(w, "  %v\n", e)
	}
}

var workRE = regexp.MustCompile(`^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$`)

// parseWorkHours parses "09:00-17:00" into people.work_start and work_end;
// "" means the defaults. An end at or before the start is an overnight
// shift (SPEC §8.10).
func parseWorkHours(s string) (start, end string, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", "", nil
	}
	m := workRE.FindStringSubmatch(s)
	if m == nil {
		return "", "", fmt.Errorf("%q: want HH:MM-HH:MM, e.g. 09:00-17:00", s)
	}
	var hm [4]int
	for i := range hm {
		fmt.Sscanf(m[i+1], "%d", &hm[i])
	}
	if hm[0] > 23 || hm[2] > 24 || hm[1] > 59 || hm[3] > 59 || (hm[2] == 24 && hm[3] != 0) {
		return "", "", fmt.Errorf("%q: hours are 00:00 to 24:00", s)
	}
	if hm[2] == 24 {
		hm[2] = 0
	}
	return fmt.Sprintf("%02d:%02d", hm[0], hm[1]), fmt.Sprintf("%02d:%02d", hm[2], hm[3]), nil
}
