package ics_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/overload-engine/overload/ingest/ics"
)

func nodeICal(t *testing.T, name string) string {
	t.Helper()
	return filepath.Join(dataDir(t, "ics-node-ical"), "test", "fixtures", name)
}

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// starts returns the UTC starts (RFC 3339) of the instances of uid.
func starts(cal *ics.Calendar, uid string) []string {
	var out []string
	for _, in := range cal.Instances {
		if in.UID == uid {
			out = append(out, in.Start.UTC().Format(time.RFC3339))
		}
	}
	return out
}

func find(t *testing.T, cal *ics.Calendar, uid string, start string) ics.Instance {
	t.Helper()
	for _, in := range cal.Instances {
		if in.UID == uid && in.Start.UTC().Format(time.RFC3339) == start {
			return in
		}
	}
	t.Fatalf("no instance of %s starting %s; have %v", uid, start, starts(cal, uid))
	return ics.Instance{}
}

// The expected occurrences below are those asserted by node-ical's own test
// suite (test/advanced.test.js, issue-459-exchange-recurrence-id.test.js,
// non-utc-until.test.js, google-calendar-until-bug.test.js) for the same
// fixtures, written out here as instants.

// TestImport_ExchangeMovedAllDay: Exchange 2010 all-day series BYDAY=TU,TH
// whose Thursday 26 Feb 2026 is moved to Friday 27 Feb by a DATE-TIME
// RECURRENCE-ID in "W. Europe Standard Time".
func TestImport_ExchangeMovedAllDay(t *testing.T) {
	berlin := mustLoad(t, "Europe/Berlin")
	for file, uid := range map[string]string{
		"exchange_whole_day_moved_recurrence.ics":           "exchange-moved-recurrence",
		"exchange_whole_day_moved_recurrence_offset_tz.ics": "exchange-moved-recurrence-offset-tz",
	} {
		t.Run(file, func(t *testing.T) {
			cal, err := ics.ReadFile(nodeICal(t, file), ics.Options{
				Location: berlin,
				From:     time.Date(2026, 2, 19, 0, 0, 0, 0, berlin),
				To:       time.Date(2026, 3, 1, 0, 0, 0, 0, berlin),
			})
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"2026-02-18T23:00:00Z", "2026-02-23T23:00:00Z", "2026-02-26T23:00:00Z"}
			if diff := cmp.Diff(want, starts(cal, uid)); diff != "" {
				t.Errorf("starts (-want +got):\n%s", diff)
			}
			moved := find(t, cal, uid, "2026-02-26T23:00:00Z")
			if !moved.AllDay || !moved.OriginalStart.Equal(time.Date(2026, 2, 26, 0, 0, 0, 0, berlin)) ||
				!moved.End.Equal(time.Date(2026, 2, 28, 0, 0, 0, 0, berlin)) || !moved.Transparent {
				t.Errorf("moved instance = %+v, want all-day 27 Feb in slot of 26 Feb, transparent", moved)
			}
		})
	}
}

