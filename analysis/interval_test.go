package analysis

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNewSet(t *testing.T) {
	tests := []struct {
		name string
		in   []Interval
		want Set
	}{
		{"empty", nil, Set{}},
		{"overlapping", []Interval{{5, 10}, {1, 6}}, Set{{1, 10}}},
		{"touching", []Interval{{1, 5}, {5, 7}}, Set{{1, 7}}},
		{"disjoint", []Interval{{8, 9}, {1, 2}}, Set{{1, 2}, {8, 9}}},
		{"contained", []Interval{{1, 10}, {2, 3}}, Set{{1, 10}}},
		{"empty interval dropped", []Interval{{3, 3}, {5, 4}}, Set{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, NewSet(tt.in)); d != "" {
				t.Errorf("NewSet(%v) (-want +got):\n%s", tt.in, d)
			}
		})
	}
}

func TestSetOps(t *testing.T) {
	a := Set{{0, 10}, {20, 30}}
	b := Set{{5, 25}, {28, 40}}
	if d := cmp.Diff(Set{{0, 40}}, Union(a, b)); d != "" {
		t.Errorf("Union (-want +got):\n%s", d)
	}
	if d := cmp.Diff(Set{{5, 10}, {20, 25}, {28, 30}}, Intersect(a, b)); d != "" {
		t.Errorf("Intersect (-want +got):\n%s", d)
	}
	if d := cmp.Diff(Set{{0, 5}, {25, 28}}, Subtract(a, b)); d != "" {
		t.Errorf("Subtract (-want +got):\n%s", d)
	}
	if got := (Set{{0, 30}, {40, 100}, {110, 115}}).PiecesAtLeast(30); got != 90 {
		t.Errorf("PiecesAtLeast = %d, want 90", got)
	}
	if got := (Set{{0, 30}, {40, 100}, {110, 115}}).PiecesShorter(30); got != 5 {
		t.Errorf("PiecesShorter = %d, want 5", got)
	}
}

// TestSetOpsRandom checks the set operations against a bitmap on random sets.
func TestSetOpsRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const n = 200
	randSet := func() (Set, [n]bool) {
		var bits [n]bool
		var ivs []Interval
		for k := r.IntN(6); k > 0; k-- {
			s := r.Int64N(n)
			e := min(n, s+r.Int64N(40))
			ivs = append(ivs, Interval{s, e})
			for i := s; i < e; i++ {
				bits[i] = true
			}
		}
		return NewSet(ivs), bits
	}
	fromBits := func(bits [n]bool) Set {
		var out Set
		for i := int64(0); i < n; i++ {
			if !bits[i] {
				continue
			}
			if k := len(out); k > 0 && out[k-1].E == i {
				out[k-1].E = i + 1
			} else {
				out = append(out, Interval{i, i + 1})
			}
		}
		return out
	}
	for iter := 0; iter < 2000; iter++ {
		a, ab := randSet()
		b, bb := randSet()
		var u, in, sub [n]bool
		for i := range n {
			u[i] = ab[i] || bb[i]
			in[i] = ab[i] && bb[i]
			sub[i] = ab[i] && !bb[i]
		}
		if d := cmp.Diff(fromBits(u), Union(a, b), cmp.Comparer(eqSet)); d != "" {
			t.Fatalf("Union(%v, %v) (-want +got):\n%s", a, b, d)
		}
		if d := cmp.Diff(fromBits(in), Intersect(a, b), cmp.Comparer(eqSet)); d != "" {
			t.Fatalf("Intersect(%v, %v) (-want +got):\n%s", a, b, d)
		}
		if d := cmp.Diff(fromBits(sub), Subtract(a, b), cmp.Comparer(eqSet)); d != "" {
			t.Fatalf("Subtract(%v, %v) (-want +got):\n%s", a, b, d)
		}
		if got, want := IntersectLen(a, b), fromBits(in).Len(); got != want {
			t.Fatalf("IntersectLen(%v, %v) = %d, want %d", a, b, got, want)
		}
		// unionLen takes raw intervals: overlapping, touching, empty.
		raw := append(append([]Interval{{5, 5}, {9, 3}}, a...), b...)
		for k := range a {
			raw = append(raw, Interval{a[k].E, a[k].E + 3}, a[k])
		}
		r.Shuffle(len(raw), func(i, j int) { raw[i], raw[j] = raw[j], raw[i] })
		if got, want := unionLen(slices.Clone(raw)), NewSet(raw).Len(); got != want {
			t.Fatalf("unionLen(%v) = %d, want %d", raw, got, want)
		}
	}
}

func eqSet(a, b Set) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
