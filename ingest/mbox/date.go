package mbox

import (
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"
)

// maxOffset is the largest UTC offset ParseDate accepts: real zones range
// from -12:00 to +14:00, so anything beyond ±15:59 is a broken header.
const maxOffset = 16 * time.Hour

// zoneNames are the zone abbreviations real mailers write instead of a
// numeric offset: RFC 822's obsolete names plus common ones seen in the wild.
var zoneNames = map[string]int{ // seconds east of UTC
	"UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0,
	"EST": -5 * 3600, "EDT": -4 * 3600, "CST": -6 * 3600, "CDT": -5 * 3600,
	"MST": -7 * 3600, "MDT": -6 * 3600, "PST": -8 * 3600, "PDT": -7 * 3600,
	"AST": -4 * 3600, "ADT": -3 * 3600, "AKST": -9 * 3600, "AKDT": -8 * 3600,
	"HST": -10 * 3600, "BST": 3600, "IST": 3600, "CET": 3600, "CEST": 2 * 3600,
	"MET": 3600, "MEST": 2 * 3600, "EET": 2 * 3600, "EEST": 3 * 3600, "WEST": 3600,
	"JST": 9 * 3600, "KST": 9 * 3600, "HKT": 8 * 3600, "SGT": 8 * 3600,
	"AEST": 10 * 3600, "AEDT": 11 * 3600, "NZST": 12 * 3600, "NZDT": 13 * 3600,
}

var months = map[string]time.Month{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}

// errNoDate is returned by ParseDate for an empty header.
var errNoDate = errors.New("empty date")

// ParseDate parses the value of a Date header. It accepts RFC 5322 dates
// (net/mail.ParseDate) and the malformed forms real mailers write: no
// weekday or a wrong one, two-digit years, missing seconds, zone names
// (EDT, "Eastern Daylight Time") or comments instead of an offset, offsets
// without a sign, ISO 8601, ctime ("Thu Aug 22 12:36:23 2002") and
// "2002/09/14 Sat 02:29:32 CDT". A missing or unknown zone means UTC.
// Offsets beyond ±15:59 and impossible dates are errors that quote the value.
func ParseDate(s string) (time.Time, error) {
	v := strings.TrimSpace(s)
	if v == "" {
		return time.Time{}, errNoDate
	}
	if t, err := mail.ParseDate(v); err == nil {
		// net/mail reads a zone abbreviation as +0000 unless it is UTC's:
		// give the common ones their real offset.
		if name, off := t.Zone(); off == 0 && zoneNames[strings.ToUpper(name)] != 0 {
			t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.FixedZone(name, zoneNames[strings.ToUpper(name)]))
		}
		if err := checkOffset(t); err != nil {
			return time.Time{}, fmt.Errorf("parse date %q: %w", s, err)
		}
		return t, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	t, err := parseLoose(v)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse date %q: %w", s, err)
	}
	return t, nil
}

func checkOffset(t time.Time) error {
	_, off := t.Zone()
	if d := time.Duration(off) * time.Second; d >= maxOffset || d <= -maxOffset {
		return fmt.Errorf("utc offset %+d seconds is out of range", off)
	}
	return nil
}

