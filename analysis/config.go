package analysis

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Focus measures (Config.FocusMeasure).
const (
	// FocusMeetingFree: Focus_hours are the pieces of WH − meetings of at
	// least FocusMinutes (Clockwise, legacy Workplace Analytics).
	FocusMeetingFree = "meeting_free"
	// FocusUninterrupted: Focus_hours are the pieces of WH − collaboration
	// of at least FocusMinutes (Viva Insights' uninterrupted hours).
	FocusUninterrupted = "uninterrupted"
)

// Collaboration modes (Config.CollaborationMode).
const (
	// CollabUnion: Collaboration_hours = |meetings ∪ email ∪ chat| (SPEC §5).
	CollabUnion = "union"
	// CollabSum: Collaboration_hours = Meeting_hours + Email_hours, the
	// legacy Workplace Analytics definition (chat not included).
	CollabSum = "sum"
)

// Config holds every constant of the metric definitions (SPEC §3–§7). The
// zero value is not useful: start from a preset (Preset) and override fields.
type Config struct {
	Preset string `yaml:"preset,omitempty"`

	// WeekStart is the local weekday a week starts on: Monday (ISO) or Sunday (viva).
	WeekStart string `yaml:"week_start"`

	// Working-hour defaults for people whose own settings are empty.
	DefaultTimeZone  string `yaml:"default_time_zone"`
	DefaultWorkStart string `yaml:"default_work_start"`
	DefaultWorkEnd   string `yaml:"default_work_end"`
	DefaultWorkDays  string `yaml:"default_work_days"`

	MaxMeetingHours float64 `yaml:"max_meeting_hours"`
	CountTentative  bool    `yaml:"count_tentative"`

	EmailSendMinutes float64 `yaml:"email_send_minutes"`
	ChatSendMinutes  float64 `yaml:"chat_send_minutes"`
	EmailReadMinutes float64 `yaml:"email_read_minutes"`
	ChatReadMinutes  float64 `yaml:"chat_read_minutes"`

	FocusMeasure         string  `yaml:"focus_measure"`
	FocusMinutes         float64 `yaml:"focus_minutes"`
	UninterruptedMinutes float64 `yaml:"uninterrupted_minutes"`
	FragmentedMinutes    float64 `yaml:"fragmented_minutes"`

	CollaborationMode string `yaml:"collaboration_mode"`

	SmallMeetingMaxInvitees int32   `yaml:"small_meeting_max_invitees"`
	ShortMeetingMaxMinutes  float64 `yaml:"short_meeting_max_minutes"`

	AboveTypicalShare float64 `yaml:"above_typical_share"`
	OverloadedShare   float64 `yaml:"overloaded_share"`
	CreationReference float64 `yaml:"creation_reference_share"`

	MinGroupSize int `yaml:"min_group_size"`
}

// PresetNames lists the named presets of SPEC §7.
func PresetNames() []string { return []string{"default", "viva", "viva-legacy", "clockwise"} }

// Preset returns the named preset (SPEC §7).
func Preset(name string) (Config, error) {
	c := Config{
		Preset:                  "default",
		WeekStart:               "Monday",
		DefaultTimeZone:         "UTC",
		DefaultWorkStart:        "09:00",
		DefaultWorkEnd:          "17:00",
		DefaultWorkDays:         "Mon,Tue,Wed,Thu,Fri",
		MaxMeetingHours:         8,
		EmailSendMinutes:        5,
		ChatSendMinutes:         1,
		EmailReadMinutes:        1.5,
		ChatReadMinutes:         0.5,
		FocusMeasure:            FocusMeetingFree,
		FocusMinutes:            120,
		UninterruptedMinutes:    60,
		FragmentedMinutes:       60,
		CollaborationMode:       CollabUnion,
		SmallMeetingMaxInvitees: 8,
		ShortMeetingMaxMinutes:  60,
		AboveTypicalShare:       0.57,
		OverloadedShare:         0.85,
		CreationReference:       0.43,
		MinGroupSize:            5,
	}
	switch name {
	case "", "default":
	case "viva":
		c.Preset = name
		c.WeekStart = "Sunday"
		c.DefaultWorkStart = "08:00"
		c.MaxMeetingHours = 24
		c.FocusMeasure = FocusUninterrupted
		c.FocusMinutes = 60
	case "viva-legacy":
		c.Preset = name
		c.CollaborationMode = CollabSum
		c.CountTentative = true
		c.FocusMeasure = FocusMeetingFree
		c.FocusMinutes = 120
	case "clockwise":
		c.Preset = name
		c.FocusMeasure = FocusMeetingFree
		c.FocusMinutes = 120
	default:
		return Config{}, fmt.Errorf("unknown preset %q (want one of %s)", name, strings.Join(PresetNames(), ", "))
	}
	return c, nil
}

