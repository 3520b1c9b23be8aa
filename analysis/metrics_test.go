package analysis_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
)

// Week 2026-W10 runs from Monday 2 March to Sunday 8 March 2026.
var w10 = dataset.Week{Year: 2026, Num: 10}

// org is a small builder of hand-made datasets.
type org struct {
	t   dataset.Tables
	n   int
	loc *time.Location
}

func newOrg(people ...dataset.Person) *org {
	o := &org{loc: time.UTC}
	for _, p := range people {
		p.IsInternal = true
		p.Domain = "example.com"
		o.t.People = append(o.t.People, p)
	}
	return o
}

// at returns the instant of "Mon 09:30"-style times in week 2026-W10 in loc.
func at(loc *time.Location, s string) time.Time {
	day, clock, _ := strings.Cut(s, " ")
	days := map[string]int{"Sun-": -1, "Mon": 0, "Tue": 1, "Wed": 2, "Thu": 3, "Fri": 4, "Sat": 5, "Sun": 6, "Mon+": 7}
	var h, m, sec int
	fmt.Sscanf(clock, "%d:%d:%d", &h, &m, &sec)
	return time.Date(2026, 3, 2+days[day], h, m, sec, 0, loc)
}

type att struct{ person, response, showAs string }

// meeting adds an event with the given attendance rows.
func (o *org) event(kind, start, end string, mod func(*dataset.Event), atts ...att) string {
	o.n++
	id := fmt.Sprintf("e%d", o.n)
	e := dataset.Event{EventID: id, Start: at(o.loc, start), End: at(o.loc, end), Kind: kind,
		Invitees: int32(len(atts)), AttendeesNotDeclined: 0, OrganizerID: atts[0].person}
	for _, a := range atts {
		if a.response != dataset.ResponseDeclined {
			e.AttendeesNotDeclined++
		}
		if a.showAs == "" {
			a.showAs = dataset.ShowAsBusy
		}
		o.t.Attendance = append(o.t.Attendance, dataset.Attendance{PersonID: a.person, EventID: id, Response: a.response, ShowAs: a.showAs})
	}
	if mod != nil {
		mod(&e)
	}
	o.t.Events = append(o.t.Events, e)
	return id
}

func (o *org) meeting(start, end string, atts ...att) string {
	return o.event(dataset.KindMeeting, start, end, nil, atts...)
}

func (o *org) message(channel, from, sent string, to ...string) {
	o.n++
	o.t.Messages = append(o.t.Messages, dataset.Message{MessageID: fmt.Sprintf("m%03d", o.n), Channel: channel,
		SenderID: from, SentAt: at(o.loc, sent), RecipientIDs: to, NTo: int32(len(to))})
}

