package ics

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/teambition/rrule-go"

	"github.com/overload-engine/overload/ingest/synthetic"
)

// maxInterval bounds RRULE INTERVAL: more than 1000 years, months or days
// apart is never a real calendar series.
const maxInterval = 1000

type importer struct {
	file     string
	cal      *component
	zones    *zones
	floating *time.Location
	calZone  string
	opts     Options
	out      []Instance
	warnings []error
	warnedTZ map[string]bool
	latest   *time.Time // cache of latestStart
}

func newImporter(cal *component, file string, opts Options) *importer {
	imp := &importer{file: file, cal: cal, zones: newZones(cal), opts: opts, warnedTZ: map[string]bool{}}
	imp.calZone = calendarZone(cal, imp.zones)
	imp.floating = opts.Location
	if imp.floating == nil {
		imp.floating = time.UTC
		if imp.calZone != "" {
			if loc, ok := loadIANA(imp.calZone); ok {
				imp.floating = loc
			}
		}
	}
	return imp
}

func (imp *importer) warnf(line int, format string, args ...any) {
	imp.warnings = append(imp.warnings, fmt.Errorf("%s:%d: %s", imp.file, line, fmt.Sprintf(format, args...)))
}

// value is a parsed DATE or DATE-TIME.
type value struct {
	t      time.Time
	isDate bool
}

// parseValue parses one DATE or DATE-TIME value of p (v may be one item of
// a list). A TZID that cannot be resolved is read as floating, with a
// warning.
func (imp *importer) parseValue(p *prop, v string) (value, error) {
	v = strings.TrimSpace(v)
	if len(v) == 9 && (v[8] == 'Z' || v[8] == 'z') {
		v = v[:8] // "20131210Z": a DATE with a stray Z (Google birthdays)
	}
	if strings.EqualFold(p.param("VALUE"), "DATE") || len(v) == 8 {
		d, err := time.Parse("20060102", v)
		if err != nil {
			return value{}, fmt.Errorf("%s: bad DATE %q", p.Name, v)
		}
		return value{t: time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, imp.floating), isDate: true}, nil
	}
	if strings.HasSuffix(v, "Z") || strings.HasSuffix(v, "z") {
		t, err := time.Parse("20060102T150405", v[:len(v)-1])
		if err != nil {
			return value{}, fmt.Errorf("%s: bad DATE-TIME %q", p.Name, v)
		}
		return value{t: t}, nil
	}
	w, err := time.Parse("20060102T150405", v)
	if err != nil {
		// Some exporters drop the seconds.
		if w, err = time.Parse("20060102T1504", v); err != nil {
			return value{}, fmt.Errorf("%s: bad DATE-TIME %q", p.Name, v)
		}
	}
	loc := imp.floating
	if tz := p.param("TZID"); tz != "" {
		if l, err := imp.zones.resolve(tz); err == nil {
			loc = l
		} else if !imp.warnedTZ[tz] {
			imp.warnedTZ[tz] = true
			imp.warnf(p.Line, "%v: read as floating time in %s", err, loc)
		}
	}
	return value{t: time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, loc)}, nil
}

func (imp *importer) run() {
	type series struct {
		master    *component
		overrides []*component
		order     int
	}
	byUID := map[string]*series{}
	var order []string
	for _, c := range imp.cal.Children {
		if c.Name != "VEVENT" {
			continue
		}
		uid := strings.TrimSpace(c.value("UID"))
		if uid == "" {
			uid = fmt.Sprintf("%s#line%d", imp.file, c.Line)
		}
		s := byUID[uid]
		if s == nil {
			s = &series{order: len(order)}
			byUID[uid] = s
			order = append(order, uid)
		}
		if c.get("RECURRENCE-ID") != nil {
			s.overrides = append(s.overrides, c)
			continue
		}
		if s.master == nil || sequence(c) >= sequence(s.master) {
			s.master = c // a later copy with a higher SEQUENCE wins
		}
	}
	for _, uid := range order {
		s := byUID[uid]
		imp.series(uid, s.master, s.overrides)
	}
}

