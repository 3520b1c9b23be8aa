package analysis_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
)

// TestRunDatasetMatchesRun checks that the streaming reader (RunDataset,
// compact rows read straight from Parquet) gives exactly the rows of Run on
// the same data read into memory, for the whole dataset and for the union
// of its shards, on the adversarial datasets of TestMatchesReference and on
// a generated organisation.
func TestRunDatasetMatchesRun(t *testing.T) {
	defer analysis.MapEverything()()
	type tc struct {
		name   string
		tables *dataset.Tables
		weeks  []dataset.Week
	}
	crossWeeks := []dataset.Week{{Year: 2026, Num: 10}, {Year: 2026, Num: 13}, {Year: 2026, Num: 14}, {Year: 2026, Num: 44}}
	cases := []tc{
		{"random0", randomTables(0, 14, crossWeeks), crossWeeks},
		{"random1", randomTables(1, 14, crossWeeks), crossWeeks},
	}
	syn, synWeeks := syntheticTables(t, 120, 2)
	cases = append(cases, tc{"synthetic", syn, synWeeks})
	ctx := context.Background()
	for _, c := range cases {
		for _, name := range []string{"default", "viva"} {
			t.Run(c.name+"/"+name, func(t *testing.T) {
				cfg := preset(t, name)
				root := t.TempDir()
				if err := dataset.WriteTables(ctx, root, c.tables, dataset.WriteOptions{SnapshotWeek: c.weeks[len(c.weeks)-1]}); err != nil {
					t.Fatal(err)
				}
				want, err := analysis.Run(ctx, c.tables, c.weeks, cfg)
				if err != nil {
					t.Fatal(err)
				}
				got, err := analysis.RunDataset(ctx, root, c.weeks, cfg, dataset.Shard{})
				if err != nil {
					t.Fatal(err)
				}
				compareRows(t, "RunDataset", want, got.Rows)
				// Explain computes without the metric pass's reused scratch
				// memory: its rows must be the same.
				for _, r := range want.Rows[:min(len(want.Rows), 40)] {
					w, _ := dataset.ParseWeek(r.Week)
					ex, err := analysis.Explain(c.tables, r.PersonID, w, cfg)
					if err != nil {
						t.Fatal(err)
					}
					if d := cmp.Diff(r, ex.Row); d != "" {
						t.Errorf("Explain %s %s (-Run +Explain):\n%s", r.PersonID, r.Week, d)
					}
				}
				if want.Included != got.Included || want.ReadsDropped != got.ReadsDropped || !maps(want.Excluded, got.Excluded) {
					t.Errorf("counters: Run %d/%d/%v, RunDataset %d/%d/%v", want.Included, want.ReadsDropped, want.Excluded,
						got.Included, got.ReadsDropped, got.Excluded)
				}
				// The shards share one read of the people snapshot.
				d, err := analysis.OpenDataset(ctx, root)
				if err != nil {
					t.Fatal(err)
				}
				var union []dataset.PersonWeek
				seen := map[string]int{}
				for i := range 3 {
					res, err := d.Run(ctx, c.weeks, cfg, dataset.Shard{Index: i, Count: 3})
					if err != nil {
						t.Fatal(err)
					}
					for _, r := range res.Rows {
						if dataset.ShardOf(r.PersonID, 3) != i {
							t.Fatalf("shard %d/3 computed %s of shard %d", i, r.PersonID, dataset.ShardOf(r.PersonID, 3))
						}
						seen[r.PersonID]++
					}
					union = append(union, res.Rows...)
				}
				if len(seen) < 3 {
					t.Fatalf("only %d people over 3 shards", len(seen))
				}
				compareRows(t, "union of 3 shards", want, union)

				// Week by week, each batch taking the previous batch's
				// week from memory when it is the one before (RunBatch):
				// the same rows.
				ws := slices.Clone(c.weeks)
				slices.SortFunc(ws, func(a, b dataset.Week) int { return a.Monday().Compare(b.Monday()) })
				d2, err := analysis.OpenDataset(ctx, root)
				if err != nil {
					t.Fatal(err)
				}
				carried := 0
				byWeek := runWeekByWeek(t, d2, ws, cfg, func(w dataset.Week, next []dataset.Week) {
					cw, msgs, events, att, ok := analysis.Carried(d2)
					if want := next != nil && next[0] == w.Add(1); ok != want || ok && cw != w {
						t.Fatalf("after %s (next %v): carried %v %v, want %v", w, next, cw, ok, want)
					}
					if ok {
						carried++
						if msgs == 0 || events == 0 || att == 0 {
							t.Errorf("carried %s: %d messages, %d events, %d attendance rows: want some of each", w, msgs, events, att)
						}
					}
				})
				if carried == 0 {
					t.Fatalf("weeks %v: no batch carried rows to the next", ws)
				}
				compareRows(t, "week by week with carried rows", want, byWeek)
			})
		}
	}
}