// LoadConfig reads a YAML file of Config fields. The file's `preset` (else
// basePreset, else "default") is applied first, then the fields the file
// sets. Unknown fields are errors. The result is validated.
func LoadConfig(path, basePreset string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("read config: %w", err)
	}
	var head struct {
		Preset string `yaml:"preset"`
	}
	if err := yaml.Unmarshal(data, &head); err != nil {
		return Config{}, fmt.Errorf("config %s: %w", path, err)
	}
	if head.Preset == "" {
		head.Preset = basePreset
	}
	c, err := Preset(head.Preset)
	if err != nil {
		return Config{}, fmt.Errorf("config %s: %w", path, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("config %s: %w", path, err)
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("config %s: %w", path, err)
	}
	return c, nil
}

// Validate checks every field and names the first bad one.
func (c Config) Validate() error {
	bad := func(field string, v any, want string) error {
		return fmt.Errorf("%s: %v is not valid (%s)", field, v, want)
	}
	if _, err := c.weekStart(); err != nil {
		return bad("week_start", c.WeekStart, "want Monday or Sunday")
	}
	if _, err := time.LoadLocation(c.DefaultTimeZone); err != nil {
		return bad("default_time_zone", c.DefaultTimeZone, "want an IANA zone such as Europe/Paris")
	}
	if _, err := parseClock(c.DefaultWorkStart); err != nil {
		return bad("default_work_start", c.DefaultWorkStart, "want HH:MM")
	}
	if _, err := parseClock(c.DefaultWorkEnd); err != nil {
		return bad("default_work_end", c.DefaultWorkEnd, "want HH:MM")
	}
	if _, err := parseWorkDays(c.DefaultWorkDays); err != nil {
		return bad("default_work_days", c.DefaultWorkDays, "want e.g. Mon,Tue,Wed,Thu,Fri")
	}
	pos := []struct {
		name string
		v    float64
	}{
		{"max_meeting_hours", c.MaxMeetingHours},
		{"email_send_minutes", c.EmailSendMinutes},
		{"chat_send_minutes", c.ChatSendMinutes},
		{"email_read_minutes", c.EmailReadMinutes},
		{"chat_read_minutes", c.ChatReadMinutes},
		{"focus_minutes", c.FocusMinutes},
		{"uninterrupted_minutes", c.UninterruptedMinutes},
		{"fragmented_minutes", c.FragmentedMinutes},
		{"short_meeting_max_minutes", c.ShortMeetingMaxMinutes},
	}
	for _, p := range pos {
		if !(p.v >= 0) || p.v > 7*24*60 {
			return bad(p.name, p.v, "want a non-negative number")
		}
	}
	if c.MaxMeetingHours <= 0 {
		return bad("max_meeting_hours", c.MaxMeetingHours, "want more than 0")
	}
	if !slices.Contains([]string{FocusMeetingFree, FocusUninterrupted}, c.FocusMeasure) {
		return bad("focus_measure", c.FocusMeasure, "want meeting_free or uninterrupted")
	}
	if !slices.Contains([]string{CollabUnion, CollabSum}, c.CollaborationMode) {
		return bad("collaboration_mode", c.CollaborationMode, "want union or sum")
	}
	if c.SmallMeetingMaxInvitees < 1 {
		return bad("small_meeting_max_invitees", c.SmallMeetingMaxInvitees, "want at least 1")
	}
	for _, s := range []struct {
		name string
		v    float64
	}{{"above_typical_share", c.AboveTypicalShare}, {"overloaded_share", c.OverloadedShare}, {"creation_reference_share", c.CreationReference}} {
		if !(s.v > 0 && s.v <= 10) {
			return bad(s.name, s.v, "want a fraction such as 0.57")
		}
	}
	if c.OverloadedShare < c.AboveTypicalShare {
		return bad("overloaded_share", c.OverloadedShare, "want at least above_typical_share")
	}
	if c.MinGroupSize < 3 {
		return bad("min_group_size", c.MinGroupSize, "privacy floor: want 3 or more (SPEC §6)")
	}
	return nil
}

