package analysis_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/analysis/analysistest"
	"github.com/overload-engine/overload/dataset"
)

// randomTables builds an adversarial dataset around weeks: people in zones
// with half-hour offsets and DST changes, overnight and Sunday–Thursday
// schedules, overlapping, declined, tentative, cancelled, all-day, too long,
// lone and week-crossing events, OOO days, and mail with self-sends,
// duplicate recipients, auto messages and read queues that spill past the
// week. Instants are whole seconds, the reference's resolution.
func randomTables(seed uint64, nPeople int, weeks []dataset.Week) *dataset.Tables {
	r := rand.New(rand.NewPCG(seed, 7))
	zones := []string{"Asia/Kolkata", "America/St_Johns", "Australia/Lord_Howe", "Europe/Berlin",
		"America/New_York", "UTC", "", "Asia/Kathmandu"}
	hoursOpts := [][2]string{{"", ""}, {"09:00", "17:00"}, {"08:30", "17:15"}, {"22:00", "06:00"}, {"07:00", "15:00"}, {"10:00", "10:00"}}
	dayOpts := []string{"", "Mon,Tue,Wed,Thu,Fri", "Sun,Mon,Tue,Wed,Thu", "Mon,Wed,Fri", "Sat,Sun"}
	t := &dataset.Tables{}
	ids := make([]string, nPeople)
	for i := range nPeople {
		ids[i] = fmt.Sprintf("p%02d", i)
		h := hoursOpts[r.IntN(len(hoursOpts))]
		p := dataset.Person{PersonID: ids[i], Domain: "example.com", IsInternal: true,
			TimeZone: zones[r.IntN(len(zones))], WorkStart: h[0], WorkEnd: h[1], WorkDays: dayOpts[r.IntN(len(dayOpts))],
			Organization: []string{"Eng", "Sales"}[i%2]}
		if i > 0 {
			p.ManagerID = ids[r.IntN(i)]
		}
		t.People = append(t.People, p)
	}
	t.People = append(t.People, dataset.Person{PersonID: "ext", Domain: "other.org"})
	first := weeks[0].Monday().Add(-36 * time.Hour).Unix()
	last := weeks[len(weeks)-1].Monday().Add(8*24*time.Hour + 12*time.Hour).Unix()
	randInstant := func() time.Time {
		s := first + r.Int64N(last-first)
		if r.IntN(3) > 0 {
			s -= s % 900 // mostly on a quarter-hour grid, like calendars
		}
		return time.Unix(s, 0).UTC()
	}
	durations := []time.Duration{0, 15 * time.Minute, 30 * time.Minute, time.Hour, 90 * time.Minute, 2 * time.Hour,
		3 * time.Hour, 8 * time.Hour, 9 * time.Hour, 25 * time.Hour, 47 * time.Second}
	responses := []string{dataset.ResponseAccepted, dataset.ResponseAccepted, dataset.ResponseAccepted, dataset.ResponseTentative,
		dataset.ResponseDeclined, dataset.ResponseNeedsAction}
	showAs := []string{dataset.ShowAsBusy, dataset.ShowAsBusy, dataset.ShowAsBusy, dataset.ShowAsTentative, dataset.ShowAsFree,
		dataset.ShowAsOOF, dataset.ShowAsWorkingElsewhere, dataset.ShowAsUnknown}
	nEvents := nPeople * len(weeks) * 25
	for n := range nEvents {
		id := fmt.Sprintf("e%05d", n)
		start := randInstant()
		e := dataset.Event{EventID: id, Start: start, End: start.Add(durations[r.IntN(len(durations))]), Kind: dataset.KindMeeting,
			IsRecurring: r.IntN(3) == 0, IsCancelled: r.IntN(25) == 0}
		switch k := r.IntN(20); {
		case k == 0:
			e.Kind = dataset.KindFocus
		case k == 1:
			e.Kind = dataset.KindOutOfOffice
		case k == 2:
			e.Kind = dataset.KindWorkingLocation
		case k == 3:
			e.IsAllDay = true
		}
		org := r.IntN(nPeople)
		e.OrganizerID = ids[org]
		if e.Kind == dataset.KindOutOfOffice || e.IsAllDay {
			// All-day and OOO entries: whole local days of the organizer (SPEC §8.9).
			loc, _ := time.LoadLocation(t.People[org].TimeZone)
			y, m, d := start.In(loc).Date()
			e.Start = time.Date(y, m, d, 0, 0, 0, 0, loc)
			e.End = time.Date(y, m, d+1+r.IntN(2), 0, 0, 0, 0, loc)
			if r.IntN(2) == 0 && e.Kind == dataset.KindOutOfOffice {
				e.Start = e.Start.Add(13 * time.Hour) // an afternoon off
				e.End = e.Start.Add(4 * time.Hour)
			}
		}
		n := 1 + r.IntN(12)
		if e.Kind != dataset.KindMeeting && r.IntN(2) == 0 {
			n = 1
		}
		seen := map[int]bool{org: true}
		t.Attendance = append(t.Attendance, dataset.Attendance{PersonID: ids[org], EventID: id,
			Response: dataset.ResponseOrganizer, ShowAs: showAs[r.IntN(len(showAs))]})
		e.Invitees, e.AttendeesNotDeclined = 1, 1
		for range n - 1 {
			j := r.IntN(nPeople)
			if seen[j] {
				continue
			}
			seen[j] = true
			resp := responses[r.IntN(len(responses))]
			e.Invitees++
			if resp != dataset.ResponseDeclined {
				e.AttendeesNotDeclined++
			}
			t.Attendance = append(t.Attendance, dataset.Attendance{PersonID: ids[j], EventID: id, Response: resp, ShowAs: showAs[r.IntN(len(showAs))]})
		}
		if r.IntN(4) == 0 { // an external guest
			e.Invitees++
			e.AttendeesNotDeclined++
		}
		t.Events = append(t.Events, e)
	}
	nMsgs := nPeople * len(weeks) * 60
	for n := range nMsgs {
		m := dataset.Message{MessageID: fmt.Sprintf("m%06d", n), Channel: dataset.ChannelEmail, SenderID: ids[r.IntN(nPeople)],
			SentAt: randInstant(), IsAuto: r.IntN(20) == 0, IsReply: r.IntN(2) == 0}
		if r.IntN(2) == 0 {
			m.Channel = dataset.ChannelChat
		}
		if r.IntN(30) == 0 {
			m.SenderID = "ext"
		}
		for k := 1 + r.IntN(5); k > 0; k-- {
			switch x := r.IntN(12); x {
			case 0:
				m.RecipientIDs = append(m.RecipientIDs, m.SenderID)
			case 1:
				m.RecipientIDs = append(m.RecipientIDs, "ext")
			default:
				m.RecipientIDs = append(m.RecipientIDs, ids[r.IntN(nPeople)])
			}
		}
		if r.IntN(20) == 0 && len(m.RecipientIDs) > 0 {
			m.RecipientIDs = append(m.RecipientIDs, m.RecipientIDs[0]) // duplicate recipient
		}
		m.NTo = int32(len(m.RecipientIDs))
		t.Messages = append(t.Messages, m)
	}
	// A burst: 400 emails to one person at once, so the read queue spills past the week.
	for n := range 400 {
		t.Messages = append(t.Messages, dataset.Message{MessageID: fmt.Sprintf("burst%03d", n), Channel: dataset.ChannelEmail,
			SenderID: ids[1], RecipientIDs: []string{ids[0]}, SentAt: weeks[0].Monday().Add(4*24*time.Hour + 14*time.Hour)})
	}
	return t
}