func sequence(c *component) int {
	n, _ := strconv.Atoi(strings.TrimSpace(c.value("SEQUENCE")))
	return n
}

// timing is the start, end and all-day flag of a VEVENT.
type timing struct {
	start, end time.Time
	allDay     bool
}

func (imp *importer) timing(c *component) (timing, error) {
	ds := c.get("DTSTART")
	if ds == nil {
		return timing{}, fmt.Errorf("VEVENT without DTSTART")
	}
	sv, err := imp.parseValue(ds, ds.Value)
	if err != nil {
		return timing{}, err
	}
	tm := timing{start: sv.t, allDay: sv.isDate}
	switch {
	case c.get("DTEND") != nil:
		de := c.get("DTEND")
		ev, err := imp.parseValue(de, de.Value)
		if err != nil {
			return timing{}, err
		}
		tm.end = ev.t
		if tm.allDay && !ev.isDate {
			tm.end = time.Date(ev.t.Year(), ev.t.Month(), ev.t.Day(), 0, 0, 0, 0, imp.floating)
		}
	case c.get("DURATION") != nil:
		days, d, err := parseDuration(c.value("DURATION"))
		if err != nil {
			imp.warnf(c.get("DURATION").Line, "%v: read as zero length", err)
		}
		tm.end = tm.start.AddDate(0, 0, days).Add(d)
	case tm.allDay:
		tm.end = tm.start.AddDate(0, 0, 1)
	default:
		tm.end = tm.start
	}
	if tm.end.Before(tm.start) {
		tm.end = tm.start
	}
	return tm, nil
}

// parseDuration parses an RFC 5545 duration ("P1D", "PT1H30M", "-P1W")
// into calendar days and an exact remainder.
func parseDuration(s string) (days int, d time.Duration, err error) {
	v := strings.ToUpper(strings.TrimSpace(s))
	neg := strings.HasPrefix(v, "-")
	v = strings.TrimLeft(v, "+-")
	if !strings.HasPrefix(v, "P") || len(v) < 3 {
		return 0, 0, fmt.Errorf("DURATION: bad value %q", s)
	}
	v = v[1:]
	inTime := false
	num := ""
	for _, c := range v {
		switch {
		case c >= '0' && c <= '9':
			num += string(c)
			if len(num) > 9 {
				return 0, 0, fmt.Errorf("DURATION: bad value %q", s)
			}
		case c == 'T':
			inTime = true
		default:
			n, err := strconv.Atoi(num)
			if err != nil {
				return 0, 0, fmt.Errorf("DURATION: bad value %q", s)
			}
			num = ""
			switch {
			case c == 'W' && !inTime:
				days += 7 * n
			case c == 'D' && !inTime:
				days += n
			case c == 'H' && inTime:
				d += time.Duration(n) * time.Hour
			case c == 'M' && inTime:
				d += time.Duration(n) * time.Minute
			case c == 'S' && inTime:
				d += time.Duration(n) * time.Second
			default:
				return 0, 0, fmt.Errorf("DURATION: bad value %q", s)
			}
		}
	}
	if num != "" {
		return 0, 0, fmt.Errorf("DURATION: bad value %q", s)
	}
	if neg {
		return -days, -d, nil
	}
	return days, d, nil
}

// slotKey identifies a series slot: the date for all-day series (so that
// Exchange's DATE-TIME RECURRENCE-ID on a DATE series matches), else the
// instant.
func slotKey(t time.Time, allDay bool) string {
	if allDay {
		return t.Format("2006-01-02")
	}
	return strconv.FormatInt(t.Unix(), 10)
}