func TestImport_GoogleExports(t *testing.T) {
	t.Run("kiev RECURRENCE-ID before RRULE", func(t *testing.T) {
		cal, err := ics.ReadFile(nodeICal(t, "google-calendar-kiev-tz.ics"), ics.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if cal.TimeZone != "Europe/Kiev" {
			t.Errorf("TimeZone = %q, want Europe/Kiev (X-WR-TIMEZONE)", cal.TimeZone)
		}
		want := []string{"2016-08-25T11:00:00Z", "2016-08-26T11:00:00Z", "2016-08-27T11:00:00Z", "2016-08-28T11:00:00Z"}
		if diff := cmp.Diff(want, starts(cal, "6m2q7kb2l02798oagemrcgm6pk@google.com")); diff != "" {
			t.Errorf("starts (-want +got):\n%s", diff)
		}
		if n := len(cal.Instances); n != 4 {
			t.Errorf("%d instances, want 4 (the override replaces its slot)", n)
		}
	})
	t.Run("override with higher SEQUENCE before series", func(t *testing.T) {
		cal, err := ics.ReadFile(nodeICal(t, "google-recurrence-order.ics"), ics.Options{})
		if err != nil {
			t.Fatal(err)
		}
		// DAILY;COUNT=3 at 10:00 Denver; the 11 Feb slot moved to 10:30.
		want := []string{"2026-02-10T17:00:00Z", "2026-02-11T17:30:00Z", "2026-02-12T17:00:00Z"}
		if diff := cmp.Diff(want, starts(cal, "aaaaaaaaaa888se1rr0b24sm4p@google.com")); diff != "" {
			t.Errorf("starts (-want +got):\n%s", diff)
		}
	})
	t.Run("comma-separated EXDATEs", func(t *testing.T) {
		cal, err := ics.ReadFile(nodeICal(t, "biweekly-exdate-until.ics"), ics.Options{})
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(starts(cal, "98765432-ABCD-DCBB-999A-987765432123"), " ")
		// EXDATE;TZID=US/Central:20170706T090000,20170717T…,20170720T…,20170803T…
		for _, ex := range []string{"2017-07-06", "2017-07-17", "2017-07-20", "2017-08-03"} {
			if strings.Contains(got, ex) {
				t.Errorf("instance on excluded date %s: %s", ex, got)
			}
		}
		if !strings.Contains(got, "2017-07-03") {
			t.Errorf("missing the 3 Jul 2017 instance: %s", got)
		}
	})
	t.Run("date-only UNTIL on timed series", func(t *testing.T) {
		const src = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART;TZID=Europe/Oslo:20211216T180000\nDTEND;TZID=Europe/Oslo:20211216T210000\nRRULE:FREQ=WEEKLY;WKST=MO;UNTIL=20211216\nEND:VEVENT\n" +
			"BEGIN:VEVENT\nUID:b\nDTSTART;TZID=Pacific/Auckland:20211215T100000\nRRULE:FREQ=DAILY;UNTIL=20211216\nEND:VEVENT\n" +
			"BEGIN:VEVENT\nUID:c\nDTSTART:20110106T000000Z\nDTEND:20110106T010000Z\nRRULE:FREQ=YEARLY;WKST=MO;UNTIL=20361231;BYMONTHDAY=6;BYMONTH=1\nEND:VEVENT\n" +
			"BEGIN:VEVENT\nUID:d\nDTSTART;TZID=Europe/Berlin:20240115T220000\nRRULE:FREQ=DAILY;UNTIL=20240117\nEND:VEVENT\nEND:VCALENDAR\n"
		cal, err := ics.Import(strings.NewReader(src), "until.ics", ics.Options{To: time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"2021-12-16T17:00:00Z"}, starts(cal, "a")); diff != "" {
			t.Errorf("a (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"2021-12-14T21:00:00Z", "2021-12-15T21:00:00Z"}, starts(cal, "b")); diff != "" {
			t.Errorf("b (-want +got):\n%s", diff)
		}
		if c := starts(cal, "c"); len(c) != 26 || c[0] != "2011-01-06T00:00:00Z" || c[25] != "2036-01-06T00:00:00Z" {
			t.Errorf("c = %v, want 26 yearly instances 2011..2036", c)
		}
		if diff := cmp.Diff([]string{"2024-01-15T21:00:00Z", "2024-01-16T21:00:00Z", "2024-01-17T21:00:00Z"}, starts(cal, "d")); diff != "" {
			t.Errorf("d (-want +got):\n%s", diff)
		}
	})
}

func TestImport_RecurrenceEdgeCases(t *testing.T) {
	t.Run("COUNT, EXDATE and a moved instance", func(t *testing.T) {
		cal, err := ics.ReadFile(nodeICal(t, "daily-count-exdate-recurrence-id.ics"), ics.Options{})
		if err != nil {
			t.Fatal(err)
		}
		// DAILY;COUNT=10 from 6 Jul 2015 12:00 Los Angeles, minus 8 and 10
		// Jul; the 7 Jul slot moved to 9 Jul 15:00.
		want := []string{"2015-07-06T19:00:00Z", "2015-07-09T22:00:00Z", "2015-07-09T19:00:00Z",
			"2015-07-11T19:00:00Z", "2015-07-12T19:00:00Z", "2015-07-13T19:00:00Z", "2015-07-14T19:00:00Z", "2015-07-15T19:00:00Z"}
		if diff := cmp.Diff(want, starts(cal, "0000001")); diff != "" {
			t.Errorf("starts (-want +got):\n%s", diff)
		}
		moved := find(t, cal, "0000001", "2015-07-09T22:00:00Z")
		if !moved.OriginalStart.Equal(time.Date(2015, 7, 7, 19, 0, 0, 0, time.UTC)) {
			t.Errorf("moved OriginalStart = %v, want the 7 Jul slot", moved.OriginalStart)
		}
	})
	t.Run("non-UTC UNTIL", func(t *testing.T) {
		cal, err := ics.ReadFile(nodeICal(t, "non-utc-until.ics"), ics.Options{})
		if err != nil {
			t.Fatal(err)
		}
		s := cal.Instances
		last := s[len(s)-1].Start
		if len(s) != 53 || last.After(time.Date(2024, 12, 31, 9, 0, 0, 0, time.UTC)) {
			t.Errorf("%d instances, last %v; want 53 weekly ending by UNTIL 2024-12-31T09:00Z", len(s), last)
		}
		cal, err = ics.ReadFile(nodeICal(t, "non-utc-until-ny.ics"), ics.Options{})
		if err != nil {
			t.Fatal(err)
		}
		s = cal.Instances
		if last := s[len(s)-1].Start.UTC(); !last.Equal(time.Date(2024, 3, 15, 18, 0, 0, 0, time.UTC)) {
			t.Errorf("NY: last instance %v, want UNTIL 2024-03-15T18:00Z itself (EDT)", last)
		}
		// DST in New York began 10 Mar 2024: 14:00 local moves from 19:00Z to 18:00Z.
		if a, b := find(t, cal, s[0].UID, "2024-03-09T19:00:00Z"), find(t, cal, s[0].UID, "2024-03-10T18:00:00Z"); a.UID != b.UID {
			t.Error("DST change not applied")
		}
	})
	t.Run("whole day moved over DST in Berlin", func(t *testing.T) {
		berlin := mustLoad(t, "Europe/Berlin")
		cal, err := ics.ReadFile(nodeICal(t, "whole_day_moved_over_dst_change_berlin.ics"), ics.Options{Location: berlin})
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range cal.Instances {
			s, e := in.Start.In(berlin), in.End.In(berlin)
			if !in.AllDay || s.Hour() != 0 || e.Hour() != 0 || e.Sub(s) < 23*time.Hour || e.Sub(s) > 25*time.Hour {
				t.Errorf("instance %v..%v: want local midnight to midnight", s, e)
			}
		}
		// 27 Oct 2024 (DST ends) is 25 hours long.
		if in := find(t, cal, cal.Instances[0].UID, "2024-10-26T22:00:00Z"); in.End.Sub(in.Start) != 25*time.Hour {
			t.Errorf("27 Oct 2024 lasts %v, want 25h", in.End.Sub(in.Start))
		}
	})
	t.Run("floating time in owner zone", func(t *testing.T) {
		cal, err := ics.ReadFile(nodeICal(t, "test_with_multiple_tzids_in_vtimezone.ics"), ics.Options{Location: mustLoad(t, "America/Los_Angeles")})
		if err != nil {
			t.Fatal(err)
		}
		in := cal.Instances[0]
		if in.Start.UTC().Format(time.RFC3339) != "2024-06-27T07:00:00Z" || in.End.UTC().Format(time.RFC3339) != "2024-06-28T06:00:00Z" {
			t.Errorf("floating event = %v..%v, want 2024-06-27T07:00Z..2024-06-28T06:00Z", in.Start.UTC(), in.End.UTC())
		}
	})
	t.Run("floating DTSTART with VTIMEZONE", func(t *testing.T) {
		cal, err := ics.ReadFile(nodeICal(t, "dst-transition-rules.ics"), ics.Options{})
		if err != nil {
			t.Fatal(err)
		}
		in := find(t, cal, "f683404f-aede-43eb-8774-27f62bb27c92", "2022-10-09T08:00:00Z")
		if !in.End.Equal(time.Date(2022, 10, 9, 9, 0, 0, 0, time.UTC)) {
			t.Errorf("end = %v, want 2022-10-09T09:00Z", in.End.UTC())
		}
	})
}

func TestImport_WindowsZones(t *testing.T) {
	t.Run("ms_timezones", func(t *testing.T) {
		cal, err := ics.ReadFile(nodeICal(t, "ms_timezones.ics"), ics.Options{})
		if err != nil {
			t.Fatal(err)
		}
		// DTSTART;TZID="W. Europe Standard Time:20200609T090000" (value
		// inside the quotes), DTEND 09:30: CEST, so 07:00Z..07:30Z.
		in := find(t, cal, "040000008200E00074C5B7101A82E008000000008001F1896B63D3010000000000000000100000005D0552D848712746896D6C8E2E066560", "2020-06-09T07:00:00Z")
		if !in.End.Equal(time.Date(2020, 6, 9, 7, 30, 0, 0, time.UTC)) {
			t.Errorf("end = %v, want 07:30Z", in.End.UTC())
		}
		// Pacific Standard Time 08:30 on 15 Sep 2020 is PDT: 15:30Z.
		find(t, cal, "040000008200E00074C5B7101A82E008000000007070639B9D82D601000000000000000010000000690B7C3173632247A60664DDD8E0160E", "2020-09-15T15:30:00Z")
	})
	t.Run("exchange custom tz", func(t *testing.T) {
		cal, err := ics.ReadFile(nodeICal(t, "exchange-custom-tz.ics"), ics.Options{})
		if err != nil {
			t.Fatal(err)
		}
		// node-ical maps this zone to Asia/Bangkok (UTC+7).
		in := cal.Instances[0]
		if _, off := in.Start.Zone(); off != 7*3600 {
			t.Errorf("offset = %d, want +7h (Asia/Bangkok)", off)
		}
	})
	t.Run("Office 2012 display names before and after DST", func(t *testing.T) {
		cal, err := ics.ReadFile(nodeICal(t, "Office-2012-owa.ics"), ics.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, in := range cal.Instances[:4] {
			got = append(got, in.Start.UTC().Format(time.RFC3339))
		}
		// 13:30 Sydney (AEDT, +11) on 28 Oct 2020; 13:30 New York on 28 Oct
		// (EDT) and 2 Nov 2020 (EST, after the change on 1 Nov).
		want := []string{"2020-10-28T02:30:00Z", "2020-10-28T17:30:00Z", "2020-11-02T18:30:00Z", "2020-11-02T18:30:00Z"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("starts (-want +got):\n%s", diff)
		}
	})
	t.Run("WindowsZone", func(t *testing.T) {
		for in, want := range map[string]string{
			"W. Europe Standard Time": "Europe/Berlin", "pacific standard time": "America/Los_Angeles",
			"(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna": "Europe/Berlin",
			"(GMT+10.00) Canberra, Melbourne, Sydney":                      "Australia/Sydney",
			"Tokyo Standard Time":                                          "Asia/Tokyo",
		} {
			if got, ok := ics.WindowsZone(in); !ok || got != want {
				t.Errorf("WindowsZone(%q) = %q, %v, want %q", in, got, ok, want)
			}
			if _, err := time.LoadLocation(want); err != nil {
				t.Errorf("CLDR zone %q does not load: %v", want, err)
			}
		}
	})
}

// TestImport_VTimezoneRules checks a zone known only by its VTIMEZONE
// rules (an Outlook "Customized Time Zone"): US Eastern rules, either side
// of the DST changes.
func TestImport_VTimezoneRules(t *testing.T) {
	const src = `BEGIN:VCALENDAR
BEGIN:VTIMEZONE
TZID:Customized Time Zone
BEGIN:STANDARD
DTSTART:16011104T020000
RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010311T020000
RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:x
DTSTART;TZID=Customized Time Zone:20240308T090000
DTEND;TZID=Customized Time Zone:20240308T100000
RRULE:FREQ=DAILY;COUNT=4
END:VEVENT
END:VCALENDAR
`
	cal, err := ics.Import(strings.NewReader(src), "custom.ics", ics.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2024-03-08T14:00:00Z", "2024-03-09T14:00:00Z", "2024-03-10T13:00:00Z", "2024-03-11T13:00:00Z"}
	if diff := cmp.Diff(want, starts(cal, "x")); diff != "" {
		t.Errorf("starts (-want +got):\n%s", diff)
	}
	if len(cal.Warnings) != 0 {
		t.Errorf("warnings: %v", cal.Warnings)
	}
}

func TestImport_Errors(t *testing.T) {
	for name, src := range map[string]string{
		"unclosed":    "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\n",
		"wrong END":   "BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VCALENDAR\n",
		"not ics":     "hello world\n",
		"empty":       "",
		"END first":   "END:VEVENT\n",
		"deep":        strings.Repeat("BEGIN:X\n", 100),
		"bad param":   "BEGIN:VCALENDAR\nDTSTART;TZID=\"x\n",
		"garbage top": "BEGIN:VCALENDAR\nEND:VCALENDAR\n\x00\x01",
	} {
		cal, err := ics.Import(strings.NewReader(src), "bad.ics", ics.Options{})
		if name == "garbage top" {
			if err == nil && len(cal.Instances) != 0 {
				t.Errorf("%s: %d instances", name, len(cal.Instances))
			}
			continue
		}
		var se *ics.SyntaxError
		if err == nil || !strings.HasPrefix(err.Error(), "bad.ics:") {
			t.Errorf("%s: err = %v, want an error naming bad.ics and a line", name, err)
		} else if !errorsAs(err, &se) {
			t.Errorf("%s: err %T is not a *SyntaxError", name, err)
		}
	}
}
