package analysis

import (
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/overload-engine/overload/dataset"
)

// An Explanation is one person-week's timeline: every event and message
// considered, whether it was included or under which rule it was excluded,
// and how each metric was reached. It is how a sceptical analyst or employee
// checks a number.
type Explanation struct {
	Person   dataset.Person
	Zone     string
	Week     dataset.Week
	Start    time.Time // local week start
	End      time.Time
	Days     []ExplainedDay
	Meetings []ExplainedMeeting
	Sends    []ExplainedSend
	Reads    []ExplainedRead
	Row      dataset.PersonWeek
	Steps    []Step
}

// An ExplainedDay is one working day's interval and whether it is an OOO day.
type ExplainedDay struct {
	Start, End time.Time
	OOO        bool
}

// An ExplainedMeeting is one attendance row of the person.
type ExplainedMeeting struct {
	EventID, SeriesID    string
	Start, End           time.Time
	Kind                 string
	TitleClass           string
	Invitees             int32
	AttendeesNotDeclined int32
	Response, ShowAs     string
	Rule                 string  // "" = included as a meeting
	ClippedHours         float64 // the part inside the week, when included
}

// An ExplainedSend is one message the person sent.
type ExplainedSend struct {
	MessageID, Channel string
	SentAt             time.Time
	Counted            bool
	Note               string
}

// An ExplainedRead is one message the person received and its read.
type ExplainedRead struct {
	MessageID, Channel string
	Arrival            time.Time
	Pieces             []Interval // placed read time; nil when dropped
	Dropped            bool
}

// A Step says how one metric was reached.
type Step struct {
	Metric string
	Value  float64
	How    string
}

// Explain computes one person-week with its explanation. person is a
// person_id from the people table.
func Explain(t *dataset.Tables, person string, w dataset.Week, cfg Config) (*Explanation, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	ix := newIndex(t)
	pi, ok := ix.personOf[person]
	if !ok {
		return nil, fmt.Errorf("explain: person %q is not in the people table", person)
	}
	p := ix.all[pi]
	sc, err := newSchedule(&p, &cfg)
	if err != nil {
		return nil, err
	}
	tr := &Explanation{Person: p, Zone: sc.zone, Week: w}
	c := &weekCalc{cfg: &cfg, ix: ix, p: &p, pi: pi, sc: sc, tr: tr, excluded: map[string]int{}}
	c.run(w)
	return tr, nil
}

func (c *weekCalc) traceMeeting(a attendance, ev *event, rule string, clip Interval) {
	if c.tr == nil {
		return
	}
	src := c.ix.src[ev.src]
	c.tr.Meetings = append(c.tr.Meetings, ExplainedMeeting{
		EventID: src.EventID, SeriesID: src.SeriesID, Start: src.Start, End: src.End, Kind: src.Kind,
		TitleClass: src.TitleClass, Invitees: src.Invitees, AttendeesNotDeclined: src.AttendeesNotDeclined,
		Response: c.ix.value(a.response), ShowAs: c.ix.value(a.showAs), Rule: rule, ClippedHours: hours(clip.Len()),
	})
}

func (c *weekCalc) traceSend(m *mref, counted bool, note string) {
	if c.tr == nil {
		return
	}
	msg := c.ix.msgs[m.msg()]
	c.tr.Sends = append(c.tr.Sends, ExplainedSend{MessageID: msg.id, Channel: msg.channel, SentAt: time.UnixMicro(m.time()).UTC(), Counted: counted, Note: note})
}

func (c *weekCalc) traceRead(m *mref, pieces []Interval) {
	if c.tr == nil {
		return
	}
	msg := c.ix.msgs[m.msg()]
	c.tr.Reads = append(c.tr.Reads, ExplainedRead{MessageID: msg.id, Channel: msg.channel, Arrival: time.UnixMicro(m.time()).UTC(),
		Pieces: slices.Clone(pieces), Dropped: pieces == nil}) // pieces is part of a list the caller goes on using
}

