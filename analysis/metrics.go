package analysis

import (
	"cmp"
	"slices"
	"time"

	"github.com/overload-engine/overload/dataset"
)

// A weekCalc computes one person-week (SPEC §3–§5). Every set is a Set of
// µs instants; every total is kept in µs until the row is filled, so the
// invariants are checked exactly.
type weekCalc struct {
	cfg *Config
	ix  *index
	p   *dataset.Person
	pi  int32 // p's position in ix.all
	sc  *schedule
	tr  *Explanation // nil unless explaining

	ws, we int64 // local week [ws, we)
	wsT    time.Time

	days     []workDay
	oooDates []dateKey // local dates that are OOO days
	wh       Set
	ar       *arena // scratch reused from one person-week to the next, or nil

	excluded map[string]int
	included int
	dropped  int
}

// totals are the µs quantities a row is made of.
type totals struct {
	scheduled, meeting, conflicting, email, chat, collab, multitask     int64
	whCollab, ahCollab, whMeeting, ahMeeting, whEmail, ahEmail, weekend int64
	available, uninterrupted, focus, fragmented, span, activeBlocks     int64
	withMgr, withMgr11, smallShort, smallLong, largeShort, largeLong    int64
	recurring, generated                                                int64
	meetings, emailsSent, emailsReceived, chatsSent, chatsReceived      int32
	oooDays, readsDropped                                               int32
}

func (c *weekCalc) run(w dataset.Week) (dataset.PersonWeek, totals) {
	wsT, weT := c.sc.weekBounds(w)
	c.wsT = wsT
	c.ws, c.we = wsT.UnixMicro(), weT.UnixMicro()
	var tot totals

	c.workingHours(&tot)
	ms, meetSet := c.meetings(&tot)

	// Sends (SPEC §4, §8.3).
	sent := c.ix.sentBy(c.pi)
	emailSends, chatSends := c.ar.ivs(len(sent)), c.ar.ivs(len(sent))
	sendInstants := c.ar.int64s(len(sent))
	emailSend, chatSend := minutes(c.cfg.EmailSendMinutes), minutes(c.cfg.ChatSendMinutes)
	for k := range sent {
		m := &sent[k]
		at := m.time()
		d := emailSend
		if m.chat() {
			d = chatSend
		}
		if at-d >= c.we {
			break // sorted by sent_at: nothing later touches the week
		}
		inWeek := at >= c.ws && at < c.we
		if m.auto() || !m.other() {
			if inWeek {
				c.traceSend(m, false, sendSkipReason(m))
			}
			continue
		}
		if at > c.ws {
			block := Interval{max(at-d, c.ws), min(at, c.we)}
			if m.chat() {
				chatSends = append(chatSends, block)
			} else {
				emailSends = append(emailSends, block)
			}
		}
		switch {
		case inWeek:
			c.countSend(m, &tot, &sendInstants)
		case at >= c.we:
			c.traceSend(m, true, "block only: sent_at is in the next week")
		}
	}
	emailSendSet, chatSendSet := c.set(emailSends), c.set(chatSends)
	sendSet := c.union(emailSendSet, chatSendSet)

	// Reads (SPEC §4, §8.2).
	free := c.subtract(c.wh, meetSet)
	emailReads, chatReads := c.reads(free, &tot)
	emailSet := c.union(emailSendSet, emailReads)
	chatSet := c.union(chatSendSet, chatReads)

	tot.meeting = meetSet.Len()
	var sumM int64
	for _, m := range ms {
		sumM += m.clip.Len()
	}
	tot.conflicting = sumM - tot.meeting
	tot.email = emailSet.Len()
	tot.chat = chatSet.Len()
	tot.multitask = IntersectLen(sendSet, meetSet)

	tot.whMeeting = IntersectLen(meetSet, c.wh)
	tot.ahMeeting = tot.meeting - tot.whMeeting
	tot.whEmail = IntersectLen(emailSet, c.wh)
	tot.ahEmail = tot.email - tot.whEmail

	var collabSet Set
	if c.cfg.CollaborationMode == CollabSum {
		collabSet = c.union(meetSet, emailSet)
		tot.collab = tot.meeting + tot.email
		tot.whCollab = tot.whMeeting + tot.whEmail
		tot.ahCollab = tot.ahMeeting + tot.ahEmail
		tot.weekend = c.weekendLen(meetSet) + c.weekendLen(emailSet)
	} else {
		collabSet = c.union(meetSet, c.union(emailSet, chatSet))
		tot.collab = collabSet.Len()
		tot.whCollab = IntersectLen(collabSet, c.wh)
		tot.ahCollab = tot.collab - tot.whCollab
		tot.weekend = c.weekendLen(collabSet)
	}

	quiet := c.subtract(c.wh, collabSet)
	tot.available = free.Len()
	tot.uninterrupted = quiet.PiecesAtLeast(minutes(c.cfg.UninterruptedMinutes))
	if c.cfg.FocusMeasure == FocusUninterrupted {
		tot.focus = quiet.PiecesAtLeast(minutes(c.cfg.FocusMinutes))
	} else {
		tot.focus = free.PiecesAtLeast(minutes(c.cfg.FocusMinutes))
	}
	tot.fragmented = free.PiecesShorter(minutes(c.cfg.FragmentedMinutes))

	provable := c.union(meetSet, sendSet)
	tot.span = c.span(provable)
	tot.activeBlocks = c.activeBlocks(meetSet, sendInstants)

	c.meetingBreakdowns(ms, &tot)

	tot.readsDropped = int32(c.dropped)
	row := c.row(w, &tot)
	if c.tr != nil {
		c.tr.fill(c, w, ms, meetSet, free, quiet, tot)
	}
	return row, tot
}

