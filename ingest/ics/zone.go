package ics

import (
	"encoding/binary"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/teambition/rrule-go"
)

// zoneYears bounds the transitions built from a VTIMEZONE definition.
const (
	zoneFirstYear = 1900
	zoneLastYear  = 2100
)

var windowsByName = func() map[string]string {
	m := make(map[string]string, 2*len(windowsZones))
	for _, z := range windowsZones {
		m[strings.ToLower(z[0])] = z[1]
		m[strings.ToLower(z[2])] = z[1]
	}
	return m
}()

// WindowsZone returns the IANA zone of a Windows time zone id ("W. Europe
// Standard Time") or display name ("(UTC+01:00) Amsterdam, Berlin, Bern,
// Rome, Stockholm, Vienna"), per CLDR; ok is false if it is not one.
func WindowsZone(name string) (iana string, ok bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	if iana, ok = windowsByName[n]; ok {
		return iana, true
	}
	// Older Outlook versions write "(GMT+10.00) Canberra, Melbourne, Sydney".
	if m := displayPrefix.FindStringSubmatch(n); m != nil {
		n = "(utc" + m[1] + ":" + m[2] + ")" + n[len(m[0]):]
		iana, ok = windowsByName[n]
	}
	return iana, ok
}

var displayPrefix = regexp.MustCompile(`^\((?:gmt|utc)([+-]\d{2})[:.](\d{2})\)`)

// A zones resolves TZID parameters to locations.
type zones struct {
	defs  map[string]*component // VTIMEZONE by TZID
	cache map[string]*time.Location
	errs  map[string]error
}

func newZones(cal *component) *zones {
	z := &zones{defs: map[string]*component{}, cache: map[string]*time.Location{}, errs: map[string]error{}}
	for _, c := range cal.Children {
		if c.Name == "VTIMEZONE" {
			if id := strings.TrimSpace(c.value("TZID")); id != "" {
				z.defs[id] = c
			}
		}
	}
	return z
}

// loadIANA loads an IANA zone name; it refuses "Local" and names that
// cannot be one.
func loadIANA(name string) (*time.Location, bool) {
	if name == "" || name == "Local" || len(name) > 128 || strings.Contains(name, "..") || strings.ContainsAny(name, " \\:") {
		return nil, false
	}
	loc, err := time.LoadLocation(name)
	return loc, err == nil
}

var offsetTZID = regexp.MustCompile(`^\(?(?:UTC|GMT)\s*([+-])(\d{1,2})(?:[:.]?(\d{2}))?\)?`)

// resolve returns the location of a TZID: an IANA name, a Windows name
// (CLDR), an IANA name behind a vendor prefix ("/mozilla.org/…/Europe/Berlin"),
// the X-LIC-LOCATION or rules of the file's VTIMEZONE, or a fixed offset
// written in the name ("UTC+01", "(UTC+01:00) …").
func (z *zones) resolve(tzid string) (*time.Location, error) {
	id := strings.TrimSpace(strings.Trim(tzid, `"`))
	if loc, ok := z.cache[id]; ok {
		return loc, nil
	}
	if err, ok := z.errs[id]; ok {
		return nil, err
	}
	loc, err := z.lookup(id)
	if err != nil {
		z.errs[id] = err
		return nil, err
	}
	z.cache[id] = loc
	return loc, nil
}

func (z *zones) lookup(id string) (*time.Location, error) {
	if strings.EqualFold(id, "UTC") || strings.EqualFold(id, "GMT") || strings.EqualFold(id, "Z") {
		return time.UTC, nil
	}
	if loc, ok := loadIANA(id); ok {
		return loc, nil
	}
	if iana, ok := WindowsZone(id); ok {
		if loc, ok := loadIANA(iana); ok {
			return loc, nil
		}
	}
	for i := 0; i < len(id); i++ {
		if id[i] == '/' && strings.Contains(id[i+1:], "/") {
			if loc, ok := loadIANA(id[i+1:]); ok {
				return loc, nil
			}
		}
	}
	if def := z.defs[id]; def != nil {
		if loc, ok := loadIANA(strings.TrimSpace(def.value("X-LIC-LOCATION"))); ok {
			return loc, nil
		}
		if loc, err := fromVTimezone(id, def); err == nil {
			return loc, nil
		}
	}
	if m := offsetTZID.FindStringSubmatch(id); m != nil {
		h, _ := strconv.Atoi(m[2])
		mm, _ := strconv.Atoi(m[3])
		off := h*3600 + mm*60
		if m[1] == "-" {
			off = -off
		}
		if h <= 14 && mm < 60 {
			return time.FixedZone(id, off), nil
		}
	}
	return nil, fmt.Errorf("unknown time zone %q (not IANA, not a Windows zone, no usable VTIMEZONE)", id)
}

type transition struct {
	at     int64 // Unix seconds
	offset int
	isDST  bool
}

