package analysis

import (
	"slices"
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