func sendSkipReason(m *mref) string {
	if m.auto() {
		return "auto-generated: not a send"
	}
	return "no recipient other than the sender: not a send"
}

func (c *weekCalc) countSend(m *mref, tot *totals, instants *[]int64) {
	if m.chat() {
		tot.chatsSent++
	} else {
		tot.emailsSent++
	}
	*instants = append(*instants, m.time())
	c.traceSend(m, true, "")
}

// workingHours computes WH and the OOO days (SPEC §3, §8.4).
func (c *weekCalc) workingHours(tot *totals) {
	c.days = c.sc.workDays(c.wsT)
	atts := c.ix.attendanceOf(c.pi)
	ooo := c.ar.ivs(0)
	for _, a := range atts {
		ev := &c.ix.events[a.ev]
		if ev.is(eCancelled) || a.response == vDeclined {
			continue
		}
		own := ev.is(eOOO) && (a.response == vOrganizer || ev.organizer == c.pi)
		if own || a.showAs == vOOF {
			ooo = append(ooo, Interval{ev.s, ev.e})
		}
	}
	oooSet := c.set(ooo)
	c.oooDates = c.oooDates[:0]
	wh := c.ar.ivs(len(c.days))
	for i := range c.days {
		d := &c.days[i]
		covered := IntersectLen(Set{d.iv}, oooSet)
		if len(oooSet) > 0 && 2*covered >= d.iv.Len() {
			d.ooo = true
			c.oooDates = append(c.oooDates, keyOf(d.date))
			if !d.date.Before(c.wsT) {
				tot.oooDays++
			}
			continue
		}
		wh = append(wh, d.iv)
	}
	c.wh = c.intersect(c.set(wh), Set{{c.ws, c.we}})
	tot.scheduled = c.wh.Len()
}

// A meetingRow is an included meeting: the attendance row and its interval
// clipped to the week.
type meetingRow struct {
	attendance
	ev   *event
	clip Interval
}

// meetings applies the rules of SPEC §4 to every attendance row of the person
// that overlaps the week.
func (c *weekCalc) meetings(tot *totals) ([]meetingRow, Set) {
	atts := c.ix.attendanceOf(c.pi)
	ms := c.ar.meetingRows(len(atts))
	ivs := c.ar.ivs(len(atts))
	maxLen := int64(c.cfg.MaxMeetingHours * float64(usPerHour))
	for _, a := range atts {
		ev := &c.ix.events[a.ev]
		if ev.s >= c.we {
			break // sorted by start
		}
		// Overlaps the week, or is an empty event starting in it (rule 2).
		if ev.e <= c.ws && !(ev.s >= c.ws && ev.e <= ev.s) {
			continue
		}
		rule := c.rule(a, ev, maxLen)
		if rule != "" {
			c.excluded[rule]++
			c.traceMeeting(a, ev, rule, Interval{})
			continue
		}
		clip := Interval{max(ev.s, c.ws), min(ev.e, c.we)}
		ms = append(ms, meetingRow{attendance: a, ev: ev, clip: clip})
		ivs = append(ivs, clip)
		c.included++
		if ev.s >= c.ws {
			tot.meetings++
		}
		c.traceMeeting(a, ev, "", clip)
	}
	return ms, c.set(ivs)
}

