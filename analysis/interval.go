package analysis

import (
	"slices"
)

// An Interval is the half-open span [S, E) of Unix microseconds.
type Interval struct {
	S, E int64
}

// Len returns E − S, or 0 for an empty or inverted interval.
func (iv Interval) Len() int64 {
	if iv.E <= iv.S {
		return 0
	}
	return iv.E - iv.S
}

// A Set is a union of intervals kept as sorted, disjoint, non-empty,
// non-touching intervals. The zero value is the empty set. Every operation
// returns a new Set in that normal form, so the "maximal pieces" of a set
// (SPEC §8.12) are simply its elements.
type Set []Interval

// NewSet returns the union of ivs. ivs is sorted in place; empty intervals
// are dropped; overlapping and touching intervals are merged.
func NewSet(ivs []Interval) Set {
	sortByStart(ivs)
	return appendMerged(make(Set, 0, len(ivs)), ivs)
}

// appendMerged appends to out (empty) the union of ivs, sorted by start:
// empty intervals dropped, overlapping and touching ones merged. out may
// be ivs[:0] (it never gets ahead of the interval being read).
func appendMerged(out Set, ivs []Interval) Set {
	for _, x := range ivs {
		if x.E <= x.S {
			continue
		}
		if n := len(out); n > 0 && x.S <= out[n-1].E {
			out[n-1].E = max(out[n-1].E, x.E)
			continue
		}
		out = append(out, x)
	}
	return out
}

func sortByStart(ivs []Interval) {
	slices.SortFunc(ivs, func(a, b Interval) int {
		switch {
		case a.S < b.S:
			return -1
		case a.S > b.S:
			return 1
		}
		return 0
	})
}

// unionLen returns NewSet(ivs).Len() without building the set. ivs is
// sorted in place.
func unionLen(ivs []Interval) int64 {
	sortByStart(ivs)
	var n int64
	var cur Interval
	for _, x := range ivs {
		if x.E <= x.S {
			continue
		}
		if cur.E > cur.S && x.S <= cur.E {
			cur.E = max(cur.E, x.E)
			continue
		}
		n += cur.Len()
		cur = x
	}
	return n + cur.Len()
}

// Len returns the total length of s.
func (s Set) Len() int64 {
	var n int64
	for _, x := range s {
		n += x.E - x.S
	}
	return n
}

// Union returns a ∪ b.
func Union(a, b Set) Set { return unionTo(make(Set, 0, len(a)+len(b)), a, b) }

// unionTo is Union appending to out (empty).
func unionTo(out, a, b Set) Set {
	i, j := 0, 0
	push := func(x Interval) {
		if n := len(out); n > 0 && x.S <= out[n-1].E {
			if x.E > out[n-1].E {
				out[n-1].E = x.E
			}
			return
		}
		out = append(out, x)
	}
	for i < len(a) || j < len(b) {
		if j >= len(b) || (i < len(a) && a[i].S <= b[j].S) {
			push(a[i])
			i++
		} else {
			push(b[j])
			j++
		}
	}
	return out
}

// Intersect returns a ∩ b.
func Intersect(a, b Set) Set { return intersectTo(make(Set, 0, min(len(a), len(b))+1), a, b) }

// intersectTo is Intersect appending to out (empty).
func intersectTo(out, a, b Set) Set {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		s := max(a[i].S, b[j].S)
		e := min(a[i].E, b[j].E)
		if s < e {
			out = append(out, Interval{s, e})
		}
		if a[i].E < b[j].E {
			i++
		} else {
			j++
		}
	}
	return out
}

// IntersectLen returns Intersect(a, b).Len() without building the set.
func IntersectLen(a, b Set) int64 {
	var n int64
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		s := max(a[i].S, b[j].S)
		e := min(a[i].E, b[j].E)
		if s < e {
			n += e - s
		}
		if a[i].E < b[j].E {
			i++
		} else {
			j++
		}
	}
	return n
}

// Subtract returns a − b.
func Subtract(a, b Set) Set { return subtractTo(make(Set, 0, len(a)+len(b)), a, b) }

// subtractTo is Subtract appending to out (empty).
func subtractTo(out, a, b Set) Set {
	j := 0
	for _, x := range a {
		s := x.S
		for j < len(b) && b[j].E <= s {
			j++
		}
		k := j
		for k < len(b) && b[k].S < x.E {
			if b[k].S > s {
				out = append(out, Interval{s, b[k].S})
			}
			if b[k].E > s {
				s = b[k].E
			}
			k++
		}
		if s < x.E {
			out = append(out, Interval{s, x.E})
		}
	}
	return out
}

// Clip returns s ∩ [lo, hi).
func (s Set) Clip(lo, hi int64) Set {
	return Intersect(s, Set{{lo, hi}})
}

// PiecesAtLeast returns the total length of the pieces of s that last at
// least min.
func (s Set) PiecesAtLeast(min int64) int64 {
	var n int64
	for _, x := range s {
		if x.E-x.S >= min {
			n += x.E - x.S
		}
	}
	return n
}

// PiecesShorter returns the total length of the pieces of s shorter than max.
func (s Set) PiecesShorter(max int64) int64 {
	var n int64
	for _, x := range s {
		if x.E-x.S < max {
			n += x.E - x.S
		}
	}
	return n
}
