package ics

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Defaults of Options.
const (
	// DefaultMaxInstances bounds the instances one series expands to.
	DefaultMaxInstances = 20000
	// DefaultHorizon is how far past the latest DTSTART an open-ended
	// series is expanded when Options.To is zero.
	DefaultHorizon = 366 * 24 * time.Hour
)

// Options configure Import. The zero value places floating and all-day
// times in the calendar's own zone (else UTC) and expands open-ended series
// up to DefaultHorizon past the file's latest DTSTART.
type Options struct {
	// Location is the owner's zone: floating times and all-day events are
	// placed in it (SPEC §8.9). nil = the calendar's zone (X-WR-TIMEZONE,
	// else its only VTIMEZONE), else UTC.
	Location *time.Location
	// From and To bound expansion: instances that end after From and start
	// before To are kept. Zero From = no lower bound; zero To = the latest
	// DTSTART in the file plus DefaultHorizon.
	From, To time.Time
	// MaxInstances bounds the instances of one series; 0 = DefaultMaxInstances.
	MaxInstances int
}

// An Attendee is one ATTENDEE (or the ORGANIZER) of an instance.
type Attendee struct {
	Email    string // lowercase address from the mailto: URI; "" if none
	PartStat string // PARTSTAT upper-cased: ACCEPTED, DECLINED, TENTATIVE, NEEDS-ACTION, …
	Resource bool   // CUTYPE ROOM or RESOURCE: not a person
}

// An Instance is one occurrence of an event: a single event, or one
// expanded instance of a recurring series with its override applied.
// Titles are never kept: only their allow-listed class.
type Instance struct {
	UID           string
	OriginalStart time.Time // the series slot (RECURRENCE-ID); the start for single events
	Start, End    time.Time
	AllDay        bool
	Recurring     bool
	Cancelled     bool   // STATUS:CANCELLED (series or instance)
	Transparent   bool   // TRANSP:TRANSPARENT
	BusyStatus    string // X-MICROSOFT-CDO-BUSYSTATUS upper-cased; "" if absent
	Organizer     string // lowercase address; "" if none
	Attendees     []Attendee
	TitleClass    string // allow-listed class of SUMMARY; "" = none
	Created       time.Time
	Online        bool // has a conference link (Google Meet, Teams, Zoom, RFC 7986 CONFERENCE)
	Line          int  // line of the VEVENT that produced it
}

// A Calendar is the result of Import.
type Calendar struct {
	// TimeZone is the calendar's own IANA zone (X-WR-TIMEZONE, else its
	// only VTIMEZONE when that resolves to an IANA zone); "" if unknown.
	TimeZone string
	// Instances in file order of their VEVENTs, each series in time order.
	Instances []Instance
	// Warnings lists what was skipped or guessed, each with its line: a
	// VEVENT without a usable DTSTART, an unknown TZID (read as floating),
	// an RRULE that could not be read, a series cut at MaxInstances.
	Warnings []error
}

// ReadFile imports the .ics file at path.
func ReadFile(path string, opts Options) (*Calendar, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read calendar: %w", err)
	}
	defer f.Close()
	return Import(f, path, opts)
}

// Import reads an iCalendar stream (RFC 5545) and expands its VEVENTs
// into instances. name labels errors and warnings. A malformed file is an
// error of type *SyntaxError naming the line and component; problems
// confined to one event are Warnings and the event is skipped. Import
// never panics on any input.
func Import(r io.Reader, name string, opts Options) (cal *Calendar, err error) {
	defer func() {
		// The parser and expander are fuzzed; this is a last line of
		// defence so that one hostile file cannot take the process down.
		if p := recover(); p != nil {
			cal, err = nil, fmt.Errorf("%s: import calendar: internal error: %v", name, p)
		}
	}()
	top, err := parse(r, name)
	if err != nil {
		return nil, err
	}
	if opts.MaxInstances <= 0 {
		opts.MaxInstances = DefaultMaxInstances
	}
	cal = &Calendar{}
	// Bare components (a VEVENT without VCALENDAR, as some tools and test
	// suites write) form one implicit calendar.
	loose := &component{Name: "VCALENDAR", Line: 1, Props: map[string][]*prop{}}
	cals := []*component{}
	for _, c := range top {
		if c.Name == "VCALENDAR" {
			cals = append(cals, c)
		} else {
			loose.Children = append(loose.Children, c)
		}
	}
	if len(loose.Children) > 0 {
		cals = append(cals, loose)
	}
	for _, c := range cals {
		imp := newImporter(c, name, opts)
		if cal.TimeZone == "" {
			cal.TimeZone = imp.calZone
		}
		imp.run()
		cal.Instances = append(cal.Instances, imp.out...)
		cal.Warnings = append(cal.Warnings, imp.warnings...)
	}
	return cal, nil
}

// calendarZone returns the zone a calendar declares: X-WR-TIMEZONE when it
// is an IANA or Windows name, else the only VTIMEZONE's, else "".
func calendarZone(c *component, z *zones) string {
	cands := []string{strings.TrimSpace(c.value("X-WR-TIMEZONE"))}
	var defs []string
	for id := range z.defs {
		defs = append(defs, id)
	}
	if len(defs) == 1 {
		cands = append(cands, defs[0])
		if lic := strings.TrimSpace(z.defs[defs[0]].value("X-LIC-LOCATION")); lic != "" {
			cands = append(cands, lic)
		}
	}
	for _, id := range cands {
		if id == "" {
			continue
		}
		if loc, ok := loadIANA(id); ok {
			return loc.String()
		}
		if iana, ok := WindowsZone(id); ok {
			if _, ok := loadIANA(iana); ok {
				return iana
			}
		}
	}
	return ""
}