func (c *weekCalc) rule(a attendance, ev *event, maxLen int64) string {
	switch {
	case ev.is(eCancelled):
		return RuleCancelled
	case !ev.is(eMeeting):
		return RuleNotMeeting
	case ev.is(eAllDay):
		return RuleAllDay
	case ev.e-ev.s <= 0 || ev.e-ev.s > maxLen:
		return RuleLength
	case ev.notDeclined < 2:
		return RuleAlone
	}
	switch a.response {
	case vOrganizer, vAccepted:
	case vTentative:
		if !c.cfg.CountTentative {
			return RuleResponse
		}
	default:
		return RuleResponse
	}
	if a.showAs == vFree {
		return RuleShowAsFree
	}
	if len(c.oooDates) > 0 && slices.Contains(c.oooDates, c.sc.localDate(ev.s)) {
		return RuleOOODay
	}
	return ""
}

// reads places received messages on the FIFO read queue (SPEC §8.2) and
// returns the placed email and chat read time.
func (c *weekCalc) reads(free Set, tot *totals) (email, chat Set) {
	var cursor int64 = c.ws
	recv := c.ix.receivedBy(c.pi)
	emailIvs, chatIvs := c.ar.ivs(len(recv)), c.ar.ivs(len(recv)/4)
	pos := 0 // first free piece that may hold the next start
	emailRead, chatRead := minutes(c.cfg.EmailReadMinutes), minutes(c.cfg.ChatReadMinutes)
	for k := range recv {
		m := &recv[k]
		at := m.time()
		if at < c.ws || m.auto() {
			continue
		}
		if at >= c.we {
			break
		}
		d := emailRead
		if m.chat() {
			d = chatRead
			tot.chatsReceived++
		} else {
			tot.emailsReceived++
		}
		if d <= 0 {
			continue
		}
		start := max(at, cursor)
		for pos < len(free) && free[pos].E <= start {
			pos++
		}
		// Walk the free pieces from start until d is consumed, appending
		// them to the channel's list.
		ivs := &emailIvs
		if m.chat() {
			ivs = &chatIvs
		}
		first := len(*ivs)
		need := d
		t := start
		for k := pos; k < len(free) && need > 0; k++ {
			s := max(free[k].S, t)
			n := min(free[k].E-s, need)
			*ivs = append(*ivs, Interval{s, s + n})
			need -= n
			t = s + n
		}
		if need > 0 {
			*ivs = (*ivs)[:first]
			c.dropped++
			c.traceRead(m, nil)
			continue
		}
		cursor = t
		c.traceRead(m, (*ivs)[first:len(*ivs):len(*ivs)])
	}
	return c.set(emailIvs), c.set(chatIvs)
}

// weekendLen returns the part of s on local Saturdays and Sundays.
func (c *weekCalc) weekendLen(s Set) int64 {
	var n int64
	y, mo, d := c.wsT.Date()
	for i := 0; i < 7; i++ {
		ds := time.Date(y, mo, d+i, 0, 0, 0, 0, c.sc.loc)
		if wd := ds.Weekday(); wd != time.Saturday && wd != time.Sunday {
			continue
		}
		de := time.Date(y, mo, d+i+1, 0, 0, 0, 0, c.sc.loc)
		n += IntersectLen(s, Set{{ds.UnixMicro(), de.UnixMicro()}})
	}
	return n
}

// span is Collaboration_span: per local day, first to last provable activity.
func (c *weekCalc) span(provable Set) int64 {
	var n int64
	y, mo, d := c.wsT.Date()
	for i := 0; i < 7; i++ {
		ds := time.Date(y, mo, d+i, 0, 0, 0, 0, c.sc.loc).UnixMicro()
		de := time.Date(y, mo, d+i+1, 0, 0, 0, 0, c.sc.loc).UnixMicro()
		// The first and last pieces of provable overlapping the day.
		i, _ := slices.BinarySearchFunc(provable, ds, func(iv Interval, t int64) int { return cmpInt64(iv.E, t+1) })
		j, _ := slices.BinarySearchFunc(provable, de, func(iv Interval, t int64) int { return cmpInt64(iv.S, t) })
		if i < j {
			n += min(provable[j-1].E, de) - max(provable[i].S, ds)
		}
	}
	return n
}

