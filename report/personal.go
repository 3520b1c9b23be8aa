package report

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
)

// A PersonalReport is an employee's own focus report: their weeks against
// the benchmarks, where their working time went, the meetings that broke
// the most 2-hour blocks, after-hours time and a short list of changes. It
// is for the person only (SPEC §6 allows person-level figures there).
type PersonalReport struct {
	Title       string
	PersonID    string
	GeneratedAt time.Time
	Weeks       []PersonalWeek
	Mean        dataset.PersonWeek // means over the weeks (shares over weeks with scheduled hours)
	HasShares   bool
	Band        string

	AboveTypicalShare, OverloadedShare, CreationReference float64
	FocusMinutes                                          float64

	// Where working time went, hours a week (means).
	TimeMeetings, TimeFocusBlocks, TimeMidBlocks, TimeFragments float64

	Breakers        []Breaker // by focus returned
	Suggestions     []Suggestion
	CoordinationHrs float64 // meeting hours a week by kind
	CollabHrs       float64
}

// A PersonalWeek is one week of the person.
type PersonalWeek struct {
	Week string
	Row  dataset.PersonWeek
}

// A Breaker is a meeting or series of the person and what it cost.
type Breaker struct {
	Label         string // "series 3f2a91 (standup, 30 min, 8 invitees)"
	Occurrences   int
	Hours         float64 // meeting hours over the weeks
	FocusReturned float64 // Focus_hours the weeks would have had without it
	Organized     bool
	Kind          MeetingKind
	Why           string
	m             analysis.Meeting // a representative occurrence
}

// A Suggestion is one concrete change and the hours it would return a week.
type Suggestion struct {
	Action string // decline, shorten, move, make async
	What   string
	Hours  float64
}

// NewPersonalReport builds the report of one person from their weeks
// (analysis.Meetings for that person).
func NewPersonalReport(weeks []analysis.WeekMeetings, cfg analysis.Config, generatedAt time.Time) *PersonalReport {
	th := thresholdsOf(cfg)
	r := &PersonalReport{Title: "Your focus report", GeneratedAt: generatedAt,
		AboveTypicalShare: th.aboveTypical, OverloadedShare: th.overloaded, CreationReference: th.creation,
		FocusMinutes: cfg.FocusMinutes}
	if r.FocusMinutes == 0 {
		r.FocusMinutes = 120
	}
	var rows []dataset.PersonWeek
	for _, w := range weeks {
		r.PersonID = w.Row.PersonID
		r.Weeks = append(r.Weeks, PersonalWeek{Week: w.Row.Week, Row: w.Row})
		rows = append(rows, w.Row)
	}
	r.Mean = meanRow(rows)
	r.HasShares = r.Mean.HasShares
	if r.HasShares {
		r.Band = th.band(r.Mean.CollaborationShare)
	}
	n := float64(max(1, len(weeks)))
	r.TimeMeetings = r.Mean.WorkingHoursMeetingHours
	r.TimeFocusBlocks = r.Mean.FocusHours
	r.TimeFragments = r.Mean.FragmentedHours
	r.TimeMidBlocks = max(0, r.Mean.AvailableToFocusHours-r.Mean.FocusHours-r.Mean.FragmentedHours)

	type acc struct {
		b      Breaker
		events map[string]bool
	}
	accs := map[string]*acc{}
	for _, w := range weeks {
		loc, err := time.LoadLocation(w.Row.TimeZone)
		if err != nil {
			loc = time.UTC
		}
		for _, m := range w.Meetings {
			m.Start, m.End = m.Start.In(loc), m.End.In(loc)
			kind, why := Classify(m)
			if kind == Coordination {
				r.CoordinationHrs += m.ClippedHours / n
			} else {
				r.CollabHrs += m.ClippedHours / n
			}
			key := "s:" + m.SeriesID
			if m.SeriesID == "" {
				key = "e:" + m.EventID
			}
			a := accs[key]
			if a == nil {
				a = &acc{b: Breaker{Label: meetingLabel(m), Organized: m.Organized, Kind: kind, Why: why, m: m}, events: map[string]bool{}}
				accs[key] = a
			}
			if !a.events[m.EventID] {
				a.events[m.EventID] = true
				a.b.Occurrences++
			}
			a.b.Hours += m.ClippedHours
			a.b.FocusReturned += m.FocusReturned
		}
	}
	for _, a := range accs {
		if a.b.FocusReturned > 0 {
			r.Breakers = append(r.Breakers, a.b)
		}
	}
	slices.SortFunc(r.Breakers, func(a, b Breaker) int {
		return cmp.Or(cmp.Compare(b.FocusReturned, a.FocusReturned), cmp.Compare(b.Hours, a.Hours), cmp.Compare(a.Label, b.Label))
	})
	if len(r.Breakers) > 10 {
		r.Breakers = r.Breakers[:10]
	}
	all := make([]Breaker, 0, len(accs))
	for _, a := range accs {
		all = append(all, a.b)
	}
	slices.SortFunc(all, func(a, b Breaker) int {
		return cmp.Or(cmp.Compare(b.Hours, a.Hours), cmp.Compare(a.Label, b.Label))
	})
	r.Suggestions = suggestions(all, n)
	return r
}

