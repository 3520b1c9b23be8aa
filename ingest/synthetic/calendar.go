package synthetic

import (
	"math/rand/v2"
	"slices"
	"time"
)

// Google Calendar event types.
const (
	typeDefault         = "default"
	typeFocusTime       = "focusTime"
	typeOutOfOffice     = "outOfOffice"
	typeWorkingLocation = "workingLocation"
)

// Google attendee response statuses.
const (
	respAccepted    = "accepted"
	respTentative   = "tentative"
	respDeclined    = "declined"
	respNeedsAction = "needsAction"
)

// respProfile is the chance, in percent, of tentative, declined and
// needsAction answers; the rest accept.
type respProfile struct{ tentative, declined, needsAction int }

var (
	profileUsual    = respProfile{7, 8, 7}
	profileOneOnOne = respProfile{2, 4, 2}
	profileAllHands = respProfile{10, 10, 12}
)

// meetingTitles are the titles of ad-hoc meetings; several fall in the
// title-class allow-list (lunch, interview, workshop, …), most do not.
var meetingTitles = []string{
	"Project sync", "Design review", "Quarterly planning", "Customer call", "Interview: backend candidate",
	"Lunch with the team", "Sprint retro", "Budget review", "Hiring debrief", "Roadmap discussion",
	"Incident review", "Vendor demo", "Security training", "Pipeline review", "Launch checklist",
}

// genCalendar generates every event instance: out-of-office first (so
// meetings on those days can be auto-declined), then recurring series, then
// each week's one-off events.
func (g *gen) genCalendar() {
	rng := g.rng("calendar")
	for wi := range g.weeks {
		g.genOOO(rng, wi)
	}
	g.genOneOnOnes(rng)
	g.genTeamSeries(rng)
	g.genAllHands(rng)
	for wi := range g.weeks {
		g.genFocus(rng, wi)
		g.genWorkingLocation(rng, wi)
		g.genAdHoc(rng, wi)
		g.genWorkshops(rng, wi)
		g.genAllDay(rng, wi)
		g.genExternalOrganized(rng, wi)
		g.genWeekCrossing(rng, wi)
	}
}

// newUID returns a fresh event id base and iCalUID.
func (g *gen) newUID(rng *rand.Rand) (base, ical string) {
	g.nEvent++
	var b [32]byte
	id := appendPadded(b[:0], uint64(rng.Uint32()), 16, 8)
	base = string(appendPadded(id, uint64(g.nEvent), 10, 5))
	return base, base + "@google.com"
}

// add appends an instance, giving it a canary.
func (g *gen) addInst(in instance) {
	g.canary++
	in.canary = g.canary
	g.inst = append(g.inst, in)
}

// response draws pi's answer to an invitation starting at start: declined
// when pi is out of office then (auto-decline), else by profile.
func (g *gen) response(rng *rand.Rand, pi int, start time.Time, p respProfile) string {
	if g.isOOO(pi, start) {
		return respDeclined
	}
	r := rng.IntN(100)
	switch {
	case r < p.tentative:
		return respTentative
	case r < p.tentative+p.declined:
		return respDeclined
	case r < p.tentative+p.declined+p.needsAction:
		return respNeedsAction
	}
	return respAccepted
}

// guests builds the attendee list: the organizer first (when internal),
// then internal guests, external guests and rooms.
func (g *gen) guests(rng *rand.Rand, org int, in []int, ext []string, rooms []Attendee, start time.Time, p respProfile) []Attendee {
	out := make([]Attendee, 0, 1+len(in)+len(ext)+len(rooms))
	if org >= 0 {
		out = append(out, Attendee{Email: g.people[org].Email, Name: g.people[org].Name, ResponseStatus: respAccepted, Organizer: true})
	}
	for _, pi := range in {
		out = append(out, Attendee{Email: g.people[pi].Email, Name: g.people[pi].Name,
			ResponseStatus: g.response(rng, pi, start, p), Optional: rng.IntN(20) == 0})
	}
	for _, e := range ext {
		r := respAccepted
		if rng.IntN(4) == 0 {
			r = respNeedsAction
		}
		out = append(out, Attendee{Email: e, ResponseStatus: r})
	}
	return append(out, rooms...)
}