// activeBlocks counts the local half-hours holding meeting time or a sent_at.
func (c *weekCalc) activeBlocks(meetSet Set, sendInstants []int64) int64 {
	blocks := c.ar.int64s(len(sendInstants) + 2*len(meetSet))
	for _, iv := range meetSet {
		for t := iv.S; t < iv.E; {
			b := c.sc.halfHourStart(t)
			blocks = append(blocks, b)
			next := c.sc.halfHourStart(b + halfHourSecs*usPerSec)
			if next <= t {
				next = t + usPerMin
			}
			t = next
		}
	}
	for _, at := range sendInstants {
		if at >= c.ws && at < c.we {
			blocks = append(blocks, c.sc.halfHourStart(at))
		}
	}
	slices.Sort(blocks)
	return int64(len(slices.Compact(blocks)))
}

// meetingBreakdowns fills the manager, size × length, recurring and
// generated-workload metrics.
func (c *weekCalc) meetingBreakdowns(ms []meetingRow, tot *totals) {
	mgr := c.ix.manager[c.pi]
	short := minutes(c.cfg.ShortMeetingMaxMinutes)
	n := len(ms)
	withMgr, withMgr11, ss, sl := c.ar.ivs(n), c.ar.ivs(n), c.ar.ivs(n), c.ar.ivs(n)
	ls, ll, rec := c.ar.ivs(n), c.ar.ivs(n), c.ar.ivs(n)
	for _, m := range ms {
		ev := m.ev
		if mgr >= 0 && c.managerAttends(m.attendance.ev, mgr) {
			withMgr = append(withMgr, m.clip)
			if ev.invitees == 2 {
				withMgr11 = append(withMgr11, m.clip)
			}
		}
		small := ev.invitees <= c.cfg.SmallMeetingMaxInvitees
		isShort := ev.e-ev.s <= short
		switch {
		case small && isShort:
			ss = append(ss, m.clip)
		case small:
			sl = append(sl, m.clip)
		case isShort:
			ls = append(ls, m.clip)
		default:
			ll = append(ll, m.clip)
		}
		if ev.is(eRecurring) {
			rec = append(rec, m.clip)
		}
		if m.response == vOrganizer || ev.organizer == c.pi {
			others := int64(ev.notDeclined) - 1
			if others > 0 {
				tot.generated += m.clip.Len() * others
			}
		}
	}
	tot.withMgr = unionLen(withMgr)
	tot.withMgr11 = unionLen(withMgr11)
	tot.smallShort = unionLen(ss)
	tot.smallLong = unionLen(sl)
	tot.largeShort = unionLen(ls)
	tot.largeLong = unionLen(ll)
	tot.recurring = unionLen(rec)
}

// managerAttends reports whether the attendance row of mgr (a position in
// ix.all) on event ev (a position in ix.events) says accepted or organizer
// (SPEC §8.11).
func (c *weekCalc) managerAttends(ev, mgr int32) bool {
	rows := c.ix.attendanceOf(mgr) // by ev, one row per event
	i, ok := slices.BinarySearchFunc(rows, ev, func(a attendance, ev int32) int { return cmp.Compare(a.ev, ev) })
	return ok && (rows[i].response == vAccepted || rows[i].response == vOrganizer)
}