func (imp *importer) series(uid string, master *component, overrides []*component) {
	ovr := map[string]*component{}
	var ovrKeys []string
	var mt timing
	if master != nil {
		var err error
		if mt, err = imp.timing(master); err != nil {
			imp.warnf(master.Line, "skip VEVENT: %v", err)
			master = nil
		}
	}
	for _, o := range overrides {
		rp := o.get("RECURRENCE-ID")
		rv, err := imp.parseValue(rp, rp.Value)
		if err != nil {
			imp.warnf(o.Line, "skip VEVENT override: %v", err)
			continue
		}
		allDay := rv.isDate || (master != nil && mt.allDay)
		k := slotKey(rv.t, allDay)
		if prev, ok := ovr[k]; !ok || sequence(o) >= sequence(prev) {
			if !ok {
				ovrKeys = append(ovrKeys, k)
			}
			ovr[k] = o
		}
	}
	if master == nil {
		// Overrides without their series (an invitation to one instance).
		for _, k := range ovrKeys {
			o := ovr[k]
			rp := o.get("RECURRENCE-ID")
			rv, _ := imp.parseValue(rp, rp.Value)
			imp.emit(uid, o, nil, rv.t, true)
		}
		return
	}
	slots, recurring := imp.slots(master, mt)
	dur := mt.end.Sub(mt.start)
	used := map[string]bool{}
	for _, s := range slots {
		k := slotKey(s, mt.allDay)
		if o, ok := ovr[k]; ok {
			used[k] = true
			imp.emit(uid, o, master, s, true)
			continue
		}
		in := timing{start: s, end: s.Add(dur), allDay: mt.allDay}
		if mt.allDay {
			days := int(dur.Round(24*time.Hour) / (24 * time.Hour))
			in.end = s.AddDate(0, 0, days)
		}
		imp.emitTiming(uid, master, nil, s, in, recurring)
	}
	for _, k := range ovrKeys {
		if used[k] {
			continue
		}
		// An override whose slot is outside the window or not generated
		// (moved into the window, or a removed slot): keep it if it
		// itself falls in the window.
		o := ovr[k]
		rp := o.get("RECURRENCE-ID")
		rv, _ := imp.parseValue(rp, rp.Value)
		if imp.excluded(master, rv.t, mt.allDay) {
			continue
		}
		imp.emit(uid, o, master, rv.t, true)
	}
}

// excluded reports whether slot t is removed by an EXDATE of master.
func (imp *importer) excluded(master *component, t time.Time, allDay bool) bool {
	k := slotKey(t, allDay)
	for _, ex := range master.Props["EXDATE"] {
		for _, v := range strings.Split(ex.Value, ",") {
			if ev, err := imp.parseValue(ex, v); err == nil && slotKey(ev.t, allDay) == k {
				return true
			}
		}
	}
	return false
}

// window returns the expansion bounds.
func (imp *importer) window(mt timing) (from, to time.Time) {
	from, to = imp.opts.From, imp.opts.To
	if to.IsZero() {
		to = imp.latestStart().Add(DefaultHorizon)
	}
	if from.IsZero() {
		from = mt.start
	}
	return from, to
}

func (imp *importer) latestStart() time.Time {
	if imp.latest != nil {
		return *imp.latest
	}
	var latest time.Time
	defer func() { imp.latest = &latest }()
	for _, c := range imp.cal.Children {
		if c.Name != "VEVENT" || c.get("DTSTART") == nil {
			continue
		}
		if v, err := imp.parseValue(c.get("DTSTART"), c.value("DTSTART")); err == nil && v.t.After(latest) {
			latest = v.t
		}
	}
	return latest
}

