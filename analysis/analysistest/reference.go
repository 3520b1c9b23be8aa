package analysistest

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
)

// Reference computes the person_week rows of SPEC §5 for every internal
// person and every week of weeks, by brute force on a one-second grid. Rows
// are sorted by week, then PersonID. Duplicate weeks are analysed once.
//
// Duplicate rows in t are ignored: the first person per person_id, event per
// event_id, attendance per (person_id, event_id) and message per message_id
// wins. An attendance row whose event is missing is ignored.
//
// Reference returns an error naming the person when a person's time zone or
// working-hour settings cannot be parsed, and when cfg.WeekStart is invalid.
// It does not otherwise validate cfg.
func Reference(t *dataset.Tables, weeks []dataset.Week, cfg analysis.Config) ([]dataset.PersonWeek, error) {
	ix := newIndex(t)
	weeks = slices.Clone(weeks)
	slices.SortFunc(weeks, func(a, b dataset.Week) int {
		return cmp.Or(cmp.Compare(a.Year, b.Year), cmp.Compare(a.Num, b.Num))
	})
	weeks = slices.Compact(weeks)

	var rows []dataset.PersonWeek
	for _, w := range weeks {
		for _, p := range ix.people {
			if !p.IsInternal {
				continue
			}
			row, err := personWeek(ix, p, w, cfg)
			if err != nil {
				return nil, fmt.Errorf("reference %s: %w", w, err)
			}
			rows = append(rows, row)
		}
	}
	return rows, nil
}

// An index holds the deduplicated tables, looked up by id.
type index struct {
	people     []dataset.Person // sorted by PersonID
	person     map[string]dataset.Person
	event      map[string]dataset.Event
	attendance map[string][]dataset.Attendance          // by person_id, in table order
	attendee   map[string]map[string]dataset.Attendance // by event_id, then person_id
	messages   []dataset.Message
}

func newIndex(t *dataset.Tables) *index {
	ix := &index{
		person:     map[string]dataset.Person{},
		event:      map[string]dataset.Event{},
		attendance: map[string][]dataset.Attendance{},
		attendee:   map[string]map[string]dataset.Attendance{},
	}
	for _, p := range t.People {
		if _, dup := ix.person[p.PersonID]; !dup {
			ix.person[p.PersonID] = p
			ix.people = append(ix.people, p)
		}
	}
	slices.SortFunc(ix.people, func(a, b dataset.Person) int { return cmp.Compare(a.PersonID, b.PersonID) })
	for _, e := range t.Events {
		if _, dup := ix.event[e.EventID]; !dup {
			ix.event[e.EventID] = e
		}
	}
	for _, a := range t.Attendance {
		if ix.attendee[a.EventID] == nil {
			ix.attendee[a.EventID] = map[string]dataset.Attendance{}
		}
		if _, dup := ix.attendee[a.EventID][a.PersonID]; dup {
			continue
		}
		ix.attendee[a.EventID][a.PersonID] = a
		ix.attendance[a.PersonID] = append(ix.attendance[a.PersonID], a)
	}
	seen := map[string]bool{}
	for _, m := range t.Messages {
		if !seen[m.MessageID] {
			seen[m.MessageID] = true
			ix.messages = append(ix.messages, m)
		}
	}
	return ix
}

// supervisor returns SPEC §8.8's SupervisorIndicator. A person is never their
// own report.
func (ix *index) supervisor(id string) string {
	reports := func(m string) []string {
		var r []string
		for _, p := range ix.people {
			if p.ManagerID == m && p.PersonID != m {
				r = append(r, p.PersonID)
			}
		}
		return r
	}
	rs := reports(id)
	if len(rs) == 0 {
		return dataset.SupervisorIC
	}
	for _, r := range rs {
		if len(reports(r)) > 0 {
			return dataset.SupervisorManagerPlus
		}
	}
	return dataset.SupervisorManager
}

// A meeting is one included meeting of M(P,W) (SPEC §4).
type meeting struct {
	ev        dataset.Event
	a, b      int  // grid indexes, clipped to the week
	organizer bool // P organized it (response organizer or organizer_id == P)
	startsIn  bool // its start is inside the week
}

// A received message waiting on the read queue (SPEC §8.2).
type received struct {
	msg dataset.Message
	at  int // arrival grid index
}

func seconds(minutes float64) int { return int(math.Round(minutes * 60)) }

func hours(sec int) float64 { return float64(sec) / 3600 }

