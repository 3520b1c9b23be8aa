package analysis

import (
	"context"
	"fmt"
	"time"

	"github.com/overload-engine/overload/dataset"
)

// A Meeting is one meeting a person attended in a week, as counted by the
// rules of SPEC §4: reports use them to name the drivers of the load
// (series, large meetings, who organizes) without reading any title.
type Meeting struct {
	EventID, SeriesID    string // SeriesID "" = not part of a series
	Start, End           time.Time
	ClippedHours         float64 // the part inside the week: what the meeting adds to the person's Meeting_hours before overlaps
	Invitees             int32
	AttendeesNotDeclined int32
	Recurring            bool
	TitleClass           string // allow-listed class; "" = none
	OrganizerID          string // "" = unknown
	Organized            bool   // the person organized it
	// FocusReturned is how many Focus_hours (meeting-free pieces of working
	// time of at least Config.FocusMinutes) the person would have had in
	// the week without this meeting, all else equal: the 2-hour blocks it
	// broke.
	FocusReturned float64
}

// A WeekMeetings is one person-week's row and its included meetings.
type WeekMeetings struct {
	Row      dataset.PersonWeek
	Meetings []Meeting // by start
}

// Meetings computes, for each person in people (person_ids of internal or
// external people in t) and each week, the person_week row and the meetings
// counted in it, with the rules and constants of cfg; results are ordered
// by person as given, then week. The rows equal those of Run.
func Meetings(ctx context.Context, t *dataset.Tables, people []string, weeks []dataset.Week, cfg Config) ([]WeekMeetings, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	ix := newIndex(t)
	var out []WeekMeetings
	for _, id := range people {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		pi, ok := ix.personOf[id]
		if !ok {
			return nil, fmt.Errorf("meetings: person %q is not in the people table", id)
		}
		p := ix.all[pi]
		sc, err := newSchedule(&p, &cfg)
		if err != nil {
			return nil, err
		}
		for _, w := range weeks {
			tr := &Explanation{Person: p, Zone: sc.zone, Week: w}
			c := &weekCalc{cfg: &cfg, ix: ix, p: &p, pi: pi, sc: sc, tr: tr, excluded: map[string]int{}}
			row, _ := c.run(w)
			out = append(out, WeekMeetings{Row: row, Meetings: c.includedMeetings(tr)})
		}
	}
	return out, nil
}

// includedMeetings turns the traced included meetings of a finished run
// into Meetings, with the focus each one cost.
func (c *weekCalc) includedMeetings(tr *Explanation) []Meeting {
	var ms []Meeting
	var clips []Interval
	for _, em := range tr.Meetings {
		if em.Rule != "" {
			continue
		}
		e, _ := c.ix.eventOf.get(em.EventID)
		ix := c.ix.events[e]
		ev := c.ix.src[ix.src]
		ms = append(ms, Meeting{
			EventID: ev.EventID, SeriesID: ev.SeriesID, Start: ev.Start, End: ev.End,
			ClippedHours: em.ClippedHours, Invitees: ev.Invitees, AttendeesNotDeclined: ev.AttendeesNotDeclined,
			Recurring: ev.IsRecurring, TitleClass: ev.TitleClass, OrganizerID: ev.OrganizerID,
			Organized: em.Response == dataset.ResponseOrganizer || ev.OrganizerID == c.p.PersonID,
		})
		clips = append(clips, Interval{max(ix.s, c.ws), min(ix.e, c.we)})
	}
	focusMin := minutes(c.cfg.FocusMinutes)
	base := Subtract(c.wh, NewSet(clips)).PiecesAtLeast(focusMin)
	for i := range ms {
		others := make([]Interval, 0, len(clips)-1)
		others = append(others, clips[:i]...)
		others = append(others, clips[i+1:]...)
		without := Subtract(c.wh, NewSet(others)).PiecesAtLeast(focusMin)
		ms[i].FocusReturned = hours(without - base)
	}
	return ms
}
