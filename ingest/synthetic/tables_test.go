package synthetic_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

// rawEvent summarises the calendar copies of one event instance.
type rawEvent struct {
	copies  int
	people  map[string]bool // internal and external people invited
	rooms   int
	entry   synthetic.CalendarEntry
	owner   synthetic.User
	ownerOK bool // entry is the organizer's copy
}

// rawEvents groups every calendar copy by the event id it must map to.
func rawEvents(t *testing.T, o *synthetic.Org, p *ingest.Pseudonymizer) map[string]*rawEvent {
	t.Helper()
	out := map[string]*rawEvent{}
	for _, u := range o.People() {
		for _, e := range o.Calendar(u.Email) {
			orig, err := synthetic.OriginalStart(e)
			if err != nil {
				t.Fatal(err)
			}
			id := p.EventID(e.ICalUID, orig)
			r := out[id]
			if r == nil {
				r = &rawEvent{people: map[string]bool{e.Organizer: true}, entry: e, owner: u}
				for _, a := range e.Attendees {
					if a.Resource {
						r.rooms++
					} else {
						r.people[a.Email] = true
					}
				}
				out[id] = r
			}
			if e.Organizer == u.Email {
				r.entry, r.owner, r.ownerOK = e, u, true
			}
			r.copies++
		}
	}
	return out
}

func TestTables_events(t *testing.T) {
	o, tb := defaultOrg()
	p := pseudonymizer()
	raw := rawEvents(t, o, p)
	if len(raw) != len(tb.Events) {
		t.Errorf("%d distinct instances on calendars, %d event rows", len(raw), len(tb.Events))
	}
	rows := map[string]int{} // event id → attendance rows
	seen := map[[2]string]bool{}
	people := map[string]bool{}
	for _, pr := range tb.People {
		people[pr.PersonID] = pr.IsInternal
	}
	for _, a := range tb.Attendance {
		rows[a.EventID]++
		k := [2]string{a.PersonID, a.EventID}
		if seen[k] {
			t.Errorf("attendance row %v twice", k)
		}
		seen[k] = true
		if !people[a.PersonID] {
			t.Errorf("attendance of %s, who is not an internal person", a.PersonID)
		}
	}
	var withRooms, withExternals, bigDedup int
	for _, ev := range tb.Events {
		r := raw[ev.EventID]
		if r == nil {
			t.Errorf("event %s has no raw copy", ev.EventID)
			continue
		}
		if int(ev.Invitees) != len(r.people) {
			t.Errorf("event %s: invitees %d, want %d people (rooms %d excluded)", ev.EventID, ev.Invitees, len(r.people), r.rooms)
		}
		if ev.AttendeesNotDeclined > ev.Invitees || ev.AttendeesNotDeclined < 1 {
			t.Errorf("event %s: attendees_not_declined %d of %d invitees", ev.EventID, ev.AttendeesNotDeclined, ev.Invitees)
		}
		if rows[ev.EventID] != r.copies {
			t.Errorf("event %s: %d attendance rows, seen on %d calendars", ev.EventID, rows[ev.EventID], r.copies)
		}
		internal := 0
		for e := range r.people {
			if ingest.Domain(e) == o.Domain {
				internal++
			} else {
				withExternals++
			}
		}
		if internal != r.copies {
			t.Errorf("event %s: %d internal people, on %d calendars", ev.EventID, internal, r.copies)
		}
		if r.rooms > 0 {
			withRooms++
		}
		if r.copies >= 8 {
			bigDedup++
		}
		if ev.IsAllDay && r.ownerOK {
			loc := r.owner.Location()
			if s := ev.Start.In(loc); s.Hour() != 0 || s.Minute() != 0 || ev.End.In(loc).Hour() != 0 {
				t.Errorf("all-day event %s: %v..%v, want local midnights in %s", ev.EventID, ev.Start, ev.End, loc)
			}
		}
		if !ev.Start.Before(ev.End) {
			t.Errorf("event %s: start %v not before end %v", ev.EventID, ev.Start, ev.End)
		}
	}
	for id := range rows {
		if raw[id] == nil {
			t.Errorf("attendance row for unknown event %s", id)
		}
	}
	if withRooms == 0 || withExternals == 0 || bigDedup == 0 {
		t.Errorf("%d events with rooms, %d with externals, %d seen on 8+ calendars; want some of each", withRooms, withExternals, bigDedup)
	}
}