// personWeek computes one row.
func personWeek(ix *index, p dataset.Person, w dataset.Week, cfg analysis.Config) (dataset.PersonWeek, error) {
	s, err := resolveSchedule(p, cfg)
	if err != nil {
		return dataset.PersonWeek{}, err
	}
	lw, err := newLocalWeek(w, s.loc, cfg.WeekStart)
	if err != nil {
		return dataset.PersonWeek{}, err
	}
	n := lw.n
	row := dataset.PersonWeek{
		PersonID:            p.PersonID,
		MetricDate:          lw.first, // §8.7: the local Monday (Sunday) as a date
		Week:                w.String(),
		Organization:        p.Organization,
		FunctionType:        p.FunctionType,
		LevelDesignation:    p.LevelDesignation,
		SupervisorIndicator: ix.supervisor(p.PersonID),
		ManagerID:           p.ManagerID,
		TimeZone:            s.zone,
	}

	// §3 + §8.4: out-of-office days, then WH.
	ooo := oooDays(ix, p.PersonID, lw, s)
	wh := newSet(n)
	for d := -1; d < 7; d++ { // day -1: an overnight shift spills into the week
		if a, b, ok := lw.workInterval(s, d); ok {
			wh.add(lw.span(a, b))
		}
	}
	for d := -1; d < 7; d++ {
		if ooo(d) {
			a, b, _ := lw.workInterval(s, d)
			wh = wh.andNot(rangeSet(n, lw, a, b)) // §3: OOO days leave WH
			if d >= 0 {
				row.OOODays++
			}
		}
	}

	// §4 Meetings M(P,W).
	ms := meetings(ix, p.PersonID, lw, ooo, cfg)
	m := newSet(n)
	sumClipped := 0
	for _, x := range ms {
		m.add(x.a, x.b)
		sumClipped += x.b - x.a
		if x.startsIn {
			row.Meetings++ // §8.6: counted only in the week where it starts
		}
	}

	// §4 + §8.3 sends, §4 + §8.2 receives.
	emailSend, chatSend := newSet(n), newSet(n)
	sentAt := newSet(n) // the instants of sends inside the week (§5 Active_connected_hours)
	var queue []received
	for _, msg := range ix.messages {
		if msg.IsAuto || (msg.Channel != dataset.ChannelEmail && msg.Channel != dataset.ChannelChat) {
			continue
		}
		email := msg.Channel == dataset.ChannelEmail
		at := lw.idx(msg.SentAt)
		inWeek := at >= 0 && at < n
		if msg.SenderID == p.PersonID && slices.ContainsFunc(msg.RecipientIDs, func(r string) bool { return r != p.PersonID }) {
			// §8.3: the block [sent_at − send_minutes, sent_at), clipped per week.
			send, count := chatSend, &row.ChatsSent
			min := cfg.ChatSendMinutes
			if email {
				send, count, min = emailSend, &row.EmailsSent, cfg.EmailSendMinutes
			}
			send.add(at-seconds(min), at)
			if inWeek { // §8.6: a send belongs to the week of its sent_at
				*count++
				sentAt.add(at, at+1)
			}
		}
		if msg.SenderID != p.PersonID && slices.Contains(msg.RecipientIDs, p.PersonID) && inWeek {
			// §4: a received message; §8.6: it belongs to the week of its arrival.
			if email {
				row.EmailsReceived++
			} else {
				row.ChatsReceived++
			}
			queue = append(queue, received{msg: msg, at: at})
		}
	}
	emailRead, chatRead, dropped := placeReads(queue, wh.andNot(m), cfg)
	row.ReadsDropped = int32(dropped)

	// §8.1: Email = send blocks ∪ reads; chat likewise.
	emailSet := emailSend.or(emailRead)
	chatSet := chatSend.or(chatRead)
	weekend := weekendSet(lw)

	// §5 Meeting_hours = |∪M|; Conflicting = Σ|m| − |∪M|; working/after split.
	mSec, mWH := m.count(), m.and(wh).count()
	row.MeetingHours = hours(mSec)
	row.ConflictingMeetingHours = hours(sumClipped - mSec)
	row.WorkingHoursMeetingHours = hours(mWH)
	row.AfterHoursMeetingHours = hours(mSec - mWH)

	// §5 Email_hours, Chat_hours, the email working/after split.
	eSec, eWH := emailSet.count(), emailSet.and(wh).count()
	row.EmailHours = hours(eSec)
	row.WorkingHoursEmailHours = hours(eWH)
	row.AfterHoursEmailHours = hours(eSec - eWH)
	row.ChatHours = hours(chatSet.count())

	// §5 Collaboration_hours, its split and the weekend part; §7 viva-legacy sums.
	var collab set
	var cSec, cWH, cWE int
	if cfg.CollaborationMode == analysis.CollabSum {
		collab = m.or(emailSet)
		cSec = mSec + eSec
		cWH = mWH + eWH
		cWE = m.and(weekend).count() + emailSet.and(weekend).count()
	} else {
		collab = m.or(emailSet).or(chatSet)
		cSec = collab.count()
		cWH = collab.and(wh).count()
		cWE = collab.and(weekend).count()
	}
	row.CollaborationHours = hours(cSec)
	row.WorkingHoursCollaborationHours = hours(cWH)
	row.AfterHoursCollaborationHours = hours(cSec - cWH)
	row.WeekendCollaborationHours = hours(cWE)

	// §5 Multitasking_hours = |(sent email ∪ sent chat blocks) ∩ ∪M| (sends only).
	row.MultitaskingHours = hours(emailSend.or(chatSend).and(m).count())

	// §5 Available_to_focus, Uninterrupted, Focus, Fragmented (§8.12: maximal pieces).
	free := wh.andNot(m)
	notCollab := wh.andNot(collab)
	row.AvailableToFocusHours = hours(free.count())
	row.UninterruptedHours = hours(notCollab.runsAtLeast(seconds(cfg.UninterruptedMinutes)))
	if cfg.FocusMeasure == analysis.FocusUninterrupted {
		row.FocusHours = hours(notCollab.runsAtLeast(seconds(cfg.FocusMinutes)))
	} else {
		row.FocusHours = hours(free.runsAtLeast(seconds(cfg.FocusMinutes)))
	}
	row.FragmentedHours = hours(free.runsShorter(seconds(cfg.FragmentedMinutes)))

	// §5 + §8.1 + §8.3 + §8.12 Collaboration_span and Active_connected_hours:
	// provable activity only (meetings and send blocks / send instants).
	provable := m.or(emailSend).or(chatSend)
	row.CollaborationSpan = hours(span(provable, lw))
	row.ActiveConnectedHours = 0.5 * float64(halfHours(m.or(sentAt), lw))

	// §5 meeting breakdowns.
	manager := p.ManagerID
	buckets := map[string]set{}
	bucket := func(name string) set {
		if _, ok := buckets[name]; !ok {
			buckets[name] = newSet(n)
		}
		return buckets[name]
	}
	generated := 0
	for _, x := range ms {
		e := x.ev
		if manager != "" {
			// §8.11: the manager's own attendance row says accepted or organizer.
			if a, ok := ix.attendee[e.EventID][manager]; ok &&
				(a.Response == dataset.ResponseAccepted || a.Response == dataset.ResponseOrganizer) {
				bucket("manager").add(x.a, x.b)
				if e.Invitees == 2 {
					bucket("1on1").add(x.a, x.b)
				}
			}
		}
		small := e.Invitees <= cfg.SmallMeetingMaxInvitees
		short := e.End.Sub(e.Start) <= time.Duration(seconds(cfg.ShortMeetingMaxMinutes))*time.Second // §8.6: full length
		size, length := "large", "long"
		if small {
			size = "small"
		}
		if short {
			length = "short"
		}
		bucket(size+"+"+length).add(x.a, x.b)
		if e.IsRecurring {
			bucket("recurring").add(x.a, x.b)
		}
		if x.organizer {
			// §5 + §8.6: clipped duration × (attendees_not_declined − 1).
			generated += (x.b - x.a) * int(e.AttendeesNotDeclined-1)
		}
	}
	count := func(name string) float64 { return hours(bucket(name).count()) }
	row.MeetingHoursWithManager = count("manager")
	row.MeetingHoursWithManager1On1 = count("1on1")
	row.SmallAndShortMeetingHours = count("small+short")
	row.SmallAndLongMeetingHours = count("small+long")
	row.LargeAndShortMeetingHours = count("large+short")
	row.LargeAndLongMeetingHours = count("large+long")
	row.RecurringMeetingHours = count("recurring")
	row.GeneratedWorkloadMeetingHours = hours(generated)

	// §3 Scheduled_working_hours = |WH|; §5 shares and band; §8.8 null when 0.
	sched := wh.count()
	row.ScheduledWorkingHours = hours(sched)
	if sched > 0 {
		row.HasShares = true
		row.CollaborationShare = float64(cSec) / float64(sched)
		row.CreationShare = float64(sched-cWH) / float64(sched)
		switch {
		case row.CollaborationShare >= cfg.OverloadedShare:
			row.OverloadBand = dataset.BandOverloaded
		case row.CollaborationShare >= cfg.AboveTypicalShare:
			row.OverloadBand = dataset.BandAboveTypical
		default:
			row.OverloadBand = dataset.BandWithin
		}
	}
	return row, nil
}

// rangeSet returns the set of the instants [a, b), clipped to the week.
func rangeSet(n int, lw localWeek, a, b time.Time) set {
	s := newSet(n)
	s.add(lw.span(a, b))
	return s
}