// meeting adds a one-off timed meeting.
func (g *gen) meeting(rng *rand.Rand, org int, in []int, ext []string, rooms []Attendee, start time.Time, dur time.Duration, title string, online bool) {
	base, ical := g.newUID(rng)
	created := start.Add(-time.Duration(1+rng.IntN(14*24*60)) * time.Minute).Truncate(time.Second)
	g.addInst(instance{
		id: base, ical: ical, start: start, end: start.Add(dur),
		cancelled: rng.IntN(50) == 0, eventType: typeDefault, transparency: "opaque",
		organizer: g.people[org].Email, attendees: g.guests(rng, org, in, ext, rooms, start, profileUsual),
		created: created, online: online, title: title,
	})
}

// seriesSpec describes a recurring series; slots are the original starts.
type seriesSpec struct {
	org     int
	in      []int
	rooms   []Attendee
	dur     time.Duration
	title   string
	online  bool
	profile respProfile
	slots   []time.Time
}

// series adds the instances of a recurring series. A few instances are
// moved (exceptions keep their original start) or cancelled.
func (g *gen) series(rng *rand.Rand, s seriesSpec) {
	if len(s.slots) == 0 {
		return
	}
	base, ical := g.newUID(rng)
	created := s.slots[0].Add(-time.Duration(7*24+rng.IntN(80*24)) * time.Hour).Truncate(time.Second)
	for _, orig := range s.slots {
		start := orig
		if rng.IntN(25) == 0 {
			start = start.Add(time.Hour)
		}
		g.addInst(instance{
			id: base + "_" + orig.UTC().Format("20060102T150405Z"), ical: ical, series: base,
			origStart: orig, start: start, end: start.Add(s.dur),
			cancelled: rng.IntN(30) == 0, eventType: typeDefault, transparency: "opaque",
			organizer: g.people[s.org].Email, attendees: g.guests(rng, s.org, s.in, nil, s.rooms, start, s.profile),
			created: created, online: s.online, title: s.title,
		})
	}
}

// weekly returns the slot on the same weekday index and local time in every
// generated week, skipping weeks where the day is not a working day.
func (g *gen) weekly(pi, dayIdx int, offset time.Duration) []time.Time {
	var out []time.Time
	for wi := range g.weeks {
		days := g.workDays(pi, wi)
		if len(days) == 0 {
			continue
		}
		if ws, _, ok := g.window(pi, days[dayIdx%len(days)]); ok {
			out = append(out, ws.Add(offset))
		}
	}
	return out
}

// genOneOnOnes adds a weekly 30-minute 1:1 for every manager and report.
func (g *gen) genOneOnOnes(rng *rand.Rand) {
	for m := range g.people {
		for _, r := range g.people[m].reports {
			g.series(rng, seriesSpec{
				org: m, in: []int{r}, dur: 30 * time.Minute, online: rng.IntN(2) == 0,
				title:   firstName(g.people[m].Name) + " / " + firstName(g.people[r].Name) + " 1:1",
				profile: profileOneOnOne,
				slots:   g.weekly(m, rng.IntN(5), time.Duration(1+rng.IntN(12))*30*time.Minute),
			})
		}
	}
}

// genTeamSeries adds a daily 15-minute standup for teams of individual
// contributors and a weekly 60-minute team meeting for every manager.
func (g *gen) genTeamSeries(rng *rand.Rand) {
	for m, p := range g.people {
		if len(p.reports) == 0 {
			continue
		}
		room := g.rooms[rng.IntN(len(g.rooms))]
		g.series(rng, seriesSpec{
			org: m, in: p.reports, rooms: []Attendee{room}, dur: time.Hour, online: true,
			title: "Team meeting", profile: profileUsual,
			slots: g.weekly(m, 1+rng.IntN(3), time.Duration(2+rng.IntN(4))*time.Hour),
		})
		if len(g.people[p.reports[0]].reports) > 0 {
			continue // a team of managers has no standup
		}
		var slots []time.Time
		for wi := range g.weeks {
			for _, d := range g.workDays(m, wi) {
				if ws, _, ok := g.window(m, d); ok {
					slots = append(slots, ws.Add(30*time.Minute))
				}
			}
		}
		g.series(rng, seriesSpec{
			org: m, in: p.reports, dur: 15 * time.Minute, online: true,
			title: "Daily standup", profile: profileUsual, slots: slots,
		})
	}
}

