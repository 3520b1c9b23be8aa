package analysistest

import (
	"fmt"
	"strings"
	"time"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
)

// A schedule is a person's resolved working-hour settings (SPEC §3, §8.10).
type schedule struct {
	zone       string // the resolved IANA name, as reported in PersonWeek.TimeZone
	loc        *time.Location
	start, end int // minutes after local midnight; end <= start is an overnight shift
	days       [7]bool
}

// resolveSchedule applies the defaults of SPEC §8.10 field by field: an empty
// field falls back to cfg's default.
func resolveSchedule(p dataset.Person, cfg analysis.Config) (schedule, error) {
	or := func(v, def string) string {
		if v == "" {
			return def
		}
		return v
	}
	var s schedule
	var err error
	s.zone = or(p.TimeZone, cfg.DefaultTimeZone)
	if s.zone == "" {
		s.zone = "UTC" // §8.10: "UTC if none"
	}
	if s.loc, err = time.LoadLocation(s.zone); err != nil {
		return s, fmt.Errorf("person %s: time zone %q: %w", p.PersonID, s.zone, err)
	}
	if s.start, err = clockMinutes(or(p.WorkStart, cfg.DefaultWorkStart)); err != nil {
		return s, fmt.Errorf("person %s: work start: %w", p.PersonID, err)
	}
	if s.end, err = clockMinutes(or(p.WorkEnd, cfg.DefaultWorkEnd)); err != nil {
		return s, fmt.Errorf("person %s: work end: %w", p.PersonID, err)
	}
	if s.days, err = weekdays(or(p.WorkDays, cfg.DefaultWorkDays)); err != nil {
		return s, fmt.Errorf("person %s: work days: %w", p.PersonID, err)
	}
	return s, nil
}

// clockMinutes parses "HH:MM" (00:00 to 24:00) into minutes after midnight.
func clockMinutes(s string) (int, error) {
	var h, m int
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("time %q: want HH:MM", s)
	}
	if _, err := fmt.Sscanf(s, "%2d:%2d", &h, &m); err != nil || h < 0 || m < 0 || m > 59 || h*60+m > 24*60 {
		return 0, fmt.Errorf("time %q: want HH:MM", s)
	}
	return h*60 + m, nil
}

// weekdays parses "Mon,Tue,Wed" (SPEC §8.10: three-letter English names).
func weekdays(s string) ([7]bool, error) {
	names := map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday,
		"wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}
	var days [7]bool
	for _, f := range strings.Split(s, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		if f == "" {
			continue
		}
		d, ok := names[f]
		if !ok {
			return days, fmt.Errorf("unknown day %q in %q", f, s)
		}
		days[d] = true
	}
	return days, nil
}

// A localWeek is one week of one person on the one-second grid (SPEC §3):
// from local 00:00 of the first day to local 00:00 seven days later, as real
// instants, so DST weeks have 167 or 169 hours.
type localWeek struct {
	loc        *time.Location
	first      time.Time // the first day's date at 00:00 UTC (a civil date)
	start, end time.Time // real instants
	n          int       // seconds in the week
}

// newLocalWeek returns the local week of loc that holds ISO week w: it starts
// on w's Monday, or on the Sunday before it when weekStart is Sunday.
func newLocalWeek(w dataset.Week, loc *time.Location, weekStart string) (localWeek, error) {
	first := w.Monday()
	switch strings.ToLower(weekStart) {
	case "", "monday", "mon":
	case "sunday", "sun":
		first = first.AddDate(0, 0, -1)
	default:
		return localWeek{}, fmt.Errorf("week start %q: want Monday or Sunday", weekStart)
	}
	lw := localWeek{loc: loc, first: first}
	lw.start = lw.at(0, 0)
	lw.end = lw.at(7, 0)
	lw.n = int(lw.end.Unix() - lw.start.Unix())
	return lw, nil
}

// at returns the instant of local day d (0 = the week's first day, -1 = the
// day before) at min minutes after midnight, resolved as time.Date does
// (SPEC §8.10), so 24:00 is the next day's 00:00.
func (lw localWeek) at(d, min int) time.Time {
	y, m, day := lw.first.Date()
	return time.Date(y, m, day+d, min/60, min%60, 0, 0, lw.loc)
}

// date returns local day d as a civil date (00:00 UTC).
func (lw localWeek) date(d int) time.Time { return lw.first.AddDate(0, 0, d) }

// dayOf returns the local day number (relative to the week's first day) of t's local date.
func (lw localWeek) dayOf(t time.Time) int {
	y, m, d := t.In(lw.loc).Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Sub(lw.first) / (24 * time.Hour))
}

// idx returns the grid index of t: whole seconds since the week start
// (instants are truncated to the second). It may be outside [0, n].
func (lw localWeek) idx(t time.Time) int { return int(t.Unix() - lw.start.Unix()) }

// span returns the grid indexes [a, b) of the instants [s, e), unclipped.
func (lw localWeek) span(s, e time.Time) (a, b int) { return lw.idx(s), lw.idx(e) }

// workInterval returns the working interval of local day d: [d at start,
// d at end), ending the next day when end <= start (SPEC §8.10), and whether
// d is a work day at all.
func (lw localWeek) workInterval(s schedule, d int) (a, b time.Time, ok bool) {
	if !s.days[lw.date(d).Weekday()] {
		return a, b, false
	}
	endDay := d
	if s.end <= s.start {
		endDay = d + 1
	}
	return lw.at(d, s.start), lw.at(endDay, s.end), true
}