// row converts the totals to a person_week row.
func (c *weekCalc) row(w dataset.Week, t *totals) dataset.PersonWeek {
	y, m, d := c.wsT.Date()
	r := dataset.PersonWeek{
		PersonID:            c.p.PersonID,
		MetricDate:          time.Date(y, m, d, 0, 0, 0, 0, time.UTC),
		Week:                w.String(),
		Organization:        c.p.Organization,
		FunctionType:        c.p.FunctionType,
		LevelDesignation:    c.p.LevelDesignation,
		SupervisorIndicator: c.ix.supervisorIndicator(c.pi),
		ManagerID:           c.p.ManagerID,
		TimeZone:            c.sc.zone,

		ScheduledWorkingHours: hours(t.scheduled),
		OOODays:               t.oooDays,

		MeetingHours:            hours(t.meeting),
		Meetings:                t.meetings,
		ConflictingMeetingHours: hours(t.conflicting),
		EmailHours:              hours(t.email),
		EmailsSent:              t.emailsSent,
		EmailsReceived:          t.emailsReceived,
		ChatHours:               hours(t.chat),
		ChatsSent:               t.chatsSent,
		ChatsReceived:           t.chatsReceived,
		ReadsDropped:            t.readsDropped,

		CollaborationHours:             hours(t.collab),
		MultitaskingHours:              hours(t.multitask),
		WorkingHoursCollaborationHours: hours(t.whCollab),
		AfterHoursCollaborationHours:   hours(t.ahCollab),
		WorkingHoursMeetingHours:       hours(t.whMeeting),
		AfterHoursMeetingHours:         hours(t.ahMeeting),
		WorkingHoursEmailHours:         hours(t.whEmail),
		AfterHoursEmailHours:           hours(t.ahEmail),
		WeekendCollaborationHours:      hours(t.weekend),

		AvailableToFocusHours: hours(t.available),
		UninterruptedHours:    hours(t.uninterrupted),
		FocusHours:            hours(t.focus),
		FragmentedHours:       hours(t.fragmented),
		CollaborationSpan:     hours(t.span),
		ActiveConnectedHours:  0.5 * float64(t.activeBlocks),

		MeetingHoursWithManager:       hours(t.withMgr),
		MeetingHoursWithManager1On1:   hours(t.withMgr11),
		SmallAndShortMeetingHours:     hours(t.smallShort),
		SmallAndLongMeetingHours:      hours(t.smallLong),
		LargeAndShortMeetingHours:     hours(t.largeShort),
		LargeAndLongMeetingHours:      hours(t.largeLong),
		RecurringMeetingHours:         hours(t.recurring),
		GeneratedWorkloadMeetingHours: hours(t.generated),
	}
	if t.scheduled > 0 {
		r.HasShares = true
		r.CollaborationShare = float64(t.collab) / float64(t.scheduled)
		r.CreationShare = float64(t.scheduled-t.whCollab) / float64(t.scheduled)
		switch {
		case r.CollaborationShare >= c.cfg.OverloadedShare:
			r.OverloadBand = dataset.BandOverloaded
		case r.CollaborationShare >= c.cfg.AboveTypicalShare:
			r.OverloadBand = dataset.BandAboveTypical
		default:
			r.OverloadBand = dataset.BandWithin
		}
	}
	return r
}

// An arena hands out the slices of one person-week from buffers that the
// next person-week of the same worker reuses, so the metric pass does not
// allocate per person. Sets from it are only valid until reset. A nil
// arena allocates (explain keeps what it computed).
type arena struct {
	ivbuf []Interval
	i64   []int64
	ms    []meetingRow
}

func (a *arena) reset() {
	if a != nil {
		a.ivbuf, a.i64, a.ms = a.ivbuf[:0], a.i64[:0], a.ms[:0]
	}
}

// ivs returns an empty slice with room for n intervals; appending past n
// still works (it allocates).
func (a *arena) ivs(n int) []Interval {
	if a == nil {
		return make([]Interval, 0, n)
	}
	return take(&a.ivbuf, n)
}

func (a *arena) int64s(n int) []int64 {
	if a == nil {
		return make([]int64, 0, n)
	}
	return take(&a.i64, n)
}

func (a *arena) meetingRows(n int) []meetingRow {
	if a == nil {
		return make([]meetingRow, 0, n)
	}
	return take(&a.ms, n)
}

// take returns an empty slice with room for n values from the unused end
// of *buf, replacing *buf by a larger buffer when it has no such room (the
// slices handed out before keep the old one).
func take[T any](buf *[]T, n int) []T {
	if len(*buf)+n > cap(*buf) {
		*buf = make([]T, 0, max(2*cap(*buf), n, 1024))
	}
	l := len(*buf)
	*buf = (*buf)[:l+n]
	return (*buf)[l : l : l+n]
}

// set returns NewSet(ivs), built in place in ivs.
func (c *weekCalc) set(ivs []Interval) Set {
	if c.ar == nil {
		return NewSet(ivs)
	}
	sortByStart(ivs)
	return appendMerged(ivs[:0], ivs)
}

func (c *weekCalc) union(a, b Set) Set { return unionTo(c.ar.ivs(len(a)+len(b)), a, b) }

func (c *weekCalc) intersect(a, b Set) Set { return intersectTo(c.ar.ivs(len(a)+len(b)), a, b) }

func (c *weekCalc) subtract(a, b Set) Set { return subtractTo(c.ar.ivs(len(a)+len(b)), a, b) }
