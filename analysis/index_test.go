package analysis

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/overload-engine/overload/dataset"
)

// TestMessageDedupe checks that a message id is kept once even when ids
// share a hash (forced here: every id hashes alike).
func TestMessageDedupe(t *testing.T) {
	for _, name := range []string{"distinct hashes", "one hash"} {
		b := newBuilder([]dataset.Person{{PersonID: "ann", IsInternal: true}, {PersonID: "bob", IsInternal: true}}, dataset.Shard{}, true)
		if name == "one hash" {
			b.hash = func(string) uint64 { return 7 }
		}
		email := b.channelCode(dataset.ChannelEmail)
		for i, id := range []string{"a", "b", "a", "c", "b", "c", "d"} {
			b.addMessage(id, email, false, int64(i), 0, []int32{1})
		}
		b.finishMessages()
		var got []string
		for _, m := range b.receivedBy(1) {
			got = append(got, b.index.msgs[m.msg()].id)
		}
		if want := []string{"a", "b", "c", "d"}; !slices.Equal(got, want) {
			t.Errorf("%s: bob received %q, want %q", name, got, want)
		}
	}
}

func TestWindow(t *testing.T) {
	w10 := dataset.Week{Year: 2026, Num: 10}
	m := w10.Monday().UnixMicro()
	const day, h = 24 * usPerHour, usPerHour
	for _, tc := range []struct {
		preset    string
		overnight bool
		ev, msg   reach // from the extreme zones, events with the working day before (and after)
	}{
		{"default", false, reach{14*h + day, 12 * h}, reach{14 * h, 12*h + 5*usPerMin}},
		{"default", true, reach{14*h + day, 12*h + day}, reach{14 * h, 12*h + 5*usPerMin}},
		{"viva", false, reach{14*h + 2*day, -12 * h}, reach{14*h + day, -12*h + 5*usPerMin}},
		{"viva", true, reach{14*h + 2*day, 12 * h}, reach{14*h + day, -12*h + 5*usPerMin}},
	} {
		cfg, _ := Preset(tc.preset)
		win := newWindow([]dataset.Week{w10, {Year: 2026, Num: 12}}, cfg, tc.overnight)
		for _, k := range []struct {
			name string
			sp   spans
			r    reach
		}{{"events", win.events, tc.ev}, {"messages", win.messages, tc.msg}} {
			end := m + 7*day + k.r.after // end of week 10's window
			for _, c := range []struct {
				at   int64
				want bool
			}{
				{m - k.r.before - 1, false}, {m - k.r.before, true}, {end - 1, true},
				{end, false}, // the gap before week 12's window
				{m + 14*day - k.r.before, true},
			} {
				if got := k.sp.contains(c.at); got != c.want {
					t.Errorf("%s (overnight %v) %s: contains(Monday %+.3f h) = %v, want %v",
						tc.preset, tc.overnight, k.name, float64(c.at-m)/float64(h), got, c.want)
				}
			}
			for _, c := range []struct {
				s, e int64
				want bool
			}{
				{m - 10*day, m - k.r.before + 1, true}, // a long OOO reaching in
				{m - 10*day, m - k.r.before, false},    // ends where the window starts
				{end - 1, end - h, true},               // inverted, starts inside: still counted
				{m - 30*day, m + 30*day, true},         // spans it all
				{end, end + day, false},                // after it
			} {
				if got := k.sp.overlaps(c.s, c.e); got != c.want {
					t.Errorf("%s (overnight %v) %s: overlaps(%+.2f, %+.2f h) = %v, want %v",
						tc.preset, tc.overnight, k.name, float64(c.s-m)/float64(h), float64(c.e-m)/float64(h), got, c.want)
				}
			}
		}
	}
	var all window
	if !all.events.contains(m) || !all.messages.contains(m) || !all.events.overlaps(m, m+1) {
		t.Error("the zero window must hold every instant")
	}
}

// TestRefSorter checks the run-merging sort of message references against
// a plain sort by (sent_at, message_id), on lists made of sorted runs (as
// a recipient's list comes) and on random ones, with equal instants.
func TestRefSorter(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ids := make([]string, 500)
	for i := range ids {
		ids[i] = fmt.Sprintf("m%03d", rng.IntN(1000))
	}
	s := refSorter{id: func(i int32) string { return ids[i] }}
	byKey := func(x, y mref) int {
		return cmp.Or(cmp.Compare(x.time(), y.time()), strings.Compare(ids[x.msg()], ids[y.msg()]))
	}
	for n := range 60 {
		for _, shape := range []string{"runs", "random", "sorted", "reversed"} {
			l := make([]mref, n)
			for i := range l {
				l[i] = newMref(int64(rng.IntN(20))<<33+int64(rng.IntN(3)), int32(rng.IntN(len(ids))), 0)
			}
			switch shape {
			case "runs":
				for lo := 0; lo < n; {
					hi := min(n, lo+1+rng.IntN(6))
					slices.SortStableFunc(l[lo:hi], byKey)
					lo = hi
				}
			case "sorted":
				slices.SortStableFunc(l, byKey)
			case "reversed":
				slices.SortStableFunc(l, byKey)
				slices.Reverse(l)
			}
			want := slices.Clone(l)
			slices.SortStableFunc(want, byKey)
			s.sort(l)
			if !slices.Equal(l, want) {
				t.Fatalf("%s list of %d: got %v, want %v", shape, n, l, want)
			}
		}
	}
}

// TestHalfHourStart checks the offsets and half-hour starts of a
// schedule, which keeps its zone's last offset period, against the zone
// looked up afresh, on
// instants in random order around DST changes of zones with whole, half-
// and quarter-hour offsets and a half-hour DST shift.
func TestHalfHourStart(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, zone := range []string{"UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe", "America/St_Johns"} {
		cfg, _ := Preset("default")
		sc, err := newSchedule(&dataset.Person{PersonID: "p", TimeZone: zone}, &cfg)
		if err != nil {
			t.Fatal(err)
		}
		// Around the spring and autumn changes of 2026 in both hemispheres.
		var at []int64
		for _, day := range []time.Time{
			time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC),
			time.Date(2026, 4, 5, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 4, 0, 0, 0, 0, time.UTC),
			time.Date(2026, 10, 25, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		} {
			for range 400 {
				at = append(at, day.UnixMicro()+rng.Int64N(48*usPerHour)-24*usPerHour)
			}
			// Each side of the next change, right after the period before it.
			if _, end := day.In(sc.loc).ZoneBounds(); !end.IsZero() {
				e := end.UnixMicro()
				at = append(at, e-usPerHour, e-1, e, e+1, e-1)
			}
		}
		for _, us := range at {
			_, off := time.UnixMicro(us).In(sc.loc).Zone()
			sec := floorDiv(us, usPerSec)
			want := (floorDiv(sec+int64(off), halfHourSecs)*halfHourSecs - int64(off)) * usPerSec
			if got := sc.offset(us); got != int64(off) {
				t.Fatalf("%s: offset(%s) = %d, want %d", zone, time.UnixMicro(us).UTC(), got, off)
			}
			if got := sc.halfHourStart(us); got != want {
				t.Fatalf("%s: halfHourStart(%s) = %s, want %s", zone, time.UnixMicro(us).UTC(), time.UnixMicro(got).UTC(), time.UnixMicro(want).UTC())
			}
		}
	}
}
