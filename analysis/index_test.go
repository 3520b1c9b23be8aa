package analysis

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

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
	cfg, _ := Preset("default")
	w10 := dataset.Week{Year: 2026, Num: 10}
	m := w10.Monday().UnixMicro()
	day := 24 * usPerHour
	win := newWindow([]dataset.Week{w10, {Year: 2026, Num: 12}}, cfg)
	for _, tc := range []struct {
		at   int64
		want bool
	}{
		{m - 3*day - 1, false}, {m - 3*day, true}, {m + 9*day + 5*usPerMin - 1, true},
		{m + 9*day + 5*usPerMin, false}, // the gap before week 12's window
		{m + 14*day - 3*day, true},
	} {
		if got := win.contains(tc.at); got != tc.want {
			t.Errorf("contains(Monday %+.3f days) = %v, want %v", float64(tc.at-m)/float64(day), got, tc.want)
		}
	}
	for _, tc := range []struct {
		s, e int64
		want bool
	}{
		{m - 10*day, m - 2*day, true},            // a long OOO reaching in
		{m - 10*day, m - 3*day, false},           // ends where the window starts
		{m + 8*day, m + 8*day - usPerHour, true}, // inverted, starts inside: still counted
		{m - 30*day, m + 30*day, true},           // spans it all
	} {
		if got := win.overlaps(tc.s, tc.e); got != tc.want {
			t.Errorf("overlaps(%+.2f, %+.2f days) = %v, want %v", float64(tc.s-m)/float64(day), float64(tc.e-m)/float64(day), got, tc.want)
		}
	}
	if !window(nil).contains(m) || !window(nil).overlaps(m, m+1) {
		t.Error("a nil window must hold every instant")
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