// suggestions proposes at most five changes, each meeting or series once,
// from the person's meetings by hours.
func suggestions(all []Breaker, weeks float64) []Suggestion {
	var out []Suggestion
	for _, b := range all {
		if len(out) == 5 {
			break
		}
		m := b.m
		minutes := m.End.Sub(m.Start).Minutes()
		switch {
		case m.Recurring && AsyncCandidate(m):
			ret := max(0, b.Hours-float64(b.Occurrences)*AsyncReadMinutes/60) / weeks
			what := fmt.Sprintf("%s: replace with a written update (%s)", b.Label, b.Why)
			if b.FocusReturned > 0 {
				what += fmt.Sprintf("; it also broke %.1f h of 2-hour blocks", b.FocusReturned)
			}
			out = append(out, Suggestion{"make async", what, ret})
		case !b.Organized && b.Kind == Coordination && m.Invitees >= BroadcastMinInvitees:
			out = append(out, Suggestion{"decline", fmt.Sprintf("%s: %d invitees; ask for the notes or the recording instead", b.Label, m.Invitees), b.Hours / weeks})
		case minutes >= 60 && b.Occurrences > 1:
			cut := minutes / 4
			out = append(out, Suggestion{"shorten", fmt.Sprintf("%s: from %.0f to %.0f min", b.Label, minutes, minutes-cut), b.Hours / 4 / weeks})
		case b.FocusReturned-b.Hours > 0.01:
			// Moved next to another meeting or to the day's edge, it still
			// takes its own time but no longer splits a block.
			gain := b.FocusReturned - b.Hours
			out = append(out, Suggestion{"move", fmt.Sprintf("%s: move it next to another meeting or to the edge of the day; where it is, it costs %.1f h of 2-hour blocks beyond its own length", b.Label, gain), gain / weeks})
		}
	}
	slices.SortStableFunc(out, func(a, b Suggestion) int { return cmp.Compare(b.Hours, a.Hours) })
	return out
}

// meetingLabel names a meeting by shape and pseudonymous id, never by title.
func meetingLabel(m analysis.Meeting) string {
	id := "meeting " + short(m.EventID)
	if m.SeriesID != "" {
		id = "series " + short(m.SeriesID)
	}
	class := ""
	if m.TitleClass != "" {
		class = m.TitleClass + ", "
	}
	when := m.Start.Format("Mon 15:04 MST")
	if m.SeriesID != "" {
		when = m.Start.Format("Mon 15:04 MST") + " recurring"
	}
	return fmt.Sprintf("%s (%s%.0f min, %d invitees, %s)", id, class, m.End.Sub(m.Start).Minutes(), m.Invitees, when)
}

// meanRow returns the mean of rows' hours; shares are means over rows with
// defined shares.
func meanRow(rows []dataset.PersonWeek) dataset.PersonWeek {
	var m dataset.PersonWeek
	if len(rows) == 0 {
		return m
	}
	n := float64(len(rows))
	shares := 0
	for _, r := range rows {
		m.ScheduledWorkingHours += r.ScheduledWorkingHours / n
		m.CollaborationHours += r.CollaborationHours / n
		m.MeetingHours += r.MeetingHours / n
		m.EmailHours += r.EmailHours / n
		m.ChatHours += r.ChatHours / n
		m.FocusHours += r.FocusHours / n
		m.FragmentedHours += r.FragmentedHours / n
		m.AvailableToFocusHours += r.AvailableToFocusHours / n
		m.UninterruptedHours += r.UninterruptedHours / n
		m.WorkingHoursMeetingHours += r.WorkingHoursMeetingHours / n
		m.WorkingHoursCollaborationHours += r.WorkingHoursCollaborationHours / n
		m.AfterHoursCollaborationHours += r.AfterHoursCollaborationHours / n
		m.AfterHoursMeetingHours += r.AfterHoursMeetingHours / n
		m.AfterHoursEmailHours += r.AfterHoursEmailHours / n
		m.WeekendCollaborationHours += r.WeekendCollaborationHours / n
		m.ConflictingMeetingHours += r.ConflictingMeetingHours / n
		m.MultitaskingHours += r.MultitaskingHours / n
		m.RecurringMeetingHours += r.RecurringMeetingHours / n
		m.CollaborationSpan += r.CollaborationSpan / n
		if r.HasShares {
			m.CollaborationShare += r.CollaborationShare
			m.CreationShare += r.CreationShare
			shares++
		}
	}
	if shares > 0 {
		m.HasShares = true
		m.CollaborationShare /= float64(shares)
		m.CreationShare /= float64(shares)
	}
	return m
}