// slots returns the start of every slot of master's series that may
// overlap the window, EXDATEs removed, in time order.
func (imp *importer) slots(master *component, mt timing) ([]time.Time, bool) {
	rrules := master.Props["RRULE"]
	rdates := master.Props["RDATE"]
	if len(rrules) == 0 && len(rdates) == 0 {
		return []time.Time{mt.start}, false
	}
	from, to := imp.window(mt)
	lo := from.Add(-(mt.end.Sub(mt.start)))
	set := map[int64]time.Time{mt.start.Unix(): mt.start}
	for _, rp := range rrules {
		r, err := imp.rule(rp, mt)
		if err != nil {
			imp.warnf(rp.Line, "RRULE: %v: only DTSTART and RDATEs kept", err)
			continue
		}
		next := r.Iterator()
		n := 0
		for {
			t, ok := next()
			if !ok || !t.Before(to) {
				break
			}
			if n++; n > imp.opts.MaxInstances {
				imp.warnf(rp.Line, "series cut at %d instances", imp.opts.MaxInstances)
				break
			}
			if t.After(lo) || t.Equal(lo) {
				set[t.Unix()] = t
			}
		}
	}
	for _, rd := range rdates {
		for _, v := range strings.Split(rd.Value, ",") {
			if i := strings.IndexByte(v, '/'); i >= 0 { // PERIOD: start/end
				v = v[:i]
			}
			dv, err := imp.parseValue(rd, v)
			if err != nil {
				imp.warnf(rd.Line, "RDATE: %v", err)
				continue
			}
			t := dv.t
			if mt.allDay && !dv.isDate {
				t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, imp.floating)
			}
			set[t.Unix()] = t
		}
	}
	out := make([]time.Time, 0, len(set))
	for _, t := range set {
		if imp.excluded(master, t, mt.allDay) {
			continue
		}
		if t.Before(lo) || !t.Before(to) {
			continue
		}
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out, true
}

// rule builds the RRULE of a series starting at mt.start. A date-only
// UNTIL on a timed series means the end of that day in the series' zone
// (Google writes these); X- parts are dropped.
func (imp *importer) rule(rp *prop, mt timing) (*rrule.RRule, error) {
	var parts []string
	var untilDate string
	for _, part := range strings.Split(rp.Value, ";") {
		k, v, _ := strings.Cut(part, "=")
		k = strings.ToUpper(strings.TrimSpace(k))
		switch {
		case k == "" || strings.HasPrefix(k, "X-"):
			continue
		case k == "UNTIL" && len(strings.TrimSpace(v)) == 8:
			untilDate = strings.TrimSpace(v)
			continue
		}
		parts = append(parts, k+"="+strings.TrimSpace(v))
	}
	opt, err := rrule.StrToROptionInLocation(strings.Join(parts, ";"), mt.start.Location())
	if err != nil {
		return nil, err
	}
	if opt.Interval < 0 || opt.Count < 0 {
		return nil, fmt.Errorf("negative INTERVAL or COUNT")
	}
	if opt.Interval > maxInterval {
		// Larger intervals overflow the expander's date arithmetic.
		return nil, fmt.Errorf("INTERVAL=%d is larger than %d", opt.Interval, maxInterval)
	}
	if opt.Freq > rrule.DAILY {
		// HOURLY, MINUTELY and SECONDLY series cannot be made in Google
		// Calendar or Outlook, and a rule that never matches would make the
		// expander step through every second until year 9999.
		return nil, fmt.Errorf("FREQ=%s is not supported (sub-daily)", opt.Freq)
	}
	if untilDate != "" {
		d, err := time.Parse("20060102", untilDate)
		if err != nil {
			return nil, fmt.Errorf("bad UNTIL %q", untilDate)
		}
		loc := mt.start.Location()
		opt.Until = time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 59, 0, loc)
		if mt.allDay {
			opt.Until = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
		}
	} else if !opt.Until.IsZero() && mt.allDay {
		// A DATE-TIME UNTIL on an all-day series (Exchange writes the
		// UTC instant of local midnight): compare by date.
		u := opt.Until.In(mt.start.Location())
		opt.Until = time.Date(u.Year(), u.Month(), u.Day(), 23, 59, 59, 0, mt.start.Location())
	}
	opt.Dtstart = mt.start
	return rrule.NewRRule(*opt)
}