func (o *org) run(t *testing.T, cfg analysis.Config, weeks ...dataset.Week) map[string]dataset.PersonWeek {
	t.Helper()
	if len(weeks) == 0 {
		weeks = []dataset.Week{w10}
	}
	res, err := analysis.Run(context.Background(), &o.t, weeks, cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	out := map[string]dataset.PersonWeek{}
	for _, r := range res.Rows {
		out[r.PersonID+"/"+r.Week] = r
	}
	return out
}

func preset(t *testing.T, name string) analysis.Config {
	t.Helper()
	c, err := analysis.Preset(name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func acc(p string) att  { return att{p, dataset.ResponseAccepted, ""} }
func orgz(p string) att { return att{p, dataset.ResponseOrganizer, ""} }

// want checks named metrics (hours, counts, shares) of a row.
func want(t *testing.T, r dataset.PersonWeek, exp map[string]float64) {
	t.Helper()
	got := map[string]float64{
		"Scheduled": r.ScheduledWorkingHours, "Meeting": r.MeetingHours, "Meetings": float64(r.Meetings),
		"Conflicting": r.ConflictingMeetingHours, "Email": r.EmailHours, "EmailsSent": float64(r.EmailsSent),
		"EmailsReceived": float64(r.EmailsReceived), "Chat": r.ChatHours, "ChatsSent": float64(r.ChatsSent),
		"Collab": r.CollaborationHours, "Multitask": r.MultitaskingHours, "WHCollab": r.WorkingHoursCollaborationHours,
		"AHCollab": r.AfterHoursCollaborationHours, "WHMeeting": r.WorkingHoursMeetingHours, "AHMeeting": r.AfterHoursMeetingHours,
		"WHEmail": r.WorkingHoursEmailHours, "AHEmail": r.AfterHoursEmailHours, "Weekend": r.WeekendCollaborationHours,
		"Available": r.AvailableToFocusHours, "Uninterrupted": r.UninterruptedHours, "Focus": r.FocusHours,
		"Fragmented": r.FragmentedHours, "Span": r.CollaborationSpan, "Active": r.ActiveConnectedHours,
		"WithMgr": r.MeetingHoursWithManager, "WithMgr11": r.MeetingHoursWithManager1On1,
		"SmallShort": r.SmallAndShortMeetingHours, "SmallLong": r.SmallAndLongMeetingHours,
		"LargeShort": r.LargeAndShortMeetingHours, "LargeLong": r.LargeAndLongMeetingHours,
		"Recurring": r.RecurringMeetingHours, "Generated": r.GeneratedWorkloadMeetingHours,
		"CollabShare": r.CollaborationShare, "CreationShare": r.CreationShare, "OOODays": float64(r.OOODays),
		"ReadsDropped": float64(r.ReadsDropped),
	}
	for k, v := range exp {
		g, ok := got[k]
		if !ok {
			t.Fatalf("unknown metric %q", k)
		}
		if math.Abs(g-v) > 1e-9 {
			t.Errorf("%s = %v, want %v", k, g, v)
		}
	}
}

const min1 = 1.0 / 60 // one minute in hours

func TestOverlappingMeetings(t *testing.T) {
	o := newOrg(dataset.Person{PersonID: "ann"}, dataset.Person{PersonID: "bob"})
	o.meeting("Mon 10:00", "Mon 11:00", orgz("ann"), acc("bob"))
	o.meeting("Mon 10:30", "Mon 12:00", orgz("bob"), acc("ann"))
	r := o.run(t, preset(t, "default"))["ann/2026-W10"]
	want(t, r, map[string]float64{
		"Scheduled": 40, "Meeting": 2, "Meetings": 2, "Conflicting": 0.5, "Collab": 2, "WHCollab": 2, "AHCollab": 0,
		"Available": 38,
		// Monday leaves 09–10 (1 h) and 12–17 (5 h); four free days of 8 h.
		"Focus": 37, "Uninterrupted": 38, "Fragmented": 0,
		"Span": 2, "Active": 2, // half-hours 10:00, 10:30, 11:00, 11:30
		"SmallShort": 1, "SmallLong": 1.5, "Generated": 1, // organizer of 1 h with one other
		"CollabShare": 2.0 / 40, "CreationShare": 38.0 / 40,
	})
	if r.OverloadBand != dataset.BandWithin || r.MetricDate.Format("2006-01-02") != "2026-03-02" {
		t.Errorf("band %q, MetricDate %v; want within, 2026-03-02", r.OverloadBand, r.MetricDate)
	}
}

func TestExclusionRules(t *testing.T) {
	o := newOrg(dataset.Person{PersonID: "ann"}, dataset.Person{PersonID: "bob"})
	o.event(dataset.KindMeeting, "Mon 09:00", "Mon 10:00", func(e *dataset.Event) { e.IsCancelled = true }, orgz("ann"), acc("bob"))
	o.event(dataset.KindFocus, "Mon 10:00", "Mon 12:00", nil, orgz("ann"))
	o.event(dataset.KindMeeting, "Tue 00:00", "Wed 00:00", func(e *dataset.Event) { e.IsAllDay = true }, orgz("ann"), acc("bob"))
	o.meeting("Tue 09:00", "Tue 18:00", orgz("ann"), acc("bob"))                                           // 9 h > 8 h
	o.meeting("Tue 10:00", "Tue 10:00", orgz("ann"), acc("bob"))                                           // 0 h
	o.meeting("Wed 09:00", "Wed 10:00", orgz("ann"))                                                       // alone
	o.meeting("Wed 10:00", "Wed 11:00", att{"ann", dataset.ResponseDeclined, ""}, orgz("bob"), acc("cat")) // declined
	o.meeting("Wed 11:00", "Wed 12:00", orgz("bob"), att{"ann", dataset.ResponseTentative, dataset.ShowAsTentative}, acc("cat"))
	o.meeting("Wed 13:00", "Wed 14:00", orgz("bob"), att{"ann", dataset.ResponseNeedsAction, ""})
	o.meeting("Thu 09:00", "Thu 10:00", orgz("bob"), att{"ann", dataset.ResponseAccepted, dataset.ShowAsFree})
	o.meeting("Thu 10:00", "Thu 11:00", orgz("bob"), acc("ann")) // the only meeting
	res, err := analysis.Run(context.Background(), &o.t, []dataset.Week{w10}, preset(t, "default"))
	if err != nil {
		t.Fatal(err)
	}
	var ann dataset.PersonWeek
	for _, r := range res.Rows {
		if r.PersonID == "ann" {
			ann = r
		}
	}
	want(t, ann, map[string]float64{"Meeting": 1, "Meetings": 1})
	// Counts are over all people: bob's rows count too.
	wantEx := map[string]int{
		analysis.RuleCancelled: 2, analysis.RuleNotMeeting: 1, analysis.RuleAllDay: 2, analysis.RuleLength: 4,
		analysis.RuleAlone: 1, analysis.RuleResponse: 3, analysis.RuleShowAsFree: 1,
	}
	for _, rule := range analysis.Rules {
		if res.Excluded[rule] != wantEx[rule] {
			t.Errorf("Excluded[%s] = %d, want %d", rule, res.Excluded[rule], wantEx[rule])
		}
	}
	// Tentative counts with count_tentative (viva-legacy): Wed 11–12 joins.
	r := o.run(t, preset(t, "viva-legacy"))["ann/2026-W10"]
	want(t, r, map[string]float64{"Meeting": 2, "Meetings": 2})
}

func TestEmailSendBlock(t *testing.T) {
	o := newOrg(dataset.Person{PersonID: "ann"}, dataset.Person{PersonID: "bob"})
	o.message(dataset.ChannelEmail, "ann", "Mon 09:03", "bob", "bob") // duplicate recipient counts once
	o.message(dataset.ChannelEmail, "ann", "Mon 09:30", "ann")        // to self only: not a send
	o.message(dataset.ChannelChat, "ann", "Sat 11:00", "bob")         // weekend chat, 1 min
	o.t.Messages = append(o.t.Messages, dataset.Message{MessageID: "auto", Channel: dataset.ChannelEmail,
		SenderID: "ann", SentAt: at(time.UTC, "Mon 12:00"), RecipientIDs: []string{"bob"}, IsAuto: true})
	rows := o.run(t, preset(t, "default"))
	want(t, rows["ann/2026-W10"], map[string]float64{
		"Email": 5 * min1, "EmailsSent": 1, "WHEmail": 3 * min1, "AHEmail": 2 * min1,
		"Chat": min1, "ChatsSent": 1, "Collab": 6 * min1, "AHCollab": 3 * min1, "Weekend": min1,
		"Span":          6 * min1, // Monday 08:58–09:03 and Saturday 10:59–11:00
		"Active":        1,        // half-hours 09:00 Monday and 11:00 Saturday
		"Uninterrupted": 40 - 3*min1, "Focus": 40,
	})
	// bob reads one email (1.5 min at 09:03); the chat arrives on Saturday, after his last working
	// hour of the week, so its read is dropped.
	want(t, rows["bob/2026-W10"], map[string]float64{
		"EmailsReceived": 1, "Email": 1.5 * min1, "Chat": 0, "ReadsDropped": 1, "Collab": 1.5 * min1, "AHCollab": 0,
		"Span": 0, "Active": 0, "EmailsSent": 0,
	})
}

func TestReadQueue(t *testing.T) {
	o := newOrg(dataset.Person{PersonID: "ann"}, dataset.Person{PersonID: "bob"})
	o.meeting("Mon 10:00", "Mon 11:00", orgz("ann"), acc("bob"))
	o.message(dataset.ChannelEmail, "ann", "Mon 09:59:00", "bob") // read 09:59–10:00, pause, 11:00–11:00:30
	o.message(dataset.ChannelEmail, "ann", "Mon 09:59:30", "bob") // read 11:00:30–11:02:00
	o.message(dataset.ChannelEmail, "ann", "Fri 16:59:00", "bob") // 1 min left in the week: dropped
	o.message(dataset.ChannelChat, "ann", "Fri 16:59:10", "bob")  // 30 s fits: a dropped read does not move the queue
	r := o.run(t, preset(t, "default"))["bob/2026-W10"]
	want(t, r, map[string]float64{
		"EmailsReceived": 3, "ReadsDropped": 1,
		"Email": 3 * min1, "Chat": 0.5 * min1, "Meeting": 1, "Collab": 1 + 3.5*min1,
		"Available": 39,
		// Monday: 09:00–09:59 (59 min) and 11:02–17:00 unbroken; Friday 09:00–16:59:10 and 16:59:40–17:00.
		"Uninterrupted": 39 - 3.5*min1 - 59*min1 - (20.0 / 3600),
	})
}

// TestReadQueueTies checks SPEC §8.2's order of the read queue: messages
// with the same sent_at are read by message_id, whatever the order of the
// rows, their sender or their channel; a message held twice is read once.
func TestReadQueueTies(t *testing.T) {
	for _, tc := range []struct {
		chatID, emailID string
		exp             map[string]float64
	}{
		// 1 min 45 s are left in the week. Chat first: it takes 30 s and
		// the email (90 s) no longer fits.
		{"m-a", "m-b", map[string]float64{"Chat": 0.5 * min1, "Email": 0, "ReadsDropped": 1, "EmailsReceived": 1}},
		// Email first: it takes 90 s and the chat (30 s) no longer fits.
		{"m-b", "m-a", map[string]float64{"Chat": 0, "Email": 1.5 * min1, "ReadsDropped": 1, "EmailsReceived": 1}},
	} {
		o := newOrg(dataset.Person{PersonID: "ann"}, dataset.Person{PersonID: "bob"}, dataset.Person{PersonID: "cy"})
		msg := func(id, channel, from string) dataset.Message {
			return dataset.Message{MessageID: id, Channel: channel, SenderID: from,
				SentAt: at(o.loc, "Fri 16:58:15"), RecipientIDs: []string{"bob"}, NTo: 1}
		}
		email := msg(tc.emailID, dataset.ChannelEmail, "ann")
		o.t.Messages = append(o.t.Messages, email, msg(tc.chatID, dataset.ChannelChat, "cy"), email)
		want(t, o.run(t, preset(t, "default"))["bob/2026-W10"], tc.exp)
	}
}

func TestOOODay(t *testing.T) {
	o := newOrg(dataset.Person{PersonID: "ann"}, dataset.Person{PersonID: "bob"})
	o.event(dataset.KindOutOfOffice, "Wed 00:00", "Thu 00:00", func(e *dataset.Event) { e.IsAllDay = true }, orgz("ann"))
	o.meeting("Wed 10:00", "Wed 11:00", orgz("bob"), acc("ann"))
	o.message(dataset.ChannelEmail, "ann", "Wed 10:30", "bob")
	// bob got the OOO notice forwarded as an invitation: a colleague's OOO is not his (SPEC §8.4).
	o.t.Attendance = append(o.t.Attendance, dataset.Attendance{PersonID: "bob", EventID: "e1", Response: dataset.ResponseAccepted, ShowAs: dataset.ShowAsFree})
	res, err := analysis.Run(context.Background(), &o.t, []dataset.Week{w10}, preset(t, "default"))
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]dataset.PersonWeek{}
	for _, r := range res.Rows {
		rows[r.PersonID] = r
	}
	want(t, rows["ann"], map[string]float64{"Scheduled": 32, "OOODays": 1, "Meeting": 0, "Email": 5 * min1, "AHEmail": 5 * min1, "AHCollab": 5 * min1})
	want(t, rows["bob"], map[string]float64{"Scheduled": 40, "OOODays": 0, "Meeting": 1})
	if res.Excluded[analysis.RuleOOODay] != 1 {
		t.Errorf("Excluded[ooo_day] = %d, want 1", res.Excluded[analysis.RuleOOODay])
	}
}

func TestHalfCoveredOOO(t *testing.T) {
	o := newOrg(dataset.Person{PersonID: "ann"})
	// 13:00–17:00 covers exactly half of 09:00–17:00 on Tuesday: an OOO day ("at least" is inclusive).
	o.event(dataset.KindOutOfOffice, "Tue 13:00", "Tue 17:00", nil, orgz("ann"))
	// show_as oof on someone else's meeting makes Thursday morning OOO, but 3 h is less than half.
	o.event(dataset.KindMeeting, "Thu 09:00", "Thu 12:00", nil, orgz("bob"), att{"ann", dataset.ResponseAccepted, dataset.ShowAsOOF})
	r := o.run(t, preset(t, "default"))["ann/2026-W10"]
	want(t, r, map[string]float64{"Scheduled": 32, "OOODays": 1})
}

func TestDSTWeek(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	// 2026-W13: 23–29 March; clocks go forward on Sunday 29 March.
	w13 := dataset.Week{Year: 2026, Num: 13}
	o := newOrg(dataset.Person{PersonID: "ann", TimeZone: "Europe/Berlin"}, dataset.Person{PersonID: "bob", TimeZone: "Europe/Berlin"})
	o.loc = berlin
	// Monday of W13 is 3 weeks after the W10 Monday.
	o.t.Events = append(o.t.Events, dataset.Event{EventID: "m", Start: time.Date(2026, 3, 27, 9, 0, 0, 0, berlin),
		End: time.Date(2026, 3, 27, 10, 0, 0, 0, berlin), Kind: dataset.KindMeeting, Invitees: 2, AttendeesNotDeclined: 2, OrganizerID: "ann"})
	o.t.Attendance = append(o.t.Attendance,
		dataset.Attendance{PersonID: "ann", EventID: "m", Response: dataset.ResponseOrganizer, ShowAs: dataset.ShowAsBusy},
		dataset.Attendance{PersonID: "bob", EventID: "m", Response: dataset.ResponseAccepted, ShowAs: dataset.ShowAsBusy})
	res, err := analysis.Explain(&o.t, "ann", w13, preset(t, "default"))
	if err != nil {
		t.Fatal(err)
	}
	if h := res.End.Sub(res.Start).Hours(); h != 167 {
		t.Errorf("week length = %v h, want 167", h)
	}
	want(t, res.Row, map[string]float64{"Scheduled": 40, "Meeting": 1, "WHMeeting": 1, "Active": 1})
	if got := res.Row.MetricDate.Format("2006-01-02"); got != "2026-03-23" {
		t.Errorf("MetricDate = %s, want 2026-03-23", got)
	}
}

func TestKolkataHalfHourZone(t *testing.T) {
	kol, _ := time.LoadLocation("Asia/Kolkata")
	o := newOrg(dataset.Person{PersonID: "ann", TimeZone: "Asia/Kolkata"}, dataset.Person{PersonID: "bob"})
	// 09:00 IST is 03:30 UTC; a 45-min meeting touches the 09:00 and 09:30 local half-hours.
	o.t.Events = append(o.t.Events, dataset.Event{EventID: "m", Start: time.Date(2026, 3, 2, 9, 0, 0, 0, kol),
		End: time.Date(2026, 3, 2, 9, 45, 0, 0, kol), Kind: dataset.KindMeeting, Invitees: 2, AttendeesNotDeclined: 2, OrganizerID: "bob"})
	o.t.Attendance = append(o.t.Attendance,
		dataset.Attendance{PersonID: "ann", EventID: "m", Response: dataset.ResponseAccepted, ShowAs: dataset.ShowAsBusy},
		dataset.Attendance{PersonID: "bob", EventID: "m", Response: dataset.ResponseOrganizer, ShowAs: dataset.ShowAsBusy})
	rows := o.run(t, preset(t, "default"))
	want(t, rows["ann/2026-W10"], map[string]float64{"Meeting": 0.75, "WHMeeting": 0.75, "Active": 1, "Scheduled": 40})
	// For bob (UTC) it is 03:30–04:15, before his working day.
	want(t, rows["bob/2026-W10"], map[string]float64{"Meeting": 0.75, "AHMeeting": 0.75, "Active": 1})
}

func TestOvernightShift(t *testing.T) {
	o := newOrg(dataset.Person{PersonID: "ann", WorkStart: "22:00", WorkEnd: "06:00"}, dataset.Person{PersonID: "bob"})
	o.meeting("Tue 02:00", "Tue 03:00", orgz("ann"), acc("bob"))
	r := o.run(t, preset(t, "default"))["ann/2026-W10"]
	// Mon–Fri shifts, each 8 h; Friday's runs to Saturday 06:00.
	want(t, r, map[string]float64{"Scheduled": 40, "WHMeeting": 1, "Available": 39, "Focus": 39, "Fragmented": 0})
}

func TestWeekBoundaryMeeting(t *testing.T) {
	o := newOrg(dataset.Person{PersonID: "ann"}, dataset.Person{PersonID: "bob"})
	o.meeting("Sun- 23:00", "Mon 01:00", orgz("ann"), acc("bob"))
	rows := o.run(t, preset(t, "default"), w10, w10.Add(-1))
	want(t, rows["ann/2026-W10"], map[string]float64{"Meeting": 1, "Meetings": 0, "AHMeeting": 1, "Generated": 1, "SmallLong": 1})
	want(t, rows["ann/2026-W09"], map[string]float64{"Meeting": 1, "Meetings": 1, "Weekend": 1, "Generated": 1})
}

func TestManagerMeetings(t *testing.T) {
	o := newOrg(dataset.Person{PersonID: "ann", ManagerID: "mgr"}, dataset.Person{PersonID: "mgr"}, dataset.Person{PersonID: "bob"})
	o.meeting("Mon 10:00", "Mon 10:30", orgz("mgr"), acc("ann"))                                           // 1:1
	o.meeting("Tue 10:00", "Tue 11:00", orgz("bob"), acc("ann"), acc("mgr"))                               // with manager
	o.meeting("Wed 10:00", "Wed 11:00", orgz("bob"), acc("ann"), att{"mgr", dataset.ResponseDeclined, ""}) // manager declined
	o.meeting("Thu 10:00", "Thu 11:00", orgz("bob"), acc("ann"), att{"mgr", dataset.ResponseTentative, ""})
	rows := o.run(t, preset(t, "default"))
	want(t, rows["ann/2026-W10"], map[string]float64{"Meeting": 3.5, "WithMgr": 1.5, "WithMgr11": 0.5})
	if s := rows["mgr/2026-W10"].SupervisorIndicator; s != dataset.SupervisorManager {
		t.Errorf("mgr SupervisorIndicator = %q, want Manager", s)
	}
}

func TestSizeLengthAndWorkload(t *testing.T) {
	var ppl []dataset.Person
	var atts []att
	for i := range 10 {
		id := fmt.Sprintf("p%d", i)
		ppl = append(ppl, dataset.Person{PersonID: id})
		if i == 0 {
			atts = append(atts, orgz(id))
		} else {
			atts = append(atts, acc(id))
		}
	}
	o := newOrg(ppl...)
	o.meeting("Mon 10:00", "Mon 12:00", atts...)                                                                         // large (10), long
	o.event(dataset.KindMeeting, "Tue 10:00", "Tue 11:00", func(e *dataset.Event) { e.IsRecurring = true }, atts[:9]...) // large (9), short
	o.meeting("Wed 10:00", "Wed 11:00", atts[:8]...)                                                                     // small (8), short
	r := o.run(t, preset(t, "default"))["p0/2026-W10"]
	want(t, r, map[string]float64{"LargeLong": 2, "LargeShort": 1, "SmallShort": 1, "SmallLong": 0, "Recurring": 1,
		"Generated": 2*9 + 1*8 + 1*7})
}

func TestPresetsAndUndefinedShares(t *testing.T) {
	o := newOrg(dataset.Person{PersonID: "ann", WorkDays: "Sat"}, dataset.Person{PersonID: "bob"})
	o.meeting("Mon 10:00", "Mon 11:00", orgz("bob"), acc("ann"))
	o.message(dataset.ChannelChat, "bob", "Mon 15:00", "ann")
	o.event(dataset.KindOutOfOffice, "Sat 00:00", "Sun 00:00", nil, orgz("ann"))
	r := o.run(t, preset(t, "default"))["ann/2026-W10"]
	if r.HasShares || r.OverloadBand != "" || r.ScheduledWorkingHours != 0 {
		t.Errorf("no working hours: HasShares %v, band %q, Scheduled %v; want false, \"\", 0", r.HasShares, r.OverloadBand, r.ScheduledWorkingHours)
	}
	// viva: Sunday weeks, 08:00–17:00, uninterrupted focus.
	v := o.run(t, preset(t, "viva"))["bob/2026-W10"]
	want(t, v, map[string]float64{"Scheduled": 45, "Meeting": 1, "Focus": v.UninterruptedHours})
	if got := v.MetricDate.Format("Mon 2006-01-02"); got != "Sun 2026-03-01" {
		t.Errorf("viva MetricDate = %s, want Sun 2026-03-01", got)
	}
	// viva-legacy: Collaboration = Meeting + Email, no chat.
	l := o.run(t, preset(t, "viva-legacy"))["bob/2026-W10"]
	want(t, l, map[string]float64{"Collab": 1, "Chat": min1, "ChatsSent": 1})
}

func TestUnknownTimeZone(t *testing.T) {
	o := newOrg(dataset.Person{PersonID: "ann", TimeZone: "Mars/Olympus"})
	_, err := analysis.Run(context.Background(), &o.t, []dataset.Week{w10}, preset(t, "default"))
	if err == nil || !strings.Contains(err.Error(), "ann") || !strings.Contains(err.Error(), "Mars/Olympus") {
		t.Errorf("Run with an unknown zone: err = %v, want one naming the person and the zone", err)
	}
}

func TestSpanAndMultitasking(t *testing.T) {
	o := newOrg(dataset.Person{PersonID: "ann"}, dataset.Person{PersonID: "bob"})
	o.meeting("Mon 10:00", "Mon 11:00", orgz("ann"), acc("bob"))
	o.message(dataset.ChannelEmail, "ann", "Mon 10:30", "bob") // sent during the meeting
	o.message(dataset.ChannelEmail, "ann", "Mon 15:00", "bob")
	r := o.run(t, preset(t, "default"))["ann/2026-W10"]
	want(t, r, map[string]float64{"Span": 5, "Multitask": 5 * min1, "Email": 10 * min1, "Collab": 1 + 5*min1,
		"Active": 1.5}) // 10:00, 10:30, 14:30 (15:00 instant belongs to the 15:00 half-hour) → 10:00,10:30,15:00
}

func TestFragmentedAndBands(t *testing.T) {
	o := newOrg(dataset.Person{PersonID: "ann"}, dataset.Person{PersonID: "bob"}, dataset.Person{PersonID: "cat"})
	// ann: Monday 09:30–12:00 and 12:30–17:00 in meetings leaves 09:00–09:30 and 12:00–12:30 (fragmented).
	o.meeting("Mon 09:30", "Mon 12:00", orgz("bob"), acc("ann"))
	o.meeting("Mon 12:30", "Mon 17:00", orgz("bob"), acc("ann"))
	// bob also meets cat all day Tuesday to Friday: 7 h + 4 × 8 h = 39 h of 40 → overloaded.
	for _, d := range []string{"Tue", "Wed", "Thu", "Fri"} {
		o.meeting(d+" 09:00", d+" 17:00", orgz("bob"), acc("cat"))
	}
	rows := o.run(t, preset(t, "default"))
	want(t, rows["ann/2026-W10"], map[string]float64{"Meeting": 7, "Fragmented": 1, "Available": 33, "Focus": 32, "CollabShare": 7.0 / 40})
	want(t, rows["bob/2026-W10"], map[string]float64{"Meeting": 39, "CollabShare": 39.0 / 40, "CreationShare": 1.0 / 40})
	if b := rows["bob/2026-W10"].OverloadBand; b != dataset.BandOverloaded {
		t.Errorf("bob's band = %q, want overloaded", b)
	}
	// cat: 32 h of 40 = 80% → above typical.
	if b := rows["cat/2026-W10"].OverloadBand; b != dataset.BandAboveTypical {
		t.Errorf("cat's band = %q, want above_typical", b)
	}
}

func TestSupervisorIndicator(t *testing.T) {
	o := newOrg(dataset.Person{PersonID: "ceo"}, dataset.Person{PersonID: "vp", ManagerID: "ceo"},
		dataset.Person{PersonID: "ic", ManagerID: "vp"})
	rows := o.run(t, preset(t, "default"))
	for id, want := range map[string]string{"ceo": "Manager+", "vp": "Manager", "ic": "IC"} {
		if got := rows[id+"/2026-W10"].SupervisorIndicator; got != want {
			t.Errorf("%s: SupervisorIndicator = %q, want %q", id, got, want)
		}
	}
}

func TestReadsOverlapSendsAndChatReceived(t *testing.T) {
	o := newOrg(dataset.Person{PersonID: "ann"}, dataset.Person{PersonID: "bob"})
	o.message(dataset.ChannelEmail, "bob", "Mon 10:00", "ann") // ann reads it 10:00–10:01:30
	o.message(dataset.ChannelEmail, "ann", "Mon 10:03", "bob") // ann's send block 09:58–10:03 overlaps the read
	o.message(dataset.ChannelChat, "bob", "Mon 11:00", "ann")  // read 11:00–11:00:30
	r := o.run(t, preset(t, "default"))["ann/2026-W10"]
	want(t, r, map[string]float64{"Email": 5 * min1, "Chat": 0.5 * min1, "EmailsReceived": 1, "Collab": 5.5 * min1,
		"Span": 5 * min1}) // reads are not provable activity
	if r.ChatsReceived != 1 {
		t.Errorf("ChatsReceived = %d, want 1", r.ChatsReceived)
	}
}

func TestLongMeetingAcrossWeekBoundary(t *testing.T) {
	o := newOrg(dataset.Person{PersonID: "ann"}, dataset.Person{PersonID: "bob"})
	// 9 h in all, 4 h of it in W10: rule 2 uses the full length, so it is excluded in both weeks.
	o.meeting("Sun- 19:00", "Mon 04:00", orgz("ann"), acc("bob"))
	rows := o.run(t, preset(t, "default"), w10, w10.Add(-1))
	want(t, rows["ann/2026-W10"], map[string]float64{"Meeting": 0})
	want(t, rows["ann/2026-W09"], map[string]float64{"Meeting": 0})
}

func TestNonexistentLocalTime(t *testing.T) {
	// Sunday 29 March 2026 in Berlin has no 02:00–03:00. A 02:30 start resolves as
	// time.Date does (03:30 CEST), so the Sunday shift 02:30–10:00 lasts 6.5 h.
	o := newOrg(dataset.Person{PersonID: "ann", TimeZone: "Europe/Berlin", WorkStart: "02:30", WorkEnd: "10:00", WorkDays: "Sun"})
	r := o.run(t, preset(t, "default"), dataset.Week{Year: 2026, Num: 13})["ann/2026-W13"]
	want(t, r, map[string]float64{"Scheduled": 6.5})
}

func TestPiecesJoinAcrossMidnight(t *testing.T) {
	// A 24-hour schedule on Monday and Tuesday is one 48-hour piece: one focus block.
	o := newOrg(dataset.Person{PersonID: "ann", WorkStart: "00:00", WorkEnd: "00:00", WorkDays: "Mon,Tue"}, dataset.Person{PersonID: "bob"})
	o.meeting("Tue 23:00", "Wed 01:00", orgz("ann"), acc("bob"))
	r := o.run(t, preset(t, "default"))["ann/2026-W10"]
	want(t, r, map[string]float64{"Scheduled": 48, "WHMeeting": 1, "AHMeeting": 1, "Focus": 47, "Fragmented": 0,
		"Span": 2}) // Tuesday 23:00–24:00 and Wednesday 00:00–01:00: the span is clipped per day
}