// genAllHands adds a monthly 60-minute all-hands by the CEO with everyone
// invited, in the first generated week and every fourth after it.
func (g *gen) genAllHands(rng *rand.Rand) {
	var slots []time.Time
	for wi := 0; wi < len(g.weeks); wi += 4 {
		days := g.workDays(0, wi)
		if len(days) == 0 {
			continue
		}
		d := days[min(3, len(days)-1)]
		slots = append(slots, time.Date(d.Year(), d.Month(), d.Day(), 11, 0, 0, 0, g.people[0].loc))
	}
	all := make([]int, 0, len(g.people)-1)
	for i := 1; i < len(g.people); i++ {
		all = append(all, i)
	}
	g.series(rng, seriesSpec{
		org: 0, in: all, rooms: []Attendee{g.rooms[0]}, dur: time.Hour, online: true,
		title: "Monthly all hands", profile: profileAllHands, slots: slots,
	})
}

// genOOO adds out-of-office events for about 4% of people in week wi: one
// to three days, as one all-day event or one timed event per working day.
func (g *gen) genOOO(rng *rand.Rand, wi int) {
	for pi := range g.people {
		if rng.IntN(100) >= 4 {
			continue
		}
		days := g.workDays(pi, wi)
		if len(days) == 0 {
			continue
		}
		k := 1 + rng.IntN(3)
		first := rng.IntN(len(days))
		last := min(first+k, len(days)) - 1
		title := []string{"OOO", "Vacation", "Out of office"}[rng.IntN(3)]
		loc := g.people[pi].loc
		if rng.IntN(10) < 6 {
			d0, d1 := days[first], days[last]
			s := time.Date(d0.Year(), d0.Month(), d0.Day(), 0, 0, 0, 0, loc)
			e := time.Date(d1.Year(), d1.Month(), d1.Day()+1, 0, 0, 0, 0, loc)
			g.solo(rng, pi, s, e, true, typeOutOfOffice, "opaque", title)
			g.ooo[pi] = append(g.ooo[pi], span{s, e})
			continue
		}
		for _, d := range days[first : last+1] {
			if ws, we, ok := g.window(pi, d); ok {
				g.solo(rng, pi, ws, we, false, typeOutOfOffice, "opaque", title)
				g.ooo[pi] = append(g.ooo[pi], span{ws, we})
			}
		}
	}
}

// solo adds an event of pi's alone (no attendee list). All-day events span
// local midnights start to end in pi's zone.
func (g *gen) solo(rng *rand.Rand, pi int, start, end time.Time, allDay bool, eventType, transparency, title string) {
	base, ical := g.newUID(rng)
	in := instance{
		id: base, ical: ical, start: start, end: end, allDay: allDay,
		eventType: eventType, transparency: transparency, organizer: g.people[pi].Email,
		created: start.Add(-time.Duration(1+rng.IntN(20*24)) * time.Hour).Truncate(time.Second),
		title:   title,
	}
	if allDay {
		in.startDate, in.endDate = start.Format(time.DateOnly), end.Format(time.DateOnly)
	}
	g.addInst(in)
}

// genFocus adds zero to three focus blocks per person in week wi; most are
// Google focusTime events (some marked free), some plain events alone.
func (g *gen) genFocus(rng *rand.Rand, wi int) {
	for pi := range g.people {
		days := g.workDays(pi, wi)
		if len(days) == 0 {
			continue
		}
		for range rng.IntN(4) {
			dur := time.Duration(2+rng.IntN(5)) * 30 * time.Minute
			start, ok := g.slot(rng, pi, days[rng.IntN(len(days))], dur)
			if !ok {
				continue
			}
			if rng.IntN(10) < 7 {
				tr := "opaque"
				if rng.IntN(4) == 0 {
					tr = "transparent"
				}
				g.solo(rng, pi, start, start.Add(dur), false, typeFocusTime, tr, "Focus time")
			} else {
				g.solo(rng, pi, start, start.Add(dur), false, typeDefault, "opaque", "Focus: deep work")
			}
		}
	}
}