func (c Config) weekStart() (time.Weekday, error) {
	switch strings.ToLower(c.WeekStart) {
	case "monday", "mon", "":
		return time.Monday, nil
	case "sunday", "sun":
		return time.Sunday, nil
	}
	return 0, fmt.Errorf("week_start %q: want Monday or Sunday", c.WeekStart)
}

// From 1900 on, every zone of the IANA database keeps its UTC offset
// between -12 h (Etc/GMT+12) and +14 h (Pacific/Kiritimati; Asia/Anadyr in
// 1981), checked every 6 hours to 2100 over the 600 zones of Debian's
// tzdata.
const (
	minZoneOffset = -12 * usPerHour
	maxZoneOffset = 14 * usPerHour
)

// A reach is how far before the UTC Monday of an ISO week, and past the
// UTC Monday after it, rows can change its person-weeks, in microseconds.
type reach struct{ before, after int64 }

// reach returns the reach of events (with their attendance) and of
// messages, when some person works overnight shifts or none does:
//   - A person's local week starts at most 14 hours before its UTC Monday
//     (UTC+14), the Sunday before with Sunday weeks, and ends at most 12
//     hours after the next one (UTC-12), a day earlier with Sunday weeks.
//   - A message counts in the week it is sent or received in, and one sent
//     up to a send block after the week's end puts the start of its block
//     in the week (SPEC §4, §8.2, §8.6).
//   - An event counts where it overlaps the week, and as a day's
//     out-of-office time: the working days run from the day before the
//     local week to its last day, and out-of-office events over a day's
//     working interval decide whether it is an out-of-office day, whose
//     meetings (by their start) are not counted (SPEC §3, §8.5). The
//     interval lies within its day, and with an overnight shift (work_end
//     at or before work_start, as with work_start 24:00) within its day and
//     the next. So events reach from the local midnight a day before the
//     week to the week's end, or with overnight shifts the local midnight a
//     day after it.
//
// With Monday weeks, messages reach 14 hours back and 12 hours and a send
// block forward; events 38 hours back and 12 hours forward, 36 with
// overnight shifts. Sunday weeks reach a day further back and a day less
// forward (events with overnight shifts: 12 hours).
func (c Config) reach(overnight bool) (events, messages reach) {
	const day = 24 * usPerHour
	start, end := maxZoneOffset, -minZoneOffset
	if ws, _ := c.weekStart(); ws == time.Sunday {
		start, end = start+day, end-day
	}
	messages = reach{start, end + minutes(c.sendMinutes())}
	events = reach{start + day, end}
	if overnight {
		events.after = end + day
	}
	return events, messages
}

// sendMinutes is the longer of the email and chat send blocks.
func (c Config) sendMinutes() float64 { return max(c.EmailSendMinutes, c.ChatSendMinutes, 0) }

// parseClock parses "HH:MM" (00:00–24:00) into minutes after midnight.
func parseClock(s string) (int, error) {
	var h, m int
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("time %q: want HH:MM", s)
	}
	if _, err := fmt.Sscanf(s, "%02d:%02d", &h, &m); err != nil || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("time %q: want HH:MM", s)
	}
	return h*60 + m, nil
}

var dayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// parseWorkDays parses "Mon,Tue,…" into a set indexed by time.Weekday.
func parseWorkDays(s string) ([7]bool, error) {
	var days [7]bool
	for _, p := range strings.Split(s, ",") {
		p = strings.ToLower(strings.TrimSpace(p))
		if p == "" {
			continue
		}
		d, ok := dayNames[p]
		if !ok && len(p) > 3 {
			d, ok = dayNames[p[:3]]
		}
		if !ok {
			return days, fmt.Errorf("work days %q: unknown day %q (want Mon,Tue,Wed,Thu,Fri,Sat,Sun)", s, p)
		}
		days[d] = true
	}
	return days, nil
}
