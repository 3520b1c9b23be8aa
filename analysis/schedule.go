package analysis

import (
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/overload-engine/overload/dataset"
)

// A schedule is one person's resolved time zone and working-hour settings
// (SPEC §3, §8.10).
type schedule struct {
	loc       *time.Location
	zone      string
	startMin  int // minutes after local midnight
	endMin    int
	days      [7]bool // by time.Weekday
	weekStart time.Weekday

	// The zone's offset (seconds east of UTC) in force over [zs, ze) µs,
	// from the last offset call (a schedule is used by one goroutine).
	zs, ze, zoff int64
}

var zoneCache sync.Map // zone name → *time.Location

func loadZone(name string) (*time.Location, error) {
	if v, ok := zoneCache.Load(name); ok {
		return v.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zoneCache.Store(name, loc)
	return loc, nil
}

// newSchedule resolves p's settings, falling back to cfg's defaults for
// empty fields. An unknown zone or a malformed field is an error naming p.
func newSchedule(p *dataset.Person, cfg *Config) (*schedule, error) {
	s := &schedule{}
	var err error
	if s.weekStart, err = cfg.weekStart(); err != nil {
		return nil, err
	}
	s.zone = p.TimeZone
	if s.zone == "" {
		s.zone = cfg.DefaultTimeZone
	}
	if s.zone == "" {
		s.zone = "UTC"
	}
	if s.loc, err = loadZone(s.zone); err != nil {
		return nil, fmt.Errorf("person %s: time_zone %q is not a known IANA zone", p.PersonID, p.TimeZone)
	}
	if s.startMin, s.endMin, err = workClock(p.WorkStart, p.WorkEnd, cfg); err != nil {
		return nil, fmt.Errorf("person %s: %w", p.PersonID, err)
	}
	days := p.WorkDays
	if days == "" {
		days = cfg.DefaultWorkDays
	}
	if s.days, err = parseWorkDays(days); err != nil {
		return nil, fmt.Errorf("person %s: work_days: %w", p.PersonID, err)
	}
	return s, nil
}

// overnightShift reports whether work from startMin to endMin (minutes
// after midnight) ends the next day (SPEC §8.10).
func overnightShift(startMin, endMin int) bool { return endMin <= startMin }

// workClock returns the minutes after midnight at which a person with the
// given work_start and work_end starts and ends work, empty fields falling
// back to cfg's defaults.
func workClock(start, end string, cfg *Config) (startMin, endMin int, err error) {
	if start == "" {
		start = cfg.DefaultWorkStart
	}
	if end == "" {
		end = cfg.DefaultWorkEnd
	}
	if startMin, err = parseClock(start); err != nil {
		return 0, 0, fmt.Errorf("work_start: %w", err)
	}
	if endMin, err = parseClock(end); err != nil {
		return 0, 0, fmt.Errorf("work_end: %w", err)
	}
	return startMin, endMin, nil
}

// weekBounds returns the local start of w (Monday 00:00, or the Sunday
// before for Sunday weeks) and the start of the next week, as instants.
func (s *schedule) weekBounds(w dataset.Week) (start, end time.Time) {
	m := w.Monday()
	d := m.Day()
	if s.weekStart == time.Sunday {
		d--
	}
	start = time.Date(m.Year(), m.Month(), d, 0, 0, 0, 0, s.loc)
	end = time.Date(m.Year(), m.Month(), d+7, 0, 0, 0, 0, s.loc)
	return start, end
}

// A workDay is one local day's working interval (unclipped).
type workDay struct {
	date time.Time // local midnight
	iv   Interval
	ooo  bool
}

// workDays returns the working intervals of the local days from the day
// before weekStart (an overnight shift can spill into the week) to the last
// day of the week.
func (s *schedule) workDays(weekStart time.Time) []workDay {
	var out []workDay
	y, m, d := weekStart.Date()
	for i := -1; i < 7; i++ {
		date := time.Date(y, m, d+i, 0, 0, 0, 0, s.loc)
		if !s.days[date.Weekday()] {
			continue
		}
		st := time.Date(y, m, d+i, 0, s.startMin, 0, 0, s.loc)
		endDay := d + i
		if overnightShift(s.startMin, s.endMin) {
			endDay++ // ends the next day, belongs to this one
		}
		en := time.Date(y, m, endDay, 0, s.endMin, 0, 0, s.loc)
		out = append(out, workDay{date: date, iv: Interval{st.UnixMicro(), en.UnixMicro()}})
	}
	return out
}

// localDate returns the local calendar date of instant us as a comparable key.
func (s *schedule) localDate(us int64) dateKey {
	y, m, d := time.UnixMicro(us).In(s.loc).Date()
	return dateKey{y, m, d}
}

type dateKey struct {
	y int
	m time.Month
	d int
}

func keyOf(t time.Time) dateKey {
	y, m, d := t.Date()
	return dateKey{y, m, d}
}

const (
	usPerSec     = int64(time.Second / time.Microsecond)
	usPerMin     = 60 * usPerSec
	usPerHour    = 60 * usPerMin
	halfHourSecs = 1800
)

// halfHourStart returns the real instant (µs) at which the local :00/:30
// half-hour holding us begins (SPEC §8.12).
func (s *schedule) halfHourStart(us int64) int64 {
	off := s.offset(us)
	sec := floorDiv(us, usPerSec)
	k := floorDiv(sec+off, halfHourSecs)
	return (k*halfHourSecs - off) * usPerSec
}

// offset returns the zone's offset from UTC (seconds) at us. It keeps the
// bounds of the offset's period, so the instants of a week mostly skip the
// zone's table of transitions (whose look-ups were 5% of the metric pass's
// CPU samples at 100k people).
func (s *schedule) offset(us int64) int64 {
	if s.zs <= us && us < s.ze {
		return s.zoff
	}
	t := time.UnixMicro(us).In(s.loc)
	_, off := t.Zone()
	start, end := t.ZoneBounds()
	s.zs, s.ze, s.zoff = math.MinInt64, math.MaxInt64, int64(off)
	if !start.IsZero() {
		s.zs = start.UnixMicro()
	}
	if !end.IsZero() {
		s.ze = end.UnixMicro()
	}
	return s.zoff
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func minutes(m float64) int64 { return int64(m*float64(usPerMin) + 0.5) }

func hours(us int64) float64 { return float64(us) / float64(usPerHour) }
