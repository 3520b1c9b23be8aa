package synthetic

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/overload-engine/overload/dataset"
)

func TestAddrSet(t *testing.T) {
	for _, n := range []int{3, smallSet, smallSet + 1, 5 * smallSet} {
		var s addrSet
		for i := range n {
			a := fmt.Sprintf("p%d@example.com", i)
			if !s.add(a) {
				t.Fatalf("n=%d: add(%s) the first time = false", n, a)
			}
			if s.add(a) {
				t.Fatalf("n=%d: add(%s) the second time = true", n, a)
			}
		}
		for i := range n {
			if a := fmt.Sprintf("p%d@example.com", i); !s.has(a) {
				t.Errorf("n=%d: has(%s) = false", n, a)
			}
		}
		if s.has("nobody@example.com") {
			t.Errorf("n=%d: has(nobody) = true", n)
		}
	}
}

func TestSortMessages(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var ms []dataset.Message
	for i := range 500 {
		ms = append(ms, dataset.Message{
			MessageID: fmt.Sprintf("%016x", rng.Uint64()),
			SentAt:    t0.Add(time.Duration(i/7) * time.Second), // runs of equal SentAt
		})
	}
	want := slices.Clone(ms)
	slices.SortFunc(want, compareMessages)
	// In date order (the fast path) and shuffled (the fallback).
	shuffled := slices.Clone(ms)
	rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for name, in := range map[string][]dataset.Message{"date order": ms, "shuffled": shuffled} {
		sortMessages(in)
		if !slices.EqualFunc(in, want, func(a, b dataset.Message) bool { return compareMessages(a, b) == 0 }) {
			t.Errorf("%s: sortMessages differs from a full sort", name)
		}
	}
}

func TestTimeOrderAndPermute(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	type item struct {
		at time.Time
		id string
		n  int // the original place, to check that the sort is stable
	}
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	items := make([]item, 300)
	for i := range items {
		// Few distinct instants and ids sharing long prefixes, so that
		// every tie-break is used.
		id := fmt.Sprintf("<chat-%d>", rng.IntN(40))
		if i%3 == 0 {
			id = id[:rng.IntN(len(id))]
		}
		items[i] = item{t0.Add(time.Duration(rng.IntN(5)) * time.Second), id, i}
	}
	want := slices.Clone(items)
	slices.SortStableFunc(want, func(a, b item) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	got := slices.Clone(items)
	permute(got, timeOrder(len(got), func(i int) (time.Time, string) { return got[i].at, got[i].id }))
	if !slices.Equal(got, want) {
		t.Errorf("permute(timeOrder(…)) differs from a stable sort")
	}
}

func TestPrefix(t *testing.T) {
	words := []string{"", "\x00", "a", "a\x00", "ab", "abcdefgh", "abcdefghi", "abcdefgh\x00", "abcdefgz", "b", "<chat-1", "<chat-12"}
	for _, a := range words {
		for _, b := range words {
			if pa, pb := prefix(a), prefix(b); pa < pb && a >= b || a < b && pa > pb {
				t.Errorf("prefix(%q) = %x, prefix(%q) = %x: not consistent with string order", a, pa, b, pb)
			}
		}
	}
}