func TestTables_coverage(t *testing.T) {
	_, tb := defaultOrg()
	count := map[string]int{}
	mondays := map[time.Time]bool{}
	for i := range 6 {
		mondays[start.Add(i).Monday()] = true
	}
	ev := map[string]dataset.Event{}
	for _, e := range tb.Events {
		ev[e.EventID] = e
		count["kind "+e.Kind]++
		if e.IsCancelled {
			count["cancelled"]++
		}
		if e.IsAllDay {
			count["all-day "+e.Kind]++
		}
		if e.IsRecurring {
			count["recurring"]++
		}
		if e.IsOnline {
			count["online"]++
		}
		if e.TitleClass != "" {
			count["class "+e.TitleClass]++
		}
		if e.Invitees >= 100 {
			count["large"]++
		}
		if e.End.Sub(e.Start) >= 3*time.Hour && !e.IsAllDay {
			count["long"]++
		}
		if !e.IsAllDay && e.Start.YearDay() != e.End.Add(-time.Nanosecond).YearDay() {
			count["crosses UTC midnight"]++
		}
		for m := range mondays {
			if !e.IsAllDay && e.Start.Before(m) && e.End.After(m) {
				count["crosses week"]++
			}
		}
	}
	for _, a := range tb.Attendance {
		count["response "+a.Response]++
		count["show_as "+a.ShowAs]++
	}
	for _, m := range tb.Messages {
		count["channel "+m.Channel]++
		if m.IsAuto {
			count["auto"]++
		}
		if m.IsReply {
			count["reply"]++
		}
		if m.NBcc > 0 {
			count["bcc"]++
		}
		if len(m.RecipientIDs) == 1 && m.RecipientIDs[0] == m.SenderID {
			count["to self"]++
		}
		if int(m.NTo+m.NCc+m.NBcc) > len(m.RecipientIDs) {
			count["duplicate recipient"]++
		}
	}
	count["conflict"] = conflicts(tb, ev)
	for _, k := range []string{
		"kind meeting", "kind focus", "kind out_of_office", "kind working_location",
		"cancelled", "all-day meeting", "all-day out_of_office", "all-day working_location", "recurring", "online",
		"class 1:1", "class standup", "class all hands", "class focus", "class ooo", "class workshop",
		"large", "long", "crosses UTC midnight", "crosses week", "conflict",
		"response organizer", "response accepted", "response tentative", "response declined", "response needs_action",
		"show_as busy", "show_as tentative", "show_as free", "show_as oof", "show_as working_elsewhere",
		"channel email", "channel chat", "auto", "reply", "bcc", "to self", "duplicate recipient",
	} {
		if count[k] == 0 {
			t.Errorf("no %s in the default org", k)
		}
	}
}

// conflicts counts attendance rows of a person that overlap another
// accepted, uncancelled timed meeting of theirs.
func conflicts(tb *dataset.Tables, ev map[string]dataset.Event) int {
	by := map[string][]dataset.Event{}
	for _, a := range tb.Attendance {
		e := ev[a.EventID]
		if e.Kind == dataset.KindMeeting && !e.IsCancelled && !e.IsAllDay &&
			(a.Response == dataset.ResponseAccepted || a.Response == dataset.ResponseOrganizer) {
			by[a.PersonID] = append(by[a.PersonID], e)
		}
	}
	n := 0
	for _, es := range by {
		slices.SortFunc(es, func(a, b dataset.Event) int { return a.Start.Compare(b.Start) })
		for i := 1; i < len(es); i++ {
			if es[i].Start.Before(es[i-1].End) {
				n++
			}
		}
	}
	return n
}

func TestTables_messages(t *testing.T) {
	o, tb := defaultOrg()
	p := pseudonymizer()
	ids := map[string]bool{}
	users := map[string]synthetic.User{}
	for _, u := range o.People() {
		users[p.PersonID(u.Email)] = u
		for _, e := range o.Mailbox(u.Email) {
			ids[e.MessageID] = true
		}
	}
	if len(ids) != len(tb.Messages) {
		t.Errorf("%d distinct Message-IDs in mailboxes, %d message rows", len(ids), len(tb.Messages))
	}
	var sends, after int
	perWeek := map[string]int{}
	for _, m := range tb.Messages {
		u, internal := users[m.SenderID]
		if !internal || m.IsAuto {
			continue
		}
		sends++
		if !u.InWorkingHours(m.SentAt) {
			after++
		}
		perWeek[m.Channel]++
	}
	share := float64(after) / float64(sends)
	if share < 0.03 || share > 0.30 {
		t.Errorf("after-hours share of sends = %.3f, want 0.03..0.30", share)
	}
	pw := float64(len(users) * len(o.Weeks))
	if e := float64(perWeek[dataset.ChannelEmail]) / pw; e < 10 || e > 40 {
		t.Errorf("emails sent per person-week = %.1f, want 10..40", e)
	}
	if c := float64(perWeek[dataset.ChannelChat]) / pw; c < 20 || c > 80 {
		t.Errorf("chats sent per person-week = %.1f, want 20..80", c)
	}
	t.Logf("after-hours share %.3f, per person-week: %.1f emails, %.1f chats", share,
		float64(perWeek[dataset.ChannelEmail])/pw, float64(perWeek[dataset.ChannelChat])/pw)
}

func TestCalendarEntry_showAs(t *testing.T) {
	o, _ := defaultOrg()
	for _, u := range o.People()[:100] {
		for _, e := range o.Calendar(u.Email) {
			if g, w := synthetic.ShowAs(e.ShowAs), synthetic.ShowAsFromGoogle(e.EventType, e.Transparency, e.SelfResponse); g != w {
				t.Fatalf("entry %s of %s: Graph showAs %q maps to %q, Google fields to %q", e.ID, u.Email, e.ShowAs, g, w)
			}
		}
	}
}

// TestTables_noLeaks checks that no title, body, address or raw id reaches
// the dataset: no string field holds a canary or an "@".
func TestTables_noLeaks(t *testing.T) {
	o, tb := defaultOrg()
	if e := o.Calendar(o.People()[3].Email); !strings.Contains(e[0].Summary, "CANARY-SUBJECT-") {
		t.Fatalf("raw summary %q has no canary", e[0].Summary)
	}
	var walk func(path string, v reflect.Value)
	n := 0
	walk = func(path string, v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			n++
			if s := v.String(); strings.Contains(s, "CANARY") || strings.Contains(s, "@") {
				t.Fatalf("%s = %q leaks raw data", path, s)
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(path+"[]", v.Index(i))
			}
		case reflect.Struct:
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(path+"."+v.Type().Field(i).Name, v.Field(i))
				}
			}
		case reflect.Pointer:
			walk(path, v.Elem())
		}
	}
	walk("Tables", reflect.ValueOf(tb))
	if n < 100_000 {
		t.Errorf("scanned only %d strings", n)
	}
}