// TestMatchesReference compares Run with the brute-force one-second-grid
// reference implementation on adversarial datasets, for every preset.
func TestMatchesReference(t *testing.T) {
	weeks := []dataset.Week{{Year: 2026, Num: 10}, {Year: 2026, Num: 13}, {Year: 2026, Num: 14}, {Year: 2026, Num: 44}}
	for _, name := range analysis.PresetNames() {
		for seed := range uint64(2) {
			t.Run(fmt.Sprintf("%s/seed%d", name, seed), func(t *testing.T) {
				cfg := preset(t, name)
				tables := randomTables(seed, 14, weeks)
				res, err := analysis.Run(context.Background(), tables, weeks, cfg)
				if err != nil {
					t.Fatal(err)
				}
				ref, err := analysistest.Reference(tables, weeks, cfg)
				if err != nil {
					t.Fatal(err)
				}
				if len(ref) != len(res.Rows) {
					t.Fatalf("Run gave %d rows, Reference %d", len(res.Rows), len(ref))
				}
				byKey := map[string]dataset.PersonWeek{}
				for _, r := range ref {
					byKey[r.PersonID+r.Week] = r
				}
				bad := 0
				for _, got := range res.Rows {
					want := byKey[got.PersonID+got.Week]
					if d := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-9)); d != "" {
						bad++
						if bad <= 3 {
							t.Errorf("person %s week %s (-reference +Run):\n%s", got.PersonID, got.Week, d)
						}
					}
				}
				if bad > 0 {
					t.Errorf("%d of %d person-weeks differ from the reference", bad, len(res.Rows))
				}
			})
		}
	}
}