// parseLoose parses a date token by token: a day, a month name, a year
// (two or four digits), a time h:mm[:ss] and an optional zone, in the
// orders real mailers use. Weekday names and comments are ignored.
func parseLoose(v string) (time.Time, error) {
	toks := tokens(v)
	var (
		day, year, off   int
		month            time.Month
		hh, mm, ss       = -1, 0, 0
		haveDay, haveOff bool
		yearDigits       int
		pm, am           bool
	)
	for i := 0; i < len(toks); i++ {
		tk := toks[i]
		lo := strings.ToLower(tk)
		switch {
		case strings.Contains(tk, ":"):
			if hh >= 0 {
				return time.Time{}, fmt.Errorf("two times in %q", v)
			}
			parts := strings.Split(tk, ":")
			if len(parts) > 3 {
				return time.Time{}, fmt.Errorf("bad time %q", tk)
			}
			nums := []*int{&hh, &mm, &ss}
			for j, p := range parts {
				n, err := strconv.Atoi(p)
				if err != nil || n < 0 {
					return time.Time{}, fmt.Errorf("bad time %q", tk)
				}
				*nums[j] = n
			}
		case strings.Contains(tk, "/"): // 2002/09/14
			parts := strings.Split(tk, "/")
			if len(parts) != 3 {
				return time.Time{}, fmt.Errorf("bad date %q", tk)
			}
			y, e1 := strconv.Atoi(parts[0])
			m, e2 := strconv.Atoi(parts[1])
			d, e3 := strconv.Atoi(parts[2])
			if e1 != nil || e2 != nil || e3 != nil || m < 1 || m > 12 {
				return time.Time{}, fmt.Errorf("bad date %q", tk)
			}
			year, yearDigits, month, day, haveDay = y, len(parts[0]), time.Month(m), d, true
		case (tk[0] == '+' || tk[0] == '-') && len(tk) == 5 && allDigits(tk[1:]):
			o, err := offsetSeconds(tk)
			if err != nil {
				return time.Time{}, err
			}
			off, haveOff = o, true
		case allDigits(tk):
			n, _ := strconv.Atoi(tk)
			switch {
			case len(tk) == 4 && hh >= 0 && month != 0 && year != 0 && !haveOff:
				// An offset without a sign after the time: "12:00:00 0100".
				o, err := offsetSeconds("+" + tk)
				if err != nil {
					return time.Time{}, err
				}
				off, haveOff = o, true
			case !haveDay && len(tk) <= 2:
				day, haveDay = n, true
			case year == 0 && month != 0:
				year, yearDigits = n, len(tk)
			case !haveDay:
				day, haveDay = n, true
			default:
				return time.Time{}, fmt.Errorf("unexpected number %q", tk)
			}
		case months[trimDot(lo)] != 0 || (len(lo) > 3 && months[lo[:3]] != 0 && isMonthName(lo)):
			if month != 0 {
				return time.Time{}, fmt.Errorf("two months in %q", v)
			}
			month = months[trimDot(lo)[:3]]
		case lo == "am":
			am = true
		case lo == "pm":
			pm = true
		case isWeekday(lo):
			// ignored: weekdays are redundant and often wrong
		default:
			up := strings.ToUpper(tk)
			if o, ok := zoneNames[up]; ok && !haveOff {
				off, haveOff = o, true
				continue
			}
			if o, n, ok := longZoneName(toks[i:]); ok && !haveOff {
				off, haveOff = o, true
				i += n - 1
				continue
			}
			// Unknown words (a zone name we do not know) are ignored, as
			// other mail readers do, and the time is taken as UTC.
		}
	}
	if month == 0 || !haveDay || year == 0 && yearDigits == 0 {
		return time.Time{}, fmt.Errorf("no day, month and year in %q", v)
	}
	if hh < 0 {
		hh = 0
	}
	if yearDigits <= 2 {
		if year < 50 {
			year += 2000
		} else {
			year += 1900
		}
	} else if yearDigits == 3 {
		year += 1900
	}
	if pm && hh < 12 {
		hh += 12
	} else if am && hh == 12 {
		hh = 0
	}
	if day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60 || year > 9999 {
		return time.Time{}, fmt.Errorf("impossible date or time in %q", v)
	}
	if ss == 60 {
		ss = 59
	}
	if d := time.Date(year, month, day, 0, 0, 0, 0, time.UTC); d.Day() != day {
		return time.Time{}, fmt.Errorf("%s has no day %d", month, day)
	}
	loc := time.UTC
	if off != 0 {
		loc = time.FixedZone("", off)
	}
	return time.Date(year, month, day, hh, mm, ss, 0, loc), nil
}

// tokens splits a date into words, dropping comments in parentheses and
// commas.
func tokens(v string) []string {
	var b strings.Builder
	depth := 0
	for _, r := range v {
		switch {
		case r == '(':
			depth++
			b.WriteByte(' ')
		case r == ')' && depth > 0:
			depth--
		case depth > 0:
		case r == ',':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	var out []string
	for _, f := range strings.Fields(b.String()) {
		// "22-Aug-2002" is one token in some mailers.
		if strings.Count(f, "-") == 2 && f[0] != '-' {
			for _, p := range strings.Split(f, "-") {
				if p != "" {
					out = append(out, p)
				}
			}
			continue
		}
		out = append(out, f)
	}
	return out
}

func offsetSeconds(tk string) (int, error) {
	h, _ := strconv.Atoi(tk[1:3])
	m, _ := strconv.Atoi(tk[3:5])
	if m > 59 || time.Duration(h)*time.Hour >= maxOffset {
		return 0, fmt.Errorf("utc offset %q is out of range", tk)
	}
	s := h*3600 + m*60
	if tk[0] == '-' {
		s = -s
	}
	return s, nil
}

// longZoneName recognises Windows-style zone names such as "Eastern
// Daylight Time" at the start of toks and returns the offset and the
// number of tokens used.
func longZoneName(toks []string) (off, n int, ok bool) {
	if len(toks) < 3 || !strings.EqualFold(toks[2], "time") {
		return 0, 0, false
	}
	region := map[string]int{"eastern": -5, "central": -6, "mountain": -7, "pacific": -8}
	h, found := region[strings.ToLower(toks[0])]
	if !found {
		return 0, 0, false
	}
	switch strings.ToLower(toks[1]) {
	case "daylight":
		h++
	case "standard":
	default:
		return 0, 0, false
	}
	return h * 3600, 3, true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func trimDot(s string) string { return strings.TrimSuffix(s, ".") }

func isMonthName(lo string) bool {
	for _, n := range []string{"january", "february", "march", "april", "june", "july", "august", "september", "october", "november", "december"} {
		if lo == n {
			return true
		}
	}
	return false
}

func isWeekday(lo string) bool {
	lo = trimDot(lo)
	if len(lo) < 3 {
		return false
	}
	for _, n := range []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"} {
		if strings.HasPrefix(n, lo) {
			return true
		}
	}
	return false
}
