package analysis

import "testing"

func TestBigMem(t *testing.T) {
	m := &bigMem{on: true}
	const n = 3 << 20 // 24 MiB of int64
	s := bigSlice[int64](m, n)
	if len(s) != 0 || cap(s) != n {
		t.Fatalf("len %d cap %d, want 0 and %d", len(s), cap(s), n)
	}
	s = s[:n]
	for i := range s {
		if s[i] != 0 {
			t.Fatalf("s[%d] = %d, want zeroed memory", i, s[i])
		}
		s[i] = int64(i)
	}
	var sum int64
	for _, v := range s {
		sum += v
	}
	if want := int64(n) * (n - 1) / 2; sum != want {
		t.Fatalf("sum %d, want %d", sum, want)
	}
	small := bigSlice[int64](m, 10) // below bigMinBytes: the Go heap
	g := growBig(m, small, n)       // grows into a mapping
	if cap(g) < n {
		t.Fatalf("growBig: cap %d, want ≥ %d", cap(g), n)
	}
	wantMaps := 2
	if len(m.maps) != wantMaps && mapHugeWorks() {
		t.Errorf("%d mappings, want %d", len(m.maps), wantMaps)
	}
	bigFree(m, s)
	bigFree(m, small) // not mapped: no-op
	m.release()
	if len(m.maps) != 0 {
		t.Errorf("%d mappings left after release", len(m.maps))
	}
	var off *bigMem
	if got := bigSlice[int64](off, n); cap(got) != n {
		t.Errorf("nil bigMem: cap %d, want %d", cap(got), n)
	}
}

func mapHugeWorks() bool {
	m, _ := mapHuge(1)
	if m == nil {
		return false
	}
	unmap(m)
	return true
}
