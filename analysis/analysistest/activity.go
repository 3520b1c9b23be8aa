package analysistest

import (
	"cmp"
	"slices"
	"time"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
)

// oooDays returns a function reporting whether local day d of lw is an
// out-of-office day of person id (SPEC §3, §8.4): a work day whose working
// interval is at least half covered (inclusive) by the union of id's own
// out-of-office events. Coverage is counted on the full, unclipped working
// interval, so day -1 works too.
func oooDays(ix *index, id string, lw localWeek, s schedule) func(d int) bool {
	var ooo []dataset.Event
	for _, a := range ix.attendance[id] {
		e, ok := ix.event[a.EventID]
		if !ok || e.IsCancelled || a.Response == dataset.ResponseDeclined {
			continue
		}
		own := e.Kind == dataset.KindOutOfOffice && (a.Response == dataset.ResponseOrganizer || e.OrganizerID == id)
		if own || a.ShowAs == dataset.ShowAsOOF {
			ooo = append(ooo, e) // all-day ones included, at their stored instants (§8.9)
		}
	}
	memo := map[int]bool{}
	return func(d int) bool {
		if v, ok := memo[d]; ok {
			return v
		}
		a, b, ok := lw.workInterval(s, d)
		length := int(b.Unix() - a.Unix())
		if !ok || length <= 0 || len(ooo) == 0 {
			memo[d] = false
			return false
		}
		covered := make([]bool, length) // one per second of the working interval
		for _, e := range ooo {
			for i := max(int(e.Start.Unix()-a.Unix()), 0); i < min(int(e.End.Unix()-a.Unix()), length); i++ {
				covered[i] = true
			}
		}
		c := 0
		for _, v := range covered {
			if v {
				c++
			}
		}
		memo[d] = 2*c >= length // "at least half" is inclusive (§8.14)
		return memo[d]
	}
}

// meetings returns M(P,W) of SPEC §4, applying its rules in order to every
// attendance row of person id whose event overlaps the week.
func meetings(ix *index, id string, lw localWeek, ooo func(int) bool, cfg analysis.Config) []meeting {
	var out []meeting
	for _, att := range ix.attendance[id] {
		e, ok := ix.event[att.EventID]
		if !ok {
			continue
		}
		a, b := lw.span(e.Start, e.End)
		a, b = max(a, 0), min(b, lw.n)
		if a >= b {
			continue // does not overlap the week
		}
		dur := e.End.Sub(e.Start) // full, unclipped length (§8.6)
		resp := att.Response
		switch {
		case e.IsCancelled: // rule 1
		case e.Kind != dataset.KindMeeting: // rule 1
		case e.IsAllDay: // rule 1
		case dur <= 0 || dur > time.Duration(cfg.MaxMeetingHours*float64(time.Hour)): // rule 2
		case e.AttendeesNotDeclined < 2: // rule 3
		case !(resp == dataset.ResponseOrganizer || resp == dataset.ResponseAccepted ||
			(cfg.CountTentative && resp == dataset.ResponseTentative)): // rule 4
		case att.ShowAs == dataset.ShowAsFree: // rule 5
		case ooo(lw.dayOf(e.Start)): // rule 6 + §8.5: its start's local date is an OOO day
		default:
			out = append(out, meeting{
				ev:        e,
				a:         a,
				b:         b,
				organizer: resp == dataset.ResponseOrganizer || e.OrganizerID == id,
				startsIn:  !e.Start.Before(lw.start) && e.Start.Before(lw.end),
			})
		}
	}
	return out
}

// placeReads runs the read queue of SPEC §4 and §8.2 over the free time free
// (WH − ∪M) and returns the placed email and chat reads and the number of
// reads dropped.
func placeReads(queue []received, free set, cfg analysis.Config) (email, chat set, dropped int) {
	n := free.n
	email, chat = newSet(n), newSet(n)
	slices.SortFunc(queue, func(x, y received) int { // ordered by sent_at, ties by message_id
		return cmp.Or(x.msg.SentAt.Compare(y.msg.SentAt), cmp.Compare(x.msg.MessageID, y.msg.MessageID))
	})
	// freeFrom[i] = free seconds in [i, n): a read starting at i fits iff freeFrom[i] >= its length.
	freeFrom := make([]int, n+1)
	for i := n - 1; i >= 0; i-- {
		freeFrom[i] = freeFrom[i+1]
		if free.has(i) {
			freeFrom[i]++
		}
	}
	cursor := 0 // the end of the last placed read
	for _, r := range queue {
		into, need := chat, seconds(cfg.ChatReadMinutes)
		if r.msg.Channel == dataset.ChannelEmail {
			into, need = email, seconds(cfg.EmailReadMinutes)
		}
		i := max(r.at, cursor)
		if freeFrom[i] < need {
			dropped++ // it cannot finish before the week ends; the cursor stays
			continue
		}
		for need > 0 { // consume free seconds, pausing over non-free ones
			if free.has(i) {
				into.add(i, i+1)
				need--
			}
			i++
		}
		if i > cursor {
			cursor = i
		}
	}
	return email, chat, dropped
}

// weekendSet returns the local Saturdays and Sundays of the week (SPEC §5).
func weekendSet(lw localWeek) set {
	s := newSet(lw.n)
	for d := 0; d < 7; d++ {
		if wd := lw.date(d).Weekday(); wd == time.Saturday || wd == time.Sunday {
			s.add(lw.span(lw.at(d, 0), lw.at(d+1, 0)))
		}
	}
	return s
}

// span returns SPEC §5's Collaboration_span in seconds: per local day inside
// the week, from the start of the first to the end of the last second of
// provable activity on that day (§8.12: clipped per local day).
func span(provable set, lw localWeek) int {
	total := 0
	for d := 0; d < 7; d++ {
		a, b := lw.span(lw.at(d, 0), lw.at(d+1, 0))
		first, last := -1, -1
		for i := max(a, 0); i < min(b, lw.n); i++ {
			if provable.has(i) {
				if first < 0 {
					first = i
				}
				last = i
			}
		}
		if first >= 0 {
			total += last + 1 - first
		}
	}
	return total
}

// halfHours returns the number of local half-hour blocks (SPEC §5, §8.12:
// the local :00/:30 grid) holding any second of active. A new block starts
// at every second whose local wall clock reads :00:00 or :30:00, so a
// repeated local half-hour on a DST fall-back day is two blocks.
func halfHours(active set, lw localWeek) int {
	var zoneStart, zoneEnd int64 = 1, 0 // the Unix seconds [start, end) where offset holds
	var offset int64
	blocks, block, marked := 0, -1, -1
	for i := 0; i < lw.n; i++ {
		u := lw.start.Unix() + int64(i)
		if u < zoneStart || u >= zoneEnd {
			t := time.Unix(u, 0).In(lw.loc)
			_, off := t.Zone()
			s, e := t.ZoneBounds()
			offset, zoneStart, zoneEnd = int64(off), s.Unix(), e.Unix()
			if s.IsZero() {
				zoneStart = u
			}
			if e.IsZero() {
				zoneEnd = lw.end.Unix() + 1
			}
		}
		if wall := u + offset; i == 0 || ((wall%1800)+1800)%1800 == 0 {
			block++
		}
		if active.has(i) && marked != block {
			marked = block
			blocks++
		}
	}
	return blocks
}