// fromVTimezone builds a location from the STANDARD and DAYLIGHT rules of
// a VTIMEZONE, expanded from 1900 to 2100, as TZif data.
func fromVTimezone(id string, def *component) (*time.Location, error) {
	var trs []transition
	for _, obs := range def.Children {
		if obs.Name != "STANDARD" && obs.Name != "DAYLIGHT" {
			continue
		}
		to, err1 := parseUTCOffset(obs.value("TZOFFSETTO"))
		from, err2 := parseUTCOffset(obs.value("TZOFFSETFROM"))
		if err1 != nil {
			return nil, fmt.Errorf("vtimezone %s line %d: TZOFFSETTO: %w", id, obs.Line, err1)
		}
		if err2 != nil {
			from = to
		}
		start, err := parseLocal(obs.value("DTSTART"))
		if err != nil {
			return nil, fmt.Errorf("vtimezone %s line %d: DTSTART: %w", id, obs.Line, err)
		}
		var onsets []time.Time // wall clock, in UTC's clothes
		if start.Year() >= zoneFirstYear {
			onsets = append(onsets, start)
		}
		if rr := obs.get("RRULE"); rr != nil {
			opt, err := rrule.StrToROptionInLocation(rr.Value, time.UTC)
			if err == nil {
				// rrule-go yields nothing from Outlook's DTSTART in 1601:
				// start the yearly rule in zoneFirstYear instead.
				opt.Dtstart = start
				if start.Year() < zoneFirstYear {
					opt.Dtstart = time.Date(zoneFirstYear, start.Month(), start.Day(), start.Hour(), start.Minute(), start.Second(), 0, time.UTC)
				}
				if r, err := rrule.NewRRule(*opt); err == nil {
					lo := time.Date(zoneFirstYear, 1, 1, 0, 0, 0, 0, time.UTC)
					hi := time.Date(zoneLastYear, 1, 1, 0, 0, 0, 0, time.UTC)
					onsets = append(onsets, r.Between(lo, hi, true)...)
				}
			}
		}
		for _, rd := range obs.Props["RDATE"] {
			for _, v := range strings.Split(rd.Value, ",") {
				if t, err := parseLocal(v); err == nil {
					onsets = append(onsets, t)
				}
			}
		}
		for _, o := range onsets {
			trs = append(trs, transition{at: o.Unix() - int64(from), offset: to, isDST: obs.Name == "DAYLIGHT"})
		}
	}
	if len(trs) == 0 {
		return nil, fmt.Errorf("vtimezone %s has no usable observance", id)
	}
	sort.Slice(trs, func(i, j int) bool { return trs[i].at < trs[j].at })
	return time.LoadLocationFromTZData(id, tzif(trs))
}

// parseLocal parses a DATE-TIME or DATE value as wall-clock time in UTC.
func parseLocal(v string) (time.Time, error) {
	v = strings.TrimSuffix(strings.TrimSpace(v), "Z")
	if t, err := time.Parse("20060102T150405", v); err == nil {
		return t, nil
	}
	return time.Parse("20060102", v)
}

// parseUTCOffset parses "+0100", "-0530" or "+013000".
func parseUTCOffset(v string) (int, error) {
	v = strings.TrimSpace(v)
	if (len(v) != 5 && len(v) != 7) || (v[0] != '+' && v[0] != '-') {
		return 0, fmt.Errorf("bad utc offset %q", v)
	}
	n := 0
	for i, c := range v[1:] {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("bad utc offset %q", v)
		}
		_ = i
	}
	h, _ := strconv.Atoi(v[1:3])
	m, _ := strconv.Atoi(v[3:5])
	s := 0
	if len(v) == 7 {
		s, _ = strconv.Atoi(v[5:7])
	}
	if h > 23 || m > 59 || s > 59 {
		return 0, fmt.Errorf("bad utc offset %q", v)
	}
	n = h*3600 + m*60 + s
	if v[0] == '-' {
		n = -n
	}
	return n, nil
}

// tzif encodes transitions as TZif version 2 data (RFC 8536) for
// time.LoadLocationFromTZData: an empty version 1 block, then 64-bit
// transition times.
func tzif(trs []transition) []byte {
	type ttype struct {
		off int
		dst bool
	}
	var types []ttype
	idx := map[ttype]int{}
	var times []int64
	var which []byte
	for _, t := range trs {
		k := ttype{t.offset, t.isDST}
		i, ok := idx[k]
		if !ok {
			if len(types) == 255 {
				continue
			}
			i = len(types)
			idx[k] = i
			types = append(types, k)
		}
		if n := len(times); n > 0 && times[n-1] == t.at {
			which[n-1] = byte(i)
			continue
		}
		times = append(times, t.at)
		which = append(which, byte(i))
	}
	header := func(b []byte, timecnt, typecnt, charcnt int) []byte {
		b = append(b, "TZif2"...)
		b = append(b, make([]byte, 15)...)
		for _, n := range []int{0, 0, 0, timecnt, typecnt, charcnt} { // isutcnt isstdcnt leapcnt timecnt typecnt charcnt
			b = binary.BigEndian.AppendUint32(b, uint32(n))
		}
		return b
	}
	var b []byte
	b = header(b, 0, 1, 1) // v1 block: one type, one NUL abbreviation
	b = append(b, 0, 0, 0, 0, 0, 0, 0)
	b = header(b, len(times), len(types), 1)
	for _, t := range times {
		b = binary.BigEndian.AppendUint64(b, uint64(t))
	}
	b = append(b, which...)
	for _, t := range types {
		b = binary.BigEndian.AppendUint32(b, uint32(int32(t.off)))
		dst := byte(0)
		if t.dst {
			dst = 1
		}
		b = append(b, dst, 0)
	}
	b = append(b, 0)         // abbreviations: one empty string
	b = append(b, "\n\n"...) // no POSIX TZ footer
	return b
}