// emit adds the instance described by o (an override, or a single event),
// with master's properties as fallback.
func (imp *importer) emit(uid string, o, master *component, slot time.Time, recurring bool) {
	tm, err := imp.timing(o)
	if err != nil {
		if master == nil {
			imp.warnf(o.Line, "skip VEVENT: %v", err)
			return
		}
		// An override without its own DTSTART keeps the slot.
		mt, _ := imp.timing(master)
		tm = timing{start: slot, end: slot.Add(mt.end.Sub(mt.start)), allDay: mt.allDay}
	}
	imp.emitTiming(uid, o, master, slot, tm, recurring)
}

func (imp *importer) emitTiming(uid string, c, master *component, slot time.Time, tm timing, recurring bool) {
	if !imp.opts.From.IsZero() && !tm.end.After(imp.opts.From) && !(tm.end.Equal(tm.start) && tm.start.Equal(imp.opts.From)) {
		return
	}
	if !imp.opts.To.IsZero() && !tm.start.Before(imp.opts.To) {
		return
	}
	get := func(name string) *prop {
		if p := c.get(name); p != nil {
			return p
		}
		if master != nil {
			return master.get(name)
		}
		return nil
	}
	val := func(name string) string {
		if p := get(name); p != nil {
			return strings.TrimSpace(p.Value)
		}
		return ""
	}
	in := Instance{
		UID: uid, OriginalStart: slot, Start: tm.start, End: tm.end, AllDay: tm.allDay,
		Recurring:   recurring,
		Cancelled:   strings.EqualFold(val("STATUS"), "CANCELLED"),
		Transparent: strings.EqualFold(val("TRANSP"), "TRANSPARENT"),
		BusyStatus:  strings.ToUpper(val("X-MICROSOFT-CDO-BUSYSTATUS")),
		TitleClass:  synthetic.TitleClass(unescapeText(val("SUMMARY"))),
		Line:        c.Line,
	}
	if in.BusyStatus == "" {
		in.BusyStatus = strings.ToUpper(val("X-MICROSOFT-CDO-INTENDEDSTATUS"))
	}
	if p := get("ORGANIZER"); p != nil {
		in.Organizer = mailto(p.Value)
	}
	attendees := c.Props["ATTENDEE"]
	if len(attendees) == 0 && master != nil {
		attendees = master.Props["ATTENDEE"]
	}
	for _, a := range attendees {
		cu := strings.ToUpper(a.param("CUTYPE"))
		in.Attendees = append(in.Attendees, Attendee{
			Email:    mailto(a.Value),
			PartStat: strings.ToUpper(strings.TrimSpace(a.param("PARTSTAT"))),
			Resource: cu == "ROOM" || cu == "RESOURCE",
		})
	}
	if cr := get("CREATED"); cr != nil {
		if v, err := imp.parseValue(cr, cr.Value); err == nil {
			in.Created = v.t
		}
	}
	in.Online = get("X-GOOGLE-CONFERENCE") != nil || get("CONFERENCE") != nil ||
		get("X-MICROSOFT-SKYPETEAMSMEETINGURL") != nil || get("X-MICROSOFT-ONLINEMEETINGCONFLINK") != nil ||
		onlineLocation(val("LOCATION"))
	imp.out = append(imp.out, in)
}

// onlineLocation reports whether a LOCATION is a video-call link. The
// location itself is never kept.
func onlineLocation(loc string) bool {
	l := strings.ToLower(loc)
	for _, host := range []string{"meet.google.com", "teams.microsoft.com", "zoom.us", "webex.com", "whereby.com"} {
		if strings.Contains(l, host) {
			return true
		}
	}
	return false
}

// mailto returns the lowercase address of a CAL-ADDRESS ("mailto:a@b").
func mailto(v string) string {
	v = strings.TrimSpace(v)
	if len(v) >= 7 && strings.EqualFold(v[:7], "mailto:") {
		v = v[7:]
	}
	if !strings.Contains(v, "@") {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(v))
}

// unescapeText undoes RFC 5545 TEXT escaping.
func unescapeText(s string) string {
	r := strings.NewReplacer(`\n`, " ", `\N`, " ", `\,`, ",", `\;`, ";", `\\`, `\`)
	return r.Replace(s)
}