func (e *Explanation) fill(c *weekCalc, w dataset.Week, ms []meetingRow, meet, free, quiet Set, t totals) {
	e.Start, e.End = c.wsT, time.UnixMicro(c.we).In(c.sc.loc)
	for _, d := range c.days {
		e.Days = append(e.Days, ExplainedDay{Start: time.UnixMicro(d.iv.S).In(c.sc.loc), End: time.UnixMicro(d.iv.E).In(c.sc.loc), OOO: d.ooo})
	}
	e.Row = c.row(w, &t)
	r := e.Row
	step := func(metric string, v float64, how string, args ...any) {
		e.Steps = append(e.Steps, Step{Metric: metric, Value: v, How: fmt.Sprintf(how, args...)})
	}
	step("Scheduled_working_hours", r.ScheduledWorkingHours, "%d working intervals in the week, %d OOO day(s) removed, clipped to the week", len(c.days), r.OOODays)
	step("Meeting_hours", r.MeetingHours, "union of %d included meeting(s) (%d piece(s)); %d attendance row(s) excluded", len(ms), len(meet), len(e.Meetings)-len(ms))
	step("Conflicting_meeting_hours", r.ConflictingMeetingHours, "sum of included meeting lengths minus their union")
	step("Email_hours", r.EmailHours, "union of %d email send block(s) of %g min and placed email reads of %g min", r.EmailsSent, c.cfg.EmailSendMinutes, c.cfg.EmailReadMinutes)
	step("Chat_hours", r.ChatHours, "union of %d chat send block(s) of %g min and placed chat reads of %g min", r.ChatsSent, c.cfg.ChatSendMinutes, c.cfg.ChatReadMinutes)
	how := "union of meetings, email and chat (overlaps count once)"
	if c.cfg.CollaborationMode == CollabSum {
		how = "Meeting_hours + Email_hours (collaboration_mode sum)"
	}
	step("Collaboration_hours", r.CollaborationHours, "%s", how)
	step("After_hours_collaboration_hours", r.AfterHoursCollaborationHours, "collaboration outside working hours (incl. OOO days and weekends)")
	step("Available_to_focus_hours", r.AvailableToFocusHours, "working hours minus meetings: %d free piece(s)", len(free))
	step("Focus_hours", r.FocusHours, "free pieces of at least %g min (%s)", c.cfg.FocusMinutes, c.cfg.FocusMeasure)
	step("Uninterrupted_hours", r.UninterruptedHours, "pieces of working hours without any collaboration of at least %g min: %d piece(s) in all", c.cfg.UninterruptedMinutes, len(quiet))
	step("Fragmented_hours", r.FragmentedHours, "free pieces shorter than %g min", c.cfg.FragmentedMinutes)
	step("Reads", float64(len(e.Reads)), "%d received message(s) queued FIFO into free working time, %d dropped at the week's end", len(e.Reads), r.ReadsDropped)
}

// WriteText writes the explanation as a readable timeline, in the person's
// local time.
func (e *Explanation) WriteText(w io.Writer) error {
	loc := e.Start.Location()
	f := func(t time.Time) string { return t.In(loc).Format("Mon 01-02 15:04") }
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Person %s, week %s (%s to %s, %s, %.0f h long)\n", e.Person.PersonID, e.Week,
		e.Start.Format("Mon 2006-01-02 15:04"), e.End.Format("Mon 2006-01-02 15:04 MST"), e.Zone, e.End.Sub(e.Start).Hours())
	fmt.Fprintf(tw, "\nWorking days\n")
	for _, d := range e.Days {
		ooo := ""
		if d.OOO {
			ooo = "OOO day: left out of working hours"
		}
		fmt.Fprintf(tw, "  %s\t– %s\t%s\n", f(d.Start), f(d.End), ooo)
	}
	fmt.Fprintf(tw, "\nCalendar (%d attendance rows)\n", len(e.Meetings))
	fmt.Fprintf(tw, "  start\tend\tkind\tinvitees\tresponse\tshow_as\tdecision\n")
	for _, m := range e.Meetings {
		dec := fmt.Sprintf("included, %.2f h in this week", m.ClippedHours)
		if m.Rule != "" {
			dec = "excluded: " + m.Rule
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%d (%d not declined)\t%s\t%s\t%s\n", f(m.Start), f(m.End), m.Kind, m.Invitees, m.AttendeesNotDeclined, m.Response, m.ShowAs, dec)
	}
	fmt.Fprintf(tw, "\nSent (%d)\n", len(e.Sends))
	for _, s := range e.Sends {
		dec := "counted"
		if !s.Counted {
			dec = "not counted"
		}
		if s.Note != "" {
			dec += ": " + s.Note
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", f(s.SentAt), s.Channel, dec)
	}
	fmt.Fprintf(tw, "\nReceived and read (%d)\n", len(e.Reads))
	for _, r := range e.Reads {
		dec := "dropped: did not fit before the week ended"
		if !r.Dropped {
			dec = fmt.Sprintf("read %s – %s", f(time.UnixMicro(r.Pieces[0].S)), f(time.UnixMicro(r.Pieces[len(r.Pieces)-1].E)))
			if len(r.Pieces) > 1 {
				dec += fmt.Sprintf(" in %d pieces", len(r.Pieces))
			}
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", f(r.Arrival), r.Channel, dec)
	}
	fmt.Fprintf(tw, "\nHow each metric was reached\n")
	for _, s := range e.Steps {
		fmt.Fprintf(tw, "  %s\t%.2f\t%s\n", s.Metric, s.Value, s.How)
	}
	r := e.Row
	if r.HasShares {
		fmt.Fprintf(tw, "  Collaboration_share\t%.1f%%\tCollaboration_hours / Scheduled_working_hours → band %s\n", 100*r.CollaborationShare, r.OverloadBand)
		fmt.Fprintf(tw, "  Creation_share\t%.1f%%\t(Scheduled − Working_hours_collaboration) / Scheduled\n", 100*r.CreationShare)
	} else {
		fmt.Fprintf(tw, "  Collaboration_share\t–\tno scheduled working hours this week: shares and band are undefined\n")
	}
	return tw.Flush()
}
