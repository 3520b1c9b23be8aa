package analysis

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestEventKeys checks the event key table against a Go map: keys added
// twice keep their first position, keys that share a slot (equal first
// halves, or equal low bits) are told apart, and all and renumber visit
// every key once.
func TestEventKeys(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var m eventKeys
	want := map[eventKey]int32{}
	var keys []eventKey
	for i := range 20000 {
		var k eventKey
		switch i % 4 {
		case 0: // an event id's key
			k = eventKeyOf(fmt.Sprintf("ev%d", i))
		case 1: // the same first half as an earlier key
			k = eventKey{keys[r.IntN(len(keys))][0], r.Uint64()}
		case 2: // the same low bits as an earlier key
			k = eventKey{keys[r.IntN(len(keys))][0] + 1<<40, r.Uint64()}
		case 3: // an earlier key again
			k = keys[r.IntN(len(keys))]
		}
		v := int32(len(want))
		_, dup := want[k]
		if added := m.add(k, v); added == dup {
			t.Fatalf("add(%x) = %v, want %v", k, added, !dup)
		}
		if !dup {
			want[k] = v
			keys = append(keys, k)
		}
	}
	check := func() {
		t.Helper()
		for k, v := range want {
			if got, ok := m.lookup(k); !ok || got != v {
				t.Fatalf("lookup(%x) = %d, %v; want %d, true", k, got, ok, v)
			}
		}
		for range 1000 {
			k := eventKey{r.Uint64(), r.Uint64()}
			if _, in := want[k]; in {
				continue
			}
			if got, ok := m.lookup(k); ok {
				t.Fatalf("lookup(%x) = %d of a key never added", k, got)
			}
		}
		seen := 0
		m.all(func(k eventKey, v int32) {
			seen++
			if want[k] != v {
				t.Fatalf("all: %x → %d, want %d", k, v, want[k])
			}
		})
		if seen != len(want) {
			t.Fatalf("all visited %d keys, want %d", seen, len(want))
		}
	}
	check()
	to := make([]int32, len(want))
	for i := range to {
		to[i] = int32(len(to) - 1 - i)
	}
	m.renumber(to)
	for k, v := range want {
		want[k] = to[v]
	}
	check()
	if got, ok := m.get("ev0"); !ok || got != want[eventKeyOf("ev0")] {
		t.Errorf("get(ev0) = %d, %v", got, ok)
	}
	var empty eventKeys
	if _, ok := empty.get("ev0"); ok {
		t.Error("an empty table finds a key")
	}
}
