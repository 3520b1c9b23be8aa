package dataset

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// A Week is an ISO 8601 week, such as 2026-W47. It names partitions
// (week=2026-W47) and the weeks an analysis covers.
type Week struct {
	Year int
	Num  int // 1..53
}

// WeekOf returns the ISO week (UTC) of t.
func WeekOf(t time.Time) Week {
	y, w := t.UTC().ISOWeek()
	return Week{Year: y, Num: w}
}

// ParseWeek parses "2026-W47" (also "2026W47" and "2026-w47").
func ParseWeek(s string) (Week, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	i := strings.Index(u, "W")
	if i < 4 {
		return Week{}, fmt.Errorf("parse week %q: want YYYY-Www, e.g. 2026-W47", s)
	}
	y, err1 := strconv.Atoi(strings.TrimSuffix(u[:i], "-"))
	n, err2 := strconv.Atoi(u[i+1:])
	if err1 != nil || err2 != nil || y < 1 || y > 9999 || n < 1 || n > 53 {
		return Week{}, fmt.Errorf("parse week %q: want YYYY-Www, e.g. 2026-W47", s)
	}
	w := Week{Year: y, Num: n}
	if WeekOf(w.Monday()) != w {
		return Week{}, fmt.Errorf("parse week %q: year %d has no week %d", s, y, n)
	}
	return w, nil
}

// String returns the week as "2026-W47".
func (w Week) String() string { return fmt.Sprintf("%04d-W%02d", w.Year, w.Num) }

// Monday returns the Monday 00:00 UTC that starts w, as a calendar date.
func (w Week) Monday() time.Time {
	// January 4th is always in week 1.
	jan4 := time.Date(w.Year, 1, 4, 0, 0, 0, 0, time.UTC)
	off := (int(jan4.Weekday()) + 6) % 7 // days since Monday
	return jan4.AddDate(0, 0, -off+(w.Num-1)*7)
}

// Add returns the week n weeks after w (n may be negative).
func (w Week) Add(n int) Week { return WeekOf(w.Monday().AddDate(0, 0, 7*n)) }

// Before reports whether w is earlier than v.
func (w Week) Before(v Week) bool {
	return w.Year < v.Year || (w.Year == v.Year && w.Num < v.Num)
}

// Set implements pflag.Value so a Week can be a command-line flag.
func (w *Week) Set(s string) error {
	v, err := ParseWeek(s)
	if err != nil {
		return err
	}
	*w = v
	return nil
}

// Type implements pflag.Value.
func (w *Week) Type() string { return "week" }

// ParseWeeks parses a comma-separated list of weeks ("2026-W10,2026-W11")
// and ranges ("2026-W10..2026-W14").
func ParseWeeks(s string) ([]Week, error) {
	var out []Week
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if a, b, ok := strings.Cut(part, ".."); ok {
			from, err := ParseWeek(a)
			if err != nil {
				return nil, err
			}
			to, err := ParseWeek(b)
			if err != nil {
				return nil, err
			}
			if to.Before(from) {
				return nil, fmt.Errorf("parse weeks %q: range ends before it starts", part)
			}
			for w := from; !to.Before(w); w = w.Add(1) {
				out = append(out, w)
			}
			continue
		}
		w, err := ParseWeek(part)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, nil
}