// genWorkingLocation adds all-day working-location events for about a
// quarter of people in week wi.
func (g *gen) genWorkingLocation(rng *rand.Rand, wi int) {
	for pi := range g.people {
		days := g.workDays(pi, wi)
		if len(days) == 0 || rng.IntN(4) != 0 {
			continue
		}
		for range 1 + rng.IntN(2) {
			d := days[rng.IntN(len(days))]
			loc := g.people[pi].loc
			s := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
			e := time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc)
			g.solo(rng, pi, s, e, true, typeWorkingLocation, "transparent", "Home")
		}
	}
}

// pickOthers returns n distinct people other than pi, mostly from pi's
// department, favouring people with a high meeting load.
func (g *gen) pickOthers(rng *rand.Rand, pi, n int) []int {
	var out []int
	for tries := 0; len(out) < n && tries < 20*n; tries++ {
		c := g.byLoad(rng)
		if rng.IntN(10) < 6 {
			if same := g.sameDept(rng, pi); same >= 0 {
				c = same
			}
		}
		if c != pi && !containsInt(out, c) { // n is small: a scan beats a map
			out = append(out, c)
		}
	}
	return out
}

// meetingLoad is how strongly a person attracts ad-hoc meetings: managers
// about three times an individual contributor, whose load is skewed (most
// moderate, a few heavily booked), so the org spreads across the bands.
func (g *gen) meetingLoad(pi int) float64 {
	p := &g.people[pi]
	load := p.activity * p.activity * p.activity // 0.22–2.7, skewed
	if len(p.reports) > 0 {
		load *= 3
	}
	return load
}

// byLoad picks a person with probability proportional to meetingLoad.
func (g *gen) byLoad(rng *rand.Rand) int {
	if g.loadCum == nil {
		sum := 0.0
		for i := range g.people {
			sum += g.meetingLoad(i)
			g.loadCum = append(g.loadCum, sum)
		}
	}
	x := rng.Float64() * g.loadCum[len(g.loadCum)-1]
	i, _ := slices.BinarySearch(g.loadCum, x)
	return min(i, len(g.people)-1)
}

// sameDept returns a random person of pi's department, or -1.
func (g *gen) sameDept(rng *rand.Rand, pi int) int {
	d := g.people[pi].dept
	for range 8 {
		c := rng.IntN(len(g.people))
		if g.people[c].dept == d {
			return c
		}
	}
	return -1
}

// genAdHoc adds one-off meetings of 3–12 people in week wi, some with
// external guests, rooms or online.
func (g *gen) genAdHoc(rng *rand.Rand, wi int) {
	for range g.cfg.People * 2 {
		org := g.byLoad(rng)
		days := g.workDays(org, wi)
		if len(days) == 0 {
			continue
		}
		dur := []time.Duration{30, 30, 45, 60, 60, 90}[rng.IntN(6)] * time.Minute
		start, _ := g.slot(rng, org, days[rng.IntN(len(days))], dur)
		var ext []string
		if rng.IntN(10) == 0 {
			for range 1 + rng.IntN(2) {
				ext = append(ext, g.contacts[rng.IntN(len(g.contacts))])
			}
		}
		var rooms []Attendee
		if rng.IntN(100) < 35 {
			rooms = []Attendee{g.rooms[rng.IntN(len(g.rooms))]}
		}
		in := g.pickOthers(rng, org, 2+rng.IntN(10)-len(ext))
		g.meeting(rng, org, in, dedupe(ext), rooms, start, dur, meetingTitles[rng.IntN(len(meetingTitles))], rng.IntN(10) < 6)
	}
}