func maps(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

// runWeekByWeek runs weeks on d one batch each, naming the following week
// as the next batch (so a batch takes the rows the one before carried), and
// returns their rows; after, if not nil, is called after each batch.
func runWeekByWeek(t *testing.T, d *analysis.Dataset, weeks []dataset.Week, cfg analysis.Config, after func(w dataset.Week, next []dataset.Week)) []dataset.PersonWeek {
	t.Helper()
	var rows []dataset.PersonWeek
	for i, w := range weeks {
		var next []dataset.Week
		if i+1 < len(weeks) {
			next = weeks[i+1 : i+2]
		}
		res, err := d.RunBatch(context.Background(), []dataset.Week{w}, next, cfg, dataset.Shard{})
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, res.Rows...)
		if after != nil {
			after(w, next)
		}
	}
	return rows
}

func compareRows(t *testing.T, what string, want *analysis.Result, got []dataset.PersonWeek) {
	t.Helper()
	key := func(r dataset.PersonWeek) string { return r.Week + "/" + r.PersonID }
	got = slices.Clone(got)
	slices.SortFunc(got, func(a, b dataset.PersonWeek) int { return strings.Compare(key(a), key(b)) })
	w := slices.Clone(want.Rows)
	slices.SortFunc(w, func(a, b dataset.PersonWeek) int { return strings.Compare(key(a), key(b)) })
	if len(w) != len(got) {
		t.Fatalf("%s: %d rows, Run %d", what, len(got), len(w))
	}
	bad := 0
	for i := range w {
		if d := cmp.Diff(w[i], got[i]); d != "" {
			bad++
			if bad <= 3 {
				t.Errorf("%s: %s (-Run +%s):\n%s", what, key(w[i]), what, d)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d rows differ", what, bad, len(w))
	}
	_ = fmt.Sprint
}

// edgeTables builds a dataset around weeks for the edges of the rows a run
// keeps of its neighbouring partitions: people in the zones furthest from
// UTC (UTC+14, UTC-12, UTC+13:45 with DST), working every day, with
// overnight shifts (shifts that start at 24:00 among them) or, with
// overnight false, none, so the working day before a local week and the
// last day's shift reach furthest out. Each person's time from four days
// before each week to three days after it is tiled with short pieces, most
// of them their own out-of-office events (so whether a day is an
// out-of-office day turns on pieces at the edges), with meetings and
// messages at random instants over the same span. And for each week and
// week start, the furthest cases themselves: a person whose day before the
// week is an out-of-office day by exactly half of its working interval,
// with one minute of it in the first minute of that day (UTC+14), and a
// meeting from that day into the week, which is then not counted; with
// overnight shifts, one whose last day of the week is, with one minute of
// it in the last minute of the next day (UTC-12, a shift from 24:00 to
// 24:00), with a meeting on that day. And emails: one received by the first
// person as their week starts, one sent a second less than a send block
// after a local week's end (UTC-12).
func edgeTables(seed uint64, weeks []dataset.Week, overnight bool) *dataset.Tables {
	r := rand.New(rand.NewPCG(seed, 11))
	zones := []string{"Pacific/Kiritimati", "Etc/GMT+12", "Pacific/Chatham", "Etc/GMT-14"}
	shifts := [][2]string{{"00:00", "00:00"}, {"24:00", "24:00"}, {"22:00", "06:00"}, {"24:00", "12:00"}}
	if !overnight {
		shifts = [][2]string{{"00:00", "24:00"}, {"09:00", "17:00"}, {"12:00", "24:00"}, {"00:00", "12:00"}}
	}
	t := &dataset.Tables{}
	var ids []string
	for i := range 16 {
		id := fmt.Sprintf("p%02d", i)
		ids = append(ids, id)
		sh := shifts[i%len(shifts)]
		t.People = append(t.People, dataset.Person{PersonID: id, Domain: "example.com", IsInternal: true,
			TimeZone: zones[(i/len(shifts))%len(zones)], WorkStart: sh[0], WorkEnd: sh[1],
			WorkDays: "Mon,Tue,Wed,Thu,Fri,Sat,Sun", Organization: "Eng"})
	}
	n := 0
	event := func(org int, start time.Time, d time.Duration, kind string) *dataset.Event {
		n++
		e := dataset.Event{EventID: fmt.Sprintf("e%06d", n), Start: start, End: start.Add(d), Kind: kind,
			OrganizerID: ids[org], Invitees: 1, AttendeesNotDeclined: 1}
		t.Attendance = append(t.Attendance, dataset.Attendance{PersonID: ids[org], EventID: e.EventID,
			Response: dataset.ResponseOrganizer, ShowAs: dataset.ShowAsBusy})
		t.Events = append(t.Events, e)
		return &t.Events[len(t.Events)-1]
	}
	for _, w := range weeks {
		from, to := w.Monday().Add(-4*24*time.Hour), w.Monday().Add(10*24*time.Hour)
		span := int64(to.Sub(from) / time.Minute)
		at := func() time.Time { return from.Add(time.Duration(r.Int64N(span)) * time.Minute) }
		for p := range ids {
			for s := from; s.Before(to); {
				d := time.Duration(30+r.IntN(330)) * time.Minute
				if r.IntN(5) > 0 {
					event(p, s, d, dataset.KindOutOfOffice)
				}
				s = s.Add(d)
			}
			for range 40 {
				e := event(p, at(), time.Duration(15+r.IntN(8*60-15))*time.Minute, dataset.KindMeeting)
				for range 1 + r.IntN(3) {
					j := r.IntN(len(ids))
					if j == p {
						continue
					}
					e.Invitees++
					e.AttendeesNotDeclined++
					t.Attendance = append(t.Attendance, dataset.Attendance{PersonID: ids[j], EventID: e.EventID,
						Response: dataset.ResponseAccepted, ShowAs: dataset.ShowAsBusy})
				}
			}
			for k := range 60 {
				m := dataset.Message{MessageID: fmt.Sprintf("m%s-%s-%02d", w, ids[p], k), Channel: dataset.ChannelEmail,
					SenderID: ids[p], SentAt: at(), RecipientIDs: []string{ids[r.IntN(len(ids))]}}
				if k%3 == 0 {
					m.Channel = dataset.ChannelChat
				}
				m.NTo = 1
				t.Messages = append(t.Messages, m)
			}
		}
	}
	edge := func(zone, start, end string) (int, *time.Location) {
		ids = append(ids, fmt.Sprintf("edge%d", len(ids)))
		t.People = append(t.People, dataset.Person{PersonID: ids[len(ids)-1], Domain: "example.com", IsInternal: true,
			TimeZone: zone, WorkStart: start, WorkEnd: end, WorkDays: "Mon,Tue,Wed,Thu,Fri,Sat,Sun", Organization: "Eng"})
		loc, _ := time.LoadLocation(zone)
		return len(ids) - 1, loc
	}
	meet := func(p int, start time.Time, d time.Duration) {
		e := event(p, start, d, dataset.KindMeeting)
		e.Invitees, e.AttendeesNotDeclined = 2, 2
		t.Attendance = append(t.Attendance, dataset.Attendance{PersonID: ids[0], EventID: e.EventID,
			Response: dataset.ResponseAccepted, ShowAs: dataset.ShowAsBusy})
	}
	const h = time.Hour
	for _, w := range weeks {
		for _, sunday := range []int{0, 1} { // Monday weeks, then Sunday weeks
			m := w.Monday()
			// The day before the local week, 00:00 to 24:00: out of office
			// 00:00-00:01 and 01:00-12:59.
			day0 := shifts[0] // from 00:00 to 00:00 or 24:00
			p, loc := edge("Pacific/Kiritimati", day0[0], day0[1])
			day := time.Date(m.Year(), m.Month(), m.Day()-1-sunday, 0, 0, 0, 0, loc)
			event(p, day, time.Minute, dataset.KindOutOfOffice)
			event(p, day.Add(h), 12*h-time.Minute, dataset.KindOutOfOffice)
			meet(p, day.Add(23*h), 2*h)
			// An email to them as their local week starts, read in it.
			t.Messages = append(t.Messages, dataset.Message{MessageID: fmt.Sprintf("early-%s-%d", w, sunday),
				Channel: dataset.ChannelEmail, SenderID: ids[0], SentAt: day.AddDate(0, 0, 1),
				RecipientIDs: []string{ids[p]}, NTo: 1})
			// An email 4:59 after a local week's end: its block starts a
			// second before it.
			p, loc = edge("Etc/GMT+12", "09:00", "17:00")
			end := time.Date(m.Year(), m.Month(), m.Day()+7-sunday, 0, 0, 0, 0, loc)
			t.Messages = append(t.Messages, dataset.Message{MessageID: fmt.Sprintf("late-%s-%d", w, sunday),
				Channel: dataset.ChannelEmail, SenderID: ids[p], SentAt: end.Add(5*time.Minute - time.Second),
				RecipientIDs: []string{ids[0]}, NTo: 1})
			if !overnight {
				continue
			}
			// The last day of the local week, whose shift runs from 24:00
			// to 24:00 the day after it: out of office 11:00-22:59 and
			// 23:59-24:00 on that next day.
			p, loc = edge("Etc/GMT+12", "24:00", "24:00")
			last := time.Date(m.Year(), m.Month(), m.Day()+6-sunday, 0, 0, 0, 0, loc)
			event(p, last.Add(35*h), 12*h-time.Minute, dataset.KindOutOfOffice)
			event(p, last.Add(48*h-time.Minute), time.Minute, dataset.KindOutOfOffice)
			meet(p, last.Add(10*h), h)
		}
	}
	return t
}

// TestWindowReach checks that the rows a run keeps of its neighbouring
// partitions are enough at the edges of edgeTables, with and without
// overnight shifts: RunDataset (the rows in the window) and a chain of
// RunBatch (carrying rows) give the rows of Run (every row), for Monday
// and Sunday weeks. The edges are a minute (a second for the send block)
// inside the window, so a window a minute shorter fails.
func TestWindowReach(t *testing.T) {
	defer analysis.MapEverything()()
	ctx := context.Background()
	weeks := []dataset.Week{{Year: 2026, Num: 10}, {Year: 2026, Num: 12}, {Year: 2026, Num: 13}, {Year: 2026, Num: 27}}
	for i := range 4 {
		seed, overnight := uint64(i/2), i%2 == 0
		tables := edgeTables(seed, weeks, overnight)
		root := t.TempDir()
		if err := dataset.WriteTables(ctx, root, tables, dataset.WriteOptions{SnapshotWeek: weeks[len(weeks)-1]}); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"default", "viva"} {
			t.Run(fmt.Sprintf("seed%d/overnight=%v/%s", seed, overnight, name), func(t *testing.T) {
				cfg := preset(t, name)
				d, err := analysis.OpenDataset(ctx, root)
				if err != nil {
					t.Fatal(err)
				}
				defer d.Close()
				if name == "default" {
					// Of events 38 hours of the week before, and of the week
					// after 36 hours with overnight shifts, else 12; of
					// messages 14 hours before and 12 and 5 minutes after.
					ev, msg := d.NeighbourShares(cfg)
					want := analysis.Share{Before: 38.0 / 168, After: 12.0 / 168}
					if overnight {
						want.After = 36.0 / 168
					}
					if math.Abs(ev.Before-want.Before) > 1e-12 || math.Abs(ev.After-want.After) > 1e-12 {
						t.Errorf("events' share %+v, want %+v", ev, want)
					}
					if want := (analysis.Share{Before: 14.0 / 168, After: (12 + 5.0/60) / 168}); math.Abs(msg.Before-want.Before) > 1e-12 || math.Abs(msg.After-want.After) > 1e-12 {
						t.Errorf("messages' share %+v, want %+v", msg, want)
					}
				}
				want, err := analysis.Run(ctx, tables, weeks, cfg)
				if err != nil {
					t.Fatal(err)
				}
				if want.Included == 0 {
					t.Fatal("no meeting counted")
				}
				got, err := analysis.RunDataset(ctx, root, weeks, cfg, dataset.Shard{})
				if err != nil {
					t.Fatal(err)
				}
				compareRows(t, "RunDataset", want, got.Rows)
				compareRows(t, "week by week", want, runWeekByWeek(t, d, weeks, cfg, nil))
			})
		}
	}
}