// genWorkshops adds long (3–4 h) workshops in week wi.
func (g *gen) genWorkshops(rng *rand.Rand, wi int) {
	for range max(1, g.cfg.People/120) {
		org := rng.IntN(len(g.people))
		days := g.workDays(org, wi)
		if len(days) == 0 {
			continue
		}
		dur := time.Duration(6+rng.IntN(3)) * 30 * time.Minute
		start, _ := g.slot(rng, org, days[rng.IntN(len(days))], dur)
		room := []Attendee{g.rooms[rng.IntN(len(g.rooms))]}
		g.meeting(rng, org, g.pickOthers(rng, org, 5+rng.IntN(10)), nil, room, start, dur, "Strategy workshop", false)
	}
}

// genAllDay adds all-day team events (offsites) in week wi.
func (g *gen) genAllDay(rng *rand.Rand, wi int) {
	for range max(1, g.cfg.People/150) {
		m := rng.IntN(len(g.people))
		for tries := 0; len(g.people[m].reports) == 0 && tries < 50; tries++ {
			m = rng.IntN(len(g.people))
		}
		days := g.workDays(m, wi)
		if len(g.people[m].reports) == 0 || len(days) == 0 {
			continue
		}
		d := days[rng.IntN(len(days))]
		loc := g.people[m].loc
		s := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
		e := time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc)
		base, ical := g.newUID(rng)
		g.addInst(instance{
			id: base, ical: ical, start: s, end: e, allDay: true,
			startDate: s.Format(time.DateOnly), endDate: e.Format(time.DateOnly),
			eventType: typeDefault, transparency: "transparent", organizer: g.people[m].Email,
			attendees: g.guests(rng, m, g.people[m].reports, nil, nil, s, profileUsual),
			created:   s.Add(-21 * 24 * time.Hour), title: "Team offsite",
		})
	}
}

// genExternalOrganized adds meetings organized by external contacts with a
// few internal guests in week wi.
func (g *gen) genExternalOrganized(rng *rand.Rand, wi int) {
	for range max(1, g.cfg.People/80) {
		host := rng.IntN(len(g.people))
		days := g.workDays(host, wi)
		if len(days) == 0 {
			continue
		}
		start, _ := g.slot(rng, host, days[rng.IntN(len(days))], time.Hour)
		ext := g.contacts[rng.IntN(len(g.contacts))]
		in := append([]int{host}, g.pickOthers(rng, host, rng.IntN(4))...)
		base, ical := g.newUID(rng)
		att := append([]Attendee{{Email: ext, ResponseStatus: respAccepted, Organizer: true}},
			g.guests(rng, -1, in, nil, nil, start, profileUsual)...)
		g.addInst(instance{
			id: base, ical: ical, start: start, end: start.Add(time.Hour),
			eventType: typeDefault, transparency: "opaque", organizer: ext, attendees: att,
			created: start.Add(-72 * time.Hour), online: true, title: "Customer call",
		})
	}
}

// genWeekCrossing adds a 60-minute meeting from Sunday 23:30 to Monday
// 00:30 UTC at the end of week wi, organized from Sydney when someone works
// there (where it is Monday morning).
func (g *gen) genWeekCrossing(rng *rand.Rand, wi int) {
	org := 1
	for i, p := range g.people {
		if p.TimeZone == "Australia/Sydney" && p.ManagerEmail != "" {
			org = i
			break
		}
	}
	start := g.weeks[wi].Monday().AddDate(0, 0, 7).Add(-30 * time.Minute)
	g.meeting(rng, org, g.pickOthers(rng, org, 2+rng.IntN(3)), nil, nil, start, time.Hour, "APAC planning", true)
}

func firstName(name string) string {
	for i := 0; i < len(name); i++ {
		if name[i] == ' ' {
			return name[:i]
		}
	}
	return name
}

func dedupe(s []string) []string {
	var out []string
	for _, x := range s {
		dup := false
		for _, y := range out {
			dup = dup || x == y
		}
		if !dup {
			out = append(out, x)
		}
	}
	return out
}
